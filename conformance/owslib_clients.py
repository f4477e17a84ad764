#!/usr/bin/env python3
"""OWSLib as a client of dallage's WMS 1.1.1, WMS 1.3.0 and WMTS 1.0.0, WFS 2.0 and OGC API
Features.

Checks what a Python script written against OWSLib relies on: the capabilities parse, list every
layer with a bounding box covering its data, GetMap answers a PNG of the asked size, and GetTile
answers an image over the data and no exception away from it. OWSLib and the standard library
only (the conformance virtual environment has neither GDAL nor numpy nor Pillow): PNGs are
decoded here with zlib, and Lambert-93 is projected to Web Mercator with the textbook formulas.

WFS 2.0 (`WebFeatureService`) and OGC API Features (`ogcapi.features.Features`) must list every
class of each vector deliverable and hand over, page after page, as many features as the source
GML holds (counted here with the standard library's XML parser), each with its identifier.

Run: /work/main/target/conformance/venv/bin/python conformance/owslib_clients.py --context PATH
"""

import json
import math
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

import owslib  # noqa: E402
import requests  # noqa: E402  (OWSLib's own HTTP client, used only to explain a failure)
from owslib.ogcapi.features import Features  # noqa: E402
from owslib.wfs import WebFeatureService  # noqa: E402
from owslib.wms import WebMapService  # noqa: E402
from owslib.wmts import WebMapTileService  # noqa: E402

CLIENT = f"OWSLib {owslib.__version__}"
MAP_SIZE = (300, 200)  # not square, so swapped WIDTH/HEIGHT cannot pass
TILE_SETS = ("WebMercatorQuad", "2154_5cm")
FAR = 50_000.0  # metres west of the data: a tile of the matrix, well outside the layer's limits


def png(data):
    """(width, height, RGBA rows) of an 8-bit non-interlaced PNG; raises if it is not one."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"not a PNG: starts with {data[:16]!r}")
    chunks, offset = {}, 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks.setdefault(kind, []).append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    if depth != 8 or interlace:
        raise ValueError(f"PNG {width}x{height} bit depth {depth} interlace {interlace}: not decoded here")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    rows = unfilter(zlib.decompress(b"".join(chunks[b"IDAT"])), width * channels, channels)
    return width, height, [rgba(row, colour, chunks) for row in rows]


def unfilter(raw, stride, bpp):
    """Undoes the PNG per-row filters (None, Sub, Up, Average, Paeth)."""
    rows, previous = [], bytearray(stride)
    for start in range(0, len(raw), stride + 1):
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                near = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))
                row[i] = (row[i] + near[2]) & 255
        rows.append(row)
        previous = row
    return rows


def rgba(row, colour, chunks):
    """One decoded row as a list of (r, g, b, a)."""
    if colour == 6:
        return [tuple(row[i:i + 4]) for i in range(0, len(row), 4)]
    if colour == 2:
        return [tuple(row[i:i + 3]) + (255,) for i in range(0, len(row), 3)]
    if colour == 4:
        return [(row[i], row[i], row[i], row[i + 1]) for i in range(0, len(row), 2)]
    if colour == 0:
        return [(v, v, v, 255) for v in row]
    palette, alpha = chunks[b"PLTE"][0], chunks.get(b"tRNS", [b""])[0]
    return [tuple(palette[3 * v:3 * v + 3]) + (alpha[v] if v < len(alpha) else 255,) for v in row]


def image_summary(data):
    """(width, height, share of opaque pixels, grey-level spread of the opaque ones)."""
    width, height, rows = png(data)
    pixels = [p for row in rows for p in row]
    opaque = [p for p in pixels if p[3] == 255]
    greys = [sum(p[:3]) / 3 for p in opaque] or [0.0]
    mean = sum(greys) / len(greys)
    spread = math.sqrt(sum((g - mean) ** 2 for g in greys) / len(greys))
    return width, height, len(opaque) / len(pixels), spread


def lambert93_to_lonlat(x, y):
    """Inverse Lambert conformal conic 2SP on GRS80 (EPSG:2154), in degrees (RGF93 ~ WGS84)."""
    a, f = 6378137.0, 1 / 298.257222101
    e = math.sqrt(f * (2 - f))
    lat1, lat2, lat0, lon0 = (math.radians(d) for d in (49.0, 44.0, 46.5, 3.0))
    m = lambda p: math.cos(p) / math.sqrt(1 - (e * math.sin(p)) ** 2)  # noqa: E731
    t = lambda p: math.tan(math.pi / 4 - p / 2) / ((1 - e * math.sin(p)) / (1 + e * math.sin(p))) ** (e / 2)  # noqa: E731
    n = (math.log(m(lat1)) - math.log(m(lat2))) / (math.log(t(lat1)) - math.log(t(lat2)))
    big_f = m(lat1) / (n * t(lat1) ** n)
    rho0 = a * big_f * t(lat0) ** n
    dx, dy = x - 700000.0, rho0 - (y - 6600000.0)
    tt = (math.hypot(dx, dy) / (a * big_f)) ** (1 / n)
    lat = math.pi / 2 - 2 * math.atan(tt)
    for _ in range(8):  # latitude by fixed point, converges to < 1e-12 rad in a few steps
        lat = math.pi / 2 - 2 * math.atan(tt * ((1 - e * math.sin(lat)) / (1 + e * math.sin(lat))) ** (e / 2))
    return math.degrees(math.atan2(dx, dy) / n + lon0), math.degrees(lat)


def point_in(tile_set, x, y):
    """A Lambert-93 point in the tile matrix set's own CRS."""
    if tile_set == "2154_5cm":
        return x, y
    lon, lat = lambert93_to_lonlat(x, y)
    radius = 6378137.0
    return radius * math.radians(lon), radius * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def tile_at(matrix_set, point):
    """(matrix id, row, col) of the tile holding the point at the first level finer than 1 m."""
    for matrix in sorted(matrix_set.tilematrix.values(), key=lambda m: -m.scaledenominator):
        resolution = matrix.scaledenominator * 0.00028  # OGC "standardized rendering pixel", metres
        if resolution < 1.0:
            left, top = matrix.topleftcorner
            col = math.floor((point[0] - left) / (resolution * matrix.tilewidth))
            row = math.floor((top - point[1]) / (resolution * matrix.tileheight))
            return matrix, row, col
    raise ValueError(f"{matrix_set.identifier} has no level finer than 1 m")


