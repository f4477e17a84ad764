//! Shared test helpers: the real servers started by `tests/harness/servers.sh`, fresh
//! catalogues on SQLite and PostgreSQL, configurations with known API keys, sample payloads.
#![allow(dead_code)]

pub mod browser;
pub mod pcrs;
pub mod served;

use std::path::{Path, PathBuf};
use std::time::Duration;

use dallage::catalog::{Catalog, ScanRecord, Sealer, StorageInput};
use dallage::config::Config;
use dallage::Services;
use serde_json::{json, Value};

/// Admin key configured by [`config_text`].
pub const ADMIN_KEY: &str = "admin-key-0123456789abcdef";
/// Porteur key (acts for the Métropole de Lyon) configured by [`config_text`].
pub const PORTEUR_KEY: &str = "porteur-key-0123456789abcdef";
/// Porteur key of another holder (Metz Métropole), configured by [`config_text`].
pub const OTHER_PORTEUR_KEY: &str = "metz-porteur-key-0123456789";
/// SIREN of the Métropole de Lyon.
pub const LYON: &str = "200046977";
/// SIREN of Metz Métropole (another holder).
pub const METZ: &str = "200039865";

/// The settings written by the harness (`target/test-servers/env`), or the process environment.
pub fn harness_setting(key: &str) -> String {
    if let Ok(value) = std::env::var(key) {
        return value;
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-servers/env");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| {
            panic!(
                "{key} is not set: start the test servers first (`make test` does, or run \
                 `tests/harness/servers.sh start`)"
            )
        })
}

