"""Results shared by every check script: one JSON object per line on standard output.

The driver (run.py) starts each client's script in its own interpreter (system Python for GDAL
and QGIS, the virtual environment for OWSLib and schemathesis), reads these lines and builds the
client × service summary. Standard library only, so every interpreter can import it.
"""

import json
import sys


def emit(client, service, check, ok, detail=""):
    """Prints one check's result as a JSON line the driver collects."""
    line = {"client": client, "service": service, "check": check, "ok": bool(ok), "detail": str(detail)}
    print(json.dumps(line, ensure_ascii=False), flush=True)


def load_context(path):
    """Reads the context the driver wrote: base URL, layers, reference rasters, output folder."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def guarded(client, service, check, function, *args):
    """Runs one check; an exception is recorded as a failure with its message, never a crash."""
    try:
        ok, detail = function(*args)
    except Exception as error:  # noqa: BLE001 - any client error is the check's failure
        ok, detail = False, f"{type(error).__name__}: {error}"
    emit(client, service, check, ok, detail)
    return ok


def main_guard(function):
    """Runs a script's main and turns an unexpected crash into a non-zero exit with the reason."""
    try:
        function()
    except Exception as error:  # noqa: BLE001
        print(f"fatal: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)


def run_script(run, description):
    """The main of a client script: reads `--context PATH` and runs `run(context)`, a crash
    turned into a non-zero exit with the reason."""
    import argparse

    def main():
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--context", required=True)
        run(load_context(parser.parse_args().context))

    main_guard(main)
