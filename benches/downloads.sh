#!/usr/bin/env bash
# Bulk downloads on loopback, dallage against curl fetching the same files straight from nginx:
#   - throughput: a deliverable of BIG copies of a 6 MB JPEG 2000 dalle, fetched file by file by
#     curl from nginx, then as one ZIP from dallage (reading them from the same nginx); MB/s of
#     each and dallage's share, and dallage's CPU per GB;
#   - memory: CONCURRENT ZIP downloads of it at once, dallage's resident memory before and at
#     its peak (VmHWM), so the memory each download adds;
#   - time to first byte of the ZIP of SMALL tiny GeoTIFF dalles (1 000 by default);
#   - throughput from FTP: the same BIG dalles served by a private vsftpd, fetched file by file
#     by curl, then as one ZIP from a second dallage reading them from that vsftpd.
#
#   benches/downloads.sh
#   BIG=20 SMALL=300 benches/downloads.sh
#
# Reuses benches/peers.sh (nginx, ports, CPU accounting). Everything binds to 127.0.0.1; every
# run is bounded (curl --max-time).
set -euo pipefail

benches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=benches/peers.sh
source "$benches/peers.sh"
# shellcheck source=benches/vsftpd.sh
source "$benches/vsftpd.sh"
BIG=${BIG:-40}
SMALL=${SMALL:-1000}
CONCURRENT=${CONCURRENT:-8}
KEY=bench-admin-key-0123456789
data=$work/downloads

