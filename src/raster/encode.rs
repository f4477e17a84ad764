//! Encoding rendered images as PNG, JPEG or WebP, with a background colour where the image is
//! transparent and the format or the client wants it opaque.

use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use super::image::Image;

/// Output formats of the map services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PNG (keeps transparency).
    Png,
    /// JPEG (opaque).
    Jpeg,
    /// WebP, lossless (keeps transparency).
    Webp,
    /// `image/vnd.jpeg-png`: JPEG where the image is opaque, PNG where it has transparent
    /// pixels (data edges): small tiles inside the data, no white fringe at its edges.
    #[serde(rename = "jpeg-png")]
    JpegPng,
}

impl Format {
    /// Parses a MIME type (`image/png`, `image/png; mode=8bit`, `image/jpeg`, `image/webp`) or an
    /// extension (`png`, `jpg`, `jpeg`, `webp`).
    pub fn parse(text: &str) -> Option<Format> {
        let text = text.trim().to_ascii_lowercase();
        let base = text.split(';').next().unwrap_or("").trim();
        match base {
            "image/png" | "png" | "image/png8" => Some(Format::Png),
            "image/jpeg" | "image/jpg" | "jpeg" | "jpg" => Some(Format::Jpeg),
            "image/webp" | "webp" => Some(Format::Webp),
            "image/vnd.jpeg-png" | "jpeg-png" => Some(Format::JpegPng),
            _ => None,
        }
    }

    /// The MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
            Format::JpegPng => "image/vnd.jpeg-png",
        }
    }

    /// The MIME type of encoded bytes: the format's, or for `jpeg-png` the one chosen.
    pub fn mime_of(self, bytes: &[u8]) -> &'static str {
        match self {
            Format::JpegPng if bytes.starts_with(&[0xFF, 0xD8]) => "image/jpeg",
            Format::JpegPng => "image/png",
            other => other.mime(),
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
            Format::JpegPng => "jpeg-png",
        }
    }

    /// Whether the format can carry transparency.
    pub fn has_alpha(self) -> bool {
        !matches!(self, Format::Jpeg)
    }
}

/// How to encode.
#[derive(Debug, Clone, Copy)]
pub struct EncodeOptions {
    /// Output format.
    pub format: Format,
    /// Keep transparency (formats that can).
    pub transparent: bool,
    /// Background where the image is transparent and the output is opaque.
    pub background: [u8; 3],
    /// JPEG quality, 1–100.
    pub jpeg_quality: u8,
}

/// Why encoding failed.
#[derive(Debug, thiserror::Error)]
#[error("image encoding failed: {0}")]
pub struct EncodeError(String);

