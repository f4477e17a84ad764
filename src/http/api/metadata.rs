//! `/api/metadata`: the published deliverables' metadata as JSON, paged with `limit` and
//! `offset` like the rest of the API, each with its `updated` time and links to its ISO 19139
//! record, its ATOM feed, its services and its download; `updated_since` keeps only what
//! changed since a harvester's last visit. The same deliverables, with the same permissions,
//! as the ATOM service feed and the DCAT-AP catalogue.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::atom::{self, Dataset, Which};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::http::auth::Caller;
use crate::http::extract::Query;
use crate::http::Problem;
use crate::ogc::common::base_url;
use crate::vector::Vectors;

/// A link from a deliverable's metadata.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MetadataLink {
    /// What it is to the deliverable: `describedby` (its ISO 19139 record), `alternate` (its
    /// ATOM dataset feed), `service` (a map or feature service showing it), `enclosure` (its
    /// download, when allowed).
    pub rel: String,
    /// Absolute URL.
    pub href: String,
    /// Media type of what it answers.
    #[serde(rename = "type")]
    pub media_type: String,
    /// Title.
    pub title: String,
}

/// A deliverable's metadata summary.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MetadataSummary {
    /// Identifier code (the deliverable's slug), as in the ATOM feeds and the ISO record.
    pub identifier: String,
    /// Namespace of the identifier (this server).
    pub namespace: String,
    /// Title: the deliverable and its project.
    pub title: String,
    /// What it holds and whether it may be downloaded.
    pub description: String,
    /// The project's slug.
    pub project: String,
    /// Last change (the deliverable's record or its last finished scan), RFC 3339 UTC.
    pub updated: String,
    /// Licence, in words.
    pub licence: String,
    /// Where the licence's text is published (none for a closed licence).
    pub licence_url: Option<String>,
    /// Extent in CRS:84 (west, south, east, north), when known.
    pub bbox: Option<Vec<f64>>,
    /// EPSG codes of its dalles or features.
    pub crs: Vec<u32>,
    /// Whether its files may be downloaded by this caller.
    pub download_allowed: bool,
    /// Its record, feed, services and download.
    pub links: Vec<MetadataLink>,
}

/// A page of deliverables' metadata.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MetadataPage {
    /// The page's deliverables this caller may see (changed since `updated_since` when given).
    pub items: Vec<MetadataSummary>,
    /// Deliverables in the catalogue, before permissions and `updated_since`: walk the pages
    /// while `offset + limit < total`.
    pub total: i64,
    /// Page size asked for.
    pub limit: i64,
    /// Deliverables skipped.
    pub offset: i64,
    /// `self`, and `next` while deliverables are left.
    pub links: Vec<MetadataLink>,
}

/// The published deliverables' metadata, for harvesters (data.gouv.fr, GeoNetwork).
#[utoipa::path(
    get, path = "/api/metadata", tag = "metadata",
    params(
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size (default 50)"),
        ("offset" = Option<i64>, Query, minimum = 0, maximum = 2147483647, description = "Deliverables skipped"),
        ("updated_since" = Option<String>, Query, format = DateTime,
            description = "Only deliverables changed at or after this RFC 3339 time"),
    ),
    responses(
        (status = 200, description = "A page of metadata", body = MetadataPage),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    config: web::Data<Config>,
    catalog: web::Data<Catalog>,
    vectors: web::Data<Vectors>,
    caller: Caller,
    query: Query,
    request: HttpRequest,
) -> Result<HttpResponse, Problem> {
    let paging = query.paging(config.limits.max_page_size)?;
    let since = query.time("updated_since")?;
    let base = base_url(&request, &config.server.public_url);
    let viewer = |project: &crate::catalog::Project| caller.can_manage(project);
    let which = Which::Page {
        offset: paging.offset,
        limit: paging.limit,
    };
    let (datasets, total) = atom::datasets(&catalog, &vectors, &viewer, which).await?;
    let items = datasets
        .iter()
        .filter(|d| {
            since
                .as_ref()
                .is_none_or(|since| d.updated.as_str() >= since.as_str())
        })
        .map(|dataset| summary(&base, dataset))
        .collect();
    let page_url = |offset: i64| {
        let mut url = format!("{base}/api/metadata?limit={}&offset={offset}", paging.limit);
        if let Some(text) = query.text("updated_since") {
            url += "&updated_since=";
            url += &url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        }
        url
    };
    let mut links = vec![link(
        "self",
        page_url(paging.offset),
        "application/json",
        "this page",
    )];
    if paging.offset + paging.limit < total {
        links.push(link(
            "next",
            page_url(paging.offset + paging.limit),
            "application/json",
            "the next page",
        ));
    }
    Ok(HttpResponse::Ok().json(MetadataPage {
        items,
        total,
        limit: paging.limit,
        offset: paging.offset,
        links,
    }))
}

fn link(rel: &str, href: String, media_type: &str, title: &str) -> MetadataLink {
    MetadataLink {
        rel: rel.into(),
        href,
        media_type: media_type.into(),
        title: title.into(),
    }
}

fn summary(base: &str, dataset: &Dataset) -> MetadataSummary {
    let livrable = &dataset.livrable;
    let mut links = vec![link(
        "describedby",
        atom::record_url(base, &livrable.slug),
        "application/xml",
        "ISO 19139",
    )];
    for (href, title, media_type, download) in atom::dcat::distributions(base, dataset) {
        let rel = match (download, media_type) {
            (true, _) => "enclosure",
            (false, atom::ATOM_TYPE) => "alternate",
            (false, _) => "service",
        };
        links.push(link(rel, href, media_type, &title));
    }
    MetadataSummary {
        identifier: livrable.slug.clone(),
        namespace: format!("{base}/"),
        title: format!("{} — {}", livrable.nom, dataset.project.nom),
        description: atom::summary(dataset),
        project: dataset.project.slug.clone(),
        updated: dataset.updated.clone(),
        licence: livrable.licence.name().to_string(),
        licence_url: livrable.licence.url().map(str::to_string),
        bbox: dataset.extent84.map(|b| b.to_vec()),
        crs: dataset.crs(),
        download_allowed: dataset.permission.allowed,
        links,
    }
}
