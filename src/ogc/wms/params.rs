//! WMS request parameters, checked one by one so each mistake gets its own exception.

use std::sync::Arc;

use crate::ogc::common::{parse_colour, Kvp, Offered, OwsError, Report};
use crate::raster::{Crs, EncodeOptions, Format, Mosaic, Resampling};
use crate::vector::render::Layer;
use crate::vector::style::{parse_sld, Style};

/// Protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 1.1.1: `SRS`, `X`/`Y`, longitude first.
    V111,
    /// 1.3.0: `CRS`, `I`/`J`, EPSG axis order.
    V130,
}

impl Version {
    /// From `VERSION` (or the old `WMTVER`); 1.3.0 when absent. Versions below 1.3 answer as 1.1.1.
    pub fn negotiate(kvp: &Kvp) -> Version {
        match kvp.non_empty("VERSION").or_else(|| kvp.non_empty("WMTVER")) {
            Some(v) if v.starts_with("1.0") || v.starts_with("1.1") => Version::V111,
            _ => Version::V130,
        }
    }

    /// The version string.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V111 => "1.1.1",
            Version::V130 => "1.3.0",
        }
    }

    /// How this version writes exception reports.
    pub fn report(self) -> Report {
        match self {
            Version::V111 => Report::Wms111,
            Version::V130 => Report::Wms130,
        }
    }

    fn crs_parameter(self) -> &'static str {
        match self {
            Version::V111 => "SRS",
            Version::V130 => "CRS",
        }
    }

    fn other_crs_parameter(self) -> &'static str {
        match self {
            Version::V111 => "CRS",
            Version::V130 => "SRS",
        }
    }
}

/// How to report exceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionMode {
    /// An XML report.
    Xml,
    /// The image with the message written in it.
    InImage,
    /// An empty image.
    Blank,
}

impl ExceptionMode {
    /// From `EXCEPTIONS` (XML when absent or unknown).
    pub fn from_kvp(kvp: &Kvp) -> ExceptionMode {
        match kvp.non_empty("EXCEPTIONS").map(|e| e.to_ascii_lowercase()) {
            Some(e) if e.ends_with("inimage") => ExceptionMode::InImage,
            Some(e) if e.ends_with("blank") => ExceptionMode::Blank,
            _ => ExceptionMode::Xml,
        }
    }
}

/// What a layer name stands for.
#[derive(Clone)]
pub enum Source {
    /// Mosaics: a deliverable, or a project's (a group layer).
    Raster(Vec<Arc<Mosaic>>),
    /// Vector collections with their styles: one collection, or a vector deliverable's classes
    /// in the standard's order (a group layer).
    Vector(Vec<Layer>),
}

/// The layers of a request, bottom first: each name asked for with what it stands for.
pub type NamedLayers = Vec<(String, Source)>;

/// A parsed GetMap (also the map part of GetFeatureInfo).
pub struct MapParams {
    /// Version.
    pub version: Version,
    /// Layers, bottom first, with the names asked for.
    pub layers: NamedLayers,
    /// Output CRS.
    pub crs: Crs,
    /// Box as min x, min y, max x, max y (easting or longitude first).
    pub bbox: [f64; 4],
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Encoding.
    pub encode: EncodeOptions,
    /// Resampling.
    pub resampling: Resampling,
}

/// Where layers come from: a name resolves to mosaics or to styled vector collections.
pub trait LayerSource {
    /// What a layer name stands for drawn with `style` (empty: the default), among the
    /// request's own styles (`user`, from `SLD_BODY`) first: `Ok(None)` when the name is
    /// unknown, `StyleNotDefined` when the style is not offered for it.
    fn resolve(&self, name: &str, style: &str, user: &[Style]) -> Result<Option<Source>, OwsError>;
}

/// Width and height, as the service can render them.
pub fn size(kvp: &Kvp, max_width: u32, max_height: u32) -> Result<(u32, u32), OwsError> {
    Ok((
        kvp.whole_in("WIDTH", 1..=max_width)?,
        kvp.whole_in("HEIGHT", 1..=max_height)?,
    ))
}

/// The encoding options `FORMAT` (among the map formats), `TRANSPARENT` and `BGCOLOR` ask for;
/// PNG when the format is absent and not `required`.
pub fn encoding(kvp: &Kvp, format_parameter: &str, required: bool) -> Result<EncodeOptions, OwsError> {
    let format = match kvp.non_empty(format_parameter) {
        Some(_) => kvp.format(format_parameter, &Offered::MAPS, "InvalidFormat")?,
        None if required => return Err(OwsError::missing(format_parameter)),
        None => Format::Png,
    };
    let transparent = match kvp.non_empty("TRANSPARENT").map(|t| t.to_ascii_uppercase()) {
        None => false,
        Some(t) if t == "TRUE" => true,
        Some(t) if t == "FALSE" => false,
        Some(t) => {
            return Err(OwsError::invalid(
                "TRANSPARENT",
                format!("TRANSPARENT={t} must be TRUE or FALSE"),
            ))
        }
    };
    let background = match kvp.non_empty("BGCOLOR") {
        Some(text) => parse_colour(text)
            .ok_or_else(|| OwsError::invalid("BGCOLOR", format!("BGCOLOR={text} must be 0xRRGGBB")))?,
        None => [255, 255, 255],
    };
    Ok(EncodeOptions {
        format,
        transparent,
        background,
        jpeg_quality: 85,
    })
}

