#!/usr/bin/env bash
# Side-by-side load runs on loopback: MapServer 8 (FastCGI behind lighttpd, a TILEINDEX over
# the dalles), QGIS Server 3.22 (FastCGI behind lighttpd, a VRT over the dalles) and dallage
# serve the same deliverable; wrk sends all the same random WMS GetMap requests. For each
# scenario and server it prints requests/s, latency p50/p99 and the server's CPU milliseconds
# per request (utime+stime of the server's process tree over the run, divided by the requests
# served), then dallage's CPU as a fraction of MapServer's and of QGIS Server's.
#
# Each scenario runs twice per server, for DURATION seconds each: "cold" right after the
# server starts, "warm" straight after. MapServer keeps nothing between requests; QGIS Server
# and dallage keep decoded pixels, so their cold runs pay for decoding what the requests touch.
#
#   benches/peers.sh                      # every scenario
#   SCENARIOS="tif-5cm-2154" DURATION=10 benches/peers.sh
#
# The cold-* and cold16-* scenarios serve a deliverable far bigger than dallage's decoded cache
# (COLD_CACHE, 32 MiB), with COLD_COUNT (2 000) random requests over all of it: the regime of a
# user panning over a big deliverable. cold-*: COLD_DALLES (64) dalles of 4000² px, the demo's
# encoding; cold16-*: 16 dalles of 2000² px at QUALITY=25, cut from the demo's (the set issue 14
# was measured on). Both print the floor: the CPU OpenJPEG alone takes to decode a 256² window
# of those dalles (`dallage decode-floor`).
#
# Installs what it needs from Debian (mapserver-bin, cgi-mapserver, qgis-server-wms,
# python3-qgis, lighttpd, wrk, gdal-bin) and builds
# dallage in release mode. Everything binds to 127.0.0.1; every run is bounded in time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${BENCH_WORK:-$root/target/bench}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-4}
THREADS=${THREADS:-2}
COUNT=${COUNT:-400}
SCENARIOS=${SCENARIOS:-"cold-5cm-2154 cold-5cm-3857 cold16-5cm-2154 cold16-5cm-3857 jp2-5cm-2154 jp2-5cm-3857 jp2-80cm-2154 tif-5cm-2154 tif-5cm-3857"}
# The cold regime: COLD_DALLES real 4000² JPEG 2000 dalles (hard links of one, each placed by its
# world file) served with a decoded-block cache of COLD_CACHE, far smaller than they decode to,
# and random requests over all of them, so that almost none falls in a block already decoded.
export COLD_DALLES=${COLD_DALLES:-64}
COLD_CACHE=${COLD_CACHE:-"32 MiB"}
COLD_COUNT=${COLD_COUNT:-2000}
# Where dallage reads the cold sets from: file, and with COLD_SOURCES="file http sftp" also an
# nginx autoindex over them and the test harness's OpenSSH (tests/harness/servers.sh, started
# when not running): dallage's CPU per request from each, against the folder's.
COLD_SOURCES=${COLD_SOURCES:-file}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
export DEBIAN_FRONTEND=noninteractive

