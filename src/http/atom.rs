//! The ATOM download service's routes: `/atom/service.xml`, `/atom/datasets/{livrable}.xml`
//! (paged with `page`), `/atom/opensearch.xml` and `/atom/search` (the OpenSearch templates:
//! free words as an HTML list, Describe Spatial Dataset as the dataset feed, Get Spatial Dataset
//! as a redirect to the download), and the change feeds `/atom/changes.xml` (archived with
//! `archive=k`), `/atom/changes.json` (JSON Feed 1.1) and `/atom/projects/{slug}.xml`, which
//! answer revalidations (`If-None-Match`, `If-Modified-Since`) with 304. The feeds are written by
//! `crate::atom` for this caller.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::atom::{self, changes, opensearch, Dataset, FeedPage, Publisher, SectionFile, Which};
use crate::catalog::{Catalog, ImageGroup};
use crate::config::Config;
use crate::http::auth::Caller;
use crate::http::extract::Query;
use crate::http::Problem;
use crate::ogc::common::{base_url, resource};
use crate::vector::Vectors;

/// Registers the `/atom/…` routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(resource("/atom/service.xml", "GET").route(web::get().to(service)))
        .service(resource("/atom/opensearch.xml", "GET").route(web::get().to(description)))
        .service(resource("/atom/search", "GET").route(web::get().to(search)))
        .service(resource("/atom/datasets/{file}", "GET").route(web::get().to(dataset)))
        .service(resource("/metadata/{file}", "GET").route(web::get().to(record)))
        .service(resource("/atom/changes.xml", "GET").route(web::get().to(changes_atom)))
        .service(resource("/atom/changes.json", "GET").route(web::get().to(changes_json)))
        .service(resource("/atom/projects/{file}", "GET").route(web::get().to(project_changes)));
}

fn publisher(config: &Config) -> Publisher {
    let own = &config.publisher;
    Publisher {
        title: own.title.clone(),
        subtitle: own.subtitle.clone(),
        rights: own.rights.clone(),
        name: own.name.clone(),
        email: own.email.clone(),
    }
}

/// The deliverables this caller may see, `only` that one, else every one (read a thousand at
/// a time).
async fn visible(
    catalog: &Catalog,
    vectors: &Vectors,
    caller: &Caller,
    only: Option<&str>,
) -> Result<Vec<Dataset>, Problem> {
    let viewer = |project: &crate::catalog::Project| caller.can_manage(project);
    if let Some(slug) = only {
        let livrable = catalog
            .livrable_by_slug(slug)
            .await
            .map_err(|_| Problem::not_found(format!("no deliverable {slug}")))?;
        return Ok(atom::datasets(catalog, vectors, &viewer, Which::One(&livrable))
            .await?
            .0);
    }
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let which = Which::Page { offset, limit: 1000 };
        let (page, total) = atom::datasets(catalog, vectors, &viewer, which).await?;
        all.extend(page);
        offset += 1000;
        if offset >= total {
            return Ok(all);
        }
    }
}

/// The slug a feed's file name (`{slug}.xml`) names.
fn feed_name<'a>(file: &'a str, what: &str) -> Result<&'a str, Problem> {
    file.strip_suffix(".xml")
        .ok_or_else(|| Problem::not_found(format!("no feed {file}: {what} feeds end in .xml")))
}

fn xml(media_type: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(format!("{media_type}; charset=utf-8"))
        .body(body)
}

/// The download service feed, `page` of it past `limits.atom_entries_per_page` deliverables.
pub async fn service(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let number = page_asked(&query)?;
    let (datasets, _, pages) = entries_page(&config, (&catalog, &vectors), &caller, number).await?;
    if number > pages {
        return Err(Problem::not_found(format!(
            "page {number} of a feed of {pages} pages"
        )));
    }
    Ok(xml(
        atom::ATOM_TYPE,
        atom::service_feed(&base, &publisher(&config), &datasets, (number, pages)),
    ))
}

