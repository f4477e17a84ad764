//! The INSPIRE pre-defined ATOM feeds (Technical Guidance for INSPIRE Download Services 3.1,
//! chapter 5): the download service feed, one entry per deliverable, and each deliverable's
//! dataset feed, one entry per format × CRS with its download links. Requirement numbers are the
//! TG's ("TG Requirement N").

use std::fmt::Write as _;

use super::dataset::{Dataset, VECTOR_FORMATS};
use super::Publisher;
use crate::catalog::{ImageGroup, Licence};
use crate::ogc::common::encoded_path;
use crate::ogc::common::xml::Xml;

/// The namespaces of the feeds.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
/// INSPIRE download service extensions.
pub const INSPIRE_DLS_NS: &str = "http://inspire.ec.europa.eu/schemas/inspire_dls/1.0";
/// GeoRSS-Simple.
pub const GEORSS_NS: &str = "http://www.georss.org/georss";
/// The feeds' media type.
pub const ATOM_TYPE: &str = "application/atom+xml";

/// A file of a raster deliverable, for the dataset feed's `section` links.
#[derive(Debug, Clone)]
pub struct SectionFile {
    /// Path in its storage.
    pub path: String,
    /// Bytes.
    pub size: u64,
}

/// The URL of the service feed.
pub fn service_url(base: &str) -> String {
    format!("{base}/atom/service.xml")
}

/// The URL of a deliverable's dataset feed.
pub fn dataset_url(base: &str, slug: &str) -> String {
    format!("{base}/atom/datasets/{slug}.xml")
}

/// The URL of a deliverable's ISO 19139 record.
pub fn record_url(base: &str, slug: &str) -> String {
    format!("{base}/metadata/{slug}.xml")
}

/// The namespace of the deliverables' identifiers (their slugs): this server's.
pub fn identifier_namespace(base: &str) -> String {
    format!("{base}/")
}

fn open_feed(xml: &mut Xml) {
    xml.open(
        "feed",
        &[
            ("xmlns", ATOM_NS),
            ("xmlns:georss", GEORSS_NS),
            ("xmlns:inspire_dls", INSPIRE_DLS_NS),
            ("xml:lang", "fr"),
        ],
    );
}

fn link(xml: &mut Xml, rel: &str, href: &str, media_type: &str, title: &str) {
    let mut attributes = vec![
        ("rel", rel),
        ("href", href),
        ("type", media_type),
        ("hreflang", "fr"),
    ];
    if !title.is_empty() {
        attributes.push(("title", title));
    }
    xml.empty("link", &attributes);
}

fn author(xml: &mut Xml, name: &str, email: &str) {
    xml.open("author", &[]);
    xml.leaf("name", &[], name);
    xml.leaf("email", &[], email);
    xml.close("author");
}

/// The words of a licence, for `rights`: its name and where to read it.
pub fn rights_of(licence: Licence) -> String {
    match licence.url() {
        Some(url) => format!("{} : {url}", licence.name()),
        None => {
            let name = licence.name();
            name[..1].to_uppercase() + &name[1..]
        }
    }
}

/// `georss:polygon` of a CRS:84 box: five "lat lon" pairs, closed (TG Recommendation 6).
fn georss_polygon(xml: &mut Xml, bbox: Option<[f64; 4]>) {
    let Some([w, s, e, n]) = bbox else { return };
    let mut text = String::new();
    for (lat, lon) in [(s, w), (s, e), (n, e), (n, w), (s, w)] {
        if !text.is_empty() {
            text.push(' ');
        }
        let _ = write!(text, "{lat:.7} {lon:.7}");
    }
    xml.leaf("georss:polygon", &[], &text);
}

/// The label of each CRS: its code and PROJ's name, looked up once per feed (a lookup costs
/// more than writing an entry).
struct CrsLabels(std::collections::HashMap<u32, String>);

