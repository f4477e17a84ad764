//! WMS 1.1.1 and 1.3.0 at `/wms`: GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic.
//! Parameter names are case-insensitive; errors are exception reports in each version's
//! format, or images (`EXCEPTIONS=INIMAGE|BLANK`).

mod capabilities;
mod exception;
mod featureinfo;
mod params;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

pub use exception::WmsError;
pub use featureinfo::get_feature_info;
pub use params::{ExceptionMode, Version};

use crate::http::AppState;
use crate::ogc::common::{base_url, Kvp};
use crate::raster::{self, Crs, Mosaic, Mosaics, RenderRequest, Resampling};
use params::LayerSource;

/// Registers `/wms`.
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/wms")
            .route(web::get().to(endpoint))
            .route(web::post().to(endpoint_post)),
    );
    config.route(featureinfo::SCHEMA_PATH, web::get().to(featureinfo_schema));
}

/// The application schema of the GML feature-info answers, for validating clients.
async fn featureinfo_schema() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(featureinfo::SCHEMA)
}

impl LayerSource for Mosaics {
    fn resolve(&self, name: &str) -> Option<Vec<Arc<Mosaic>>> {
        if let Some(mosaic) = self.get(name) {
            return Some(vec![mosaic]);
        }
        let group: Vec<Arc<Mosaic>> = self
            .all()
            .into_iter()
            .filter(|m| m.info.project == name)
            .collect();
        (!group.is_empty()).then_some(group)
    }
}

async fn endpoint(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let kvp = Kvp::parse(request.query_string());
    dispatch(&state, &request, kvp).await
}

/// KVP sent as a form body (some clients POST GetMap); query-string values win.
async fn endpoint_post(state: web::Data<AppState>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    let merged = format!("{}&{}", request.query_string(), String::from_utf8_lossy(&body));
    dispatch(&state, &request, Kvp::parse(&merged)).await
}

async fn dispatch(state: &AppState, request: &HttpRequest, kvp: Kvp) -> HttpResponse {
    let version = Version::negotiate(&kvp);
    if let Some(service) = kvp.non_empty("SERVICE") {
        if !service.eq_ignore_ascii_case("WMS") {
            return WmsError::invalid("SERVICE", format!("SERVICE={service}: this endpoint is a WMS"))
                .report(version);
        }
    }
    let Some(operation) = kvp.non_empty("REQUEST") else {
        return WmsError::missing("REQUEST").report(version);
    };
    let result = match operation.to_ascii_lowercase().as_str() {
        "getcapabilities" | "capabilities" => Ok(capabilities_response(state, request, version)),
        "getmap" | "map" => return get_map(state, &kvp).await,
        "getfeatureinfo" | "feature_info" => {
            let base = base_url(request, &state.config().server.public_url);
            featureinfo::get_feature_info(state, &kvp, &base).await
        }
        "getlegendgraphic" => get_legend(state, &kvp).await,
        other => Err(WmsError::new(
            "OperationNotSupported",
            "REQUEST",
            format!(
                "REQUEST={other} is not offered (GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic)"
            ),
        )),
    };
    result.unwrap_or_else(|err| err.report(version))
}

fn capabilities_response(state: &AppState, request: &HttpRequest, version: Version) -> HttpResponse {
    let base = base_url(request, &state.config().server.public_url);
    let context = capabilities::CapabilitiesContext {
        base: &base,
        max_width: state.config().limits.max_image_width,
        max_height: state.config().limits.max_image_height,
    };
    let body = capabilities::document(version, &context, &state.mosaics().all());
    let content_type = match version {
        Version::V111 => "application/vnd.ogc.wms_xml; charset=utf-8",
        Version::V130 => "text/xml; charset=utf-8",
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "public, max-age=60"))
        .body(body)
}

/// The mosaics of the request worth drawing at its scale.
fn drawable(layers: &[(String, Vec<Arc<Mosaic>>)], crs: Crs, bbox: [f64; 4], width: u32) -> Vec<Arc<Mosaic>> {
    let metres_per_unit = if crs.is_geographic() { 111_320.0 } else { 1.0 };
    let resolution = (bbox[2] - bbox[0]) / f64::from(width) * metres_per_unit;
    layers
        .iter()
        .flat_map(|(_, mosaics)| mosaics.iter().cloned())
        .filter(|m| resolution <= m.coarsest_useful_resolution() * if crs.epsg == 3857 { 2.0 } else { 1.0 })
        .collect()
}

