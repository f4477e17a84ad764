//! Bulk downloads over the test deliverable served by nginx: its four dalles make a 2 × 2 grid
//! of 200 m in Lambert-93 (A north-west and B north-east in `ortho/`, C south-west in
//! `ortho/Dalles été 2024/`, D south-east deeper, georeferenced by its world file), with side
//! files and a broken dalle beside them. Selections by a polygon in EPSG:2154, in EPSG:3946 and
//! by a CRS:84 box, and by commune, EPCI and département from imported boundaries, against
//! those hand-checked lists; the ZIP checked by `unzip -t`, its manifest's hashes against the
//! source files, a Range resume byte for byte, permissions; a file changed after the scan
//! breaks the transfer off. Storages killed mid-stream are in `downloads_faults.rs`, vector
//! deliverables in `downloads_vector.rs`.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use common::served::Served;
use common::*;
use serde_json::{json, Value};

const A: &str = "ortho/2024-0846200-6526400-LA93-0M05-RVB.jp2";
const A_WORLD: &str = "ortho/2024-0846200-6526400-LA93-0M05-RVB.j2w";
const B: &str = "ortho/2024-0846400-6526400-LA93-0M05-RVB.jp2";
const B_WORLD: &str = "ortho/2024-0846400-6526400-LA93-0M05-RVB.j2w";
const C: &str = "ortho/Dalles été 2024/2024-0846200-6526200-LA93-0M05-RVB.tif";
const C_WORLD: &str = "ortho/Dalles été 2024/2024-0846200-6526200-LA93-0M05-RVB.tfw";
const D: &str = "ortho/Dalles été 2024/sous dossier n°1/dalle sans géoréférencement interne.jp2";
const D_WORLD: &str = "ortho/Dalles été 2024/sous dossier n°1/dalle sans géoréférencement interne.j2w";
const D_PRJ: &str = "ortho/Dalles été 2024/sous dossier n°1/dalle sans géoréférencement interne.prj";

/// Points from one EPSG code to another, through GDAL's `gdaltransform` (not dallage's code).
fn transform(from: u32, to: u32, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    use std::io::Write;
    let mut child = Command::new("gdaltransform")
        .args(["-s_srs", &format!("EPSG:{from}"), "-t_srs", &format!("EPSG:{to}")])
        .args(if to == 4326 { vec!["-output_xy"] } else { vec![] })
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = points.iter().map(|(x, y)| format!("{x} {y}\n")).collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let v: Vec<f64> = line.split_whitespace().filter_map(|n| n.parse().ok()).collect();
            // EPSG:4326 comes out latitude first unless -output_xy says otherwise.
            (v[0], v[1])
        })
        .collect()
}

