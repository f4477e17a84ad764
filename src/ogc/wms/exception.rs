//! WMS exceptions as images: the requested image with the message written in it (`INIMAGE`),
//! or an empty one (`BLANK`). XML reports are `OwsError`'s, in each version's format.

use actix_web::HttpResponse;

use super::params::Version;
use crate::ogc::common::{draw_text, OwsError};
use crate::raster::{encode, EncodeOptions, Format, Image};

/// The requested image with the message of `err` in it (`INIMAGE`), or empty (`BLANK`); the
/// XML report when the image cannot be made.
pub fn image(
    err: &OwsError,
    version: Version,
    width: u32,
    height: u32,
    options: &EncodeOptions,
    with_text: bool,
) -> HttpResponse {
    let mut image = Image::transparent(width, height);
    if !options.transparent || options.format == Format::Jpeg {
        let [r, g, b] = options.background;
        for pixel in image.rgba.chunks_exact_mut(4) {
            pixel.copy_from_slice(&[r, g, b, 255]);
        }
    }
    if with_text {
        let code = err.code_in(version.report()).unwrap_or("Error");
        draw_text(
            &mut image,
            &format!("{code}: {}", err.message),
            [200, 0, 0, 255],
            4,
            4,
            1,
        );
    }
    match encode(&image, options) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type(options.format.mime_of(&bytes))
            .body(bytes),
        Err(_) => err.report(version.report()),
    }
}
