#!/usr/bin/env bash
# Starts and stops the real servers the integration tests talk to, on loopback only, each with
# its own configuration, ports and pid file under target/test-servers/. `start` writes
# target/test-servers/env (KEY=VALUE lines) that the tests read; `stop` kills exactly the
# processes it started, by their recorded PIDs.
#
# Each server runs in a session of its own (setsid): Apache, for one, signals its whole process
# group when it stops, which would otherwise take the caller (make) down with it.
#
# Peers: PostgreSQL + PostGIS; nginx (HTML and JSON autoindex, Basic auth, HTTPS), Apache
# mod_autoindex, lighttpd dir-listing, python http.server (no Range); vsftpd (plain + explicit
# FTPS, implicit FTPS, chrooted user), pyftpdlib (MLSD) — each FTP server twice: over the
# scanner fixtures and over the field-shaped tree (`dallage fixtures --field`), with ProFTPD
# and Pure-FTPd over the latter; OpenSSH internal-sftp; s3s-fs (an
# S3-compatible server over a folder, checking signatures; `make test` builds it into
# target/tools).
#
#   tests/harness/servers.sh start | stop | status
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${DALLAGE_TEST_WORK:-$root/target/test-servers}
envfile=$work/env
fixtures=${DALLAGE_TEST_FIXTURES:-$root/target/test-fixtures/scanner}
field=${DALLAGE_TEST_FIELD:-$root/target/test-fixtures/field}
dallage=${DALLAGE_BIN:-$root/target/debug/dallage}
test_user=dallagetest

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

say() { echo "$1=$2" >>"$envfile"; }

wait_port() {
    local port=$1 name=$2
    for _ in $(seq 1 100); do
        if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "servers.sh: $name did not start on port $port" >&2
    return 1
}

start_postgres() {
    local bin dir port
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
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
    say DALLAGE_TEST_PG_URL "postgres://postgres@127.0.0.1:$port/postgres"
}

make_fixtures() {
    [ -x "$dallage" ] || { echo "servers.sh: build first (cargo build): $dallage is missing" >&2; exit 1; }
    mkdir -p "$fixtures"
    "$dallage" fixtures "$fixtures"
    "$dallage" fixtures --field "$field"
    chmod -R a+rX "$fixtures"
    # The field tree keeps its unreadable file unreadable.
    find "$field" ! -type l ! -name illisible.jp2 -exec chmod a+rX {} +
    chmod a+rX "$(dirname "$fixtures")"
    say DALLAGE_TEST_FIXTURES "$fixtures"
    say DALLAGE_TEST_FIELD "$field"
}

make_user_and_certificate() {
    local password
    password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 16)
    if [ "$(id -u)" = 0 ]; then
        grep -q '^/bin/bash$' /etc/shells || echo /bin/bash >>/etc/shells
        id "$test_user" >/dev/null 2>&1 || useradd -M -d "$fixtures" -s /bin/bash "$test_user"
        usermod -d "$fixtures" "$test_user" >/dev/null 2>&1 || true
        echo "$test_user:$password" | chpasswd
    fi
    say DALLAGE_TEST_USER "$test_user"
    say DALLAGE_TEST_PASSWORD "$password"
    # rustls refuses a self-signed CA used as a server certificate: make an end-entity one.
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
        -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
    chmod 644 "$work/tls.crt" "$work/tls.key"
    say DALLAGE_TEST_CA_CERT "$work/tls.crt"
}

