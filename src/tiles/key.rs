//! What names a cached tile ([`TileKey`], with its place in folders and buckets) and what a
//! cached tile is ([`Tile`]: bytes and their entity tag). Every tier of the cache uses these.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;

use crate::raster::Format;

/// Identifies one tile of one layer in one tile matrix set and format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// Layer name.
    pub layer: Arc<str>,
    /// Tile matrix set identifier.
    pub tms: Arc<str>,
    /// Level.
    pub z: u32,
    /// Row from the top.
    pub row: u32,
    /// Column from the left.
    pub col: u32,
    /// Encoding.
    pub format: Format,
}

impl TileKey {
    /// Where the tile lives under the disk tier's folder (and in the bucket).
    pub(crate) fn relative_path(&self) -> PathBuf {
        PathBuf::from(&*self.layer)
            .join(&*self.tms)
            .join(self.z.to_string())
            .join(self.col.to_string())
            .join(format!("{}.{}", self.row, self.format.extension()))
    }
}

/// An encoded tile and its entity tag.
#[derive(Debug)]
pub struct Tile {
    /// Encoded bytes.
    pub bytes: Bytes,
    /// Strong entity tag (quoted), from the bytes.
    pub etag: String,
}

impl Tile {
    /// A tile of `bytes`.
    pub fn new(bytes: Bytes) -> Tile {
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        Tile {
            etag: format!("\"{:016x}-{:x}\"", hasher.finish(), bytes.len()),
            bytes,
        }
    }
}

/// `tms/z/col/row.ext` (a tile's place under its layer) as (tms, z, col, row).
pub(crate) fn parse_relative(relative: &str) -> Option<(&str, u32, u32, u32)> {
    let mut parts = relative.split('/');
    let (tms, z, col, file) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let row = file.split('.').next()?;
    Some((tms, z.parse().ok()?, col.parse().ok()?, row.parse().ok()?))
}
