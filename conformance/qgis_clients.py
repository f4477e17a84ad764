#!/usr/bin/python3
"""QGIS 3.22 as a client of dallage's WMS 1.1.1, WMS 1.3.0, WMTS and XYZ tiles, and of its
WFS 2.0, WFS 1.1 and OGC API Features.

Each layer is opened through QGIS's "wms" provider the way a user would add it, rendered to a PNG
in EPSG:2154 and EPSG:3857, and compared with GDAL's own warp of the source dalles (the context's
reference VRT) over the same extent and size: the image must not be blank, must match the
reference where it has data and must stay transparent where it has none.

Each vector deliverable's classes are added as QGIS adds them (the "WFS" provider in both
versions, the "OAPIF" provider): every class must be valid, read with the feature count and the
extent OGR reads from the source GML, and draw in EPSG:3946 over its own extent. Each vector
deliverable is also added as a map: its WMS group layer (the "wms" provider) and its vector tiles
(the "vectortile" provider over /tiles/{slug}/{z}/{x}/{y}.mvt); each must draw, and draw in the
right place: at least 90 % of the pixels QGIS draws for the LimiteVoiriePCRS class read over OGC
API Features must have a pixel of the map within 3 pixels.

Run: QT_QPA_PLATFORM=offscreen /usr/bin/python3 conformance/qgis_clients.py --context PATH
"""

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
from pixels import HALF, SHIFT, SIZE, compare, reference  # noqa: E402

import numpy as np  # noqa: E402
from osgeo import gdal  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsDataSourceUri,
    QgsMapRendererParallelJob, QgsMapSettings, QgsNetworkAccessManager, QgsNetworkRequestParameters,
    QgsProject, QgsRasterLayer, QgsRectangle, QgsVectorLayer, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QEventLoop, QSize, QTimer, QUrlQuery  # noqa: E402
from qgis.PyQt.QtGui import QColor, QImage  # noqa: E402

CLIENT = "QGIS 3.22"
RENDER_TIMEOUT_MS = 120_000
# Mean absolute RGB difference allowed where the reference has data. An exact GetMap is the
# server's own resampling of the same dalles onto the same grid, so only the kernel, overview
# choice and rounding differ from gdal.Warp: measured 0.16-0.34 in EPSG:3857 and 1.3-2.3 in
# EPSG:2154 (there the server's downsampling sits between GDAL's bilinear and average), so 3.
# Tiles are resampled twice (server: dalles -> tile grid; QGIS: tiles -> map grid, nearest
# neighbour, from a level up to ~1.4x finer or coarser, reprojected when the grid is in the
# other CRS): measured 1.8-8.9, so 12. Against the same orthophoto moved by 1 m, WMS measures
# 6.7-10.4 (> 3); tiles measure 7.5-14 at 1 m, 11.6-19.8 at 2 m and 22-29 at 5 m (> 12 from ~2 m);
# 20 m gives 37-40: compare() demands that the 20 m shifted reference fail, in every check.
TOL_EXACT = 3.0
TOL_TILED = 12.0


def rgba(image):
    """A QImage as a height x width x 4 RGBA uint8 array (QGIS renders premultiplied ARGB)."""
    image = image.convertToFormat(QImage.Format_RGBA8888)
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    rows = np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


def wms_uri(base, layer, version, epsg):
    # QGIS has no WMS version setting: it asks GetCapabilities at the given url plus
    # SERVICE=WMS&REQUEST=GetCapabilities, keeping a VERSION already there (the server answers
    # 1.3.0 without one), then builds every GetMap with the version of the capabilities it parsed.
    # The proof is not this url but what went out: check_render records every request through
    # QgsNetworkAccessManager.requestAboutToBeCreated, and versions() demands VERSION=1.1.1 with
    # SRS= (1.3.0: CRS=) on each GetMap. crs = the map's CRS, so the server, not QGIS, reprojects.
    return uri(url=f"{base}/wms?VERSION={version}", layers=layer, styles="", format="image/png",
               crs=f"EPSG:{epsg}")


def wmts_uri(base, layer, matrix_set, epsg):
    # QGIS reads the REST capabilities but, as they also announce KVP GetTile, fetches tiles by KVP.
    return uri(url=f"{base}/wmts/1.0.0/WMTSCapabilities.xml", layers=layer, styles="default",
               format="image/png", tileMatrixSet=matrix_set, crs=f"EPSG:{epsg}")


def xyz_uri(base, layer):
    return uri(type="xyz", url=f"{base}/tiles/{layer}/{{z}}/{{x}}/{{y}}.png", zmin="0", zmax="22",
               crs="EPSG:3857")