start_nginx() {
    local dir=$work/nginx port tls_port
    mkdir -p "$dir/tmp"
    port=$(free_port)
    tls_port=$(free_port)
    printf '%s:%s\n' "$test_user" "$(openssl passwd -apr1 "$(grep DALLAGE_TEST_PASSWORD "$envfile" | cut -d= -f2)")" >"$dir/htpasswd"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    types { image/jp2 jp2; image/tiff tif tiff; application/xml xml gml; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port;
        location /html/ { alias $fixtures/; autoindex on; }
        location /json/ { alias $fixtures/; autoindex on; autoindex_format json; }
        location /private/ { alias $fixtures/; autoindex on; auth_basic "pcrs"; auth_basic_user_file $dir/htpasswd; }
        location /field/ { alias $field/; autoindex on; }
    }
    server {
        listen 127.0.0.1:$tls_port ssl;
        ssl_certificate $work/tls.crt;
        ssl_certificate_key $work/tls.key;
        location /html/ { alias $fixtures/; autoindex on; }
    }
}
EOF
    setsid nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    echo $! >"$work/nginx.pid"
    wait_port "$port" nginx
    say DALLAGE_TEST_NGINX_URL "http://127.0.0.1:$port/html/"
    say DALLAGE_TEST_NGINX_FIELD_URL "http://127.0.0.1:$port/field/"
    say DALLAGE_TEST_NGINX_JSON_URL "http://127.0.0.1:$port/json/"
    say DALLAGE_TEST_NGINX_PRIVATE_URL "http://127.0.0.1:$port/private/"
    say DALLAGE_TEST_NGINX_ACCESS_LOG "$dir/access.log"
    say DALLAGE_TEST_HTTPS_URL "https://127.0.0.1:$tls_port/html/"
}

start_apache() {
    local dir=$work/apache port
    command -v apache2 >/dev/null || return 0
    mkdir -p "$dir/run" "$dir/logs"
    port=$(free_port)
    cat >"$dir/apache.conf" <<EOF
ServerRoot "$dir"
DefaultRuntimeDir "$dir/run"
PidFile "$dir/run/apache.pid"
ErrorLog "$dir/logs/error.log"
LogLevel warn
Listen 127.0.0.1:$port
ServerName localhost
User www-data
Group www-data
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule autoindex_module /usr/lib/apache2/modules/mod_autoindex.so
TypesConfig /etc/mime.types
Alias /pcrs/ "$fixtures/"
<Directory "$fixtures">
    Options Indexes FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>
IndexOptions FancyIndexing HTMLTable
StartServers 2
MinSpareServers 2
MaxSpareServers 4
MaxRequestWorkers 16
EOF
    setsid apache2 -DFOREGROUND -f "$dir/apache.conf" -d "$dir" >"$dir/logs/stdout.log" 2>&1 &
    echo $! >"$work/apache.pid"
    wait_port "$port" apache
    say DALLAGE_TEST_APACHE_URL "http://127.0.0.1:$port/pcrs/"
}

start_lighttpd() {
    local dir=$work/lighttpd port
    command -v lighttpd >/dev/null || return 0
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/lighttpd.conf" <<EOF
server.modules = ( "mod_indexfile", "mod_access", "mod_dirlisting", "mod_staticfile" )
server.document-root = "$fixtures"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$dir/error.log"
server.username = "www-data"
server.groupname = "www-data"
include_shell "/usr/share/lighttpd/create-mime.conf.pl"
dir-listing.activate = "enable"
EOF
    # lighttpd opens its log after dropping to www-data.
    [ "$(id -u)" = 0 ] && chown www-data "$dir"
    setsid lighttpd -D -f "$dir/lighttpd.conf" >"$dir/stdout.log" 2>&1 &
    echo $! >"$work/lighttpd.pid"
    wait_port "$port" lighttpd
    say DALLAGE_TEST_LIGHTTPD_URL "http://127.0.0.1:$port/"
}

start_python_http() {
    local port
    port=$(free_port)
    setsid python3 -m http.server "$port" --bind 127.0.0.1 --directory "$fixtures" >"$work/python-http.log" 2>&1 &
    echo $! >"$work/python-http.pid"
    wait_port "$port" "python http.server"
    say DALLAGE_TEST_PYTHON_URL "http://127.0.0.1:$port/"
}

