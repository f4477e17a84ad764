//! WMS 1.1.1 and 1.3.0 at `/wms`: GetCapabilities, GetMap, GetFeatureInfo, GetLegendGraphic.
//! Parameter names are case-insensitive; errors are exception reports in each version's
//! format, or images (`EXCEPTIONS=INIMAGE|BLANK`).

mod capabilities;
mod exception;
mod featureinfo;
mod params;
mod vector;

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

pub use featureinfo::{answer_point, info_format, PointQuery, INFO_FORMATS};
pub use params::{ExceptionMode, Version};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::ogc::common::{base_url, part, Kvp, OwsError};
use crate::raster::{self, Crs, Image, Mosaic, Mosaics, RenderRequest, Resampling};
use crate::vector::render::{self as vector_render, Canvas, MapView};
use crate::vector::style::{Style, StyleBook};
use crate::vector::{Deadline, Vectors};
use crate::workers::Workers;
use params::{LayerSource, Source};

/// What the WMS reads: its limits and public URL, the mosaics it draws, the pool it draws on.
/// Handlers take it as an extractor.
pub struct Wms {
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    vectors: web::Data<Vectors>,
    styles: web::Data<StyleBook>,
    workers: web::Data<Workers>,
    catalog: web::Data<Catalog>,
}

