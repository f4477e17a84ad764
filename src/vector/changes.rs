//! What an import changed, for the tile cache: the features added, removed or altered between
//! a deliverable's collections before and after a rebuild, as CRS:84 boxes.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::Collection;

/// Past this many changed features, the collections' extents stand for them.
const MAX_BOXES: usize = 2000;

/// A rebuilt deliverable: the map layers it feeds (its slug and its collections, old and new)
/// and the CRS:84 boxes of what changed.
#[derive(Debug, Clone)]
pub struct VectorChange {
    /// The deliverable.
    pub livrable_id: i64,
    /// Layer names whose tiles may show the change: the deliverable's slug, every collection.
    pub layers: Vec<String>,
    /// Boxes of the changed features (or of whole collections when too many changed).
    pub boxes84: Vec<[f64; 4]>,
}

fn fingerprint(json: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut hasher);
    hasher.finish()
}

/// The change from `old` to `new` collections of deliverable `slug`.
pub fn change_between(
    livrable_id: i64,
    slug: &str,
    old: &[Arc<Collection>],
    new: &[Arc<Collection>],
) -> VectorChange {
    let mut layers = vec![slug.to_string()];
    for collection in old.iter().chain(new) {
        if !layers.contains(&collection.id) {
            layers.push(collection.id.clone());
        }
    }
    let mut boxes = Vec::new();
    let mut too_many = false;
    let classes: Vec<&str> = layers[1..].iter().map(String::as_str).collect();
    for id in classes {
        let before = old.iter().find(|c| c.id == id);
        let after = new.iter().find(|c| c.id == id);
        let known: HashMap<&str, (u64, Option<[f64; 4]>)> = before
            .map(|c| {
                c.features()
                    .iter()
                    .map(|f| (&*f.fid, (fingerprint(f.geojson()), f.bbox84)))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        if let Some(after) = after {
            for feature in after.features() {
                seen.insert(&*feature.fid);
                let same = known
                    .get(&*feature.fid)
                    .is_some_and(|(print, _)| *print == fingerprint(feature.geojson()));
                if !same {
                    boxes.extend(feature.bbox84);
                    if let Some((_, Some(previous))) = known.get(&*feature.fid) {
                        boxes.push(*previous);
                    }
                }
            }
        }
        for (fid, (_, bbox)) in &known {
            if !seen.contains(fid) {
                boxes.extend(*bbox);
            }
        }
        if boxes.len() > MAX_BOXES {
            too_many = true;
            break;
        }
    }
    if too_many {
        boxes = old.iter().chain(new).filter_map(|c| c.extent84).collect();
    }
    VectorChange {
        livrable_id,
        layers,
        boxes84: boxes,
    }
}