# vsftpd NAME ROOT: plain + explicit FTPS on one port, implicit FTPS on another, chrooted in
# ROOT; settings DALLAGE_TEST_<NAME>FTP_PORT and DALLAGE_TEST_<NAME>FTPS_IMPLICIT_PORT.
start_vsftpd() {
    local name=$1 served=$2 dir=$work/vsftpd${1:+-$1} port implicit_port
    [ "$(id -u)" = 0 ] || return 0
    command -v vsftpd >/dev/null || return 0
    local pasv_min=40000
    [ -n "$name" ] && pasv_min=42000
    mkdir -p "$dir/empty"
    port=$(free_port)
    implicit_port=$(free_port)
    for mode in explicit implicit; do
        local listen_port=$port implicit=NO
        [ "$mode" = implicit ] && listen_port=$implicit_port && implicit=YES
        cat >"$dir/$mode.conf" <<EOF
listen=YES
listen_address=127.0.0.1
listen_port=$listen_port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
chroot_local_user=YES
allow_writeable_chroot=YES
local_root=$served
pam_service_name=vsftpd
secure_chroot_dir=$dir/empty
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$pasv_min
pasv_max_port=$((pasv_min + 499))
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
ssl_enable=YES
implicit_ssl=$implicit
force_local_logins_ssl=NO
force_local_data_ssl=NO
require_ssl_reuse=NO
ssl_ciphers=HIGH
rsa_cert_file=$work/tls.crt
rsa_private_key_file=$work/tls.key
xferlog_enable=YES
xferlog_file=$dir/$mode-xfer.log
vsftpd_log_file=$dir/$mode.log
EOF
        setsid vsftpd "$dir/$mode.conf" >"$dir/$mode-stdout.log" 2>&1 &
        echo $! >"$work/vsftpd${name:+-$name}-$mode.pid"
        wait_port "$listen_port" "vsftpd ($mode)"
    done
    local prefix=${name:+${name^^}_}
    say "DALLAGE_TEST_${prefix}FTP_PORT" "$port"
    say "DALLAGE_TEST_${prefix}FTPS_IMPLICIT_PORT" "$implicit_port"
}

# pyftpdlib NAME ROOT: plain FTP with MLSD over ROOT; setting DALLAGE_TEST_<NAME>PYFTP_PORT.
start_pyftpdlib() {
    local name=$1 served=$2 port first_passive=41000
    /usr/bin/python3 -c 'import pyftpdlib' 2>/dev/null || return 0
    [ -n "$name" ] && first_passive=43000
    port=$(free_port)
    setsid /usr/bin/python3 - "$port" "$served" "$test_user" "$(grep DALLAGE_TEST_PASSWORD "$envfile" | cut -d= -f2)" "$first_passive" >"$work/pyftpdlib${name:+-$name}.log" 2>&1 <<'EOF' &
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
port, root, user, password, first_passive = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elr")
FTPHandler.authorizer = authorizer
FTPHandler.passive_ports = range(first_passive, first_passive + 999)
FTPHandler.use_encoding = "utf8"
FTPServer(("127.0.0.1", port), FTPHandler).serve_forever()
EOF
    echo $! >"$work/pyftpdlib${name:+-$name}.pid"
    wait_port "$port" pyftpdlib
    say "DALLAGE_TEST_${name:+${name^^}_}PYFTP_PORT" "$port"
}

# ProFTPD over the field tree (plain FTP, MLSD), from Debian's package unpacked into
# target/tools/proftpd by `make test-tools` (its package conflicts with vsftpd's).
start_proftpd() {
    local dir=$work/proftpd port bin=${DALLAGE_PROFTPD:-$root/target/tools/proftpd/usr/sbin/proftpd}
    [ "$(id -u)" = 0 ] || return 0
    [ -x "$bin" ] || { echo "servers.sh: $bin is missing (make test-tools unpacks it)" >&2; exit 1; }
    mkdir -p "$dir"
    port=$(free_port)
    cat >"$dir/proftpd.conf" <<EOF
ServerName "dallage test"
ServerType standalone
Port $port
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
User nobody
Group nogroup
PidFile $dir/proftpd.pid
ScoreboardFile $dir/proftpd.scoreboard
DelayTable none
WtmpLog off
UseReverseDNS off
SystemLog $dir/proftpd.log
TransferLog none
DefaultRoot $field
RequireValidShell off
AuthOrder mod_auth_unix.c
PassivePorts 45000 45499
EOF
    setsid "$bin" -n -c "$dir/proftpd.conf" >"$dir/stdout.log" 2>&1 &
    echo $! >"$work/proftpd.pid"
    wait_port "$port" proftpd
    say DALLAGE_TEST_FIELD_PROFTPD_PORT "$port"
}