def uri(**params):
    """A provider URI built by QgsDataSourceUri, so '&', '=' and braces in urls are encoded."""
    source = QgsDataSourceUri()
    for key, value in params.items():
        source.setParam(key, value)
    return bytes(source.encodedUri()).decode()


def cases(base, layer):
    """(service, label, tolerance, uri for a map CRS) for every way QGIS can add the layer."""
    return [
        ("WMS 1.1.1", "WMS 1.1.1", TOL_EXACT, lambda epsg: wms_uri(base, layer, "1.1.1", epsg)),
        ("WMS 1.3.0", "WMS 1.3.0", TOL_EXACT, lambda epsg: wms_uri(base, layer, "1.3.0", epsg)),
        ("WMTS", "WMTS 2154_5cm", TOL_TILED, lambda epsg: wmts_uri(base, layer, "2154_5cm", 2154)),
        ("WMTS", "WMTS WebMercatorQuad", TOL_TILED, lambda epsg: wmts_uri(base, layer, "WebMercatorQuad", 3857)),
        ("TMS / XYZ", "XYZ", TOL_TILED, lambda epsg: xyz_uri(base, layer)),
    ]


def extents(bbox, epsg):
    """Named squares in the map CRS: the middle of the data, and one half over its east edge."""
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    squares = {"middle": (cx, cy), "east edge": (bbox[2], cy)}
    to_map = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:2154"),
                                    QgsCoordinateReferenceSystem(f"EPSG:{epsg}"), QgsProject.instance())
    result = {}
    for name, (x, y) in squares.items():
        box = to_map.transformBoundingBox(QgsRectangle(x - HALF, y - HALF, x + HALF, y + HALF))
        half = max(box.width(), box.height()) / 2  # square, so QGIS keeps the extent as asked
        c = box.center()
        result[name] = QgsRectangle(c.x() - half, c.y() - half, c.x() + half, c.y() + half)
    return result


def render(layer, epsg, extent, path):
    """Renders one layer the way the map canvas would; returns the image and the map extent."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem(f"EPSG:{epsg}"))
    settings.setExtent(extent)
    settings.setOutputSize(QSize(SIZE, SIZE))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    job = QgsMapRendererParallelJob(settings)
    loop = QEventLoop()  # an event loop, not waitForFinished: network signals reach the main thread
    job.finished.connect(loop.quit)
    # A render that hangs (a request never answered) is cancelled, and reported, after 2 min.
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(job.cancelWithoutBlocking)
    timer.start(RENDER_TIMEOUT_MS)
    job.start()
    loop.exec_()
    timed_out = not timer.isActive()
    timer.stop()
    job.renderedImage().save(path)
    errors = "; ".join(error.message for error in job.errors())
    if timed_out:
        errors = f"render cancelled after {RENDER_TIMEOUT_MS // 1000} s" + (f"; {errors}" if errors else "")
    return rgba(job.renderedImage()), settings.visibleExtent(), errors


def check_render(context, spec, label, tolerance, source, epsg, area, extent, requests):
    layer = QgsRasterLayer(source, f"{label} {spec['name']}", "wms")
    if not layer.isValid():
        return False, f"layer not valid: {layer.error().summary()} ({source})"
    slug = f"{spec['name']}_{label}_{epsg}_{area}".replace(" ", "-")
    path = os.path.join(context["out"], "qgis", slug + ".png")
    requests.clear()
    image, visible, errors = render(layer, epsg, extent, path)
    QgsApplication.processEvents()  # delivers the last queued request notifications
    bounds = (visible.xMinimum(), visible.yMinimum(), visible.xMaximum(), visible.yMaximum())
    ok, detail = compare(image, reference(spec["reference"], epsg, bounds),
                         reference(spec["reference"], epsg, bounds, SHIFT), tolerance)
    if label.startswith("WMS "):
        sent, detail = versions(requests, label[4:]), f"{detail}; {versions_detail(requests)}"
        ok = ok and sent
    return ok and not errors, f"{detail}{'; render errors: ' + errors if errors else ''}; {path}"


def versions(requests, version):
    """Every GetMap QGIS sent names the asked version and that version's CRS parameter."""
    key = "SRS" if version == "1.1.1" else "CRS"
    maps = [q for q in requests if q.get("REQUEST", "").lower() == "getmap"]
    return bool(maps) and all(q.get("VERSION") == version and key in q for q in maps)


def versions_detail(requests):
    sent = sorted({f"VERSION={q.get('VERSION')} {'SRS' if 'SRS' in q else 'CRS'}={q.get('SRS', q.get('CRS'))}"
                   for q in requests if q.get("REQUEST", "").lower() == "getmap"})
    return f"GetMap sent: {', '.join(sent) or 'none'}"