/// Encodes `image`.
pub fn encode(image: &Image, options: &EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    let options = &match options.format {
        Format::JpegPng => {
            let opaque = !options.transparent || image.rgba.chunks_exact(4).all(|p| p[3] == 255);
            let format = if opaque { Format::Jpeg } else { Format::Png };
            EncodeOptions { format, ..*options }
        }
        _ => *options,
    };
    let keep_alpha = options.transparent && options.format.has_alpha();
    let (width, height) = (image.width, image.height);
    let mut out = Vec::with_capacity((width * height) as usize);
    if keep_alpha {
        match options.format {
            Format::Png => png(&image.rgba, width, height, ExtendedColorType::Rgba8, &mut out)?,
            Format::Webp => webp(&image.rgba, width, height, ExtendedColorType::Rgba8, &mut out)?,
            Format::Jpeg | Format::JpegPng => unreachable!("JPEG has no alpha; jpeg-png was resolved"),
        }
        return Ok(out);
    }
    let rgb = flatten(image, options.background);
    match options.format {
        Format::Png => png(&rgb, width, height, ExtendedColorType::Rgb8, &mut out)?,
        Format::Webp => webp(&rgb, width, height, ExtendedColorType::Rgb8, &mut out)?,
        Format::Jpeg | Format::JpegPng => {
            let encoder = jpeg_encoder::Encoder::new(&mut out, options.jpeg_quality.clamp(1, 100));
            encoder
                .encode(&rgb, width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
                .map_err(|err| EncodeError(err.to_string()))?;
        }
    }
    Ok(out)
}

/// RGBA over an opaque background, as RGB.
fn flatten(image: &Image, background: [u8; 3]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(image.rgba.len() / 4 * 3);
    for pixel in image.rgba.chunks_exact(4) {
        match pixel[3] {
            255 => rgb.extend_from_slice(&pixel[..3]),
            0 => rgb.extend_from_slice(&background),
            alpha => {
                let a = u16::from(alpha);
                for c in 0..3 {
                    rgb.push(
                        ((u16::from(pixel[c]) * a + u16::from(background[c]) * (255 - a) + 127) / 255) as u8,
                    );
                }
            }
        }
    }
    rgb
}

fn png(
    data: &[u8],
    width: u32,
    height: u32,
    colour: ExtendedColorType,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    PngEncoder::new_with_quality(Cursor::new(out), CompressionType::Fast, FilterType::Adaptive)
        .write_image(data, width, height, colour)
        .map_err(|err| EncodeError(err.to_string()))
}

fn webp(
    data: &[u8],
    width: u32,
    height: u32,
    colour: ExtendedColorType,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    image::codecs::webp::WebPEncoder::new_lossless(Cursor::new(out))
        .write_image(data, width, height, colour)
        .map_err(|err| EncodeError(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Image {
        let mut image = Image::transparent(16, 8);
        for (i, pixel) in image.rgba.chunks_exact_mut(4).enumerate() {
            if i % 16 < 8 {
                pixel.copy_from_slice(&[(i * 7 % 255) as u8, 100, 50, 255]);
            }
        }
        image
    }

    #[test]
    fn jpeg_png_is_jpeg_when_opaque_and_png_over_transparency() {
        let options = EncodeOptions {
            format: Format::JpegPng,
            transparent: true,
            background: [255, 255, 255],
            jpeg_quality: 90,
        };
        let edge = encode(&sample(), &options).unwrap();
        assert_eq!(Format::JpegPng.mime_of(&edge), "image/png");
        let mut opaque = sample();
        opaque.rgba.chunks_exact_mut(4).for_each(|p| p[3] = 255);
        let inside = encode(&opaque, &options).unwrap();
        assert_eq!(Format::JpegPng.mime_of(&inside), "image/jpeg");
        let flat = encode(
            &sample(),
            &EncodeOptions {
                transparent: false,
                ..options
            },
        )
        .unwrap();
        assert_eq!(Format::JpegPng.mime_of(&flat), "image/jpeg");
        assert_eq!(Format::parse("image/vnd.jpeg-png"), Some(Format::JpegPng));
    }

    #[test]
    fn every_format_round_trips() {
        for format in [Format::Png, Format::Jpeg, Format::Webp, Format::JpegPng] {
            for transparent in [true, false] {
                let options = EncodeOptions {
                    format,
                    transparent,
                    background: [255, 0, 255],
                    jpeg_quality: 90,
                };
                let bytes = encode(&sample(), &options).unwrap();
                let decoded = image::load_from_memory(&bytes).unwrap().to_rgba8();
                assert_eq!(decoded.dimensions(), (16, 8), "{format:?}");
                let right = decoded.get_pixel(15, 4);
                if transparent && format.has_alpha() {
                    assert_eq!(right[3], 0, "{format:?} keeps transparency");
                } else {
                    assert!(
                        right[0] > 200 && right[1] < 60 && right[2] > 200,
                        "{format:?} background {right:?}"
                    );
                }
            }
        }
        assert_eq!(Format::parse("image/png; mode=8bit"), Some(Format::Png));
        assert_eq!(Format::parse("IMAGE/JPEG"), Some(Format::Jpeg));
        assert_eq!(Format::parse("image/gif"), None);
    }
}
