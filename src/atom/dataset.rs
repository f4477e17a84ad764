//! What the feeds say of a deliverable, gathered per request from the catalogue (its storage,
//! its images grouped by format and CRS as the last scans saw them) and the vector collections:
//! its extent, its CRSs, its formats, and whether the caller may download it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::catalog::{Catalog, CatalogError, ImageGroup, Livrable, Permission, Project};
use crate::vector::{Collection, Vectors};

/// EPSG codes vector deliverables are offered in besides their own: Lambert-93 and WGS 84.
const VECTOR_CRS: &[u32] = &[2154, 4326];

/// The formats vector deliverables are written in (`format=` of the downloads), with the media
/// type of the file each ZIP holds.
pub const VECTOR_FORMATS: &[(&str, &str, &str)] = &[
    ("gpkg", "GeoPackage", "application/geopackage+sqlite3"),
    ("gml", "GML 3.2", "application/gml+xml"),
    ("geojson", "GeoJSON", "application/geo+json"),
    ("shp", "Shapefile", "application/x-shapefile"),
];

/// A deliverable as the feeds describe it.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The deliverable.
    pub livrable: Livrable,
    /// Its project.
    pub project: Project,
    /// Whether the caller may download it, and why not.
    pub permission: Permission,
    /// Its extent in CRS:84.
    pub extent84: Option<[f64; 4]>,
    /// Its last change (the deliverable's, or its last finished scan's), RFC 3339 UTC.
    pub updated: String,
    /// What it holds.
    pub content: Content,
}

/// What a deliverable holds: images, features, or both.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Images, by class (`jpeg2000`, `geotiff`) and EPSG code.
    pub images: Vec<ImageGroup>,
    /// Classes of features.
    pub classes: Vec<String>,
    /// The CRS most classes are stored in.
    pub srid: Option<u32>,
}

impl Dataset {
    /// The EPSG codes it is offered in, ascending.
    pub fn crs(&self) -> Vec<u32> {
        let content = &self.content;
        let mut codes: BTreeSet<u32> = content.images.iter().map(|g| g.epsg).collect();
        if !content.classes.is_empty() {
            codes.extend(content.srid.iter().chain(VECTOR_CRS));
        }
        codes.into_iter().collect()
    }

    /// The EPSG codes its features are offered in (none without features).
    pub fn vector_crs(&self) -> Vec<u32> {
        let content = &self.content;
        if content.classes.is_empty() {
            return Vec::new();
        }
        let codes: BTreeSet<u32> = content.srid.iter().chain(VECTOR_CRS).copied().collect();
        codes.into_iter().collect()
    }
}

/// Who asks: whether they manage a project (porteur, admin).
pub trait Viewer {
    /// Whether the caller manages `project`.
    fn manages(&self, project: &Project) -> bool;
}

impl<F: Fn(&Project) -> bool> Viewer for F {
    fn manages(&self, project: &Project) -> bool {
        self(project)
    }
}

/// Whether anyone may see a deliverable listed ([`Livrable::is_public`]).
pub fn is_public(livrable: &Livrable) -> bool {
    livrable.is_public()
}

/// Which deliverables a document describes.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// This one.
    One(&'a Livrable),
    /// `limit` from `offset`, in creation order (a page of the service feed).
    Page {
        /// Deliverables skipped.
        offset: i64,
        /// Most deliverables.
        limit: i64,
    },
}

/// The deliverables with an active storage the caller may see among `which`, with the total
/// number of deliverables; a few queries over the id range of those, whatever their number.
pub async fn datasets(
    catalog: &Catalog,
    vectors: &Vectors,
    viewer: &dyn Viewer,
    which: Which<'_>,
) -> Result<(Vec<Dataset>, i64), CatalogError> {
    let (livrables, total) = match which {
        Which::One(livrable) => (vec![livrable.clone()], 1),
        Which::Page { offset, limit } => {
            let page = catalog.list_livrables(limit, offset).await?;
            (page.items, page.total)
        }
    };
    let (Some(first), Some(last)) = (
        livrables.iter().map(|l| l.id).min(),
        livrables.iter().map(|l| l.id).max(),
    ) else {
        return Ok((Vec::new(), total));
    };
    let ids = (first, last);
    let storages: HashMap<i64, _> = catalog
        .active_storages_of(ids)
        .await?
        .into_iter()
        .map(|storage| (storage.livrable_id, storage))
        .collect();
    let last_scans = catalog.last_scans(ids).await?;
    let mut groups: HashMap<i64, Vec<ImageGroup>> = HashMap::new();
    for group in catalog.image_groups(ids).await? {
        groups.entry(group.livrable_id).or_default().push(group);
    }
    let mut collections: HashMap<i64, Vec<Arc<Collection>>> = HashMap::new();
    for collection in vectors.all() {
        collections
            .entry(collection.livrable_id)
            .or_default()
            .push(collection);
    }
    let mut projects: HashMap<i64, Project> = HashMap::new();
    let mut out = Vec::new();
    for livrable in livrables {
        let Some(storage) = storages.get(&livrable.id) else {
            continue;
        };
        let images = groups.remove(&livrable.id).unwrap_or_default();
        let mut own = collections.remove(&livrable.id).unwrap_or_default();
        if images.is_empty() && own.is_empty() {
            continue;
        }
        own.sort_by(|a, b| a.class.cmp(&b.class));
        let content = Content {
            images,
            srid: most_common(own.iter().filter_map(|c| c.srid)),
            classes: own.iter().map(|c| c.class.clone()).collect(),
        };
        let project = match projects.get(&livrable.project_id) {
            Some(project) => project.clone(),
            None => {
                let project = catalog.project(livrable.project_id).await?;
                projects.insert(livrable.project_id, project.clone());
                project
            }
        };
        let manages = viewer.manages(&project);
        if !manages && !is_public(&livrable) {
            continue;
        }
        let extent84 = union(
            content
                .images
                .iter()
                .filter_map(|g| g.bbox_wgs84)
                .chain(own.iter().filter_map(|c| c.extent84)),
        );
        let updated = last_scans
            .get(&livrable.id)
            .map(|done| rfc3339(done))
            .into_iter()
            .chain(std::iter::once(rfc3339(&livrable.updated_at)))
            .max()
            .unwrap_or_default();
        out.push(Dataset {
            permission: Permission::of(&livrable, storage, manages),
            livrable,
            project,
            extent84,
            updated,
            content,
        });
    }
    Ok((out, total))
}

fn most_common(codes: impl Iterator<Item = u32>) -> Option<u32> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for code in codes {
        *counts.entry(code).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(code, n)| (*n, std::cmp::Reverse(*code)))
        .map(|(code, _)| code)
}

fn union(boxes: impl Iterator<Item = [f64; 4]>) -> Option<[f64; 4]> {
    boxes.reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

/// A catalogue time (RFC 3339, or SQLite's `YYYY-MM-DD HH:MM:SS` in UTC) as RFC 3339 UTC with
/// its zone, as Atom wants it.
pub fn rfc3339(time: &str) -> String {
    let parsed = chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%d %H:%M:%S").map(|t| t.and_utc()))
        .unwrap_or_default();
    parsed.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_get_their_zone() {
        assert_eq!(rfc3339("2024-06-01 10:20:30"), "2024-06-01T10:20:30Z");
        assert_eq!(rfc3339("2024-06-01T12:20:30+02:00"), "2024-06-01T10:20:30Z");
    }
}
