#!/usr/bin/python3
"""feedparser and xmllint (RELAX NG) as clients of the INSPIRE ATOM download service.

The service feed and every dataset feed parse with feedparser (PyPI) without a `bozo` flag and
say what the Technical Guidance asks (each entry's dataset identifier code and namespace, its
dataset feed as `alternate`, a CRS category with its EPSG URI, a GeoRSS polygon); they
validate against RFC 4287's RELAX NG schema (tests/fixtures/atom/atom.rnc, converted by
rnc2rng) with xmllint; the OpenSearch description's Describe Spatial Dataset template filled
with each example query gives a feed feedparser reads, and the first download link of each
dataset feed answers (HEAD, with the admin key).

Run: target/conformance/venv/bin/python conformance/atom_clients.py --context PATH
"""

import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

import feedparser  # noqa: E402

SERVICE = "ATOM"
KEY = os.environ.get("DALLAGE_CONFORMANCE_KEY", "")
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures")
RNC = os.path.join(FIXTURES, "atom", "atom.rnc")
SCHEMAS = os.path.join(FIXTURES, "ogc-schemas")
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
INSPIRE_DLS = "http://inspire.ec.europa.eu/schemas/inspire_dls/1.0"


def fetch(url, method="GET", key=True):
    """(status, headers, body)."""
    headers = {"X-API-Key": KEY} if key and KEY else {}
    request = urllib.request.Request(url, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, response.headers, response.read()


def relaxng(work):
    """The Atom schema in XML syntax."""
    converted = subprocess.run(["rnc2rng", RNC], capture_output=True, check=True, timeout=60)
    path = os.path.join(work, "atom.rng")
    with open(path, "wb") as handle:
        handle.write(converted.stdout)
    return path


def valid_atom(document, schema):
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as handle:
        handle.write(document)
        path = handle.name
    try:
        checked = subprocess.run(["xmllint", "--noout", "--nonet", "--relaxng", schema, path],
                                 capture_output=True, text=True, timeout=60)
        return checked.returncode == 0, checked.stderr.strip().splitlines()[-1:]
    finally:
        os.unlink(path)


def run(context):
    base = context["base"].rstrip("/")
    work = tempfile.mkdtemp(prefix="atom-")
    schema = relaxng(work)
    _, headers, service = fetch(f"{base}/atom/service.xml", key=False)
    ok, detail = valid_atom(service, schema)
    report.emit("xmllint (RELAX NG)", SERVICE, "service feed valid against RFC 4287's schema", ok, detail)
    parsed = feedparser.parse(service)
    prefix = next((p for p, uri in parsed.namespaces.items() if uri == INSPIRE_DLS), "inspire_dls")
    entries = parsed.entries
    services = [link.href for link in parsed.feed.get("links", []) if link.rel == "describedby"]
    report.guarded("xmllint (XSD)", "ISO 19139", "the service's record valid against the srv schema",
                   check_record, services[0] if services else f"{base}/metadata/service.xml",
                   f"{base}/atom/service", SRV_XSD)
    report.emit("feedparser", SERVICE, "service feed parses, an entry per dataset",
                not parsed.bozo and entries and headers.get_content_type() == "application/atom+xml",
                f"{len(entries)} entries, bozo {parsed.bozo}")
    described = []
    for entry in entries:
        code = entry.get(f"{prefix}_spatial_dataset_identifier_code", "")
        namespace = entry.get(f"{prefix}_spatial_dataset_identifier_namespace", "")
        feeds = [link.href for link in entry.links if link.rel == "alternate" and link.type == "application/atom+xml"]
        crs = [tag.term for tag in entry.get("tags", []) if tag.term.startswith("http://www.opengis.net/def/crs/EPSG/0/")]
        ok = code and namespace and len(feeds) == 1 and crs and entry.get("where")
        report.emit("feedparser", SERVICE, f"service entry {code}: identifier, dataset feed, CRS, GeoRSS", ok,
                    f"namespace {namespace}, feeds {feeds}, CRS {crs}")
        if feeds:
            described.append((code, feeds[0]))
        records = [link.href for link in entry.links if link.rel == "describedby"]
        if records:
            report.guarded("xmllint (XSD)", "ISO 19139", f"record of {code} valid against the gmd schemas",
                           check_record, records[0], code)
    for code, url in described:
        report.guarded("feedparser", SERVICE, f"dataset feed {code}", check_dataset_feed, url, schema)
    report.guarded("feedparser", SERVICE, "OpenSearch Describe Spatial Dataset per example query",
                   check_opensearch, base)
    codes = {entry.get(f"{prefix}_spatial_dataset_identifier_code", "") for entry in entries}
    report.guarded("OWSLib", "ISO 19139", "WMS 1.3.0 layers' MetadataURL: each dataset's record",
                   check_wms_metadata_urls, base, codes)
    report.guarded("OWSLib", "ISO 19139", "WFS 2.0 feature types' MetadataURL: their dataset's record",
                   check_wfs_metadata_urls, base, codes)
    for name, syntax in (("catalog.jsonld", "json-ld"), ("catalog.rdf", "xml")):
        report.guarded("rdflib", "DCAT-AP", f"{name} parses as RDF, a dcat:Dataset per feed entry",
                       check_dcat, f"{base}/metadata/{name}", syntax, codes)


GMD_XSD = "ogc/iso/19139/20070417/gmd/gmd.xsd"
SRV_XSD = "ogc/iso/19139/20070417/srv/1.0/srv.xsd"


def check_record(url, code, schema=GMD_XSD):
    """An ISO 19139 record: valid against `schema`, naming `code` in an identifier."""
    status, headers, body = fetch(url, key=False)
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as handle:
        handle.write(body)
        path = handle.name
    try:
        checked = subprocess.run(
            ["xmllint", "--noout", "--nonet", "--schema", schema, path],
            cwd=SCHEMAS, env=dict(os.environ, XML_CATALOG_FILES=os.path.join(SCHEMAS, "catalog.xml")),
            capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(path)
    root = ElementTree.fromstring(body)
    gmd, gco = "{http://www.isotc211.org/2005/gmd}", "{http://www.isotc211.org/2005/gco}"
    codes = [c.text for tag in ("RS_Identifier", "fileIdentifier")
             for e in root.iter(f"{gmd}{tag}") for c in e.iter(f"{gco}CharacterString")]
    ok = status == 200 and checked.returncode == 0 and code in codes
    return ok, f"{headers.get_content_type()}; {checked.stderr.strip().splitlines()[-1:] if checked.returncode else 'valid'}"


def check_wms_metadata_urls(base, codes):
    """OWSLib reads each dataset's WMS layer's MetadataURLs; the ISO one answers its record."""
    from owslib.wms import WebMapService
    wms = WebMapService(f"{base}/wms", version="1.3.0", timeout=120)
    missing, wrong = [], []
    for code in sorted(codes):
        layer = wms.contents.get(code)
        if layer is None:
            missing.append(code)
            continue
        iso = [m["url"] for m in layer.metadataUrls if m.get("format") == "text/xml"]
        if iso != [f"{base}/metadata/{code}.xml"] or not check_record(iso[0], code)[0]:
            wrong.append((code, iso))
    return not missing and not wrong and codes, f"{len(codes)} layers; missing {missing}, wrong {wrong}"


def check_wfs_metadata_urls(base, codes):
    """OWSLib reads every WFS 2.0 feature type's MetadataURL: a dataset's record that answers."""
    from owslib.wfs import WebFeatureService
    wfs = WebFeatureService(f"{base}/wfs", version="2.0.0", timeout=120)
    urls = {m["url"] for feature_type in wfs.contents.values() for m in feature_type.metadataUrls}
    records = {f"{base}/metadata/{code}.xml" for code in codes}
    answered = all(fetch(url, key=False)[0] == 200 for url in urls)
    ok = wfs.contents and urls and urls <= records and answered
    return ok, f"{len(wfs.contents)} feature types, records {sorted(urls)}"


def check_dataset_feed(url, schema):
    _, _, body = fetch(url)
    ok, detail = valid_atom(body, schema)
    report.emit("xmllint (RELAX NG)", SERVICE, f"{url.rsplit('/', 1)[-1]} valid against RFC 4287's schema", ok, detail)
    parsed = feedparser.parse(body)
    downloads = [link.href for entry in parsed.entries for link in entry.links
                 if link.rel in ("alternate", "section") and link.type != "application/atom+xml"]
    if not downloads:
        return False, "no download link"
    status, headers, _ = fetch(downloads[0], method="HEAD")
    ok = not parsed.bozo and parsed.entries and status == 200 and int(headers.get("Content-Length", "0")) > 0
    return ok, f"{len(parsed.entries)} entries, {len(downloads)} download links; HEAD {downloads[0]}: {status}"


def check_dcat(url, syntax, codes):
    """Every page of the DCAT-AP catalogue parses with rdflib; its datasets are the feed's."""
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, RDF
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    found, pages = set(), 0
    while url and pages < 100:
        _, _, body = fetch(url, key=False)
        graph = rdflib.Graph().parse(data=body, format=syntax)
        for dataset in graph.subjects(RDF.type, DCAT.Dataset):
            found.update(str(value) for value in graph.objects(dataset, DCTERMS.identifier))
        following = list(graph.objects(None, hydra.next))
        url = str(following[0]) if following else None
        pages += 1
    return found == codes and bool(found), f"{pages} pages, datasets {sorted(found)}, feed {sorted(codes)}"


def check_opensearch(base):
    _, _, body = fetch(f"{base}/atom/opensearch.xml", key=False)
    root = ElementTree.fromstring(body)
    template = next(url.get("template") for url in root.findall(f"{OPENSEARCH}Url")
                    if url.get("rel") == "describedby" and url.get("type") == "application/atom+xml")
    examples = [query for query in root.findall(f"{OPENSEARCH}Query") if query.get("role") == "example"]
    read = []
    for query in examples:
        code = query.get(f"{{{INSPIRE_DLS}}}spatial_dataset_identifier_code")
        namespace = query.get(f"{{{INSPIRE_DLS}}}spatial_dataset_identifier_namespace")
        url = (template.replace("{inspire_dls:spatial_dataset_identifier_code?}", urllib.parse.quote(code))
               .replace("{inspire_dls:spatial_dataset_identifier_namespace?}", urllib.parse.quote(namespace, safe=""))
               .replace("{language?}", "fr"))
        _, headers, feed = fetch(url, key=False)
        parsed = feedparser.parse(feed)
        read.append(not parsed.bozo and headers.get_content_type() == "application/atom+xml" and parsed.entries)
    return bool(examples) and all(read), f"{len(examples)} example queries, {sum(map(bool, read))} described"


if __name__ == "__main__":
    report.run_script(run, __doc__.splitlines()[0])
