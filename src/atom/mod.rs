//! INSPIRE pre-defined ATOM download service, generated from the catalogue and the scans
//! (Technical Guidance for INSPIRE Download Services 3.1, chapter 5): the service feed
//! ([`service_feed`]), a dataset feed per deliverable ([`dataset_feed`]), the OpenSearch
//! description with the searches it describes ([`opensearch`]), and the change feeds for
//! subscribers ([`changes`]), each deliverable's ISO 19139 record ([`metadata`]), and the
//! catalogue as DCAT-AP for harvesters ([`dcat`]). Every URL is absolute, built
//! from the base URL the caller gives (`server.public_url`, else the address the request
//! reached). Feeds honour permissions: a deliverable whose download is not allowed has no
//! download links, a private one is not listed to anonymous callers.

pub mod changes;
mod dataset;
pub mod dcat;
mod feed;
pub mod metadata;
pub mod opensearch;

pub use dataset::{datasets, is_public, rfc3339, Content, Dataset, Viewer, Which, VECTOR_FORMATS};
pub use feed::{
    dataset_feed, dataset_url, record_url, rights_of, service_feed, service_url, summary, FeedPage,
    SectionFile, ATOM_TYPE,
};

/// Who publishes the feeds: the feed-level title, subtitle, rights and author.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// Title of the service feed.
    pub title: String,
    /// Its subtitle.
    pub subtitle: String,
    /// Its rights statement.
    pub rights: String,
    /// The contact's name.
    pub name: String,
    /// The contact's e-mail address.
    pub email: String,
}
