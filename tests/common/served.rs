//! A dallage HTTP server inside the test process, over deliverables scanned from the harness's
//! storages, plus what the OGC tests compare it with: `gdalwarp` over the same dalle files,
//! PNG decoding, and `xmllint` with the official schemas.

use std::path::{Path, PathBuf};
use std::process::Command;

use dallage::Services;
use serde_json::Value;

use super::{livrable_on, scan, state_with, TempDir};

/// A running server and the layer (deliverable slug) of each storage it was given.
pub struct Served {
    /// The application state behind the server.
    pub state: Services,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// One layer name per storage, in order.
    pub layers: Vec<String>,
    /// Where the catalogue and scratch files live.
    pub dir: TempDir,
    client: reqwest::Client,
}

impl Served {
    /// Scans each storage as a deliverable of one project, builds the mosaics and serves them.
    pub async fn start(storages: Vec<Value>) -> Served {
        Served::start_with(storages, "").await
    }

    /// The same, with `extra` appended to the test configuration.
    pub async fn start_with(storages: Vec<Value>, extra: &str) -> Served {
        let dir = TempDir::new();
        let state = state_with(&dir.path(), extra).await;
        let mut layers = Vec::new();
        for storage in storages {
            let livrable = livrable_on(&state, storage).await;
            let done = scan(&state, livrable).await;
            assert_eq!(
                done.state,
                dallage::catalog::ScanState::Done,
                "{:?}",
                done.message
            );
            state
                .vectors()
                .import_livrable(livrable)
                .await
                .expect("GML files imported");
            layers.push(state.catalog().livrable(livrable).await.unwrap().slug);
        }
        state.start_mosaics().await;
        let bound =
            dallage::http::bind_to(state.clone(), "127.0.0.1:0".parse().unwrap()).expect("bind on loopback");
        let base = format!("http://{}", bound.addresses()[0]);
        tokio::spawn(bound.run());
        Served {
            state,
            base,
            layers,
            dir,
            client: reqwest::Client::new(),
        }
    }

    /// The first layer.
    pub fn layer(&self) -> &str {
        &self.layers[0]
    }

    /// GET `/wms?{query}`: status, content type and body.
    pub async fn wms(&self, query: &str) -> (u16, String, Vec<u8>) {
        self.get(&format!("/wms?{query}")).await
    }

    /// GET a path: status, content type and body.
    pub async fn get(&self, path_and_query: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path_and_query}", self.base))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, content_type, response.bytes().await.unwrap().to_vec())
    }

    /// Posts a seeding plan for `layer` with the admin key.
    pub async fn post_seed(&self, layer: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/livrables/{layer}/seed", self.base))
            .header("X-API-Key", super::ADMIN_KEY)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Runs the `dallage` command with `args` on this server's catalogue (SQLite, shared with
    /// the running server) and data folder.
    pub async fn command(&self, args: &[&str]) -> std::process::Output {
        let dir = self.dir.path();
        let catalog = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "db"))
            .expect("the SQLite catalogue");
        let config = dir.join("cli.toml");
        std::fs::write(
            &config,
            super::config_text(&format!("sqlite://{}", catalog.display()), &dir),
        )
        .unwrap();
        let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_dallage"))
                .arg("--config")
                .arg(&config)
                .args(&args)
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    }

    /// Runs a `dallage` command that must succeed and print JSON; returns the JSON.
    pub async fn command_json(&self, args: &[&str]) -> Value {
        let output = self.command(args).await;
        assert!(
            output.status.success(),
            "dallage {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// A GetMap that must succeed, decoded to RGBA.
    pub async fn map(&self, query: &str) -> Rgba {
        let (status, content_type, body) = self.wms(query).await;
        assert_eq!(
            status,
            200,
            "{query}: {}",
            String::from_utf8_lossy(&body[..body.len().min(400)])
        );
        assert!(content_type.starts_with("image/"), "{query}: {content_type}");
        Rgba::decode(&body)
    }
}

/// An RGBA image, row by row.
#[derive(Clone, Debug)]
pub struct Rgba {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Four bytes per pixel.
    pub pixels: Vec<u8>,
}

impl Rgba {
    /// Decodes PNG, JPEG or WebP bytes.
    pub fn decode(bytes: &[u8]) -> Rgba {
        let image = image::load_from_memory(bytes)
            .expect("a decodable image")
            .to_rgba8();
        Rgba {
            width: image.width(),
            height: image.height(),
            pixels: image.into_raw(),
        }
    }

    /// Reads a four-band (RGB + alpha) raster with GDAL.
    pub fn read_gdal(path: &Path) -> Rgba {
        let dataset = gdal::Dataset::open(path).expect("open with GDAL");
        let (width, height) = dataset.raster_size();
        let mut pixels = vec![0u8; width * height * 4];
        let bands = dataset.raster_count();
        for band_index in 0..4 {
            let values = if band_index < bands {
                let band = dataset.rasterband(band_index + 1).unwrap();
                band.read_band_as::<u8>().unwrap().data().to_vec()
            } else {
                vec![255; width * height]
            };
            for (i, value) in values.into_iter().enumerate() {
                pixels[i * 4 + band_index] = value;
            }
        }
        Rgba {
            width: width as u32,
            height: height as u32,
            pixels,
        }
    }

    /// Pixel (x, y).
    pub fn at(&self, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * self.width + x) * 4) as usize;
        self.pixels[i..i + 4].try_into().unwrap()
    }

    /// How far this image is from `other`, the reference.
    pub fn compare(&self, other: &Rgba) -> Difference {
        assert_eq!((self.width, self.height), (other.width, other.height), "sizes");
        let mut difference = Difference::default();
        let mut sum = 0u64;
        for (a, b) in self.pixels.chunks(4).zip(other.pixels.chunks(4)) {
            let (opaque_a, opaque_b) = (a[3] == 255, b[3] == 255);
            if opaque_a != opaque_b {
                difference.alpha_mismatch += 1;
                continue;
            }
            if !opaque_a {
                continue;
            }
            difference.compared += 1;
            let worst = (0..3).map(|c| a[c].abs_diff(b[c])).max().unwrap();
            sum += (0..3).map(|c| u64::from(a[c].abs_diff(b[c]))).sum::<u64>();
            if worst > 16 {
                difference.far += 1;
            }
        }
        difference.mean = sum as f64 / (difference.compared.max(1) * 3) as f64;
        difference.pixels = (self.width * self.height) as usize;
        difference
    }

    /// Every pixel has this alpha.
    pub fn alpha_everywhere(&self, alpha: u8) -> bool {
        self.pixels.chunks(4).all(|p| p[3] == alpha)
    }
}

