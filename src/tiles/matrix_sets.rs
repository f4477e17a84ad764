//! Tile matrix sets: the OGC 2D TileMatrixSet documents of `config/tms/`, compiled in, and the
//! arithmetic every tile service shares — a tile's box, the tiles over a box, the level for a
//! resolution, a layer's tile limits.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::raster::Crs;

/// The definitions shipped in `config/tms/`.
const DOCUMENTS: &[&str] = &[
    include_str!("../../config/tms/WebMercatorQuad.json"),
    include_str!("../../config/tms/WorldCRS84Quad.json"),
    include_str!("../../config/tms/LAMB93.json"),
    include_str!("../../config/tms/2154_5cm.json"),
    include_str!("../../config/tms/3942_5cm.json"),
    include_str!("../../config/tms/3943_5cm.json"),
    include_str!("../../config/tms/3944_5cm.json"),
    include_str!("../../config/tms/3945_5cm.json"),
    include_str!("../../config/tms/3946_5cm.json"),
    include_str!("../../config/tms/3947_5cm.json"),
    include_str!("../../config/tms/3948_5cm.json"),
    include_str!("../../config/tms/3949_5cm.json"),
    include_str!("../../config/tms/3950_5cm.json"),
];

/// One level of a tile matrix set.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TileMatrix {
    /// Level identifier (`"0"`, `"1"`...).
    pub id: String,
    /// Scale denominator at 0.28 mm per pixel.
    pub scale_denominator: f64,
    /// CRS units per pixel.
    pub cell_size: f64,
    /// Top-left corner, x (easting or longitude) first.
    pub point_of_origin: [f64; 2],
    /// Pixels per tile, across.
    pub tile_width: u32,
    /// Pixels per tile, down.
    pub tile_height: u32,
    /// Tiles across.
    pub matrix_width: u32,
    /// Tiles down.
    pub matrix_height: u32,
}

impl TileMatrix {
    /// Ground span of one tile, across and down, in CRS units.
    pub fn tile_span(&self) -> [f64; 2] {
        [
            self.cell_size * f64::from(self.tile_width),
            self.cell_size * f64::from(self.tile_height),
        ]
    }

    /// Box of tile (`row`, `col`): min x, min y, max x, max y.
    pub fn tile_bbox(&self, row: u32, col: u32) -> [f64; 4] {
        let [span_x, span_y] = self.tile_span();
        let [origin_x, origin_y] = self.point_of_origin;
        let min_x = origin_x + f64::from(col) * span_x;
        let max_y = origin_y - f64::from(row) * span_y;
        [min_x, max_y - span_y, min_x + span_x, max_y]
    }

    /// Tiles that meet `bbox` (inclusive ranges, clipped to the matrix), or None when none do.
    pub fn tiles_over(&self, bbox: [f64; 4]) -> Option<TileRange> {
        let [span_x, span_y] = self.tile_span();
        let [origin_x, origin_y] = self.point_of_origin;
        // A hair inside so a box ending on a tile edge does not take the next tile.
        let epsilon = self.cell_size * 1e-6;
        let first_col = ((bbox[0] - origin_x) / span_x).floor().max(0.0);
        let last_col = ((bbox[2] - epsilon - origin_x) / span_x).floor();
        let first_row = ((origin_y - bbox[3]) / span_y).floor().max(0.0);
        let last_row = ((origin_y - bbox[1] - epsilon) / span_y).floor();
        let last_col = last_col.min(f64::from(self.matrix_width) - 1.0);
        let last_row = last_row.min(f64::from(self.matrix_height) - 1.0);
        (first_col <= last_col && first_row <= last_row && last_col >= 0.0 && last_row >= 0.0).then_some(
            TileRange {
                min_row: first_row as u32,
                max_row: last_row as u32,
                min_col: first_col as u32,
                max_col: last_col as u32,
            },
        )
    }
}

/// An inclusive block of tiles of one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRange {
    /// First row.
    pub min_row: u32,
    /// Last row.
    pub max_row: u32,
    /// First column.
    pub min_col: u32,
    /// Last column.
    pub max_col: u32,
}

