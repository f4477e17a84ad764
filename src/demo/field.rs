//! Deliverables shaped like the field's, for the tests and the benchmarks that the tidy
//! scanner fixtures would not catch: tiny dalles smaller than one read block, files of exactly
//! one block and one byte over, a broken dalle of random bytes, accented and spaced folder
//! names, an unreadable file and one listed but gone, big dalles many times over.
//!
//! `dallage fixtures --field DIR` writes the tree the harness serves over its second set of
//! FTP servers; `dallage fixtures --many N DIR` writes N dalles for the scan benchmark (one real
//! 4000×4000 JPEG 2000, hard-linked under N names, each with its own world file).

use std::path::Path;

use super::{
    block_extent, jp2_options_with, write_atomically, write_image, write_world_file, DalleSpec, DemoError,
    OrthoImage, Scene, DALLE_METRES, DALLE_PIXELS, PIXEL, SEED,
};

/// Version of the field tree: bump when its content changes so cached copies are rebuilt.
pub const FIELD_VERSION: &str = "2";

/// The delivery folder of the first case: accents, spaces, a dash and `n°`.
pub const DELIVERY: &str = "livraison/Livraison 2024/Lot n°1 — Centre";

/// Sizes of the files of `blocs/` around the 256 KiB FTP read block: smaller than one block,
/// exactly one, one byte over, one byte short of two.
pub const BLOCK_FILES: &[(&str, usize)] = &[
    ("petit.bin", 3000),
    ("un-bloc.bin", 256 << 10),
    ("un-bloc-plus-un.bin", (256 << 10) + 1),
    ("deux-blocs-moins-un.bin", (512 << 10) - 1),
];

/// Big dalles in `grandes/`: the same 4000×4000 JPEG 2000 under this many names.
pub const BIG_DALLES: usize = 24;

/// Dalles per folder in `--many` trees.
const DALLES_PER_FOLDER: usize = 200;

