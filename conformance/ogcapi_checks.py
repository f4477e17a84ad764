#!/usr/bin/python3
"""The OGC API conformance classes dallage declares match what it implements.

Every class listed at /ogcapi/conformance must be known here and its core requirements must
hold on the live server (a probe per class, from the abstract test suites of OGC API Common
1.0, OGC API Tiles 1.0, OGC TMS 2.0 and OGC API Features 1.0); a class whose probe passes but is not declared is
reported too. Standard library only.

Run: /usr/bin/python3 conformance/ogcapi_checks.py --context PATH
"""

import argparse
import json
import math
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import emit, load_context, main_guard  # noqa: E402

CLIENT = "declared classes"
SERVICE = "OGC API Tiles"
COMMON = "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/"
COLLECTIONS = "http://www.opengis.net/spec/ogcapi-common-2/1.0/conf/"
TILES = "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"
TMS = "http://www.opengis.net/spec/tms/2.0/conf/"
FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
FEATURES_CRS = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
FEATURES_FILTER = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf/"


# The headers of the last successful answer (Content-Crs is read from them).
LAST_HEADERS = {}


def get(url, accept="application/json"):
    """(status, content type, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            LAST_HEADERS.clear()
            LAST_HEADERS.update((name.lower(), value) for name, value in response.headers.items())
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def get_json(url):
    status, kind, body = get(url)
    if status != 200 or "json" not in kind:
        raise AssertionError(f"{url}: HTTP {status} {kind}")
    return json.loads(body)


def rels(document):
    return {link.get("rel") for link in document.get("links", [])}


class Probes:
    """One method per conformance class: (ok, detail)."""

    def __init__(self, base, layer):
        self.api, self.layer = f"{base}/ogcapi", layer

    def common_core(self):
        landing = get_json(self.api)
        needed = {"self", "conformance", "data"}
        missing = needed - rels(landing)
        described = {"service-desc", "service-doc"} & rels(landing)
        return not missing and bool(described), f"landing rels {sorted(rels(landing))}"

    def common_json(self):
        status, kind, _ = get(self.api)
        return status == 200 and kind.startswith("application/json"), f"landing page as {kind}"

    def common_oas30(self):
        definition = get_json(f"{self.api}/openapi")
        return str(definition.get("openapi", "")).startswith("3.0"), f"openapi {definition.get('openapi')}"

    def collections(self):
        listed = get_json(f"{self.api}/collections")
        ids = [c.get("id") for c in listed.get("collections", [])]
        one = get_json(f"{self.api}/collections/{self.layer}")
        ok = self.layer in ids and one.get("id") == self.layer and "extent" in one
        return ok, f"{len(ids)} collections; {self.layer} has an extent: {'extent' in one}"

    def tiles_core(self):
        tileset = get_json(f"{self.api}/collections/{self.layer}/map/tiles/WebMercatorQuad")
        template = next(link["href"] for link in tileset["links"] if link.get("rel") == "item")
        status, kind, _ = get(template.replace("{tileMatrix}", "0").replace("{tileRow}", "0")
                              .replace("{tileCol}", "0"), "image/png")
        missing, _, _ = get(f"{self.api}/collections/{self.layer}/map/tiles/WebMercatorQuad/99/0/0")
        ok = status in (200, 204) and missing == 404
        return ok, f"level 0 tile: {status} {kind}; a level that does not exist: {missing}"

    def tileset(self):
        tileset = get_json(f"{self.api}/collections/{self.layer}/map/tiles/WebMercatorQuad")
        needed = {"dataType", "crs", "links"}
        has_set = "tileMatrixSetURI" in tileset or "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme" in rels(tileset)
        missing = needed - set(tileset)
        return not missing and has_set, f"tileset keys {sorted(tileset)}"

    def tilesets_list(self):
        listed = get_json(f"{self.api}/collections/{self.layer}/map/tiles")
        sets = listed.get("tilesets", [])
        ok = bool(sets) and all("links" in item and "dataType" in item for item in sets)
        return ok, f"{len(sets)} tilesets"

    def geodata_tilesets(self):
        collection = get_json(f"{self.api}/collections/{self.layer}")
        ok = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-map" in rels(collection)
        return ok, f"collection rels {sorted(r for r in rels(collection) if r)}"

    def tile_format(self, name, mime, magic):
        tileset = get_json(f"{self.api}/collections/{self.layer}/map/tiles/WebMercatorQuad")
        limits = tileset["tileMatrixSetLimits"][-1]
        box = tileset["boundingBox"]
        # The tile under the centre of the data at the finest listed level (WebMercatorQuad).
        z = int(limits["tileMatrix"])
        lon = (box["lowerLeft"][0] + box["upperRight"][0]) / 2
        lat = math.radians((box["lowerLeft"][1] + box["upperRight"][1]) / 2)
        col = int((lon + 180) / 360 * 2 ** z)
        row = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * 2 ** z)
        url = f"{self.api}/collections/{self.layer}/map/tiles/WebMercatorQuad/{z}/{row}/{col}?f={name}"
        status, kind, body = get(url, mime)
        return status == 200 and kind == mime and body.startswith(magic), f"{url}: {status} {kind}"

    def tms_tilematrixset(self):
        sets = get_json(f"{self.api}/tileMatrixSets").get("tileMatrixSets", [])
        broken = []
        for item in sets:
            document = get_json(f"{self.api}/tileMatrixSets/{item['id']}")
            matrices = document.get("tileMatrices", [])
            keys = {"id", "cellSize", "pointOfOrigin", "tileWidth", "tileHeight", "matrixWidth", "matrixHeight"}
            if "crs" not in document or not matrices or any(keys - set(m) for m in matrices):
                broken.append(item["id"])
        return bool(sets) and not broken, f"{len(sets)} sets; incomplete: {broken or 'none'}"

    def feature_collection(self):
        """The first collection of features (a vector PCRS class)."""
        listed = get_json(f"{self.api}/collections").get("collections", [])
        return next(c for c in listed if c.get("itemType") == "feature")

    def features_core(self):
        collection = self.feature_collection()
        items = f"{self.api}/collections/{collection['id']}/items"
        page = get_json(items + "?limit=2")
        features = page.get("features", [])
        ok = (page.get("type") == "FeatureCollection" and len(features) <= 2
              and page.get("numberReturned") == len(features) and "self" in rels(page)
              and "items" in rels(collection))
        if page.get("numberMatched", 0) > 2:
            ok = ok and "next" in rels(page)
        one_status, _, body = get(f"{items}/{features[0]['id']}", "application/geo+json")
        one = json.loads(body) if one_status == 200 else {}
        unknown, _, _ = get(items + "?colour=red")
        missing, _, _ = get(f"{items}/does-not-exist")
        ok = ok and one.get("id") == features[0]["id"] and unknown == 400 and missing == 404
        return ok, (f"{collection['id']}: {len(features)} of {page.get('numberMatched')}; item {one_status}; "
                    f"unknown parameter {unknown}; unknown feature {missing}")

    def features_geojson(self):
        collection = self.feature_collection()
        status, kind, body = get(f"{self.api}/collections/{collection['id']}/items?limit=5", "application/geo+json")
        page = json.loads(body) if status == 200 else {}
        shaped = all(f.get("type") == "Feature" and "geometry" in f and "properties" in f for f in page.get("features", []))
        return status == 200 and kind.startswith("application/geo+json") and shaped, f"items as {kind}"

    def features_oas30(self):
        paths = get_json(f"{self.api}/openapi").get("paths", {})
        needed = {"/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}"}
        return needed <= set(paths), f"feature paths described: {sorted(needed & set(paths))}"

    def features_crs(self):
        """Part 2: the collection lists CRS:84 and its storage CRS; items in the storage CRS
        say so in Content-Crs and are projected; in EPSG:4326 latitude comes first; a box in
        the storage CRS finds the feature it surrounds; an unlisted CRS is a 400."""
        collection = self.feature_collection()
        listed, storage = collection.get("crs", []), collection.get("storageCrs")
        items = f"{self.api}/collections/{collection['id']}/items?limit=1"
        quoted = urllib.parse.quote(storage or "", safe="")
        status, _, body = get(f"{items}&crs={quoted}", "application/geo+json")
        page = json.loads(body) if status == 200 else {}
        header = LAST_HEADERS.get("content-crs")
        first = page["features"][0]["geometry"]["coordinates"] if page.get("features") else None
        while first and isinstance(first[0], list):
            first = first[0]
        projected = bool(first) and abs(first[0]) > 1000 and abs(first[1]) > 1000
        wgs84 = urllib.parse.quote("http://www.opengis.net/def/crs/EPSG/0/4326", safe="")
        status84, _, body84 = get(f"{items}&crs={wgs84}", "application/geo+json")
        point = json.loads(body84)["features"][0]["geometry"]["coordinates"] if status84 == 200 else None
        while point and isinstance(point[0], list):
            point = point[0]
        lat_first = bool(point) and 41 <= point[0] <= 52 and -6 <= point[1] <= 10
        found = 0
        if first:
            box = f"{first[0] - 1},{first[1] - 1},{first[0] + 1},{first[1] + 1}"
            status_box, _, body_box = get(f"{items}&bbox={box}&bbox-crs={quoted}", "application/geo+json")
            found = json.loads(body_box).get("numberMatched", 0) if status_box == 200 else 0
        unknown, _, _ = get(f"{items}&crs=" + urllib.parse.quote("http://www.opengis.net/def/crs/EPSG/0/32631", safe=""))
        ok = ("http://www.opengis.net/def/crs/OGC/1.3/CRS84" in listed and storage in listed and projected
              and header == f"<{storage}>" and lat_first and found >= 1 and unknown == 400)
        return ok, (f"crs {len(listed)} listed, storage {storage}; Content-Crs {header}; first position {first}; "
                    f"EPSG:4326 {point}; box in the storage CRS: {found}; unlisted CRS: {unknown}")

    def filtered(self, filter_text, lang="cql2-text", crs=None):
        """numberMatched of first_feature's collection's items under a filter (None when
        refused), and the HTTP status."""
        collection = self.first_feature()[0]
        query = {"filter": filter_text, "filter-lang": lang, "limit": "1"}
        if crs:
            query["filter-crs"] = crs
        status, _, body = get(f"{self.api}/collections/{collection['id']}/items?{urllib.parse.urlencode(query)}",
                              "application/geo+json")
        return (json.loads(body).get("numberMatched") if status == 200 else None), status

    def first_feature(self):
        """The first collection whose first feature has a geometry and a text property: that
        collection, that feature, the collection's size."""
        listed = get_json(f"{self.api}/collections").get("collections", [])
        for collection in (c for c in listed if c.get("itemType") == "feature"):
            page = get_json(f"{self.api}/collections/{collection['id']}/items?limit=1")
            feature = (page.get("features") or [None])[0]
            if feature and feature.get("geometry") and any(
                    isinstance(v, str) and v for v in feature["properties"].values()):
                return collection, feature, page["numberMatched"]
        raise LookupError("no collection with a geometry and a text property")

    def queryables(self):
        collection = self.feature_collection()
        link = next((l["href"] for l in collection.get("links", []) if l["rel"].endswith("/queryables")), None)
        status, kind, body = get(link or f"{self.api}/collections/{collection['id']}/queryables")
        schema = json.loads(body) if status == 200 else {}
        names = sorted(schema.get("properties", {}))
        ok = bool(link) and kind.startswith("application/schema+json") and schema.get("type") == "object" and names
        return ok, f"{kind}; queryables {names}"

    def filter_text(self):
        """A comparison on the first feature's first text property selects it; an unknown
        queryable and a broken expression are refused."""
        _, feature, total = self.first_feature()
        name, value = next((k, v) for k, v in feature["properties"].items() if isinstance(v, str) and v)
        escaped = value.replace("'", "''")
        matched, _ = self.filtered(f"{name} = '{escaped}'")
        other, _ = self.filtered(f"{name} <> '{escaped}'")
        _, unknown = self.filtered("colour = 'red'")
        _, broken = self.filtered(f"{name} = ")
        ok = matched and matched >= 1 and other is not None and matched + other <= total and unknown == 400 and broken == 400
        return ok, f"{name} = {value!r}: {matched}, <> : {other} of {total}; unknown queryable {unknown}; broken {broken}"

    def filter_json(self):
        _, feature, _ = self.first_feature()
        name, value = next((k, v) for k, v in feature["properties"].items() if isinstance(v, str) and v)
        escaped = value.replace("'", "''")
        text, _ = self.filtered(f"{name} = '{escaped}'")
        matched, status = self.filtered(json.dumps({"op": "=", "args": [{"property": name}, value]}), "cql2-json")
        return matched == text and matched >= 1, f"JSON {matched} (text {text}), {status}"

    def advanced_comparison(self):
        _, feature, total = self.first_feature()
        name, value = next((k, v) for k, v in feature["properties"].items() if isinstance(v, str) and v)
        escaped = value.replace("'", "''")
        like, _ = self.filtered(f"{name} LIKE '{escaped[:1]}%'")
        listed, _ = self.filtered(f"{name} IN ('{escaped}', 'no such value')")
        between, _ = self.filtered(f"{name} BETWEEN '{escaped}' AND '{escaped}'")
        equal, _ = self.filtered(f"{name} = '{escaped}'")
        ok = like is not None and like >= equal >= 1 and listed == equal and between == equal
        return ok, f"LIKE {like}, IN {listed}, BETWEEN {between}, = {equal} of {total}"

    def spatial(self, plus):
        collection, feature, total = self.first_feature()
        position = feature["geometry"]["coordinates"]
        while isinstance(position[0], list):
            position = position[0]
        x, y, d = position[0], position[1], 1e-5
        if plus:
            shape = f"POLYGON(({x - d} {y - d}, {x + d} {y - d}, {x + d} {y + d}, {x - d} {y + d}, {x - d} {y - d}))"
        else:
            shape = f"BBOX({x - d}, {y - d}, {x + d}, {y + d})"
        near, _ = self.filtered(f"S_INTERSECTS(geometry, {shape})")
        far, _ = self.filtered(f"S_DISJOINT(geometry, {shape})")
        ok = near is not None and near >= 1 and (not plus or near + far == total)
        return ok, f"{collection['id']}: S_INTERSECTS {near}, S_DISJOINT {far}, of {total}"

    def html(self, features):
        """The landing page for a browser's Accept header, and (Features) a page of items with
        f=html: HTML pages, the items' with a table and a row per feature."""
        status, kind, body = get(f"{self.api}/", "text/html,application/xhtml+xml,*/*;q=0.8")
        ok = status == 200 and kind.startswith("text/html") and b"<html" in body
        detail = f"landing {status} {kind}"
        if features:
            collection, _, _ = self.first_feature()
            status, kind, body = get(f"{self.api}/collections/{collection['id']}/items?limit=3&f=html")
            ok = ok and status == 200 and kind.startswith("text/html") and body.count(b"<tr>") == 4
            detail += f"; items {status} {kind}, {body.count(b'<tr>') - 1} rows"
        return ok, detail

    def arrays(self):
        """A_CONTAINS and A_OVERLAPS on the first repeated property a collection has: its first
        feature's first item finds that feature; a made-up item finds nothing."""
        listed = get_json(f"{self.api}/collections").get("collections", [])
        for collection in (c for c in listed if c.get("itemType") == "feature"):
            queryables = get_json(f"{self.api}/collections/{collection['id']}/queryables").get("properties", {})
            arrays = [name for name, schema in queryables.items() if schema.get("type") == "array"]
            if not arrays:
                continue
            name = arrays[0]
            page = get_json(f"{self.api}/collections/{collection['id']}/items?limit=1")
            item = page["features"][0]["properties"][name][0]
            base = f"{self.api}/collections/{collection['id']}/items?limit=1&"
            found = get_json(base + urllib.parse.urlencode({"filter": f"A_CONTAINS({name}, ('{item}'))"}))
            none = get_json(base + urllib.parse.urlencode({"filter": f"A_OVERLAPS({name}, ('no such item'))"}))
            ok = found.get("numberMatched", 0) >= 1 and none.get("numberMatched") == 0
            return ok, f"{collection['id']}.{name}: A_CONTAINS {found.get('numberMatched')}, A_OVERLAPS {none.get('numberMatched')}"
        return False, "no collection has a repeated property"

    def tms_json(self):
        status, kind, _ = get(f"{self.api}/tileMatrixSets/WebMercatorQuad")
        return status == 200 and kind.startswith("application/json"), f"WebMercatorQuad as {kind}"


