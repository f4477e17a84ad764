#!/usr/bin/python3
"""Writes the GeoPackage benches/features.sh serves: COUNT points and COUNT lines (three to
seven vertices, a few metres each) spread over a 10 km square of Lambert-93 north of Lyon, with
PCRS-like attributes (an identifier, a theme code, a producer, a height, a survey date). Fixed
seed: the same file every time.

    python3 features_data.py OUT.gpkg [COUNT]
"""
import random
import sys

from osgeo import ogr, osr

WEST, SOUTH, SIDE = 840_000.0, 6_520_000.0, 10_000.0


def main(out, count):
    random.seed(2154)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    source = ogr.GetDriverByName("GPKG").CreateDataSource(out)
    for name, kind in (("points", ogr.wkbPoint), ("lines", ogr.wkbLineString)):
        layer = source.CreateLayer(name, srs, kind)
        for field, field_type in (("idObjet", ogr.OFTString), ("thematique", ogr.OFTString),
                                  ("producteur", ogr.OFTString), ("hauteur", ogr.OFTReal),
                                  ("dateLeve", ogr.OFTDate)):
            layer.CreateField(ogr.FieldDefn(field, field_type))
        layer.StartTransaction()
        for index in range(count):
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetField("idObjet", f"{name}-{index:06d}")
            feature.SetField("thematique", f"{random.randint(1, 10):02d}")
            feature.SetField("producteur", random.choice(["Immergis", "Géomètre expert", "Métropole"]))
            feature.SetField("hauteur", round(random.uniform(150, 320), 2))
            feature.SetField("dateLeve", f"20{random.randint(18, 24)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}")
            x, y = WEST + random.random() * SIDE, SOUTH + random.random() * SIDE
            geometry = ogr.Geometry(kind)
            if kind == ogr.wkbPoint:
                geometry.AddPoint_2D(x, y)
            else:
                for _ in range(random.randint(3, 7)):
                    geometry.AddPoint_2D(x, y)
                    x, y = x + random.uniform(-4, 4), y + random.uniform(-4, 4)
            feature.SetGeometry(geometry)
            layer.CreateFeature(feature)
        layer.CommitTransaction()
    source = None
    print(f"{out}: {count} points and {count} lines")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