log() { echo "peers: $*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

setup() {
    local missing=""
    for package in mapserver-bin cgi-mapserver qgis-server-wms python3-qgis lighttpd wrk gdal-bin; do
        dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        log "installing$missing"
        $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
        $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing >/dev/null
    fi
    (cd "$root" && cargo build --release --quiet)
}

# The demo deliverable and a catalogue that serves it.
prepare_data() {
    mkdir -p "$work"
    cat >"$work/dallage.toml" <<EOF
[server]
listen = "127.0.0.1:0"
[catalog]
url = "sqlite://$work/data/catalog.db"
[data]
dir = "$work/data"
[cache]
decoded_cache_size = "${DECODED_CACHE:-1 GiB}"
[log]
level = "warn"
EOF
    "$root/target/release/dallage" --config "$work/dallage.toml" demo --no-serve >/dev/null 2>&1
    "$root/target/release/dallage" fixtures --many "$COLD_DALLES" "$work/cold"
    cut_cold16
    local set source
    for set in cold cold16; do
        # The folder's configuration always: the scenarios' first dallage reads the folder.
        for source in file $COLD_SOURCES; do
            cat >"$work/$set-$source.toml" <<EOF
[server]
listen = "127.0.0.1:0"
[catalog]
url = "sqlite://$work/$set-$source-data/catalog.db"
[data]
dir = "$work/$set-$source-data"
[cache]
decoded_cache_size = "$COLD_CACHE"
[log]
level = "warn"
EOF
        done
    done
}

# cut_cold16: 16 dalles of 2000² px (100 m at 5 cm) cut from four demo dalles and encoded as
# the demo's but at QUALITY=25, named by their upper-left corner.
cut_cold16() {
    [ "$(ls "$work/cold16"/*.jp2 2>/dev/null | wc -l)" = 16 ] && return
    mkdir -p "$work/cold16"
    local source name x y dx dy
    for source in 0846200-6526200 0846400-6526200 0846200-6526400 0846400-6526400; do
        x=$((10#${source%-*})) y=$((10#${source#*-}))
        for dx in 0 2000; do
            for dy in 0 2000; do
                name=$(printf "2024-%07d-%07d-LA93-0M05-RVB.jp2" $((x + dx / 20)) $((y - dy / 20)))
                gdal_translate -q -srcwin "$dx" "$dy" 2000 2000 -of JP2OpenJPEG -co QUALITY=25 \
                    -co REVERSIBLE=NO -co RESOLUTIONS=6 -co BLOCKXSIZE=1024 -co BLOCKYSIZE=1024 \
                    -co PROGRESSION=RPCL -co CODEBLOCK_WIDTH=64 -co CODEBLOCK_HEIGHT=64 -co YCC=YES \
                    -co GMLJP2=NO -co GeoJP2=YES \
                    "$work/data/demo/ortho-jp2/2024-$source-LA93-0M05-RVB.jp2" "$work/cold16/$name"
            done
        done
    done
}

start_mapserver() {
    local dir=$work/mapserver data=$work/data/demo
    mkdir -p "$dir/www"
    rm -f "$dir"/*.shp "$dir"/*.shx "$dir"/*.dbf "$dir"/*.prj
    gdaltindex "$dir/jp2.shp" "$data"/ortho-jp2/*.jp2 >/dev/null
    gdaltindex "$dir/tif.shp" "$data"/ortho-geotiff/*.tif >/dev/null
    rm -f "$dir"/cold.* "$dir"/cold16.*
    gdaltindex -t_srs EPSG:2154 "$dir/cold.shp" "$work"/cold/*/*.jp2 >/dev/null 2>&1
    gdaltindex -t_srs EPSG:2154 "$dir/cold16.shp" "$work"/cold16/*.jp2 >/dev/null 2>&1
    cat >"$dir/pcrs.map" <<EOF
MAP
  NAME "pcrs"
  EXTENT 846200 6525800 846800 6526400
  SIZE 256 256
  MAXSIZE 4096
  UNITS METERS
  PROJECTION "init=epsg:2154" END
  OUTPUTFORMAT NAME "jpeg" DRIVER AGG/JPEG MIMETYPE "image/jpeg" IMAGEMODE RGB EXTENSION "jpg" FORMATOPTION "QUALITY=85" END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGBA EXTENSION "png" END
  WEB
    METADATA
      "wms_title" "PCRS"
      "wms_onlineresource" "http://127.0.0.1/mapserv?"
      "wms_srs" "EPSG:2154 EPSG:3857 EPSG:4326"
      "wms_enable_request" "*"
    END
  END
  LAYER
    NAME "demo-pcrs-metropole-de-lyon-orthophoto-5-cm-jpeg-2000"
    TYPE RASTER
    STATUS ON
    TILEINDEX "$dir/jp2.shp"
    TILEITEM "location"
    PROJECTION "init=epsg:2154" END
    METADATA "wms_title" "JPEG 2000" END
  END
  LAYER
    NAME "cold"
    TYPE RASTER
    STATUS ON
    TILEINDEX "$dir/cold.shp"
    TILEITEM "location"
    PROJECTION "init=epsg:2154" END
    METADATA "wms_title" "cold" END
  END
  LAYER
    NAME "cold16"
    TYPE RASTER
    STATUS ON
    TILEINDEX "$dir/cold16.shp"
    TILEITEM "location"
    PROJECTION "init=epsg:2154" END
    METADATA "wms_title" "cold16" END
  END
  LAYER
    NAME "demo-pcrs-metropole-de-lyon-orthophoto-5-cm-geotiff"
    TYPE RASTER
    STATUS ON
    TILEINDEX "$dir/tif.shp"
    TILEITEM "location"
    PROJECTION "init=epsg:2154" END
    METADATA "wms_title" "GeoTIFF" END
  END
END
EOF
    # MapServer 8 wants a configuration file naming the map files it may open.
    cat >"$dir/mapserver.conf" <<EOF
CONFIG
  ENV
    MS_MAPFILE "$dir/pcrs.map"
    MS_MAP_PATTERN "^$dir/"
  END
END
EOF
    # A wrapper sets the variables in the FastCGI process itself (lighttpd's bin-environment
    # does not reach MapServer's start-up configuration loading).
    cat >"$dir/mapserv.sh" <<EOF
#!/bin/sh
export MAPSERVER_CONFIG_FILE="$dir/mapserver.conf" MS_MAPFILE="$dir/pcrs.map" GDAL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
exec /usr/lib/cgi-bin/mapserv
EOF
    chmod +x "$dir/mapserv.sh"
    start_fastcgi "$dir" mapserv "MapServer"
    MS_PID=$FCGI_PID MS_URL=$FCGI_URL
    local probe="$MS_URL?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=demo-pcrs-metropole-de-lyon-orthophoto-5-cm-geotiff&STYLES=&CRS=EPSG:2154&BBOX=846200,6525800,846212.8,6525812.8&WIDTH=256&HEIGHT=256&FORMAT=image/jpeg"
    if [ "$(curl -s -o /dev/null -w '%{content_type}' "$probe")" != "image/jpeg" ]; then
        log "MapServer does not render: $(curl -s "$probe" | head -c 400)"
        exit 1
    fi
}

# QGIS Server 3.22 (Debian, FastCGI behind lighttpd like MapServer) over a project holding one
# layer per set, each a VRT mosaic of its dalles, named as MapServer's layers are.
prepare_qgis() {
    local dir=$work/qgis data=$work/data/demo
    mkdir -p "$dir/www" "$dir/home"
    gdalbuildvrt -q -overwrite "$dir/jp2.vrt" "$data"/ortho-jp2/*.jp2
    gdalbuildvrt -q -overwrite "$dir/tif.vrt" "$data"/ortho-geotiff/*.tif
    gdalbuildvrt -q -overwrite -a_srs EPSG:2154 "$dir/cold.vrt" "$work"/cold/*/*.jp2
    gdalbuildvrt -q -overwrite -a_srs EPSG:2154 "$dir/cold16.vrt" "$work"/cold16/*.jp2
    /usr/bin/python3 "$here/qgis_project.py" "$dir/pcrs.qgs" \
        "demo-pcrs-metropole-de-lyon-orthophoto-5-cm-jpeg-2000=$dir/jp2.vrt" \
        "demo-pcrs-metropole-de-lyon-orthophoto-5-cm-geotiff=$dir/tif.vrt" \
        "cold=$dir/cold.vrt" "cold16=$dir/cold16.vrt" >"$dir/project.log" 2>&1 ||
        { log "QGIS project not written: $(tail -3 "$dir/project.log")"; exit 1; }
}

# start_qgis [PROJECT]: QGIS Server over PROJECT (the WMS one by default), started afresh for
# each scenario, as dallage is, so that its memory is that scenario's: QGIS
# keeps its datasets open between requests and, GDAL_CACHEMAX set to COLD_CACHE's size
# notwithstanding, keeps decoded pixels (its peak RSS is printed beside dallage's).
start_qgis() {
    local dir=$work/qgis cache_mb project=${1:-$work/qgis/pcrs.qgs}
    cache_mb=$(echo "$COLD_CACHE" | awk '{print $1}')
    cat >"$dir/qgis.sh" <<EOF
#!/bin/sh
export QGIS_PROJECT_FILE="$project" QT_QPA_PLATFORM=offscreen HOME="$dir/home" \\
    QGIS_SERVER_LOG_LEVEL=2 QGIS_SERVER_LOG_STDERR=1 QGIS_SERVER_PARALLEL_RENDERING=false \\
    GDAL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 GDAL_CACHEMAX=$cache_mb
exec /usr/lib/cgi-bin/qgis_mapserv.fcgi
EOF
    chmod +x "$dir/qgis.sh"
    start_fastcgi "$dir" qgis "QGIS Server"
    QG_PID=$FCGI_PID QG_URL=$FCGI_URL
}

# start_fastcgi DIR NAME LABEL: lighttpd on a free port running DIR/NAME.sh as THREADS FastCGI
# processes at /NAME; sets FCGI_PID (lighttpd, leading its process group) and FCGI_URL once
# it answers GetCapabilities.
start_fastcgi() {
    local dir=$1 name=$2 port
    port=$(free_port)
    cat >"$dir/lighttpd.conf" <<EOF
server.modules = ( "mod_fastcgi" )
server.document-root = "$dir/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/error.log"
fastcgi.server = ( "/$name" => ((
    "socket" => "$dir/$name-$$.sock",
    "bin-path" => "$dir/$name.sh",
    "max-procs" => $THREADS,
    "check-local" => "disable"
)) )
EOF
    [ "$(id -u)" = 0 ] && chmod -R a+rX "$work"
    setsid lighttpd -D -f "$dir/lighttpd.conf" >"$dir/stdout.log" 2>&1 &
    FCGI_PID=$!
    FCGI_URL="http://127.0.0.1:$port/$name"
    wait_ready "$FCGI_URL?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0" "$3"
}

# start_dallage [cold|cold16 [file|http|sftp]]: the demo catalogue, or a cold deliverable with
# its small cache, read from a folder or over a storage.
start_dallage() {
    DL_PORT=$(free_port)
    if [ -n "${1:-}" ]; then
        local source=${2:-file} url access=()
        case $source in
        file) url="file://$work/$1" ;;
        http) url="$SN_URL/$1/" ;;
        sftp)
            url="sftp://$DALLAGE_TEST_USER@127.0.0.1:$DALLAGE_TEST_SFTP_PORT$work/$1"
            access=(--password-env DALLAGE_TEST_PASSWORD)
            ;;
        esac
        setsid "$root/target/release/dallage" --config "$work/$1-$source.toml" serve --listen "127.0.0.1:$DL_PORT" \
            --crs 2154 "${access[@]}" "$url" >"$work/dallage.log" 2>&1 &
    else
        setsid "$root/target/release/dallage" --config "$work/dallage.toml" serve --listen "127.0.0.1:$DL_PORT" >"$work/dallage.log" 2>&1 &
    fi
    DL_PID=$!
    wait_ready "http://127.0.0.1:$DL_PORT/health" "dallage"
    DL_URL="http://127.0.0.1:$DL_PORT/wms"
}

# start_static DIR ROOT [DIRECTIVES]: nginx serving the files under ROOT on a free port,
# configured and logging in DIR; sets NGINX_PID (leading its process group) and NGINX_URL.
start_static() {
    local dir=$1 port
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/nginx.conf" <<CONF
worker_processes $THREADS;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    types { image/jpeg jpg; }
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    server { listen 127.0.0.1:$port; root $2; ${3:-} }
}
CONF
    setsid nginx -g 'daemon off;' -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    NGINX_PID=$!
    NGINX_URL="http://127.0.0.1:$port"
}

# The storages of COLD_SOURCES beyond the folder: an nginx autoindex over the bench's work
# folder (SN_URL), the test harness's SFTP server (its settings exported).
start_storages() {
    if [[ " $COLD_SOURCES " == *" http "* ]]; then
        command -v nginx >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
        start_static "$work/storage-nginx" "$work" "autoindex on;"
        SN_PID=$NGINX_PID SN_URL=$NGINX_URL
        wait_ready "$SN_URL/" "nginx (storage)"
    fi
    if [[ " $COLD_SOURCES " == *" sftp "* ]]; then
        local settings=$root/target/test-servers/env
        grep -q '^DALLAGE_TEST_SFTP_PORT=' "$settings" 2>/dev/null || "$root/tests/harness/servers.sh" start >/dev/null
        set -a
        # shellcheck disable=SC1090
        source "$settings"
        set +a
    fi
    [ "$(id -u)" = 0 ] && chmod -R a+rX "$work"
    return 0
}

# The slug of the deliverable dallage (on DL_PORT) serves from the folder named $1.
cold_layer() {
    curl -s "http://127.0.0.1:$DL_PORT/api/livrables" | KIND=$1 python3 -c 'import json,os,sys; print([l["slug"] for l in json.load(sys.stdin)["items"] if l["nom"] == os.environ["KIND"]][0])'
}

# Bytes dallage has read from storages so far (its /metrics).
storage_bytes() {
    curl -s "http://127.0.0.1:$DL_PORT/metrics" | awk '/^dallage_storage_read_bytes_total / {print $2}'
}

# remote_runs SCENARIO KIND: dallage cold and warm over each storage of COLD_SOURCES but the
# folder, from the same requests; CPU per request against the folder's (cpu[dallage-cold]),
# and storage bytes per cold request against the mean dalle size.
remote_runs() {
    local scenario=$1 kind=$2 source list requests rps p50 p99 per errors before after
    local dalle_bytes
    dalle_bytes=$(find -L "$work/$kind" -name '*.jp2' -printf '%s\n' | awk '{t += $1; n++} END {print int(t / n)}')
    for source in $COLD_SOURCES; do
        [ "$source" = file ] && continue
        stop_pid "$DL_PID"
        start_dallage "$kind" "$source"
        list=$work/$scenario.urls.$source
        sed "s/LAYERS=$kind/LAYERS=$(cold_layer "$kind")/" "$work/$scenario.urls.mapserver" >"$list"
        for run in cold warm; do
            before=$(storage_bytes)
            read -r requests rps p50 p99 per errors <<<"$(measure "$DL_URL" "$DL_PID" "$list")"
            after=$(storage_bytes)
            printf "%-14s %-9s %-5s %9s %8s %8s %8s %10s %7s\n" "$scenario" "dl-$source" "$run" "$requests" "$rps" "$p50" "$p99" "$per" "$errors"
            if [ $run = cold ]; then
                python3 -c "r=$per/${cpu[dallage-cold]}; b=($after-$before)/$requests; print(f'{\"$scenario\":<14} $source      dallage over $source / from the folder, cold CPU per request: {r:.2f}; {b/1024:.0f} KiB read per request (a dalle: {$dalle_bytes/1024:.0f} KiB)')"
            fi
        done
    done
}

# Servers start with setsid, so each leads its own process group: stop the whole group
# (lighttpd leaves its FastCGI children behind otherwise).
stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
}

# The peak resident memory of a process's children (FastCGI workers), summed.
peak_rss_of_children() {
    local total=0 child
    for child in $(pgrep -P "$1"); do
        total=$((total + $(awk '/VmHWM/ {print $2}' "/proc/$child/status" 2>/dev/null || echo 0)))
    done
    echo "$((total / 1024)) MiB"
}

wait_ready() {
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.1
    done
    log "$2 did not answer at $1"
    exit 1
}

# serve_catalogue CONFIG PORT LOG: `dallage serve` (release) with CONFIG on 127.0.0.1:PORT, in
# its own process group; sets SERVED_PID once it answers.
serve_catalogue() {
    setsid "$root/target/release/dallage" --config "$1" serve --listen "127.0.0.1:$2" >>"$3" 2>&1 &
    SERVED_PID=$!
    wait_ready "http://127.0.0.1:$2/health" "dallage"
}

# median_ms URL [DECIMALS]: the median of RUNS (7) request times, in ms; a failed request
# stops the bench.
median_ms() {
    local times=()
    for _ in $(seq 1 "${RUNS:-7}"); do
        times+=("$(curl -sf --max-time 60 -o /dev/null -w '%{time_total}' "$1")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((${RUNS:-7} + 1) / 2))p" |
        python3 -c "import sys; print(f'{float(sys.stdin.read()) * 1000:.${2:-0}f}')"
}

# CPU clock ticks of a process and its descendants.
tree_ticks() {
    python3 - "$1" <<'PY'
import os, sys
root = int(sys.argv[1])
children, ticks = {}, {}
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    pid = int(entry)
    children.setdefault(int(fields[1]), []).append(pid)
    ticks[pid] = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
total, stack = 0, [root]
while stack:
    pid = stack.pop()
    total += ticks.get(pid, 0)
    stack.extend(children.get(pid, []))
print(total)
PY
}

# One wrk run: prints "requests rps p50_ms p99_ms cpu_ms_per_request errors".
measure() {
    local url=$1 pid=$2 urls=$3 before after output
    local hz path="/${url#http://*/}"
    hz=$(getconf CLK_TCK)
    before=$(tree_ticks "$pid")
    output=$(URLS="$urls" wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 30s --latency -s "$here/random_urls.lua" "$url" -- "$path")
    after=$(tree_ticks "$pid")
    python3 - "$before" "$after" "$hz" <<PY
import re, sys
text = """$output"""
before, after, hz = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def ms(label):
    m = re.search(label + r"%\s+([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = int(errors.group(1)) if errors else 0
cpu = (after - before) * 1000.0 / hz / max(requests, 1)
print(f"{requests} {rps:.1f} {ms('50'):.1f} {ms('99'):.1f} {cpu:.2f} {errors}")
PY
}

# Both servers must draw the same picture, or the comparison means nothing: the band means of
# their answers to one request agree within 3 (MapServer resamples nearest, dallage bilinear).
same_picture() {
    local ms_path=$1 dl_path=${2:-$1} other=${3:-$DL_URL} means=()
    for server in "$MS_URL$ms_path" "$other$dl_path"; do
        curl -sf -o "$work/check.jpg" "$server"
        means+=("$(GDAL_PAM_ENABLED=NO gdalinfo -stats "$work/check.jpg" | awk -F'Mean=' '/STATISTICS_MEAN|Mean=/ && $2 {split($2, a, ","); printf "%s ", a[1]}')")
    done
    python3 - "${means[0]}" "${means[1]}" <<'PY'
import sys
a, b = ([float(v) for v in m.split()] for m in sys.argv[1:3])
if not a or len(a) != len(b) or max(abs(x - y) for x, y in zip(a, b)) > 3:
    sys.exit(f"peers: MapServer and dallage draw different pictures: band means {a} vs {b}")
print(f"peers: same picture from both (band means {a} vs {b})", file=sys.stderr)
PY
}

main() {
    MS_PID="" DL_PID="" QG_PID="" SN_PID=""
    trap 'stop_pid "$MS_PID"; stop_pid "$DL_PID"; stop_pid "$QG_PID"; stop_pid "$SN_PID"' EXIT
    setup
    prepare_data
    start_mapserver
    prepare_qgis
    start_storages
    printf "%-14s %-9s %-5s %9s %8s %8s %8s %10s %7s\n" scenario server run requests req/s p50ms p99ms cpu-ms/req errors
    for scenario in $SCENARIOS; do
        local urls=$work/$scenario.urls kind=""
        [[ $scenario == cold* ]] && kind=${scenario%%-*}
        start_dallage $kind
        start_qgis
        if [ -n "$kind" ]; then
            # The deliverable served from a URL is named after the folder; MapServer's layer
            # is named after it too: both names go into the request list.
            COLD_LAYER=$(cold_layer "$kind")
            COLD_LAYER=$COLD_LAYER python3 "$here/requests.py" "$scenario" "$COLD_COUNT" 7 >"$urls"
            sed "s/LAYERS=$COLD_LAYER/LAYERS=$kind/" "$urls" >"$urls.mapserver"
        else
            python3 "$here/requests.py" "$scenario" "$COUNT" 7 >"$urls"
            cp "$urls" "$urls.mapserver"
        fi
        same_picture "$(head -1 "$urls.mapserver")" "$(head -1 "$urls")"
        same_picture "$(head -1 "$urls.mapserver")" "$(head -1 "$urls.mapserver")" "$QG_URL"
        declare -A cpu=()
        for server in mapserver qgis dallage; do
            local url pid
            local list=$urls.mapserver
            case $server in
            mapserver) url=$MS_URL pid=$MS_PID ;;
            qgis) url=$QG_URL pid=$QG_PID ;;
            *) url=$DL_URL pid=$DL_PID list=$urls ;;
            esac
            for run in cold warm; do
                read -r requests rps p50 p99 per errors <<<"$(measure "$url" "$pid" "$list")"
                cpu[$server-$run]=$per
                printf "%-14s %-9s %-5s %9s %8s %8s %8s %10s %7s\n" "$scenario" "$server" "$run" "$requests" "$rps" "$p50" "$p99" "$per" "$errors"
            done
        done
        local rss qgis_rss
        rss=$(awk '/VmHWM/ {print $2/1024 " MiB"}' /proc/$DL_PID/status)
        qgis_rss=$(peak_rss_of_children "$QG_PID")
        python3 -c "c=${cpu[dallage-cold]}/${cpu[mapserver-cold]}; w=${cpu[dallage-warm]}/${cpu[mapserver-warm]}; print(f'{\"$scenario\":<14} ratio     dallage/MapServer CPU per request: cold {c:.3f} (1/{1/c:.0f}), warm {w:.3f} (1/{1/w:.0f}); dallage peak RSS $rss')"
        python3 -c "c=${cpu[dallage-cold]}/${cpu[qgis-cold]}; w=${cpu[dallage-warm]}/${cpu[qgis-warm]}; print(f'{\"$scenario\":<14} ratio     dallage/QGIS Server CPU per request: cold {c:.3f}, warm {w:.3f}; QGIS peak RSS $qgis_rss')"
        if [ -n "$kind" ]; then
            local floor
            floor=$("$root/target/release/dallage" decode-floor "$work/$kind" --count 200 | awk '{print $(NF-3)}')
            python3 -c "f=$floor; print(f'{\"$scenario\":<14} floor     OpenJPEG alone decodes a 256² window in {f:.1f} ms CPU; dallage cold / floor: {${cpu[dallage-cold]}/f:.2f}, warm / floor: {${cpu[dallage-warm]}/f:.2f}')"
            remote_runs "$scenario" "$kind"
        fi
        stop_pid "$DL_PID"
        stop_pid "$QG_PID"
        DL_PID="" QG_PID=""
    done
}

# Sourced by benches/tiles.sh for its functions; run on its own, it runs the WMS comparison.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
