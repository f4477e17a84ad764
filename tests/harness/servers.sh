#!/usr/bin/env bash
# Starts and stops the real servers the integration tests talk to, on loopback only, each with
# its own configuration, ports and pid file under target/test-servers/. `start` writes
# target/test-servers/env (KEY=VALUE lines) that the tests read; `stop` kills exactly the
# processes it started, by their recorded PIDs.
#
#   tests/harness/servers.sh start | stop | status
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${DALLAGE_TEST_WORK:-$root/target/test-servers}
envfile=$work/env

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_postgres() {
    local bin dir port
    bin=$(pg_bin)
    [ -n "$bin" ] || { echo "servers.sh: PostgreSQL is not installed (make setup)" >&2; exit 1; }
    dir=$work/postgres
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/postgres-initdb.log" 2>&1
    port=$(free_port)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >"$work/postgres-start.log" 2>&1
    head -n 1 "$dir/data/postmaster.pid" >"$work/postgres.pid"
    echo "DALLAGE_TEST_PG_URL=postgres://postgres@127.0.0.1:$port/postgres" >>"$envfile"
}

stop_all() {
    local pidfile pid
    for pidfile in "$work"/*.pid; do
        [ -e "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    done
    rm -f "$envfile"
}

case "${1:-start}" in
    start)
        mkdir -p "$work"
        stop_all
        : >"$envfile"
        start_postgres
        echo "test servers up; settings in $envfile"
        ;;
    stop)
        stop_all
        ;;
    status)
        cat "$envfile" 2>/dev/null || echo "no test servers running"
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
