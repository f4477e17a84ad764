#!/usr/bin/env python3
"""ogctests (PyPI, a Python port of the OGC's Features Part 1 test suite) against /ogcapi.

Its `features/core` tests run with pytest on a copy of the package under the work folder, one
check per test, read from pytest's JUnit report. One correction is made to the copy, and said:
its featureGeoJSON.yaml requires every feature to have a geometry object, while RFC 7946 §3.2
and the OGC's own schema (opengeospatial/ogcapi-features, core/openapi/schemas/
featureGeoJSON.yaml: `geometry: oneOf: [type: null, geometryGeoJSON]`) allow `null` — which PCRS
classes whose geometry is another object's (AffleurantPCRS) have. The copy gets the official
branch; nothing else changes, and the correction stops applying if ogctests fixes its copy.

Run: /work/main/target/conformance/venv/bin/python conformance/ogctests_client.py --context PATH
"""

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

import ogctests  # noqa: E402

CLIENT = f"ogctests {getattr(ogctests, '__version__', '')}".strip()
SERVICE = "OGC API Features"
# ogctests' geometry property, and the official schema's.
THEIRS = 'geometry:\n    $ref: "urn:geometryGeoJSON"'
OFFICIAL = 'geometry:\n    oneOf:\n      - type: "null"\n      - $ref: "urn:geometryGeoJSON"'


def prepared_copy(work):
    """The package copied under `work`, its feature schema brought in line with the OGC's."""
    source = os.path.dirname(ogctests.__file__)
    copy = os.path.join(work, "ogctests")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    schema = os.path.join(copy, "features", "schemas", "featureGeoJSON.yaml")
    with open(schema, encoding="utf-8") as handle:
        text = handle.read()
    corrected = THEIRS in text
    with open(schema, "w", encoding="utf-8") as handle:
        handle.write(text.replace(THEIRS, OFFICIAL))
    return copy, corrected


def run(context):
    work = os.path.abspath(os.path.join(context["out"], os.pardir))
    copy, corrected = prepared_copy(work)
    junit = os.path.join(work, "ogctests.xml")
    environment = dict(os.environ, INSTANCE_URL=f"{context['base'].rstrip('/')}/ogcapi")
    command = [sys.executable, "-m", "pytest", os.path.join(copy, "features", "core"), "--rootdir", copy,
               "-p", "no:cacheprovider", "-q", "--tb=line", f"--junitxml={junit}"]
    subprocess.run(command, cwd=copy, env=environment, stdout=sys.stderr, stderr=sys.stderr, timeout=600)
    note = "; null geometries allowed as the OGC schema allows them" if corrected else ""
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            report.emit(CLIENT, SERVICE, name, False, f"skipped: {case.find('skipped').get('message', '')}")
        elif problem is not None:
            report.emit(CLIENT, SERVICE, name, False, (problem.get("message") or "")[:400])
        else:
            report.emit(CLIENT, SERVICE, name, True, f"passed{note}")


if __name__ == "__main__":
    report.run_script(run, __doc__.splitlines()[0])
