//! Decoding JPEG 2000 windows with OpenJPEG instead of whole codestream tiles: the same pixels
//! as the whole block GDAL decodes, at every resolution level, from a folder and over FTP; a
//! cold request takes a window, the second ask of a block takes the block, and a map drawn
//! from windows is byte for byte the map drawn from cached blocks.

mod common;

use std::sync::atomic::Ordering;

use common::served::Served;
use common::*;
use dallage::raster::{gdal_block, with_policy, Dalle, DecodePolicy, DecodedCache};
use serde_json::json;

/// Held by the tests that count the process-wide decoded cache's windows and blocks, so that
/// one's decodes never land in the other's count.
static GLOBAL_COUNTS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every pixel of `wanted` (level pixels) of `dalle`, decoded by OpenJPEG as a window and as a
/// whole block, compared with GDAL's decoding of the block; returns how many pixels were
/// compared.
fn window_equals_block(dalle: &Dalle, level: u8, wanted: [u32; 4]) -> usize {
    let info = dalle.levels[level as usize];
    let (column, row) = (wanted[0] / info.block_width, wanted[1] / info.block_height);
    // A cache of its own: the tests of this file run at once, each with a catalogue of its
    // own whose dalle ids are the same numbers.
    let cache = DecodedCache::new(64 << 20);
    let window = cache.pixels(dalle, level, column, row, wanted).unwrap();
    assert!(
        cache.counts().windows.load(Ordering::Relaxed) == 1,
        "{}: level {level} {wanted:?} was decoded as a window",
        dalle.path
    );
    assert_eq!((window.x, window.y), (wanted[0], wanted[1]));
    let block = with_policy(DecodePolicy::WholeBlocks, || {
        cache.pixels(dalle, level, column, row, wanted)
    })
    .unwrap();
    let gdal = gdal_block(dalle, level, column, row).unwrap();
    let info = dalle.levels[level as usize];
    let (gdal_x, gdal_y) = (column * info.block_width, row * info.block_height);
    assert_eq!(
        (block.block.width, block.block.height),
        (gdal.width, gdal.height),
        "{}: level {level}, block ({column}, {row}) has GDAL's size",
        dalle.path
    );
    // The whole block, as OpenJPEG decodes it for the cache, is GDAL's.
    for index in 0..(gdal.width * gdal.height) as usize {
        assert_eq!(
            block.block.pixel(index),
            gdal.pixel(index),
            "{}: level {level}, block ({column}, {row}), pixel {index}",
            dalle.path
        );
    }
    let mut compared = 0;
    for y in wanted[1]..wanted[3] {
        for x in wanted[0]..wanted[2] {
            let in_window = ((y - window.y) * window.block.width + (x - window.x)) as usize;
            let in_gdal = ((y - gdal_y) * gdal.width + (x - gdal_x)) as usize;
            assert_eq!(
                window.block.pixel(in_window),
                gdal.pixel(in_gdal),
                "{}: level {level}, pixel ({x}, {y})",
                dalle.path
            );
            compared += 1;
        }
    }
    compared
}

#[tokio::test]
async fn windows_decode_the_pixels_whole_blocks_do() {
    let (user, password) = login();
    let ftp = json!({"type": "ftp", "host": "127.0.0.1", "port": harness_setting("DALLAGE_TEST_FTP_PORT").parse::<i32>().unwrap(),
                     "path": "/", "username": user, "password": password});
    let folder = json!({"type": "file", "path": fixtures().display().to_string()});
    let served = Served::start(vec![folder, ftp]).await;
    for layer in served.layers.clone() {
        let mosaic = served.state.mosaics().get(&layer).unwrap();
        // GDAL reads remote files on the blocking pool only, as the server does.
        let compared = served
            .state
            .workers()
            .run(move || compare_layer(&mosaic))
            .await
            .unwrap();
        assert!(compared >= 2 * 256 * 256, "{layer}: {compared} pixels compared");
    }
}

fn compare_layer(mosaic: &dallage::raster::Mosaic) -> usize {
    let dalles: Vec<&Dalle> = mosaic
        .groups
        .iter()
        .flat_map(|g| g.dalles())
        .filter(|d| d.jpeg2000 && d.levels[0].block_width >= 1024)
        .collect();
    assert!(
        !dalles.is_empty(),
        "{}: a tiled 4000² JPEG 2000 dalle",
        mosaic.name
    );
    let mut compared = 0;
    for dalle in dalles {
        // Full resolution: a 256² window across no tile edge, one at the last tile's edge.
        compared += window_equals_block(dalle, 0, [300, 520, 556, 776]);
        compared += window_equals_block(dalle, 0, [3100, 3200, 3356, 3456]);
        // Reduced: 1/2 (512² tiles) gets whole blocks by policy, so ask at 1/2 for a
        // window small enough to stay a window only where tiles stay 1024² wide.
        let half = &dalle.levels[1];
        if half.block_width >= 1024 {
            compared += window_equals_block(dalle, 1, [10, 10, 200, 150]);
        }
    }
    compared
}