def probes_by_class(probes):
    return {
        COMMON + "core": probes.common_core,
        COMMON + "json": probes.common_json,
        COMMON + "oas30": probes.common_oas30,
        COMMON + "html": lambda: probes.html(False),
        FEATURES + "html": lambda: probes.html(True),
        COLLECTIONS + "collections": probes.collections,
        TILES + "core": probes.tiles_core,
        TILES + "tileset": probes.tileset,
        TILES + "tilesets-list": probes.tilesets_list,
        TILES + "geodata-tilesets": probes.geodata_tilesets,
        TILES + "png": lambda: probes.tile_format("png", "image/png", b"\x89PNG"),
        TILES + "jpeg": lambda: probes.tile_format("jpeg", "image/jpeg", b"\xff\xd8"),
        TMS + "tilematrixset": probes.tms_tilematrixset,
        TMS + "json-tilematrixset": probes.tms_json,
        FEATURES + "core": probes.features_core,
        FEATURES + "geojson": probes.features_geojson,
        FEATURES + "oas30": probes.features_oas30,
        FEATURES_CRS: probes.features_crs,
        FEATURES_FILTER + "queryables": probes.queryables,
        FEATURES_FILTER + "filter": probes.filter_text,
        FEATURES_FILTER + "features-filter": probes.filter_text,
        CQL2 + "cql2-text": probes.filter_text,
        CQL2 + "cql2-json": probes.filter_json,
        CQL2 + "basic-cql2": probes.filter_text,
        CQL2 + "advanced-comparison-operators": probes.advanced_comparison,
        CQL2 + "basic-spatial-functions": lambda: probes.spatial(False),
        CQL2 + "basic-spatial-functions-plus": lambda: probes.spatial(True),
        CQL2 + "spatial-functions": lambda: probes.spatial(True),
        CQL2 + "array-functions": probes.arrays,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--context", required=True)
    context = load_context(parser.parse_args().context)
    base, layer = context["base"].rstrip("/"), context["layers"][0]["name"]
    declared = set(get_json(f"{base}/ogcapi/conformance").get("conformsTo", []))
    known = probes_by_class(Probes(base, layer))
    for name in sorted(declared | set(known)):
        probe = known.get(name)
        if probe is None:
            emit(CLIENT, SERVICE, name, False, "declared, but no probe knows this class")
            continue
        try:
            ok, detail = probe()
        except Exception as error:  # noqa: BLE001 - the probe's failure is the finding
            ok, detail = False, f"{type(error).__name__}: {error}"
        service = "OGC API Features" if "/ogcapi-features-" in name or "/cql2/" in name else SERVICE
        if name not in declared:
            emit(CLIENT, service, name, not ok, f"implemented but not declared: {detail}" if ok else "not declared")
        else:
            emit(CLIENT, service, name, ok, detail)


if __name__ == "__main__":
    main_guard(main)
