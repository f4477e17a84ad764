//! WMTS 1.0.0: KVP at `/wmts` (GetCapabilities, GetTile, GetFeatureInfo) and REST at
//! `/wmts/1.0.0/WMTSCapabilities.xml` and `/wmts/1.0.0/{layer}/{style}/{set}/{z}/{row}/{col}.{ext}`.
//! Tiles come from the shared tile service and its cache.

mod capabilities;
mod exception;

use actix_web::{web, HttpRequest, HttpResponse};

pub use exception::WmtsError;

use crate::http::AppState;
use crate::ogc::common::tile::tile_response;
use crate::ogc::common::{base_url, Kvp};
use crate::raster::Format;
use crate::tiles::{TileRequest, Tiles};

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

async fn kvp_endpoint(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let kvp = Kvp::parse(request.query_string());
    dispatch(&state, &request, &kvp)
        .await
        .unwrap_or_else(|err| err.report())
}

async fn dispatch(state: &AppState, request: &HttpRequest, kvp: &Kvp) -> Result<HttpResponse, WmtsError> {
    if let Some(service) = kvp.non_empty("SERVICE") {
        if !service.eq_ignore_ascii_case("WMTS") {
            return Err(WmtsError::invalid(
                "SERVICE",
                format!("SERVICE={service}: this endpoint is a WMTS"),
            ));
        }
    }
    let operation = kvp
        .non_empty("REQUEST")
        .ok_or_else(|| WmtsError::missing("REQUEST"))?;
    match operation.to_ascii_lowercase().as_str() {
        "getcapabilities" => Ok(capabilities_response(state, request)),
        "gettile" => {
            if let Some(version) = kvp.non_empty("VERSION") {
                if version != "1.0.0" {
                    return Err(WmtsError::invalid(
                        "VERSION",
                        format!("VERSION={version}: only 1.0.0 is offered"),
                    ));
                }
            }
            let (tile, format) = tile_request(kvp)?;
            check_limits(state, &tile)?;
            let answer = state.tiles().tile(&tile).await?;
            Ok(tile_response(request, state.tiles(), answer, format))
        }
        "getfeatureinfo" => feature_info(state, request, kvp).await,
        other => Err(WmtsError::new(
            "OperationNotSupported",
            "REQUEST",
            format!("REQUEST={other} is not offered (GetCapabilities, GetTile, GetFeatureInfo)"),
        )
        .with_status(actix_web::http::StatusCode::NOT_IMPLEMENTED)),
    }
}

fn capabilities_response(state: &AppState, request: &HttpRequest) -> HttpResponse {
    let base = base_url(request, &state.config().server.public_url);
    let body = capabilities::document(&base, &state.mosaics().all());
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=60"))
        .body(body)
}

async fn rest_capabilities(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    capabilities_response(&state, &request)
}

/// A whole number parameter.
fn number(kvp: &Kvp, name: &str) -> Result<u32, WmtsError> {
    let text = kvp.non_empty(name).ok_or_else(|| WmtsError::missing(name))?;
    text.parse()
        .map_err(|_| WmtsError::invalid(name, format!("{name}={text} is not a whole number")))
}

/// The tile a KVP GetTile (or GetFeatureInfo) names.
fn tile_request(kvp: &Kvp) -> Result<(TileRequest, Format), WmtsError> {
    let layer = kvp
        .non_empty("LAYER")
        .ok_or_else(|| WmtsError::missing("LAYER"))?;
    let style = kvp.get("STYLE").ok_or_else(|| WmtsError::missing("STYLE"))?;
    check_style(style)?;
    let format_text = kvp
        .non_empty("FORMAT")
        .ok_or_else(|| WmtsError::missing("FORMAT"))?;
    let format = Format::parse(format_text).ok_or_else(|| {
        WmtsError::invalid(
            "FORMAT",
            format!(
                "FORMAT={format_text} is not offered (image/vnd.jpeg-png, image/jpeg, image/png, image/webp)"
            ),
        )
    })?;
    let set = kvp
        .non_empty("TILEMATRIXSET")
        .ok_or_else(|| WmtsError::missing("TILEMATRIXSET"))?;
    let z = number(kvp, "TILEMATRIX")?;
    let row = number(kvp, "TILEROW")?;
    let col = number(kvp, "TILECOL")?;
    Ok((
        TileRequest {
            layer: layer.to_string(),
            tms: set.to_string(),
            z,
            row,
            col,
            format,
        },
        format,
    ))
}

fn check_style(style: &str) -> Result<(), WmtsError> {
    if style.is_empty() || style.eq_ignore_ascii_case("default") {
        Ok(())
    } else {
        Err(WmtsError::invalid(
            "STYLE",
            format!("style {style} is not defined (use default)"),
        ))
    }
}

