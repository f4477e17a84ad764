"""XSD and DTD validation of every XML document the server writes, offline, with xmllint.

Each document is fetched from the running server and validated against the official schemas
copied into tests/fixtures/ogc-schemas (an XML catalogue maps schemas.opengis.net to them, and
--nonet forbids any download). Error cases are provoked on purpose: an exception report must
validate as well as a capabilities document. Zero errors are allowed.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import emit, load_context, main_guard  # noqa: E402

CLIENT = "xmllint (XSD)"
SCHEMAS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "ogc-schemas")
WMS_130 = "wms130_sld.xsd"
WMS_130_EXCEPTIONS = "http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd"
WMTS = "ogc/wmts/1.0/wmtsGetCapabilities_response.xsd"
OWS_EXCEPTIONS = "ogc/ows/1.1.0/owsExceptionReport.xsd"
OWS10_EXCEPTIONS = "ogc/ows/1.0.0/owsExceptionReport.xsd"
WFS_20 = "ogc/wfs/2.0/wfs.xsd"
# WFS 1.1 with GML 3.1.1, Filter 1.1 and OWS 1.0 imported in the order libxml2 needs (the
# official files include each other in circles).
WFS_11 = "wfs11-all.xsd"
WFS_IMPORTS = {
    "2.0.0": '<xsd:import namespace="http://www.opengis.net/wfs/2.0" '
             'schemaLocation="http://schemas.opengis.net/wfs/2.0/wfs.xsd"/>',
    "1.1.0": '<xsd:import namespace="http://www.opengis.net/gml" '
             'schemaLocation="http://schemas.opengis.net/gml/3.1.1/base/gml.xsd"/>'
             '<xsd:import namespace="http://www.opengis.net/ogc" '
             'schemaLocation="http://schemas.opengis.net/filter/1.1.0/filterAll.xsd"/>'
             '<xsd:import namespace="http://www.opengis.net/ows" '
             'schemaLocation="http://schemas.opengis.net/ows/1.0.0/owsAll.xsd"/>'
             '<xsd:import namespace="http://www.opengis.net/wfs" '
             'schemaLocation="http://schemas.opengis.net/wfs/1.1.0/wfs.xsd"/>',
}
DTD = None  # validate against the DOCTYPE the document declares
WELL_FORMED = ""  # no official schema exists: well-formedness only
ERROR_STATUSES = [400, 404, 501]  # what a provoked exception may answer: never 200 or 5xx


def fetch(url):
    """GETs a URL and returns (status, content type, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def xmllint(body, schema):
    """Validates a document; returns (ok, first error lines)."""
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as handle:
        handle.write(body)
        path = handle.name
    command = ["xmllint", "--noout", "--nonet"]
    if schema is None:
        command.append("--valid")
    elif schema:
        command += ["--schema", schema]
    environment = dict(os.environ, XML_CATALOG_FILES=os.path.join(SCHEMAS, "catalog.xml"))
    try:
        result = subprocess.run(command + [path], cwd=SCHEMAS, env=environment, capture_output=True, timeout=120)
    finally:
        os.unlink(path)
    errors = result.stderr.decode("utf-8", "replace").strip().splitlines()
    if result.returncode == 0:
        return True, ""
    # Schema-loading warnings (SMIL imports skipped by GML 3.1.1) are noise; keep the errors.
    return False, " | ".join(line for line in errors if "warning" not in line)[:600]


def check(service, what, url, schema, expect_status=None, schema_label=None, must_contain=None):
    """Fetches one document, checks its status when given, validates it and emits the result;
    `must_contain` keeps a validation from passing on an empty document."""
    try:
        status, _, body = fetch(url)
    except OSError as error:
        emit(CLIENT, service, what, False, f"{url}: {error}")
        return
    if expect_status is not None and status not in expect_status:
        emit(CLIENT, service, what, False, f"HTTP {status}, expected {expect_status}: {url}")
        return
    if must_contain is not None and must_contain not in body:
        emit(CLIENT, service, what, False, f"{must_contain.decode()} missing from {url}")
        return
    ok, errors = xmllint(body, schema)
    label = schema_label or (schema if schema else ("DTD" if schema is None else "well-formed, no official XSD"))
    emit(CLIENT, service, what, ok, f"{label}; {errors}" if errors else label)


def wms(base, layers):
    """WMS 1.1.1 and 1.3.0: capabilities, exceptions for each kind of bad request."""
    layer = layers[0]["name"]
    bbox = ",".join(str(v) for v in layers[0]["bbox"])
    check("WMS 1.3.0", "GetCapabilities", f"{base}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", WMS_130, [200])
    check("WMS 1.1.1", "GetCapabilities", f"{base}/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities", DTD, [200])
    good = {"SERVICE": "WMS", "REQUEST": "GetMap", "LAYERS": layer, "STYLES": "", "FORMAT": "image/png",
            "WIDTH": "256", "HEIGHT": "256", "BBOX": bbox}
    bad = {
        "missing LAYERS": {"LAYERS": None},
        "unknown layer": {"LAYERS": "nope"},
        "unknown CRS": {"CRS": "EPSG:1"},
        "bad BBOX": {"BBOX": "1,2,3"},
        "unknown FORMAT": {"FORMAT": "image/nope"},
        "image too large": {"WIDTH": "100000"},
        "unknown style": {"STYLES": "nope"},
    }
    for what, change in bad.items():
        for version, crs_key, schema in (("1.3.0", "CRS", WMS_130_EXCEPTIONS), ("1.1.1", "SRS", DTD)):
            params = dict(good, VERSION=version, **{crs_key: change.get("CRS", "EPSG:2154")})
            params.update({k: v for k, v in change.items() if k != "CRS"})
            query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
            check(f"WMS {version}", f"exception: {what}", f"{base}/wms?{query}", schema, ERROR_STATUSES,
                  must_contain=b"ServiceException")
    check("WMS 1.3.0", "exception: unknown request", f"{base}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=Nope",
          WMS_130_EXCEPTIONS, ERROR_STATUSES, must_contain=b"OperationNotSupported")
    check("WMS 1.1.1", "exception: unknown request", f"{base}/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=Nope", DTD,
          ERROR_STATUSES, must_contain=b"OperationNotSupported")
    schema = feature_info_schema(base)
    for item in layers:
        feature_info(base, item, schema)


def vector_maps(base, vectors):
    """The shipped SLD styles against SLD 1.1 (through sld11-all.xsd, for libxml2); for each
    vector deliverable, a broken SLD_BODY and an unknown style answered with valid exception
    reports."""
    styles = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(SCHEMAS))), "styles")
    for name in sorted(os.listdir(styles)):
        with open(os.path.join(styles, name), "rb") as handle:
            ok, errors = xmllint(handle.read(), "sld11-all.xsd")
        emit(CLIENT, "WMS 1.3.0", f"style {name}", ok, f"SLD 1.1.0; {errors}" if errors else "SLD 1.1.0")
    for vector in vectors:
        slug = vector["slug"]
        common = (f"{base}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={slug}&CRS=EPSG:3857"
                  f"&BBOX=0,0,1,1&WIDTH=16&HEIGHT=16&FORMAT=image/png")
        broken = urllib.parse.quote('<StyledLayerDescriptor><NamedLayer><Name>x</Name></StyledLayerDescriptor>')
        check("WMS 1.3.0", f"exception: broken SLD_BODY ({slug})", f"{common}&SLD_BODY={broken}",
              WMS_130_EXCEPTIONS, ERROR_STATUSES, must_contain=b"InvalidParameterValue")
        check("WMS 1.3.0", f"exception: unknown vector style ({slug})", f"{common}&STYLES=nope",
              WMS_130_EXCEPTIONS, ERROR_STATUSES, must_contain=b"StyleNotDefined")