fn ring_wkt(points: &[(f64, f64)]) -> String {
    let mut ring: Vec<String> = points.iter().map(|(x, y)| format!("{x} {y}")).collect();
    ring.push(ring[0].clone());
    format!("POLYGON(({}))", ring.join(","))
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

async fn preview(served: &Served, query: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(format!("{}/api/downloads/preview?{query}", served.base));
    if let Some(key) = key {
        request = request.header("X-API-Key", key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// The paths a preview selects in its one deliverable.
async fn selected(served: &Served, query: &str) -> BTreeSet<String> {
    let (status, body) = preview(served, query, Some(ADMIN_KEY)).await;
    assert_eq!(status, 200, "{query}: {body}");
    body["livrables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["paths"].as_array().unwrap().iter())
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn sha256_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Communes of made-up codes in ADMIN EXPRESS's field names, in Lambert-93: 69901 over the
/// north halves of A and B, 69902 inside C; both of EPCI 200046977 and département 69.
fn write_communes(dir: &std::path::Path) -> std::path::PathBuf {
    let commune = |code: &str, nom: &str, ring: Vec<(f64, f64)>| {
        let mut ring: Vec<[f64; 2]> = ring.iter().map(|(x, y)| [*x, *y]).collect();
        ring.push(ring[0]);
        json!({"type": "Feature", "properties": {"INSEE_COM": code, "NOM": nom, "INSEE_DEP": "69",
            "SIREN_EPCI": "200046977", "POPULATION": 1234}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    };
    let geojson = json!({"type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
    "features": [
        commune("69901", "Nord", square(846100.0, 6526300.0, 846700.0, 6526500.0)),
        commune("69902", "Sud-Ouest", square(846250.0, 6526050.0, 846350.0, 6526150.0)),
    ]});
    let path = dir.join("communes.geojson");
    std::fs::write(&path, geojson.to_string()).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn territories_select_their_dalles_and_stream_as_one_zip() {
    let nginx = storages()
        .into_iter()
        .find(|(name, _)| *name == "nginx")
        .unwrap()
        .1;
    let served = Served::start(vec![nginx]).await;
    let livrable = format!("livrable={}", served.layer());

    // A polygon in Lambert-93 exactly over A: B and C share an edge with it, D a corner.
    let over_a = ring_wkt(&square(846200.0, 6526200.0, 846400.0, 6526400.0));
    let query = format!("{livrable}&area={}&area-crs=2154", encode(&over_a));
    assert_eq!(selected(&served, &query).await, set(&[A, A_WORLD]));
    // 20 m around the grid's centre, in EPSG:3946: every dalle, each with its side files.
    let centre = transform(2154, 3946, &square(846390.0, 6526190.0, 846410.0, 6526210.0));
    let query = format!("{livrable}&area={}&area-crs=3946", encode(&ring_wkt(&centre)));
    assert_eq!(
        selected(&served, &query).await,
        set(&[A, A_WORLD, B, B_WORLD, C, C_WORLD, D, D_WORLD, D_PRJ])
    );
    // A CRS:84 box inside D.
    let corners = transform(2154, 4326, &[(846450.0, 6526050.0), (846550.0, 6526150.0)]);
    let bbox = format!(
        "{},{},{},{}",
        corners[0].0, corners[0].1, corners[1].0, corners[1].1
    );
    assert_eq!(
        selected(&served, &format!("{livrable}&bbox={bbox}")).await,
        set(&[D, D_WORLD, D_PRJ])
    );

    // Territories from imported boundaries.
    let communes = write_communes(&served.dir.path());
    let output = served
        .command(&["import-boundaries", communes.to_str().unwrap()])
        .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // ADMIN EXPRESS's POPULATION is kept (the statistics page's densities).
    let (_, _, body) = served.get("/api/boundaries?kind=commune&q=69901").await;
    let found: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(found["items"][0]["population"], 1234, "{found}");
    assert_eq!(
        selected(&served, &format!("{livrable}&commune=69901")).await,
        set(&[A, A_WORLD, B, B_WORLD])
    );
    assert_eq!(
        selected(&served, &format!("{livrable}&commune=69902")).await,
        set(&[C, C_WORLD])
    );
    let both = set(&[A, A_WORLD, B, B_WORLD, C, C_WORLD]);
    assert_eq!(
        selected(&served, &format!("{livrable}&epci=200046977")).await,
        both
    );
    assert_eq!(
        selected(&served, &format!("{livrable}&departement=69")).await,
        both
    );
    // No place: the whole deliverable (but the broken dalle).
    let whole = selected(&served, &format!("{livrable}&commune=")).await;
    assert_eq!(
        whole,
        set(&[A, A_WORLD, B, B_WORLD, C, C_WORLD, D, D_WORLD, D_PRJ])
    );
    // Two places, a bad polygon, a bad box: 400 problems.
    for bad in [
        format!("{livrable}&commune=69901&epci=200046977"),
        format!("{livrable}&area=POINT(1%202)"),
        format!("{livrable}&bbox=1,2,3"),
    ] {
        let (status, body) = preview(&served, &bad, Some(ADMIN_KEY)).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // Anonymous callers: the storage does not allow downloads.
    let query = format!("{livrable}&commune=69901");
    let (_, anonymous) = preview(&served, &query, None).await;
    assert_eq!(anonymous["livrables"][0]["allowed"], false, "{anonymous}");
    assert!(anonymous["livrables"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("download_allowed"));
    let zip_url = format!("{}/download/zip?{query}", served.base);
    let client = reqwest::Client::new();
    assert_eq!(client.get(&zip_url).send().await.unwrap().status(), 403);
    // The porteur of another project: refused the same way, with the same reason.
    let (_, other) = preview(&served, &query, Some(OTHER_PORTEUR_KEY)).await;
    assert_eq!(other["livrables"][0]["allowed"], false, "{other}");
    let refused = client
        .get(&zip_url)
        .header("X-API-Key", OTHER_PORTEUR_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("download_allowed"));

    // The porteur's ZIP: its length and ETag up front, valid for unzip, hashes of the sources.
    let (_, own) = preview(&served, &query, Some(PORTEUR_KEY)).await;
    assert_eq!(own["livrables"][0]["allowed"], true, "{own}");
    // Downloads read through the map's own client of the storage (one connection limit).
    let catalog = served.state.catalog();
    let livrable = catalog.livrable_by_slug(served.layer()).await.unwrap();
    let record = catalog.active_storage(livrable.id).await.unwrap().unwrap();
    let key = catalog
        .storage_spec(&record, std::time::Duration::from_secs(30))
        .unwrap()
        .key;
    let shared = dallage::storage::vsi::mounted(&key).expect("the mosaic mounts its storage");
    let read_before = shared
        .stats()
        .bytes_read
        .load(std::sync::atomic::Ordering::Relaxed);
    let response = client
        .get(&zip_url)
        .header("X-API-Key", PORTEUR_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let length: u64 = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    let archive = response.bytes().await.unwrap();
    assert_eq!(archive.len() as u64, length);
    let read_after = shared
        .stats()
        .bytes_read
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        read_after - read_before >= 11_000_000,
        "read through the shared client: {}",
        read_after - read_before
    );
    assert_eq!(
        own["download"]["bytes"].as_u64(),
        Some(length),
        "the preview gave the size"
    );
    let path = served.dir.path().join("download.zip");
    std::fs::write(&path, &archive).unwrap();
    let tested = Command::new("unzip").arg("-t").arg(&path).output().unwrap();
    assert!(
        tested.status.success(),
        "{}",
        String::from_utf8_lossy(&tested.stdout)
    );
    let listed = String::from_utf8_lossy(
        &Command::new("unzip")
            .arg("-Z1")
            .arg(&path)
            .output()
            .unwrap()
            .stdout,
    )
    .to_string();
    let slug = served.layer();
    let names: BTreeSet<&str> = listed.lines().collect();
    for expected in ["LICENCE.txt", "manifest.csv", "manifest.geojson"] {
        assert!(names.contains(expected), "{listed}");
    }
    assert!(names.contains(format!("{slug}/{A}").as_str()), "{listed}");
    let manifest = Command::new("unzip")
        .arg("-p")
        .arg(&path)
        .arg("manifest.csv")
        .output()
        .unwrap()
        .stdout;
    let manifest = String::from_utf8(manifest).unwrap();
    let rows: Vec<&str> = manifest.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{manifest}");
    for row in rows {
        let fields: Vec<&str> = row.split(',').collect();
        let file = fields[1].trim_matches('"');
        let source = std::fs::read(fixtures().join(file)).unwrap();
        assert_eq!(fields[3], sha256_of(&source), "{file}");
        assert_eq!(fields[2], source.len().to_string());
    }

    // The command line writes the same archive, and continues a partial one byte for byte.
    let out = served.dir.path().join("cli.zip");
    let out_text = out.to_str().unwrap().to_string();
    let cli = [
        "download",
        "--livrable",
        slug,
        "--commune",
        "69901",
        "-o",
        out_text.as_str(),
    ];
    let done = served.command(&cli).await;
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(
        std::fs::read(&out).unwrap() == archive[..],
        "the same archive as /download/zip"
    );
    std::fs::remove_file(&out).unwrap();
    std::fs::write(
        served.dir.path().join("cli.zip.part"),
        &archive[..archive.len() / 3],
    )
    .unwrap();
    std::fs::write(served.dir.path().join("cli.zip.part.etag"), &etag).unwrap();
    let resumed = served.command(&cli).await;
    let said = String::from_utf8_lossy(&resumed.stderr).to_string();
    assert!(resumed.status.success() && said.contains("continuing"), "{said}");
    assert!(
        std::fs::read(&out).unwrap() == archive[..],
        "continued byte for byte"
    );
    let dry = served
        .command(&["download", "--livrable", slug, "--commune", "69901", "--dry-run"])
        .await;
    assert!(
        String::from_utf8_lossy(&dry.stderr).contains("2 dalles"),
        "{:?}",
        dry
    );

    // Resumed from the middle of a dalle: the same bytes.
    let middle = archive.len() / 2;
    let resumed = client
        .get(&zip_url)
        .header("X-API-Key", PORTEUR_KEY)
        .header("Range", format!("bytes={middle}-"))
        .header("If-Range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 206);
    assert_eq!(
        resumed.headers()["content-range"].to_str().unwrap(),
        format!("bytes {middle}-{}/{length}", length - 1)
    );
    let rest = resumed.bytes().await.unwrap();
    assert!(archive[middle..] == rest[..], "byte-identical resume");
    let past = client
        .get(&zip_url)
        .header("X-API-Key", PORTEUR_KEY)
        .header("Range", format!("bytes={length}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 416);
    let head = client
        .head(&zip_url)
        .header("X-API-Key", PORTEUR_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            head.status().as_u16(),
            head.headers()["content-length"].to_str().unwrap()
        ),
        (200, length.to_string().as_str()),
        "HEAD says the length GET sends"
    );
    // The last kilobyte: the manifests and the directory need every file's digests, learnt by
    // the whole download above, so no file is read again.
    let before_tail = shared
        .stats()
        .bytes_read
        .load(std::sync::atomic::Ordering::Relaxed);
    let tail = client
        .get(&zip_url)
        .header("X-API-Key", PORTEUR_KEY)
        .header("Range", "bytes=-1000")
        .header("If-Range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert!(tail.bytes().await.unwrap()[..] == archive[archive.len() - 1000..]);
    let read_for_tail = shared
        .stats()
        .bytes_read
        .load(std::sync::atomic::Ordering::Relaxed)
        - before_tail;
    assert!(
        read_for_tail < 100_000,
        "{read_for_tail} bytes read for the last kilobyte"
    );

    // File by file: plain URLs, Metalink 4, and each file's own route with ranges.
    let get = |url: String, key: Option<&'static str>| {
        let mut request = client.get(url);
        if let Some(key) = key {
            request = request.header("X-API-Key", key);
        }
        request.send()
    };
    let list = get(
        format!("{}/download/list.txt?{query}", served.base),
        Some(PORTEUR_KEY),
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    let urls: Vec<&str> = list.lines().collect();
    assert_eq!(urls.len(), 4, "{list}");
    for (url, name) in urls.iter().zip([A, A_WORLD, B, B_WORLD]) {
        assert!(
            url.starts_with(&format!("{}/download/file/", served.base)),
            "{url}"
        );
        let body = get(url.to_string(), Some(PORTEUR_KEY))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(body == std::fs::read(fixtures().join(name)).unwrap(), "{url}");
    }
    assert_eq!(get(urls[0].to_string(), None).await.unwrap().status(), 403);
    let head = client
        .head(urls[0])
        .header("X-API-Key", PORTEUR_KEY)
        .send()
        .await
        .unwrap();
    let source_length = std::fs::metadata(fixtures().join(A)).unwrap().len().to_string();
    assert_eq!(
        head.headers()["content-length"].to_str().unwrap(),
        source_length,
        "HEAD of a file says its length"
    );
    let source = std::fs::read(fixtures().join(A)).unwrap();
    let part = client
        .get(urls[0])
        .header("X-API-Key", PORTEUR_KEY)
        .header("Range", "bytes=100000-5100000")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert!(
        part.bytes().await.unwrap() == source[100_000..=5_100_000],
        "a range of a dalle"
    );
    let metalink = get(
        format!("{}/download/metalink.meta4?{query}", served.base),
        Some(PORTEUR_KEY),
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(metalink.contains("urn:ietf:params:xml:ns:metalink"), "{metalink}");
    assert_eq!(metalink.matches("<file ").count(), 4);
    assert!(
        metalink.contains(&format!("<size>{}</size>", source.len())),
        "{metalink}"
    );
    // Each file was read whole above: its SHA-256 is known, and is the source's.
    for name in [A, A_WORLD, B, B_WORLD] {
        let hash = sha256_of(&std::fs::read(fixtures().join(name)).unwrap());
        assert!(
            metalink.contains(&format!("<hash type=\"sha-256\">{hash}</hash>")),
            "{name}: {metalink}"
        );
    }
    let written = served.dir.path().join("selection.meta4");
    std::fs::write(&written, &metalink).unwrap();
    let checked = Command::new("xmllint")
        .arg("--noout")
        .arg(&written)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "well-formed Metalink: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_after_the_scan_breaks_the_transfer_off() {
    let copy = TempDir::new();
    let folder = copy.path().join("ortho");
    std::fs::create_dir_all(&folder).unwrap();
    for name in [A, A_WORLD, B, B_WORLD] {
        let target = copy.path().join(name);
        std::fs::copy(fixtures().join(name), target).unwrap();
    }
    let served = Served::start(vec![
        json!({"type": "file", "path": copy.path().display().to_string()}),
    ])
    .await;
    let query = format!("livrable={}&bbox=-180,-90,180,90", served.layer());
    let zip_url = format!("{}/download/zip?{query}", served.base);
    let client = reqwest::Client::new();
    let whole = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), 200);
    assert!(whole.bytes().await.is_ok());
    // B grows after the scan: the archive's layout no longer holds, the transfer breaks.
    let b = copy.path().join(B);
    let mut bytes = std::fs::read(&b).unwrap();
    bytes.extend_from_slice(&[0u8; 4096]);
    std::fs::write(&b, bytes).unwrap();
    let response = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the head went out before B was read");
    assert!(
        response.bytes().await.is_err(),
        "a broken transfer, not a short archive"
    );

    // Scanned again, the download works; `since` the first scan selects B alone.
    let livrable = served
        .state
        .catalog()
        .livrable_by_slug(served.layer())
        .await
        .unwrap();
    let first = served
        .state
        .catalog()
        .livrable_scans(livrable.id, 10)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id;
    assert_eq!(
        scan(&served.state, livrable.id).await.state,
        dallage::catalog::ScanState::Done
    );
    let again = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert!(again.bytes().await.is_ok(), "whole once scanned again");
    let (status, changed) = preview(&served, &format!("{query}&since=scan:{first}"), Some(ADMIN_KEY)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["livrables"][0]["paths"], json!([B, B_WORLD]), "{changed}");
    let (_, by_date) = preview(&served, &format!("{query}&since=2099-01-01"), Some(ADMIN_KEY)).await;
    assert_eq!(by_date["livrables"], json!([]), "nothing finished after 2099");
    let (status, _) = preview(&served, &format!("{query}&since=yesterday"), Some(ADMIN_KEY)).await;
    assert_eq!(status, 400);

    // Every slot of this client taken: 429 with Retry-After, until one is given back.
    let slots = served.state.download_slots();
    let mut held: Vec<_> = (0..4).map(|_| slots.take("key:admin", &[]).unwrap()).collect();
    let busy = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(busy.status(), 429);
    assert_eq!(busy.headers()["retry-after"], "30");
    held.pop();
    let freed = client
        .get(&zip_url)
        .header("X-API-Key", ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(freed.status(), 200);
    assert!(freed.bytes().await.is_ok());
    // The server drops the body just after its last byte.
    for _ in 0..50 {
        if slots.running() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
    }
    assert_eq!(slots.running(), 3, "the finished download gave its slot back");
}