def record_requests():
    """Collects the query of every request QGIS's network manager sends, from any thread."""
    requests = []

    def seen(parameters):
        query = QUrlQuery(parameters.request().url())
        requests.append({key.upper(): value for key, value in query.queryItems()})

    manager = QgsNetworkAccessManager.instance()
    manager.requestAboutToBeCreated[QgsNetworkRequestParameters].connect(seen)
    return requests


def source_classes(files):
    """Per class: (feature count, extent) as OGR reads the source GML (no .gfs written)."""
    classes = {}
    for path in files:
        dataset = gdal.OpenEx(path, gdal.OF_VECTOR, open_options=["WRITE_GFS=NO"])
        for index in range(dataset.GetLayerCount()):
            layer = dataset.GetLayer(index)
            count, box = classes.get(layer.GetName(), (0, None))
            if layer.GetGeomType() != 100:  # wkbNone: a class without geometry has no extent
                minx, maxx, miny, maxy = layer.GetExtent()
                box = (minx, miny, maxx, maxy) if box is None else (
                    min(box[0], minx), min(box[1], miny), max(box[2], maxx), max(box[3], maxy))
            classes[layer.GetName()] = (count + layer.GetFeatureCount(), box)
    return classes


def plain_uri(**params):
    """A provider URI in the key='value' form the WFS and OAPIF providers read."""
    source = QgsDataSourceUri()
    for key, value in params.items():
        source.setParam(key, value)
    return source.uri(False)


def vector_sources(base, slug, name):
    """(service, provider, uri) for every way QGIS adds class `name` of deliverable `slug`."""
    typename = f"dallage:{slug}-{name}"
    return [
        ("WFS 2.0", "WFS", plain_uri(url=f"{base}/wfs", typename=typename, version="2.0.0", srsname="EPSG:3946",
                                     pagingEnabled="true")),
        ("WFS 1.1", "WFS", plain_uri(url=f"{base}/wfs", typename=typename, version="1.1.0", srsname="EPSG:3946")),
        ("OGC API Features", "OAPIF", plain_uri(url=f"{base}/ogcapi", typename=f"{slug}-{name}")),
    ]


def check_vector(context, provider, source, label, count, box):
    """The layer is valid, holds OGR's count, spans OGR's extent within a metre, and draws (a
    class without geometry: OGR's count, and no geometry)."""
    layer = QgsVectorLayer(source, label, provider)
    if not layer.isValid():
        return False, f"layer not valid: {layer.error().summary()} ({source})"
    to_3946 = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:3946"), QgsProject.instance())
    read, extent = 0, QgsRectangle()
    extent.setMinimal()
    with_geometry = 0
    for feature in layer.getFeatures():
        read += 1
        if feature.hasGeometry():
            # The geometry, not its box, is transformed: a box turns with the meridians.
            geometry = feature.geometry()
            geometry.transform(to_3946)
            extent.combineExtentWith(geometry.boundingBox())
            with_geometry += 1
    if box is None:
        return read == count and with_geometry == 0, f"{read} features (OGR: {count}), {with_geometry} with a geometry"
    got = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    # OAPIF serves CRS:84 (9 decimals) and QGIS measures boxes of linearised arcs: a metre.
    placed = all(abs(a - b) <= 1.0 for a, b in zip(got, box))
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3946"))
    margin = 5.0
    settings.setExtent(QgsRectangle(box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin))
    settings.setOutputSize(QSize(256, 256))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    job = QgsMapRendererParallelJob(settings)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    loop.exec_()
    path = os.path.join(context["out"], "qgis", label.replace(" ", "-").replace(":", "-") + ".png")
    job.renderedImage().save(path)
    drawn = int((rgba(job.renderedImage())[:, :, 3] > 0).sum())
    detail = (f"{read} features (OGR: {count}); extent {[round(v, 2) for v in got]} vs "
              f"{[round(v, 2) for v in box]}; {drawn} pixels drawn; {path}")
    return read == count and placed and drawn > 0, detail