def feature_info(base, layer, schema):
    """GetFeatureInfo GML, validated with the application schema the server publishes."""
    name, (minx, miny, maxx, maxy) = layer["name"], layer["bbox"]
    bbox = f"{minx},{miny},{maxx},{maxy}"
    common = (f"{base}/wms?SERVICE=WMS&REQUEST=GetFeatureInfo&LAYERS={name}&QUERY_LAYERS={name}&STYLES="
              f"&FORMAT=image/png&WIDTH=256&HEIGHT=256&INFO_FORMAT=application/vnd.ogc.gml&BBOX={bbox}")
    check("WMS 1.3.0", f"GetFeatureInfo GML {name}", f"{common}&VERSION=1.3.0&CRS=EPSG:2154&I=100&J=100",
          schema, [200], "GML 3.1.1 + /schemas/wms-featureinfo.xsd", b"<dallage:dalle ")
    check("WMS 1.1.1", f"GetFeatureInfo GML {name}", f"{common}&VERSION=1.1.1&SRS=EPSG:2154&X=100&Y=100",
          schema, [200], "GML 3.1.1 + /schemas/wms-featureinfo.xsd", b"<dallage:dalle ")


def feature_info_schema(base):
    """Downloads the server's feature-info application schema into the work folder."""
    status, _, body = fetch(f"{base}/schemas/wms-featureinfo.xsd")
    path = os.path.abspath("wms-featureinfo.xsd")
    with open(path, "wb") as handle:
        handle.write(body if status == 200 else b"<missing/>")
    return path


