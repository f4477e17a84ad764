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

pub use featureinfo::{answer_point, info_format, PointQuery, INFO_FORMATS};
pub use params::{ExceptionMode, Version};

use crate::config::Config;
use crate::ogc::common::{base_url, part, Kvp, OwsError};
use crate::raster::{self, Crs, Mosaic, Mosaics, RenderRequest, Resampling};
use crate::workers::Workers;
use params::LayerSource;

/// What the WMS reads: its limits and public URL, the mosaics it draws, the pool it draws on.
/// Handlers take it as an extractor.
pub struct Wms {
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    workers: web::Data<Workers>,
}

impl actix_web::FromRequest for Wms {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Wms, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready((|| {
            Ok(Wms {
                config: part(request)?,
                mosaics: part(request)?,
                workers: part(request)?,
            })
        })())
    }
}

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

async fn endpoint(wms: Wms, request: HttpRequest) -> HttpResponse {
    wms.dispatch(&request, Kvp::parse(request.query_string())).await
}

/// KVP sent as a form body (some clients POST GetMap); query-string values win.
async fn endpoint_post(wms: Wms, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    let merged = format!("{}&{}", request.query_string(), String::from_utf8_lossy(&body));
    wms.dispatch(&request, Kvp::parse(&merged)).await
}

impl Wms {
    async fn dispatch(&self, request: &HttpRequest, kvp: Kvp) -> HttpResponse {
        let version = Version::negotiate(&kvp);
        let preamble = match kvp.preamble("WMS") {
            Ok(preamble) => preamble,
            Err(err) => return err.report(version.report()),
        };
        let base = base_url(request, &self.config.server.public_url);
        let result = match preamble.request.as_str() {
            "getcapabilities" | "capabilities" => Ok(self.capabilities(&base, version)),
            "getmap" | "map" => return self.get_map(&kvp).await,
            "getfeatureinfo" | "feature_info" => featureinfo::get_feature_info(self, &kvp, &base).await,
            "getlegendgraphic" => self.get_legend(&kvp).await,
            other => Err(OwsError::unsupported(
                other,
                &["GetCapabilities", "GetMap", "GetFeatureInfo", "GetLegendGraphic"],
            )),
        };
        result.unwrap_or_else(|err| err.report(version.report()))
    }

    fn capabilities(&self, base: &str, version: Version) -> HttpResponse {
        let context = capabilities::CapabilitiesContext {
            base,
            max_width: self.config.limits.max_image_width,
            max_height: self.config.limits.max_image_height,
        };
        let body = capabilities::document(version, &context, &self.mosaics.all());
        let content_type = match version {
            Version::V111 => "application/vnd.ogc.wms_xml; charset=utf-8",
            Version::V130 => "text/xml; charset=utf-8",
        };
        HttpResponse::Ok()
            .content_type(content_type)
            .insert_header(("Cache-Control", "public, max-age=60"))
            .body(body)
    }
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

impl Wms {
    async fn get_map(&self, kvp: &Kvp) -> HttpResponse {
        let version = Version::negotiate(kvp);
        let mode = ExceptionMode::from_kvp(kvp);
        let map = match self.map_params(kvp) {
            Ok(map) => map,
            Err(err) => return self.exception(&err, version, kvp, mode),
        };
        let render = RenderRequest {
            mosaics: drawable(&map.layers, map.crs, map.bbox, map.width),
            crs: map.crs,
            bbox: map.bbox,
            width: map.width,
            height: map.height,
            resampling: map.resampling,
        };
        match self.draw(render, map.encode).await {
            Ok(bytes) => HttpResponse::Ok()
                .content_type(map.encode.format.mime_of(&bytes))
                .insert_header(("Cache-Control", "public, max-age=300"))
                .body(bytes),
            Err(err) => self.exception(&err, version, kvp, mode),
        }
    }

    fn map_params(&self, kvp: &Kvp) -> Result<params::MapParams, OwsError> {
        let limits = &self.config.limits;
        params::map_params(
            kvp,
            self.mosaics.get_ref(),
            limits.max_image_width,
            limits.max_image_height,
        )
    }

    /// Renders and encodes on the blocking pool.
    async fn draw(&self, render: RenderRequest, encode: raster::EncodeOptions) -> Result<Vec<u8>, OwsError> {
        self.workers
            .run(move || -> Result<Vec<u8>, OwsError> {
                let image = raster::render(&render)?;
                raster::encode(&image, &encode)
                    .map_err(|err| OwsError::server(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))
            })
            .await?
    }

    /// An exception as the client asked for it: XML, or an image when it can be made.
    fn exception(&self, err: &OwsError, version: Version, kvp: &Kvp, mode: ExceptionMode) -> HttpResponse {
        if mode == ExceptionMode::Xml {
            return err.report(version.report());
        }
        let limits = &self.config.limits;
        match (
            params::size(kvp, limits.max_image_width, limits.max_image_height),
            params::encoding(kvp, "FORMAT", true),
        ) {
            (Ok((width, height)), Ok(options)) => exception::image(
                err,
                version,
                width,
                height,
                &options,
                mode == ExceptionMode::InImage,
            ),
            _ => err.report(version.report()),
        }
    }

    async fn get_legend(&self, kvp: &Kvp) -> Result<HttpResponse, OwsError> {
        let name = kvp.required("LAYER")?;
        let mosaics = self.mosaics.resolve(name).ok_or_else(|| {
            OwsError::new("LayerNotDefined", "LAYER", format!("layer {name} is not defined"))
        })?;
        let options = params::encoding(kvp, "FORMAT", false)?;
        let side = |parameter: &str| match kvp.non_empty(parameter) {
            None => Ok(64),
            Some(_) => kvp.whole_in(parameter, 1..=512),
        };
        let (width, height) = (side("WIDTH")?, side("HEIGHT")?);
        // A thumbnail of the dalle in the middle of the first layer: the look of the imagery.
        let mosaic = mosaics[0].clone();
        let Some(group) = mosaic.groups.first() else {
            return Err(OwsError::server(StatusCode::NOT_FOUND, "the layer has no dalle"));
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
        let bytes = self.draw(render, options).await?;
        Ok(HttpResponse::Ok()
            .content_type(options.format.mime_of(&bytes))
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(bytes))
    }
}
