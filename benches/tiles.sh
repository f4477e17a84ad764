#!/usr/bin/env bash
# Tiles side by side on loopback: dallage's tile cache, MapProxy (PyPI, under gunicorn, in
# front of the MapServer of peers.sh, file cache) and nginx serving dallage's cached tile files
# statically. Same WebMercatorQuad tiles over the demo JPEG 2000 block for all.
#
# 1. Cold generation: each tile of levels 19 and 20 asked once (4 at a time) from freshly
#    started servers with empty caches: tiles/s and server CPU per tile (MapProxy's figure
#    includes MapServer's CPU), and, for reference, the CPU GDAL and OpenJPEG alone need to
#    decode each dalle once at the resolution the finest tiles need.
# 2. Warm: wrk sends random tiles from the same list to each server for DURATION seconds:
#    requests/s, latency p50/p99, CPU per request.
#
#   benches/tiles.sh                       # DURATION=20 by default
# Everything binds to 127.0.0.1; every run is bounded in time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=peers.sh
source "$here/peers.sh"
JP2=demo-pcrs-metropole-de-lyon-orthophoto-5-cm-jpeg-2000
LEVELS=${LEVELS:-"19 20"}

setup_mapproxy() {
    local venv=$work/venv
    if [ ! -x "$venv/bin/gunicorn" ] || [ ! -x "$venv/bin/mapproxy-util" ]; then
        log "installing MapProxy and gunicorn from PyPI into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q mapproxy gunicorn
    fi
    command -v nginx >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
    command -v opj_decompress >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends libopenjp2-tools >/dev/null
}

start_mapproxy() {
    local dir=$work/mapproxy
    rm -rf "$dir" && mkdir -p "$dir"
    cat >"$dir/mapproxy.yaml" <<YAML
services:
  wmts:
    restful: true
    kvp: false
    restful_template: '/{Layer}/{TileMatrixSet}/{TileMatrix}/{TileCol}/{TileRow}.{Format}'
layers:
  - name: jp2
    title: JPEG 2000 mosaic
    sources: [jp2_cache]
caches:
  jp2_cache:
    grids: [webmercator]
    sources: [mapserver]
    format: image/jpeg
    meta_size: [4, 4]
    meta_buffer: 0
    cache:
      type: file
      directory: $dir/cache
sources:
  mapserver:
    type: wms
    req:
      url: $MS_URL
      layers: $JP2
      transparent: false
grids:
  webmercator:
    base: GLOBAL_WEBMERCATOR
    origin: nw
    num_levels: 23
globals:
  image:
    resampling_method: bilinear
    formats:
      image/jpeg:
        encoding_options:
          jpeg_quality: 85
YAML
    MP_PORT=$(free_port)
    # No subshell here: it would run this script's EXIT trap and stop MapServer.
    setsid "$work/venv/bin/gunicorn" --chdir "$dir" -w "$THREADS" --timeout 300 -b "127.0.0.1:$MP_PORT" \
        "mapproxy.wsgiapp:make_wsgi_app('$dir/mapproxy.yaml')" >"$dir/gunicorn.log" 2>&1 &
    MP_PID=$!
    wait_ready "http://127.0.0.1:$MP_PORT/wmts/1.0.0/WMTSCapabilities.xml" "MapProxy"
    MP_URL="http://127.0.0.1:$MP_PORT/"
}

start_nginx() {
    start_static "$work/nginx" "$work/data/tiles"
    NG_PID=$NGINX_PID
    sleep 0.5
    NG_URL="$NGINX_URL/"
}

# CPU ticks of several process trees.
ticks_of() {
    local total=0 pid
    for pid in "$@"; do total=$((total + $(tree_ticks "$pid"))); done
    echo "$total"
}

# Asks each tile once, 4 at a time over keep-alive connections (fetch_once.py; a curl process
# per tile would take a third of the cores from the faster server); prints "tiles seconds
# cpu_ms_per_tile errors". The CPU is that of every process tree named after the list
# (MapProxy and the MapServer behind it).
generate() {
    local base=$1 list=$2 before after seconds errors
    shift 2
    local hz
    hz=$(getconf CLK_TCK)
    before=$(ticks_of "$@")
    read -r seconds errors <<<"$(python3 "$here/fetch_once.py" "$base" "$list" 4)"
    after=$(ticks_of "$@")
    python3 -c "n=$(wc -l <"$list"); print(f'{n} {$seconds:.2f} {($after-$before)*1000/$hz/n:.2f} $errors')"
}