#[tokio::test]
async fn a_cold_map_drawn_from_windows_is_the_map_drawn_from_blocks() {
    let served = Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await;
    let layer = served.layer().to_string();
    let _alone = GLOBAL_COUNTS.lock().await;
    let cache = DecodedCache::global();
    // 256 × 256 at 5 cm inside the first dalle, in Lambert-93 and in Web Mercator.
    for (crs, bbox) in [
        ("EPSG:2154", "846215.0,6526213.0,846227.8,6526225.8"),
        ("EPSG:3857", "543790.0,5751570.0,543808.4,5751588.4"),
    ] {
        let query = format!(
            "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={layer}&STYLES=&CRS={crs}&BBOX={bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png"
        );
        let windows = cache.counts().windows.load(Ordering::Relaxed);
        let blocks = cache.counts().blocks.load(Ordering::Relaxed);
        let (status, _, cold) = served.wms(&query).await;
        assert_eq!(status, 200, "{crs}");
        assert!(
            cache.counts().windows.load(Ordering::Relaxed) > windows,
            "{crs}: the cold map decoded windows"
        );
        // Asked again and again, the blocks become warm, are decoded whole and kept: every
        // answer is the same bytes.
        let mut answers = 1;
        while cache.counts().blocks.load(Ordering::Relaxed) == blocks && answers < 10 {
            let (_, _, again) = served.wms(&query).await;
            assert!(
                again == cold,
                "{crs}: a map does not depend on what the cache holds"
            );
            answers += 1;
        }
        assert!(
            cache.counts().blocks.load(Ordering::Relaxed) > blocks,
            "{crs}: blocks decoded whole once warm ({answers} answers)"
        );
        let (_, _, warm) = served.wms(&query).await;
        assert!(warm == cold, "{crs}: from the cached blocks");
    }
    // /metrics counts them too, in Prometheus' text format.
    let (status, content_type, body) = served.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = String::from_utf8(body).unwrap();
    let value = |name: &str| -> u64 {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in\n{text}"));
        line[name.len() + 1..].parse().unwrap()
    };
    assert!(
        text.contains("# TYPE dallage_decoded_windows_total counter"),
        "{text}"
    );
    assert!(value("dallage_decoded_windows_total") >= 2, "{text}");
    assert!(value("dallage_decoded_blocks_total") >= 2, "{text}");
    assert!(value("dallage_decoded_cache_bytes") > 0, "{text}");
    assert!(value("process_resident_memory_bytes") > 1 << 20, "{text}");
    assert!(text.contains("dallage_storage_read_bytes_total "), "{text}");
}

/// Tiles (asked in batches by map views and by seeding) read whole blocks and keep them: the
/// next tiles read them too. A tile asked alone (the size calculator's samples) takes a
/// window of a cold block instead.
#[tokio::test]
async fn tiles_decode_whole_blocks_lone_tiles_windows() {
    let served = Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await;
    let layer = served.layer().to_string();
    let mosaic = served.state.mosaics().get(&layer).unwrap();
    // The easternmost tiled JPEG 2000 dalle (the cold map reads the western one) and its
    // bottom-right codestream tile: no other test here reads it with the process's cache.
    let dalle = easternmost_tiled_dalle(&mosaic);
    let [min_x, min_y, _, max_y] = dalle.bbox;
    let area = [min_x + 160.0, min_y + 5.0, min_x + 185.0, min_y + 30.0];
    let set = dallage::tiles::matrix_sets::get("2154_5cm").unwrap();
    let z = set.level_for(0.05);
    let range = set.matrix(z).unwrap().tiles_over(area).unwrap();
    assert!(range.count() >= 4, "{range:?}");
    let request = |row: u32, col: u32| dallage::tiles::TileRequest {
        layer: layer.clone(),
        tms: set.id.clone(),
        z,
        row,
        col,
        format: dallage::raster::Format::Jpeg,
    };
    let _alone = GLOBAL_COUNTS.lock().await;
    let cache = DecodedCache::global();
    let windows = cache.counts().windows.load(Ordering::Relaxed);
    let blocks = cache.counts().blocks.load(Ordering::Relaxed);
    for row in range.min_row..=range.max_row {
        for col in range.min_col..=range.max_col {
            let answer = served.state.tiles().tile(&request(row, col)).await.unwrap();
            assert!(
                matches!(answer, dallage::tiles::TileAnswer::Tile(_)),
                "tile {z}/{row}/{col} drawn"
            );
        }
    }
    assert_eq!(
        cache.counts().windows.load(Ordering::Relaxed),
        windows,
        "tiles decoded no window"
    );
    assert!(
        cache.counts().blocks.load(Ordering::Relaxed) > blocks,
        "tiles decoded whole blocks"
    );
    // A lone tile in the dalle's top-left codestream tile (cold: no test here reads it with
    // the process's cache; the cold map reads the bottom-left one).
    let lone = set
        .matrix(z)
        .unwrap()
        .tiles_over([min_x + 10.0, max_y - 11.0, min_x + 11.0, max_y - 10.0])
        .unwrap();
    let blocks = cache.counts().blocks.load(Ordering::Relaxed);
    let answer = served
        .state
        .tiles()
        .lone_tile(&request(lone.min_row, lone.min_col))
        .await
        .unwrap();
    assert!(matches!(answer, dallage::tiles::TileAnswer::Tile(_)));
    assert!(
        cache.counts().windows.load(Ordering::Relaxed) > windows,
        "a lone tile decoded a window"
    );
    assert_eq!(
        cache.counts().blocks.load(Ordering::Relaxed),
        blocks,
        "a lone tile kept no block"
    );
}

