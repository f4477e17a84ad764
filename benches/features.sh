#!/usr/bin/env bash
# Feature pages side by side on loopback: dallage (OGC API Features, and WFS 2.0.0 as
# "dallage-wfs"), QGIS Server 3.22 (WFS
# 1.1.0, FastCGI behind lighttpd), MapServer 8 (WFS 2.0.0, OGR GeoJSON output, FastCGI behind
# lighttpd) and, when it installs, pygeoapi (OGC API Features over its OGR provider, gunicorn)
# serve one generated GeoPackage of FEATURES points and FEATURES lines (benches/features_data.py).
# wrk sends each the same BOXES random boxes, each holding about 1 000 features, asking for one
# GeoJSON page of up to 1 000 features in CRS:84 (EPSG:4326). For each layer and server it
# prints requests/s, latency p50/p99, the server's CPU milliseconds per request (utime+stime of
# its process tree over the run, divided by the requests served) and the features in the first
# answer (they must agree), then each peer's CPU per request over dallage's.
#
#   benches/features.sh
#   FEATURES=20000 DURATION=5 benches/features.sh
#
# Reuses benches/peers.sh's functions (servers, wrk runs, CPU accounting). Installs what it
# needs from Debian (with qgis-server-wfs) and pygeoapi from PyPI into target/bench; builds dallage in release mode.
# Everything binds to 127.0.0.1; every run is bounded in time.
set -euo pipefail

benches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=benches/peers.sh
source "$benches/peers.sh"
here=$benches root=$(cd "$benches/.." && pwd)
work=${BENCH_WORK:-$root/target/bench}/features
FEATURES=${FEATURES:-100000}
BOXES=${BOXES:-200}
DURATION=${DURATION:-10}
PYGEOAPI_VENV=$root/target/bench/pygeoapi-venv

prepare() {
    local missing=""
    for package in qgis-server-wfs qgis-server-wfs3; do
        dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $package"
    done
    [ -z "$missing" ] || $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing >/dev/null
    mkdir -p "$work/data"
    [ -s "$work/data/features.gpkg" ] || /usr/bin/python3 "$here/features_data.py" "$work/data/features.gpkg" "$FEATURES"
    # Boxes of an eleventh of the square's side: about 830 of 100 000 features, so that no
    # server stops at the 1 000 of a page and all return the same features.
    python3 - "$BOXES" >"$work/boxes.txt" <<'PY'
import random, sys
random.seed(7)
west, south, side = 840_000.0, 6_520_000.0, 10_000.0
for _ in range(int(sys.argv[1])):
    x, y = west + random.random() * side * 10 / 11, south + random.random() * side * 10 / 11
    print(f"{x:.2f} {y:.2f} {x + side / 11:.2f} {y + side / 11:.2f}")
PY
    # The same boxes in CRS:84: the envelope of each Lambert-93 square's four corners (a
    # little more than the square: dallage's pages are the fuller ones).
    gdaltransform -s_srs EPSG:2154 -t_srs OGC:CRS84 -output_xy \
        < <(awk '{print $1, $2; print $3, $2; print $3, $4; print $1, $4}' "$work/boxes.txt") | paste -d' ' - - - - |
        awk '{w = $1; e = $1; s = $2; n = $2
              for (i = 3; i <= 7; i += 2) { if ($i < w) w = $i; if ($i > e) e = $i }
              for (i = 4; i <= 8; i += 2) { if ($i < s) s = $i; if ($i > n) n = $i }
              printf "%.9f %.9f %.9f %.9f\n", w, s, e, n}' >"$work/boxes84.txt"
}

start_dallage_features() {
    cat >"$work/dallage.toml" <<EOF
[data]
dir = "$work/dallage-data"
[catalog]
url = "sqlite://$work/dallage-data/catalog.db"
${DL_EXTRA_CONFIG:-}
EOF
    rm -rf "$work/dallage-data"
    DL_PORT=$(free_port)
    setsid "$root/target/release/dallage" --config "$work/dallage.toml" serve --listen "127.0.0.1:$DL_PORT" \
        --crs 2154 "file://$work/data/" >"$work/dallage.log" 2>&1 &
    DL_PID=$!
    wait_ready "http://127.0.0.1:$DL_PORT/health" "dallage"
    DL_BASE="http://127.0.0.1:$DL_PORT/ogcapi/collections"
    DL_WFS="http://127.0.0.1:$DL_PORT/wfs"
    DL_PREFIX=$(curl -s "$DL_BASE" | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["collections"] if c["id"].endswith("-points")][0][:-len("-points")])')
}