impl CrsLabels {
    fn of<'a>(codes: impl Iterator<Item = &'a Dataset>) -> CrsLabels {
        let mut labels = std::collections::HashMap::new();
        for epsg in codes.flat_map(Dataset::crs) {
            labels.entry(epsg).or_insert_with(|| {
                let name = crate::raster::crs::spatial_ref(epsg)
                    .and_then(|srs| srs.name())
                    .unwrap_or_default();
                if name.is_empty() {
                    format!("EPSG:{epsg}")
                } else {
                    format!("EPSG:{epsg} {name}")
                }
            });
        }
        CrsLabels(labels)
    }

    /// One `category` per CRS, its OGC URI as term and its name as label (TG Requirements 20,
    /// 35).
    fn category(&self, xml: &mut Xml, epsg: u32) {
        let term = format!("http://www.opengis.net/def/crs/EPSG/0/{epsg}");
        let fallback = format!("EPSG:{epsg}");
        let label = self.0.get(&epsg).unwrap_or(&fallback);
        xml.empty("category", &[("term", &term), ("label", label)]);
    }
}

/// The download service feed: one entry per deliverable the caller may see (TG Requirements
/// 5–20).
///
/// `(number, pages)`: which page this is of how many (RFC 5005 paging past
/// `limits.atom_entries_per_page` deliverables).
pub fn service_feed(
    base: &str,
    publisher: &Publisher,
    datasets: &[Dataset],
    (number, pages): (usize, usize),
) -> Vec<u8> {
    let mut xml = Xml::new();
    open_feed(&mut xml);
    let first_url = service_url(base);
    let page_url = |n: usize| {
        if n == 1 {
            first_url.clone()
        } else {
            format!("{first_url}?page={n}")
        }
    };
    let self_url = page_url(number);
    xml.leaf("title", &[], &publisher.title);
    xml.leaf("subtitle", &[], &publisher.subtitle);
    link(&mut xml, "self", &self_url, ATOM_TYPE, "Ce flux");
    link(
        &mut xml,
        "search",
        &format!("{base}/atom/opensearch.xml"),
        "application/opensearchdescription+xml",
        "Description OpenSearch du service",
    );
    link(
        &mut xml,
        "alternate",
        &format!("{base}/api/openapi.json"),
        "application/json",
        "API",
    );
    // The service's own metadata record (TG Requirement 6).
    link(
        &mut xml,
        "describedby",
        &format!("{base}/metadata/service.xml"),
        "application/xml",
        "Fiche de métadonnées du service",
    );
    if pages > 1 {
        link(&mut xml, "first", &page_url(1), ATOM_TYPE, "");
        link(&mut xml, "last", &page_url(pages), ATOM_TYPE, "");
        if number > 1 {
            link(&mut xml, "previous", &page_url(number - 1), ATOM_TYPE, "");
        }
        if number < pages {
            link(&mut xml, "next", &page_url(number + 1), ATOM_TYPE, "");
        }
    }
    xml.leaf("id", &[], &self_url);
    xml.leaf("rights", &[], &publisher.rights);
    let updated = datasets
        .iter()
        .map(|d| d.updated.as_str())
        .max()
        .unwrap_or("2012-01-01T00:00:00Z");
    xml.leaf("updated", &[], updated);
    author(&mut xml, &publisher.name, &publisher.email);
    let labels = CrsLabels::of(datasets.iter());
    for dataset in datasets {
        let slug = &dataset.livrable.slug;
        let feed = dataset_url(base, slug);
        xml.open("entry", &[]);
        xml.leaf(
            "title",
            &[],
            &format!("{} — {}", dataset.livrable.nom, dataset.project.nom),
        );
        xml.leaf("inspire_dls:spatial_dataset_identifier_code", &[], slug);
        xml.leaf(
            "inspire_dls:spatial_dataset_identifier_namespace",
            &[],
            &identifier_namespace(base),
        );
        link(&mut xml, "alternate", &feed, ATOM_TYPE, "Flux du jeu de données");
        link(
            &mut xml,
            "describedby",
            &record_url(base, slug),
            "application/xml",
            "Fiche de métadonnées ISO 19139",
        );
        xml.leaf("id", &[], &feed);
        xml.leaf("rights", &[], &rights_of(dataset.livrable.licence));
        xml.leaf("updated", &[], &dataset.updated);
        xml.leaf("summary", &[], &summary(dataset));
        georss_polygon(&mut xml, dataset.extent84);
        for epsg in dataset.crs() {
            labels.category(&mut xml, epsg);
        }
        xml.close("entry");
    }
    xml.close("feed");
    xml.finish()
}

