//! Seeding and truncating the tile cache: every tile over a layer's real coverage (the dalles'
//! footprints, not their bounding box) for a range of levels, optionally within an area.
//! Seeding walks tiles in a fixed order, a bounded number at a time, and records after each
//! batch how far it got, so an interrupted run resumes where it stopped; memory stays bounded
//! whatever the number of tiles (tiles go to the cache tiers, not into the job).

use std::collections::BTreeSet;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::area::{Area, Region};
use super::{TileAnswer, TileMatrixSet, TileRequest, TileRequestError, Tiles};
use crate::raster::crs::transform_bbox;
use crate::raster::{Format, Mosaic};

/// Most tiles a plan may cover (a guard against seeding a continent at 5 cm by mistake, and
/// the bound on the memory a plan's tile list takes: about 100 MB at most).
pub const MAX_TILES: u64 = 5_000_000;

/// Tiles rendered at once.
const BATCH: usize = 32;

/// What to seed or truncate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeedPlan {
    /// Layer name.
    pub layer: String,
    /// Tile matrix set identifier.
    pub tms: String,
    /// First and last level.
    pub levels: (u32, u32),
    /// Only within this CRS:84 box (west, south, east, north).
    pub bbox: Option<[f64; 4]>,
    /// Only over these polygons (CRS:84): a drawn area, a commune, an EPCI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// Encoding.
    pub format: Format,
}

/// A plan as a user writes it, on the command line or in an API body: every field text.
#[derive(Debug, Clone, Copy)]
pub struct PlanText<'a> {
    /// Layer name.
    pub layer: &'a str,
    /// Tile matrix set identifier.
    pub tms: &'a str,
    /// Levels, `A-B` or `A`.
    pub levels: &'a str,
    /// `west,south,east,north` (CRS:84), if given.
    pub bbox: Option<&'a str>,
    /// `jpeg` (default), `png`, `webp` or `jpeg-png`, if given.
    pub format: Option<&'a str>,
}

/// What is wrong in a plan's text; [`PlanError::field`] names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Levels that are not `A-B` or `A`.
    #[error("levels `{0}` must be A-B or A")]
    Levels(String),
    /// A box that is not `west,south,east,north` in CRS:84.
    #[error("bbox `{0}` must be west,south,east,north")]
    Bbox(String),
    /// A format tiles are not made in.
    #[error("format `{0}` must be jpeg, png, webp or jpeg-png")]
    Format(String),
}

impl PlanError {
    /// The field at fault: `levels`, `bbox` or `format`.
    pub fn field(&self) -> &'static str {
        match self {
            PlanError::Levels(_) => "levels",
            PlanError::Bbox(_) => "bbox",
            PlanError::Format(_) => "format",
        }
    }
}

impl SeedPlan {
    /// Reads a plan from its text (no area: an area or a territory is added by the caller).
    pub fn parse(text: &PlanText<'_>) -> Result<SeedPlan, PlanError> {
        let levels = parse_levels(text.levels).ok_or_else(|| PlanError::Levels(text.levels.to_string()))?;
        let bbox = match text.bbox {
            Some(bbox) => Some(parse_area(bbox).ok_or_else(|| PlanError::Bbox(bbox.to_string()))?),
            None => None,
        };
        let format = match text.format {
            Some(name) => Format::parse(name).ok_or_else(|| PlanError::Format(name.to_string()))?,
            None => Format::Jpeg,
        };
        Ok(SeedPlan {
            layer: text.layer.to_string(),
            tms: text.tms.to_string(),
            levels,
            bbox,
            area: None,
            format,
        })
    }

    /// The plan as clients are shown it: an area by its counts and box, not every vertex.
    pub fn summary(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(area) = &self.area {
            value["area"] = area.summary();
        }
        value
    }
}

