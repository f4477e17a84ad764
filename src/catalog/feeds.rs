//! Summaries the feeds read in one query each, whatever the number of deliverables: the images
//! of each deliverable grouped by class and CRS, each deliverable's last finished scan.

use std::collections::HashMap;

use sqlx::Row;

use super::{Catalog, Result};

/// The images of one deliverable of one class in one CRS, as the last scans saw them (broken
/// and removed files left out).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageGroup {
    /// The deliverable.
    pub livrable_id: i64,
    /// `jpeg2000` or `geotiff`.
    pub class: String,
    /// EPSG code.
    pub epsg: u32,
    /// Images.
    pub count: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Their box in CRS:84, when the probe placed them.
    pub bbox_wgs84: Option<[f64; 4]>,
}

impl Catalog {
    /// The images of active storages of the deliverables whose ids are in `ids` (inclusive),
    /// grouped by deliverable, class and EPSG code.
    pub async fn image_groups(&self, ids: (i64, i64)) -> Result<Vec<ImageGroup>> {
        let rows = sqlx::query(
            "SELECT d.livrable_id, d.class, d.epsg, COUNT(*) AS n, CAST(SUM(d.size) AS BIGINT) AS bytes, \
             MIN(d.west) AS w, MIN(d.south) AS s, MAX(d.east) AS e, MAX(d.north) AS n2 \
             FROM dalles d JOIN storages st ON st.id = d.storage_id \
             WHERE st.revoked_at IS NULL AND d.removed_scan_id IS NULL AND d.error IS NULL \
             AND d.class IN ('jpeg2000', 'geotiff') AND d.epsg IS NOT NULL \
             AND d.livrable_id BETWEEN $1 AND $2 \
             GROUP BY d.livrable_id, d.class, d.epsg ORDER BY d.livrable_id, d.class, d.epsg",
        )
        .bind(ids.0)
        .bind(ids.1)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let corners: [Option<f64>; 4] = [
                    row.try_get("w")?,
                    row.try_get("s")?,
                    row.try_get("e")?,
                    row.try_get("n2")?,
                ];
                let epsg: i64 = row.try_get("epsg")?;
                Ok(ImageGroup {
                    livrable_id: row.try_get("livrable_id")?,
                    class: row.try_get("class")?,
                    epsg: u32::try_from(epsg).unwrap_or(0),
                    count: u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0),
                    bytes: u64::try_from(row.try_get::<Option<i64>, _>("bytes")?.unwrap_or(0)).unwrap_or(0),
                    bbox_wgs84: match corners {
                        [Some(w), Some(s), Some(e), Some(n)] => Some([w, s, e, n]),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// A page of the images of one deliverable of one class in one CRS (as [`ImageGroup`]s
    /// count them): path and size, by path.
    pub async fn image_files(
        &self,
        livrable_id: i64,
        (class, epsg): (&str, u32),
        (offset, limit): (usize, usize),
    ) -> Result<Vec<(String, u64)>> {
        let rows = sqlx::query(
            "SELECT d.path, d.size FROM dalles d JOIN storages st ON st.id = d.storage_id \
             WHERE st.revoked_at IS NULL AND d.removed_scan_id IS NULL AND d.error IS NULL \
             AND d.livrable_id = $1 AND d.class = $2 AND d.epsg = $3 ORDER BY d.path LIMIT $4 OFFSET $5",
        )
        .bind(livrable_id)
        .bind(class)
        .bind(i64::from(epsg))
        .bind(limit as i64)
        .bind(offset as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let size: i64 = row.try_get("size")?;
                Ok((row.try_get("path")?, u64::try_from(size).unwrap_or(0)))
            })
            .collect()
    }

    /// When the last scan of each deliverable whose id is in `ids` (inclusive) finished.
    pub async fn last_scans(&self, ids: (i64, i64)) -> Result<HashMap<i64, String>> {
        let rows = sqlx::query(
            "SELECT livrable_id, MAX(finished_at) AS done FROM scans WHERE finished_at IS NOT NULL \
             AND livrable_id BETWEEN $1 AND $2 GROUP BY livrable_id",
        )
        .bind(ids.0)
        .bind(ids.1)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("livrable_id")?, row.try_get("done")?)))
            .collect()
    }
}