/// A sentence of what a deliverable holds and whether it may be downloaded.
pub fn summary(dataset: &Dataset) -> String {
    let content = &dataset.content;
    let mut parts = Vec::new();
    if !content.images.is_empty() {
        let dalles: u64 = content.images.iter().map(|g| g.count).sum();
        let bytes: u64 = content.images.iter().map(|g| g.bytes).sum();
        parts.push(format!(
            "{dalles} dalles d'orthophotographie, {:.1} Go",
            bytes as f64 / 1e9
        ));
    }
    if !content.classes.is_empty() {
        parts.push(format!(
            "PCRS vecteur, {} classes d'objets",
            content.classes.len()
        ));
    }
    let what = parts.join(" ; ");
    match &dataset.permission.reason {
        None => format!("{what}. Projet {}.", dataset.project.nom),
        Some(reason) => format!(
            "{what}. Projet {}. Téléchargement fermé : {reason}.",
            dataset.project.nom
        ),
    }
}

/// A page of a dataset feed: which one and how many there are (RFC 5005 paging of the section
/// links of deliverables of many dalles).
#[derive(Debug, Clone, Copy)]
pub struct FeedPage {
    /// This page, from 1.
    pub number: usize,
    /// Section links per page.
    pub size: usize,
}

/// A deliverable's dataset feed (TG Requirements 21–35): for a raster deliverable, one entry per
/// format and CRS whose `section` links name each dalle's own download route (`files`: this
/// page's share of them) and whose `alternate` link is the whole ZIP; for a vector one, one entry per
/// format × CRS linking its ZIP. No download link when the caller may not download it.
pub fn dataset_feed(
    base: &str,
    publisher: &Publisher,
    dataset: &Dataset,
    files: &[(ImageGroup, Vec<SectionFile>)],
    page: FeedPage,
) -> Vec<u8> {
    let slug = &dataset.livrable.slug;
    let feed = dataset_url(base, slug);
    let most = dataset.content.images.iter().map(|g| g.count).max().unwrap_or(0) as usize;
    let pages = most.div_ceil(page.size.max(1)).max(1);
    let page_url = |n: usize| {
        if n == 1 {
            feed.clone()
        } else {
            format!("{feed}?page={n}")
        }
    };
    let mut xml = Xml::new();
    open_feed(&mut xml);
    xml.leaf("title", &[], &dataset.livrable.nom);
    xml.leaf(
        "subtitle",
        &[],
        &format!("Projet {} — {}", dataset.project.nom, summary(dataset)),
    );
    link(&mut xml, "self", &page_url(page.number), ATOM_TYPE, "Ce flux");
    link(
        &mut xml,
        "up",
        &service_url(base),
        ATOM_TYPE,
        "Flux du service de téléchargement",
    );
    link(
        &mut xml,
        "describedby",
        &format!("{base}/ogcapi/collections/{slug}?f=html"),
        "text/html",
        "Description du jeu de données",
    );
    if pages > 1 {
        link(&mut xml, "first", &page_url(1), ATOM_TYPE, "");
        link(&mut xml, "last", &page_url(pages), ATOM_TYPE, "");
        if page.number > 1 {
            link(&mut xml, "previous", &page_url(page.number - 1), ATOM_TYPE, "");
        }
        if page.number < pages {
            link(&mut xml, "next", &page_url(page.number + 1), ATOM_TYPE, "");
        }
    }
    xml.leaf("id", &[], &page_url(page.number));
    xml.leaf("rights", &[], &rights_of(dataset.livrable.licence));
    xml.leaf("updated", &[], &dataset.updated);
    let porteur = dataset.project.acteurs.iter().find(|a| a.mail.is_some());
    match porteur {
        Some(actor) => author(
            &mut xml,
            actor.nom.as_deref().unwrap_or(&dataset.project.nom),
            actor.mail.as_deref().unwrap_or_default(),
        ),
        None => author(&mut xml, &publisher.name, &publisher.email),
    }
    let labels = CrsLabels::of(std::iter::once(dataset));
    for (group, group_files) in files {
        raster_entry(&mut xml, base, (dataset, &labels), group, group_files, page);
    }
    for (format, name, _) in VECTOR_FORMATS {
        for epsg in dataset.vector_crs() {
            vector_entry(&mut xml, base, (dataset, &labels), (format, name), epsg);
        }
    }
    xml.close("feed");
    xml.finish()
}

