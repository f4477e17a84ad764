//! `[limits]`: what clients may ask for and what a scan may walk.

use serde::Deserialize;

use super::{ByteSize, KeyError, Seconds};

/// The longest search text the catalogue matches, in characters: the ceiling of
/// `limits.max_query_text`, and the catalogue's own guard for every other caller (SQLite refuses
/// `LIKE` patterns over 50 000 bytes).
pub const MAX_SEARCH_TEXT: usize = 1000;

/// `[limits]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest GetMap width.
    pub max_image_width: u32,
    /// Largest GetMap height.
    pub max_image_height: u32,
    /// Most features in one page.
    pub max_features_per_page: u32,
    /// Largest bulk download.
    pub max_download_size: ByteSize,
    /// Most downloads (ZIPs and files) running at once.
    pub max_downloads: u32,
    /// Download links of one ATOM dataset feed page (more dalles: RFC 5005 pages).
    pub atom_links_per_page: usize,
    /// Deliverables of one page of the ATOM service feed (more: RFC 5005 pages).
    pub atom_entries_per_page: usize,
    /// Entries of the current change feed and of each of its archives.
    pub atom_changes_per_page: usize,
    /// Most downloads one client runs at once.
    pub max_downloads_per_client: u32,
    /// Most downloads reading one storage at once (its other connections stay the map's).
    pub max_downloads_per_storage: u32,
    /// Deepest folder a scan follows.
    pub scan_max_depth: u32,
    /// Most files a scan lists.
    pub scan_max_files: u64,
    /// Time allowed for one storage operation.
    pub storage_timeout: Seconds,
    /// Largest JSON API page.
    pub max_page_size: u32,
    /// Longest value of a query parameter of the JSON API (search texts, codes), in characters.
    pub max_query_text: u32,
    /// Deepest element nesting of an XML document read (GML imports, POST requests).
    pub max_xml_depth: u32,
    /// Longest text node or attribute value of an XML document read.
    pub max_xml_text: ByteSize,
}

impl LimitsConfig {
    /// Checks that no limit is zero and the query-text limit is under its ceiling.
    pub fn check(&self) -> Result<(), KeyError> {
        for (name, value) in [
            ("limits.max_image_width", self.max_image_width),
            ("limits.max_image_height", self.max_image_height),
            ("limits.max_features_per_page", self.max_features_per_page),
            ("limits.max_downloads", self.max_downloads),
            ("limits.atom_links_per_page", self.atom_links_per_page as u32),
            ("limits.atom_changes_per_page", self.atom_changes_per_page as u32),
            ("limits.atom_entries_per_page", self.atom_entries_per_page as u32),
            ("limits.max_downloads_per_client", self.max_downloads_per_client),
            ("limits.max_downloads_per_storage", self.max_downloads_per_storage),
            ("limits.max_page_size", self.max_page_size),
            ("limits.max_query_text", self.max_query_text),
            ("limits.max_xml_depth", self.max_xml_depth),
        ] {
            if value == 0 {
                return Err(KeyError::new(name, "must be at least 1"));
            }
        }
        if self.max_query_text as usize > MAX_SEARCH_TEXT {
            return Err(KeyError::new(
                "limits.max_query_text",
                format!("must be at most {MAX_SEARCH_TEXT}"),
            ));
        }
        if self.max_xml_text.0 == 0 {
            return Err(KeyError::new("limits.max_xml_text", "must be at least 1 byte"));
        }
        if self.storage_timeout.0.is_zero() {
            return Err(KeyError::new("limits.storage_timeout", "must be more than zero"));
        }
        Ok(())
    }
}
