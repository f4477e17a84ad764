#!/usr/bin/python3
"""GDAL 3.6 as a client: its WMS, WMTS, TMS (GDAL_WMS minidriver), OGCAPI and OAPIF drivers.

Each driver discovers the layers the way `gdalinfo` would (capabilities subdatasets, tilesets),
then its dataset is warped onto a grid over the middle of the data and over its east edge, in
EPSG:2154 and EPSG:3857, and compared with GDAL's warp of the source dalles (pixels.py). The
OAPIF and WFS (2.0.0 and 1.1.0) drivers read every vector collection, with the counts OGR reads
from the source GML. Its MVT driver reads each vector deliverable's z17 tiles: per class, as many
features as the OGC API Features items of the tile's box, buffer included (between 60 and 68 of
the tile's 4 096 units: the server's own buffer is 64). Its OGCAPI driver draws each vector
deliverable's map tiles where the server's WMS draws.

Run: /usr/bin/python3 conformance/gdal_clients.py --context PATH
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
from pixels import SHIFT, compare, reference, squares, warp  # noqa: E402
from osgeo import gdal, osr  # noqa: E402

CLIENT = "GDAL " + gdal.__version__
# Mean |dRGB| allowed. GDAL's WMS client asks JPEG maps on its own block grid and resamples
# them again; its tiled clients read a level of the pyramid and resample it: 12, like the
# tiled QGIS checks. Against the 20 m shifted reference the differences are three times that.
TOLERANCE = 12.0


def subdatasets(connection):
    """Names of the subdatasets a capabilities document opens as."""
    dataset = gdal.Open(connection)
    names = dataset.GetMetadata("SUBDATASETS")
    return [value for key, value in names.items() if key.endswith("_NAME")]


def check_listed(connection, wanted):
    """Every layer is among the subdatasets GDAL finds."""
    names = subdatasets(connection)
    missing = [layer for layer in wanted if not any(layer in name for name in names)]
    return not missing, f"{len(names)} subdatasets; missing: {missing or 'none'}"


def check_pixels(open_dataset, layer, epsg, area, bounds):
    """A driver's dataset warped onto the grid matches the source dalles there."""
    dataset = open_dataset()
    image = warp(dataset, epsg, bounds)
    ok, detail = compare(image, reference(layer["reference"], epsg, bounds),
                         reference(layer["reference"], epsg, bounds, SHIFT), TOLERANCE)
    size = f"{dataset.RasterXSize}x{dataset.RasterYSize}x{dataset.RasterCount}"
    return ok, f"{detail}; dataset {size}"


def wms_opener(base, version, name):
    def open_dataset():
        connection = f"WMS:{base}/wms?SERVICE=WMS&VERSION={version}&REQUEST=GetCapabilities"
        matches = [n for n in subdatasets(connection) if f"LAYERS={name}&" in n]
        if not matches:
            raise LookupError(f"{name} is not among the WMS subdatasets")
        return gdal.Open(matches[0])
    return open_dataset


def wmts_opener(base, name, matrix_set):
    return lambda: gdal.Open(f"WMTS:{base}/wmts/1.0.0/WMTSCapabilities.xml,layer={name},tilematrixset={matrix_set}")


def xyz_opener(base, name, template, y_origin):
    """GDAL's TMS minidriver over WebMercatorQuad, rows from the top (XYZ) or bottom (TMS)."""
    xml = f"""<GDAL_WMS>
  <Service name="TMS"><ServerUrl>{base}/{template}</ServerUrl></Service>
  <DataWindow><UpperLeftX>-20037508.34</UpperLeftX><UpperLeftY>20037508.34</UpperLeftY>
    <LowerRightX>20037508.34</LowerRightX><LowerRightY>-20037508.34</LowerRightY>
    <TileLevel>21</TileLevel><TileCountX>1</TileCountX><TileCountY>1</TileCountY>
    <YOrigin>{y_origin}</YOrigin></DataWindow>
  <Projection>EPSG:3857</Projection><BlockSizeX>256</BlockSizeX><BlockSizeY>256</BlockSizeY>
  <BandsCount>4</BandsCount><ZeroBlockHttpCodes>204,404</ZeroBlockHttpCodes>
</GDAL_WMS>"""
    return lambda: gdal.Open(xml)