def check_wms_capabilities(wms, version, layers):
    missing = [name for name in layers if name not in wms.contents]
    ok = wms.version == version and not missing
    return ok, f"version {wms.version}, {len(wms.contents)} layers, missing {missing or 'none'}"


def check_wms_bbox(wms, name, bbox):
    # OWSLib lists every BoundingBox for 1.3.0 (crs_list) but keeps only the first one for 1.1.1.
    boxes = getattr(wms.contents[name], "crs_list", None) or [wms.contents[name].boundingBox]
    box = next((b for b in boxes if b and b[4] == "EPSG:2154"), None)
    slack = 1e-6 * (bbox[2] - bbox[0])
    ok = box is not None and box[0] <= bbox[0] + slack and box[1] <= bbox[1] + slack \
        and box[2] >= bbox[2] - slack and box[3] >= bbox[3] - slack
    return ok, f"EPSG:2154 bounding box {box[:4] if box else None}, data {tuple(bbox)}"


def check_getmap(wms, name, bbox):
    # A 3:2 strip in the middle of the data, so 300x200 pixels are square ones.
    middle, half = (bbox[1] + bbox[3]) / 2, (bbox[2] - bbox[0]) / 3
    strip = (bbox[0], middle - half, bbox[2], middle + half)
    response = wms.getmap(layers=[name], styles=[""], srs="EPSG:2154", bbox=strip, size=MAP_SIZE,
                          format="image/png", transparent=True)
    width, height, opaque, spread = image_summary(response.read())
    ok = (width, height) == MAP_SIZE and opaque > 0.99 and spread > 5
    return ok, (f"{response.info().get('Content-Type')} {width}x{height} (asked {MAP_SIZE[0]}x{MAP_SIZE[1]}), "
                f"opaque {opaque:.3f}, grey spread {spread:.1f}; {response.geturl()}")