/// Serialises a plan as its [`SeedPlan::summary`].
pub fn serialize_summary<S: serde::Serializer>(plan: &SeedPlan, serializer: S) -> Result<S::Ok, S::Error> {
    plan.summary().serialize(serializer)
}

/// Why a plan cannot run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SeedError {
    /// Bad layer, set or levels.
    #[error("{0}")]
    Plan(String),
    /// Too many tiles.
    #[error(
        "the plan covers more than the {MAX_TILES} tiles allowed in one run: split it by levels or area"
    )]
    TooLarge(u64),
    /// A tile could not be drawn (the run stops there, resumable).
    #[error("tile {z}/{row}/{col}: {detail}")]
    Tile {
        /// Level.
        z: u32,
        /// Row.
        row: u32,
        /// Column.
        col: u32,
        /// Why.
        detail: String,
    },
    /// Stopped on request (resumable).
    #[error("stopped after {0} tiles; run again to resume")]
    Stopped(u64),
}

/// Progress of a run, shared with whoever watches it.
#[derive(Debug, Default)]
pub struct SeedProgress {
    /// Tiles in the plan.
    pub total: AtomicU64,
    /// Tiles done (including those done by an earlier, interrupted run).
    pub done: AtomicU64,
    /// Tiles this run drew or read back.
    pub processed: AtomicU64,
    /// Set to stop after the current batch.
    pub stop: AtomicBool,
}

/// The plan's box and area in the set's CRS; an error when they cannot be projected.
pub fn region(set: &TileMatrixSet, plan: &SeedPlan) -> Result<Region, SeedError> {
    Region::new(set, plan.bbox, plan.area.as_ref()).map_err(SeedError::Plan)
}

/// The tiles of `set` level `z` over the layer's dalles (and within `region`), sorted.
/// `budget` is what is left of [`MAX_TILES`]: the walk stops with an error rather than fill
/// memory.
pub fn coverage(
    mosaic: &Mosaic,
    set: &TileMatrixSet,
    z: u32,
    region: &Region,
    budget: &mut u64,
) -> Result<BTreeSet<(u32, u32)>, SeedError> {
    let mut tiles = BTreeSet::new();
    let Some(matrix) = set.matrix(z) else {
        return Ok(tiles);
    };
    for group in &mosaic.groups {
        for dalle in group.dalles() {
            let Some(mut bbox) = transform_bbox(group.epsg, set.crs.epsg, dalle.bbox) else {
                continue;
            };
            if let Some(area) = region.bbox {
                bbox = [
                    bbox[0].max(area[0]),
                    bbox[1].max(area[1]),
                    bbox[2].min(area[2]),
                    bbox[3].min(area[3]),
                ];
                if bbox[0] >= bbox[2] || bbox[1] >= bbox[3] {
                    continue;
                }
            }
            if let Some(range) = matrix.tiles_over(bbox) {
                let before = tiles.len() as u64;
                if range.count() > *budget {
                    return Err(SeedError::TooLarge(MAX_TILES + 1));
                }
                for row in range.min_row..=range.max_row {
                    for col in range.min_col..=range.max_col {
                        // Only tiles that meet the polygons, when the plan has some (each
                        // tested once, though several dalles lie under it).
                        if region.shape.is_none()
                            || (!tiles.contains(&(row, col)) && region.meets(matrix.tile_bbox(row, col)))
                        {
                            tiles.insert((row, col));
                        }
                    }
                }
                *budget -= tiles.len() as u64 - before;
            }
        }
    }
    Ok(tiles)
}

/// The layer, set and levels of a plan, checked.
pub fn resolve(
    tiles: &Tiles,
    plan: &SeedPlan,
) -> Result<(Arc<Mosaic>, &'static TileMatrixSet, RangeInclusive<u32>), SeedError> {
    resolve_for(tiles, plan, true)
}

