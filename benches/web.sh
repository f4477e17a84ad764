#!/usr/bin/env bash
# The web pages over a national-sized catalogue, on loopback: PROJECTS (1 000) projects shaped
# like pcrs.beta.gouv.fr's, two deliverables each, DALLES (50) dalles per raster one, written
# straight into a SQLite catalogue (benches/web_catalogue.py), with the boundaries of the
# projects' 3 000 communes, that `dallage serve` then serves.
# For each page — the projects' map and list (all, then filtered by département), a project, a
# deliverable's explorer, the statistics, the territory download and the porteur space — the
# time of a request (the median of RUNS) and its size; then dallage's CPU per request over all
# of them and its resident memory.
#
#   benches/web.sh
#   PROJECTS=200 benches/web.sh
#   NO_BUILD=1 benches/web.sh     (the release binary already built, e.g. from an earlier commit)
#
# Reuses benches/peers.sh (ports, CPU accounting). Everything binds to 127.0.0.1; every request
# is bounded (curl --max-time). There is no peer to compare with: pcrs.beta.gouv.fr's pages are
# not a program that runs here.
set -euo pipefail

benches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=benches/peers.sh
source "$benches/peers.sh"
PROJECTS=${PROJECTS:-1000}
DALLES=${DALLES:-50}
RUNS=${RUNS:-7}
data=$work/web

start_web_server() {
    serve_catalogue "$data/dallage.toml" "$WEB_PORT" "$data/dallage.log"
    WEB_PID=$SERVED_PID
}

main_web() {
    WEB_PID=""
    trap 'stop_pid "$WEB_PID"' EXIT
    # NO_BUILD=1 measures the release binary as it is (an earlier commit's, to compare).
    [ "${NO_BUILD:-}" = 1 ] || (cd "$root" && make --no-print-directory web >/dev/null && cargo build --release --quiet)
    rm -rf "$data" && mkdir -p "$data"
    WEB_PORT=$(free_port)
    cat >"$data/dallage.toml" <<EOF
[data]
dir = "$data/dallage-data"
[catalog]
url = "sqlite://$data/dallage-data/catalog.db"
EOF
    # A first start makes the catalogue; it is then filled and served again.
    start_web_server
    stop_pid "$WEB_PID"
    log "filling the catalogue: $(python3 "$benches/web_catalogue.py" "$data/dallage-data/catalog.db" "$PROJECTS" "$DALLES")"
    start_web_server
    local base="http://127.0.0.1:$WEB_PORT" last=$((PROJECTS - 1)) before after pages=0
    before=$(tree_ticks "$WEB_PID")
    for page in "/" "/?departement=69" "/projets/bench-$last" "/livrables/bench-$last-raster" \
        "/statistiques" "/telechargement" "/espace-porteur"; do
        local size
        size=$(curl -sf --max-time 60 -o /dev/null -w '%{size_download}' "$base$page")
        echo "web: $page: $(median_ms "$base$page" 1) ms ($((size / 1024)) KiB)"
        pages=$((pages + 1))
    done
    after=$(tree_ticks "$WEB_PID")
    local cpu
    cpu=$(python3 -c "print(f'{($after - $before) * 1000 / $(getconf CLK_TCK) / ($pages * ($RUNS + 1)):.1f}')")
    echo "web: $PROJECTS projects; dallage CPU ${cpu} ms per page on average, resident $(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$WEB_PID/status") MiB after them"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main_web "$@"
fi