async fn get_map(state: &AppState, kvp: &Kvp) -> HttpResponse {
    let version = Version::negotiate(kvp);
    let limits = &state.config().limits;
    let mode = ExceptionMode::from_kvp(kvp);
    let map = match params::map_params(
        kvp,
        state.mosaics(),
        limits.max_image_width,
        limits.max_image_height,
    ) {
        Ok(map) => map,
        Err(err) => {
            return exception_response(
                &err,
                version,
                kvp,
                mode,
                limits.max_image_width,
                limits.max_image_height,
            )
        }
    };
    let render = RenderRequest {
        mosaics: drawable(&map.layers, map.crs, map.bbox, map.width),
        crs: map.crs,
        bbox: map.bbox,
        width: map.width,
        height: map.height,
        resampling: map.resampling,
    };
    let encode = map.encode;
    let job = state
        .workers()
        .run(move || -> Result<Vec<u8>, WmsError> {
            let image = raster::render(&render)?;
            raster::encode(&image, &encode)
                .map_err(|err| WmsError::server(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))
        })
        .await;
    match job.map_err(WmsError::from).and_then(|r| r) {
        Ok(bytes) => HttpResponse::Ok()
            .content_type(map.encode.format.mime_of(&bytes))
            .insert_header(("Cache-Control", "public, max-age=300"))
            .body(bytes),
        Err(err) => exception_response(
            &err,
            version,
            kvp,
            mode,
            limits.max_image_width,
            limits.max_image_height,
        ),
    }
}

/// An exception as the client asked for it: XML, or an image when it can be made.
fn exception_response(
    err: &WmsError,
    version: Version,
    kvp: &Kvp,
    mode: ExceptionMode,
    max_width: u32,
    max_height: u32,
) -> HttpResponse {
    if mode == ExceptionMode::Xml {
        return err.report(version);
    }
    match (
        params::size(kvp, max_width, max_height),
        params::encoding(kvp, "FORMAT", true),
    ) {
        (Ok((width, height)), Ok(options)) => {
            err.image(version, width, height, &options, mode == ExceptionMode::InImage)
        }
        _ => err.report(version),
    }
}

async fn get_legend(state: &AppState, kvp: &Kvp) -> Result<HttpResponse, WmsError> {
    let name = kvp.non_empty("LAYER").ok_or_else(|| WmsError::missing("LAYER"))?;
    let mosaics = state
        .mosaics()
        .resolve(name)
        .ok_or_else(|| WmsError::new("LayerNotDefined", "LAYER", format!("layer {name} is not defined")))?;
    let options = params::encoding(kvp, "FORMAT", false)?;
    let read = |parameter: &str| -> Result<u32, WmsError> {
        match kvp.non_empty(parameter) {
            None => Ok(64),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|v| (1..=512).contains(v))
                .ok_or_else(|| {
                    WmsError::invalid(parameter, format!("{parameter}={text} must be between 1 and 512"))
                }),
        }
    };
    let (width, height) = (read("WIDTH")?, read("HEIGHT")?);
    // A thumbnail of the dalle in the middle of the first layer: the look of the imagery.
    let mosaic = mosaics[0].clone();
    let Some(group) = mosaic.groups.first() else {
        return Err(WmsError::server(StatusCode::NOT_FOUND, "the layer has no dalle"));
    };
    let centre = [
        (group.extent[0] + group.extent[2]) / 2.0,
        (group.extent[1] + group.extent[3]) / 2.0,
    ];
    let dalle = group
        .dalles_in([centre[0], centre[1], centre[0], centre[1]])
        .next()
        .or_else(|| group.dalles().next())
        .map(|d| d.bbox)
        .unwrap_or(group.extent);
    let render = RenderRequest {
        mosaics: vec![mosaic.clone()],
        crs: Crs::epsg(group.epsg),
        bbox: dalle,
        width,
        height,
        resampling: Resampling::Bilinear,
    };
    let bytes = state
        .workers()
        .run(move || -> Result<Vec<u8>, WmsError> {
            let image = raster::render(&render)?;
            raster::encode(&image, &options)
                .map_err(|err| WmsError::server(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))
        })
        .await??;
    Ok(HttpResponse::Ok()
        .content_type(options.format.mime_of(&bytes))
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(bytes))
}
