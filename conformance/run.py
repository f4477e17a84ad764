#!/usr/bin/python3
"""`make conformance`: dallage checked by third-party clients and validators.

Starts `dallage demo` on a free loopback port (its own data folder and catalogue under the work
folder), describes the demo layers and their source dalles in a context file, runs every
client's checks against the live server, prints a client × service summary, writes it to
<work>/summary.md, and exits non-zero when any check failed.

Clients: xmllint with the official XSDs (xsd_checks.py), probes of the OGC API conformance
classes declared (ogcapi_checks.py), GDAL's WMS/WMTS/TMS/OGCAPI drivers
(gdal_clients.py), QGIS 3.22 (qgis_clients.py), OWSLib (owslib_clients.py), ogctests
(ogctests_client.py) and schemathesis
against both OpenAPI documents. Services that do not exist yet are listed as "not yet".

Run: /usr/bin/python3 conformance/run.py --binary target/debug/dallage --work target/conformance
"""

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from summary import Summary  # noqa: E402

ADMIN_KEY = "conformance-admin-key-0123456789"
READY_TIMEOUT = 900  # seconds: a cold demo generates 18 dalles first
SCRIPT_TIMEOUT = 1200


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


class Server:
    """`dallage demo` (or `dallage serve STORAGE…` when `storages` are given) on loopback,
    stopped (its process group) on exit."""

    def __init__(self, binary, work, storages=None):
        self.data = os.path.join(work, "data")
        os.makedirs(self.data, exist_ok=True)
        # A fresh catalogue and tile cache each run; the generated dalles are kept.
        shutil.rmtree(os.path.join(self.data, "tiles"), ignore_errors=True)
        for stale in glob.glob(os.path.join(self.data, "conformance.db*")):
            os.remove(stale)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # The suite's own settings only: DALLAGE_* variables of the calling shell stay out.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("DALLAGE_")}
        self.binary = binary
        self.environment = environment = dict(
            inherited,
            DALLAGE_DATA_DIR=self.data,
            DALLAGE_CATALOG_URL=f"sqlite://{self.data}/conformance.db",
            DALLAGE_SECURITY_API_KEYS=f'[{{name="conformance", role="admin", key="{ADMIN_KEY}"}}]',
            # schemathesis declares storages: keep every target on this machine.
            DALLAGE_SECURITY_STORAGE_HOSTS='["127.0.0.1", "localhost"]',
        )
        self.log_path = os.path.join(work, "server.log")
        self.log = open(self.log_path, "w")
        command = ["serve", *storages] if storages else ["demo"]
        self.process = subprocess.Popen([binary, *command, "--listen", f"127.0.0.1:{self.port}"],
                                        env=environment, stdout=self.log, stderr=subprocess.STDOUT,
                                        cwd=work, start_new_session=True)

    def wait_ready(self):
        deadline = time.time() + READY_TIMEOUT
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dallage demo exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        raise RuntimeError(f"dallage demo not ready after {READY_TIMEOUT} s; see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def context_for(server, work):
    """The published raster layers, each with a VRT of its source dalles (absolute paths), and
    the vector deliverables with their GML files."""
    from osgeo import gdal
    gdal.UseExceptions()
    layers = []
    page = get_json(f"{server.base}/api/livrables?limit=500")
    for livrable in page["items"]:
        storage = livrable.get("storage") or {}
        if livrable["nature"] not in ("jpeg2000", "geotiff") or storage.get("type") != "file":
            continue
        extension = "*.jp2" if livrable["nature"] == "jpeg2000" else "*.tif"
        files = sorted(glob.glob(os.path.join(storage["path"], "**", extension), recursive=True))
        vrt = os.path.join(work, "references", f"{livrable['slug']}.vrt")
        os.makedirs(os.path.dirname(vrt), exist_ok=True)
        gdal.BuildVRT(vrt, files)
        dataset = gdal.Open(vrt)
        x, dx, _, y, _, dy = dataset.GetGeoTransform()
        bbox = [x, y + dy * dataset.RasterYSize, x + dx * dataset.RasterXSize, y]
        project = get_json(f"{server.base}/api/projects/{livrable['project_id']}")["slug"]
        layers.append({"name": livrable["slug"], "reference": vrt, "bbox": bbox, "epsg": livrable["crs"],
                       "project": project})
    if not layers:
        raise RuntimeError("the demo publishes no raster layer")
    vectors = [{"slug": livrable["slug"],
                "files": sorted(glob.glob(os.path.join(livrable["storage"]["path"], "**", "*.gml"), recursive=True))}
               for livrable in page["items"]
               if livrable["nature"] == "gml" and (livrable.get("storage") or {}).get("type") == "file"]
    collections = get_json(f"{server.base}/ogcapi/collections")["collections"]
    first = next((c["id"] for c in collections if c.get("itemType") == "feature"), None)
    features = None
    if first:
        item = get_json(f"{server.base}/ogcapi/collections/{first}/items?limit=1")["features"][0]["id"]
        features = {"collection": first, "feature": item}
    context = {"base": server.base, "out": os.path.join(work, "images"), "layers": layers, "vectors": vectors,
               "features": features}
    os.makedirs(context["out"], exist_ok=True)
    path = os.path.join(work, "context.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(context, handle, indent=1)
    return path


def import_boundaries(server, work, context_path):
    """Imports a made-up commune (code 69901, not a real one) over the first layer, with
    `dallage import-boundaries`, so the API's boundary operations have something to find."""
    with open(context_path, encoding="utf-8") as handle:
        layer = json.load(handle)["layers"][0]
    west, south, east, north = layer["bbox"]
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    feature = {"type": "Feature", "properties": {"INSEE_COM": "69901", "NOM": "Commune de conformité",
                                                 "SIREN_EPCI": "200046977"},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}
    path = os.path.join(work, "communes.geojson")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"type": "FeatureCollection", "features": [feature]}, handle)
    # The coordinates are in the layer's CRS, which GeoJSON cannot declare: --crs says it.
    subprocess.run([server.binary, "import-boundaries", path, "--crs", str(layer["epsg"])],
                   env=server.environment, check=True, capture_output=True, timeout=120, cwd=work)


