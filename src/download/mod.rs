//! Downloads by territory: the administrative boundaries they select by (imported from ADMIN
//! EXPRESS or any vector file GDAL reads, also used by seeding and the cache-size estimate),
//! the selection of a raster deliverable's dalles over an area with their side files and the
//! caller's permission ([`select`]), and the selection streamed as one ZIP from the storages
//! ([`Archive`], laid out by [`zip::Layout`]).

mod archive;
pub mod boundaries;
mod file;
mod select;
mod slots;
pub mod zip;

pub use archive::Archive;
pub use file::{stream_file, DownloadError};
pub use select::{
    area_from_text, select, LivrableSelection, Permission, SelectError, SelectedFile, SelectionRequest, Since,
};
pub use slots::{DownloadSlots, Slot, SlotError, RETRY_AFTER_SECONDS};
