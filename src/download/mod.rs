//! Downloads by territory: the administrative boundaries they select by (imported from ADMIN
//! EXPRESS or any vector file GDAL reads, also used by seeding and the cache-size estimate),
//! the selection of a raster deliverable's dalles over an area with their side files and the
//! caller's permission ([`select`]), the features of vector deliverables over it written by
//! GDAL ([`write_extracts`]), and the selection streamed as one ZIP from the storages
//! ([`Archive`], laid out by [`zip::Layout`]).

mod archive;
pub mod boundaries;
mod file;
mod select;
mod shape;
mod slots;
mod vector;
pub mod zip;

pub use archive::{write_extracts, Archive};
pub use file::{stream_file, DownloadError};
pub use select::{
    area_from_text, select, LivrableSelection, Permission, SelectError, SelectedFile, SelectionRequest, Since,
};
pub use shape::Shape;
pub use slots::{DownloadSlots, Slot, SlotError, RETRY_AFTER_SECONDS};
pub use vector::{ClassSelection, ExtractFile, Extracts, VectorOutput};
