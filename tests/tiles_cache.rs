//! Seeding, truncating and sizing the tile cache (API, library and command line), and OGC API
//! Tiles: the estimate's interval holds the real size on disk after seeding; an interrupted
//! run resumes where it stopped; truncation drops only its levels; OGC API tiles are the WMTS
//! tiles.

mod common;

use std::path::Path;
use std::time::Duration;

use common::served::Served;
use common::*;
use dallage::raster::Format;
use dallage::tiles::seed::{seed, SeedError, SeedPlan, SeedProgress};
use serde_json::{json, Value};

async fn served_folder() -> Served {
    Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await
}

/// Files and bytes under a folder.
fn files_and_bytes(dir: &Path) -> (u64, u64) {
    let mut found = (0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let metadata = entry.metadata().unwrap();
        if metadata.is_dir() {
            let (files, bytes) = files_and_bytes(&entry.path());
            found = (found.0 + files, found.1 + bytes);
        } else {
            found = (found.0 + 1, found.1 + metadata.len());
        }
    }
    found
}

async fn json_of(served: &Served, path: &str) -> Value {
    let (status, _, body) = served.get(path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// The (row, col) of the tile files of one level.
fn tiles_on_disk(dir: &Path) -> std::collections::BTreeSet<(u64, u64)> {
    let mut found = std::collections::BTreeSet::new();
    for column in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let col: u64 = column.file_name().to_str().unwrap().parse().unwrap();
        for tile in std::fs::read_dir(column.path()).unwrap().flatten() {
            let name = tile.file_name().to_str().unwrap().to_string();
            found.insert((name.split('.').next().unwrap().parse().unwrap(), col));
        }
    }
    found
}

/// Seeds a plan through the API and waits for it; returns the run.
async fn seed_and_wait(served: &Served, layer: &str, body: Value) -> Value {
    let response = served.post_seed(layer, &body).await;
    assert_eq!(response.status(), 202, "{body}");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let run = json_of(served, &location).await;
        if run["state"] != "running" {
            assert_eq!(run["state"], "done", "{run}");
            return run;
        }
        assert!(std::time::Instant::now() < deadline, "seeding never ended: {run}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[actix_web::test]
async fn seeding_over_a_drawn_area_draws_only_the_tiles_it_meets() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let collection = json_of(&served, &format!("/ogcapi/collections/{layer}")).await;
    let extent = &collection["extent"]["spatial"]["bbox"][0];
    let [w, s, e, n] = [0, 1, 2, 3].map(|i| extent[i].as_f64().unwrap());
    // The lower-left half of the layer, as a GeoJSON feature.
    let triangle = json!({"type": "Feature", "properties": {"nom": "zone"}, "geometry": {
        "type": "Polygon", "coordinates": [[[w, s], [e, s], [w, n], [w, s]]]}});
    let level = served.dir.path().join(format!("tiles/{layer}/2154_5cm/20"));
    let over_area = seed_and_wait(
        &served,
        &layer,
        json!({"tms": "2154_5cm", "levels": "20", "area": triangle}),
    )
    .await;
    let in_area = tiles_on_disk(&level);
    assert_eq!(in_area.len() as u64, over_area["total"].as_u64().unwrap());
    let whole = seed_and_wait(&served, &layer, json!({"tms": "2154_5cm", "levels": "20"})).await;
    let everywhere = tiles_on_disk(&level);
    assert_eq!(everywhere.len() as u64, whole["total"].as_u64().unwrap());
    assert!(in_area.is_subset(&everywhere));
    assert!(
        in_area.len() * 2 >= everywhere.len() && in_area.len() < everywhere.len(),
        "{} of {} tiles",
        in_area.len(),
        everywhere.len()
    );
    let (top, right) = (
        everywhere.iter().map(|t| t.0).min().unwrap(),
        everywhere.iter().map(|t| t.1).max().unwrap(),
    );
    let (bottom, left) = (
        everywhere.iter().map(|t| t.0).max().unwrap(),
        everywhere.iter().map(|t| t.1).min().unwrap(),
    );
    assert!(
        !in_area.contains(&(top, right)),
        "the north-east corner is outside the triangle"
    );
    assert!(
        in_area.contains(&(bottom, left)),
        "the south-west corner is inside"
    );
    println!("area: {} of {} tiles", in_area.len(), everywhere.len());
    // Truncating over the area leaves exactly the tiles outside it.
    seed_and_wait(
        &served,
        &layer,
        json!({"tms": "2154_5cm", "levels": "20", "area": triangle, "truncate": true}),
    )
    .await;
    let left_over = tiles_on_disk(&level);
    assert_eq!(left_over, everywhere.difference(&in_area).copied().collect());
    // A shape that is not an area is refused, naming the field.
    let point = json!({"tms": "2154_5cm", "levels": "20", "area": {"type": "Point", "coordinates": [w, s]}});
    let response = served.post_seed(&layer, &point).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("area: `Point`"));
}

/// Made-up communes in ADMIN EXPRESS's shape (field names, Lambert-93 GeoPackage): the layer's
/// west and east halves, one far away in two parts, and two features the import must skip.
fn write_communes(dir: &Path, [w, s, e, n]: [f64; 4]) -> std::path::PathBuf {
    let mid = (w + e) / 2.0;
    let commune = |code: &str, nom: &str, ring: Value| {
        json!({"type": "Feature", "properties": {"INSEE_COM": code, "NOM": nom, "INSEE_DEP": "69",
            "SIREN_EPCI": "200046977"}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    };
    let square = |x: f64, y: f64| json!([[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]);
    let geojson = json!({"type": "FeatureCollection", "features": [
        commune("69901", "Ouest", json!([[w, s], [mid, s], [mid, n], [w, n], [w, s]])),
        commune("69902", "Est", json!([[mid, s], [e, s], [e, n], [mid, n], [mid, s]])),
        commune("69903", "Ailleurs", square(4.70, 45.60)),
        commune("69903", "Ailleurs", square(4.72, 45.60)),
        commune("6990", "Code tronqué", square(4.74, 45.60)),
        {"type": "Feature", "properties": {"INSEE_COM": "69904", "NOM": "Point"},
         "geometry": {"type": "Point", "coordinates": [4.76, 45.6]}},
    ]});
    let source = dir.join("communes.geojson");
    std::fs::write(&source, geojson.to_string()).unwrap();
    // A GeoPackage in Lambert-93 like ADMIN EXPRESS's, with another layer before COMMUNE.
    let package = dir.join("ADMIN-EXPRESS.gpkg");
    for (layer, update) in [("REGION", false), ("COMMUNE", true)] {
        let status = std::process::Command::new("ogr2ogr")
            .args([
                "-f",
                "GPKG",
                "-t_srs",
                "EPSG:2154",
                "-nlt",
                "GEOMETRY",
                "-nln",
                layer,
            ])
            .args(update.then_some("-update"))
            .arg(&package)
            .arg(&source)
            .status()
            .unwrap();
        assert!(status.success());
    }
    package
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_by_commune_epci_and_departement_follows_the_imported_boundaries() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let collection = json_of(&served, &format!("/ogcapi/collections/{layer}")).await;
    let extent = &collection["extent"]["spatial"]["bbox"][0];
    let [w, s, e, n] = [0, 1, 2, 3].map(|i| extent[i].as_f64().unwrap());
    let package = write_communes(&served.dir.path(), [w, s, e, n]);
    let output = served
        .command(&["import-boundaries", package.to_str().unwrap()])
        .await;
    let printed = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(printed.contains("imported 3 commune boundaries"), "{printed}");
    assert!(printed.contains("2 features skipped"), "{printed}");
    assert!(
        printed.contains("`6990` is not a commune INSEE code"),
        "{printed}"
    );

    // Found by name or code; the outline survives the trip through Lambert-93.
    let found = json_of(&served, "/api/boundaries?kind=commune&q=ouest").await;
    assert_eq!(found["imported"]["commune"], 3);
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["epci"], "200046977");
    let outline = json_of(&served, "/api/boundaries/commune/69901").await;
    let bbox: Vec<f64> = serde_json::from_value(outline["bbox"].clone()).unwrap();
    for (got, want) in bbox.iter().zip([w, s, (w + e) / 2.0, n]) {
        assert!((got - want).abs() < 1e-7, "{bbox:?}");
    }
    let far = json_of(&served, "/api/boundaries/commune/69903").await;
    assert_eq!(
        far["geometry"]["coordinates"].as_array().unwrap().len(),
        2,
        "two parts merged"
    );

    // Seeding over the west commune draws exactly the tiles over its polygon.
    let level = served.dir.path().join(format!("tiles/{layer}/2154_5cm/20"));
    let by_commune = seed_and_wait(
        &served,
        &layer,
        json!({"tms": "2154_5cm", "levels": "20", "commune": "69901"}),
    )
    .await;
    assert_eq!(by_commune["plan"]["area"]["territory"], "commune:69901 Ouest");
    let seeded = tiles_on_disk(&level);
    assert_eq!(seeded.len() as u64, by_commune["total"].as_u64().unwrap());
    let west_half = json!({"type": "Polygon", "coordinates": [[[w, s], [(w + e) / 2.0, s], [(w + e) / 2.0, n], [w, n], [w, s]]]});
    let truncated = seed_and_wait(
        &served,
        &layer,
        json!({"tms": "2154_5cm", "levels": "20", "area": west_half, "truncate": true}),
    )
    .await;
    assert_eq!(truncated["total"], by_commune["total"]);
    assert!(
        tiles_on_disk(&level).is_empty(),
        "the commune's tiles are the drawn half's"
    );

    // The EPCI and the département, never imported themselves, are their communes: the whole layer.
    let size = |extra: &str| {
        let path = format!("/api/livrables/{layer}/cache-size?tms=2154_5cm&levels=19-20&sample=2{extra}");
        let served = &served;
        async move { json_of(served, &path).await["tiles"].as_u64().unwrap() }
    };
    let whole = size("").await;
    let west = size("&commune=69901").await;
    assert!(west > 0 && west < whole, "{west} of {whole}");
    assert_eq!(size("&epci=200046977").await, whole);
    assert_eq!(size("&departement=69").await, whole);

    // Mistakes are named.
    for (body, status, says) in [
        (
            json!({"tms": "2154_5cm", "levels": "20", "commune": "69999"}),
            422,
            "commune:69999 is not among the imported boundaries",
        ),
        (
            json!({"tms": "2154_5cm", "levels": "20", "commune": "6912"}),
            400,
            "is not a commune INSEE code",
        ),
        (
            json!({"tms": "2154_5cm", "levels": "20", "commune": "69901", "epci": "200046977"}),
            400,
            "not several",
        ),
        (
            json!({"tms": "2154_5cm", "levels": "20", "commune": "69901", "area": west_half}),
            400,
            "not several",
        ),
    ] {
        let response = served.post_seed(&layer, &body).await;
        assert_eq!(response.status(), status, "{body}");
        let text = response.text().await.unwrap();
        assert!(text.contains(says), "{body}: {text}");
    }
    let (status, _, _) = served.get("/api/boundaries/commune/69999").await;
    assert_eq!(status, 404);
    let (status, _, body) = served.get("/api/boundaries/departement/0").await;
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("is not a département code"));
    let (status, _, _) = served.get("/api/boundaries?kind=region").await;
    assert_eq!(status, 400);

    // The command line names territories too.
    let from_cli = served
        .command_json(&[
            "cache-size",
            &layer,
            "--tms",
            "2154_5cm",
            "--levels",
            "19-20",
            "--commune",
            "69901",
            "--json",
        ])
        .await;
    assert_eq!(from_cli["tiles"].as_u64().unwrap(), west);
    let output = served
        .command(&[
            "seed",
            &layer,
            "--tms",
            "2154_5cm",
            "--levels",
            "20",
            "--epci",
            "200046978",
        ])
        .await;
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("not an EPCI SIREN"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_lands_inside_the_estimate_and_truncation_drops_its_levels() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let client = reqwest::Client::new();
    let level_dir = |z: u32| served.dir.path().join(format!("tiles/{layer}/2154_5cm/{z}"));

    let estimate = json_of(
        &served,
        &format!("/api/livrables/{layer}/cache-size?tms=2154_5cm&levels=18-21&format=jpeg&sample=12"),
    )
    .await;
    let levels = estimate["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 4);
    assert!(
        levels[3]["tiles"].as_u64().unwrap() > 12,
        "level 21 is sampled, not drawn whole: {estimate}"
    );
    assert_eq!(
        levels[0]["tiles"], levels[0]["sampled"],
        "level 18 is small enough to draw whole"
    );
    let delivery = &estimate["delivery"];
    assert!(
        (delivery["area_km2"].as_f64().unwrap() - 0.16).abs() < 1e-9,
        "four 200 m dalles: {delivery}"
    );
    // 0.16 km² at 5 cm: 0.16 × (100000/5)² × 3 bytes.
    assert!((delivery["raw_bytes"].as_f64().unwrap() - 0.16 * 4e8 * 3.0).abs() < 1.0);

    let response = client
        .post(format!("{}/api/livrables/{layer}/seed", served.base))
        .header("X-API-Key", ADMIN_KEY)
        .json(&json!({"tms": "2154_5cm", "levels": "18-21", "format": "jpeg"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let run = loop {
        let run = json_of(&served, &location).await;
        if run["state"] != "running" {
            break run;
        }
        assert!(std::time::Instant::now() < deadline, "seeding never ended: {run}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(run["state"], "done", "{run}");
    assert_eq!(run["total"], estimate["tiles"]);
    let mut files = 0;
    let mut bytes = 0;
    for z in 18..=21 {
        let (f, b) = files_and_bytes(&level_dir(z));
        files += f;
        bytes += b;
    }
    assert_eq!(
        files,
        estimate["tiles"].as_u64().unwrap(),
        "every tile of the plan on disk"
    );
    let (low, high) = (
        estimate["bytes_low"].as_f64().unwrap(),
        estimate["bytes_high"].as_f64().unwrap(),
    );
    println!("estimate {low:.0}–{high:.0} bytes, real {bytes}");
    assert!(
        (low..=high).contains(&(bytes as f64)),
        "real size {bytes} outside {low}–{high}"
    );

    // Truncating level 21 only.
    let response = client
        .post(format!("{}/api/livrables/{layer}/seed", served.base))
        .header("X-API-Key", ADMIN_KEY)
        .json(&json!({"tms": "2154_5cm", "levels": "21", "format": "jpeg", "truncate": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    loop {
        let run = json_of(&served, &location).await;
        if run["state"] == "done" {
            break;
        }
        assert_eq!(run["state"], "running", "{run}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(files_and_bytes(&level_dir(21)).0, 0, "level 21 truncated");
    assert!(files_and_bytes(&level_dir(20)).0 > 0, "level 20 kept");

    // Bad plans and callers.
    for (body, status) in [
        (json!({"tms": "Nope", "levels": "1-2"}), 422),
        (json!({"tms": "2154_5cm", "levels": "23-25"}), 422),
        (json!({"tms": "2154_5cm", "levels": "x"}), 400),
        (json!({"tms": "2154_5cm", "levels": "20", "bbox": "1,2,3"}), 400),
        (
            json!({"tms": "2154_5cm", "levels": "20", "bbox": "4.8,45.7,4.9,95"}),
            400,
        ),
        (json!({"tms": "2154_5cm", "levels": "20", "colour": "red"}), 422),
    ] {
        let response = served.post_seed(&layer, &body).await;
        assert_eq!(response.status(), status, "{body}");
    }
    let anonymous = client
        .post(format!("{}/api/livrables/{layer}/seed", served.base))
        .json(&json!({"tms": "2154_5cm", "levels": "20"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_seed_resumes_where_it_stopped() {
    let served = served_folder().await;
    let plan = SeedPlan {
        layer: served.layer().to_string(),
        tms: "WebMercatorQuad".into(),
        levels: (17, 20),
        bbox: None,
        area: None,
        format: Format::Png,
    };
    let stopping = SeedProgress::default();
    stopping.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let stopped = seed(served.state.tiles(), &plan, &stopping).await;
    let Err(SeedError::Stopped(first)) = stopped else {
        panic!("expected a stop: {stopped:?}");
    };
    let total = stopping.total.load(std::sync::atomic::Ordering::Relaxed);
    assert!(first > 0 && first < total, "{first} of {total}");
    let renders = served.state.tiles().cache().stats().renders;

    let resumed = SeedProgress::default();
    assert_eq!(seed(served.state.tiles(), &plan, &resumed).await.unwrap(), total);
    let processed = resumed.processed.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(processed, total - first, "only what was left");
    assert!(served.state.tiles().cache().stats().renders - renders <= total - first);
    // Stopped again, then truncated: the next run starts over and redraws everything.
    let stopping = SeedProgress::default();
    stopping.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    served.state.tiles().cache().clear_layer(&plan.layer).await;
    assert!(seed(served.state.tiles(), &plan, &stopping).await.is_err());
    dallage::tiles::seed::truncate(served.state.tiles(), &plan)
        .await
        .unwrap();
    let over = SeedProgress::default();
    seed(served.state.tiles(), &plan, &over).await.unwrap();
    assert_eq!(
        over.processed.load(std::sync::atomic::Ordering::Relaxed),
        total,
        "started over"
    );
    // Done: a new run starts from the beginning (and finds everything cached).
    let again = SeedProgress::default();
    seed(served.state.tiles(), &plan, &again).await.unwrap();
    assert_eq!(again.processed.load(std::sync::atomic::Ordering::Relaxed), total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_estimates_like_the_api() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let from_cli = served
        .command_json(&[
            "cache-size",
            &layer,
            "--tms",
            "LAMB93",
            "--levels",
            "17-19",
            "--format",
            "png",
            "--json",
        ])
        .await;
    let from_api = json_of(
        &served,
        &format!(
            "/api/livrables/{}/cache-size?tms=LAMB93&levels=17-19&format=png",
            served.layer()
        ),
    )
    .await;
    assert_eq!(from_cli["tiles"], from_api["tiles"]);
    assert!(from_cli["tiles"].as_u64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ogc_api_tiles_serve_the_wmts_tiles() {
    let served = served_folder().await;
    let layer = served.layer().to_string();
    let landing = json_of(&served, "/ogcapi").await;
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert!(rels.contains(&"conformance") && rels.contains(&"data"));
    let conformance = json_of(&served, "/ogcapi/conformance").await;
    assert!(conformance["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().ends_with("ogcapi-tiles-1/1.0/conf/core")));
    let sets = json_of(&served, "/ogcapi/tileMatrixSets").await;
    assert_eq!(sets["tileMatrixSets"].as_array().unwrap().len(), 13);
    let lamb93 = json_of(&served, "/ogcapi/tileMatrixSets/LAMB93").await;
    assert_eq!(lamb93["tileMatrices"][0]["cellSize"], 104_579.224_549_894);
    let collections = json_of(&served, "/ogcapi/collections").await;
    assert!(collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == layer.as_str()));
    let tileset = json_of(
        &served,
        &format!("/ogcapi/collections/{layer}/map/tiles/WebMercatorQuad"),
    )
    .await;
    let limits = tileset["tileMatrixSetLimits"].as_array().unwrap();
    assert!(limits.iter().any(|l| l["tileMatrix"] == "19"), "level 19 listed");
    let (row, col) = centre_tile(&tileset, 19);
    let (status, content_type, tile) = served
        .get(&format!(
            "/ogcapi/collections/{layer}/map/tiles/WebMercatorQuad/19/{row}/{col}?f=png"
        ))
        .await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    let (_, _, wmts) = served
        .get(&format!(
            "/wmts/1.0.0/{layer}/default/WebMercatorQuad/19/{row}/{col}.png"
        ))
        .await;
    assert!(tile == wmts, "OGC API tile = WMTS tile");
    let (status, _, _) = served
        .get(&format!("/ogcapi/collections/{layer}/map/tiles/Nope/19/0/0"))
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = served
        .get(&format!(
            "/ogcapi/collections/{layer}/map/tiles/WebMercatorQuad/19/0/0?f=gif"
        ))
        .await;
    assert_eq!(status, 400);

    // The tile matrix set documents carry the 1.0 keys too, for clients that read only those.
    assert_eq!(lamb93["type"], "TileMatrixSetType");
    assert_eq!(
        lamb93["tileMatrix"][0]["topLeftCorner"],
        json!([0.0, 12_000_000.0])
    );
    let crs84 = json_of(&served, "/ogcapi/tileMatrixSets/WorldCRS84Quad").await;
    assert_eq!(
        crs84["tileMatrix"][0]["topLeftCorner"],
        json!([90.0, -180.0]),
        "EPSG:4326 order"
    );
    // GDAL 3.6's OGC API driver opens the tileset but sizes it wrongly (its tile-limit
    // handling was fixed in later releases), so GDAL reads these tiles through WMTS instead:
    // see tests/tiles.rs.
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_layer_settings_keep_tiles_out_of_the_cache_outside_their_levels() {
    let settings = "[cache.layers.\"pcrs-lyon-ortho-0\"]\nmin_level = 19\nmax_level = 19\n";
    let served = Served::start_with(
        vec![json!({"type": "file", "path": fixtures().display().to_string()})],
        settings,
    )
    .await;
    let layer = served.layer().to_string();
    assert_eq!(layer, "pcrs-lyon-ortho-0");
    let tiles = json_of(
        &served,
        &format!("/ogcapi/collections/{layer}/map/tiles/WebMercatorQuad"),
    )
    .await;
    let stats = || served.state.tiles().cache().stats();
    for (z, cached) in [(19, true), (20, false)] {
        let (row, col) = centre_tile(&tiles, z);
        let path = format!("/tiles/{layer}/{z}/{col}/{row}.png");
        let before = stats().renders;
        for _ in 0..2 {
            let (status, _, _) = served.get(&path).await;
            assert_eq!(status, 200, "{path}");
        }
        let file = served
            .dir
            .path()
            .join(format!("tiles/{layer}/WebMercatorQuad/{z}/{col}/{row}.png"));
        if cached {
            assert_eq!(stats().renders - before, 1, "level {z}: drawn once");
            assert!(file.exists(), "level {z} is cached on disk");
        } else {
            assert_eq!(stats().renders, before, "level {z}: drawn outside the cache");
            assert!(!file.exists(), "level {z} is not cached: no file");
        }
    }
    let refused = reqwest::Client::new()
        .post(format!("{}/api/livrables/{layer}/seed", served.base))
        .header("X-API-Key", ADMIN_KEY)
        .json(&json!({"tms": "WebMercatorQuad", "levels": "19-20"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422, "level 20 is not cached: nothing to seed");
}
