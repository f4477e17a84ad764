//! The coordinate reference systems dallage serves, their axis order in OGC services, and
//! coordinate transforms (PROJ through GDAL), kept per worker thread because creating one costs
//! far more than using it.

use std::cell::RefCell;
use std::collections::HashMap;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};

/// EPSG codes of the CRSs offered by the map services: Lambert-93, the CC zones, Web
/// Mercator and WGS84 (also as `CRS:84`).
pub const SERVED_EPSG: &[u32] = &[
    2154, 3942, 3943, 3944, 3945, 3946, 3947, 3948, 3949, 3950, 3857, 4326,
];

/// A CRS as a service names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Crs {
    /// EPSG code (4326 for `CRS:84` too).
    pub epsg: u32,
    /// `CRS:84`: WGS84 with longitude first whatever the protocol version.
    pub crs84: bool,
}

impl Crs {
    /// An EPSG CRS.
    pub const fn epsg(epsg: u32) -> Crs {
        Crs { epsg, crs84: false }
    }

    /// Parses `EPSG:2154`, `CRS:84`, `urn:ogc:def:crs:EPSG::3857`, `http://www.opengis.net/def/crs/EPSG/0/4326`.
    pub fn parse(text: &str) -> Option<Crs> {
        let upper = text.trim().to_ascii_uppercase();
        if upper == "CRS:84" || upper.ends_with("OGC:1.3:CRS84") || upper.ends_with("/OGC/1.3/CRS84") {
            return Some(Crs {
                epsg: 4326,
                crs84: true,
            });
        }
        let code = upper
            .strip_prefix("EPSG:")
            .or_else(|| upper.strip_prefix("URN:OGC:DEF:CRS:EPSG::"))
            .or_else(|| upper.strip_prefix("URN:OGC:DEF:CRS:EPSG:"))
            .or_else(|| {
                upper
                    .rsplit_once("/EPSG/")
                    .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest))
            })?;
        let code: u32 = code.rsplit(':').next()?.parse().ok()?;
        SERVED_EPSG.contains(&code).then_some(Crs::epsg(code))
    }

    /// The name used in capabilities (`EPSG:2154`, `CRS:84`).
    pub fn name(&self) -> String {
        if self.crs84 {
            "CRS:84".into()
        } else {
            format!("EPSG:{}", self.epsg)
        }
    }

    /// Whether coordinates are degrees.
    pub fn is_geographic(&self) -> bool {
        self.epsg == 4326
    }

    /// Whether WMS 1.3.0 (and other EPSG-order protocols) list latitude first for this CRS.
    pub fn latitude_first(&self) -> bool {
        self.epsg == 4326 && !self.crs84
    }
}

thread_local! {
    static TRANSFORMS: RefCell<HashMap<(u32, u32), Option<CoordTransform>>> = RefCell::new(HashMap::new());
}

/// A spatial reference with x = easting / longitude whatever the authority says.
pub fn spatial_ref(epsg: u32) -> Option<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(epsg).ok()?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Some(srs)
}

/// Coordinates past this, in any CRS, are not transformed.
const FARTHEST_COORDINATE: f64 = 1e9;

/// Transforms points in place from `from` to `to` (x = easting or longitude). Returns false
/// when PROJ can't (then the points are unchanged or partly NaN).
pub fn transform_points(from: u32, to: u32, xs: &mut [f64], ys: &mut [f64]) -> bool {
    if from == to {
        return true;
    }
    // PROJ can spin for minutes on absurd input (schemathesis sent an OGC API bbox of such
    // numbers and held a worker): no CRS served here has coordinates past a billion (metres
    // or degrees), so those are refused before PROJ sees them.
    if xs
        .iter()
        .chain(ys.iter())
        .any(|v| !v.is_finite() || v.abs() > FARTHEST_COORDINATE)
    {
        return false;
    }
    TRANSFORMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let transform = cache.entry((from, to)).or_insert_with(|| {
            let (source, target) = (spatial_ref(from)?, spatial_ref(to)?);
            CoordTransform::new(&source, &target).ok()
        });
        match transform {
            Some(transform) => {
                transform.transform_coords(xs, ys, &mut []).is_ok()
                    && xs.iter().chain(ys.iter()).all(|v| v.is_finite())
            }
            None => false,
        }
    })
}

/// The bounding box, in `to`, of box `bbox` (min x, min y, max x, max y) in `from`, following
/// its densified edges (a projected rectangle's edges curve).
pub fn transform_bbox(from: u32, to: u32, bbox: [f64; 4]) -> Option<[f64; 4]> {
    if from == to {
        return Some(bbox);
    }
    const STEPS: usize = 8;
    let mut xs = Vec::with_capacity(4 * STEPS);
    let mut ys = Vec::with_capacity(4 * STEPS);
    for step in 0..STEPS {
        let t = step as f64 / STEPS as f64;
        let x = bbox[0] + (bbox[2] - bbox[0]) * t;
        let y = bbox[1] + (bbox[3] - bbox[1]) * t;
        xs.extend([x, bbox[2], bbox[2] - (bbox[2] - bbox[0]) * t, bbox[0]]);
        ys.extend([bbox[1], y, bbox[3], bbox[3] - (bbox[3] - bbox[1]) * t]);
    }
    if !transform_points(from, to, &mut xs, &mut ys) {
        return None;
    }
    let fold = |values: &[f64]| {
        values
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)))
    };
    let (min_x, max_x) = fold(&xs);
    let (min_y, max_y) = fold(&ys);
    Some([min_x, min_y, max_x, max_y])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_coordinates_are_refused_before_proj() {
        let (mut xs, mut ys) = ([1e300, 846_300.0], [6_526_300.0, 6_526_300.0]);
        assert!(!transform_points(2154, 4326, &mut xs, &mut ys));
        assert_eq!(transform_bbox(3946, 4326, [-1e18, -1e18, 1e18, 1e18]), None);
        let (mut xs, mut ys) = ([846_300.0], [6_526_300.0]);
        assert!(
            transform_points(2154, 4326, &mut xs, &mut ys),
            "a real point still goes"
        );
    }

    #[test]
    fn parses_crs_names() {
        assert_eq!(Crs::parse("EPSG:2154"), Some(Crs::epsg(2154)));
        assert_eq!(Crs::parse("epsg:3857"), Some(Crs::epsg(3857)));
        assert_eq!(
            Crs::parse("CRS:84").map(|c| (c.epsg, c.crs84)),
            Some((4326, true))
        );
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::3946"), Some(Crs::epsg(3946)));
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/EPSG/0/4326"),
            Some(Crs::epsg(4326))
        );
        assert_eq!(Crs::parse("EPSG:27572"), None, "not served");
        assert_eq!(Crs::parse("nonsense"), None);
        assert!(Crs::epsg(4326).latitude_first() && !Crs::parse("CRS:84").unwrap().latitude_first());
    }

    #[test]
    fn transforms_lyon() {
        let mut xs = [846_200.0];
        let mut ys = [6_526_400.0];
        assert!(transform_points(2154, 4326, &mut xs, &mut ys));
        assert!(
            (xs[0] - 4.8831).abs() < 1e-3 && (ys[0] - 45.8215).abs() < 1e-3,
            "{xs:?} {ys:?}"
        );
        let bbox = transform_bbox(2154, 3857, [846_200.0, 6_525_800.0, 846_800.0, 6_526_400.0]).unwrap();
        assert!(
            bbox[2] - bbox[0] > 600.0 * 1.3,
            "Mercator stretches at 45°N: {bbox:?}"
        );
    }
}