/// The easternmost 4000² JPEG 2000 dalle in 1024² codestream tiles of a layer.
fn easternmost_tiled_dalle(mosaic: &dallage::raster::Mosaic) -> &Dalle {
    mosaic
        .groups
        .iter()
        .flat_map(|g| g.dalles())
        .filter(|d| d.jpeg2000 && d.levels[0].block_width == 1024)
        .max_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]))
        .expect("a tiled 4000² JPEG 2000 dalle")
}

/// A cold block beside a cached one is decoded whole (the area is being browsed: the next
/// asks fall there too); a cold block away from any is read as a window.
#[tokio::test]
async fn a_block_beside_a_cached_one_is_decoded_whole() {
    let served = Served::start(vec![
        json!({"type": "file", "path": fixtures().display().to_string()}),
    ])
    .await;
    let mosaic = served.state.mosaics().get(served.layer()).unwrap();
    let (beside, away) = served
        .state
        .workers()
        .run(move || {
            let dalle = easternmost_tiled_dalle(&mosaic);
            let cache = DecodedCache::new(256 << 20);
            let counts = |cache: &DecodedCache| {
                (
                    cache.counts().windows.load(Ordering::Relaxed),
                    cache.counts().blocks.load(Ordering::Relaxed),
                )
            };
            cache.block(dalle, 0, 1, 1).unwrap();
            cache.pixels(dalle, 0, 2, 2, [2100, 2100, 2356, 2356]).unwrap();
            let beside = counts(&cache);
            cache.pixels(dalle, 0, 0, 3, [100, 3200, 356, 3456]).unwrap();
            (beside, counts(&cache))
        })
        .await
        .unwrap();
    assert_eq!(beside, (0, 2), "block (2, 2), beside (1, 1), decoded whole");
    assert_eq!(away, (1, 2), "block (0, 3), away from both, read as a window");
}

/// A cold window over nginx, FTP and SFTP reads the codestream's main header and the
/// tile-parts under the window (found by the TLM marker, or by walking the tile-part headers
/// once per file), not the file: the
/// fixture's 4000² dalles hold 16 codestream tiles, and a window inside one reads under a
/// quarter of the file, block rounding of the storage's reads included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cold_window_over_a_remote_storage_reads_only_its_tile_parts() {
    let all = storages();
    let names = ["nginx", "ftp", "sftp"];
    let pick = |name: &str| all.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let served = Served::start(names.iter().map(|n| pick(n)).collect()).await;
    for (name, layer) in names.iter().zip(served.layers.clone()) {
        let mosaic = served.state.mosaics().get(&layer).unwrap();
        let (read, requests, size) = served
            .state
            .workers()
            .run(move || read_for_one_window(&mosaic))
            .await
            .unwrap();
        eprintln!(
            "{name}: a cold 256² window read {read} bytes in {requests} requests, of a {size}-byte file"
        );
        assert!(
            read > 0,
            "{name}: the window's tile-part was read from the storage"
        );
        assert!(read * 4 < size, "{name}: {read} bytes read of {size}");
    }
}

/// Bytes and requests a cold 256² window inside codestream tile (1, 1) of the first tiled
/// JPEG 2000 dalle costs its storage (a tile no other test of this file decodes), and the
/// file's size.
fn read_for_one_window(mosaic: &dallage::raster::Mosaic) -> (u64, u64, u64) {
    let dalle = mosaic
        .groups
        .iter()
        .flat_map(|g| g.dalles())
        .find(|d| d.jpeg2000 && d.levels[0].block_width == 1024)
        .expect("a tiled 4000² JPEG 2000 dalle");
    let dallage::storage::FileSource::Remote { storage, .. } = &dalle.source else {
        panic!("{}: a remote dalle", dalle.path);
    };
    let storage = dallage::storage::vsi::mounted(storage).expect("mounted for GDAL");
    let size = std::fs::metadata(fixtures().join(&dalle.path)).unwrap().len();
    let (bytes, requests) = (storage.stats().bytes(), storage.stats().request_count());
    let wanted = [1100, 1100, 1356, 1356];
    DecodedCache::new(64 << 20)
        .pixels(dalle, 0, 1, 1, wanted)
        .unwrap();
    (
        storage.stats().bytes() - bytes,
        storage.stats().request_count() - requests,
        size,
    )
}
