//! WMTS 1.0.0: KVP at `/wmts` (GetCapabilities, GetTile, GetFeatureInfo) and REST at
//! `/wmts/1.0.0/WMTSCapabilities.xml` and `/wmts/1.0.0/{layer}/{style}/{set}/{z}/{row}/{col}.{ext}`.
//! Tiles come from the shared tile service and its cache; exceptions are OWS 1.1 reports.

mod capabilities;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::ogc::common::tile::{path_number, split_tile_name, tile_response, TilePathError};
use crate::ogc::common::{base_url, part, Kvp, Offered, OwsError, Report};
use crate::ogc::wms::{self, PointQuery};
use crate::raster::{Format, Mosaics};
use crate::tiles::{TileRequest, Tiles};
use crate::vector::style::StyleBook;
use crate::vector::Vectors;
use crate::workers::Workers;

/// How WMTS 1.0.0 writes its exceptions.
const REPORT: Report = Report::Ows11("1.0.0");

/// Registers `/wmts` and the REST paths.
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/wmts")
            .service(web::resource("").route(web::get().to(kvp_endpoint)))
            .service(web::resource("/1.0.0/WMTSCapabilities.xml").route(web::get().to(rest_capabilities)))
            .service(
                web::resource("/1.0.0/{layer}/{style}/{set}/{z}/{row}/{tile}")
                    .route(web::get().to(rest_tile)),
            ),
    );
}

/// What the WMTS reads: its public URL, the mosaics it describes, the tile service, the pool
/// feature-info questions run on. Handlers take it as an extractor.
struct Wmts {
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    tiles: web::Data<Tiles>,
    workers: web::Data<Workers>,
    catalog: web::Data<Catalog>,
}

impl actix_web::FromRequest for Wmts {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Wmts, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready((|| {
            Ok(Wmts {
                config: part(request)?,
                mosaics: part(request)?,
                tiles: part(request)?,
                workers: part(request)?,
                catalog: part(request)?,
            })
        })())
    }
}

async fn kvp_endpoint(wmts: Wmts, request: HttpRequest) -> HttpResponse {
    let kvp = Kvp::parse(request.query_string());
    wmts.dispatch(&request, &kvp)
        .await
        .unwrap_or_else(|err| err.report(REPORT))
}

async fn rest_capabilities(
    config: web::Data<Config>,
    mosaics: web::Data<Mosaics>,
    request: HttpRequest,
) -> HttpResponse {
    capabilities_response(&config, &mosaics, &request)
}

fn capabilities_response(config: &Config, mosaics: &Mosaics, request: &HttpRequest) -> HttpResponse {
    let base = base_url(request, &config.server.public_url);
    let rasters = mosaics.all();
    let raster_names: Vec<&str> = rasters.iter().map(|m| m.name.as_str()).collect();
    let vector_maps = match (part::<Vectors>(request), part::<StyleBook>(request)) {
        (Ok(vectors), Ok(book)) => crate::tiles::vector_maps(&vectors, &book.current(), &raster_names),
        _ => Vec::new(),
    };
    let body = capabilities::document(&base, &rasters, &vector_maps);
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=60"))
        .body(body)
}

impl Wmts {
    async fn dispatch(&self, request: &HttpRequest, kvp: &Kvp) -> Result<HttpResponse, OwsError> {
        let preamble = kvp.preamble("WMTS")?;
        match preamble.request.as_str() {
            "getcapabilities" => Ok(capabilities_response(&self.config, &self.mosaics, request)),
            "gettile" => {
                if let Some(version) = preamble.version.filter(|v| v != "1.0.0") {
                    return Err(OwsError::invalid(
                        "VERSION",
                        format!("VERSION={version}: only 1.0.0 is offered"),
                    ));
                }
                let (tile, format) = tile_request(kvp)?;
                self.check_limits(&tile)?;
                let answer = self.tiles.tile(&tile).await?;
                Ok(tile_response(request, &self.tiles, answer, format))
            }
            "getfeatureinfo" => self.feature_info(request, kvp).await,
            other => Err(
                OwsError::unsupported(other, &["GetCapabilities", "GetTile", "GetFeatureInfo"])
                    .with_status(StatusCode::NOT_IMPLEMENTED),
            ),
        }
    }

    /// A tile outside the TileMatrixSetLimits the capabilities advertise is a TileOutOfRange
    /// exception, as WMTS 1.0.0 says. Unknown layers and sets are left to the tile service.
    fn check_limits(&self, tile: &TileRequest) -> Result<(), OwsError> {
        let Some(mosaic) = self.mosaics.get(&tile.layer) else {
            return Ok(());
        };
        let Some(set) = Tiles::set_for(&mosaic, &tile.tms) else {
            return Ok(());
        };
        let Some(layer) = Tiles::layer_in_set(&mosaic, set) else {
            return Ok(());
        };
        let Some(range) = capabilities::advertised_limits(&layer, set, tile.z) else {
            return Ok(());
        };
        for (name, value, min, max) in [
            ("TILEROW", tile.row, range.min_row, range.max_row),
            ("TILECOL", tile.col, range.min_col, range.max_col),
        ] {
            if !(min..=max).contains(&value) {
                return Err(OwsError::new(
                    "TileOutOfRange",
                    name,
                    format!(
                        "{name}={value} is outside this layer's limits {min}–{max} at level {}",
                        tile.z
                    ),
                ));
            }
        }
        Ok(())
    }