def ogcapi_opener(base, layer, matrix_set):
    """GDAL 3.6.2's OGCAPI driver takes the collection's CRS84 extent as if it were in the set's
    CRS (fixed in GDAL 3.8): for the other sets the extent is given in the set's CRS."""
    name, options = layer["name"], []
    if matrix_set != "WorldCRS84Quad":
        epsg = 3857 if matrix_set == "WebMercatorQuad" else 2154
        minx, miny, maxx, maxy = to_epsg(layer["bbox"], epsg)
        options = [f"TILEMATRIXSET={matrix_set}", f"MINX={minx}", f"MINY={miny}", f"MAXX={maxx}", f"MAXY={maxy}"]
    return lambda: gdal.OpenEx(f"OGCAPI:{base}/ogcapi/collections/{name}", gdal.OF_RASTER,
                               open_options=["API=TILES"] + options)


def to_epsg(bbox, epsg):
    """A Lambert-93 box's bounds in EPSG:`epsg`."""
    source, target = osr.SpatialReference(), osr.SpatialReference()
    source.ImportFromEPSG(2154)
    target.ImportFromEPSG(epsg)
    for srs in (source, target):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return osr.CoordinateTransformation(source, target).TransformBounds(*bbox, 21)


def clients(base, layer):
    """(service, label, opener) for every way GDAL reads the layer."""
    name = layer["name"]
    yield "WMS 1.1.1", "WMS 1.1.1", wms_opener(base, "1.1.1", name)
    yield "WMS 1.3.0", "WMS 1.3.0", wms_opener(base, "1.3.0", name)
    for matrix_set in ("2154_5cm", "LAMB93", "WebMercatorQuad", "WorldCRS84Quad"):
        yield "WMTS", f"WMTS {matrix_set}", wmts_opener(base, name, matrix_set)
    yield "TMS / XYZ", "XYZ", xyz_opener(base, name, f"tiles/{name}/${{z}}/${{x}}/${{y}}.png", "top")
    yield "TMS / XYZ", "TMS", xyz_opener(base, name, f"tms/1.0.0/{name}/WebMercatorQuad/${{z}}/${{x}}/${{y}}.png",
                                         "bottom")
    for matrix_set in ("WorldCRS84Quad", "WebMercatorQuad", "2154_5cm", "LAMB93"):
        yield "OGC API Tiles", f"OGCAPI {matrix_set}", ogcapi_opener(base, layer, matrix_set)


def source_counts(files):
    """Features per layer (PCRS class) as OGR reads the GML files (no .gfs written beside them)."""
    counts = {}
    for path in files:
        dataset = gdal.OpenEx(path, gdal.OF_VECTOR, open_options=["WRITE_GFS=NO"])
        for index in range(dataset.GetLayerCount()):
            layer = dataset.GetLayer(index)
            counts[layer.GetName()] = counts.get(layer.GetName(), 0) + layer.GetFeatureCount()
    return counts


def check_vector_counts(connection, prefix, files):
    """GDAL's driver (OAPIF or WFS) lists every class of the deliverable and reads, page after
    page, as many features as OGR reads from the source files."""
    expected = source_counts(files)
    dataset = gdal.OpenEx(connection, gdal.OF_VECTOR)
    read = {}
    for index in range(dataset.GetLayerCount()):
        layer = dataset.GetLayer(index)
        if layer.GetName().startswith(prefix):
            read[layer.GetName()[len(prefix):]] = sum(1 for _ in layer)
    wrong = {name: (read.get(name), count) for name, count in expected.items() if read.get(name) != count}
    extra = sorted(set(read) - set(expected))
    return bool(expected) and not wrong and not extra, (
        f"{len(read)} layers, {sum(read.values())} features; wrong (read, expected): {wrong or 'none'}; "
        f"extra: {extra or 'none'}")


