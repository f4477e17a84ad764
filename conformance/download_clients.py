#!/usr/bin/python3
"""Info-ZIP's unzip and Python's zipfile as clients of the bulk downloads.

Over the made-up commune the suite imports (69901, over the first layer): the preview names
the dalles; the ZIP of `/download/zip` passes `unzip -t` and opens with zipfile, holds the
licence and both manifests, and each member's SHA-256 is the manifest's; its `Content-Length`
is the preview's size; a `Range` resume from the middle is byte-identical; the Metalink
parses, and each file's size is what its own URL answers with.

Run: /usr/bin/python3 conformance/download_clients.py --context PATH
"""

import csv
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import urllib.request
import xml.etree.ElementTree as ElementTree
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

CLIENT = "Info-ZIP, zipfile"
SERVICE = "Downloads"
KEY = os.environ.get("DALLAGE_CONFORMANCE_KEY", "")


def fetch(url, headers=None, method="GET"):
    """(status, headers, body) of a request with the admin key."""
    request = urllib.request.Request(url, headers={"X-API-Key": KEY, **(headers or {})}, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, response.headers, response.read()


def run(context):
    import json
    base, layer = context["base"].rstrip("/"), context["layers"][0]["name"]
    query = f"livrable={layer}&commune=69901"
    _, _, body = fetch(f"{base}/api/downloads/preview?{query}")
    preview = json.loads(body)
    dalles = preview["download"]["dalles"]
    report.emit(CLIENT, SERVICE, "preview names the commune's dalles", dalles > 0 and preview["livrables"][0]["allowed"],
                f"{dalles} dalles, {preview['download']['bytes']} bytes")
    status, headers, archive = fetch(f"{base}/download/zip?{query}")
    length = int(headers["Content-Length"])
    report.emit(CLIENT, SERVICE, "Content-Length is the preview's size and the body's",
                status == 200 and length == len(archive) == preview["download"]["bytes"], f"{length} bytes")
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
        handle.write(archive)
        path = handle.name
    try:
        tested = subprocess.run(["unzip", "-t", path], capture_output=True, text=True, timeout=300)
        report.emit(CLIENT, SERVICE, "unzip -t", tested.returncode == 0, tested.stdout.strip().splitlines()[-1:])
    finally:
        os.unlink(path)
    report.guarded(CLIENT, SERVICE, "zipfile: members whole, hashes as the manifest says", check_members, archive)
    report.guarded(CLIENT, SERVICE, "Range resume from the middle is byte-identical", check_range, base, query,
                   archive, headers["ETag"])
    report.guarded(CLIENT, SERVICE, "Metalink 4: sizes as each file's URL answers", check_metalink, base, query)


def check_members(archive):
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        bad = opened.testzip()
        names = opened.namelist()
        rows = list(csv.DictReader(io.StringIO(opened.read("manifest.csv").decode("utf-8"))))
        wrong = [row["path"] for row in rows
                 if hashlib.sha256(opened.read(f"{row['livrable']}/{row['path']}")).hexdigest() != row["sha256"]]
    expected = {"LICENCE.txt", "manifest.csv", "manifest.geojson"}
    ok = bad is None and expected <= set(names) and rows and not wrong and len(names) == len(rows) + 3
    return ok, f"{len(names)} members, {len(rows)} in the manifest, bad CRC: {bad}, wrong hashes: {wrong or 'none'}"


def check_range(base, query, archive, etag):
    middle = len(archive) // 2
    status, headers, rest = fetch(f"{base}/download/zip?{query}", {"Range": f"bytes={middle}-", "If-Range": etag})
    ok = status == 206 and rest == archive[middle:]
    return ok, f"{status}, {headers.get('Content-Range')}"


def check_metalink(base, query):
    _, _, body = fetch(f"{base}/download/metalink.meta4?{query}")
    namespace = {"m": "urn:ietf:params:xml:ns:metalink"}
    files = ElementTree.fromstring(body).findall("m:file", namespace)
    wrong = []
    for item in files:
        size = int(item.find("m:size", namespace).text)
        _, headers, _ = fetch(item.find("m:url", namespace).text, method="HEAD")
        if int(headers["Content-Length"]) != size:
            wrong.append(item.get("name"))
    return bool(files) and not wrong, f"{len(files)} files; sizes wrong: {wrong or 'none'}"


if __name__ == "__main__":
    report.run_script(run, __doc__.splitlines()[0])