/// Page `number` of the deliverables the caller may see, `limits.atom_entries_per_page` a page:
/// its datasets, the number of deliverables and of pages.
async fn entries_page(
    config: &Config,
    (catalog, vectors): (&Catalog, &Vectors),
    caller: &Caller,
    number: usize,
) -> Result<(Vec<Dataset>, i64, usize), Problem> {
    let size = config.limits.atom_entries_per_page.max(1);
    let viewer = |project: &crate::catalog::Project| caller.can_manage(project);
    let which = Which::Page {
        offset: ((number - 1) * size) as i64,
        limit: size as i64,
    };
    let (datasets, total) = atom::datasets(catalog, vectors, &viewer, which).await?;
    let pages = (total.max(0) as usize).div_ceil(size).max(1);
    Ok((datasets, total, pages))
}

/// The `page` a query asks (1 when none).
fn page_asked(query: &Query) -> Result<usize, Problem> {
    match query.text("page") {
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| Problem::bad_request(format!("page `{text}` must be a number from 1"))),
        None => Ok(1),
    }
}

/// A deliverable's dataset feed, `page` of it when its dalles fill several.
pub async fn dataset(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    path: web::Path<String>,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let file = path.into_inner();
    let slug = feed_name(&file, "dataset")?;
    let base = base_url(&request, &config.server.public_url);
    let datasets = visible(&catalog, &vectors, &caller, Some(slug)).await?;
    let dataset = datasets
        .first()
        .ok_or_else(|| Problem::not_found(format!("no published deliverable {slug} for this caller")))?;
    let number = page_asked(&query)?;
    feed_of(&config, &catalog, dataset, &base, number).await
}

/// Page `number` of a deliverable's dataset feed.
async fn feed_of(
    config: &Config,
    catalog: &Catalog,
    dataset: &Dataset,
    base: &str,
    number: usize,
) -> Result<HttpResponse, Problem> {
    let page = FeedPage {
        number,
        size: config.limits.atom_links_per_page.max(1),
    };
    let most = dataset.content.images.iter().map(|g| g.count).max().unwrap_or(0) as usize;
    let pages = most.div_ceil(page.size).max(1);
    if number > pages {
        return Err(Problem::not_found(format!(
            "page {number} of a feed of {pages} pages"
        )));
    }
    let files = sections(catalog, dataset, page).await?;
    Ok(xml(
        atom::ATOM_TYPE,
        atom::dataset_feed(base, &publisher(config), dataset, &files, page),
    ))
}

/// This page's share of the images of a raster deliverable, by group (class and CRS), each
/// group's by path: only the page's rows are read.
async fn sections(
    catalog: &Catalog,
    dataset: &Dataset,
    page: FeedPage,
) -> Result<Vec<(ImageGroup, Vec<SectionFile>)>, Problem> {
    let mut out = Vec::new();
    for group in &dataset.content.images {
        let files = catalog
            .image_files(
                dataset.livrable.id,
                (&group.class, group.epsg),
                ((page.number - 1) * page.size, page.size),
            )
            .await?;
        let files = files
            .into_iter()
            .map(|(path, size)| SectionFile { path, size })
            .collect();
        out.push((group.clone(), files));
    }
    Ok(out)
}

/// A page of the catalogue as DCAT-AP (JSON-LD, or RDF/XML when `rdf`), paged as Hydra says
/// (`page`), only the deliverables changed on or after `modified_since` when given.
async fn dcat_catalog(
    config: &Config,
    (catalog, vectors): (&Catalog, &Vectors),
    caller: &Caller,
    (query, request): (&Query, &HttpRequest),
    rdf: bool,
) -> Result<HttpResponse, Problem> {
    let base = base_url(request, &config.server.public_url);
    let number = page_asked(query)?;
    let since = query.time_or_date("modified_since")?;
    let (mut datasets, total, pages) = entries_page(config, (catalog, vectors), caller, number).await?;
    if let Some(since) = &since {
        datasets.retain(|d| d.updated.as_str() >= since.as_str());
    }
    if number > pages {
        return Err(Problem::not_found(format!(
            "page {number} of a catalogue of {pages} pages"
        )));
    }
    let file = if rdf { "catalog.rdf" } else { "catalog.jsonld" };
    let page_url = |n: usize| {
        let mut url = format!("{base}/metadata/{file}?page={n}");
        if let Some(text) = query.text("modified_since") {
            url += "&modified_since=";
            url += &url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        }
        url
    };
    let page = atom::dcat::CatalogPage {
        url: page_url(number),
        first: page_url(1),
        previous: (number > 1).then(|| page_url(number - 1)),
        next: (number < pages).then(|| page_url(number + 1)),
        last: page_url(pages),
        total,
    };
    let publisher = publisher(config);
    Ok(if rdf {
        xml(
            "application/rdf+xml",
            atom::dcat::rdf_xml(&base, &publisher, &datasets, &page),
        )
    } else {
        HttpResponse::Ok()
            .content_type("application/ld+json")
            .json(atom::dcat::json_ld(&base, &publisher, &datasets, &page))
    })
}