def wmts(base, layers):
    """WMTS 1.0.0: KVP and REST capabilities, OWS exception reports, GetFeatureInfo."""
    check("WMTS", "GetCapabilities (KVP)", f"{base}/wmts?SERVICE=WMTS&REQUEST=GetCapabilities", WMTS, [200])
    check("WMTS", "GetCapabilities (REST)", f"{base}/wmts/1.0.0/WMTSCapabilities.xml", WMTS, [200])
    layer = layers[0]["name"]
    tile = f"{base}/wmts?SERVICE=WMTS&VERSION=1.0.0&REQUEST=GetTile&STYLE=default&FORMAT=image/png"
    bad = {
        "missing LAYER": f"{tile}&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=18&TILEROW=1&TILECOL=1",
        "unknown layer": f"{tile}&LAYER=nope&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=18&TILEROW=1&TILECOL=1",
        "unknown set": f"{tile}&LAYER={layer}&TILEMATRIXSET=nope&TILEMATRIX=18&TILEROW=1&TILECOL=1",
        "row out of range": f"{tile}&LAYER={layer}&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=1&TILEROW=9&TILECOL=1",
        "unknown request": f"{base}/wmts?SERVICE=WMTS&VERSION=1.0.0&REQUEST=Nope",
        "REST unknown layer": f"{base}/wmts/1.0.0/nope/default/WebMercatorQuad/18/1/1.png",
    }
    for what, url in bad.items():
        check("WMTS", f"exception: {what}", url, OWS_EXCEPTIONS, ERROR_STATUSES, must_contain=b"exceptionCode=")
    schema = feature_info_schema(base)
    for item in layers:
        wmts_feature_info(base, item, schema)


