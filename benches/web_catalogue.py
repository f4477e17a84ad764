#!/usr/bin/python3
"""Fills a dallage SQLite catalogue (already migrated) for benches/web.sh with PROJECTS projects
shaped like pcrs.beta.gouv.fr's: three communes each (their boundaries imported, 400 points each, with a population and their area), four status steps (the investigation one
with three milestones), two actors, a grant; a raster deliverable on a made-up HTTP storage
whose last scan is done (its summary, a footprint, DALLES dalles of 200 m) and a vector one
never scanned. Spread over France's départements so the filters have work to do.

Run: benches/web_catalogue.py CATALOGUE.db PROJECTS DALLES
"""

import json
import math
import sqlite3
import sys

path, projects, dalles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
now = "2026-12-05T10:00:00Z"
VERTICES = 400
STATUTS = ["investigation", "convention_signee", "prod_en_cours", "disponible"]
db = sqlite3.connect(path)


def insert(table, **values):
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    return db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())).lastrowid


def boundary(code, departement, lon, lat):
    """A commune of VERTICES points around (lon, lat), about 5 km across, as imported boundaries
    are (a real commune's outline has hundreds of points)."""
    ring = [[lon + 0.03 * math.cos(2 * math.pi * k / VERTICES), lat + 0.02 * math.sin(2 * math.pi * k / VERTICES)]
            for k in range(VERTICES)]
    ring.append(ring[0])
    db.execute(
        "INSERT OR REPLACE INTO boundaries (kind, code, nom, departement, epci, west, south, east, north, vertices, "
        "geometry, source, imported_at, population, area_km2) "
        "VALUES ('commune', ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'banc', ?, ?, ?)",
        (code, f"Commune {code}", departement, lon - 0.03, lat - 0.02, lon + 0.03, lat + 0.02, len(ring),
         json.dumps({"type": "Polygon", "coordinates": [ring]}), now, 1000 + int(code[-3:]) * 37,
         # The ellipse's area, as `dallage boundaries import` measures it.
         math.pi * 0.03 * 111.32 * math.cos(math.radians(lat)) * 0.02 * 110.57))


for index in range(projects):
    departement = f"{1 + index % 95:02d}" if 1 + index % 95 != 20 else "21"
    project = insert("projects", slug=f"bench-{index}", nom=f"PCRS banc {index}", regime="production",
                     nature="mixte", created_at=now, updated_at=now)
    lon, lat = -4.5 + (index % 40) * 0.25, 42.5 + (index // 40 % 36) * 0.25
    for position in range(3):
        code = f"{departement}{100 + position + index % 700:03d}"
        insert("perimetres", project_id=project, position=position, kind="commune", code=code)
        boundary(code, departement, lon + position * 0.08, lat)
    year = 2018 + index % 6
    for position, statut in enumerate(STATUTS[: 1 + index % 4]):
        insert("etapes", project_id=project, position=position, statut=statut,
               date_debut=f"{year + position}-02-01")
    for rank, nature in enumerate(["constitution_convention", "preparation_marche", "appel_offres"]):
        insert("jalons", project_id=project, etape_position=0, position=rank, nature=nature,
               date=f"{year}-0{3 + rank}-01", note=None)
    insert("acteurs", project_id=project, position=0, siren="200046977", nom="Métropole de Lyon", role="aplc",
           interlocuteur=None, mail="sig@example.fr", telephone=None, finance_part_perc=60,
           finance_part_euro=90000)
    insert("acteurs", project_id=project, position=1, siren="200039865", nom="Metz Métropole", role="financeur",
           interlocuteur=None, mail=None, telephone=None, finance_part_perc=40, finance_part_euro=60000)
    insert("subventions", project_id=project, position=0, nom="FEDER", nature="feder", montant=50000,
           echeance=f"{year + 2}-12-31")
    for kind in ["raster", "vector"]:
        slug = f"bench-{index}-{kind}"
        livrable = insert("livrables", project_id=project, slug=slug, nom=f"{kind} {index}",
                          nature="jpeg2000" if kind == "raster" else "gml", licence="ouvert_lo",
                          diffusion="wms", created_at=now, updated_at=now)
        storage = insert("storages", livrable_id=livrable, kind="http", url=f"http://127.0.0.1:9/{slug}/",
                         host="127.0.0.1", port=9, path="/", download_allowed=1, created_at=now, updated_at=now)
        if kind != "raster":
            continue
        side = 0.0026 * dalles ** 0.5
        footprint = {"type": "MultiPolygon", "coordinates": [[[[lon, lat], [lon + side, lat], [lon + side, lat + side],
                                                               [lon, lat + side], [lon, lat]]]]}
        summary = {"nature": "PCRS raster", "format": "JPEG 2000", "formats": {"JPEG 2000": dalles},
                   "dalles": dalles, "projection": "RGF93 v1 / Lambert-93", "epsg": 2154,
                   "projections": {"EPSG:2154": dalles}, "bytes": dalles * 6_000_000, "files": 2 * dalles,
                   "files_by_class": {"jpeg2000": dalles, "world_file": dalles},
                   "bands": ["RED", "GREEN", "BLUE"], "resolution": 0.05, "footprint": footprint,
                   "broken": [], "truncated": None}
        scan = insert("scans", livrable_id=livrable, storage_id=storage, state="done", trigger_kind="api",
                      created_at=now, started_at=now, finished_at=now, files_listed=2 * dalles,
                      files_probed=dalles, summary=json.dumps(summary))
        rows = []
        for n in range(dalles):
            x, y = 840000 + (n % 10) * 200 + index * 4000, 6520000 + (n // 10) * 200
            west, south = lon + (n % 10) * 0.0026, lat + (n // 10) * 0.0018
            rows.append((livrable, storage, f"dalles/{x}-{y}.jp2", 6_000_000, now, x, y, x + 200, y + 200,
                         west, south, west + 0.0026, south + 0.0018, scan, scan))
        db.executemany(
            "INSERT INTO dalles (livrable_id, storage_id, path, class, size, mtime, epsg, min_x, min_y, max_x, max_y, "
            "west, south, east, north, first_scan_id, last_scan_id, needs_probe) "
            "VALUES (?, ?, ?, 'jpeg2000', ?, ?, 2154, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", rows)
db.commit()
print(f"{projects} projects, {2 * projects} deliverables, {projects * dalles} dalles")