/// A deliverable's ISO 19139 metadata record, the service's (`service.xml`), or the catalogue
/// as DCAT-AP (`catalog.jsonld`, `catalog.rdf`).
pub async fn record(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    path: web::Path<String>,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let file = path.into_inner();
    if let Some(rdf) = match file.as_str() {
        "catalog.jsonld" => Some(false),
        "catalog.rdf" => Some(true),
        _ => None,
    } {
        return dcat_catalog(&config, (&catalog, &vectors), &caller, (&query, &request), rdf).await;
    }
    let slug = feed_name(&file, "metadata")?;
    let base = base_url(&request, &config.server.public_url);
    if slug == "service" {
        let (datasets, _, _) = entries_page(&config, (&catalog, &vectors), &caller, 1).await?;
        let updated = datasets
            .iter()
            .map(|d| d.updated.clone())
            .max()
            .unwrap_or_else(|| atom::rfc3339(&chrono::Utc::now().to_rfc3339()));
        return Ok(xml(
            "application/xml",
            atom::metadata::service_record(&base, &publisher(&config), &datasets, &updated),
        ));
    }
    let datasets = visible(&catalog, &vectors, &caller, Some(slug)).await?;
    let dataset = datasets
        .first()
        .ok_or_else(|| Problem::not_found(format!("no published deliverable {slug} for this caller")))?;
    Ok(xml(
        "application/xml",
        atom::metadata::record(&base, &publisher(&config), dataset),
    ))
}

/// The OpenSearch description.
pub async fn description(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let datasets = visible(&catalog, &vectors, &caller, None).await?;
    Ok(xml(
        opensearch::OPENSEARCH_TYPE,
        opensearch::description(&base, &publisher(&config), &datasets),
    ))
}

