//! Virtual mosaics: every scanned raster deliverable becomes a mosaic of its dalles, read
//! window by window at the coarsest sufficient resolution level, reprojected on the fly and
//! encoded as PNG, JPEG or WebP.

mod codestream;
pub mod crs;
mod decode;
pub mod encode;
mod image;
mod mosaic;
mod openjpeg;
mod registry;
mod render;
mod warp;

pub use crs::Crs;
pub use decode::{gdal_block, with_policy, DecodeCounts, DecodeError, DecodePolicy, DecodedCache, Pixels};
pub use encode::{encode, EncodeOptions, Format};
pub use image::{Image, RenderError, RenderRequest, Resampling};
pub use mosaic::{CrsGroup, Dalle, LayerInfo, Level, Mosaic};
pub use openjpeg::{decode_window, Planes, Window};
pub use registry::{MosaicChange, Mosaics, RegistryError};
pub use render::render;
