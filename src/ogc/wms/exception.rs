//! WMS service exceptions: XML reports as each version defines them, or the requested image
//! with the message written in it (`INIMAGE`), or an empty image (`BLANK`).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::params::Version;
use crate::ogc::common::{draw_text, xml::Xml};
use crate::raster::{encode, EncodeOptions, Format, Image};

/// A WMS error: an exception code (as the version's specification names them), the parameter
/// at fault, a message.
#[derive(Debug, Clone, PartialEq)]
pub struct WmsError {
    /// `InvalidCRS`, `LayerNotDefined`, `InvalidFormat`, `MissingParameterValue`...
    pub code: Option<&'static str>,
    /// The parameter at fault.
    pub locator: Option<String>,
    /// What is wrong.
    pub message: String,
    /// HTTP status.
    pub status: StatusCode,
}

impl WmsError {
    /// A client error (400).
    pub fn new(code: &'static str, locator: &str, message: impl Into<String>) -> WmsError {
        WmsError {
            code: Some(code),
            locator: Some(locator.to_string()),
            message: message.into(),
            status: StatusCode::BAD_REQUEST,
        }
    }

    /// A required parameter is absent.
    pub fn missing(parameter: &str) -> WmsError {
        WmsError::new(
            "MissingParameterValue",
            parameter,
            format!("parameter {parameter} is required"),
        )
    }

    /// A parameter's value is not acceptable.
    pub fn invalid(parameter: &str, message: impl Into<String>) -> WmsError {
        WmsError::new("InvalidParameterValue", parameter, message)
    }

    /// A server-side failure (503 when it is worth retrying).
    pub fn server(status: StatusCode, message: impl Into<String>) -> WmsError {
        WmsError {
            code: None,
            locator: None,
            message: message.into(),
            status,
        }
    }

    /// The exception code the given version uses (1.1.1 says SRS where 1.3.0 says CRS).
    fn code_for(&self, version: Version) -> Option<&'static str> {
        match (self.code, version) {
            (Some("InvalidCRS"), Version::V111) => Some("InvalidSRS"),
            (code, _) => code,
        }
    }

    /// The XML exception report.
    pub fn report(&self, version: Version) -> HttpResponse {
        let mut xml = Xml::new();
        let code = self.code_for(version);
        let mut attributes: Vec<(&str, &str)> = Vec::new();
        if let Some(code) = code {
            attributes.push(("code", code));
        }
        let content_type = match version {
            Version::V111 => {
                xml.doctype(r#"ServiceExceptionReport SYSTEM "http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd""#);
                xml.open("ServiceExceptionReport", &[("version", "1.1.1")]);
                "application/vnd.ogc.se_xml"
            }
            Version::V130 => {
                if let Some(locator) = &self.locator {
                    attributes.push(("locator", locator));
                }
                xml.open(
                    "ServiceExceptionReport",
                    &[
                        ("version", "1.3.0"),
                        ("xmlns", "http://www.opengis.net/ogc"),
                        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                        (
                            "xsi:schemaLocation",
                            "http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd",
                        ),
                    ],
                );
                "text/xml"
            }
        };
        xml.leaf("ServiceException", &attributes, &self.message);
        xml.close("ServiceExceptionReport");
        let mut response = HttpResponse::build(self.status);
        response.content_type(format!("{content_type}; charset=utf-8"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(("Retry-After", "5"));
        }
        response.body(xml.finish())
    }

    /// The requested image with the message in it (`INIMAGE`), or empty (`BLANK`).
    pub fn image(
        &self,
        version: Version,
        width: u32,
        height: u32,
        options: &EncodeOptions,
        with_text: bool,
    ) -> HttpResponse {
        let mut image = Image::transparent(width, height);
        if !options.transparent || options.format == Format::Jpeg {
            let [r, g, b] = options.background;
            for pixel in image.rgba.chunks_exact_mut(4) {
                pixel.copy_from_slice(&[r, g, b, 255]);
            }
        }
        if with_text {
            let code = self.code_for(version).unwrap_or("Error");
            draw_text(
                &mut image,
                &format!("{code}: {}", self.message),
                [200, 0, 0, 255],
                4,
                4,
                1,
            );
        }
        match encode(&image, options) {
            Ok(bytes) => HttpResponse::Ok()
                .content_type(options.format.mime_of(&bytes))
                .body(bytes),
            Err(_) => self.report(version),
        }
    }
}

impl From<crate::workers::WorkerError> for WmsError {
    fn from(err: crate::workers::WorkerError) -> WmsError {
        match err {
            crate::workers::WorkerError::Panicked(message) => {
                tracing::error!(%message, "WMS job panicked");
                WmsError::server(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal failure; see the server log",
                )
            }
            other => WmsError::server(StatusCode::SERVICE_UNAVAILABLE, other.to_string()),
        }
    }
}

impl From<crate::raster::RenderError> for WmsError {
    fn from(err: crate::raster::RenderError) -> WmsError {
        tracing::warn!(error = %err, "rendering failed");
        WmsError::server(
            StatusCode::BAD_GATEWAY,
            format!("a dalle could not be read: {err}"),
        )
    }
}
