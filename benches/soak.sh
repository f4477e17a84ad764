#!/usr/bin/env bash
# Memory under a long cold load: dallage serves peers.sh's cold set (COLD_DALLES 4000² JPEG
# 2000 dalles, decoded cache COLD_CACHE) while wrk sends random 256² GetMaps for SOAK seconds
# (600 by default); every 10 s it prints dallage's resident memory and the decoded cache's
# bytes (/metrics), then the peak against the configuration.
#
#   benches/soak.sh                        # 10 minutes, EPSG:3857
#   SOAK=60 SCENARIO=cold-5cm-2154 benches/soak.sh
# Everything binds to 127.0.0.1; the run is bounded by SOAK.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=peers.sh
source "$here/peers.sh"
SOAK=${SOAK:-600}
SCENARIO=${SCENARIO:-cold-5cm-3857}

metric() {
    curl -s "http://127.0.0.1:$DL_PORT/metrics" | awk -v name="$1" '$1 == name {print $2}'
}

main_soak() {
    DL_PID=""
    trap 'stop_pid "$DL_PID"' EXIT
    setup
    prepare_data
    local kind=${SCENARIO%%-*} urls=$work/soak.urls
    start_dallage "$kind"
    COLD_LAYER=$(cold_layer "$kind") python3 "$here/requests.py" "$SCENARIO" 20000 11 >"$urls"
    local path="/${DL_URL#http://*/}"
    URLS="$urls" wrk -t "$THREADS" -c "$CONNECTIONS" -d "${SOAK}s" --timeout 30s -s "$here/random_urls.lua" \
        "$DL_URL" -- "$path" >"$work/soak.wrk" 2>&1 &
    local load=$! elapsed=0 rss
    printf "%8s %12s %14s %10s %10s\n" seconds rss-MiB decoded-MiB windows blocks
    while kill -0 "$load" 2>/dev/null; do
        sleep 10
        elapsed=$((elapsed + 10))
        rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$DL_PID/status")
        printf "%8s %12s %14s %10s %10s\n" "$elapsed" "$rss" "$(($(metric dallage_decoded_cache_bytes) >> 20))" \
            "$(metric dallage_decoded_windows_total)" "$(metric dallage_decoded_blocks_total)"
    done
    wait "$load" || true
    grep -E "requests in|Non-2xx" "$work/soak.wrk" || true
    echo "peak RSS $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$DL_PID/status") MiB with decoded_cache_size = $COLD_CACHE"
}

main_soak "$@"
