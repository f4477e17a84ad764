#!/usr/bin/env bash
# The benches' vsftpd: plain FTP on loopback, local users chrooted in a folder.
#
# vsftpd_conf PORT ROOT PASV_MIN EMPTY_DIR: prints the configuration of a vsftpd listening on
# 127.0.0.1:PORT, chrooting logins in ROOT, with 200 passive ports from PASV_MIN.
vsftpd_conf() {
    cat <<EOF
listen=YES
listen_address=127.0.0.1
listen_port=$1
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
chroot_local_user=YES
allow_writeable_chroot=YES
local_root=$2
pam_service_name=vsftpd
secure_chroot_dir=$4
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=$3
pasv_max_port=$(($3 + 199))
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
ssl_enable=NO
xferlog_enable=NO
EOF
}
