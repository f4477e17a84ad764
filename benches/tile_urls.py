#!/usr/bin/env python3
"""Writes the WebMercatorQuad tiles over the demo block at the given levels, one per line, as
"z x y" (rows from the top).

usage: tile_urls.py LEVEL [LEVEL...] > tiles.txt
"""
import math
import sys

from requests import EAST, NORTH, SOUTH, WEST, lambert93_to_wgs84


def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def main():
    west, south = lambert93_to_wgs84(WEST, SOUTH)
    east, north = lambert93_to_wgs84(EAST, NORTH)
    # The block's corners in WGS84 (Lambert-93 is not aligned with meridians: take all four).
    corners = [lambert93_to_wgs84(x, y) for x in (WEST, EAST) for y in (SOUTH, NORTH)]
    lons = [c[0] for c in corners]
    lats = [c[1] for c in corners]
    for z in map(int, sys.argv[1:]):
        x0, y0 = tile(min(lons), max(lats), z)
        x1, y1 = tile(max(lons), min(lats), z)
        # Inner tiles only: fully over dalles, so every server draws a full tile.
        for y in range(y0 + 1, y1):
            for x in range(x0 + 1, x1):
                print(z, x, y)


main()
