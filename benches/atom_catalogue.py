#!/usr/bin/python3
"""Fills a dallage SQLite catalogue (already migrated) for benches/atom.sh: one project,
LIVRABLES raster deliverables on made-up HTTP storages, the first with BIG dalles of 200 m,
each other with one; every dalle placed in EPSG:2154 with its CRS:84 box, as a scan leaves it.

Run: benches/atom_catalogue.py CATALOGUE.db LIVRABLES BIG
"""

import sqlite3
import sys

path, livrables, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = "2026-12-05T10:00:00Z"
db = sqlite3.connect(path)
db.execute("INSERT INTO projects (slug, nom, regime, nature, created_at, updated_at) "
           "VALUES ('bench', 'Banc ATOM', 'production', 'raster', ?, ?)", (now, now))
project = db.execute("SELECT id FROM projects WHERE slug = 'bench'").fetchone()[0]
for index in range(livrables):
    slug = f"bench-ortho-{index}"
    livrable = db.execute(
        "INSERT INTO livrables (project_id, slug, nom, nature, licence, created_at, updated_at) "
        "VALUES (?, ?, ?, 'jpeg2000', 'ouvert_lo', ?, ?)", (project, slug, f"Ortho {index}", now, now)).lastrowid
    storage = db.execute(
        "INSERT INTO storages (livrable_id, kind, url, host, port, path, download_allowed, created_at, updated_at) "
        "VALUES (?, 'http', ?, '127.0.0.1', 9, '/', 1, ?, ?)",
        (livrable, f"http://127.0.0.1:9/{slug}/", now, now)).lastrowid
    scan = db.execute(
        "INSERT INTO scans (livrable_id, storage_id, state, trigger_kind, created_at, started_at, finished_at) "
        "VALUES (?, ?, 'done', 'api', ?, ?, ?)", (livrable, storage, now, now, now)).lastrowid
    rows = []
    for n in range(big if index == 0 else 1):
        x, y = 840000 + (n % 250) * 200, 6520000 + (n // 250) * 200 + index * 10
        lon, lat = 4.8 + (n % 250) * 0.0026, 45.7 + (n // 250) * 0.0018 + index * 1e-5
        rows.append((livrable, storage, f"dalles/{x}-{y}.jp2", 6_000_000 + n, now, x, y, x + 200, y + 200,
                     lon, lat, lon + 0.0026, lat + 0.0018, scan, scan))
    db.executemany(
        "INSERT INTO dalles (livrable_id, storage_id, path, class, size, mtime, epsg, min_x, min_y, max_x, max_y, "
        "west, south, east, north, first_scan_id, last_scan_id, needs_probe) "
        "VALUES (?, ?, ?, 'jpeg2000', ?, ?, 2154, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rows)
db.commit()
print(f"{livrables} deliverables, {big + livrables - 1} dalles")
