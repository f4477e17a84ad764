//! A storage killed in the middle of a download: nginx, vsftpd and sshd, each a private server
//! (the harness's are shared with other tests) over six copies of a 6 MB dalle, killed with
//! every process it forked once a megabyte has come. The client must see a broken transfer
//! before `Content-Length`, never a short archive that looks whole; once the server is back, a
//! `Range` request from where it broke gives the rest, byte for byte.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::served::Served;
use common::*;
use serde_json::{json, Value};

const A: &str = "ortho/2024-0846200-6526400-LA93-0M05-RVB.jp2";

/// A loopback port nobody listens on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("nothing listens on {port}");
}

/// Kills `pid` and every process under it at once, as a crash would (vsftpd and sshd fork a
/// process per session, nginx its workers).
fn kill_tree(mut child: Child) {
    let mut family = vec![child.id()];
    let mut grew = true;
    while grew {
        grew = false;
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // The parent is the second field after the command, which is in parentheses.
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if parent.is_some_and(|p| family.contains(&p)) && !family.contains(&pid) {
                family.push(pid);
                grew = true;
            }
        }
    }
    for pid in &family {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let _ = child.wait();
}

fn spawn(command: &mut Command) -> Child {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("server runs")
}

/// A private nginx serving `root` on `port`.
fn start_nginx(dir: &Path, root: &Path, port: u16) -> Child {
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 64; }}\nhttp {{\n access_log off;\n client_body_temp_path {d}/tmp/body;\n\
             proxy_temp_path {d}/tmp/proxy;\n fastcgi_temp_path {d}/tmp/fastcgi;\n uwsgi_temp_path {d}/tmp/uwsgi;\n\
             scgi_temp_path {d}/tmp/scgi;\n default_type application/octet-stream;\n\
             server {{ listen 127.0.0.1:{port}; location /ortho/ {{ alias {r}/ortho/; autoindex on; }} }}\n}}\n",
            d = dir.display(),
            r = root.display(),
        ),
    )
    .unwrap();
    let child = spawn(Command::new("nginx").arg("-p").arg(dir).arg("-c").arg(&conf));
    wait_port(port);
    child
}

/// A private vsftpd (plain FTP) chrooted in `root`, the harness's user logging in.
fn start_vsftpd(dir: &Path, root: &Path, port: u16) -> Child {
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let conf = dir.join("vsftpd.conf");
    std::fs::write(
        &conf,
        format!(
            "listen=YES\nlisten_address=127.0.0.1\nlisten_port={port}\nbackground=NO\nanonymous_enable=NO\n\
             local_enable=YES\nwrite_enable=NO\nchroot_local_user=YES\nallow_writeable_chroot=YES\n\
             local_root={r}\npam_service_name=vsftpd\nsecure_chroot_dir={d}/empty\npasv_enable=YES\n\
             pasv_address=127.0.0.1\npasv_min_port=46000\npasv_max_port=46199\nseccomp_sandbox=NO\n\
             isolate=NO\nisolate_network=NO\nssl_enable=NO\nvsftpd_log_file={d}/vsftpd.log\n",
            r = root.display(),
            d = dir.display(),
        ),
    )
    .unwrap();
    let child = spawn(Command::new("vsftpd").arg(&conf));
    wait_port(port);
    child
}

/// A private sshd (SFTP only) with the harness's host key, the harness's user logging in by
/// password.
fn start_sshd(dir: &Path, port: u16) -> Child {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::create_dir_all("/run/sshd").unwrap();
    let harness_keys = Path::new(&harness_setting("DALLAGE_TEST_SFTP_CLIENT_KEY"))
        .parent()
        .unwrap()
        .to_path_buf();
    let conf = dir.join("sshd_config");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {k}/host_key\nPidFile {d}/sshd.pid\nUsePAM no\n\
             PasswordAuthentication yes\nKbdInteractiveAuthentication no\nStrictModes no\nAllowUsers {u}\n\
             Subsystem sftp internal-sftp\nForceCommand internal-sftp\n",
            k = harness_keys.display(),
            d = dir.display(),
            u = login().0,
        ),
    )
    .unwrap();
    let child = spawn(
        Command::new("/usr/sbin/sshd")
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(&conf),
    );
    wait_port(port);
    child
}