    /// GetFeatureInfo: the WMS answer for the pixel (I, J) of the tile, asked as a typed
    /// point query over the tile's box.
    async fn feature_info(&self, request: &HttpRequest, kvp: &Kvp) -> Result<HttpResponse, OwsError> {
        let (tile, _) = tile_request(kvp)?;
        self.check_limits(&tile)?;
        let (i, j) = (kvp.whole("I")?, kvp.whole("J")?);
        let info_format = wms::info_format(kvp, "INFOFORMAT", None, "InvalidParameterValue")?;
        let mosaic = self
            .mosaics
            .get(&tile.layer)
            .ok_or_else(|| OwsError::invalid("LAYER", format!("layer {} is not defined", tile.layer)))?;
        let set = Tiles::set_for(&mosaic, &tile.tms).ok_or_else(|| {
            OwsError::invalid(
                "TILEMATRIXSET",
                format!("tile matrix set {} is not offered", tile.tms),
            )
        })?;
        let matrix = set.matrix(tile.z).ok_or_else(|| {
            OwsError::invalid("TILEMATRIX", format!("level {} is not in {}", tile.z, set.id))
        })?;
        if tile.row >= matrix.matrix_height || tile.col >= matrix.matrix_width {
            return Err(OwsError::new(
                "TileOutOfRange",
                "TILEROW",
                "the tile is outside the matrix",
            ));
        }
        for (name, value, limit) in [("I", i, matrix.tile_width), ("J", j, matrix.tile_height)] {
            if value >= limit {
                return Err(OwsError::new(
                    "PointIJOutOfRange",
                    name,
                    format!("{name}={value} is outside the {limit}-pixel tile"),
                ));
            }
        }
        let query = PointQuery {
            layers: vec![mosaic.clone()],
            epsg: set.crs.epsg,
            bbox: matrix.tile_bbox(tile.row, tile.col),
            width: matrix.tile_width,
            height: matrix.tile_height,
            i,
            j,
            info_format,
            count: 1,
        };
        let base = base_url(request, &self.config.server.public_url);
        wms::answer_point(&query, (&self.workers, &self.catalog), &base).await
    }
}

/// The tile a KVP GetTile (or GetFeatureInfo) names.
fn tile_request(kvp: &Kvp) -> Result<(TileRequest, Format), OwsError> {
    let layer = kvp.required("LAYER")?;
    let style = kvp.get("STYLE").ok_or_else(|| OwsError::missing("STYLE"))?;
    check_style(style)?;
    let format = kvp.format("FORMAT", &Offered::TILES, "InvalidParameterValue")?;
    let tile = TileRequest {
        layer: layer.to_string(),
        tms: kvp.required("TILEMATRIXSET")?.to_string(),
        z: kvp.whole("TILEMATRIX")?,
        row: kvp.whole("TILEROW")?,
        col: kvp.whole("TILECOL")?,
        format,
    };
    Ok((tile, format))
}

fn check_style(style: &str) -> Result<(), OwsError> {
    if style.is_empty() || style.eq_ignore_ascii_case("default") {
        Ok(())
    } else {
        Err(OwsError::invalid(
            "STYLE",
            format!("style {style} is not defined (use default)"),
        ))
    }
}

impl From<TilePathError> for OwsError {
    fn from(err: TilePathError) -> OwsError {
        let locator = match err.part.as_str() {
            "FORMAT" => "FORMAT",
            "TILEMATRIX" => "TILEMATRIX",
            "TILEROW" => "TILEROW",
            _ => "TILECOL",
        };
        OwsError::invalid(locator, err.message)
    }
}

async fn rest_tile(
    wmts: Wmts,
    request: HttpRequest,
    path: web::Path<(String, String, String, String, String, String)>,
) -> HttpResponse {
    let (layer, style, set, z, row, tile) = path.into_inner();
    let result = async {
        check_style(&style)?;
        let (col, format) = split_tile_name(&tile)?;
        let tile_request = TileRequest {
            layer,
            tms: set,
            z: path_number("TILEMATRIX", &z)?,
            row: path_number("TILEROW", &row)?,
            col: path_number("TILECOL", col)?,
            format,
        };
        wmts.check_limits(&tile_request)?;
        let answer = wmts.tiles.tile(&tile_request).await?;
        Ok::<_, OwsError>(tile_response(&request, &wmts.tiles, answer, format))
    }
    .await;
    result.unwrap_or_else(|err| {
        // A REST path naming nothing that exists is "not found".
        let status = match err.code {
            Some("InvalidParameterValue") if err.locator.as_deref() != Some("FORMAT") => {
                StatusCode::NOT_FOUND
            }
            _ => err.status,
        };
        err.with_status(status).report(REPORT)
    })
}
