#!/usr/bin/env python3
"""Asks every URL path of a list once, CONCURRENCY at a time over keep-alive connections (as
map clients do), and prints "seconds errors" (errors: answers other than 200).

usage: fetch_once.py BASE_URL LIST [CONCURRENCY]
The client's own CPU stays small (no process per request), so on a shared 2-core machine the
servers under test keep the cores.
"""
import http.client
import queue
import sys
import threading
import time
import urllib.parse


def worker(host, port, paths, errors, lock):
    connection = http.client.HTTPConnection(host, port, timeout=120)
    while True:
        try:
            path = paths.get_nowait()
        except queue.Empty:
            break
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=120)
            ok = False
        if not ok:
            with lock:
                errors[0] += 1
    connection.close()


def main():
    base = urllib.parse.urlsplit(sys.argv[1])
    prefix = base.path.rstrip("/") + "/"
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    paths = queue.Queue()
    with open(sys.argv[2]) as handle:
        for line in handle:
            if line.strip():
                paths.put(prefix + line.strip().lstrip("/"))
    errors, lock = [0], threading.Lock()
    threads = [threading.Thread(target=worker, args=(base.hostname, base.port, paths, errors, lock))
               for _ in range(concurrency)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"{time.monotonic() - start:.2f} {errors[0]}")


main()
