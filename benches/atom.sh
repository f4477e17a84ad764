#!/usr/bin/env bash
# The INSPIRE ATOM feeds over a big catalogue, on loopback: LIVRABLES (10 000) raster
# deliverables, the first of BIG (50 000) dalles, written straight into a SQLite catalogue
# (benches/atom_catalogue.py) that `dallage serve` then serves. For the first and last pages of
# the service feed (1 000 entries each) and of the big deliverable's dataset feed (5 000 links
# each): the time of each request (the median of RUNS), dallage's CPU per request and its
# resident memory after them.
#
#   benches/atom.sh
#   LIVRABLES=2000 BIG=10000 benches/atom.sh
#
# Reuses benches/peers.sh (ports, CPU accounting). Everything binds to 127.0.0.1; every request
# is bounded (curl --max-time).
set -euo pipefail

benches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=benches/peers.sh
source "$benches/peers.sh"
LIVRABLES=${LIVRABLES:-10000}
BIG=${BIG:-50000}
RUNS=${RUNS:-7}
data=$work/atom

start_catalogue_server() {
    serve_catalogue "$data/dallage.toml" "$ATOM_PORT" "$data/dallage.log"
    ATOM_PID=$SERVED_PID
}

main_atom() {
    ATOM_PID=""
    trap 'stop_pid "$ATOM_PID"' EXIT
    (cd "$root" && cargo build --release --quiet)
    rm -rf "$data" && mkdir -p "$data"
    ATOM_PORT=$(free_port)
    cat >"$data/dallage.toml" <<EOF
[data]
dir = "$data/dallage-data"
[catalog]
url = "sqlite://$data/dallage-data/catalog.db"
EOF
    # A first start makes the catalogue; it is then filled and served again.
    start_catalogue_server
    stop_pid "$ATOM_PID"
    log "filling the catalogue: $(python3 "$benches/atom_catalogue.py" "$data/dallage-data/catalog.db" "$LIVRABLES" "$BIG")"
    start_catalogue_server
    local base="http://127.0.0.1:$ATOM_PORT" pages service first last before after bytes
    pages=$(( (BIG + 4999) / 5000 ))
    service="$base/atom/service.xml"
    first="$base/atom/datasets/bench-ortho-0.xml"
    last="$first?page=$pages"
    bytes=$(curl -sf --max-time 60 -o /dev/null -w '%{size_download}' "$service")
    before=$(tree_ticks "$ATOM_PID")
    local t_service t_service_last t_first t_last service_pages
    service_pages=$(( (LIVRABLES + 999) / 1000 ))
    t_service=$(median_ms "$service")
    t_service_last=$(median_ms "$service?page=$service_pages")
    t_first=$(median_ms "$first")
    t_last=$(median_ms "$last")
    after=$(tree_ticks "$ATOM_PID")
    local cpu
    cpu=$(python3 -c "print(f'{($after - $before) * 1000 / $(getconf CLK_TCK) / (4 * $RUNS):.0f}')")
    echo "atom: service feed of $LIVRABLES deliverables, page 1 of $service_pages (1 000 entries, $((bytes / 1024)) KiB): ${t_service} ms, last page: ${t_service_last} ms"
    echo "atom: dataset feed of $BIG dalles, page 1 of $pages (5 000 links): ${t_first} ms, last page: ${t_last} ms"
    echo "atom: dallage CPU ${cpu} ms per request on average, resident $(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$ATOM_PID/status") MiB after them"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main_atom "$@"
fi