async fn rest_tile(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String, String, String, String, String)>,
) -> HttpResponse {
    let (layer, style, set, z, row, tile) = path.into_inner();
    let result = async {
        check_style(&style)?;
        let (col, extension) = tile.split_once('.').ok_or_else(|| {
            WmtsError::invalid(
                "FORMAT",
                format!("{tile}: the tile needs an extension (.jpg, .png, .webp, .jpeg-png)"),
            )
        })?;
        let format = Format::parse(extension).ok_or_else(|| {
            WmtsError::invalid(
                "FORMAT",
                format!(".{extension} is not offered (.jpg, .png, .webp, .jpeg-png)"),
            )
        })?;
        let parse = |name: &str, text: &str| -> Result<u32, WmtsError> {
            text.parse()
                .map_err(|_| WmtsError::invalid(name, format!("{name}={text} is not a whole number")))
        };
        let tile_request = TileRequest {
            layer,
            tms: set,
            z: parse("TILEMATRIX", &z)?,
            row: parse("TILEROW", &row)?,
            col: parse("TILECOL", col)?,
            format,
        };
        check_limits(&state, &tile_request)?;
        let answer = state.tiles().tile(&tile_request).await?;
        Ok::<_, WmtsError>(tile_response(&request, state.tiles(), answer, format))
    }
    .await;
    result.unwrap_or_else(|err| {
        // A REST path naming nothing that exists is "not found".
        let status = match err.code {
            "InvalidParameterValue" if err.locator.as_deref() != Some("FORMAT") => {
                actix_web::http::StatusCode::NOT_FOUND
            }
            _ => err.status,
        };
        err.with_status(status).report()
    })
}

/// A tile outside the TileMatrixSetLimits the capabilities advertise is a TileOutOfRange
/// exception, as WMTS 1.0.0 says. Unknown layers and sets are left to the tile service.
fn check_limits(state: &AppState, tile: &TileRequest) -> Result<(), WmtsError> {
    let Some(mosaic) = state.mosaics().get(&tile.layer) else {
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
            return Err(WmtsError::new(
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

/// GetFeatureInfo: the WMS answer for the pixel (I, J) of the tile.
async fn feature_info(state: &AppState, request: &HttpRequest, kvp: &Kvp) -> Result<HttpResponse, WmtsError> {
    let (tile, _) = tile_request(kvp)?;
    check_limits(state, &tile)?;
    let i = number(kvp, "I")?;
    let j = number(kvp, "J")?;
    let info_format = kvp
        .non_empty("INFOFORMAT")
        .ok_or_else(|| WmtsError::missing("INFOFORMAT"))?;
    if !capabilities::INFO_FORMATS.contains(&info_format.to_ascii_lowercase().as_str()) {
        return Err(WmtsError::invalid(
            "INFOFORMAT",
            format!(
                "INFOFORMAT={info_format} is not offered ({})",
                capabilities::INFO_FORMATS.join(", ")
            ),
        ));
    }
    let mosaic = state
        .mosaics()
        .get(&tile.layer)
        .ok_or_else(|| WmtsError::invalid("LAYER", format!("layer {} is not defined", tile.layer)))?;
    let set = Tiles::set_for(&mosaic, &tile.tms).ok_or_else(|| {
        WmtsError::invalid(
            "TILEMATRIXSET",
            format!("tile matrix set {} is not offered", tile.tms),
        )
    })?;
    let matrix = set
        .matrix(tile.z)
        .ok_or_else(|| WmtsError::invalid("TILEMATRIX", format!("level {} is not in {}", tile.z, set.id)))?;
    if tile.row >= matrix.matrix_height || tile.col >= matrix.matrix_width {
        return Err(WmtsError::new(
            "TileOutOfRange",
            "TILEROW",
            "the tile is outside the matrix",
        ));
    }
    for (name, value, limit) in [("I", i, matrix.tile_width), ("J", j, matrix.tile_height)] {
        if value >= limit {
            return Err(WmtsError::new(
                "PointIJOutOfRange",
                name,
                format!("{name}={value} is outside the {limit}-pixel tile"),
            ));
        }
    }
    // The same question as a WMS 1.3.0 GetFeatureInfo over the tile's box.
    let [min_x, min_y, max_x, max_y] = matrix.tile_bbox(tile.row, tile.col);
    let mut wms = Kvp::default();
    for (name, value) in [
        ("VERSION", "1.3.0".to_string()),
        ("LAYERS", mosaic.name.clone()),
        ("QUERY_LAYERS", mosaic.name.clone()),
        ("STYLES", String::new()),
        ("CRS", set.crs.name()),
        ("BBOX", format!("{min_x},{min_y},{max_x},{max_y}")),
        ("WIDTH", matrix.tile_width.to_string()),
        ("HEIGHT", matrix.tile_height.to_string()),
        ("FORMAT", "image/png".into()),
        ("I", i.to_string()),
        ("J", j.to_string()),
        ("INFO_FORMAT", info_format.to_string()),
    ] {
        wms.set(name, &value);
    }
    let base = base_url(request, &state.config().server.public_url);
    crate::ogc::wms::get_feature_info(state, &wms, &base)
        .await
        .map_err(|err| WmtsError {
            code: err.code.unwrap_or("NoApplicableCode"),
            locator: err.locator,
            message: err.message,
            status: err.status,
        })
}
