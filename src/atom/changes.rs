//! What changed, for subscribers: new projects and their status steps, new, changed and revoked
//! deliverables, finished scans with their change sets (with a download of just those dalles),
//! vector imports with their counts. Gathered from the catalogue in a few queries, newest first,
//! with stable ids; written as Atom (archived per RFC 5005: fixed chunks in time order that never
//! change once full) and as JSON Feed 1.1.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::dataset::{is_public, rfc3339, Viewer};
use super::feed::{ATOM_NS, ATOM_TYPE};
use super::Publisher;
use crate::catalog::{Catalog, CatalogError, Livrable, Project, ProjectQuery};
use crate::ogc::common::xml::Xml;

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Stable identifier (an absolute URL with a fragment naming the change).
    pub id: String,
    /// When, RFC 3339 UTC.
    pub updated: String,
    /// In words.
    pub title: String,
    /// More words.
    pub summary: String,
    /// Its project's slug.
    pub project: String,
    /// Links: (rel, href, media type, title).
    pub links: Vec<(String, String, String, String)>,
}

fn link(rel: &str, href: String, media_type: &str, title: &str) -> (String, String, String, String) {
    (rel.into(), href, media_type.into(), title.into())
}

/// Every change the caller may see (of `project` only when given), oldest first.
pub async fn changes(
    catalog: &Catalog,
    viewer: &dyn Viewer,
    base: &str,
    project: Option<&Project>,
) -> Result<Vec<Change>, CatalogError> {
    let projects = match project {
        Some(project) => vec![project.clone()],
        None => all_projects(catalog).await?,
    };
    let mut out = Vec::new();
    let mut livrables: HashMap<i64, (Livrable, String)> = HashMap::new();
    for project in &projects {
        let manages = viewer.manages(project);
        let url = format!("{base}/api/projects/{}", project.slug);
        out.push(Change {
            id: format!("{url}#created"),
            updated: rfc3339(&project.created_at),
            title: format!("Nouveau projet : {}", project.nom),
            summary: format!("Le projet {} est publié.", project.nom),
            project: project.slug.clone(),
            links: vec![link("alternate", url.clone(), "application/json", &project.nom)],
        });
        // A change of the project's own record, dated by a day of its steps.
        let dated = |anchor: String, day: &str, title: String, summary: String| Change {
            id: format!("{url}#{anchor}"),
            updated: rfc3339(&format!("{day}T00:00:00Z")),
            title,
            summary,
            project: project.slug.clone(),
            links: vec![link("alternate", url.clone(), "application/json", &project.nom)],
        };
        for (index, etape) in project.etapes.iter().enumerate() {
            let statut = etape.statut.as_str();
            out.push(dated(
                format!("etape-{index}"),
                &etape.date_debut,
                format!("{} : étape « {statut} »", project.nom),
                format!(
                    "Le projet {} passe à l'étape {statut} le {}.",
                    project.nom, etape.date_debut
                ),
            ));
            for (rank, jalon) in etape.jalons.iter().enumerate() {
                let nature = jalon.nature.as_str();
                out.push(dated(
                    format!("etape-{index}-jalon-{rank}"),
                    &jalon.date,
                    format!("{} : jalon « {nature} »", project.nom),
                    format!(
                        "Le projet {} atteint le jalon {nature} de l'étape {statut} le {}.",
                        project.nom, jalon.date
                    ),
                ));
            }
        }
        for livrable in catalog.project_livrables(project.id).await? {
            if !manages && !is_public(&livrable) {
                continue;
            }
            let own = format!("{base}/api/livrables/{}", livrable.slug);
            let feed = super::dataset_url(base, &livrable.slug);
            let links = vec![
                link("alternate", own.clone(), "application/json", &livrable.nom),
                link("related", feed, ATOM_TYPE, "Flux du jeu de données"),
            ];
            out.push(Change {
                id: format!("{own}#created"),
                updated: rfc3339(&livrable.created_at),
                title: format!("Nouveau livrable : {} ({})", livrable.nom, project.nom),
                summary: format!(
                    "Livrable {} ({}) déclaré.",
                    livrable.nom,
                    livrable.nature.as_str()
                ),
                project: project.slug.clone(),
                links: links.clone(),
            });
            if livrable.updated_at != livrable.created_at {
                out.push(Change {
                    id: format!("{own}#changed-{}", rfc3339(&livrable.updated_at)),
                    updated: rfc3339(&livrable.updated_at),
                    title: format!("Livrable modifié : {} ({})", livrable.nom, project.nom),
                    summary: format!("Les informations du livrable {} ont changé.", livrable.nom),
                    project: project.slug.clone(),
                    links,
                });
            }
            livrables.insert(livrable.id, (livrable, project.slug.clone()));
        }
    }
    storage_changes(catalog, base, &livrables, &mut out).await?;
    scan_changes(catalog, base, &livrables, &mut out).await?;
    import_changes(catalog, base, &livrables, &mut out).await?;
    // A status step planned for later is not a change yet.
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    out.retain(|change| change.updated <= now);
    out.sort_by(|a, b| a.updated.cmp(&b.updated).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

async fn all_projects(catalog: &Catalog) -> Result<Vec<Project>, CatalogError> {
    let mut all = Vec::new();
    loop {
        let query = ProjectQuery {
            limit: 500,
            offset: all.len() as i64,
            ..ProjectQuery::default()
        };
        let page = catalog.list_projects(&query).await?;
        let done = page.items.is_empty() || all.len() as i64 + page.items.len() as i64 >= page.total;
        all.extend(page.items);
        if done {
            return Ok(all);
        }
    }
}

/// Storages declared and revoked.
async fn storage_changes(
    catalog: &Catalog,
    base: &str,
    livrables: &HashMap<i64, (Livrable, String)>,
    out: &mut Vec<Change>,
) -> Result<(), CatalogError> {
    for storage in catalog.all_storages().await? {
        let Some((livrable, project)) = livrables.get(&storage.livrable_id) else {
            continue;
        };
        let own = format!("{base}/api/livrables/{}", livrable.slug);
        if let Some(revoked) = &storage.revoked_at {
            out.push(Change {
                id: format!("{own}#storage-{}-revoked", storage.id),
                updated: rfc3339(revoked),
                title: format!("Stockage révoqué : {}", livrable.nom),
                summary: format!(
                    "Le stockage du livrable {} est révoqué : ses liens de téléchargement sont retirés.",
                    livrable.nom
                ),
                project: project.clone(),
                links: vec![link("alternate", own.clone(), "application/json", &livrable.nom)],
            });
        }
    }
    Ok(())
}

/// Finished scans with their change sets, and a download of just what changed.
async fn scan_changes(
    catalog: &Catalog,
    base: &str,
    livrables: &HashMap<i64, (Livrable, String)>,
    out: &mut Vec<Change>,
) -> Result<(), CatalogError> {
    for scan in catalog.finished_scans().await? {
        let Some((livrable, project)) = livrables.get(&scan.livrable_id) else {
            continue;
        };
        let Some(finished) = &scan.finished_at else {
            continue;
        };
        let count = |key: &str| {
            scan.changes
                .as_ref()
                .and_then(|c| c.get(key))
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        let (added, modified, removed) = (count("added"), count("modified"), count("removed"));
        let own = format!("{base}/api/scans/{}", scan.id);
        let previous = format!("scan:{}", scan.id - 1);
        let mut links = vec![link(
            "alternate",
            own.clone(),
            "application/json",
            "Le scan et sa liste de changements",
        )];
        if added + modified > 0 {
            // What this scan and the later ones found new or changed.
            let since = format!("livrable={}&since={previous}", livrable.slug);
            links.push(link(
                "enclosure",
                format!("{base}/download/zip?{since}"),
                "application/zip",
                "Les dalles nouvelles ou modifiées",
            ));
            links.push(link(
                "related",
                format!("{base}/download/list.txt?{since}"),
                "text/uri-list",
                "Leur liste",
            ));
        }
        out.push(Change {
            id: format!("{own}#finished"),
            updated: rfc3339(finished),
            title: format!("Scan {} de {} : {}", scan.id, livrable.nom, scan.state.as_str()),
            summary: format!(
                "{added} dalles ajoutées, {modified} modifiées, {removed} retirées ; {} fichiers listés, {} erreurs.",
                scan.files_listed, scan.errors
            ),
            project: project.clone(),
            links,
        });
    }
    Ok(())
}

/// Vector files imported, with their counts.
async fn import_changes(
    catalog: &Catalog,
    base: &str,
    livrables: &HashMap<i64, (Livrable, String)>,
    out: &mut Vec<Change>,
) -> Result<(), CatalogError> {
    for livrable_id in catalog.vector_livrables().await? {
        let Some((livrable, project)) = livrables.get(&livrable_id) else {
            continue;
        };
        for file in catalog.vector_files(livrable_id).await? {
            let own = format!("{base}/api/livrables/{}", livrable.slug);
            out.push(Change {
                id: format!("{own}#import-{}-{}", file.digest, rfc3339(&file.imported_at)),
                updated: rfc3339(&file.imported_at),
                title: format!("Import vecteur : {} ({})", file.path, livrable.nom),
                summary: format!("{} objets importés de {}.", file.features, file.path),
                project: project.clone(),
                links: vec![link(
                    "related",
                    super::dataset_url(base, &livrable.slug),
                    ATOM_TYPE,
                    "Flux du jeu de données",
                )],
            });
        }
    }
    Ok(())
}

/// Which part of the changes a document holds: the current one (the newest `size`, newest
/// first) or archive `k` (changes `k·size` to `(k+1)·size - 1` in time order, once full).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The current feed.
    Current,
    /// A full archive, by number from 0.
    Archive(usize),
}

/// The changes a part holds, newest first, and its archive links (prev, next): `None` when
/// the archive asked for is not full (yet).
pub fn part_of(
    changes: &[Change],
    part: Part,
    size: usize,
) -> Option<(Vec<&Change>, Option<usize>, Option<Part>)> {
    let total = changes.len();
    let size = size.max(1);
    match part {
        Part::Current => {
            let from = total.saturating_sub(size);
            let shown = changes[from..].iter().rev().collect();
            // The last full archive holding the change before the oldest shown.
            let prev = (from > 0).then(|| (from - 1) / size);
            Some((shown, prev, None))
        }
        Part::Archive(k) => {
            let end = (k + 1) * size;
            if end > total {
                return None;
            }
            let shown = changes[k * size..end].iter().rev().collect();
            let next = if (k + 2) * size <= total {
                Part::Archive(k + 1)
            } else {
                Part::Current
            };
            Some((shown, k.checked_sub(1), Some(next)))
        }
    }
}

/// The Atom document of a part, at `self_url` (the current feed's URL; archives add `?archive=k`).
pub fn atom(
    self_url: &str,
    publisher: &Publisher,
    title: &str,
    (shown, prev, next): (&[&Change], Option<usize>, Option<Part>),
    part: Part,
) -> Vec<u8> {
    let url_of = |part: Part| match part {
        Part::Current => self_url.to_string(),
        Part::Archive(k) => format!("{self_url}?archive={k}"),
    };
    let mut xml = Xml::new();
    xml.open(
        "feed",
        &[
            ("xmlns", ATOM_NS),
            ("xmlns:fh", "http://purl.org/syndication/history/1.0"),
            ("xml:lang", "fr"),
        ],
    );
    xml.leaf("title", &[], title);
    xml.empty(
        "link",
        &[("rel", "self"), ("href", &url_of(part)), ("type", ATOM_TYPE)],
    );
    xml.empty(
        "link",
        &[("rel", "current"), ("href", self_url), ("type", ATOM_TYPE)],
    );
    if let Some(k) = prev {
        xml.empty(
            "link",
            &[
                ("rel", "prev-archive"),
                ("href", &url_of(Part::Archive(k))),
                ("type", ATOM_TYPE),
            ],
        );
    }
    if let Some(next) = next {
        xml.empty(
            "link",
            &[
                ("rel", "next-archive"),
                ("href", &url_of(next)),
                ("type", ATOM_TYPE),
            ],
        );
    }
    if matches!(part, Part::Archive(_)) {
        xml.empty("fh:archive", &[]);
    }
    xml.leaf("id", &[], &url_of(part));
    let updated = shown
        .first()
        .map(|c| c.updated.as_str())
        .unwrap_or("2012-01-01T00:00:00Z");
    xml.leaf("updated", &[], updated);
    xml.open("author", &[]);
    xml.leaf("name", &[], &publisher.name);
    xml.leaf("email", &[], &publisher.email);
    xml.close("author");
    for change in shown {
        xml.open("entry", &[]);
        xml.leaf("id", &[], &change.id);
        xml.leaf("title", &[], &change.title);
        xml.leaf("updated", &[], &change.updated);
        xml.leaf("summary", &[], &change.summary);
        xml.empty("category", &[("term", &change.project), ("label", "projet")]);
        for (rel, href, media_type, title) in &change.links {
            xml.empty(
                "link",
                &[
                    ("rel", rel),
                    ("href", href),
                    ("type", media_type),
                    ("title", title),
                ],
            );
        }
        xml.close("entry");
    }
    xml.close("feed");
    xml.finish()
}

/// The same as JSON Feed 1.1, the newest `size` changes.
pub fn json_feed(home: &str, feed_url: &str, title: &str, shown: &[&Change]) -> Value {
    let items: Vec<Value> = shown
        .iter()
        .map(|change| {
            let url = change.links.first().map(|(_, href, _, _)| href.clone());
            let attachments: Vec<Value> = change
                .links
                .iter()
                .filter(|(rel, ..)| rel == "enclosure")
                .map(|(_, href, media_type, title)| json!({"url": href, "mime_type": media_type, "title": title}))
                .collect();
            let mut item = json!({
                "id": change.id,
                "title": change.title,
                "content_text": change.summary,
                "date_published": change.updated,
                "tags": [change.project],
            });
            if let Some(url) = url {
                item["url"] = json!(url);
            }
            if !attachments.is_empty() {
                item["attachments"] = json!(attachments);
            }
            item
        })
        .collect();
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": home,
        "feed_url": feed_url,
        "language": "fr",
        "items": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(n: usize) -> Change {
        Change {
            id: format!("c{n}"),
            updated: format!("2024-01-{:02}T00:00:00Z", n + 1),
            title: String::new(),
            summary: String::new(),
            project: String::new(),
            links: Vec::new(),
        }
    }

    #[test]
    fn archives_are_fixed_chunks_and_the_current_feed_the_newest() {
        let all: Vec<Change> = (0..7).map(change).collect();
        let (current, prev, next) = part_of(&all, Part::Current, 3).unwrap();
        assert_eq!(
            current.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["c6", "c5", "c4"]
        );
        assert_eq!((prev, next), (Some(1), None), "c3 is in archive 1");
        let (archive, prev, next) = part_of(&all, Part::Archive(1), 3).unwrap();
        assert_eq!(
            archive.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["c5", "c4", "c3"]
        );
        assert_eq!((prev, next), (Some(0), Some(Part::Current)));
        assert!(part_of(&all, Part::Archive(2), 3).is_none(), "not full");
        let (_, prev, next) = part_of(&all, Part::Archive(0), 3).unwrap();
        assert_eq!((prev, next), (None, Some(Part::Archive(1))));
    }
}