/// Differences between two images.
#[derive(Debug, Default)]
pub struct Difference {
    /// Pixels in the image.
    pub pixels: usize,
    /// Pixels opaque in both.
    pub compared: usize,
    /// Pixels opaque in one only.
    pub alpha_mismatch: usize,
    /// Mean absolute difference per channel over compared pixels.
    pub mean: f64,
    /// Compared pixels with a channel more than 16 apart.
    pub far: usize,
}

impl Difference {
    /// Within the stated tolerance: mean per-channel difference at most `mean`, at most
    /// `far_share` of the pixels more than 16 apart, and at most `alpha_share` of them opaque
    /// in one image only (the coverage's edge, where a half pixel decides).
    pub fn within(&self, mean: f64, far_share: f64, alpha_share: f64) -> bool {
        let pixels = self.pixels.max(1) as f64;
        self.compared > 0
            && self.mean <= mean
            && self.far as f64 / pixels <= far_share
            && self.alpha_mismatch as f64 / pixels <= alpha_share
    }
}

/// The image files of the test deliverable that a mosaic of it must show (the broken one aside).
pub fn dalle_files() -> Vec<PathBuf> {
    let ortho = super::fixtures().join("ortho");
    let summer = ortho.join("Dalles été 2024");
    vec![
        ortho.join("2024-0846200-6526400-LA93-0M05-RVB.jp2"),
        ortho.join("2024-0846400-6526400-LA93-0M05-RVB.jp2"),
        summer.join("2024-0846200-6526200-LA93-0M05-RVB.tif"),
        summer.join("sous dossier n°1/dalle sans géoréférencement interne.jp2"),
    ]
}

/// `gdalwarp` of the dalle files onto a `width`×`height` grid over `extent` (x/longitude
/// first) in `target` (a GDAL SRS string), with an alpha band.
pub fn gdalwarp(
    target: &str,
    extent: [f64; 4],
    width: u32,
    height: u32,
    resampling: &str,
    out: &Path,
) -> Rgba {
    let mut command = Command::new("gdalwarp");
    command
        .env("GDAL_PAM_ENABLED", "NO")
        .args([
            "-q",
            "-overwrite",
            "-r",
            resampling,
            "-t_srs",
            target,
            "-dstalpha",
        ])
        .arg("-te")
        .args(extent.iter().map(|v| format!("{v:.10}")))
        .arg("-ts")
        .args([width.to_string(), height.to_string()])
        .args(dalle_files())
        .arg(out);
    let output = command.output().expect("gdalwarp runs");
    assert!(
        output.status.success(),
        "gdalwarp: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Rgba::read_gdal(out)
}

/// Runs a GDAL command-line tool off the async threads (it may call back into the server
/// under test), with no side files and no client cache; its standard output.
pub async fn gdal_tool(program: &'static str, args: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let output = Command::new(program)
            .env("GDAL_PAM_ENABLED", "NO")
            .env("GDAL_HTTP_TIMEOUT", "30")
            .env("GDAL_ENABLE_WMS_CACHE", "NO")
            .args(&args)
            .output()
            .expect("GDAL tool runs");
        assert!(
            output.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .expect("GDAL tool thread")
}

/// The official schemas copied into the repository, with their XML catalogue.
pub fn schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ogc-schemas")
}

/// Validates `document` with xmllint: against `schema` (an XSD path relative to the schema
/// folder or a schemas.opengis.net URL), or against its DOCTYPE when `schema` is None.
/// Returns xmllint's complaints when it is not valid.
pub fn xmllint(document: &[u8], schema: Option<&str>, scratch: &Path) -> Result<(), String> {
    let file = scratch.join(format!("doc-{}.xml", uuid::Uuid::new_v4()));
    std::fs::write(&file, document).unwrap();
    let mut command = Command::new("xmllint");
    command
        .current_dir(schemas())
        .env("XML_CATALOG_FILES", schemas().join("catalog.xml"))
        .args(["--noout", "--nonet"]);
    match schema {
        Some(schema) => command.args(["--schema", schema]),
        None => command.arg("--valid"),
    };
    let output = command.arg(&file).output().expect("xmllint runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