/// The searches the description names.
pub async fn search(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let datasets = visible(&catalog, &vectors, &caller, None).await?;
    let text = |name: &str| query.text(name).filter(|t| !t.is_empty());
    let asked = opensearch::Search {
        words: text("q"),
        code: text("spatial_dataset_identifier_code"),
        namespace: text("spatial_dataset_identifier_namespace"),
        crs: text("crs"),
        media_type: text("type"),
    };
    if let Some(language) = text("language") {
        // One language is offered; another is answered in it (TG Requirement 37).
        tracing::debug!(language, "ATOM search in another language, answered in French");
    }
    Ok(match opensearch::answer(&base, &datasets, &asked) {
        // Describe Spatial Dataset: the dataset feed itself (clients check its media type).
        opensearch::Answer::DatasetFeed(index) => {
            return feed_of(&config, &catalog, &datasets[index], &base, 1).await
        }
        opensearch::Answer::Download(url) => HttpResponse::build(StatusCode::SEE_OTHER)
            .insert_header((header::LOCATION, url))
            .finish(),
        opensearch::Answer::NotFound(why) => return Err(Problem::not_found(why)),
        opensearch::Answer::Html(found) => {
            let mut page = String::from(
                "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Jeux de données</title></head><body>\n<h1>Jeux de données</h1>\n<ul>\n",
            );
            for index in found {
                let dataset = &datasets[index];
                let url = atom::dataset_url(&base, &dataset.livrable.slug);
                page += &format!(
                    "<li><a href=\"{}\">{}</a> — {}</li>\n",
                    escape(&url),
                    escape(&dataset.livrable.nom),
                    escape(&dataset.project.nom)
                );
            }
            page += "</ul>\n</body></html>\n";
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(page)
        }
    })
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// A change document, or 304 when the client's copy is current: a strong ETag from the bytes,
/// `Last-Modified` from the newest change.
fn revalidated(request: &HttpRequest, media_type: &str, body: Vec<u8>, newest: Option<&str>) -> HttpResponse {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&body);
    let etag = format!(
        "\"{}\"",
        digest
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let modified = newest.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let header_text = |name| {
        request
            .headers()
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    let fresh = match header_text(header::IF_NONE_MATCH) {
        Some(tags) => tags.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"),
        None => match (header_text(header::IF_MODIFIED_SINCE), modified) {
            (Some(since), Some(modified)) => chrono::DateTime::parse_from_rfc2822(since)
                .is_ok_and(|since| modified.timestamp() <= since.timestamp()),
            _ => false,
        },
    };
    let mut response = if fresh {
        HttpResponse::build(StatusCode::NOT_MODIFIED)
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if let Some(modified) = modified {
        response.insert_header((
            header::LAST_MODIFIED,
            modified
                .with_timezone(&chrono::Utc)
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string(),
        ));
    }
    if fresh {
        return response.finish();
    }
    response
        .content_type(format!("{media_type}; charset=utf-8"))
        .body(body)
}

/// The changes this caller may see, of one project when given.
async fn visible_changes(
    catalog: &Catalog,
    caller: &Caller,
    base: &str,
    project: Option<&crate::catalog::Project>,
) -> Result<Vec<changes::Change>, Problem> {
    let viewer = |project: &crate::catalog::Project| caller.can_manage(project);
    Ok(changes::changes(catalog, &viewer, base, project).await?)
}

/// The part of the change feed a query asks (`archive=k`), or a 404 naming why.
fn part_asked(query: &Query) -> Result<changes::Part, Problem> {
    match query.text("archive") {
        None => Ok(changes::Part::Current),
        Some(text) => text
            .parse()
            .map(changes::Part::Archive)
            .map_err(|_| Problem::bad_request(format!("archive `{text}` must be a number from 0"))),
    }
}

/// An Atom change document for the changes given.
fn changes_document(
    config: &Config,
    request: &HttpRequest,
    (all, part): (&[changes::Change], changes::Part),
    self_url: &str,
    title: &str,
) -> Result<HttpResponse, Problem> {
    let size = config.limits.atom_changes_per_page;
    let (shown, prev, next) = changes::part_of(all, part, size).ok_or_else(|| {
        Problem::not_found("that archive is not full yet: the current feed holds its changes")
    })?;
    let newest = shown.first().map(|c| c.updated.clone());
    let body = changes::atom(self_url, &publisher(config), title, (&shown, prev, next), part);
    Ok(revalidated(request, atom::ATOM_TYPE, body, newest.as_deref()))
}

/// Every change, newest first (archives: `archive=k`).
pub async fn changes_atom(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let part = part_asked(&query)?;
    let all = visible_changes(&catalog, &caller, &base, None).await?;
    let title = format!("{} — changements", config.publisher.title);
    changes_document(
        &config,
        &request,
        (&all, part),
        &format!("{base}/atom/changes.xml"),
        &title,
    )
}

/// The newest changes as JSON Feed 1.1.
pub async fn changes_json(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let base = base_url(&request, &config.server.public_url);
    let all = visible_changes(&catalog, &caller, &base, None).await?;
    let shown: Vec<&changes::Change> = all
        .iter()
        .rev()
        .take(config.limits.atom_changes_per_page)
        .collect();
    let newest = shown.first().map(|c| c.updated.clone());
    let title = format!("{} — changements", config.publisher.title);
    let feed = changes::json_feed(
        &format!("{base}/atom/service.xml"),
        &format!("{base}/atom/changes.json"),
        &title,
        &shown,
    );
    let body = serde_json::to_vec(&feed).unwrap_or_default();
    Ok(revalidated(
        &request,
        "application/feed+json",
        body,
        newest.as_deref(),
    ))
}

/// One project's changes (archives: `archive=k`).
pub async fn project_changes(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    caller: Caller,
    path: web::Path<String>,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let file = path.into_inner();
    let slug = feed_name(&file, "project")?;
    let project = catalog
        .project_by_slug(slug)
        .await
        .map_err(|_| Problem::not_found(format!("no project {slug}")))?;
    let base = base_url(&request, &config.server.public_url);
    let part = part_asked(&query)?;
    let all = visible_changes(&catalog, &caller, &base, Some(&project)).await?;
    let title = format!("{} — changements du projet", project.nom);
    changes_document(
        &config,
        &request,
        (&all, part),
        &format!("{base}/atom/projects/{slug}.xml"),
        &title,
    )
}
