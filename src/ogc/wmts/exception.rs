//! WMTS exceptions: OWS 1.1 exception reports with the WMTS codes and HTTP statuses.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::ogc::common::xml::Xml;
use crate::tiles::TileRequestError;

/// A WMTS error: an OWS exception code, the parameter at fault, a message, a status.
#[derive(Debug, Clone, PartialEq)]
pub struct WmtsError {
    /// `MissingParameterValue`, `InvalidParameterValue`, `TileOutOfRange`...
    pub code: &'static str,
    /// The parameter at fault.
    pub locator: Option<String>,
    /// What is wrong.
    pub message: String,
    /// HTTP status.
    pub status: StatusCode,
}

impl WmtsError {
    /// A client error (400).
    pub fn new(code: &'static str, locator: &str, message: impl Into<String>) -> WmtsError {
        WmtsError {
            code,
            locator: Some(locator.to_string()),
            message: message.into(),
            status: StatusCode::BAD_REQUEST,
        }
    }

    /// A required parameter is absent.
    pub fn missing(parameter: &str) -> WmtsError {
        WmtsError::new(
            "MissingParameterValue",
            parameter,
            format!("parameter {parameter} is required"),
        )
    }

    /// A parameter's value is not acceptable.
    pub fn invalid(parameter: &str, message: impl Into<String>) -> WmtsError {
        WmtsError::new("InvalidParameterValue", parameter, message)
    }

    /// With another HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> WmtsError {
        self.status = status;
        self
    }

    /// The OWS exception report.
    pub fn report(&self) -> HttpResponse {
        let mut xml = Xml::new();
        xml.open(
            "ows:ExceptionReport",
            &[
                ("xmlns:ows", "http://www.opengis.net/ows/1.1"),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                (
                    "xsi:schemaLocation",
                    "http://www.opengis.net/ows/1.1 http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd",
                ),
                ("version", "1.0.0"),
                ("xml:lang", "en"),
            ],
        );
        let mut attributes = vec![("exceptionCode", self.code)];
        if let Some(locator) = &self.locator {
            attributes.push(("locator", locator));
        }
        xml.open("ows:Exception", &attributes);
        xml.leaf("ows:ExceptionText", &[], &self.message);
        xml.close("ows:Exception");
        xml.close("ows:ExceptionReport");
        let mut response = HttpResponse::build(self.status);
        response.content_type("application/xml; charset=utf-8");
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(("Retry-After", "5"));
        }
        response.body(xml.finish())
    }
}

impl From<TileRequestError> for WmtsError {
    fn from(err: TileRequestError) -> WmtsError {
        let message = err.to_string();
        match err {
            TileRequestError::UnknownLayer(_) => WmtsError::invalid("LAYER", message),
            TileRequestError::UnknownSet(_) => WmtsError::invalid("TILEMATRIXSET", message),
            TileRequestError::LevelOutOfRange { .. } => WmtsError::invalid("TILEMATRIX", message),
            TileRequestError::TileOutOfRange { row, rows, .. } => {
                let locator = if row >= rows { "TILEROW" } else { "TILECOL" };
                WmtsError::new("TileOutOfRange", locator, message)
            }
            TileRequestError::Render(_) => WmtsError {
                code: "NoApplicableCode",
                locator: None,
                message,
                status: StatusCode::SERVICE_UNAVAILABLE,
            },
        }
    }
}