impl TileRange {
    /// Whether (`row`, `col`) is inside.
    pub fn contains(&self, row: u32, col: u32) -> bool {
        (self.min_row..=self.max_row).contains(&row) && (self.min_col..=self.max_col).contains(&col)
    }

    /// Number of tiles.
    pub fn count(&self) -> u64 {
        u64::from(self.max_row - self.min_row + 1) * u64::from(self.max_col - self.min_col + 1)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    id: String,
    title: Option<String>,
    uri: Option<String>,
    crs: String,
    well_known_scale_set: Option<String>,
    tile_matrices: Vec<TileMatrix>,
}

/// A tile matrix set.
#[derive(Debug, Clone)]
pub struct TileMatrixSet {
    /// Identifier used in URLs (`WebMercatorQuad`, `LAMB93`, `2154_5cm`).
    pub id: String,
    /// Human title.
    pub title: String,
    /// Registered URI, for the OGC sets.
    pub uri: Option<String>,
    /// Well-known scale set URI, if any.
    pub well_known_scale_set: Option<String>,
    /// CRS of the tiles.
    pub crs: Crs,
    /// CRS URI as the document gives it.
    pub crs_uri: String,
    /// Levels, coarsest first.
    pub matrices: Vec<TileMatrix>,
    /// The JSON document itself, served by OGC API Tiles.
    pub json: &'static str,
}

impl TileMatrixSet {
    /// Level `z`, if the set has it.
    pub fn matrix(&self, z: u32) -> Option<&TileMatrix> {
        self.matrices.get(z as usize)
    }

    /// The coarsest level whose pixels are at least as fine as `resolution` (CRS units), or
    /// the finest level.
    pub fn level_for(&self, resolution: f64) -> u32 {
        self.matrices
            .iter()
            .position(|m| m.cell_size <= resolution * 1.0001)
            .unwrap_or(self.matrices.len() - 1) as u32
    }

    /// The JSON document as `serde_json::Value`: the OGC 2D TileMatrixSet 2.0 document, with
    /// the 1.0 encoding's keys alongside (`type`, `identifier`, `supportedCRS`, `tileMatrix`
    /// with `topLeftCorner`) so clients that only read 1.0, such as GDAL 3.6, read it too.
    pub fn document(&self) -> serde_json::Value {
        let mut document: serde_json::Value =
            serde_json::from_str(self.json).expect("embedded tile matrix set is JSON");
        // 1.0 documents give the world CRS84 grid in EPSG:4326, latitude first.
        let (supported_crs, corner_order) = if self.crs.crs84 {
            ("http://www.opengis.net/def/crs/EPSG/0/4326".to_string(), true)
        } else {
            (self.crs_uri.clone(), false)
        };
        let matrices: Vec<serde_json::Value> = self
            .matrices
            .iter()
            .map(|m| {
                let [x, y] = m.point_of_origin;
                serde_json::json!({
                    "identifier": m.id,
                    "scaleDenominator": m.scale_denominator,
                    "topLeftCorner": if corner_order { [y, x] } else { [x, y] },
                    "tileWidth": m.tile_width,
                    "tileHeight": m.tile_height,
                    "matrixWidth": m.matrix_width,
                    "matrixHeight": m.matrix_height,
                })
            })
            .collect();
        document["type"] = serde_json::json!("TileMatrixSetType");
        document["identifier"] = serde_json::json!(self.id);
        document["supportedCRS"] = serde_json::json!(supported_crs);
        document["tileMatrix"] = serde_json::json!(matrices);
        document
    }
}

/// Every set shipped, by identifier.
pub fn all() -> &'static BTreeMap<String, TileMatrixSet> {
    static SETS: OnceLock<BTreeMap<String, TileMatrixSet>> = OnceLock::new();
    SETS.get_or_init(|| {
        DOCUMENTS
            .iter()
            .map(|json| {
                let document: Document = serde_json::from_str(json).expect("embedded tile matrix set parses");
                let crs = Crs::parse(&document.crs).expect("tile matrix set CRS is served");
                let set = TileMatrixSet {
                    title: document.title.unwrap_or_else(|| document.id.clone()),
                    id: document.id,
                    uri: document.uri,
                    well_known_scale_set: document.well_known_scale_set,
                    crs,
                    crs_uri: document.crs,
                    matrices: document.tile_matrices,
                    json,
                };
                (set.id.clone(), set)
            })
            .collect()
    })
}