# Pure-FTPd over the field tree (plain FTP), the test user as a virtual user chrooted there;
# unpacked into target/tools/pureftpd by `make test-tools` (its package conflicts with vsftpd's).
start_pureftpd() {
    local dir=$work/pureftpd port password tools=${DALLAGE_PUREFTPD:-$root/target/tools/pureftpd/usr}
    [ "$(id -u)" = 0 ] || return 0
    [ -x "$tools/sbin/pure-ftpd" ] || { echo "servers.sh: $tools/sbin/pure-ftpd is missing (make test-tools unpacks it)" >&2; exit 1; }
    rm -rf "$dir" && mkdir -p "$dir"
    port=$(free_port)
    password=$(grep DALLAGE_TEST_PASSWORD "$envfile" | cut -d= -f2)
    printf '%s\n%s\n' "$password" "$password" | "$tools/bin/pure-pw" useradd "$test_user" -u "$(id -u "$test_user")" \
        -g "$(id -g "$test_user")" -d "$field" -f "$dir/pureftpd.passwd" >/dev/null
    "$tools/bin/pure-pw" mkdb "$dir/pureftpd.pdb" -f "$dir/pureftpd.passwd"
    setsid "$tools/sbin/pure-ftpd" -S "127.0.0.1,$port" -l "puredb:$dir/pureftpd.pdb" -E -A -H -p 45500:45999 -P 127.0.0.1 \
        >"$dir/stdout.log" 2>&1 &
    echo $! >"$work/pureftpd.pid"
    wait_port "$port" pure-ftpd
    say DALLAGE_TEST_FIELD_PUREFTPD_PORT "$port"
}

start_sshd() {
    local dir=$work/sshd port
    [ "$(id -u)" = 0 ] || return 0
    [ -x /usr/sbin/sshd ] || return 0
    mkdir -p "$dir" /run/sshd
    port=$(free_port)
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" <<<y >/dev/null 2>&1 || true
    # A client key for key logins (PEM: every libssh2 reads it).
    mkdir -p "$dir/authorized_keys"
    ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f "$dir/client_key" <<<y >/dev/null 2>&1 || true
    cp "$dir/client_key.pub" "$dir/authorized_keys/$test_user"
    cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $dir/authorized_keys/%u
StrictModes no
AllowUsers $test_user
Subsystem sftp internal-sftp
ForceCommand internal-sftp
EOF
    setsid /usr/sbin/sshd -D -e -f "$dir/sshd_config" >"$dir/sshd.log" 2>&1 &
    echo $! >"$work/sshd.pid"
    wait_port "$port" sshd
    say DALLAGE_TEST_SFTP_PORT "$port"
    say DALLAGE_TEST_SFTP_HOST_KEY "$(ssh-keygen -lf "$dir/host_key.pub" -E sha256 | awk '{print $2}')"
    say DALLAGE_TEST_SFTP_CLIENT_KEY "$dir/client_key"
}

start_s3() {
    local bin=${DALLAGE_S3_SERVER:-$root/target/tools/bin/s3s-fs} dir port secret
    [ -x "$bin" ] || { echo "servers.sh: $bin is missing (make test-tools builds it)" >&2; exit 1; }
    dir=$work/s3
    rm -rf "$dir"
    # s3s-fs keeps each bucket as a folder of its root.
    mkdir -p "$dir/dallage-tiles"
    port=$(free_port)
    secret=$(openssl rand -hex 16)
    setsid "$bin" --host 127.0.0.1 --port "$port" --access-key dallage-test --secret-key "$secret" "$dir" \
        >"$work/s3.log" 2>&1 &
    echo $! >"$work/s3.pid"
    wait_port "$port" s3s-fs
    say DALLAGE_TEST_S3_URL "http://127.0.0.1:$port"
    say DALLAGE_TEST_S3_ROOT "$dir"
    say DALLAGE_TEST_S3_BUCKET dallage-tiles
    say DALLAGE_TEST_S3_ACCESS_KEY dallage-test
    say DALLAGE_TEST_S3_SECRET_KEY "$secret"
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
        make_fixtures
        make_user_and_certificate
        start_nginx
        start_apache
        start_lighttpd
        start_python_http
        start_vsftpd "" "$fixtures"
        start_vsftpd field "$field"
        start_pyftpdlib "" "$fixtures"
        start_pyftpdlib field "$field"
        start_proftpd
        start_pureftpd
        start_sshd
        start_s3
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