def check_wmts_capabilities(wmts, layers):
    missing = [name for name in layers if name not in wmts.contents]
    sets = [s for s in TILE_SETS if s not in wmts.tilematrixsets]
    unlinked = [f"{n}/{s}" for n in layers if n in wmts.contents for s in TILE_SETS
                if s not in wmts.contents[n].tilematrixsetlinks]
    ok = wmts.version == "1.0.0" and not (missing or sets or unlinked)
    return ok, (f"version {wmts.version}, layers missing {missing or 'none'}, tile matrix sets "
                f"{sorted(wmts.tilematrixsets)} (missing {sets or 'none'}), unlinked {unlinked or 'none'}")


def fetch_tile(wmts, name, tile_set, matrix, row, col):
    """The tile's bytes through OWSLib's gettile, which reads u.info()['Content-Type'] unguarded:
    on a KeyError, fetch the same request again to say what the server really answered."""
    try:
        return wmts.gettile(layer=name, tilematrixset=tile_set, tilematrix=matrix.identifier,
                            row=row, column=col, format="image/png").read()
    except KeyError as error:
        request = wmts.buildTileRequest(name, None, "image/png", tile_set, matrix.identifier, row, col)
        raw = requests.get(f"{wmts.url.split('?')[0]}?{request}", timeout=30)
        raise RuntimeError(f"level {matrix.identifier} row {row} col {col}: OWSLib gettile raised KeyError "
                           f"{error}; the server answered {raw.status_code} with Content-Type "
                           f"{raw.headers.get('Content-Type')!r} and {len(raw.content)} bytes") from error