start_mapserver_features() {
    local dir=$work/mapserver
    mkdir -p "$dir/www"
    cat >"$dir/features.map" <<EOF
MAP
  NAME "features"
  EXTENT 840000 6520000 850000 6530000
  UNITS METERS
  PROJECTION "init=epsg:2154" END
  SYMBOL NAME "disc" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END
  OUTPUTFORMAT NAME "png" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGBA TRANSPARENT ON EXTENSION "png" END
  OUTPUTFORMAT NAME "geojson" DRIVER "OGR/GEOJSON" MIMETYPE "application/json; subtype=geojson"
    FORMATOPTION "STORAGE=stream" FORMATOPTION "FORM=SIMPLE" FORMATOPTION "LCO:COORDINATE_PRECISION=9" END
  WEB
    METADATA
      "wfs_title" "features" "wfs_onlineresource" "http://127.0.0.1/mapserv?" "wfs_srs" "EPSG:2154 EPSG:4326"
      "wfs_enable_request" "*" "wfs_getfeature_formatlist" "geojson" "wms_enable_request" "*"
      "wms_title" "features" "wms_srs" "EPSG:2154" "wms_onlineresource" "http://127.0.0.1/mapserv?"
    END
  END
EOF
    for layer in points lines; do
        local type=POINT
        [ $layer = lines ] && type=LINE
        cat >>"$dir/features.map" <<EOF
  LAYER
    NAME "$layer" TYPE $type STATUS ON TEMPLATE "none"
    CONNECTIONTYPE OGR CONNECTION "$work/data/features.gpkg" DATA "$layer"
    PROJECTION "init=epsg:2154" END
    METADATA "wfs_title" "$layer" "gml_include_items" "all" "gml_featureid" "fid" END
    # Drawn as dallage's generic style draws a class no SLD names (benches/vector_maps.sh):
    # 1 px #333333 lines, 5 px #666666 discs.
    CLASS STYLE COLOR 51 51 51 WIDTH 1 SYMBOL "disc" SIZE 5 END END
  END
EOF
    done
    echo "END" >>"$dir/features.map"
    cat >"$dir/mapserver.conf" <<EOF
CONFIG
  ENV
    MS_MAPFILE "$dir/features.map"
    MS_MAP_PATTERN "^$dir/"
  END
END
EOF
    cat >"$dir/mapserv.sh" <<EOF
#!/bin/sh
export MAPSERVER_CONFIG_FILE="$dir/mapserver.conf" MS_MAPFILE="$dir/features.map" OPENBLAS_NUM_THREADS=1
exec /usr/lib/cgi-bin/mapserv
EOF
    chmod +x "$dir/mapserv.sh"
    start_fastcgi "$dir" mapserv "MapServer"
    MS_PID=$FCGI_PID MS_URL=$FCGI_URL
}

start_qgis_features() {
    local dir=$work/qgis
    mkdir -p "$dir/www" "$dir/home"
    /usr/bin/python3 "$here/qgis_project.py" "$dir/features.qgs" \
        "points=$work/data/features.gpkg|layername=points" "lines=$work/data/features.gpkg|layername=lines" \
        >"$dir/project.log" 2>&1 || { log "QGIS project not written: $(tail -3 "$dir/project.log")"; exit 1; }
    start_qgis "$dir/features.qgs"
}

