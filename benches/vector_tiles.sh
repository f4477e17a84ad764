#!/usr/bin/env bash
# Mapbox Vector Tiles side by side on loopback: dallage (`/tiles/{collection}/{z}/{x}/{y}.mvt`,
# straight from its in-memory collection) and martin (built from crates.io into
# target/bench/martin, serving the same layer loaded into PostGIS by ogr2ogr, in its own
# Lambert-93: martin reprojects in each query as dallage does) serve the 100 000 lines of
# benches/features_data.py's GeoPackage. wrk sends both the same BOXES random WebMercatorQuad
# tiles at levels 15 and 17 over the square. For each level and server it prints requests/s,
# latency p50/p99 and the CPU milliseconds per tile (martin's: martin's process plus the
# PostgreSQL server's, since its queries run there), then martin's CPU over dallage's.
#
#   benches/vector_tiles.sh
#   DURATION=5 BOXES=100 benches/vector_tiles.sh
#
# Reuses benches/features.sh (data, dallage) and benches/peers.sh (wrk runs, CPU accounting).
# PostgreSQL runs from the Debian packages the tests use, in target/bench. Everything binds to
# 127.0.0.1; every run is bounded in time.
set -euo pipefail

benches=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=benches/features.sh
source "$benches/features.sh"
MARTIN=${MARTIN:-$root/target/bench/martin/bin/martin}
# martin keeps tiles in memory (512 MB by default); 0 compares making tiles.
# MARTIN_CACHE_MB=512 DALLAGE_MVT_CACHE="32 MiB" compares both caches.
MARTIN_CACHE_MB=${MARTIN_CACHE_MB:-0}
# dallage keeps the MVT tiles it made (32 MiB by default); 0 makes every tile, as martin -C 0.
DALLAGE_MVT_CACHE=${DALLAGE_MVT_CACHE:-0}
DL_EXTRA_CONFIG="[cache]
vector_tile_memory_size = \"$DALLAGE_MVT_CACHE\""

start_postgis() {
    local bin dir=$work/postgres
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    rm -rf "$dir" && mkdir -p "$dir" && chown postgres:postgres "$dir"
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    PG_PORT=$(free_port)
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
    PG_PID=$(head -n 1 "$dir/data/postmaster.pid")
    PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
    psql -q "$PG_URL" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres" \
        "$work/data/features.gpkg" lines -nln lines -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST
}

start_martin() {
    M_PORT=$(free_port)
    setsid "$MARTIN" --listen-addresses "127.0.0.1:$M_PORT" --cache-size "$MARTIN_CACHE_MB" "$PG_URL" >"$work/martin.log" 2>&1 &
    M_PID=$!
    wait_ready "http://127.0.0.1:$M_PORT/catalog" "martin"
}

# BOXES random tiles of level $1 over the square, as "z/x/y".
tiles_at() {
    /usr/bin/python3 - "$1" "$BOXES" <<'PY'
import math, random, sys
from osgeo import osr
z, count = int(sys.argv[1]), int(sys.argv[2])
source, target = osr.SpatialReference(), osr.SpatialReference()
source.ImportFromEPSG(2154); target.ImportFromEPSG(4326)
target.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to84 = osr.CoordinateTransformation(source, target)
random.seed(15)
n = 2 ** z
for _ in range(count):
    x, y = 840_000 + random.random() * 10_000, 6_520_000 + random.random() * 10_000
    lon, lat, _ = to84.TransformPoint(x, y)
    col = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    print(f"{z}/{col}/{row}")
PY
}

main_tiles() {
    MS_PID="" DL_PID="" QG_PID="" M_PID="" PG_PID=""
    trap 'stop_pid "$DL_PID"; stop_pid "$M_PID"; [ -n "$PG_PID" ] && kill "$PG_PID" 2>/dev/null || true' EXIT
    [ -x "$MARTIN" ] || { log "martin not built: cargo install martin --locked --root target/bench/martin"; exit 1; }
    setup
    prepare
    start_dallage_features
    start_postgis
    start_martin
    printf "%-6s %-8s %9s %8s %8s %8s %10s %7s %9s\n" level server requests req/s p50ms p99ms cpu-ms/tile errors bytes
    for z in 15 17; do
        tiles_at "$z" >"$work/tiles-$z.txt"
        declare -A cpu=()
        for server in dallage martin; do
            local url pid list=$work/mvt-$server-$z.urls
            case $server in
            # wrk's script puts each line after the URL's path.
            dallage) url="http://127.0.0.1:$DL_PORT/tiles" pid=$DL_PID
                awk -v layer="$DL_PREFIX-lines" '{print "/" layer "/" $1 ".mvt"}' "$work/tiles-$z.txt" >"$list" ;;
            martin) url="http://127.0.0.1:$M_PORT/lines" pid=$M_PID
                awk '{print "/" $1}' "$work/tiles-$z.txt" >"$list" ;;
            esac
            local bytes before after
            bytes=$(curl -sf "$url$(head -1 "$list")" | wc -c)
            before=$(tree_ticks "$PG_PID")
            read -r requests rps p50 p99 per errors <<<"$(measure "$url" "$pid" "$list")"
            after=$(tree_ticks "$PG_PID")
            if [ "$server" = martin ]; then
                # PostgreSQL's share: its process tree's CPU over the run, per tile.
                per=$(python3 -c "print(f'{$per + ($after - $before) * 1000 / $(getconf CLK_TCK) / max($requests, 1):.2f}')")
            fi
            cpu[$server]=$per
            printf "%-6s %-8s %9s %8s %8s %8s %10s %7s %9s\n" "$z" "$server" "$requests" "$rps" "$p50" "$p99" "$per" "$errors" "$bytes"
        done
        python3 -c "print(f'$z      ratio    martin / dallage CPU per tile: {${cpu[martin]}/${cpu[dallage]}:.1f}x')"
    done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main_tiles "$@"
fi