/// Configuration text for tests: API keys, the given catalogue and data dir.
pub fn config_text(catalog_url: &str, data_dir: &Path) -> String {
    format!(
        r#"
[server]
listen = "127.0.0.1:0"
http_workers = 1
blocking_workers = 2
max_body_size = "64 KiB"
request_timeout = "10 s"
shutdown_timeout = "5 s"

[catalog]
url = "{catalog_url}"
max_connections = 4

[data]
dir = "{data}"

[limits]
max_page_size = 20
# ATOM dataset feeds page after two dalles, so tests/atom.rs sees RFC 5005 pages.
atom_links_per_page = 2
atom_changes_per_page = 4
atom_entries_per_page = 1

[security]
secret_key = "test secret, not for production"
# The WMS tests serve SLD documents from loopback.
sld_hosts = ["127.0.0.1"]

[[security.api_keys]]
name = "admin"
role = "admin"
key = "{ADMIN_KEY}"

[[security.api_keys]]
name = "lyon"
role = "porteur"
sirens = ["{LYON}"]
key_sha256 = "{porteur_digest}"

[[security.api_keys]]
name = "metz"
role = "porteur"
sirens = ["{METZ}"]
key_sha256 = "{other_digest}"
"#,
        data = data_dir.display(),
        porteur_digest = sha256_hex(PORTEUR_KEY),
        other_digest = sha256_hex(OTHER_PORTEUR_KEY),
    )
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A temporary folder kept for the test's lifetime.
pub struct TempDir(pub tempfile::TempDir);

impl TempDir {
    /// A new folder.
    pub fn new() -> TempDir {
        TempDir(tempfile::tempdir().expect("temp dir"))
    }
    /// Its path.
    pub fn path(&self) -> PathBuf {
        self.0.path().to_path_buf()
    }
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh database on the harness's PostgreSQL.
    Postgres,
}

/// Both backends, for tests that must pass on each.
pub const BACKENDS: [Db; 2] = [Db::Sqlite, Db::Postgres];

/// A URL for a fresh, empty catalogue on `db`.
pub async fn fresh_catalog_url(db: Db, dir: &Path) -> String {
    match db {
        Db::Sqlite => format!("sqlite://{}/catalog.db", dir.display()),
        Db::Postgres => {
            let admin = harness_setting("DALLAGE_TEST_PG_URL");
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin)
                .await
                .expect("connect to test PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await
                .expect("create test database");
            pool.close().await;
            let (base, _) = admin.rsplit_once('/').expect("database URL");
            format!("{base}/{name}")
        }
    }
}

/// A configuration over a fresh catalogue on `db`.
pub async fn test_config(db: Db, dir: &Path) -> Config {
    let url = fresh_catalog_url(db, dir).await;
    Config::from_toml(&config_text(&url, dir)).expect("test configuration")
}

/// An open catalogue on a fresh database.
pub async fn fresh_catalog(db: Db, dir: &Path) -> Catalog {
    let config = test_config(db, dir).await;
    Catalog::connect(&config.catalog, Sealer::from_secret("test secret"))
        .await
        .expect("open catalogue")
}

/// A valid project held by the Métropole de Lyon.
pub fn project_json(nom: &str) -> Value {
    json!({
        "nom": nom,
        "regime": "production",
        "nature": "raster",
        "perimetres": ["epci:200046977", "commune:69123", "departement:69"],
        "etapes": [
            {"statut": "investigation", "date_debut": "2021-01-10"},
            {"statut": "prod_en_cours", "date_debut": "2022-05-01"},
            {"statut": "disponible", "date_debut": "2099-01-01"}
        ],
        "acteurs": [
            {"siren": LYON, "nom": "Métropole de Lyon", "role": "aplc", "finance_part_perc": 60,
             "mail": "sig@grandlyon.com", "telephone": "+33472000000"},
            {"siren": METZ, "nom": "Metz Métropole", "role": "financeur", "finance_part_perc": 40}
        ],
        "subventions": [
            {"nom": "FEDER 2021", "nature": "feder", "montant": 150000, "echeance": "2023-12-31"}
        ]
    })
}

/// A valid JPEG 2000 deliverable.
pub fn livrable_json(nom: &str) -> Value {
    json!({
        "nom": nom,
        "nature": "jpeg2000",
        "licence": "ouvert_lo",
        "diffusion": "wms",
        "date_livraison": "2024-06-30",
        "avancement": 100,
        "crs": 2154
    })
}

/// A valid FTP storage with credentials.
pub fn ftp_storage_json(password: &str) -> Value {
    json!({
        "type": "ftp",
        "host": "ftp.example.fr",
        "port": 21,
        "path": "/Ortho/Dalles-JP2",
        "username": "JeuTest_Ouroux",
        "password": password,
        "secure": true,
        "download_allowed": true
    })
}

/// The test deliverable the harness serves over every protocol.
pub fn fixtures() -> PathBuf {
    PathBuf::from(harness_setting("DALLAGE_TEST_FIXTURES"))
}

/// A fresh application state on SQLite.
pub async fn state(dir: &Path) -> Services {
    state_with(dir, "").await
}

/// A fresh application state on SQLite, with `extra` appended to the test configuration.
pub async fn state_with(dir: &Path, extra: &str) -> Services {
    dallage::init_tls();
    dallage::init_gdal();
    let url = fresh_catalog_url(Db::Sqlite, dir).await;
    let text = format!("{}\n{extra}", config_text(&url, dir));
    let config = Config::from_toml(&text).expect("test configuration");
    dallage::open_state(config).await.unwrap()
}

/// A project and a deliverable on `storage`; returns the deliverable's id.
pub async fn livrable_on(state: &Services, storage: Value) -> i64 {
    let catalog = state.catalog();
    let project = match catalog.project_by_slug("pcrs-lyon").await {
        Ok(project) => project,
        Err(_) => catalog
            .create_project(&serde_json::from_value(project_json("PCRS Lyon")).unwrap())
            .await
            .unwrap(),
    };
    let count = catalog.project_livrables(project.id).await.unwrap().len();
    let livrable = catalog
        .create_livrable(
            project.id,
            &serde_json::from_value(livrable_json(&format!("Ortho {count}"))).unwrap(),
        )
        .await
        .unwrap();
    let input: StorageInput = serde_json::from_value(storage).unwrap();
    catalog.declare_storage(livrable.id, &input).await.unwrap();
    livrable.id
}

/// Scans a deliverable to its end (two minutes at most).
pub async fn scan(state: &Services, livrable: i64) -> ScanRecord {
    tokio::time::timeout(
        Duration::from_secs(120),
        state.scanner().scan_to_end(livrable, "test"),
    )
    .await
    .expect("scan finished in time")
    .unwrap()
}

/// The harness's user and password.
pub fn login() -> (String, String) {
    (
        harness_setting("DALLAGE_TEST_USER"),
        harness_setting("DALLAGE_TEST_PASSWORD"),
    )
}

/// The fixture tree on every harness server, by name.
pub fn storages() -> Vec<(&'static str, Value)> {
    let (user, password) = login();
    let ca = std::fs::read_to_string(harness_setting("DALLAGE_TEST_CA_CERT")).unwrap();
    let ftp = |host: &str, port: String, tls: &str| {
        json!({"type": "ftp", "host": host, "port": port.parse::<i32>().unwrap(), "path": "/", "tls": tls,
               "username": user, "password": password, "tls_ca_cert": ca})
    };
    vec![
        (
            "nginx",
            json!({"type": "http", "url": harness_setting("DALLAGE_TEST_NGINX_URL")}),
        ),
        (
            "nginx json",
            json!({"type": "http", "url": harness_setting("DALLAGE_TEST_NGINX_JSON_URL")}),
        ),
        (
            "apache",
            json!({"type": "http", "url": harness_setting("DALLAGE_TEST_APACHE_URL")}),
        ),
        (
            "lighttpd",
            json!({"type": "http", "url": harness_setting("DALLAGE_TEST_LIGHTTPD_URL")}),
        ),
        (
            "python",
            json!({"type": "http", "url": harness_setting("DALLAGE_TEST_PYTHON_URL")}),
        ),
        (
            "https",
            json!({"type": "http", "url": harness_setting("DALLAGE_TEST_HTTPS_URL"), "tls_ca_cert": ca}),
        ),
        (
            "ftp",
            ftp("127.0.0.1", harness_setting("DALLAGE_TEST_FTP_PORT"), "none"),
        ),
        (
            "ftps",
            ftp("localhost", harness_setting("DALLAGE_TEST_FTP_PORT"), "explicit"),
        ),
        (
            "ftps implicit",
            ftp(
                "localhost",
                harness_setting("DALLAGE_TEST_FTPS_IMPLICIT_PORT"),
                "implicit",
            ),
        ),
        (
            "ftp mlsd",
            ftp("127.0.0.1", harness_setting("DALLAGE_TEST_PYFTP_PORT"), "none"),
        ),
        (
            "sftp",
            json!({"type": "sftp", "host": "127.0.0.1", "port": harness_setting("DALLAGE_TEST_SFTP_PORT").parse::<i32>().unwrap(),
                   "path": fixtures().display().to_string(), "username": user, "password": password}),
        ),
        (
            "sftp key",
            json!({"type": "sftp", "host": "127.0.0.1", "port": harness_setting("DALLAGE_TEST_SFTP_PORT").parse::<i32>().unwrap(),
                   "path": fixtures().display().to_string(), "username": user,
                   "private_key": std::fs::read_to_string(harness_setting("DALLAGE_TEST_SFTP_CLIENT_KEY")).unwrap()}),
        ),
        (
            "file",
            json!({"type": "file", "path": fixtures().display().to_string()}),
        ),
    ]
}

/// The WebMercatorQuad (row, column) of level `z` at the middle of an OGC API tileset's box.
pub fn centre_tile(tileset: &serde_json::Value, z: u32) -> (u64, u64) {
    let corner = |name: &str, axis: usize| tileset["boundingBox"][name][axis].as_f64().unwrap();
    let lon = (corner("lowerLeft", 0) + corner("upperRight", 0)) / 2.0;
    let lat = ((corner("lowerLeft", 1) + corner("upperRight", 1)) / 2.0).to_radians();
    let tiles = f64::from(1u32 << z);
    let col = (lon + 180.0) / 360.0 * tiles;
    let row = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * tiles;
    (row as u64, col as u64)
}

/// Imports a commune of the Rhône whose outline is the rectangle `bbox` (CRS:84), with its
/// population when given.
pub async fn import_commune(
    state: &Services,
    (code, nom): (&str, &str),
    bbox: [f64; 4],
    population: Option<u64>,
) {
    let [w, s, e, n] = bbox;
    let outline =
        json!({"type": "MultiPolygon", "coordinates": [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]]});
    state
        .catalog()
        .import_boundaries(
            &[dallage::catalog::BoundaryInput {
                info: dallage::catalog::BoundaryInfo {
                    kind: dallage::catalog::TerritoryKind::Commune,
                    code: code.into(),
                    nom: nom.into(),
                    departement: Some("69".into()),
                    epci: None,
                    bbox,
                    vertices: 5,
                    population,
                },
                geometry: outline.to_string(),
            }],
            "test",
        )
        .await
        .unwrap();
}
