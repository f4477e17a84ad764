#!/usr/bin/env bash
# Scans of a big deliverable over HTTP (nginx autoindex) and FTP (vsftpd, plain, chrooted user):
# COUNT dalles (10 000 by default) of 4000×4000 px in folders of 200, each a hard link of one
# real lossy JPEG 2000 (no georeferencing inside) with its own .j2w world file, so the tree
# costs one file of disk but every scan lists, classifies and probes COUNT dalles.
#
# For each storage: a first scan (listing + probing every dalle) and an unchanged rescan, both
# with `dallage scan --keep --json` into a catalogue of their own. It prints the wall time of
# each command, the listing and probing seconds the scan reports, dallage's CPU seconds, the
# requests and bytes read from the storage, and the dalles found and broken.
#
#   benches/scan.sh                 # COUNT=10000
#   COUNT=2000 benches/scan.sh
#
# Needs root (vsftpd logs in a system user). Installs nginx-light and vsftpd when missing and
# builds dallage in release mode. Everything binds to 127.0.0.1; each scan is bounded in time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=benches/vsftpd.sh
source "$here/vsftpd.sh"
work=${BENCH_WORK:-$root/target/bench}/scan
COUNT=${COUNT:-10000}
LIMIT=${LIMIT:-600}
user=dallagebench
export DEBIAN_FRONTEND=noninteractive

log() { echo "scan-bench: $*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
    for _ in $(seq 1 100); do
        python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $1)))" 2>/dev/null && return 0
        sleep 0.1
    done
    log "nothing listens on port $1"
    return 1
}

[ "$(id -u)" = 0 ] || { log "run as root (vsftpd logs in a system user)"; exit 1; }

setup() {
    local missing=""
    for package in nginx-light vsftpd; do
        dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $package"
    done
    if [ -n "$missing" ]; then
        log "installing$missing"
        apt-get -o DPkg::Lock::Timeout=900 update -qq
        apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing >/dev/null
    fi
    (cd "$root" && cargo build --release --quiet)
}

PIDS=()
stop_servers() {
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
}
trap stop_servers EXIT

start_nginx() {
    local dir=$work/nginx
    mkdir -p "$dir/tmp"
    NGINX_PORT=$(free_port)
    cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /dalles/ { alias $work/dalles/; autoindex on; }
    }
}
EOF
    setsid nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    PIDS+=($!)
    wait_port "$NGINX_PORT"
}

start_vsftpd() {
    local dir=$work/vsftpd
    mkdir -p "$dir/empty"
    grep -q '^/bin/bash$' /etc/shells || echo /bin/bash >>/etc/shells
    id "$user" >/dev/null 2>&1 || useradd -M -d "$work/dalles" -s /bin/bash "$user"
    PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16)
    echo "$user:$PASSWORD" | chpasswd
    FTP_PORT=$(free_port)
    vsftpd_conf "$FTP_PORT" "$work/dalles" 44000 "$dir/empty" >"$dir/vsftpd.conf"
    setsid vsftpd "$dir/vsftpd.conf" >"$dir/stdout.log" 2>&1 &
    PIDS+=($!)
    wait_port "$FTP_PORT"
}

# scan NAME URL [ARG...]: a first scan and an unchanged rescan into the catalogue of run NAME.
scan() {
    local name=$1 url=$2 run=$work/run-$1
    shift 2
    rm -rf "$run" && mkdir -p "$run"
    cat >"$run/dallage.toml" <<EOF
[catalog]
url = "sqlite://$run/catalog.db"
[data]
dir = "$run"
[log]
level = "warn"
EOF
    for pass in first rescan; do
        local started ended
        started=$(date +%s.%N)
        TIMEFORMAT="%U %S"
        { time timeout "$LIMIT" env BENCH_PASSWORD="$PASSWORD" "$root/target/release/dallage" \
            --config "$run/dallage.toml" scan --keep --json "$@" "$url" \
            >"$run/$pass.json" 2>"$run/$pass.log"; } 2>"$run/$pass.cpu"
        ended=$(date +%s.%N)
        python3 - "$name" "$pass" "$started" "$ended" "$run/$pass.json" "$run/$pass.cpu" <<'EOF'
import json, sys
name, phase, started, ended, report, cpu = sys.argv[1:7]
data = json.load(open(report))
user, system = (float(x) for x in open(cpu).read().split())
seconds, read = data.get("seconds") or {}, data.get("read") or {}
print(f"{name:<7} {phase:<7} {data['state']:<8} wall {float(ended) - float(started):6.1f} s"
      f"  listing {seconds.get('listing', 0):6.1f} s  probing {seconds.get('probing', 0):6.1f} s"
      f"  cpu {user + system:6.1f} s  dalles {data['dalles']}  broken {len(data.get('errors') or [])}"
      f"  requests {read.get('requests')}  read {read.get('bytes', 0) / 1e6:.1f} MB")
EOF
    done
}

setup
log "writing $COUNT dalles under $work/dalles (hard links, once)"
"$root/target/release/dallage" fixtures --many "$COUNT" "$work/dalles"
chmod -R a+rX "$work/dalles"
start_nginx
start_vsftpd
log "scanning $COUNT dalles ($(nproc) cores)"
scan nginx "http://127.0.0.1:$NGINX_PORT/dalles/"
scan vsftpd "ftp://$user@127.0.0.1:$FTP_PORT/" --password-env BENCH_PASSWORD