def run_script(summary, client, command, work, environment=None):
    """Runs one client's script and records the JSON lines it prints."""
    name = os.path.basename(command[1]).removesuffix(".py")
    log = os.path.join(work, f"{name}.log")
    started = time.time()
    with open(log, "w") as errors:
        try:
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, timeout=SCRIPT_TIMEOUT,
                                    env=dict(os.environ, **(environment or {})), cwd=work)
            output, code = result.stdout.decode("utf-8", "replace"), result.returncode
        except subprocess.TimeoutExpired as timeout:
            output, code = (timeout.stdout or b"").decode("utf-8", "replace"), "timeout"
    count = summary.read_lines(output)
    print(f"  {name}: {count} checks in {time.time() - started:.0f} s", flush=True)
    if code != 0 or count == 0:
        summary.add(client, "—", f"{name} ran", False, f"exit {code}, {count} results; see {log}")


def ogctests(summary, binary, venv, work, context_path):
    """ogctests reads every collection of /collections as a feature collection: it runs against
    a second server, `dallage serve` on the demo's vector folder alone (the demo's map-tile
    collections have no items)."""
    with open(context_path, encoding="utf-8") as handle:
        context = json.load(handle)
    folders = sorted({os.path.dirname(path) for vector in context.get("vectors", []) for path in vector["files"]})
    if not folders:
        summary.add("ogctests", "OGC API Features", "a vector deliverable to test", False, "the demo has none")
        return
    own = os.path.join(work, "vectors-only")
    server = Server(binary, own, [f"file://{folder}/" for folder in folders])
    try:
        server.wait_ready()
        path = os.path.join(own, "context.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(dict(context, base=server.base, out=os.path.join(own, "images")), handle)
        run_script(summary, "ogctests", [os.path.join(venv, "bin", "python"), f"{HERE}/ogctests_client.py",
                                         "--context", path], own)
    finally:
        server.stop()


def schemathesis_config(work, context_path):
    """A schemathesis configuration that fills path parameters with the demo's real ids, so the
    operations behind them run instead of answering 404."""
    with open(context_path, encoding="utf-8") as handle:
        context = json.load(handle)
    layers = context["layers"]
    path = os.path.join(work, "schemathesis-ids.toml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[parameters]\n")
        handle.write(f'"path.collectionId" = "{layers[0]["name"]}"\n')
        handle.write('"path.tileMatrixSetId" = "WebMercatorQuad"\n')
        handle.write(f'"path.livrable" = "{layers[-1]["name"]}"\n')
        handle.write(f'"path.project" = "{layers[-1]["project"]}"\n')
        handle.write('"path.id" = "1"\n')
        # The style document schemathesis_style() uploads before the keyed runs.
        handle.write(f'"path.name" = "{STYLE_DOCUMENT}"\n')
        handle.write('"path.kind" = "commune"\n')
        handle.write('"path.code" = "69901"\n')
        handle.write('"query.tms" = "WebMercatorQuad"\n')
        # The feature operations take a vector collection and one of its features.
        features = context.get("features")
        if features:
            handle.write('\n[[operations]]\ninclude-operation-id = ["getFeatures", "getFeature"]\n')
            handle.write('[operations.parameters]\n')
            handle.write(f'"path.collectionId" = "{features["collection"]}"\n')
            handle.write(f'"path.featureId" = "{features["feature"]}"\n')
            # Any string is schema-valid for `filter`, but only CQL2 is accepted (no pattern can
            # say which): the runs send a valid one, TRUE; tests/features.rs and the declared
            # classes' probes check filters themselves.
            handle.write('"query.filter" = "TRUE"\n"query.filter-lang" = "cql2-text"\n')
            handle.write('\n[[operations]]\ninclude-operation-id = ["getQueryables"]\n')
            handle.write('[operations.parameters]\n')
            handle.write(f'"path.collectionId" = "{features["collection"]}"\n')
    return path


STYLE_DOCUMENT = "conformance"
STYLE_SLD = """<StyledLayerDescriptor version="1.0.0"><NamedLayer><Name>LimiteVoiriePCRS</Name><UserStyle>
<Name>conformance</Name><FeatureTypeStyle><Rule><LineSymbolizer><Stroke>
<CssParameter name="stroke">#123456</CssParameter></Stroke></LineSymbolizer></Rule></FeatureTypeStyle>
</UserStyle></NamedLayer></StyledLayerDescriptor>"""


def upload_style(base):
    """Uploads the style document the keyed runs read (their GET must not meet only 404s)."""
    request = urllib.request.Request(f"{base}/api/styles/{STYLE_DOCUMENT}", data=STYLE_SLD.encode(), method="PUT",
                                     headers={"X-API-Key": ADMIN_KEY, "Content-Type": "application/vnd.ogc.sld+xml"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def schemathesis(summary, venv, base, work, context_path):
    """schemathesis against both OpenAPI documents, every check: with generated ids (unknown
    resources must be documented 404s), then with the demo's ids (the operations run); the API
    last with an admin key, since it changes and deletes the demo's project."""
    ids = schemathesis_config(work, context_path)
    api, ogcapi = f"{base}/api/openapi.json", f"{base}/ogcapi/openapi"
    key = ["-H", f"X-API-Key: {ADMIN_KEY}"]
    # With fixed ids, "an out-of-range id is rejected" cannot be tested: the generated-id runs do.
    fixed = ["--config-file", ids, "--exclude-checks", "negative_data_rejection"]
    runs = [
        ("/ogcapi (OpenAPI)", ogcapi, "generated ids", [], False),
        ("/ogcapi (OpenAPI)", ogcapi, "the demo's ids", fixed, True),
        # The download preview's place is a polygon in GeoJSON or WKT, whose syntax a schema
        # cannot state (a generated string is refused, 400): it runs in the keyed runs, which
        # leave out the check that every schema-valid request is accepted.
        ("/api (OpenAPI)", api, "generated ids, no key", ["--exclude-path-regex", "/downloads/preview$"], False),
        # Left out of the keyed run: storages (an admin may declare `file` storages, which
        # would point scans anywhere on this machine's disk; tests/api.rs covers every storage
        # rule), seeding (it would draw tiles for minutes; tests/tiles_cache.rs covers it), the
        # check that every schema-valid body is accepted (the API enforces rules a schema
        # cannot state: SIREN checksums, steps in date order, a project holder among the
        # actors, answered 422 naming the field) and the stateful phase (schemathesis 4.32
        # infers links between these operations that name parameters they do not have).
        # Deletions run last, on their own: the first one removes what the others would use.
        ("/api (OpenAPI)", api, "the demo's ids, admin key",
         fixed[:2] + key + ["--exclude-path-regex", "/seeds?(/|$)|/storage$", "--exclude-method", "DELETE",
                            "--exclude-checks", "negative_data_rejection,positive_data_acceptance",
                            "--phases", "examples,coverage,fuzzing"], True),
        ("/api (OpenAPI)", api, "the demo's ids, admin key, deletions",
         fixed[:2] + key + ["--exclude-path-regex", "/seeds?(/|$)|/storage$", "--include-method", "DELETE",
                            "--exclude-checks", "negative_data_rejection", "--phases", "examples,coverage,fuzzing"],
         False),
    ]
    for index, (service, url, label, extra, strict) in enumerate(runs):
        if key[1] in extra:
            # The unkeyed runs may not create it; each keyed run finds it (the deletions last).
            upload_style(base)
        config = extra[:2] if extra[:1] == ["--config-file"] else []
        command = [os.path.join(venv, "bin", "schemathesis")] + config + [
            "run", url, "--checks", "all", "--max-examples", "25", "--seed", "2154", "--no-color",
            "--request-timeout", "60"] + extra[len(config):]
        log = os.path.join(work, f"schemathesis-{index}.log")
        with open(log, "w") as output:
            code = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, timeout=SCRIPT_TIMEOUT,
                                  cwd=work).returncode
        with open(log, encoding="utf-8", errors="replace") as output:
            text = output.read()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        last = next((line for line in reversed(lines) if "passed" in line or "fail" in line), lines[-1] if lines else "")
        ok = code == 0
        # With real ids every operation must reach its logic: a run that only met 404s or
        # refused keys would pass while testing nothing.
        if strict and ("Missing test data" in text or "Authentication failed" in text):
            ok, last = False, "operations answered only 404 or 401/403 with the demo's ids; " + last
        summary.add("schemathesis", service, f"{url.removeprefix(base)} with {label}", ok,
                    f"{last.strip('= ')}; {log}")
        print(f"  schemathesis {url.removeprefix(base)} with {label}: exit {code}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--venv", required=True)
    arguments = parser.parse_args()
    work, binary = os.path.abspath(arguments.work), os.path.abspath(arguments.binary)
    venv = os.path.abspath(arguments.venv)
    os.makedirs(work, exist_ok=True)
    # CI stopping the suite (SIGTERM) still stops the server through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    summary = Summary()
    started = time.time()
    server = Server(binary, work)
    try:
        print(f"conformance: dallage demo on {server.base}", flush=True)
        server.wait_ready()
        context = context_for(server, work)
        import_boundaries(server, work, context)
        system = "/usr/bin/python3"
        gdal_env = {"GDAL_PAM_ENABLED": "NO", "GDAL_ENABLE_WMS_CACHE": "NO"}
        run_script(summary, "xmllint (XSD)", [system, f"{HERE}/xsd_checks.py", "--context", context], work)
        run_script(summary, "declared classes", [system, f"{HERE}/ogcapi_checks.py", "--context", context], work)
        run_script(summary, "GDAL", [system, f"{HERE}/gdal_clients.py", "--context", context], work, gdal_env)
        run_script(summary, "QGIS", [system, f"{HERE}/qgis_clients.py", "--context", context], work,
                   {"QT_QPA_PLATFORM": "offscreen"})
        run_script(summary, "OWSLib", [os.path.join(venv, "bin", "python"), f"{HERE}/owslib_clients.py",
                                       "--context", context], work)
        run_script(summary, "Info-ZIP, zipfile", [system, f"{HERE}/download_clients.py", "--context", context],
                   work, {"DALLAGE_CONFORMANCE_KEY": ADMIN_KEY})
        run_script(summary, "feedparser", [os.path.join(venv, "bin", "python"), f"{HERE}/atom_clients.py",
                                           "--context", context], work, {"DALLAGE_CONFORMANCE_KEY": ADMIN_KEY})
        ogctests(summary, binary, venv, work, context)
        schemathesis(summary, venv, server.base, work, context)
    except Exception as error:  # noqa: BLE001 - reported as a failed check, never a traceback
        summary.add("conformance", "—", "suite ran", False, f"{type(error).__name__}: {error}")
    finally:
        server.stop()
    text = summary.render()
    print(text)
    with open(os.path.join(work, "summary.md"), "w", encoding="utf-8") as handle:
        handle.write(text)
    passed, failed = summary.counts()
    print(f"conformance: the suite took {time.time() - started:.0f} s; summary in {work}/summary.md")
    print(f"conformance: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
