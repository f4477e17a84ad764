//! What rendering reads and writes, shared by `render` (which assembles dalles on a canvas)
//! and `warp` (which resamples the canvas into the output): the request, the images, the
//! resampling, the error.

use std::sync::Arc;

use super::crs::Crs;
use super::mosaic::Mosaic;

/// How output pixels are computed from source pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Resampling {
    /// The nearest source pixel.
    Nearest,
    /// Weighted mean of the 2×2 nearest (the default).
    #[default]
    Bilinear,
    /// Catmull-Rom over the 4×4 nearest.
    Cubic,
}

impl Resampling {
    /// Parses `nearest`, `bilinear`, `cubic` (any case).
    pub fn parse(text: &str) -> Option<Resampling> {
        match text.to_ascii_lowercase().as_str() {
            "nearest" | "near" => Some(Resampling::Nearest),
            "bilinear" | "linear" => Some(Resampling::Bilinear),
            "cubic" | "bicubic" => Some(Resampling::Cubic),
            _ => None,
        }
    }
}

/// An RGBA image (straight alpha), rows from the north.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// RGBA bytes.
    pub rgba: Vec<u8>,
}

impl Image {
    /// A transparent image.
    pub fn transparent(width: u32, height: u32) -> Image {
        Image {
            width,
            height,
            rgba: vec![0; width as usize * height as usize * 4],
        }
    }

    /// Whether no pixel is visible.
    pub fn is_empty(&self) -> bool {
        self.rgba.chunks_exact(4).all(|p| p[3] == 0)
    }
}

/// What to render.
#[derive(Clone)]
pub struct RenderRequest {
    /// Layers, bottom first.
    pub mosaics: Vec<Arc<Mosaic>>,
    /// Output CRS (x = easting or longitude).
    pub crs: Crs,
    /// Output box: min x, min y, max x, max y.
    pub bbox: [f64; 4],
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Resampling when grids differ.
    pub resampling: Resampling,
}

/// Why a render failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RenderError {
    /// A dalle could not be decoded.
    #[error(transparent)]
    Decode(#[from] super::decode::DecodeError),
    /// The transform between CRSs failed.
    #[error("cannot transform coordinates from EPSG:{0} to EPSG:{1} for this area")]
    Transform(u32, u32),
}

/// A window of a CRS group, at one resolution, aligned on that resolution's pixel grid.
pub(super) struct Canvas {
    /// West edge.
    pub(super) min_x: f64,
    /// North edge.
    pub(super) max_y: f64,
    /// Pixel size in CRS units.
    pub(super) resolution: f64,
    /// Width in pixels.
    pub(super) width: usize,
    /// Height in pixels.
    pub(super) height: usize,
    /// RGBA bytes, straight alpha, rows from the north.
    pub(super) rgba: Vec<u8>,
}