impl actix_web::FromRequest for Wms {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Wms, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready((|| {
            Ok(Wms {
                config: part(request)?,
                mosaics: part(request)?,
                vectors: part(request)?,
                styles: part(request)?,
                workers: part(request)?,
                catalog: part(request)?,
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

/// The mosaics of a raster layer name: a deliverable, or a project's (a group layer).
fn raster_layer(mosaics: &Mosaics, name: &str) -> Option<Vec<Arc<Mosaic>>> {
    if let Some(mosaic) = mosaics.get(name) {
        return Some(vec![mosaic]);
    }
    let group: Vec<Arc<Mosaic>> = mosaics
        .all()
        .into_iter()
        .filter(|m| m.info.project == name)
        .collect();
    (!group.is_empty()).then_some(group)
}

impl LayerSource for Wms {
    fn resolve(&self, name: &str, style: &str, user: &[Style]) -> Result<Option<Source>, OwsError> {
        if let Some(mosaics) = raster_layer(&self.mosaics, name) {
            if !style.is_empty() && !style.eq_ignore_ascii_case("default") {
                return Err(OwsError::new(
                    "StyleNotDefined",
                    "STYLES",
                    format!("style {style} is not defined for layer {name} (use default)"),
                ));
            }
            return Ok(Some(Source::Raster(mosaics)));
        }
        Ok(vector::resolve(&self.vectors, &self.styles.current(), name, style, user)?.map(Source::Vector))
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
        let groups = vector::groups(&self.vectors);
        let body = capabilities::document(
            version,
            &context,
            &self.mosaics.all(),
            &groups,
            &self.styles.current(),
        );
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
fn drawable(mosaics: &[Arc<Mosaic>], crs: Crs, bbox: [f64; 4], width: u32) -> Vec<Arc<Mosaic>> {
    let metres_per_unit = if crs.is_geographic() { 111_320.0 } else { 1.0 };
    let resolution = (bbox[2] - bbox[0]) / f64::from(width) * metres_per_unit;
    mosaics
        .iter()
        .filter(|m| resolution <= m.coarsest_useful_resolution() * if crs.epsg == 3857 { 2.0 } else { 1.0 })
        .cloned()
        .collect()
}

/// One step of a map: consecutive raster layers drawn in one pass, or vector layers.
enum Step {
    Raster(RenderRequest),
    Vector(Vec<vector_render::Layer>),
}

/// Metres in one unit of a CRS (degrees at the equator for geographic ones).
fn metres_per_unit(crs: Crs) -> f64 {
    if crs.is_geographic() {
        111_319.49
    } else {
        1.0
    }
}

/// Straight-alpha `top` over `base`, in place.
fn composite_over(base: &mut Image, top: &Image) {
    for (under, over) in base.rgba.chunks_exact_mut(4).zip(top.rgba.chunks_exact(4)) {
        let alpha = u32::from(over[3]);
        if alpha == 255 {
            under.copy_from_slice(over);
        } else if alpha > 0 {
            let below = u32::from(under[3]) * (255 - alpha) / 255;
            let out_alpha = alpha + below;
            for channel in 0..3 {
                under[channel] = ((u32::from(over[channel]) * alpha + u32::from(under[channel]) * below)
                    / out_alpha.max(1)) as u8;
            }
            under[3] = out_alpha.min(255) as u8;
        }
    }
}

impl Wms {
    async fn get_map(&self, kvp: &Kvp) -> HttpResponse {
        let version = Version::negotiate(kvp);
        let mode = ExceptionMode::from_kvp(kvp);
        let fetched;
        let kvp = match self.with_fetched_sld(kvp).await {
            Ok(Some(with_body)) => {
                fetched = with_body;
                &fetched
            }
            Ok(None) => kvp,
            Err(err) => return self.exception(&err, version, kvp, mode),
        };
        let map = match self.map_params(kvp) {
            Ok(map) => map,
            Err(err) => return self.exception(&err, version, kvp, mode),
        };
        match self.draw_steps(&map, map.encode).await {
            Ok(bytes) => HttpResponse::Ok()
                .content_type(map.encode.format.mime_of(&bytes))
                .insert_header(("Cache-Control", "public, max-age=300"))
                .body(bytes),
            Err(err) => self.exception(&err, version, kvp, mode),
        }
    }

    fn map_params(&self, kvp: &Kvp) -> Result<params::MapParams, OwsError> {
        let limits = &self.config.limits;
        params::map_params(kvp, self, limits.max_image_width, limits.max_image_height)
    }

    /// Draws a map's layers bottom first (runs of raster layers in one pass, vector layers over
    /// them) and encodes it, on the blocking pool.
    async fn draw_steps(
        &self,
        map: &params::MapParams,
        encode: raster::EncodeOptions,
    ) -> Result<Vec<u8>, OwsError> {
        let mut steps: Vec<Step> = Vec::new();
        for (_, source) in &map.layers {
            match source {
                Source::Raster(mosaics) => {
                    let mosaics = drawable(mosaics, map.crs, map.bbox, map.width);
                    match steps.last_mut() {
                        Some(Step::Raster(request)) => request.mosaics.extend(mosaics),
                        _ => steps.push(Step::Raster(RenderRequest {
                            mosaics,
                            crs: map.crs,
                            bbox: map.bbox,
                            width: map.width,
                            height: map.height,
                            resampling: map.resampling,
                        })),
                    }
                }
                Source::Vector(layers) => match steps.last_mut() {
                    Some(Step::Vector(known)) => known.extend(layers.iter().cloned()),
                    _ => steps.push(Step::Vector(layers.clone())),
                },
            }
        }
        let view = MapView {
            epsg: map.crs.epsg,
            bbox: map.bbox,
            width: map.width,
            height: map.height,
            metres_per_unit: metres_per_unit(map.crs),
        };
        let deadline = Deadline::after(self.config.server.request_timeout.0);
        self.workers
            .run(move || -> Result<Vec<u8>, OwsError> {
                let mut image: Option<Image> = None;
                for step in steps {
                    image = Some(match (step, image.take()) {
                        (Step::Raster(request), None) => raster::render(&request)?,
                        (Step::Raster(request), Some(mut base)) => {
                            composite_over(&mut base, &raster::render(&request)?);
                            base
                        }
                        (Step::Vector(layers), base) => {
                            let base = base.unwrap_or_else(|| Image::transparent(view.width, view.height));
                            let mut canvas = Canvas::from_rgba(base.rgba, view.width, view.height)
                                .map_err(render_failed)?;
                            vector_render::draw(&mut canvas, &view, &layers, vector::TRANSFORM, &deadline)
                                .map_err(render_failed)?;
                            Image {
                                width: view.width,
                                height: view.height,
                                rgba: canvas.into_rgba(),
                            }
                        }
                    });
                }
                let image = image.unwrap_or_else(|| Image::transparent(view.width, view.height));
                raster::encode(&image, &encode)
                    .map_err(|err| OwsError::server(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))
            })
            .await?
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
        let fetched = self.with_fetched_sld(kvp).await?;
        let kvp = fetched.as_ref().unwrap_or(kvp);
        let name = kvp.required("LAYER")?;
        let style = kvp.non_empty("STYLE").unwrap_or_default();
        let user = match kvp.non_empty("SLD_BODY") {
            Some(body) => crate::vector::style::parse_sld(body.as_bytes(), None)
                .map_err(|err| OwsError::invalid("SLD_BODY", format!("SLD_BODY refused: {err}")))?,
            None => Vec::new(),
        };
        let source = self.resolve(name, style, &user)?.ok_or_else(|| {
            OwsError::new("LayerNotDefined", "LAYER", format!("layer {name} is not defined"))
        })?;
        let options = params::encoding(kvp, "FORMAT", false)?;
        let vector_layer = matches!(source, Source::Vector(_));
        let side = |parameter: &str| match kvp.non_empty(parameter) {
            None => Ok(if vector_layer { 20 } else { 64 }),
            Some(_) => kvp.whole_in(parameter, 1..=512),
        };
        let (width, height) = (side("WIDTH")?, side("HEIGHT")?);
        let mosaics = match source {
            Source::Raster(mosaics) => mosaics,
            Source::Vector(layers) => {
                let scale = match kvp.non_empty("SCALE") {
                    None => None,
                    Some(text) => Some(text.parse::<f64>().ok().filter(|v| *v > 0.0).ok_or_else(|| {
                        OwsError::invalid("SCALE", format!("SCALE={text} is not a scale denominator"))
                    })?),
                };
                let rule = kvp.non_empty("RULE").map(str::to_string);
                let bytes = self
                    .workers
                    .run(move || -> Result<Vec<u8>, OwsError> {
                        let canvas = vector::legend(&layers, rule.as_deref(), scale, (width, height))?;
                        let image = Image {
                            width: canvas.width(),
                            height: canvas.height(),
                            rgba: canvas.into_rgba(),
                        };
                        raster::encode(&image, &options).map_err(|err| {
                            OwsError::server(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
                        })
                    })
                    .await??;
                return Ok(HttpResponse::Ok()
                    .content_type(options.format.mime_of(&bytes))
                    .insert_header(("Cache-Control", "public, max-age=3600"))
                    .body(bytes));
            }
        };
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

/// Longest SLD document fetched by URL.
const MAX_SLD_BYTES: usize = 1 << 20;

impl Wms {
    /// The request with the document `SLD=<URL>` names fetched into `SLD_BODY`, when it names
    /// one on a host of `security.sld_hosts` (http or https, no redirect, 10 s, 1 MiB).
    async fn with_fetched_sld(&self, kvp: &Kvp) -> Result<Option<Kvp>, OwsError> {
        let Some(address) = kvp.non_empty("SLD") else {
            return Ok(None);
        };
        let refuse = |why: String| OwsError::invalid("SLD", format!("SLD={address}: {why}"));
        let url = url::Url::parse(address).map_err(|err| refuse(err.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refuse("only http and https URLs are fetched".into()));
        }
        let host = url.host_str().unwrap_or_default();
        if !crate::config::host_listed(&self.config.security.sld_hosts, host) {
            return Err(OwsError::new(
                "OperationNotSupported",
                "SLD",
                format!(
                    "SLD={address}: {host} is not among the hosts this server fetches styles from \
                     (security.sld_hosts); send the document in SLD_BODY"
                ),
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| refuse(err.to_string()))?;
        let mut response = client
            .get(url)
            .send()
            .await
            .map_err(|err| refuse(err.to_string()))?;
        if !response.status().is_success() {
            return Err(refuse(format!("the server answered {}", response.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| refuse(err.to_string()))? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_SLD_BYTES {
                return Err(refuse(format!("the document is over {MAX_SLD_BYTES} bytes")));
            }
        }
        let text = String::from_utf8(body).map_err(|_| refuse("the document is not UTF-8".into()))?;
        let mut with_body = kvp.clone();
        with_body.set("SLD_BODY", &text);
        with_body.set("SLD", "");
        Ok(Some(with_body))
    }
}

/// A vector drawing that failed, as an exception.
fn render_failed(err: vector_render::RenderError) -> OwsError {
    match err {
        vector_render::RenderError::Timeout => {
            OwsError::server(StatusCode::SERVICE_UNAVAILABLE, err.to_string())
        }
        vector_render::RenderError::Canvas(..) => {
            OwsError::server(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
        }
    }
}
