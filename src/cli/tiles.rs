//! `dallage seed` and `dallage cache-size`: the tile cache from the command line, with a
//! progress bar and time left on a terminal, a line every few seconds otherwise.

use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::tiles::seed::{describe, seed as seed_plan, truncate, SeedPlan, SeedProgress};
use crate::tiles::size::SizeEstimate;
use crate::tiles::Tiles;
use crate::Error;

/// Seeds (or truncates) `plan`, showing progress; Ctrl-C stops after the current batch and
/// the next run resumes.
pub async fn seed(tiles: &Tiles, plan: &SeedPlan, truncating: bool) -> Result<(), Error> {
    if truncating {
        let removed = truncate(tiles, plan)
            .await
            .map_err(|err| Error::Usage(err.to_string()))?;
        println!("{removed} tiles removed from the disk tier");
        return Ok(());
    }
    let progress = std::sync::Arc::new(SeedProgress::default());
    let started = Instant::now();
    let watcher = {
        let progress = progress.clone();
        tokio::spawn(async move {
            let terminal = std::io::stderr().is_terminal();
            let bar = terminal.then(|| {
                let bar = indicatif::ProgressBar::new(0);
                if let Ok(style) = indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} tiles, {per_sec}, {eta} left",
                ) {
                    bar.set_style(style);
                }
                bar
            });
            let mut ticks = 0u32;
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                ticks += 1;
                match &bar {
                    Some(bar) => {
                        bar.set_length(progress.total.load(Ordering::Relaxed));
                        bar.set_position(progress.done.load(Ordering::Relaxed));
                    }
                    None if ticks % 25 == 0 => eprintln!("seed: {}", describe(&progress, started)),
                    None => {}
                }
            }
        })
    };
    let stopper = {
        let progress = progress.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("seed: stopping after the current batch");
                progress.stop.store(true, Ordering::Relaxed);
            }
        })
    };
    let result = seed_plan(tiles, plan, &progress).await;
    watcher.abort();
    stopper.abort();
    let total = result.map_err(|err| Error::Usage(err.to_string()))?;
    println!(
        "{total} tiles of {} in {} levels {}-{} ({}) in the cache; {}",
        plan.layer,
        plan.tms,
        plan.levels.0,
        plan.levels.1,
        plan.format.extension(),
        describe(&progress, started)
    );
    Ok(())
}

/// Human-readable estimate.
pub fn describe_estimate(estimate: &SizeEstimate) -> String {
    let megabytes = |bytes: f64| bytes / 1e6;
    let mut text = format!(
        "{} in {} ({}), levels {}-{}\n\nlevel  m/px        tiles     sampled  mean KB   MB (95 % interval)\n",
        estimate.plan.layer,
        estimate.plan.tms,
        estimate.plan.format.extension(),
        estimate.plan.levels.0,
        estimate.plan.levels.1
    );
    for level in &estimate.levels {
        text.push_str(&format!(
            "{:>5}  {:<10.4} {:>9} {:>9} {:>8.1}   {:.2} ({:.2} – {:.2})\n",
            level.level,
            level.cell_size,
            level.tiles,
            level.sampled,
            level.mean_tile_bytes / 1e3,
            megabytes(level.bytes),
            megabytes(level.bytes_low),
            megabytes(level.bytes_high)
        ));
    }
    text.push_str(&format!(
        "\ntotal: {} tiles, {:.2} MB ({:.2} – {:.2})\n",
        estimate.tiles,
        megabytes(estimate.bytes),
        megabytes(estimate.bytes_low),
        megabytes(estimate.bytes_high)
    ));
    let delivery = &estimate.delivery;
    text.push_str(&format!(
        "deliverable (PCRS calculator): {:.3} km² at {} cm, {:.1} MB uncompressed",
        delivery.area_km2,
        delivery.resolution_cm,
        megabytes(delivery.raw_bytes)
    ));
    for (name, bytes) in &delivery.by_compression {
        text.push_str(&format!("; {name} {:.1} MB", megabytes(*bytes)));
    }
    text.push('\n');
    text
}
