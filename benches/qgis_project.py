#!/usr/bin/python3
"""Writes the QGIS project QGIS Server serves in benches/peers.sh.

    python3 qgis_project.py OUT.qgs NAME=RASTER [NAME=RASTER ...]
    python3 qgis_project.py OUT.qgs NAME=FILE.gpkg|layername=LAYER ...

Each RASTER (a GDAL dataset: a VRT mosaic of the dalles) becomes a layer named NAME, in
EPSG:2154, published over WMS in EPSG:2154, EPSG:3857 and EPSG:4326 with JPEG quality 85 (the
quality MapServer and dallage use in the same runs). Resampling stays QGIS's default, nearest,
like MapServer's. A vector source (an OGR path with `|layername=`, for benches/features.sh)
becomes a layer published over WFS too, coordinates with 9 decimals (what dallage writes in
CRS:84).
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402  (the platform must be chosen before Qt loads)
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)


def main(out, pairs):
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    lambert = QgsCoordinateReferenceSystem("EPSG:2154")
    project.setCrs(lambert)
    wfs = []
    for pair in pairs:
        name, path = pair.split("=", 1)
        if "|layername=" in path:
            layer = QgsVectorLayer(path, name, "ogr")
            wfs.append(layer.id())
        else:
            layer = QgsRasterLayer(path, name, "gdal")
        if not layer.isValid():
            sys.exit(f"qgis_project: {path} is not a layer QGIS can open")
        layer.setCrs(lambert)
        project.addMapLayer(layer)
    if wfs:
        project.writeEntry("WFSLayers", "/", wfs)
        for layer_id in wfs:
            project.writeEntry("WFSLayersPrecision", "/" + layer_id, 9)
    project.writeEntry("WMSServiceCapabilities", "/", True)
    project.writeEntry("WMSCrsList", "/", ["EPSG:2154", "EPSG:3857", "EPSG:4326"])
    project.writeEntry("WMSImageQuality", "/", 85)
    project.writeEntry("WMSMaxWidth", "/", 4096)
    project.writeEntry("WMSMaxHeight", "/", 4096)
    if not project.write(out):
        sys.exit(f"qgis_project: cannot write {out}")
    app.exitQgis()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