/// The set named `id` (exact, else case-insensitive).
pub fn get(id: &str) -> Option<&'static TileMatrixSet> {
    let sets = all();
    sets.get(id)
        .or_else(|| sets.values().find(|s| s.id.eq_ignore_ascii_case(id)))
}

/// The native 5 cm grid for a CRS (`2154_5cm` for Lambert-93), if there is one.
pub fn native_for(epsg: u32) -> Option<&'static TileMatrixSet> {
    get(&format!("{epsg}_5cm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_load_with_their_crs() {
        assert_eq!(get("WebMercatorQuad").unwrap().crs, Crs::epsg(3857));
        assert!(get("WorldCRS84Quad").unwrap().crs.crs84);
        assert_eq!(get("lamb93").unwrap().crs, Crs::epsg(2154));
        assert_eq!(native_for(3946).unwrap().id, "3946_5cm");
        assert_eq!(all().len(), 13);
        for set in all().values() {
            for pair in set.matrices.windows(2) {
                assert!(
                    pair[1].cell_size < pair[0].cell_size,
                    "{} finer level by level",
                    set.id
                );
            }
        }
    }

    #[test]
    fn web_mercator_tiles() {
        let set = get("WebMercatorQuad").unwrap();
        let z0 = set.matrix(0).unwrap();
        let [min_x, min_y, max_x, max_y] = z0.tile_bbox(0, 0);
        assert!((min_x + 20_037_508.342_789_2).abs() < 1e-3 && (max_y - 20_037_508.342_789_2).abs() < 1e-3);
        assert!((max_x - 20_037_508.342_789_2).abs() < 1e-3 && (min_y + 20_037_508.342_789_2).abs() < 1e-3);
        // Lyon at level 18: one tile around a point, its box contains the point.
        let z18 = set.matrix(18).unwrap();
        let point = [539_000.0, 5_743_000.0];
        let range = z18
            .tiles_over([point[0], point[1], point[0] + 0.01, point[1] + 0.01])
            .unwrap();
        assert_eq!(range.count(), 1);
        let bbox = z18.tile_bbox(range.min_row, range.min_col);
        assert!(bbox[0] <= point[0] && point[0] < bbox[2] && bbox[1] <= point[1] && point[1] < bbox[3]);
        assert!((z18.scale_denominator - 2_132.729_583_849_784).abs() < 1e-6);
    }

    #[test]
    fn native_grid_matches_dalle_pixels() {
        let set = native_for(2154).unwrap();
        assert_eq!(set.level_for(0.05), 22);
        assert_eq!(set.level_for(0.8), 18);
        assert_eq!(set.level_for(0.06), 22);
        let z22 = set.matrix(22).unwrap();
        // A 200 m dalle spans 15.625 tiles of 12.8 m: 16 columns, the first in part.
        let range = z22
            .tiles_over([846_200.0, 6_526_200.0, 846_400.0, 6_526_400.0])
            .unwrap();
        assert_eq!(range.max_col - range.min_col + 1, 16);
        // Tile edges fall on dalle pixel edges.
        let bbox = z22.tile_bbox(range.min_row, range.min_col);
        let pixels = (bbox[0] - 846_200.0) / 0.05;
        assert!((pixels - pixels.round()).abs() < 1e-6, "{pixels}");
        assert!(z22.tiles_over([-10.0, -10.0, -5.0, -5.0]).is_none());
    }

    #[test]
    fn lamb93_keeps_ign_values() {
        let set = get("LAMB93").unwrap();
        assert_eq!(set.matrices.len(), 22);
        assert_eq!(set.matrix(0).unwrap().cell_size, 104_579.224_549_894);
        assert_eq!(set.matrix(21).unwrap().matrix_height, 471_125);
    }
}