/// [`resolve`]; `drawing` also checks the levels are cached (truncating levels no longer
/// cached is allowed: it clears what an earlier setting left).
fn resolve_for(
    tiles: &Tiles,
    plan: &SeedPlan,
    drawing: bool,
) -> Result<(Arc<Mosaic>, &'static TileMatrixSet, RangeInclusive<u32>), SeedError> {
    let mosaic = tiles
        .mosaics()
        .get(&plan.layer)
        .ok_or_else(|| SeedError::Plan(format!("layer {} is not defined", plan.layer)))?;
    let set = Tiles::set_for(&mosaic, &plan.tms).ok_or_else(|| {
        SeedError::Plan(format!(
            "tile matrix set {} is not offered for {}",
            plan.tms, plan.layer
        ))
    })?;
    let layer = Tiles::layer_in_set(&mosaic, set)
        .ok_or_else(|| SeedError::Plan(format!("{} cannot be drawn in {}", plan.layer, set.id)))?;
    let (first, last) = plan.levels;
    if first > last || last > layer.max_level {
        return Err(SeedError::Plan(format!(
            "levels {first}-{last}: {} has levels 0 to {} in {}",
            plan.layer, layer.max_level, set.id
        )));
    }
    if let Some(z) = (first..=last).find(|z| drawing && !tiles.caches(&mosaic.name, *z)) {
        return Err(SeedError::Plan(format!(
            "{} does not cache level {z} (cache.layers in the configuration)",
            plan.layer
        )));
    }
    region(set, plan)?;
    Ok((mosaic, set, first..=last))
}

/// Where a plan's progress is kept between runs.
fn checkpoint_path(tiles: &Tiles, plan: &SeedPlan) -> Option<PathBuf> {
    let dir = tiles.cache().disk_dir()?;
    let name = serde_json::to_string(plan).ok()?;
    let digest = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        name.hash(&mut hasher);
        hasher.finish()
    };
    Some(
        dir.join(".seeds")
            .join(format!("{}-{digest:016x}.json", plan.layer)),
    )
}

/// Seeds the plan's tiles into the cache; returns the number of tiles of the plan.
pub async fn seed(tiles: &Tiles, plan: &SeedPlan, progress: &SeedProgress) -> Result<u64, SeedError> {
    let (mosaic, set, levels) = resolve(tiles, plan)?;
    let region = region(set, plan)?;
    let mut budget = MAX_TILES;
    let mut per_level = Vec::new();
    for z in levels {
        per_level.push((z, coverage(&mosaic, set, z, &region, &mut budget)?));
    }
    let total: u64 = per_level.iter().map(|(_, t)| t.len() as u64).sum();
    progress.total.store(total, Ordering::Relaxed);
    let checkpoint = checkpoint_path(tiles, plan);
    // "done total": resume only when the plan still covers the same tiles (a rescan that
    // changed the coverage starts it over).
    let resume_from = checkpoint
        .as_ref()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| {
            let (done, covered) = text.trim().split_once(' ')?;
            (covered.parse::<u64>().ok()? == total).then(|| done.parse::<u64>().ok())?
        })
        .unwrap_or(0)
        .min(total);
    progress.done.store(resume_from, Ordering::Relaxed);
    let mut batch = Vec::with_capacity(BATCH);
    let mut done = resume_from;
    let mut index = 0u64;
    for (z, level_tiles) in &per_level {
        for &(row, col) in level_tiles {
            index += 1;
            if index <= resume_from {
                continue;
            }
            batch.push((*z, row, col));
            if batch.len() == BATCH {
                done = run_batch(tiles, plan, &mut batch, progress, done).await?;
                save_checkpoint(checkpoint.as_ref(), done, total);
                if progress.stop.load(Ordering::Relaxed) {
                    return Err(SeedError::Stopped(done));
                }
            }
        }
    }
    done = run_batch(tiles, plan, &mut batch, progress, done).await?;
    debug_assert_eq!(done, total);
    if let Some(path) = &checkpoint {
        let _ = std::fs::remove_file(path);
    }
    Ok(total)
}

