#!/usr/bin/env bash
# GML import speed and memory: `dallage import-gml` (release build) on a generated PCRS GML of
# SIZE megabytes (500 by default; the Lyon features repeated with fresh ids), into a SQLite
# catalogue of its own. Prints features, wall seconds, features per wall second and per CPU
# second, and the peak resident memory (GNU time), which must not grow with the file.
#
#   benches/vector_import.sh            # SIZE=500
#   SIZE=50 benches/vector_import.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${BENCH_WORK:-$root/target/bench}/vector-import
SIZE=${SIZE:-500}

command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
(cd "$root" && cargo build --release -q)
mkdir -p "$work"
big="$work/pcrs-$SIZE.gml"
[ -s "$big" ] || /usr/bin/python3 "$here/gml_big.py" "$big" "$SIZE"

rm -rf "$work/data"
cat > "$work/dallage.toml" <<EOF
[data]
dir = "$work/data"
[catalog]
url = "sqlite://$work/data/catalog.db"
EOF
timing="$work/time.txt"
/usr/bin/time -v -o "$timing" "$root/target/release/dallage" --config "$work/dallage.toml" \
    import-gml --json "$big" > "$work/report.json"
python3 - "$work/report.json" "$timing" "$big" <<'EOF'
import json, os, re, sys
report = json.load(open(sys.argv[1]))
timing = open(sys.argv[2]).read()
def field(name):
    return float(re.search(re.escape(name) + r": ([0-9.:]+)", timing).group(1).split(":")[-1])
wall = report["seconds"]
cpu = field("User time (seconds)") + field("System time (seconds)")
features = sum(f["features"] for f in report["files"])
rss = field("Maximum resident set size (kbytes)") / 1024
size = os.path.getsize(sys.argv[3]) / 1e6
print(f"vector-import: {size:.0f} MB, {features} features in {wall:.1f} s wall "
      f"({features / wall:.0f} features/s), {cpu:.1f} s CPU ({features / cpu:.0f} features per CPU s), "
      f"peak RSS {rss:.0f} MiB")
EOF