/// Parses and checks a GetMap request (or the map part of GetFeatureInfo), parameter by
/// parameter in the order the exceptions are expected.
pub fn map_params(
    kvp: &Kvp,
    layers: &dyn LayerSource,
    max_width: u32,
    max_height: u32,
) -> Result<MapParams, OwsError> {
    let version = Version::negotiate(kvp);
    let user = user_styles(kvp)?;
    let resolved = named_layers(kvp, layers, version, &user)?;
    let (crs, bbox) = crs_and_box(kvp, version)?;
    let (width, height) = size(kvp, max_width, max_height)?;
    let encode = encoding(kvp, "FORMAT", true)?;
    let resampling = match kvp.non_empty("RESAMPLING") {
        Some(text) => Resampling::parse(text).ok_or_else(|| {
            OwsError::invalid(
                "RESAMPLING",
                format!("RESAMPLING={text} must be nearest, bilinear or cubic"),
            )
        })?,
        None => Resampling::default(),
    };
    if kvp.non_empty("TIME").is_some() || kvp.non_empty("ELEVATION").is_some() {
        return Err(OwsError::new(
            "InvalidDimensionValue",
            "TIME",
            "these layers have no TIME or ELEVATION dimension",
        ));
    }
    Ok(MapParams {
        version,
        layers: resolved,
        crs,
        bbox,
        width,
        height,
        encode,
        resampling,
    })
}

/// The styles a request brings in `SLD_BODY` (an SLD document, or the one `SLD=` named,
/// fetched before), refused with the line at fault.
fn user_styles(kvp: &Kvp) -> Result<Vec<Style>, OwsError> {
    match kvp.non_empty("SLD_BODY") {
        None => Ok(Vec::new()),
        Some(body) => parse_sld(body.as_bytes(), None)
            .map_err(|err| OwsError::invalid("SLD_BODY", format!("SLD_BODY refused: {err}"))),
    }
}

/// `LAYERS`: 1 to 16 names (the `SLD_BODY`'s named layers when absent), each resolved with its
/// style from `STYLES` (required in 1.3.0 unless an SLD is given).
fn named_layers(
    kvp: &Kvp,
    layers: &dyn LayerSource,
    version: Version,
    user: &[Style],
) -> Result<NamedLayers, OwsError> {
    let mut names: Vec<&str> = match kvp.non_empty("LAYERS") {
        Some(text) => text.split(',').map(str::trim).filter(|n| !n.is_empty()).collect(),
        None if !user.is_empty() => Vec::new(),
        None => return Err(OwsError::missing("LAYERS")),
    };
    if names.is_empty() {
        for style in user {
            if !names.contains(&style.class.as_str()) {
                names.push(&style.class);
            }
        }
    }
    if names.is_empty() {
        return Err(OwsError::missing("LAYERS"));
    }
    if names.len() > 16 {
        return Err(OwsError::invalid(
            "LAYERS",
            "at most 16 layers per request (LayerLimit)",
        ));
    }
    let styles = style_names(kvp, version, names.len(), !user.is_empty())?;
    names
        .iter()
        .zip(styles)
        .map(|(name, style)| {
            let source = layers.resolve(name, &style, user)?.ok_or_else(|| {
                OwsError::new(
                    "LayerNotDefined",
                    "LAYERS",
                    format!("layer {name} is not defined"),
                )
            })?;
            Ok((name.to_string(), source))
        })
        .collect()
}

/// `STYLES`: empty (every default), or one name per layer (empty or `default` for the
/// default); required in 1.3.0 unless the request brings its own SLD.
fn style_names(
    kvp: &Kvp,
    version: Version,
    layer_count: usize,
    has_sld: bool,
) -> Result<Vec<String>, OwsError> {
    let Some(styles) = kvp.get("STYLES") else {
        return match (version, has_sld) {
            (Version::V130, false) => Err(OwsError::missing("STYLES")),
            _ => Ok(vec![String::new(); layer_count]),
        };
    };
    let styles: Vec<String> = styles.split(',').map(|s| s.trim().to_string()).collect();
    if styles.len() == 1 && styles[0].is_empty() {
        return Ok(vec![String::new(); layer_count]);
    }
    if styles.len() != layer_count {
        return Err(OwsError::invalid(
            "STYLES",
            format!("{} styles for {layer_count} layers", styles.len()),
        ));
    }
    Ok(styles)
}

/// `CRS` (1.3.0) or `SRS` (1.1.1) and `BBOX`, the box turned easting (longitude) first.
fn crs_and_box(kvp: &Kvp, version: Version) -> Result<(Crs, [f64; 4]), OwsError> {
    let own = version.crs_parameter();
    // Clients mix the two names up; the other is read when the version's own is absent.
    let crs_name = match kvp.non_empty(own) {
        None if kvp.non_empty(version.other_crs_parameter()).is_some() => version.other_crs_parameter(),
        _ => own,
    };
    let crs = kvp.crs(crs_name, "InvalidCRS")?;
    let bbox_text = kvp.required("BBOX")?;
    let mut bbox = kvp.bbox("BBOX")?;
    if version == Version::V130 && crs.latitude_first() {
        bbox = [bbox[1], bbox[0], bbox[3], bbox[2]];
    }
    if bbox[0] >= bbox[2] || bbox[1] >= bbox[3] {
        return Err(OwsError::invalid(
            "BBOX",
            format!("BBOX={bbox_text}: the minimum must be below the maximum on both axes"),
        ));
    }
    Ok((crs, bbox))
}
