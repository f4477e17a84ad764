//! Storages against real servers on loopback (started by tests/harness/servers.sh): listings of
//! every HTTP server, FTP in its three TLS modes and with MLSD, SFTP with host key pinning;
//! range reads match the files; every error path has its own typed error; probing a 4000×4000
//! JPEG 2000 reads a small fraction of it.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use dallage::catalog::TlsMode;
use dallage::config::Secret;
use dallage::storage::{self, Storage, StorageError, StorageSpec};

fn fixtures() -> PathBuf {
    PathBuf::from(harness_setting("DALLAGE_TEST_FIXTURES"))
}

fn spec(url: &str) -> StorageSpec {
    let mut spec = StorageSpec::from_url("t", url).unwrap();
    spec.timeout = Duration::from_secs(10);
    spec.retries = 1;
    spec
}

fn with_login(mut spec: StorageSpec) -> StorageSpec {
    spec.username = Some(Secret(harness_setting("DALLAGE_TEST_USER")));
    spec.password = Some(Secret(harness_setting("DALLAGE_TEST_PASSWORD")));
    spec
}

fn ca_cert() -> String {
    std::fs::read_to_string(harness_setting("DALLAGE_TEST_CA_CERT")).unwrap()
}

fn ftp_spec(tls: TlsMode) -> StorageSpec {
    let (scheme, host, port) = match tls {
        TlsMode::None => ("ftp", "127.0.0.1", harness_setting("DALLAGE_TEST_FTP_PORT")),
        TlsMode::Explicit => ("ftps", "localhost", harness_setting("DALLAGE_TEST_FTP_PORT")),
        TlsMode::Implicit => (
            "ftps+implicit",
            "localhost",
            harness_setting("DALLAGE_TEST_FTPS_IMPLICIT_PORT"),
        ),
    };
    let mut spec = with_login(spec(&format!("{scheme}://{host}:{port}/")));
    spec.tls_ca_cert = Some(ca_cert());
    spec
}

fn sftp_spec() -> StorageSpec {
    let port = harness_setting("DALLAGE_TEST_SFTP_PORT");
    with_login(spec(&format!("sftp://127.0.0.1:{port}{}", fixtures().display())))
}

/// Names directly under `dir`, hidden files left out (servers differ on those).
async fn names(storage: &dyn Storage, dir: &str) -> BTreeSet<(String, bool)> {
    storage
        .list(dir)
        .await
        .unwrap_or_else(|err| panic!("listing {dir}: {err}"))
        .into_iter()
        .filter(|e| !e.name().starts_with('.'))
        .map(|e| (e.path, e.is_dir))
        .collect()
}

fn expected_root() -> BTreeSet<(String, bool)> {
    [
        ("ortho", true),
        ("vecteur", true),
        ("archive.zip", false),
        ("metadonnees.xml", false),
        ("notice d'utilisation.pdf", false),
    ]
    .iter()
    .map(|(n, d)| (n.to_string(), *d))
    .collect()
}

const NESTED: &str = "ortho/Dalles été 2024";
const JP2: &str = "ortho/2024-0846200-6526400-LA93-0M05-RVB.jp2";

/// Lists, stats and reads through `storage`, comparing with the files on disk.
async fn check_storage(storage: Arc<dyn Storage>, what: &str) {
    assert_eq!(names(storage.as_ref(), "").await, expected_root(), "{what}");
    let nested = names(storage.as_ref(), NESTED).await;
    assert!(
        nested.contains(&(format!("{NESTED}/sous dossier n°1"), true)),
        "{what}: {nested:?}"
    );
    assert!(
        nested.contains(&(format!("{NESTED}/2024-0846200-6526200-LA93-0M05-RVB.tif"), false)),
        "{what}"
    );
    let on_disk = std::fs::read(fixtures().join(JP2)).unwrap();
    let stat = storage.stat(JP2).await.unwrap();
    assert_eq!(stat.size, Some(on_disk.len() as u64), "{what}");
    assert!(stat.mtime.is_some(), "{what}");
    let bytes = storage.read_range(JP2, 1000..5000).await.unwrap();
    assert_eq!(&bytes[..], &on_disk[1000..5000], "{what}");
    let tail = storage
        .read_range(JP2, on_disk.len() as u64 - 10..on_disk.len() as u64 + 100)
        .await
        .unwrap();
    assert_eq!(
        &tail[..],
        &on_disk[on_disk.len() - 10..],
        "{what}: clamped to the end"
    );
    assert!(
        matches!(
            storage.list("ortho/absent").await,
            Err(StorageError::NotFound { .. })
        ),
        "{what}"
    );
    assert!(
        matches!(
            storage.list("../etc").await,
            Err(StorageError::OutsideRoot { .. })
        ),
        "{what}"
    );
}