async fn run_batch(
    tiles: &Tiles,
    plan: &SeedPlan,
    batch: &mut Vec<(u32, u32, u32)>,
    progress: &SeedProgress,
    done: u64,
) -> Result<u64, SeedError> {
    let mut requests = Vec::with_capacity(batch.len());
    for (z, row, col) in batch.drain(..) {
        let request = TileRequest {
            layer: plan.layer.clone(),
            tms: plan.tms.clone(),
            z,
            row,
            col,
            format: plan.format,
        };
        requests.push(one_tile(tiles, request, progress));
    }
    let results = futures_util::future::join_all(requests).await;
    let count = results.len() as u64;
    results.into_iter().collect::<Result<Vec<()>, SeedError>>()?;
    Ok(done + count)
}

async fn one_tile(tiles: &Tiles, request: TileRequest, progress: &SeedProgress) -> Result<(), SeedError> {
    let answer = tiles.tile(&request).await;
    progress.processed.fetch_add(1, Ordering::Relaxed);
    progress.done.fetch_add(1, Ordering::Relaxed);
    let (z, row, col) = (request.z, request.row, request.col);
    match answer {
        Ok(TileAnswer::Tile(_)) | Ok(TileAnswer::Empty) => Ok(()),
        Err(TileRequestError::Render(detail)) => Err(SeedError::Tile { z, row, col, detail }),
        Err(other) => Err(SeedError::Plan(other.to_string())),
    }
}

fn save_checkpoint(path: Option<&PathBuf>, done: u64, total: u64) {
    let Some(path) = path else {
        return;
    };
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let temporary = path.with_extension("tmp");
    if std::fs::write(&temporary, format!("{done} {total}")).is_ok() {
        let _ = std::fs::rename(&temporary, path);
    }
}

/// Drops the plan's tiles from both cache tiers; returns the files deleted from disk.
pub async fn truncate(tiles: &Tiles, plan: &SeedPlan) -> Result<u64, SeedError> {
    let (_, set, levels) = resolve_for(tiles, plan, false)?;
    // A seeding run of the same plan must start over, not skip what is now gone.
    if let Some(path) = checkpoint_path(tiles, plan) {
        let _ = std::fs::remove_file(path);
    }
    let region = region(set, plan)?;
    let set_id = set.id.clone();
    Ok(tiles
        .cache()
        .invalidate(&plan.layer, move |tms, z, row, col| {
            tms == set_id
                && levels.contains(&z)
                && (region.bbox.is_none() && region.shape.is_none()
                    || set.matrix(z).is_some_and(|m| region.meets(m.tile_bbox(row, col))))
        })
        .await)
}

/// A one-line progress report: done, total, rate and time left.
pub fn describe(progress: &SeedProgress, started: Instant) -> String {
    let done = progress.done.load(Ordering::Relaxed);
    let total = progress.total.load(Ordering::Relaxed).max(1);
    let processed = progress.processed.load(Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64().max(0.001);
    let rate = processed as f64 / seconds;
    let left = if rate > 0.0 {
        (total - done.min(total)) as f64 / rate
    } else {
        f64::INFINITY
    };
    format!(
        "{done}/{total} tiles ({:.0} %), {rate:.0} tiles/s, {left:.0} s left",
        done as f64 * 100.0 / total as f64
    )
}

/// Parses `A-B` (or `A`) into a level range.
fn parse_levels(text: &str) -> Option<(u32, u32)> {
    let (first, last) = text.split_once('-').unwrap_or((text, text));
    Some((first.trim().parse().ok()?, last.trim().parse().ok()?))
}

/// Parses `W,S,E,N` (CRS:84).
fn parse_area(text: &str) -> Option<[f64; 4]> {
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse().ok())
        .collect::<Option<_>>()?;
    let area: [f64; 4] = values.try_into().ok()?;
    let longitudes = -180.0..=180.0;
    let latitudes = -90.0..=90.0;
    (area[0] < area[2]
        && area[1] < area[3]
        && longitudes.contains(&area[0])
        && longitudes.contains(&area[2])
        && latitudes.contains(&area[1])
        && latitudes.contains(&area[3]))
    .then_some(area)
}