def wmts_feature_info(base, layer, schema):
    """WMTS GetFeatureInfo GML on the 2154_5cm tile (level 18, 0.8 m) under the data's centre."""
    status, _, body = fetch(f"{base}/ogcapi/tileMatrixSets/2154_5cm")
    matrix = json.loads(body)["tileMatrices"][18] if status == 200 else None
    if matrix is None:
        emit(CLIENT, "WMTS", f"GetFeatureInfo GML {layer['name']}", False, "no 2154_5cm definition")
        return
    (minx, miny, maxx, maxy), (ox, oy) = layer["bbox"], matrix["pointOfOrigin"]
    span = matrix["cellSize"] * matrix["tileWidth"]
    col, row = int(((minx + maxx) / 2 - ox) // span), int((oy - (miny + maxy) / 2) // span)
    url = (f"{base}/wmts?SERVICE=WMTS&VERSION=1.0.0&REQUEST=GetFeatureInfo&LAYER={layer['name']}&STYLE=default"
           f"&FORMAT=image/png&TILEMATRIXSET=2154_5cm&TILEMATRIX=18&TILEROW={row}&TILECOL={col}&I=128&J=128"
           "&INFOFORMAT=application/vnd.ogc.gml")
    check("WMTS", f"GetFeatureInfo GML {layer['name']}", url, schema, [200],
          "GML 3.1.1 + /schemas/wms-featureinfo.xsd", b"<dallage:dalle ")


def tms(base, layers):
    """TMS 1.0.0 has no official schema: its documents must at least be well-formed XML."""
    check("TMS / XYZ", "TileMapService", f"{base}/tms/1.0.0", WELL_FORMED, [200])
    for item in layers:
        check("TMS / XYZ", f"TileMap {item['name']}", f"{base}/tms/1.0.0/{item['name']}/WebMercatorQuad", WELL_FORMED, [200])


def feature_schema(base, version):
    """Downloads DescribeFeatureType into the work folder and writes a schema importing it with
    WFS, so that GetFeature answers are validated against both."""
    status, _, body = fetch(f"{base}/wfs?SERVICE=WFS&VERSION={version}&REQUEST=DescribeFeatureType")
    describe = os.path.abspath(f"wfs-{version}-types.xsd")
    with open(describe, "wb") as handle:
        handle.write(body if status == 200 else b"<missing/>")
    wrapper = os.path.abspath(f"wfs-{version}-answer.xsd")
    with open(wrapper, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
                     f'targetNamespace="urn:x-conformance">{WFS_IMPORTS[version]}'
                     f'<xsd:import namespace="urn:x-dallage:features" schemaLocation="{describe}"/></xsd:schema>')
    return wrapper


def wfs(base, vectors):
    """WFS 2.0.0 and 1.1.0: capabilities, every feature of every type valid against WFS and the
    DescribeFeatureType schema, hits, stored queries, exception reports."""
    for version, service, caps, exceptions, names in (
            ("2.0.0", "WFS 2.0", WFS_20, OWS_EXCEPTIONS, "TYPENAMES"),
            ("1.1.0", "WFS 1.1", WFS_11, OWS10_EXCEPTIONS, "TYPENAME")):
        url = f"{base}/wfs?SERVICE=WFS&VERSION={version}"
        check(service, "GetCapabilities", f"{url}&REQUEST=GetCapabilities", caps, [200], must_contain=b"FeatureType>")
        answer = feature_schema(base, version)
        member = b"<wfs:member>" if version == "2.0.0" else b"<gml:featureMember>"
        for vector in vectors:
            status, _, body = fetch(f"{url}&REQUEST=GetCapabilities")
            types = sorted({name for name in body.decode("utf-8", "replace").split("<wfs:Name>")[1:]
                            for name in [name.split("<", 1)[0]] if name.startswith(f"dallage:{vector['slug']}-")})
            for name in types:
                check(service, f"GetFeature {name}", f"{url}&REQUEST=GetFeature&{names}={name}&COUNT=10000",
                      answer, [200], f"WFS {version} + DescribeFeatureType", member)
            if types:
                check(service, "GetFeature hits", f"{url}&REQUEST=GetFeature&{names}={types[0]}&RESULTTYPE=hits",
                      caps, [200], must_contain=b"FeatureCollection")
        bad = {
            "unknown type": f"{url}&REQUEST=GetFeature&{names}=dallage:nope",
            "unknown request": f"{url}&REQUEST=Transaction",
            "COUNT over the limit": f"{url}&REQUEST=GetFeature&{names}=dallage:nope&COUNT=999999999",
            "hostile filter": f"{url}&REQUEST=GetFeature&{names}=dallage:nope&FILTER=%3C!DOCTYPE%20x%3E%3Cx/%3E",
        }
        for what, bad_url in bad.items():
            check(service, f"exception: {what}", bad_url, exceptions, ERROR_STATUSES, must_contain=b"exceptionCode=")
    url = f"{base}/wfs?SERVICE=WFS&VERSION=2.0.0"
    check("WFS 2.0", "ListStoredQueries", f"{url}&REQUEST=ListStoredQueries", WFS_20, [200],
          must_contain=b"GetFeatureById")
    check("WFS 2.0", "DescribeStoredQueries", f"{url}&REQUEST=DescribeStoredQueries", WFS_20, [200],
          must_contain=b"GetFeatureById")
    check("WFS 2.0", "exception: unknown feature id",
          f"{url}&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=nope",
          OWS_EXCEPTIONS, ERROR_STATUSES, must_contain=b"NotFound")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--context", required=True)
    context = load_context(parser.parse_args().context)
    base, layers = context["base"], context["layers"]
    wms(base, layers)
    wmts(base, layers)
    tms(base, layers)
    wfs(base, context.get("vectors", []))
    vector_maps(base, context.get("vectors", []))


if __name__ == "__main__":
    main_guard(main)