/// The media type and name of images of a class.
fn image_type(class: &str) -> (&'static str, &'static str) {
    match class {
        "jpeg2000" => ("image/jp2", "JPEG 2000"),
        _ => ("image/tiff", "GeoTIFF"),
    }
}

fn raster_entry(
    xml: &mut Xml,
    base: &str,
    (dataset, labels): (&Dataset, &CrsLabels),
    group: &ImageGroup,
    files: &[SectionFile],
    page: FeedPage,
) {
    let slug = &dataset.livrable.slug;
    let (media_type, format_name) = image_type(&group.class);
    xml.open("entry", &[]);
    xml.leaf(
        "title",
        &[],
        &format!("{} — {format_name}, EPSG:{}", dataset.livrable.nom, group.epsg),
    );
    xml.leaf(
        "id",
        &[],
        &format!("{}#{}-{}", dataset_url(base, slug), group.class, group.epsg),
    );
    xml.leaf("updated", &[], &dataset.updated);
    labels.category(xml, group.epsg);
    georss_polygon(xml, group.bbox_wgs84);
    // `files` is this page's share of the group's.
    let from = (page.number - 1) * page.size;
    let shown: Vec<&SectionFile> = files.iter().collect();
    let structure = format!(
        "{} dalles {format_name} en EPSG:{}, {:.1} Go : un lien « section » par dalle (page {} : dalles {} à {}), \
         et l'ensemble en une archive ZIP (lien « alternate »), avec les fichiers de géoréférencement.",
        group.count,
        group.epsg,
        group.bytes as f64 / 1e9,
        page.number,
        from + 1,
        from + shown.len(),
    );
    if dataset.permission.allowed {
        xml.leaf("content", &[("type", "text")], &structure);
        // One file alone is the entry's download, not a section of it (TG Requirement 32);
        // several are sections, and the ZIP of them all the entry's one alternate.
        let rel = if group.count == 1 { "alternate" } else { "section" };
        if rel == "section" {
            let zip = format!("{base}/download/zip?livrable={slug}");
            xml.empty(
                "link",
                &[
                    ("rel", "alternate"),
                    ("href", &zip),
                    ("type", "application/zip"),
                    ("hreflang", "fr"),
                    ("title", "Toutes les dalles (ZIP)"),
                ],
            );
        }
        for file in shown {
            let href = format!("{base}/download/file/{slug}/{}", encoded_path(&file.path));
            let length = file.size.to_string();
            xml.empty(
                "link",
                &[
                    ("rel", rel),
                    ("href", &href),
                    ("type", media_type),
                    ("length", &length),
                    ("hreflang", "fr"),
                    ("title", &file.path),
                ],
            );
        }
    } else {
        closed_content(xml, dataset);
    }
    xml.close("entry");
}

fn vector_entry(
    xml: &mut Xml,
    base: &str,
    (dataset, labels): (&Dataset, &CrsLabels),
    (format, name): (&str, &str),
    epsg: u32,
) {
    let slug = &dataset.livrable.slug;
    xml.open("entry", &[]);
    xml.leaf(
        "title",
        &[],
        &format!("{} — {name}, EPSG:{epsg}", dataset.livrable.nom),
    );
    xml.leaf("id", &[], &format!("{}#{format}-{epsg}", dataset_url(base, slug)));
    xml.leaf("updated", &[], &dataset.updated);
    labels.category(xml, epsg);
    georss_polygon(xml, dataset.extent84);
    if dataset.permission.allowed {
        xml.leaf(
            "content",
            &[("type", "text")],
            &format!("Toutes les classes d'objets en {name}, EPSG:{epsg}, dans une archive ZIP."),
        );
        let href = format!("{base}/download/zip?livrable={slug}&format={format}&crs={epsg}");
        xml.empty(
            "link",
            &[
                ("rel", "alternate"),
                ("href", &href),
                ("type", "application/zip"),
                ("hreflang", "fr"),
                ("title", &format!("{name} (ZIP)")),
            ],
        );
    } else {
        closed_content(xml, dataset);
    }
    xml.close("entry");
}

/// Why an entry has no download link, as its content.
fn closed_content(xml: &mut Xml, dataset: &Dataset) {
    let reason = dataset.permission.reason.as_deref().unwrap_or_default();
    xml.leaf(
        "content",
        &[("type", "text")],
        &format!("Téléchargement fermé : {reason}."),
    );
}