/// A seeding or truncation run started through the API.
pub struct SeedJob {
    /// Job number.
    pub id: u64,
    /// What it does.
    pub plan: SeedPlan,
    /// Truncation rather than seeding.
    pub truncate: bool,
    /// Progress.
    pub progress: SeedProgress,
    outcome: std::sync::Mutex<(&'static str, Option<String>)>,
    started: Instant,
}

impl SeedJob {
    /// State, counters, rate and message, as the API shows them.
    pub fn view(&self) -> serde_json::Value {
        let (state, message) = self
            .outcome
            .lock()
            .map(|o| o.clone())
            .unwrap_or(("running", None));
        serde_json::json!({
            "id": self.id,
            "plan": self.plan.summary(),
            "truncate": self.truncate,
            "state": state,
            "total": self.progress.total.load(Ordering::Relaxed),
            "done": self.progress.done.load(Ordering::Relaxed),
            "progress": describe(&self.progress, self.started),
            "message": message,
        })
    }
}

/// The runs started through the API (kept in memory; a seeding run's checkpoint is on disk,
/// so starting the same plan again after a restart resumes it).
#[derive(Default)]
pub struct SeedJobs {
    next: AtomicU64,
    jobs: std::sync::Mutex<std::collections::HashMap<u64, Arc<SeedJob>>>,
}

impl SeedJobs {
    /// Checks the plan, then runs it in the background.
    pub fn start(&self, tiles: &Tiles, plan: SeedPlan, truncating: bool) -> Result<Arc<SeedJob>, SeedError> {
        resolve_for(tiles, &plan, !truncating)?;
        let running = self.jobs.lock().ok().and_then(|jobs| {
            jobs.values()
                .find(|job| job.plan == plan && job.outcome.lock().map(|o| o.0 == "running").unwrap_or(false))
                .map(|job| job.id)
        });
        if let Some(id) = running {
            return Err(SeedError::Plan(format!(
                "run {id} is already working on this plan"
            )));
        }
        let job = Arc::new(SeedJob {
            id: self.next.fetch_add(1, Ordering::Relaxed) + 1,
            plan,
            truncate: truncating,
            progress: SeedProgress::default(),
            outcome: std::sync::Mutex::new(("running", None)),
            started: Instant::now(),
        });
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(job.id, job.clone());
        }
        let (tiles, running) = (tiles.clone(), job.clone());
        tokio::spawn(async move {
            let result = if running.truncate {
                truncate(&tiles, &running.plan).await.map(|removed| {
                    // A truncation's total and done are the tiles it removed from disk.
                    running.progress.total.store(removed, Ordering::Relaxed);
                    running.progress.done.store(removed, Ordering::Relaxed);
                    format!("{removed} tiles removed from disk")
                })
            } else {
                seed(&tiles, &running.plan, &running.progress)
                    .await
                    .map(|total| format!("{total} tiles in the cache"))
            };
            let outcome = match result {
                Ok(message) => ("done", Some(message)),
                Err(SeedError::Stopped(done)) => (
                    "stopped",
                    Some(format!("stopped after {done} tiles; start it again to resume")),
                ),
                Err(err) => ("failed", Some(err.to_string())),
            };
            tracing::info!(job = running.id, state = outcome.0, message = ?outcome.1, "seeding run ended");
            if let Ok(mut slot) = running.outcome.lock() {
                *slot = outcome;
            }
        });
        Ok(job)
    }

    /// A run by number.
    pub fn get(&self, id: u64) -> Option<Arc<SeedJob>> {
        self.jobs.lock().ok()?.get(&id).cloned()
    }
}
