"""The client × service summary of a conformance run (printed, and kept in the README)."""

import json

SERVICES = ["WMS 1.1.1", "WMS 1.3.0", "WMTS", "TMS / XYZ", "OGC API Tiles", "/ogcapi (OpenAPI)",
            "/api (OpenAPI)", "WFS 2.0", "WFS 1.1", "OGC API Features", "Vector tiles", "Downloads", "ATOM",
            "ISO 19139", "DCAT-AP"]
CLIENTS = ["xmllint (XSD)", "declared classes", "GDAL", "QGIS", "OWSLib", "schemathesis", "ogctests",
           "Info-ZIP, zipfile", "feedparser", "rdflib"]
# Checks that join the suite with the services still to come (each in the change adding it).
NOT_YET: dict = {}


class Summary:
    """Check results, grouped by client (by name prefix) and service."""

    def __init__(self):
        self.results = []
        self.names = {}

    def add(self, client, service, check, ok, detail=""):
        row = next((c for c in CLIENTS if client.startswith(c.split(" ")[0])), client)
        self.names.setdefault(row, client)
        self.results.append({"client": row, "service": service, "check": check, "ok": bool(ok), "detail": detail})

    def read_lines(self, output):
        """Adds the JSON lines a check script printed; returns how many there were."""
        count = 0
        for line in output.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            self.add(item["client"], item["service"], item["check"], item["ok"], item.get("detail", ""))
            count += 1
        return count

    def counts(self):
        passed = sum(1 for r in self.results if r["ok"])
        return passed, len(self.results) - passed

    def cell(self, client, service):
        mine = [r for r in self.results if r["client"] == client and r["service"] == service]
        if mine:
            failed = sum(1 for r in mine if not r["ok"])
            return f"FAIL {failed}/{len(mine)}" if failed else f"pass {len(mine)}"
        return "not yet" if service in NOT_YET.get(client, ()) else "—"

    def render(self):
        services = SERVICES + sorted({r["service"] for r in self.results} - set(SERVICES) - {"—"})
        clients = CLIENTS + sorted({r["client"] for r in self.results} - set(CLIENTS))
        lines = ["| client | " + " | ".join(services) + " |", "|---" * (len(services) + 1) + "|"]
        for client in clients:
            label = self.names.get(client, client)
            lines.append(f"| {label} | " + " | ".join(self.cell(client, s) for s in services) + " |")
        failures = [r for r in self.results if not r["ok"]]
        if failures:
            lines += ["", "Failures:"] + [f"- {r['client']} / {r['service']} / {r['check']}: {r['detail']}"
                                          for r in failures]
        return "\n".join(lines) + "\n"
