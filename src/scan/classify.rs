//! What kind of file a scan found: by extension, corrected by content (the first bytes) where
//! the extension is missing, ambiguous or lying.

use serde::Serialize;

/// Kinds of files in a PCRS deliverable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileClass {
    /// JPEG 2000 image (.jp2, .j2k).
    Jpeg2000,
    /// GeoTIFF image (.tif, .tiff, .geotif, .geotiff).
    Geotiff,
    /// ESRI world file (.j2w, .tfw, .wld, ...).
    WorldFile,
    /// MapInfo georeferencing (.tab).
    Tab,
    /// ESRI projection (.prj).
    Prj,
    /// GDAL side file (.aux.xml).
    AuxXml,
    /// GML (vector PCRS).
    Gml,
    /// Other XML (metadata).
    Xml,
    /// Part of a Shapefile.
    Shapefile,
    /// GeoPackage.
    Geopackage,
    /// AutoCAD DXF.
    Dxf,
    /// AutoCAD DWG.
    Dwg,
    /// LiDAR point cloud.
    Las,
    /// Compressed LiDAR point cloud.
    Laz,
    /// Archive (.zip, .7z, .tar.gz...).
    Archive,
    /// Anything else.
    Other,
}

impl FileClass {
    /// The name stored in the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            FileClass::Jpeg2000 => "jpeg2000",
            FileClass::Geotiff => "geotiff",
            FileClass::WorldFile => "world_file",
            FileClass::Tab => "tab",
            FileClass::Prj => "prj",
            FileClass::AuxXml => "aux_xml",
            FileClass::Gml => "gml",
            FileClass::Xml => "xml",
            FileClass::Shapefile => "shapefile",
            FileClass::Geopackage => "geopackage",
            FileClass::Dxf => "dxf",
            FileClass::Dwg => "dwg",
            FileClass::Las => "las",
            FileClass::Laz => "laz",
            FileClass::Archive => "archive",
            FileClass::Other => "other",
        }
    }

    /// An image the mosaic can serve.
    pub fn is_image(self) -> bool {
        matches!(self, FileClass::Jpeg2000 | FileClass::Geotiff)
    }

    /// A vector PCRS format.
    pub fn is_vector(self) -> bool {
        matches!(
            self,
            FileClass::Gml | FileClass::Geopackage | FileClass::Dxf | FileClass::Dwg | FileClass::Shapefile
        )
    }

    /// Whether the first bytes are worth reading to confirm or find the class.
    pub fn wants_sniffing(self) -> bool {
        matches!(self, FileClass::Xml | FileClass::Other)
    }
}

/// The class a file name suggests.
pub fn by_name(name: &str) -> FileClass {
    let lower = name.to_lowercase();
    if lower.ends_with(".aux.xml") {
        return FileClass::AuxXml;
    }
    for suffix in [".tar.gz", ".tar.bz2", ".tar.xz"] {
        if lower.ends_with(suffix) {
            return FileClass::Archive;
        }
    }
    let extension = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension {
        "jp2" | "j2k" | "j2c" | "jpf" | "jpx" => FileClass::Jpeg2000,
        "tif" | "tiff" | "geotif" | "geotiff" => FileClass::Geotiff,
        "j2w" | "jpw" | "jgw" | "tfw" | "tifw" | "wld" => FileClass::WorldFile,
        "tab" => FileClass::Tab,
        "prj" => FileClass::Prj,
        "gml" => FileClass::Gml,
        "xml" | "xsd" => FileClass::Xml,
        "shp" | "shx" | "dbf" | "cpg" | "sbn" | "sbx" | "qix" => FileClass::Shapefile,
        "gpkg" => FileClass::Geopackage,
        "dxf" => FileClass::Dxf,
        "dwg" => FileClass::Dwg,
        "las" => FileClass::Las,
        "laz" => FileClass::Laz,
        "zip" | "7z" | "rar" | "tar" | "gz" | "tgz" | "bz2" | "xz" => FileClass::Archive,
        _ => FileClass::Other,
    }
}

/// The class the first bytes of a file show, when they are conclusive.
pub fn by_content(head: &[u8]) -> Option<FileClass> {
    const JP2: &[u8] = &[0, 0, 0, 0x0C, b'j', b'P', b' ', b' ', 0x0D, 0x0A, 0x87, 0x0A];
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(JP2) || starts(&[0xFF, 0x4F, 0xFF, 0x51]) {
        return Some(FileClass::Jpeg2000);
    }
    if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        return Some(FileClass::Geotiff);
    }
    if starts(b"PK\x03\x04") || starts(b"7z\xBC\xAF\x27\x1C") || starts(b"Rar!") || starts(&[0x1F, 0x8B]) {
        return Some(FileClass::Archive);
    }
    if starts(b"SQLite format 3\0") {
        return Some(FileClass::Geopackage);
    }
    if starts(b"LASF") {
        return Some(FileClass::Las);
    }
    if starts(b"AC10") {
        return Some(FileClass::Dwg);
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        let is_gml = text.contains("http://www.opengis.net/gml")
            || text.contains("cnig.gouv.fr/pcrs")
            || text.contains("<gml:");
        return Some(if is_gml { FileClass::Gml } else { FileClass::Xml });
    }
    if trimmed.starts_with("0\r\nSECTION") || trimmed.starts_with("0\nSECTION") {
        return Some(FileClass::Dxf);
    }
    None
}

/// Combines name and content: content wins when it is conclusive, except that text formats
/// keep their more specific name (`.gml` stays GML, `.aux.xml` stays a side file).
pub fn classify(name: &str, head: Option<&[u8]>) -> FileClass {
    let named = by_name(name);
    match head.and_then(by_content) {
        Some(FileClass::Xml) if matches!(named, FileClass::Gml | FileClass::AuxXml) => named,
        Some(found) => found,
        None => named,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_contents() {
        assert_eq!(
            by_name("2024-0846200-6526400-LA93-0M05-RVB.JP2"),
            FileClass::Jpeg2000
        );
        assert_eq!(by_name("a.tif.aux.xml"), FileClass::AuxXml);
        assert_eq!(by_name("lot.tar.gz"), FileClass::Archive);
        assert_eq!(by_name("dalle.tfw"), FileClass::WorldFile);
        assert_eq!(by_name("notice"), FileClass::Other);
        assert_eq!(
            classify("x.jp2", Some(b"II*\0abc")),
            FileClass::Geotiff,
            "content wins"
        );
        assert_eq!(
            classify("data.bin", Some(b"\0\0\0\x0cjP  \r\n\x87\n")),
            FileClass::Jpeg2000
        );
        assert_eq!(
            classify("lot.xml", Some(b"<?xml version=\"1.0\"?><PlanCorpsRueSimplifie xmlns:gml=\"http://www.opengis.net/gml/3.2\">")),
            FileClass::Gml
        );
        assert_eq!(
            classify("meta.xml", Some(b"<?xml version=\"1.0\"?><gmd:MD_Metadata>")),
            FileClass::Xml
        );
        assert_eq!(
            classify("broken.jp2", Some(b"not an image")),
            FileClass::Jpeg2000,
            "name when content says nothing"
        );
        assert!(FileClass::Geotiff.is_image() && !FileClass::WorldFile.is_image());
    }
}
