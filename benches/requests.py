#!/usr/bin/env python3
"""Writes the random WMS GetMap requests a load run sends, one URL path per line.

usage: requests.py SCENARIO COUNT SEED > urls.txt
SCENARIO is one of the names in SCENARIOS below; the same seed gives the same requests, so
both servers get the very same list.
"""
import math
import os
import random
import sys

# The demo block: 3 x 3 dalles of 200 m from (846200, 6525800) to (846800, 6526400), EPSG:2154.
WEST, SOUTH, EAST, NORTH = 846200.0, 6525800.0, 846800.0, 6526400.0
JP2 = "demo-pcrs-metropole-de-lyon-orthophoto-5-cm-jpeg-2000"
TIF = "demo-pcrs-metropole-de-lyon-orthophoto-5-cm-geotiff"

# The cold deliverable of peers.sh (`dallage fixtures --many`): COLD_DALLES dalles of 200 m in
# one row from (800000, 6600000) eastwards; its layer name comes from the environment.
COLD_DALLES = int(os.environ.get("COLD_DALLES", "64"))
COLD_AREA = (800000.0, 6599800.0, 800000.0 + 200.0 * min(COLD_DALLES, 100), 6600000.0)
COLD = os.environ.get("COLD_LAYER", "cold")
# peers.sh's cold16 deliverable: 16 dalles of 100 m cut from the demo's four north-western ones.
COLD16_AREA = (846200.0, 6526000.0, 846600.0, 6526400.0)

# name: (layer, CRS, ground metres per pixel)
SCENARIOS = {
    "cold-5cm-2154": (COLD, "EPSG:2154", 0.05),
    "cold-5cm-3857": (COLD, "EPSG:3857", 0.05),
    "cold16-5cm-2154": (COLD, "EPSG:2154", 0.05),
    "cold16-5cm-3857": (COLD, "EPSG:3857", 0.05),
    "jp2-5cm-2154": (JP2, "EPSG:2154", 0.05),
    "jp2-5cm-3857": (JP2, "EPSG:3857", 0.05),
    "jp2-80cm-2154": (JP2, "EPSG:2154", 0.8),
    "tif-5cm-2154": (TIF, "EPSG:2154", 0.05),
    "tif-5cm-3857": (TIF, "EPSG:3857", 0.05),
}


def lambert93_to_wgs84(x, y):
    """Lambert-93 (EPSG:2154) to longitude, latitude in degrees (IGN's formulas)."""
    n, c, xs, ys = 0.7256077650532670, 11754255.426096, 700000.0, 12655612.049876
    e = 0.0818191910428158
    dx, dy = x - xs, y - ys
    r = math.hypot(dx, dy)
    gamma = math.atan2(dx, -dy)
    lon = math.degrees(gamma / n) + 3.0
    iso = -math.log(r / c) / n
    phi = 2 * math.atan(math.exp(iso)) - math.pi / 2
    for _ in range(10):
        phi = 2 * math.atan(((1 + e * math.sin(phi)) / (1 - e * math.sin(phi))) ** (e / 2) * math.exp(iso)) - math.pi / 2
    return lon, math.degrees(phi)


def mercator(lon, lat):
    radius = 6378137.0
    return math.radians(lon) * radius, math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * radius


def main():
    scenario, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    layer, crs, ground = SCENARIOS[scenario]
    areas = {"cold": COLD_AREA, "cold16": COLD16_AREA}
    west, south, east, north = areas.get(scenario.split("-")[0], (WEST, SOUTH, EAST, NORTH))
    rng = random.Random(seed)
    size = 256 * ground
    for _ in range(count):
        # Positions on the 5 cm grid, anywhere in the block (tiles of a WMS client don't align
        # with dalles or their internal tiles).
        x = west + round(rng.uniform(0, east - west - size) / 0.05) * 0.05
        y = south + round(rng.uniform(0, north - south - size) / 0.05) * 0.05
        if crs == "EPSG:2154":
            bbox = (x, y, x + size, y + size)
        else:
            lon, lat = lambert93_to_wgs84(x + size / 2, y + size / 2)
            cx, cy = mercator(lon, lat)
            half = size / 2 / math.cos(math.radians(lat))
            bbox = (cx - half, cy - half, cx + half, cy + half)
        print(
            f"?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS={crs}"
            f"&BBOX={bbox[0]:.3f},{bbox[1]:.3f},{bbox[2]:.3f},{bbox[3]:.3f}&WIDTH=256&HEIGHT=256&FORMAT=image/jpeg"
        )


if __name__ == "__main__":
    main()