def tile_box84(z, x, y, buffer):
    """A WebMercatorQuad tile's box in CRS:84 with `buffer` of its 4 096 units around it."""
    half = 20037508.342789244
    span = 2 * half / 2 ** z
    pad = span * buffer / 4096
    x0, y1 = -half + x * span - pad, half - y * span + pad
    x1, y0 = x0 + span + 2 * pad, y1 - span - 2 * pad
    source, target = osr.SpatialReference(), osr.SpatialReference()
    source.ImportFromEPSG(3857)
    target.ImportFromEPSG(4326)
    target.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = osr.CoordinateTransformation(source, target)
    corners = [transform.TransformPoint(a, b)[:2] for a, b in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
    return (min(c[0] for c in corners), min(c[1] for c in corners), max(c[0] for c in corners),
            max(c[1] for c in corners))


def matched(base, collection, box):
    """numberMatched of the collection's items in a CRS:84 box."""
    import json
    import urllib.request
    url = f"{base}/ogcapi/collections/{collection}/items?limit=1&bbox={','.join(f'{v:.10f}' for v in box)}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)["numberMatched"]


def check_vector_tiles(base, slug):
    """GDAL's MVT driver reads every z17 tile over the deliverable with the counts a direct query
    of the tile's box finds, class by class."""
    import json
    import math
    import tempfile
    import urllib.request
    with urllib.request.urlopen(f"{base}/tiles/{slug}/tiles.json", timeout=60) as response:
        tilejson = json.load(response)
    west, south, east, north = tilejson["bounds"]
    classes = [layer["id"] for layer in tilejson["vector_layers"]]
    z, n = 17, 2 ** 17
    column = lambda lon: int((lon + 180) / 360 * n)  # noqa: E731
    row = lambda lat: int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)  # noqa: E731
    tiles, features, wrong = 0, 0, []
    with tempfile.TemporaryDirectory() as scratch:
        for x in range(column(west), column(east) + 1):
            for y in range(row(north), row(south) + 1):
                with urllib.request.urlopen(f"{base}/tiles/{slug}/{z}/{x}/{y}.mvt", timeout=60) as response:
                    body = response.read()
                if not body:
                    continue
                path = os.path.join(scratch, str(z), str(x), f"{y}.mvt")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(body)
                dataset = gdal.OpenEx(path, gdal.OF_VECTOR)
                read = {dataset.GetLayer(i).GetName(): dataset.GetLayer(i).GetFeatureCount()
                        for i in range(dataset.GetLayerCount())}
                tiles += 1
                inner, outer = tile_box84(z, x, y, 60), tile_box84(z, x, y, 68)
                for name in classes:
                    got = read.get(name, 0)
                    features += got
                    low, high = matched(base, f"{slug}-{name}", inner), matched(base, f"{slug}-{name}", outer)
                    if not low <= got <= high:
                        wrong.append(f"{z}/{x}/{y} {name}: {got} not in {low}..{high}")
    return tiles > 0 and not wrong, f"{tiles} tiles, {features} features read; {wrong[:5] or 'all as queried'}"


