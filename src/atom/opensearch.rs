//! The OpenSearch description of the download service (TG Requirements 39–45) and what its
//! templates ask: Describe Spatial Dataset (the dataset feed) and Get Spatial Dataset (the
//! dataset's download in a CRS).

use super::dataset::{Dataset, VECTOR_FORMATS};
use super::feed::{identifier_namespace, ATOM_TYPE, INSPIRE_DLS_NS};
use super::Publisher;
use crate::ogc::common::xml::Xml;

/// The OpenSearch 1.1 namespace.
pub const OPENSEARCH_NS: &str = "http://a9.com/-/spec/opensearch/1.1/";
/// The description's media type.
pub const OPENSEARCH_TYPE: &str = "application/opensearchdescription+xml";

/// The URL of the description.
pub fn description_url(base: &str) -> String {
    format!("{base}/atom/opensearch.xml")
}

/// The search the templates name.
pub fn search_url(base: &str) -> String {
    format!("{base}/atom/search")
}

/// The OpenSearch description: self, the HTML search, Describe Spatial Dataset, Get Spatial
/// Dataset (one template per media type), an example query per dataset, the language.
pub fn description(base: &str, publisher: &Publisher, datasets: &[Dataset]) -> Vec<u8> {
    let search = search_url(base);
    let identifiers = "spatial_dataset_identifier_code={inspire_dls:spatial_dataset_identifier_code?}\
                       &spatial_dataset_identifier_namespace={inspire_dls:spatial_dataset_identifier_namespace?}";
    let mut xml = Xml::new();
    xml.open(
        "OpenSearchDescription",
        &[("xmlns", OPENSEARCH_NS), ("xmlns:inspire_dls", INSPIRE_DLS_NS)],
    );
    xml.leaf("ShortName", &[], "dallage ATOM");
    xml.leaf("Description", &[], &publisher.subtitle);
    xml.empty(
        "Url",
        &[
            ("type", OPENSEARCH_TYPE),
            ("rel", "self"),
            ("template", &description_url(base)),
        ],
    );
    xml.empty(
        "Url",
        &[
            ("type", "text/html"),
            ("rel", "results"),
            ("template", &format!("{search}?q={{searchTerms}}")),
        ],
    );
    xml.empty(
        "Url",
        &[
            ("type", ATOM_TYPE),
            ("rel", "describedby"),
            (
                "template",
                &format!("{search}?{identifiers}&language={{language?}}"),
            ),
        ],
    );
    let mut media_types: Vec<&str> = vec!["application/zip"];
    if datasets.iter().any(|d| !d.content.classes.is_empty()) {
        media_types.extend(VECTOR_FORMATS.iter().map(|(_, _, media_type)| *media_type));
    }
    for media_type in media_types {
        let template = format!(
            "{search}?{identifiers}&crs={{inspire_dls:crs?}}&language={{language?}}&type={}",
            url::form_urlencoded::byte_serialize(media_type.as_bytes()).collect::<String>()
        );
        xml.empty(
            "Url",
            &[("type", media_type), ("rel", "results"), ("template", &template)],
        );
    }
    xml.leaf("Contact", &[], &publisher.email);
    xml.leaf("Tags", &[], "PCRS orthophotographie INSPIRE téléchargement");
    xml.leaf("LongName", &[], &publisher.title);
    let namespace = identifier_namespace(base);
    for dataset in datasets {
        let Some(epsg) = dataset.crs().first().copied() else {
            continue;
        };
        let crs = format!("http://www.opengis.net/def/crs/EPSG/0/{epsg}");
        xml.empty(
            "Query",
            &[
                ("role", "example"),
                (
                    "inspire_dls:spatial_dataset_identifier_code",
                    &dataset.livrable.slug,
                ),
                ("inspire_dls:spatial_dataset_identifier_namespace", &namespace),
                ("inspire_dls:crs", &crs),
                ("language", "fr"),
                ("title", &dataset.livrable.nom),
                ("count", "1"),
            ],
        );
    }
    xml.leaf("Developer", &[], "dallage");
    xml.leaf("Language", &[], "fr");
    xml.leaf("OutputEncoding", &[], "UTF-8");
    xml.leaf("InputEncoding", &[], "UTF-8");
    xml.close("OpenSearchDescription");
    xml.finish()
}

/// What a search asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The feed of the dataset at this position (Describe Spatial Dataset).
    DatasetFeed(usize),
    /// The download at this URL (Get Spatial Dataset).
    Download(String),
    /// The HTML list of datasets matching these words.
    Html(Vec<usize>),
    /// Nothing matches: why.
    NotFound(String),
}

/// Parameters of a search.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Free words (`q`).
    pub words: Option<String>,
    /// `spatial_dataset_identifier_code`.
    pub code: Option<String>,
    /// `spatial_dataset_identifier_namespace`.
    pub namespace: Option<String>,
    /// `crs`: an EPSG URI or code.
    pub crs: Option<String>,
    /// `type`: the media type asked.
    pub media_type: Option<String>,
}

/// Answers a search over the datasets the caller may see.
pub fn answer(base: &str, datasets: &[Dataset], search: &Search) -> Answer {
    let Some(code) = search.code.as_deref().filter(|c| !c.is_empty()) else {
        let words = search.words.clone().unwrap_or_default().to_lowercase();
        let found = datasets
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                let text = format!("{} {} {}", d.livrable.slug, d.livrable.nom, d.project.nom).to_lowercase();
                words.split_whitespace().all(|word| text.contains(word))
            })
            .map(|(index, _)| index)
            .collect();
        return Answer::Html(found);
    };
    if let Some(namespace) = search.namespace.as_deref().filter(|n| !n.is_empty()) {
        if namespace.trim_end_matches('/') != identifier_namespace(base).trim_end_matches('/') {
            return Answer::NotFound(format!("no dataset in namespace {namespace}"));
        }
    }
    let Some(index) = datasets.iter().position(|d| d.livrable.slug == code) else {
        return Answer::NotFound(format!("no dataset {code}"));
    };
    let dataset = &datasets[index];
    let slug = &dataset.livrable.slug;
    let Some(crs) = search.crs.as_deref().filter(|c| !c.is_empty()) else {
        return Answer::DatasetFeed(index);
    };
    let epsg = crs.rsplit(['/', ':']).next().and_then(|c| c.parse::<u32>().ok());
    let Some(epsg) = epsg.filter(|e| dataset.crs().contains(e)) else {
        return Answer::NotFound(format!("{code} is not offered in {crs}"));
    };
    if !dataset.permission.allowed {
        return Answer::NotFound(format!(
            "{code} may not be downloaded: {}",
            dataset.permission.reason.clone().unwrap_or_default()
        ));
    }
    let vector_format = VECTOR_FORMATS
        .iter()
        .find(|(_, _, media_type)| search.media_type.as_deref() == Some(*media_type))
        .map(|(format, _, _)| *format);
    let images_in_crs = dataset.content.images.iter().any(|g| g.epsg == epsg);
    match vector_format {
        // The images in that CRS, as they are stored.
        None if images_in_crs => Answer::Download(format!("{base}/download/zip?livrable={slug}")),
        // The features, written in that CRS.
        _ if dataset.vector_crs().contains(&epsg) => Answer::Download(format!(
            "{base}/download/zip?livrable={slug}&format={}&crs={epsg}",
            vector_format.unwrap_or("gpkg")
        )),
        _ => Answer::NotFound(format!(
            "{code} is not offered in {crs} as {}",
            search.media_type.as_deref().unwrap_or("a ZIP")
        )),
    }
}
