#!/usr/bin/env python3
"""Checks that arrows between the crate's modules only point down (`make test` runs it).

Every `crate::<module>` a source file names, in a `use` line or in a path, must be a module of a
lower layer than the file's own (or the same module). Layers, lowest first:

  0  config, workers,         settings, the blocking pool, the text-enum macro: import
     text_enum                nothing of the crate
  1  storage                  the Storage trait and its protocols
  2  catalog                  the model and its persistence, read by all
  3  raster, vector, scan     mosaics, features, scans
  4  tiles                    tile matrix sets, the tile cache, seeding
  4.5 ogc::common             the services' toolkit: OWS exceptions, KVP, XML, RFC 7807
                              problems, routes with 405s (every service and http use it)
  5  ogc, atom, download, web the services
  5.5 services                the running parts of a server, built once, handed to http
  6  http                     actix-web wiring and the JSON API
  7  lib, main, cli, error,   the program: start-up, commands, the demo (may reach anything)
     demo

Inside a module, files name each other with `super::<file>`: those arrows must not make a
cycle (render ↔ warp, cache ↔ s3 were two; shared types go in a small file of their own).

Prints each breach with its file and line and exits 1 when there is one.
"""
import pathlib
import re
import sys

LAYERS = {
    "config": 0, "workers": 0, "text_enum": 0,
    "storage": 1,
    "catalog": 2,
    "raster": 3, "vector": 3, "scan": 3,
    "tiles": 4,
    "ogc::common": 4.5,
    "ogc": 5, "atom": 5, "download": 5, "web": 5,
    "services": 5.5,
    "http": 6,
    "lib": 7, "main": 7, "cli": 7, "error": 7, "demo": 7,
}

# The program itself (start-up, commands, the demo) may reach every module.
TOP = 7

PATH = re.compile(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*(?:::common\b)?)")
GROUP = re.compile(r"\buse\s+crate::\{([^;]*)\}", re.S)


def module_of(path: pathlib.Path, src: pathlib.Path) -> str:
    parts = path.relative_to(src).parts
    if parts[:2] == ("ogc", "common"):
        return "ogc::common"
    return parts[0].removesuffix(".rs")


def named_modules(text: str):
    """(line, module) for each crate module the text names."""
    for match in PATH.finditer(text):
        yield text.count("\n", 0, match.start()) + 1, match.group(1)
    for match in GROUP.finditer(text):
        inner = match.group(1)
        depth, start = 0, 0
        for index, char in enumerate(inner + ","):
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == "," and depth == 0:
                item = inner[start:index].strip()
                start = index + 1
                name = re.match(r"([A-Za-z_][A-Za-z0-9_]*)", item)
                if name:
                    line = text.count("\n", 0, match.start() + start) + 1
                    yield line, name.group(1)


SIBLING = re.compile(r"\bsuper::([a-z_][a-z0-9_]*)")


def sibling_cycles(src: pathlib.Path):
    """Cycles among the files of one folder that name each other with `super::<file>`."""
    cycles = []
    for folder in sorted({p.parent for p in src.rglob("*.rs")}):
        files = {p.stem: p for p in folder.glob("*.rs") if p.stem != "mod"}
        edges = {}
        for name, path in files.items():
            text = path.read_text(encoding="utf-8")
            # Test modules reach their parent with `super::*`: not an arrow between files.
            text = text.split("#[cfg(test)]", 1)[0]
            edges[name] = {m.group(1) for m in SIBLING.finditer(text) if m.group(1) in files and m.group(1) != name}
        state = {}

        def visit(node, trail):
            state[node] = "open"
            for nxt in sorted(edges.get(node, ())):
                if state.get(nxt) == "open":
                    loop = trail[trail.index(nxt):] + [nxt]
                    cycles.append(f"{folder}: files import each other: {' → '.join(loop)}")
                elif nxt not in state:
                    visit(nxt, trail + [nxt])
            state[node] = "done"

        for name in sorted(files):
            if name not in state:
                visit(name, [name])
    return cycles


def main() -> int:
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    breaches = []
    for path in sorted(src.rglob("*.rs")):
        own = module_of(path, src)
        if own not in LAYERS:
            breaches.append(f"{path}: module `{own}` has no layer in {__file__}")
            continue
        text = path.read_text(encoding="utf-8")
        for line, other in named_modules(text):
            # Items of the crate root (`crate::Error`, `crate::open_state`) are the program's.
            if other not in LAYERS and not other.startswith("ogc::"):
                other = "lib"
            if other.startswith("ogc::") and other != "ogc::common":
                other = "ogc"
            if other == own or other not in LAYERS or LAYERS[own] == TOP:
                continue
            # ogc's services use their toolkit; the toolkit never reaches back into a service.
            if own == "ogc" and other == "ogc::common":
                continue
            if LAYERS[other] >= LAYERS[own]:
                breaches.append(
                    f"{path}:{line}: `{own}` (layer {LAYERS[own]}) imports `{other}` (layer {LAYERS[other]})"
                )
    breaches.extend(sibling_cycles(src))
    for breach in sorted(set(breaches)):
        print(breach)
    if breaches:
        print(f"layers: {len(set(breaches))} arrows point up or sideways", file=sys.stderr)
        return 1
    print("layers: every arrow points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
