//! Vector PCRS: GML read as a stream ([`GmlReader`]), geometries with their arcs
//! ([`Geometry`]), imports into the catalogue ([`import_file`]) and the collections served, held
//! in memory with a spatial index each ([`Vectors`], [`Collection`]).
//!
//! Arrows: this module uses the catalogue, the blocking pool and storage; coordinate transforms
//! come from whoever builds [`Vectors`] (the raster module owns PROJ), so nothing here points
//! sideways or up.

mod affleurant;
mod changes;
mod export;
pub mod extras;
mod fes;
mod filter;
mod follow;
mod geometry;
mod gml;
mod gml_geometry;
mod import;
pub mod mvt;
mod node;
mod ogr;
pub mod render;
mod store;
pub mod style;
mod validate;
mod wkb;

pub use changes::VectorChange;
pub use export::{export, ExportError, ExportFormat, ExportLayer, ExportOptions};
pub use fes::{compile_fes, local_name, FesContext, FesError, SrsAxis};
pub use filter::{ArrayOp, Comparison, Deadline, Filter, LikeToken, Literal, SpatialOp};
pub use geometry::{linearize_arcs, write_number, Geometry, GeometryKind, Path, Piece, Position};
pub use gml::{read_all, read_tree, GmlFeature, GmlReader, Notice, XmlLimits};
pub use gml_geometry::{parse_srs_name, read_gml_geometry};
pub use import::{import_file, unchanged, FileIdentity, FileReport, ImportOptions};
pub use node::{line_at, Node};
pub use ogr::{is_ogr_file, OGR_EXTENSIONS};
pub use store::{
    to_geo, Collection, Property, Selection, Settings, StoredFeature, Transform, ValueKind, Vectors,
    SURVEY_DATE,
};
pub use validate::{allowed_crs, Finding, Rules, Validation};
pub use wkb::{read_wkb, write_wkb};

use crate::catalog::CatalogError;

/// Errors of the vector module.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// The XML is malformed, hostile or over a limit.
    #[error("XML refused at byte {position}: {message}")]
    Xml {
        /// Byte offset where reading stopped.
        position: u64,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be imported.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: Box<VectorError>,
    },
    /// The catalogue failed.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The blocking pool failed.
    #[error("import worker failed: {0}")]
    Worker(String),
}
