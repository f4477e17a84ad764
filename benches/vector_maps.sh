#!/usr/bin/env bash
# Vector GetMap side by side on loopback: dallage, MapServer 8 and QGIS Server 3.22 draw the
# 100 000 lines of benches/features_data.py's GeoPackage as 256×256 PNG (WMS 1.3.0, EPSG:2154,
# transparent) at 1:1 000 and 1:5 000, BOXES random windows each. Styles are equivalent: 1 px
# dark grey lines (dallage's generic style for a class no SLD names, the same CLASS in the
# mapfile, QGIS's single-symbol default). For each scale and server it prints requests/s,
# latency p50/p99 and the server's CPU milliseconds per request, then each peer's CPU per
# request over dallage's.
#
#   benches/vector_maps.sh
#   DURATION=5 BOXES=100 benches/vector_maps.sh
#
# Reuses benches/features.sh's servers (and through it benches/peers.sh's wrk runs and CPU
# accounting). Everything binds to 127.0.0.1; every run is bounded in time.
set -euo pipefail

benches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=benches/features.sh
source "$benches/features.sh"

# Windows of SIDE metres (256 px at 0.28 mm per pixel) inside the square, fixed seed.
windows() {
    python3 - "$1" "$BOXES" <<'PY'
import random, sys
random.seed(11)
side, count = float(sys.argv[1]), int(sys.argv[2])
west, south, square = 840_000.0, 6_520_000.0, 10_000.0
for _ in range(count):
    x, y = west + random.random() * (square - side), south + random.random() * (square - side)
    print(f"{x:.2f},{y:.2f},{x + side:.2f},{y + side:.2f}")
PY
}

map_list() {
    local layer=$1 side=$2
    windows "$side" | awk -v layer="$layer" '{printf "?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=%s&STYLES=&CRS=EPSG:2154&BBOX=%s&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE\n", layer, $1}'
}

main_maps() {
    MS_PID="" DL_PID="" QG_PID="" PG_PID=""
    trap 'stop_pid "$MS_PID"; stop_pid "$DL_PID"; stop_pid "$QG_PID"' EXIT
    setup
    prepare
    start_dallage_features
    start_mapserver_features
    start_qgis_features
    local dl_wms=${DL_WFS%/wfs}/wms
    printf "%-7s %-10s %9s %8s %8s %8s %10s %7s\n" scale server requests req/s p50ms p99ms cpu-ms/req errors
    for scale in 1000 5000; do
        local side
        side=$(python3 -c "print(256 * 0.00028 * $scale)")
        declare -A cpu=()
        for server in dallage mapserver qgis; do
            local url pid name=lines list=$work/map-$server-$scale.urls
            case $server in
            dallage) url=$dl_wms pid=$DL_PID name=$DL_PREFIX-lines ;;
            mapserver) url=$MS_URL pid=$MS_PID ;;
            qgis) url=$QG_URL pid=$QG_PID ;;
            esac
            map_list "$name" "$side" >"$list"
            # Each must answer a PNG, or the comparison means nothing.
            curl -sf -o "$work/map-$server.png" "$url$(head -1 "$list")"
            file -b "$work/map-$server.png" | grep -q PNG || { log "$server did not draw a PNG: $(head -c 300 "$work/map-$server.png")"; exit 1; }
            read -r requests rps p50 p99 per errors <<<"$(measure "$url" "$pid" "$list")"
            cpu[$server]=$per
            printf "%-7s %-10s %9s %8s %8s %8s %10s %7s\n" "1:$scale" "$server" "$requests" "$rps" "$p50" "$p99" "$per" "$errors"
        done
        for server in mapserver qgis; do
            python3 -c "print(f'1:$scale  ratio      $server / dallage CPU per request: {${cpu[$server]}/${cpu[dallage]}:.1f}x')"
        done
    done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main_maps "$@"
fi