fn io(path: &Path) -> impl Fn(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn create_dir(path: &Path) -> Result<(), DemoError> {
    std::fs::create_dir_all(path).map_err(io(path))
}

/// The byte at `offset` of the deterministic content of the block files (and of the broken
/// dalle): a 64-bit mix of the offset, so any shifted or misplaced byte shows.
pub fn field_byte(offset: u64) -> u8 {
    let mut x = offset.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as u8
}

fn field_bytes(len: usize) -> Vec<u8> {
    (0..len as u64).map(field_byte).collect()
}

/// How a small dalle is written.
#[derive(Clone, Copy)]
enum Small {
    /// Lossy JPEG 2000, one codestream tile, 3 resolution levels, GeoJP2, `.j2w`.
    Jp2,
    /// Tiled (256²) JPEG GeoTIFF, `.tfw`.
    GeoTiff,
}

/// A dalle of the demo block at `pixels`² (coarser than 5 cm) with its world file, in
/// `folder`; returns its file name without extension.
fn small_dalle(
    scene: &Scene,
    dalle: &DalleSpec,
    pixels: usize,
    folder: &Path,
    kind: Small,
) -> Result<String, DemoError> {
    let pixel = DALLE_METRES / pixels as f64;
    let rgb = scene.render(dalle.extent(), pixels, pixels);
    let image = OrthoImage {
        rgb: &rgb,
        width: pixels,
        height: pixels,
        upper_left: dalle.upper_left(),
        pixel,
        epsg: Some(2154),
    };
    let stem = dalle
        .stem()
        .replace("0M05", &format!("0M{:02}", (pixel * 100.0).round() as u32));
    let (driver, options, extension, world) = match kind {
        Small::Jp2 => (
            "JP2OpenJPEG",
            jp2_options_with(&["RESOLUTIONS=3", "BLOCKXSIZE=512", "BLOCKYSIZE=512"]),
            "jp2",
            "j2w",
        ),
        Small::GeoTiff => (
            "GTiff",
            vec![
                "TILED=YES",
                "BLOCKXSIZE=256",
                "BLOCKYSIZE=256",
                "COMPRESS=JPEG",
                "PHOTOMETRIC=YCBCR",
            ],
            "tif",
            "tfw",
        ),
    };
    write_world_file(&folder.join(format!("{stem}.{world}")), dalle.upper_left(), pixel)?;
    write_image(
        &image,
        driver,
        &options,
        &folder.join(format!("{stem}.{extension}")),
    )?;
    Ok(stem)
}

/// A real 4000×4000 lossy JPEG 2000 dalle with no georeferencing inside (world files place its
/// copies), written at `path`.
fn big_dalle(scene: &Scene, path: &Path) -> Result<(), DemoError> {
    let dalle = DalleSpec { column: 1, row: 1 };
    let rgb = scene.render(dalle.extent(), DALLE_PIXELS, DALLE_PIXELS);
    let image = OrthoImage {
        rgb: &rgb,
        width: DALLE_PIXELS,
        height: DALLE_PIXELS,
        upper_left: dalle.upper_left(),
        pixel: PIXEL,
        epsg: None,
    };
    write_image(&image, "JP2OpenJPEG", &jp2_options_with(&["GeoJP2=NO"]), path)
}

/// Hard-links `source` as dalle `index` of a grid `columns` wide, with its own world file, in
/// a folder of [`DALLES_PER_FOLDER`]; returns nothing when it already exists.
fn link_dalle(source: &Path, dir: &Path, index: usize, columns: usize) -> Result<(), DemoError> {
    let folder = dir.join(format!("lot {:03}", index / DALLES_PER_FOLDER + 1));
    let x = 800_000.0 + (index % columns) as f64 * DALLE_METRES;
    let y = 6_600_000.0 - (index / columns) as f64 * DALLE_METRES;
    let stem = format!("2024-{:07}-{:07}-LA93-0M05-RVB", x as i64, y as i64);
    let jp2 = folder.join(format!("{stem}.jp2"));
    if jp2.exists() {
        return Ok(());
    }
    create_dir(&folder)?;
    write_world_file(&folder.join(format!("{stem}.j2w")), (x, y), PIXEL)?;
    std::fs::hard_link(source, &jp2).map_err(io(&jp2))
}

/// Writes the field tree under `dir` (skipped when the same version is already there):
///
/// - `livraison/Livraison 2024/Lot n°1 — Centre/`: four 400² JPEG 2000 dalles (a few KB,
///   under one read block) with world files, two tiled JPEG GeoTIFFs in `sous dossier/`, and
///   `dalle cassée.jp2`, 5 000 random bytes;
/// - `pieges/`: a good dalle, `illisible.jp2` that the server may not read (mode 000) and
///   `disparue.jp2`, a link to nothing: listed, gone when read;
/// - `blocs/`: [`BLOCK_FILES`], whose bytes are [`field_byte`];
/// - `grandes/`: [`BIG_DALLES`] names of one real 4000×4000 dalle, each with its world file.
pub fn write_field_fixtures(dir: &Path) -> Result<(), DemoError> {
    let stamp = dir.join(".fixtures-version");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(FIELD_VERSION) {
        return Ok(());
    }
    let scene = Scene::generate(block_extent(), SEED);
    let dalles = DalleSpec::all();

    let delivery = dir.join(DELIVERY);
    let below = delivery.join("sous dossier");
    create_dir(&below)?;
    for dalle in dalles.iter().take(4) {
        small_dalle(&scene, dalle, 400, &delivery, Small::Jp2)?;
    }
    for dalle in dalles.iter().skip(4).take(2) {
        small_dalle(&scene, dalle, 500, &below, Small::GeoTiff)?;
    }
    let broken: Vec<u8> = (0..5000u64).map(|i| field_byte(i * 7 + 11)).collect();
    let broken_path = delivery.join("dalle cassée.jp2");
    write_atomically(&broken_path, |tmp| {
        std::fs::write(tmp, &broken).map_err(io(&broken_path))
    })?;

    let traps = dir.join("pieges");
    create_dir(&traps)?;
    let good = small_dalle(&scene, &dalles[6], 400, &traps, Small::Jp2)?;
    let unreadable = traps.join("illisible.jp2");
    let _ = std::fs::remove_file(&unreadable);
    std::fs::copy(traps.join(format!("{good}.jp2")), &unreadable).map_err(io(&unreadable))?;
    set_mode(&unreadable, 0o000)?;
    let gone = traps.join("disparue.jp2");
    let _ = std::fs::remove_file(&gone);
    std::os::unix::fs::symlink("absente.jp2", &gone).map_err(io(&gone))?;

    let blocks = dir.join("blocs");
    create_dir(&blocks)?;
    for (name, size) in BLOCK_FILES {
        let path = blocks.join(name);
        write_atomically(&path, |tmp| {
            std::fs::write(tmp, field_bytes(*size)).map_err(io(&path))
        })?;
    }

    let big = dir.join("grandes");
    create_dir(&big)?;
    let source = dir.join(".source-4000.jp2");
    if !source.exists() {
        big_dalle(&scene, &source)?;
    }
    for index in 0..BIG_DALLES {
        link_dalle(&source, &big, index, 6)?;
    }
    std::fs::write(&stamp, FIELD_VERSION).map_err(io(&stamp))?;
    Ok(())
}

/// Writes `count` dalles under `dir` for the scan benchmark: one real 4000×4000 JPEG 2000
/// (made once), hard-linked under `count` PCRS names on a 100-column grid, 200 to a folder,
/// each with its own world file. Existing names are kept, so a second run is quick.
pub fn write_many_dalles(dir: &Path, count: usize) -> Result<(), DemoError> {
    create_dir(dir)?;
    let source = dir.join(".source-4000.jp2");
    if !source.exists() {
        let scene = Scene::generate(block_extent(), SEED);
        big_dalle(&scene, &source)?;
    }
    for index in 0..count {
        link_dalle(&source, dir, index, 100)?;
    }
    Ok(())
}

fn set_mode(path: &Path, mode: u32) -> Result<(), DemoError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))
}