def check_vector_map(base, slug):
    """GDAL's OGCAPI driver opens a vector deliverable's map tileset (WebMercatorQuad) as a
    raster; warped over 120 m around a voirie line, it draws where the server's own WMS GetMap
    of the same box draws."""
    import json
    import urllib.request
    with urllib.request.urlopen(f"{base}/tiles/{slug}/tiles.json", timeout=60) as response:
        west, south, east, north = json.load(response)["bounds"]
    source, target = osr.SpatialReference(), osr.SpatialReference()
    source.ImportFromEPSG(4326)
    target.ImportFromEPSG(3857)
    source.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    minx, miny, maxx, maxy = osr.CoordinateTransformation(source, target).TransformBounds(
        west, south, east, north, 21)
    dataset = gdal.OpenEx(f"OGCAPI:{base}/ogcapi/collections/{slug}", gdal.OF_RASTER, open_options=[
        "API=TILES", "TILEMATRIXSET=WebMercatorQuad", f"MINX={minx}", f"MINY={miny}", f"MAXX={maxx}",
        f"MAXY={maxy}"])
    # Centred on the first voirie line's first vertex, where the map draws something.
    with urllib.request.urlopen(f"{base}/ogcapi/collections/{slug}-LimiteVoiriePCRS/items?limit=1",
                                timeout=60) as response:
        geometry = json.load(response)["features"][0]["geometry"]
    first = geometry["coordinates"][0]
    while isinstance(first[0], list):
        first = first[0]
    cx, cy, _ = osr.CoordinateTransformation(source, target).TransformPoint(first[0], first[1])
    half = 60.0
    bounds = (cx - half, cy - half, cx + half, cy + half)
    image = warp(dataset, 3857, bounds)
    size = image.shape[0]
    url = (f"{base}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={slug}&STYLES=&CRS=EPSG:3857"
           f"&BBOX={','.join(str(v) for v in bounds)}&WIDTH={size}&HEIGHT={size}&FORMAT=image/png"
           "&TRANSPARENT=TRUE")
    with urllib.request.urlopen(url, timeout=60) as response:
        gdal.FileFromMemBuffer("/vsimem/wms.png", response.read())
    wms = gdal.Open("/vsimem/wms.png")
    drawn_wms = wms.GetRasterBand(wms.RasterCount).ReadAsArray() > 64
    gdal.Unlink("/vsimem/wms.png")
    drawn_tiles = image[..., 3] > 64
    # The tiles come from a coarser level (thinner lines, smaller symbols) and are resampled:
    # each drawn pixel of one must have a drawn pixel of the other within 3 pixels.
    found = float((drawn_wms & dilate(drawn_tiles, 3)).sum()) / max(int(drawn_wms.sum()), 1)
    kept = float((drawn_tiles & dilate(drawn_wms, 3)).sum()) / max(int(drawn_tiles.sum()), 1)
    return drawn_wms.sum() > 100 and found >= 0.9 and kept >= 0.9, (
        f"{int(drawn_tiles.sum())} pixels drawn from the tiles, {int(drawn_wms.sum())} by GetMap; "
        f"{found:.3f} of GetMap's have a tile pixel within 3 px, {kept:.3f} of the tiles' a GetMap pixel "
        "(at least 0.9 each)")


def dilate(mask, steps):
    """Grows a mask by `steps` pixels (4-connected, repeated)."""
    for _ in range(steps):
        grown = mask.copy()
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
        mask = grown
    return mask


def run(context):
    base, layers = context["base"].rstrip("/"), context["layers"]
    names = [layer["name"] for layer in layers]
    for version in ("1.1.1", "1.3.0"):
        report.guarded(CLIENT, f"WMS {version}", "capabilities list every layer", check_listed,
                       f"WMS:{base}/wms?SERVICE=WMS&VERSION={version}&REQUEST=GetCapabilities", names)
    report.guarded(CLIENT, "WMTS", "capabilities list every layer", check_listed,
                   f"WMTS:{base}/wmts/1.0.0/WMTSCapabilities.xml", names)
    for vector in context.get("vectors", []):
        slug = vector["slug"]
        report.guarded(CLIENT, "OGC API Features", f"OAPIF {slug}: every class, every feature",
                       check_vector_counts, f"OAPIF:{base}/ogcapi", f"{slug}-", vector["files"])
        report.guarded(CLIENT, "Vector tiles", f"MVT {slug}: every z17 tile, counts of a direct query",
                       check_vector_tiles, base, slug)
        report.guarded(CLIENT, "OGC API Tiles", f"OGCAPI map tiles of {slug}: drawn where GetMap draws",
                       check_vector_map, base, slug)
        for version, service in (("2.0.0", "WFS 2.0"), ("1.1.0", "WFS 1.1")):
            report.guarded(CLIENT, service, f"WFS {slug}: every feature type, every feature",
                           check_vector_counts, f"WFS:{base}/wfs?VERSION={version}", f"dallage:{slug}-",
                           vector["files"])
    for layer in layers:
        for service, label, opener in clients(base, layer):
            for epsg in (2154, 3857):
                for area, bounds in squares(layer["bbox"], epsg).items():
                    report.guarded(CLIENT, service, f"{label} {layer['name']} EPSG:{epsg} {area}",
                                   check_pixels, opener, layer, epsg, area, bounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--context", required=True)
    os.environ.setdefault("GDAL_PAM_ENABLED", "NO")
    gdal.SetConfigOption("GDAL_ENABLE_WMS_CACHE", "NO")
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    run(report.load_context(parser.parse_args().context))


if __name__ == "__main__":
    report.main_guard(main)