def draw(layer, box, epsg):
    """Renders `layer` over `box` (in EPSG `epsg`) at 512×512: the alpha mask."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem(f"EPSG:{epsg}"))
    settings.setExtent(QgsRectangle(*box))
    settings.setOutputSize(QSize(512, 512))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    job = QgsMapRendererParallelJob(settings)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    QTimer.singleShot(RENDER_TIMEOUT_MS, loop.quit)
    job.start()
    loop.exec_()
    return job.renderedImage(), rgba(job.renderedImage())[:, :, 3] > 0


def near(mask, reach):
    """`mask` grown by `reach` pixels."""
    grown = mask.copy()
    for dx in range(-reach, reach + 1):
        for dy in range(-reach, reach + 1):
            grown |= np.roll(np.roll(mask, dx, axis=0), dy, axis=1)
    return grown


def check_map(context, layer, label, reference, box):
    """The map layer is valid, draws, and covers the reference drawing of the voirie."""
    if not layer.isValid():
        return False, f"layer not valid: {layer.error().summary()}"
    image, mask = draw(layer, box, 3857)
    path = os.path.join(context["out"], "qgis", label.replace(" ", "-").replace(":", "-") + ".png")
    image.save(path)
    covered = int((near(mask, 3) & reference).sum())
    share = covered / max(int(reference.sum()), 1)
    detail = f"{int(mask.sum())} pixels drawn; {share:.1%} of the voirie's {int(reference.sum())} pixels covered; {path}"
    return mask.sum() > 0 and share >= 0.9, detail


def run_vector_maps(context):
    base = context["base"].rstrip("/")
    for vector in context.get("vectors", []):
        slug = vector["slug"]
        voirie = QgsVectorLayer(plain_uri(url=f"{base}/ogcapi", typename=f"{slug}-LimiteVoiriePCRS"), "voirie", "OAPIF")
        if not voirie.isValid():
            continue
        to_3857 = QgsCoordinateTransform(voirie.crs(), QgsCoordinateReferenceSystem("EPSG:3857"), QgsProject.instance())
        extent = to_3857.transformBoundingBox(voirie.extent())
        # A 150 m square at the middle of the voirie: about 1:1 000 at 512 pixels.
        cx, cy = extent.center().x(), extent.center().y()
        box = (cx - 75, cy - 75, cx + 75, cy + 75)
        _, reference = draw(voirie, box, 3857)
        if reference.sum() == 0:
            box = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
            _, reference = draw(voirie, box, 3857)
        wms = QgsRasterLayer(uri(url=f"{base}/wms?VERSION=1.3.0", layers=slug, styles="", format="image/png",
                                 crs="EPSG:3857"), f"WMS {slug}", "wms")
        report.guarded(CLIENT, "WMS 1.3.0", f"vector group {slug}: drawn in place", check_map, context, wms,
                       f"WMS vector {slug}", reference, box)
        tiles = QgsVectorTileLayer(uri(type="xyz", url=f"{base}/tiles/{slug}/{{z}}/{{x}}/{{y}}.mvt", zmin="9",
                                       zmax="22"), f"MVT {slug}")
        report.guarded(CLIENT, "Vector tiles", f"MVT {slug}: drawn in place", check_map, context, tiles,
                       f"MVT {slug}", reference, box)


def run_vectors(context):
    base = context["base"].rstrip("/")
    for vector in context.get("vectors", []):
        for name, (count, box) in sorted(source_classes(vector["files"]).items()):
            for service, provider, source in vector_sources(base, vector["slug"], name):
                label = f"{service} {vector['slug']}:{name}"
                report.guarded(CLIENT, service, f"{label}: count, extent, drawn", check_vector, context, provider,
                               source, label, count, box)


def run(context):
    run_vectors(context)
    run_vector_maps(context)
    base = context["base"].rstrip("/")
    os.makedirs(os.path.join(context["out"], "qgis"), exist_ok=True)
    requests = record_requests()
    for spec in context["layers"]:
        for service, label, tolerance, source in cases(base, spec["name"]):
            for epsg in (2154, 3857):
                for area, extent in extents(spec["bbox"], epsg).items():
                    check = f"{label} {spec['name']} EPSG:{epsg} {area}"
                    report.guarded(CLIENT, service, check, check_render, context, spec, label, tolerance,
                                   source(epsg), epsg, area, extent, requests)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--context", required=True)
    context = report.load_context(parser.parse_args().context)
    gdal.UseExceptions()
    for spec in context["layers"]:
        # A reference whose dalles cannot be read (its VRT names them relative to the working
        # folder, say) would fail every check for the wrong reason: stop before QGIS starts.
        gdal.Open(spec["reference"]).ReadRaster(0, 0, 1, 1)
    with tempfile.TemporaryDirectory(prefix="qgis-conformance-") as home:
        # QGIS writes settings (profile, ~/.config) and keeps tiles in a disk cache (~/.cache) that
        # answers the next run's tile requests without asking the server: all go to a throwaway folder.
        for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"):
            os.environ[variable] = home
        app = QgsApplication([], False, home)
        app.setPrefixPath("/usr", True)
        app.initQgis()
        try:
            run(context)
        finally:
            app.exitQgis()


if __name__ == "__main__":
    report.main_guard(main)
