//! The deliverable the storage and scanner tests serve over every protocol: nested folders,
//! spaces and accents in names, full 4000×4000 PCRS dalles in JPEG 2000 and GeoTIFF, a dalle
//! georeferenced only by its world file and `.prj`, a broken JPEG 2000, vector GML (one file
//! without extension), and files that are not images. `dallage fixtures DIR` writes it; the
//! test harness calls that once and serves the result.

use std::path::Path;

use super::{
    block_extent, jp2_options_with, write_atomically, write_image, write_world_file, DalleSpec, DemoError,
    OrthoImage, Scene, COG_OPTIONS, DALLE_PIXELS, JP2_OPTIONS, LYON_GML, PIXEL, SEED,
};

/// Version of the tree: bump when its content changes so cached copies are rebuilt.
pub const FIXTURES_VERSION: &str = "3";

/// Lambert-93 WKT in ESRI form, as a `.prj` next to a world file.
const LAMBERT93_PRJ: &str = r#"PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

fn io(path: &Path) -> impl Fn(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), DemoError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    write_atomically(path, |tmp| std::fs::write(tmp, bytes).map_err(io(path)))
}

/// Writes the test deliverable under `dir` (skipped when the same version is already there).
pub fn write_scanner_fixtures(dir: &Path) -> Result<(), DemoError> {
    let stamp = dir.join(".fixtures-version");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(FIXTURES_VERSION) {
        return Ok(());
    }
    let ortho = dir.join("ortho");
    let nested = ortho.join("Dalles été 2024");
    let deeper = nested.join("sous dossier n°1");
    for folder in [&ortho, &nested, &deeper, &dir.join("vecteur")] {
        std::fs::create_dir_all(folder).map_err(io(folder))?;
    }
    let scene = Scene::generate(block_extent(), SEED);
    let dalles = DalleSpec::all();
    let render = |dalle: &DalleSpec| scene.render(dalle.extent(), DALLE_PIXELS, DALLE_PIXELS);

    // Two JPEG 2000 dalles at the top level, a GeoTIFF one in the accented folder.
    for (index, dalle) in dalles.iter().take(2).enumerate() {
        let rgb = render(dalle);
        let image = OrthoImage {
            rgb: &rgb,
            width: DALLE_PIXELS,
            height: DALLE_PIXELS,
            upper_left: dalle.upper_left(),
            pixel: PIXEL,
            epsg: Some(2154),
        };
        let stem = dalle.stem();
        write_world_file(&ortho.join(format!("{stem}.j2w")), dalle.upper_left(), PIXEL)?;
        write_image(
            &image,
            "JP2OpenJPEG",
            JP2_OPTIONS,
            &ortho.join(format!("{stem}.jp2")),
        )?;
        if index == 0 {
            // Its first bytes alone make a broken JPEG 2000.
            let bytes = std::fs::read(ortho.join(format!("{stem}.jp2"))).map_err(io(&ortho))?;
            write_file(&ortho.join("cassée.jp2"), &bytes[..2048])?;
        }
    }
    let tif_dalle = &dalles[3];
    let rgb = render(tif_dalle);
    let image = OrthoImage {
        rgb: &rgb,
        width: DALLE_PIXELS,
        height: DALLE_PIXELS,
        upper_left: tif_dalle.upper_left(),
        pixel: PIXEL,
        epsg: Some(2154),
    };
    let stem = tif_dalle.stem();
    write_world_file(&nested.join(format!("{stem}.tfw")), tif_dalle.upper_left(), PIXEL)?;
    write_image(&image, "COG", COG_OPTIONS, &nested.join(format!("{stem}.tif")))?;

    // Georeferenced only by world file + .prj: a 1000×1000 JPEG 2000 at 20 cm, no GeoJP2 box.
    let small = &dalles[4];
    let rgb = scene.render(small.extent(), 1000, 1000);
    let image = OrthoImage {
        rgb: &rgb,
        width: 1000,
        height: 1000,
        upper_left: small.upper_left(),
        pixel: 0.2,
        epsg: None,
    };
    let world_only = jp2_options_with(&["GeoJP2=NO"]);
    let name = "dalle sans géoréférencement interne";
    write_world_file(&deeper.join(format!("{name}.j2w")), small.upper_left(), 0.2)?;
    write_file(&deeper.join(format!("{name}.prj")), LAMBERT93_PRJ.as_bytes())?;
    write_image(
        &image,
        "JP2OpenJPEG",
        &world_only,
        &deeper.join(format!("{name}.jp2")),
    )?;

    // Vector PCRS, one file without extension (found by its content), and non-images.
    let (gml_name, gml) = LYON_GML[6];
    write_file(&dir.join("vecteur").join(gml_name), gml)?;
    write_file(&dir.join("vecteur").join("livraison lot 2"), LYON_GML[7].1)?;
    write_file(
        &dir.join("notice d'utilisation.pdf"),
        b"%PDF-1.4\n% notice de livraison PCRS\n",
    )?;
    write_file(&dir.join("metadonnees.xml"), b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MD_Metadata xmlns=\"http://www.isotc211.org/2005/gmd\"/>\n")?;
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend(std::iter::repeat_n(0u8, 4096));
    write_file(&dir.join("archive.zip"), &zip)?;
    std::fs::write(&stamp, FIXTURES_VERSION).map_err(io(&stamp))?;
    Ok(())
}