def check_tile_over_data(wmts, name, tile_set, bbox):
    point = point_in(tile_set, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    matrix, row, col = tile_at(wmts.tilematrixsets[tile_set], point)
    limits = wmts.contents[name].tilematrixsetlinks[tile_set].tilematrixlimits.get(matrix.identifier)
    # The capabilities must advertise limits at this level, and the tile must lie inside them.
    inside = limits is not None and (limits.mintilerow <= row <= limits.maxtilerow
                                     and limits.mintilecol <= col <= limits.maxtilecol)
    width, height, opaque, spread = image_summary(fetch_tile(wmts, name, tile_set, matrix, row, col))
    # The middle tile lies wholly inside the data (tiles finer than 1 m span < 256 m, data 600 m).
    ok = inside and (width, height) == (matrix.tilewidth, matrix.tileheight) and opaque > 0.99 and spread > 5
    return ok, (f"level {matrix.identifier} row {row} col {col} (inside the layer's limits: {inside}): "
                f"{width}x{height}, opaque {opaque:.3f}, grey spread {spread:.1f}")


def check_tile_outside(wmts, name, tile_set, bbox):
    """A tile of the matrix far outside the advertised TileMatrixSetLimits: WMTS 1.0.0 wants a
    TileOutOfRange exception, which OWSLib must surface as an error naming it."""
    point = point_in(tile_set, bbox[0] - FAR, (bbox[1] + bbox[3]) / 2)
    matrix, row, col = tile_at(wmts.tilematrixsets[tile_set], point)
    where = f"level {matrix.identifier} row {row} col {col}"
    try:
        data = wmts.gettile(layer=name, tilematrixset=tile_set, tilematrix=matrix.identifier,
                            row=row, column=col, format="image/png").read()
    except Exception as error:  # noqa: BLE001 - the exception is the expected answer
        return "TileOutOfRange" in str(error), f"{where}: {type(error).__name__}: {str(error)[:200]}"
    return False, f"{where}: {len(data)} bytes instead of a TileOutOfRange exception"


def connect(service, factory, *args, **kwargs):
    """The OWSLib service object, or None after reporting why its capabilities did not load."""
    try:
        return factory(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any client error is the check's failure
        report.emit(CLIENT, service, "capabilities load", False, f"{type(error).__name__}: {error}")
        return None


def gml_counts(files):
    """Features per class in GML files: the children of feature members, by local name."""
    import xml.etree.ElementTree as ElementTree
    counts = {}
    for path in files:
        for _, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag.rsplit("}", 1)[-1] in ("featureMember", "member"):
                for child in element:
                    name = child.tag.rsplit("}", 1)[-1]
                    counts[name] = counts.get(name, 0) + 1
                element.clear()
    return counts


def check_wfs_types(wfs, slug, counts):
    listed = {name.split(":", 1)[-1][len(slug) + 1:] for name in wfs.contents
              if name.split(":", 1)[-1].startswith(slug + "-")}
    return listed == set(counts), f"listed {sorted(listed)}; source classes {sorted(counts)}"


def check_wfs_features(wfs, typename, count):
    """Pages of 500 GeoJSON features through startindex, joined, hold every feature once."""
    ids, start = [], 0
    while True:
        response = wfs.getfeature(typename=[typename], outputFormat="application/json", maxfeatures=500,
                                  startindex=start)
        page = json.loads(response.read())
        ids += [feature["id"] for feature in page["features"]]
        if len(page["features"]) < 500:
            break
        start += 500
    return len(ids) == count and len(set(ids)) == count, f"{len(ids)} features ({len(set(ids))} distinct), GML: {count}"


def check_oapif_features(api, collection, count):
    """Items read page after page (limit, offset) hold every feature once."""
    ids, offset = [], 0
    while True:
        page = api.collection_items(collection, limit=500, offset=offset)
        ids += [feature["id"] for feature in page["features"]]
        if len(page["features"]) < 500:
            break
        offset += 500
    return len(ids) == count and len(set(ids)) == count, f"{len(ids)} features ({len(set(ids))} distinct), GML: {count}"


def run_vectors(context):
    base = context["base"].rstrip("/")
    vectors = context.get("vectors", [])
    if not vectors:
        return
    wfs = connect("WFS 2.0", WebFeatureService, f"{base}/wfs", version="2.0.0", timeout=60)
    api = Features(f"{base}/ogcapi", timeout=60)
    for vector in vectors:
        slug, counts = vector["slug"], gml_counts(vector["files"])
        report.guarded(CLIENT, "OGC API Features", f"collections list every class {slug}", lambda: (
            {c for c in api.feature_collections() if c.startswith(slug + "-")} == {f"{slug}-{n}" for n in counts},
            f"{len(counts)} classes"))
        for name, count in sorted(counts.items()):
            report.guarded(CLIENT, "OGC API Features", f"items of {slug}-{name}", check_oapif_features, api,
                           f"{slug}-{name}", count)
        if wfs is None:
            continue
        report.guarded(CLIENT, "WFS 2.0", f"capabilities list every class {slug}", check_wfs_types, wfs, slug, counts)
        for name, count in sorted(counts.items()):
            report.guarded(CLIENT, "WFS 2.0", f"GetFeature pages of dallage:{slug}-{name}", check_wfs_features, wfs,
                           f"dallage:{slug}-{name}", count)


def run(context):
    run_vectors(context)
    base, layers = context["base"].rstrip("/"), context["layers"]
    names = [layer["name"] for layer in layers]
    for version in ("1.1.1", "1.3.0"):
        service = f"WMS {version}"
        wms = connect(service, WebMapService, f"{base}/wms", version=version, timeout=60)
        if wms is None:
            continue
        report.guarded(CLIENT, service, "capabilities list every layer", check_wms_capabilities, wms, version, names)
        for layer in layers:
            name, bbox = layer["name"], layer["bbox"]
            report.guarded(CLIENT, service, f"bounding box covers the data {name}", check_wms_bbox, wms, name, bbox)
            report.guarded(CLIENT, service, f"GetMap PNG {name}", check_getmap, wms, name, bbox)
    wmts = connect("WMTS", WebMapTileService, f"{base}/wmts", timeout=60)
    if wmts is None:
        return
    report.guarded(CLIENT, "WMTS", "capabilities list every layer and tile matrix set",
                   check_wmts_capabilities, wmts, names)
    for layer in layers:
        for tile_set in TILE_SETS:
            name, bbox = layer["name"], layer["bbox"]
            report.guarded(CLIENT, "WMTS", f"GetTile over the data {tile_set} {name}",
                           check_tile_over_data, wmts, name, tile_set, bbox)
            report.guarded(CLIENT, "WMTS", f"GetTile outside the limits is TileOutOfRange {tile_set} {name}",
                           check_tile_outside, wmts, name, tile_set, bbox)


if __name__ == "__main__":
    report.run_script(run, __doc__.splitlines()[0])
