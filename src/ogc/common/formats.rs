//! The image formats each service offers, taken from the encoder's [`Format`]: what a service
//! advertises, what it accepts and what its errors list are one list, so they cannot disagree.

use crate::raster::Format;

/// The image formats a service offers, in the order its documents list them.
#[derive(Debug, Clone, Copy)]
pub struct Offered(&'static [Format]);

impl Offered {
    /// Map services (WMS GetMap): PNG first, the format every client understands.
    pub const MAPS: Offered = Offered(&[Format::Png, Format::Jpeg, Format::Webp, Format::JpegPng]);
    /// Tile services (WMTS, TMS, XYZ, OGC API Tiles): `image/vnd.jpeg-png` first, since clients
    /// that take the first (GDAL) then get JPEG inside the data and PNG over its edges.
    pub const TILES: Offered = Offered(&[Format::JpegPng, Format::Jpeg, Format::Png, Format::Webp]);
    /// Legends: PNG only.
    pub const LEGENDS: Offered = Offered(&[Format::Png]);

    /// The formats, in order.
    pub fn formats(&self) -> &'static [Format] {
        self.0
    }

    /// The offered format a MIME type or an extension names.
    pub fn parse(&self, text: &str) -> Option<Format> {
        Format::parse(text).filter(|format| self.0.contains(format))
    }

    /// The MIME types, in order, for documents and messages.
    pub fn mimes(&self) -> String {
        mimes_of(self.0)
    }

    /// The file extensions (`.jpeg-png, .jpg…`), in order, for messages about tile paths.
    pub fn extensions(&self) -> String {
        extensions_of(self.0)
    }
}

/// `image/png, image/jpeg…`.
pub fn mimes_of(formats: &[Format]) -> String {
    formats.iter().map(|f| f.mime()).collect::<Vec<_>>().join(", ")
}

/// `.png, .jpg…`.
pub fn extensions_of(formats: &[Format]) -> String {
    formats
        .iter()
        .map(|f| format!(".{}", f.extension()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_accepts_what_it_lists() {
        for offered in [Offered::MAPS, Offered::TILES, Offered::LEGENDS] {
            for format in offered.formats() {
                assert_eq!(offered.parse(format.mime()), Some(*format));
                assert_eq!(offered.parse(format.extension()), Some(*format));
                assert!(offered.mimes().contains(format.mime()));
                assert!(offered.extensions().contains(&format!(".{}", format.extension())));
            }
        }
        assert_eq!(Offered::LEGENDS.parse("image/jpeg"), None);
        assert_eq!(
            Offered::TILES.mimes(),
            "image/vnd.jpeg-png, image/jpeg, image/png, image/webp"
        );
    }
}