#[tokio::test]
async fn every_http_listing_format_gives_the_same_tree() {
    dallage::init_tls();
    for key in [
        "DALLAGE_TEST_NGINX_URL",
        "DALLAGE_TEST_NGINX_JSON_URL",
        "DALLAGE_TEST_APACHE_URL",
        "DALLAGE_TEST_LIGHTTPD_URL",
        "DALLAGE_TEST_PYTHON_URL",
    ] {
        let storage = storage::open(spec(&harness_setting(key))).unwrap();
        check_storage(storage, key).await;
    }
}

#[tokio::test]
async fn http_basic_auth_and_tls() {
    dallage::init_tls();
    let private = harness_setting("DALLAGE_TEST_NGINX_PRIVATE_URL");
    let allowed = storage::open(with_login(spec(&private))).unwrap();
    assert_eq!(names(allowed.as_ref(), "").await, expected_root());
    let mut wrong = with_login(spec(&private));
    wrong.password = Some(Secret("not-the-password".into()));
    let err = storage::open(wrong).unwrap().list("").await.unwrap_err();
    assert!(matches!(err, StorageError::Auth { .. }), "{err}");
    assert!(err.to_string().contains("username or password is wrong"), "{err}");
    let err = storage::open(spec(&private)).unwrap().list("").await.unwrap_err();
    assert!(err.to_string().contains("needs a username"), "{err}");

    let https = harness_setting("DALLAGE_TEST_HTTPS_URL");
    let err = storage::open(spec(&https)).unwrap().list("").await.unwrap_err();
    assert!(
        matches!(err, StorageError::Tls { .. }),
        "self-signed refused by default: {err}"
    );
    assert!(
        err.to_string().contains("tls_ca_cert"),
        "the message says what to do: {err}"
    );
    let mut trusted = spec(&https);
    trusted.tls_ca_cert = Some(ca_cert());
    check_storage(storage::open(trusted).unwrap(), "https with its certificate").await;
    let mut insecure = spec(&https);
    insecure.tls_insecure = true;
    assert_eq!(
        names(storage::open(insecure).unwrap().as_ref(), "").await,
        expected_root()
    );
}