# decode_reference gdal|openjpeg: CPU that decoder needs to decode each dalle once, on one
# thread, at the JPEG 2000 resolution level the finest tiles of the list need (what a cold run
# cannot avoid): GDAL as dallage decodes whole blocks, or OpenJPEG's own opj_decompress (the
# decoder dallage's windows use, the fastest here: Grok 10 was slower, see the README).
decode_reference() {
    python3 - "$work/data/demo/ortho-jp2" "$(echo $LEVELS | tr ' ' '\n' | sort -n | tail -1)" "$1" "$work/once.raw" <<'PY'
import glob, math, os, resource, subprocess, sys
finest, decoder, scratch = int(sys.argv[2]), sys.argv[3], sys.argv[4]
ground = 2 * math.pi * 6378137 / 256 / 2 ** finest * math.cos(math.radians(45.82))
reduction = max(0, int(math.floor(math.log2(ground / 0.05))))
size = str(4000 >> reduction)
before = resource.getrusage(resource.RUSAGE_CHILDREN)
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.jp2"))):
    if decoder == "gdal":
        command = ["gdal_translate", "-q", "-of", "MEM", "-outsize", size, size, path, ""]
    else:
        command = ["opj_decompress", "-quiet", "-threads", "1", "-r", str(reduction), "-i", path, "-o", scratch]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, GDAL_PAM_ENABLED="NO", GDAL_NUM_THREADS="1"))
after = resource.getrusage(resource.RUSAGE_CHILDREN)
os.path.exists(scratch) and os.remove(scratch)
print(f"{(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime):.2f} {size}")
PY
}

main_tiles() {
    MS_PID="" DL_PID="" MP_PID="" NG_PID=""
    trap 'stop_pid "$MS_PID"; stop_pid "$DL_PID"; stop_pid "$MP_PID"; stop_pid "$NG_PID"' EXIT
    setup
    setup_mapproxy
    prepare_data
    rm -rf "$work/data/tiles"
    start_mapserver
    start_dallage
    start_mapproxy
    local tiles=$work/tiles.txt
    (cd "$here" && python3 tile_urls.py $LEVELS) >"$tiles"
    awk -v l="$JP2" '{print "tiles/" l "/" $1 "/" $2 "/" $3 ".jpg"}' "$tiles" >"$work/dallage.tiles"
    awk '{print "wmts/jp2/webmercator/" $1 "/" $2 "/" $3 ".jpeg"}' "$tiles" >"$work/mapproxy.tiles"
    awk -v l="$JP2" '{print l "/WebMercatorQuad/" $1 "/" $2 "/" $3 ".jpg"}' "$tiles" >"$work/nginx.tiles"
    log "$(wc -l <"$tiles") tiles at levels $LEVELS"

    printf "%-22s %7s %8s %8s %12s %7s\n" "cold generation" tiles seconds tiles/s cpu-ms/tile errors
    local name base pid n s cpu err requests rps p50 p99 per errors
    declare -A cold=()
    for name in dallage mapproxy; do
        if [ $name = dallage ]; then
            read -r n s cpu err <<<"$(generate "http://127.0.0.1:$DL_PORT/" "$work/$name.tiles" "$DL_PID")"
        else
            read -r n s cpu err <<<"$(generate "$MP_URL" "$work/$name.tiles" "$MP_PID" "$MS_PID")"
        fi
        cold[$name]=$cpu
        python3 -c "print(f'{\"$name\":<22} {$n:>7} {$s:>8} {$n/$s:>8.1f} {\"$cpu\":>12} {\"$err\":>7}')"
    done
    local reference size decoder
    for decoder in gdal openjpeg; do
        read -r reference size <<<"$(decode_reference $decoder)"
        python3 -c "n=$(wc -l <"$tiles"); print(f'{\"$decoder\":<8} decoding each dalle once at {$size}x{$size}: {$reference:.2f} s CPU = {$reference*1000/n:.2f} ms per tile of this list; dallage cold / that: {${cold[dallage]}/($reference*1000/n):.2f}')"
    done

    start_nginx
    printf "%-10s %-5s %9s %8s %8s %8s %10s %7s\n" server run requests req/s p50ms p99ms cpu-ms/req errors
    declare -A warm=()
    for name in dallage mapproxy nginx; do
        case $name in
            dallage) base="http://127.0.0.1:$DL_PORT/"; pid=$DL_PID ;;
            mapproxy) base=$MP_URL; pid=$MP_PID ;;
            nginx) base=$NG_URL; pid=$NG_PID ;;
        esac
        read -r requests rps p50 p99 per errors <<<"$(measure "$base" "$pid" "$work/$name.tiles")"
        warm[$name]=$rps
        printf "%-10s %-5s %9s %8s %8s %8s %10s %7s\n" "$name" warm "$requests" "$rps" "$p50" "$p99" "$per" "$errors"
    done
    python3 -c "print(f'cold CPU per tile: MapProxy+MapServer / dallage {${cold[mapproxy]}/${cold[dallage]}:.1f}x')"
    python3 -c "print(f'warm requests/s: dallage/MapProxy {${warm[dallage]}/${warm[mapproxy]}:.1f}x, dallage/nginx {${warm[dallage]}/${warm[nginx]}:.2f}')"
}

main_tiles "$@"