prepare_downloads() {
    local fixture=$root/target/test-fixtures/scanner/ortho/2024-0846200-6526400-LA93-0M05-RVB.jp2
    [ -f "$fixture" ] || "$root/tests/harness/servers.sh" start >/dev/null
    mkdir -p "$data/big" "$data/small"
    if [ "$(find "$data/big" -name '*.jp2' | wc -l)" != "$BIG" ]; then
        rm -f "$data/big"/*
        for i in $(seq 1 "$BIG"); do cp "$fixture" "$data/big/dalle-$i.jp2"; done
    fi
    if [ "$(find "$data/small" -name '*.tif' | wc -l)" != "$SMALL" ]; then
        rm -f "$data/small"/*
        log "making $SMALL small dalles"
        for i in $(seq 0 $((SMALL - 1))); do
            local x=$((846000 + (i % 40) * 200)) y=$((6526000 - (i / 40) * 200))
            gdal_create -q -of GTiff -outsize 8 8 -bands 3 -burn 128 -a_srs EPSG:2154 \
                -a_ullr "$x" "$y" $((x + 200)) $((y - 200)) "$data/small/$x-$y.tif"
        done
    fi
    [ "$(id -u)" = 0 ] && chmod -R a+rX "$data"
    return 0
}

start_dallage_downloads() {
    cat >"$data/dallage.toml" <<EOF
[data]
dir = "$data/dallage-data"
[catalog]
url = "sqlite://$data/dallage-data/catalog.db"
[limits]
max_downloads_per_client = $CONCURRENT
max_downloads_per_storage = $CONCURRENT
[[security.api_keys]]
name = "bench"
role = "admin"
key = "$KEY"
EOF
    rm -rf "$data/dallage-data"
    DL_PORT=$(free_port)
    setsid "$root/target/release/dallage" --config "$data/dallage.toml" serve --listen "127.0.0.1:$DL_PORT" \
        --crs 2154 "$NGINX_URL/big/" "$NGINX_URL/small/" >"$data/dallage.log" 2>&1 &
    DL_PID=$!
    wait_ready "http://127.0.0.1:$DL_PORT/health" "dallage"
    DL_BASE="http://127.0.0.1:$DL_PORT"
}

slug_of() {
    curl -s "$DL_BASE/api/livrables?limit=50" |
        python3 -c "import json,sys; print([l['slug'] for l in json.load(sys.stdin)['items'] if l['slug'].endswith('$1')][0])"
}

rss_kib() { awk "/$2/ {print \$2}" "/proc/$1/status"; }

# A private vsftpd over $data on FTP_PORT, the test harness's user logging in (plain FTP).
start_vsftpd_bench() {
    FTP_PORT=$(free_port)
    mkdir -p "$data/vsftpd/empty"
    vsftpd_conf "$FTP_PORT" "$data" 46200 "$data/vsftpd/empty" >"$data/vsftpd/vsftpd.conf"
    setsid vsftpd "$data/vsftpd/vsftpd.conf" >"$data/vsftpd/stdout.log" 2>&1 &
    FTP_PID=$!
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$FTP_PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    log "vsftpd did not start"
    exit 1
}

# The same BIG dalles from vsftpd: curl file by file, then a second dallage's ZIP of them.
ftp_throughput() {
    if [ "$(id -u)" != 0 ] || ! command -v vsftpd >/dev/null; then
        log "FTP part skipped: it needs root and vsftpd"
        return 0
    fi
    local env=$root/target/test-servers/env user password
    [ -f "$env" ] || "$root/tests/harness/servers.sh" start >/dev/null
    user=$(grep '^DALLAGE_TEST_USER=' "$env" | cut -d= -f2)
    password=$(grep '^DALLAGE_TEST_PASSWORD=' "$env" | cut -d= -f2)
    start_vsftpd_bench
    local bytes started ended direct zipped before after port got slug
    bytes=$(du -cb "$data"/big/*.jp2 | tail -1 | cut -f1)
    started=$(date +%s.%N)
    for file in "$data"/big/*.jp2; do
        curl -sf --max-time 60 --user "$user:$password" -o /dev/null "ftp://127.0.0.1:$FTP_PORT/big/$(basename "$file")"
    done
    ended=$(date +%s.%N)
    direct=$(python3 -c "print(f'{$bytes / ($ended - $started) / 1e6:.0f}')")
    sed -e "s#$data/dallage-data#$data/dallage-ftp#g" "$data/dallage.toml" >"$data/dallage-ftp.toml"
    rm -rf "$data/dallage-ftp"
    port=$(free_port)
    BENCH_FTP_PASSWORD=$password setsid "$root/target/release/dallage" --config "$data/dallage-ftp.toml" serve \
        --listen "127.0.0.1:$port" --crs 2154 --password-env BENCH_FTP_PASSWORD \
        "ftp://$user@127.0.0.1:$FTP_PORT/big/" >"$data/dallage-ftp.log" 2>&1 &
    DL_FTP_PID=$!
    wait_ready "http://127.0.0.1:$port/health" "dallage (FTP)"
    slug=$(DL_BASE="http://127.0.0.1:$port" slug_of big)
    before=$(tree_ticks "$DL_FTP_PID")
    started=$(date +%s.%N)
    got=$(curl -sf --max-time 600 -H "X-API-Key: $KEY" -o /dev/null -w '%{size_download}' \
        "http://127.0.0.1:$port/download/zip?livrable=$slug")
    ended=$(date +%s.%N)
    after=$(tree_ticks "$DL_FTP_PID")
    [ "$got" -gt "$bytes" ] || { log "the FTP ZIP holds $got bytes, less than the $bytes of its dalles"; exit 1; }
    zipped=$(python3 -c "print(f'{$bytes / ($ended - $started) / 1e6:.0f}')")
    python3 -c "print(f'throughput from FTP: {$BIG} dalles, {$bytes / 1e6:.0f} MB: curl from vsftpd $direct MB/s, dallage ZIP from vsftpd $zipped MB/s ({$zipped / $direct * 100:.0f} %), dallage CPU {($after - $before) * 1000 / $(getconf CLK_TCK) / ($bytes / 1e9):.0f} ms per GB')"
}

main_downloads() {
    NGINX_PID="" DL_PID="" FTP_PID="" DL_FTP_PID=""
    trap 'stop_pid "$DL_PID"; stop_pid "$NGINX_PID"; stop_pid "$DL_FTP_PID"; stop_pid "$FTP_PID"' EXIT
    setup
    prepare_downloads
    start_static "$data/nginx" "$data" "autoindex on;"
    wait_ready "$NGINX_URL/" "nginx"
    start_dallage_downloads
    local big small bytes started ended direct zipped before after
    big=$(slug_of big) small=$(slug_of small)
    bytes=$(du -cb "$data"/big/*.jp2 | tail -1 | cut -f1)
    # Throughput: every file straight from nginx, one after the other, then the one ZIP.
    started=$(date +%s.%N)
    for file in "$data"/big/*.jp2; do
        curl -sf --max-time 60 -o /dev/null "$NGINX_URL/big/$(basename "$file")"
    done
    ended=$(date +%s.%N)
    direct=$(python3 -c "print(f'{$bytes / ($ended - $started) / 1e6:.0f}')")
    before=$(tree_ticks "$DL_PID")
    started=$(date +%s.%N)
    local got
    got=$(curl -sf --max-time 600 -H "X-API-Key: $KEY" -o /dev/null -w '%{size_download}' "$DL_BASE/download/zip?livrable=$big")
    ended=$(date +%s.%N)
    [ "$got" -gt "$bytes" ] || { log "the ZIP holds $got bytes, less than the $bytes of its dalles"; exit 1; }
    after=$(tree_ticks "$DL_PID")
    zipped=$(python3 -c "print(f'{$bytes / ($ended - $started) / 1e6:.0f}')")
    python3 -c "print(f'throughput: {$BIG} dalles, {$bytes / 1e6:.0f} MB: curl from nginx $direct MB/s, dallage ZIP from nginx $zipped MB/s ({$zipped / $direct * 100:.0f} %), dallage CPU {($after - $before) * 1000 / $(getconf CLK_TCK) / ($bytes / 1e9):.0f} ms per GB')"
    # Memory: CONCURRENT ZIPs at once.
    local rss_before peak
    rss_before=$(rss_kib "$DL_PID" VmRSS)
    local pids=() failed=0
    for _ in $(seq 1 "$CONCURRENT"); do
        curl -sf --max-time 600 -H "X-API-Key: $KEY" -o /dev/null "$DL_BASE/download/zip?livrable=$big" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
    [ "$failed" = 0 ] || log "$failed of the $CONCURRENT downloads failed"
    peak=$(rss_kib "$DL_PID" VmHWM)
    python3 -c "print(f'memory: {$CONCURRENT} ZIPs at once: resident {$rss_before / 1024:.0f} MiB before, peak {$peak / 1024:.0f} MiB: {($peak - $rss_before) / 1024 / $CONCURRENT:.1f} MiB added per download')"
    # Time to first byte of the ZIP of SMALL dalles (preview first, so the catalogue is warm).
    curl -sf --max-time 60 -H "X-API-Key: $KEY" -o /dev/null "$DL_BASE/api/downloads/preview?livrable=$small"
    local ttfb
    ttfb=$(curl -sf --max-time 600 -H "X-API-Key: $KEY" -o /dev/null -w '%{time_starttransfer}' "$DL_BASE/download/zip?livrable=$small")
    python3 -c "print(f'time to first byte: ZIP of {$SMALL} dalles: {$ttfb * 1000:.0f} ms')"
    ftp_throughput
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main_downloads "$@"
fi
