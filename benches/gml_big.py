#!/usr/bin/env python3
"""Writes a big PCRS GML file by repeating the feature members of the Lyon files, each copy
with fresh gml:ids and shifted 200 m east per round (so boxes differ), until SIZE megabytes.
Streams: memory stays small whatever the size.

    benches/gml_big.py OUT.gml [SIZE_MB]
"""
import pathlib
import re
import sys

here = pathlib.Path(__file__).resolve().parent
lyon = sorted((here.parent / "tests/fixtures/pcrs-vector/lyon").glob("*.gml"))

out_path = pathlib.Path(sys.argv[1])
target = int(sys.argv[2] if len(sys.argv) > 2 else 500) * 1_000_000

members = []
head = None
for path in lyon:
    text = path.read_text(encoding="utf-8-sig")
    start = text.index("<featureMember")
    if head is None:
        head = text[:start]
    end = text.rindex("</featureMember>") + len("</featureMember>")
    members.append(text[start:end])

ID = re.compile(r'(gml:id="[^"]+|xlink:href="[^"]+)"')
written = 0
rounds = 0
with out_path.open("w", encoding="utf-8") as out:
    out.write(head)
    while written < target:
        suffix = f"-r{rounds}"
        for block in members:
            copy = ID.sub(lambda m: f'{m.group(1)}{suffix}"', block)
            out.write(copy)
            out.write("\n")
            written += len(copy) + 1
        rounds += 1
    out.write("</PlanCorpsRueSimplifie>\n")
print(f"{out_path}: {written / 1e6:.0f} MB, {rounds} rounds of {len(members)} files")