/// Six copies of a 6 MB dalle in `ortho/` of a folder others may read (FTP and SFTP sessions
/// run as the harness's user): more than the buffers between a server and the client hold.
fn six_dalles() -> TempDir {
    use std::os::unix::fs::PermissionsExt;
    let copy = TempDir::new();
    std::fs::create_dir_all(copy.path().join("ortho")).unwrap();
    for i in 0..6 {
        std::fs::copy(
            fixtures().join(A),
            copy.path().join(format!("ortho/dalle-{i}.jp2")),
        )
        .unwrap();
    }
    for path in [copy.path(), copy.path().join("ortho")] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    copy
}

/// Downloads the deliverable whole, then again with the server killed after a megabyte
/// (`start` runs it, again after the kill): broken before its end, then resumed by Range.
async fn killed_then_resumed(storage: Value, start: impl Fn() -> Child) {
    let server = start();
    let served = Served::start(vec![storage]).await;
    let zip_url = format!("{}/download/zip?livrable={}", served.base, served.layer());
    let client = reqwest::Client::new();
    let whole = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), 200);
    let etag = whole.headers()["etag"].to_str().unwrap().to_string();
    let whole = whole.bytes().await.unwrap();
    assert!(whole.len() > 30 << 20, "six dalles: {} bytes", whole.len());

    // Read a megabyte, kill the server, read on: an error before Content-Length.
    let mut response = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    let length: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let mut received = Vec::new();
    while received.len() < 1 << 20 {
        received.extend_from_slice(&response.chunk().await.unwrap().unwrap());
    }
    kill_tree(server);
    let broken = loop {
        match tokio::time::timeout(std::time::Duration::from_secs(120), response.chunk()).await {
            Ok(Ok(Some(chunk))) => received.extend_from_slice(&chunk),
            Ok(Ok(None)) => break false,
            Ok(Err(_)) => break true,
            Err(_) => panic!("the transfer hung after the storage died"),
        }
    };
    assert!(
        broken && received.len() < length,
        "broken off at {} of {length}",
        received.len()
    );
    assert!(whole[..received.len()] == received[..], "what came is right");

    // The server back: a Range from where it broke gives the rest, byte for byte.
    let server = start();
    let rest = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .header("Range", format!("bytes={}-", received.len()))
        .header("If-Range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 206);
    received.extend_from_slice(&rest.bytes().await.unwrap());
    assert!(received == whole[..], "resumed byte for byte");
    kill_tree(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_killed_mid_stream_breaks_the_transfer_and_a_range_resumes_it() {
    let copy = six_dalles();
    let port = free_port();
    let dir = copy.path().join("nginx");
    let storage = json!({"type": "http", "url": format!("http://127.0.0.1:{port}/ortho/")});
    killed_then_resumed(storage, || start_nginx(&dir, &copy.path(), port)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vsftpd_killed_mid_stream_breaks_the_transfer_and_a_range_resumes_it() {
    let copy = six_dalles();
    let port = free_port();
    let dir = TempDir::new();
    let (user, password) = login();
    let storage = json!({"type": "ftp", "host": "127.0.0.1", "port": port, "path": "/ortho", "tls": "none",
                         "username": user, "password": password});
    killed_then_resumed(storage, || start_vsftpd(&dir.path(), &copy.path(), port)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sshd_killed_mid_stream_breaks_the_transfer_and_a_range_resumes_it() {
    let copy = six_dalles();
    let port = free_port();
    let dir = TempDir::new();
    let (user, password) = login();
    let storage = json!({"type": "sftp", "host": "127.0.0.1", "port": port,
                         "path": copy.path().join("ortho").display().to_string(),
                         "username": user, "password": password});
    killed_then_resumed(storage, || start_sshd(&dir.path(), port)).await;
}