# pygeoapi from PyPI in its own virtual environment, behind gunicorn (THREADS workers); left
# out, with the reason, when it cannot be installed.
start_pygeoapi() {
    local dir=$work/pygeoapi port
    mkdir -p "$dir"
    if [ ! -x "$PYGEOAPI_VENV/bin/gunicorn" ]; then
        /usr/bin/python3 -m venv --system-site-packages "$PYGEOAPI_VENV" &&
            "$PYGEOAPI_VENV/bin/pip" install -q --disable-pip-version-check pygeoapi gunicorn >"$dir/pip.log" 2>&1 ||
            { log "pygeoapi not installed, left out: $(tail -2 "$dir/pip.log")"; return 1; }
    fi
    port=$(free_port)
    cat >"$dir/config.yml" <<EOF
server:
  bind: {host: 127.0.0.1, port: $port}
  url: http://127.0.0.1:$port
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {default_items: 10, max_items: 10000}
  map: {url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: OSM}
logging: {level: ERROR}
metadata:
  identification: {title: bench, description: bench, keywords: [bench], terms_of_service: none, url: http://127.0.0.1}
  license: {name: none, url: "http://127.0.0.1"}
  provider: {name: bench, url: "http://127.0.0.1"}
  contact: {name: bench, url: "http://127.0.0.1", email: bench@example.org}
resources:
EOF
    for layer in points lines; do
        cat >>"$dir/config.yml" <<EOF
  $layer:
    type: collection
    title: $layer
    description: $layer
    keywords: [$layer]
    extents: {spatial: {bbox: [-180, -90, 180, 90], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}
    providers:
      - type: feature
        name: OGR
        data: {source_type: GPKG, source: $work/data/features.gpkg, source_capabilities: {paging: true}}
        id_field: idObjet
        layer: $layer
        storage_crs: http://www.opengis.net/def/crs/EPSG/0/2154
        crs: [http://www.opengis.net/def/crs/OGC/1.3/CRS84]
EOF
    done
    (cd "$dir" && PYGEOAPI_CONFIG="$dir/config.yml" PYGEOAPI_OPENAPI="$dir/openapi.yml" \
        "$PYGEOAPI_VENV/bin/pygeoapi" openapi generate "$dir/config.yml" --output-file "$dir/openapi.yml" >"$dir/openapi.log" 2>&1) ||
        { log "pygeoapi left out: $(tail -2 "$dir/openapi.log")"; return 1; }
    PROJ_DATA=/usr/share/proj PYGEOAPI_CONFIG="$dir/config.yml" PYGEOAPI_OPENAPI="$dir/openapi.yml" setsid "$PYGEOAPI_VENV/bin/gunicorn" \
        -w "$THREADS" -b "127.0.0.1:$port" pygeoapi.flask_app:APP >"$dir/gunicorn.log" 2>&1 &
    PG_PID=$!
    PG_URL="http://127.0.0.1:$port/collections"
    wait_ready "$PG_URL" "pygeoapi"
}

# url_list SERVER LAYER: the query strings of the BOXES requests (appended to the server's path).
url_list() {
    local server=$1 layer=$2
    case $server in
    dallage | pygeoapi)
        awk -v layer="$layer" '{printf "/%s/items?limit=1000&bbox=%s,%s,%s,%s\n", layer, $1, $2, $3, $4}' "$work/boxes84.txt" ;;
    dallage-wfs)
        awk -v layer="$layer" '{printf "?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=dallage:%s&OUTPUTFORMAT=application/json&COUNT=1000&BBOX=%s,%s,%s,%s,urn:ogc:def:crs:EPSG::2154\n", layer, $1, $2, $3, $4}' "$work/boxes.txt" ;;
    qgis)
        awk -v layer="$layer" '{printf "?SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=%s&OUTPUTFORMAT=application/vnd.geo%%2Bjson&MAXFEATURES=1000&SRSNAME=EPSG:4326&BBOX=%s,%s,%s,%s,EPSG:2154\n", layer, $1, $2, $3, $4}' "$work/boxes.txt" ;;
    mapserver)
        awk -v layer="$layer" '{printf "?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=%s&OUTPUTFORMAT=geojson&COUNT=1000&SRSNAME=urn:ogc:def:crs:EPSG::4326&BBOX=%s,%s,%s,%s,urn:ogc:def:crs:EPSG::2154\n", layer, $1, $2, $3, $4}' "$work/boxes.txt" ;;
    esac
}

# The features in the answer to the first request of a list.
first_count() {
    curl -s "$1$(head -1 "$2")" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("features", [])))' 2>/dev/null || echo "?"
}

main_features() {
    MS_PID="" DL_PID="" QG_PID="" PG_PID=""
    trap 'stop_pid "$MS_PID"; stop_pid "$DL_PID"; stop_pid "$QG_PID"; stop_pid "$PG_PID"' EXIT
    setup
    prepare
    start_dallage_features
    start_mapserver_features
    start_qgis_features
    local servers="dallage dallage-wfs qgis mapserver"
    start_pygeoapi && servers="$servers pygeoapi"
    printf "%-7s %-10s %9s %8s %8s %8s %10s %7s %9s\n" layer server requests req/s p50ms p99ms cpu-ms/req errors features
    for layer in points lines; do
        declare -A cpu=()
        for server in $servers; do
            local url pid list=$work/$server-$layer.urls name=$layer
            case $server in
            dallage) url=$DL_BASE pid=$DL_PID name=$DL_PREFIX-$layer ;;
            dallage-wfs) url=$DL_WFS pid=$DL_PID name=$DL_PREFIX-$layer ;;
            qgis) url=$QG_URL pid=$QG_PID ;;
            mapserver) url=$MS_URL pid=$MS_PID ;;
            pygeoapi) url=$PG_URL pid=$PG_PID ;;
            esac
            url_list "$server" "$name" >"$list"
            local features
            features=$(first_count "$url" "$list")
            read -r requests rps p50 p99 per errors <<<"$(measure "$url" "$pid" "$list")"
            cpu[$server]=$per
            printf "%-7s %-10s %9s %8s %8s %8s %10s %7s %9s\n" "$layer" "$server" "$requests" "$rps" "$p50" "$p99" "$per" "$errors" "$features"
        done
        for server in $servers; do
            [ "$server" = dallage ] || [ "$server" = dallage-wfs ] && continue
            python3 -c "r=${cpu[$server]}/${cpu[dallage]}; w=${cpu[$server]}/${cpu[dallage-wfs]}; print(f'{\"$layer\":<7} ratio      $server / dallage CPU per request: {r:.1f}x (OGC API), {w:.1f}x (WFS)')"
        done
    done
    echo "dallage peak RSS (both collections in memory): $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$DL_PID/status") MiB"
}

# Sourced for its functions (to try one server by hand); run on its own, it runs the comparison.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main_features "$@"
fi