#[tokio::test]
async fn connection_failures_are_typed() {
    dallage::init_tls();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    type Expect = fn(&StorageError) -> bool;
    let cases: Vec<(String, Expect)> = vec![
        (format!("http://127.0.0.1:{closed}/"), |e| {
            matches!(e, StorageError::Connect { .. })
        }),
        (format!("ftp://u@127.0.0.1:{closed}/"), |e| {
            matches!(e, StorageError::Connect { .. })
        }),
        (format!("sftp://u@127.0.0.1:{closed}/"), |e| {
            matches!(e, StorageError::Connect { .. })
        }),
        ("http://pcrs.invalid/".to_string(), |e| {
            matches!(e, StorageError::Dns { .. })
        }),
        ("ftp://u@pcrs.invalid/".to_string(), |e| {
            matches!(e, StorageError::Dns { .. })
        }),
        ("sftp://u@pcrs.invalid/".to_string(), |e| {
            matches!(e, StorageError::Dns { .. })
        }),
    ];
    for (url, expected) in cases {
        let mut spec = spec(&url);
        spec.password = Some(Secret("x".into()));
        spec.retries = 0;
        let started = std::time::Instant::now();
        let err = storage::open(spec).unwrap().list("").await.unwrap_err();
        assert!(expected(&err), "{url}: {err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{url} took {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn ftp_plain_explicit_and_implicit_tls() {
    dallage::init_tls();
    for tls in [TlsMode::None, TlsMode::Explicit, TlsMode::Implicit] {
        check_storage(storage::open(ftp_spec(tls)).unwrap(), &format!("ftp {tls}")).await;
    }
    // The user is chrooted: the server's / is the deliverable.
    let ftp = storage::open(ftp_spec(TlsMode::None)).unwrap();
    assert!(matches!(
        ftp.list("etc").await,
        Err(StorageError::NotFound { .. })
    ));
    // Certificates are checked unless told otherwise.
    for tls in [TlsMode::Explicit, TlsMode::Implicit] {
        let mut untrusted = ftp_spec(tls);
        untrusted.tls_ca_cert = None;
        let err = storage::open(untrusted).unwrap().list("").await.unwrap_err();
        assert!(matches!(err, StorageError::Tls { .. }), "{tls}: {err}");
        let mut insecure = ftp_spec(tls);
        insecure.tls_ca_cert = None;
        insecure.tls_insecure = true;
        assert_eq!(
            names(storage::open(insecure).unwrap().as_ref(), "").await,
            expected_root()
        );
    }
    let mut wrong = ftp_spec(TlsMode::Explicit);
    wrong.password = Some(Secret("wrong password".into()));
    let started = std::time::Instant::now();
    let err = storage::open(wrong).unwrap().list("").await.unwrap_err();
    assert!(matches!(err, StorageError::Auth { .. }), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "no retry on a wrong password"
    );
}

#[tokio::test]
async fn ftp_mlsd_gives_exact_times() {
    dallage::init_tls();
    let port = harness_setting("DALLAGE_TEST_PYFTP_PORT");
    let storage = storage::open(with_login(spec(&format!("ftp://127.0.0.1:{port}/")))).unwrap();
    check_storage(storage.clone(), "pyftpdlib (MLSD)").await;
    let listed = storage.list("ortho").await.unwrap();
    let jp2 = listed.iter().find(|e| e.path == JP2).unwrap();
    let modified = std::fs::metadata(fixtures().join(JP2))
        .unwrap()
        .modified()
        .unwrap();
    let expected =
        chrono::DateTime::<chrono::Utc>::from(modified).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        jp2.mtime.as_deref(),
        Some(expected.as_str()),
        "MLSD carries seconds"
    );
}

#[tokio::test]
async fn sftp_with_host_key_pinning() {
    dallage::init_tls();
    let storage = storage::open(sftp_spec()).unwrap();
    check_storage(storage.clone(), "sftp").await;
    let seen = storage.host_key_seen().expect("host key recorded");
    assert!(
        seen.ends_with(&harness_setting("DALLAGE_TEST_SFTP_HOST_KEY")),
        "{seen}"
    );
    let mut pinned = sftp_spec();
    pinned.host_key = Some(seen.clone());
    assert_eq!(
        names(storage::open(pinned).unwrap().as_ref(), "").await,
        expected_root()
    );
    let mut other = sftp_spec();
    other.host_key = Some("ED25519 SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into());
    let err = storage::open(other).unwrap().list("").await.unwrap_err();
    assert!(matches!(err, StorageError::HostKey { .. }), "{err}");
    let mut wrong = sftp_spec();
    wrong.password = Some(Secret("wrong".into()));
    let err = storage::open(wrong).unwrap().list("").await.unwrap_err();
    assert!(matches!(err, StorageError::Auth { .. }), "{err}");
    // A private key instead of a password.
    let mut keyed = sftp_spec();
    keyed.password = None;
    keyed.private_key = Some(Secret(
        std::fs::read_to_string(harness_setting("DALLAGE_TEST_SFTP_CLIENT_KEY")).unwrap(),
    ));
    check_storage(storage::open(keyed).unwrap(), "sftp with a key").await;
}

/// Probes the 4000×4000 JPEG 2000 through `storage` and returns the bytes read.
async fn probe_bytes(storage: Arc<dyn Storage>) -> (u64, dallage::scan::probe::Probe) {
    storage::vsi::install();
    storage::vsi::mount(storage.clone());
    let listed = storage.list("ortho").await.unwrap();
    storage::vsi::remember_listing(storage.key(), "ortho", &listed);
    let before = storage.stats().bytes();
    let entry = listed.iter().find(|e| e.path == JP2).unwrap().clone();
    let version = storage::FileVersion::of(storage.key(), &entry);
    let head = storage::BlockCache::global()
        .read(storage.as_ref(), &version, 0..65536)
        .await
        .unwrap();
    let input = dallage::scan::probe::ProbeInput {
        gdal_path: storage::FileSource::of(storage.as_ref(), JP2).gdal_path(),
        siblings: listed.iter().map(|e| e.name().to_string()).collect(),
        prj: None,
        world_file: true,
        declared_epsg: None,
        head: head.to_vec(),
        file_size: entry.size.unwrap_or(0),
    };
    let workers = dallage::workers::Workers::start(1, 4);
    let probe = workers
        .run(move || dallage::scan::probe::probe(&input))
        .await
        .unwrap()
        .unwrap();
    (storage.stats().bytes() - before, probe)
}

#[tokio::test]
async fn probing_reads_a_small_fraction_of_a_dalle() {
    dallage::init_tls();
    dallage::init_gdal();
    let size = std::fs::metadata(fixtures().join(JP2)).unwrap().len();
    let mut http = spec(&harness_setting("DALLAGE_TEST_NGINX_URL"));
    http.key = "probe-http".into();
    let mut ftp = ftp_spec(TlsMode::Explicit);
    ftp.key = "probe-ftp".into();
    let mut sftp = sftp_spec();
    sftp.key = "probe-sftp".into();
    for (what, spec) in [("http", http), ("ftps", ftp), ("sftp", sftp)] {
        let (read, probe) = probe_bytes(storage::open(spec).unwrap()).await;
        assert_eq!(
            (probe.width, probe.height, probe.epsg),
            (4000, 4000, Some(2154)),
            "{what}"
        );
        let codestream = probe.codestream.as_ref().expect("JPEG 2000 header parsed");
        assert_eq!(
            (
                codestream.decomposition_levels,
                codestream.tile_width,
                codestream.progression.as_str()
            ),
            (5, 1024, "RPCL")
        );
        assert!(!codestream.reversible);
        let fraction = read as f64 / size as f64;
        println!(
            "{what}: probing read {read} of {size} bytes ({:.2} %)",
            fraction * 100.0
        );
        assert!(fraction < 0.06, "{what}: probing read {read} bytes of {size}");
    }
}
