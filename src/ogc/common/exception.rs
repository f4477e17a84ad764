//! One OGC exception type for every service, written as each one's specification says: the WMS
//! 1.1.1 report (DTD), the WMS 1.3.0 report, OWS 1.0 reports (WFS 1.1.0), OWS 1.1 reports
//! (WMTS 1.0.0, WFS 2.0.0) and OWS 2.0 reports. Codes keep their OWS spelling; writers translate where a version names
//! them otherwise (WMS 1.1.1's `InvalidSRS`).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::xml::Xml;
use crate::tiles::TileRequestError;
use crate::workers::WorkerError;

/// An exception of an OGC service: a code, the parameter at fault, a message, a status.
#[derive(Debug, Clone, PartialEq)]
pub struct OwsError {
    /// `MissingParameterValue`, `InvalidParameterValue`, `LayerNotDefined`, `TileOutOfRange`…;
    /// none for a server-side failure (OWS reports write `NoApplicableCode`).
    pub code: Option<&'static str>,
    /// The parameter at fault.
    pub locator: Option<String>,
    /// What is wrong.
    pub message: String,
    /// HTTP status.
    pub status: StatusCode,
}

/// The report format of a service version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// WMS 1.1.1: `application/vnd.ogc.se_xml`, with the DTD, no locator.
    Wms111,
    /// WMS 1.3.0: `text/xml` in the `ogc` namespace, with the locator.
    Wms130,
    /// OWS 1.0 `ExceptionReport` with the service version given (WFS 1.1.0).
    Ows10(&'static str),
    /// OWS 1.1 `ExceptionReport` with the service version given (WMTS 1.0.0, WFS 2.0.0).
    Ows11(&'static str),
    /// OWS 2.0 `ExceptionReport` with the service version given.
    Ows20(&'static str),
}

impl OwsError {
    /// A client error (400) with an exception code.
    pub fn new(code: &'static str, locator: &str, message: impl Into<String>) -> OwsError {
        OwsError {
            code: Some(code),
            locator: Some(locator.to_string()),
            message: message.into(),
            status: StatusCode::BAD_REQUEST,
        }
    }

    /// A required parameter is absent.
    pub fn missing(parameter: &str) -> OwsError {
        OwsError::new(
            "MissingParameterValue",
            parameter,
            format!("parameter {parameter} is required"),
        )
    }

    /// A parameter's value is not acceptable.
    pub fn invalid(parameter: &str, message: impl Into<String>) -> OwsError {
        OwsError::new("InvalidParameterValue", parameter, message)
    }

    /// An operation the service does not offer, with those it does.
    pub fn unsupported(operation: &str, offered: &[&str]) -> OwsError {
        OwsError::new(
            "OperationNotSupported",
            "REQUEST",
            format!("REQUEST={operation} is not offered ({})", offered.join(", ")),
        )
    }

    /// A server-side failure (503 when it is worth retrying), with no exception code.
    pub fn server(status: StatusCode, message: impl Into<String>) -> OwsError {
        OwsError {
            code: None,
            locator: None,
            message: message.into(),
            status,
        }
    }

    /// The same with another HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> OwsError {
        self.status = status;
        self
    }

    /// The code as `report` names it (`InvalidSRS` in WMS 1.1.1; `NoApplicableCode` in OWS
    /// reports for failures without one).
    pub fn code_in(&self, report: Report) -> Option<&'static str> {
        match (self.code, report) {
            (Some("InvalidCRS"), Report::Wms111) => Some("InvalidSRS"),
            (None, Report::Ows10(_) | Report::Ows11(_) | Report::Ows20(_)) => Some("NoApplicableCode"),
            (code, _) => code,
        }
    }

    /// The exception report as `report` writes it.
    pub fn report(&self, report: Report) -> HttpResponse {
        let (content_type, body) = match report {
            Report::Wms111 | Report::Wms130 => ("", self.wms_report(report)),
            Report::Ows10(version) => ("application/xml", self.ows_report("", "1.0.0", version)),
            Report::Ows11(version) => ("application/xml", self.ows_report("1.1", "1.1.0", version)),
            Report::Ows20(version) => ("application/xml", self.ows_report("2.0", "2.0", version)),
        };
        let content_type = match report {
            Report::Wms111 => "application/vnd.ogc.se_xml",
            Report::Wms130 => "text/xml",
            _ => content_type,
        };
        let mut response = HttpResponse::build(self.status);
        response.content_type(format!("{content_type}; charset=utf-8"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(("Retry-After", "5"));
        }
        response.body(body)
    }

    fn wms_report(&self, report: Report) -> Vec<u8> {
        let mut xml = Xml::new();
        let mut attributes: Vec<(&str, &str)> = Vec::new();
        if let Some(code) = self.code_in(report) {
            attributes.push(("code", code));
        }
        if report == Report::Wms111 {
            xml.doctype(
                r#"ServiceExceptionReport SYSTEM "http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd""#,
            );
            xml.open("ServiceExceptionReport", &[("version", "1.1.1")]);
        } else {
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
        }
        xml.leaf("ServiceException", &attributes, &self.message);
        xml.close("ServiceExceptionReport");
        xml.finish()
    }

    /// An OWS `ExceptionReport`: `ows` the OWS version in the namespace (`1.1`, `2.0`; empty
    /// for OWS 1.0, whose namespace has none and which says `language` for `xml:lang`),
    /// `schema` its schema folder, `version` the service's.
    fn ows_report(&self, ows: &str, schema: &str, version: &str) -> Vec<u8> {
        let namespace = match ows {
            "" => "http://www.opengis.net/ows".to_string(),
            ows => format!("http://www.opengis.net/ows/{ows}"),
        };
        let location = format!("{namespace} http://schemas.opengis.net/ows/{schema}/owsExceptionReport.xsd");
        let language = if ows.is_empty() { "language" } else { "xml:lang" };
        let mut xml = Xml::new();
        xml.open(
            "ows:ExceptionReport",
            &[
                ("xmlns:ows", &namespace),
                ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
                ("xsi:schemaLocation", &location),
                ("version", version),
                (language, "en"),
            ],
        );
        let code = self.code.unwrap_or("NoApplicableCode");
        let mut attributes = vec![("exceptionCode", code)];
        if let Some(locator) = &self.locator {
            attributes.push(("locator", locator));
        }
        xml.open("ows:Exception", &attributes);
        xml.leaf("ows:ExceptionText", &[], &self.message);
        xml.close("ows:Exception");
        xml.close("ows:ExceptionReport");
        xml.finish()
    }
}

impl From<WorkerError> for OwsError {
    fn from(err: WorkerError) -> OwsError {
        match err {
            WorkerError::Panicked(message) => {
                tracing::error!(%message, "OGC job panicked");
                OwsError::server(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal failure; see the server log",
                )
            }
            other => OwsError::server(StatusCode::SERVICE_UNAVAILABLE, other.to_string()),
        }
    }
}

impl From<crate::raster::RenderError> for OwsError {
    fn from(err: crate::raster::RenderError) -> OwsError {
        tracing::warn!(error = %err, "rendering failed");
        OwsError::server(
            StatusCode::BAD_GATEWAY,
            format!("a dalle could not be read: {err}"),
        )
    }
}

impl From<TileRequestError> for OwsError {
    fn from(err: TileRequestError) -> OwsError {
        let message = err.to_string();
        match err {
            TileRequestError::UnknownLayer(_) => OwsError::invalid("LAYER", message),
            TileRequestError::UnknownSet(_) => OwsError::invalid("TILEMATRIXSET", message),
            TileRequestError::LevelOutOfRange { .. } => OwsError::invalid("TILEMATRIX", message),
            TileRequestError::TileOutOfRange { row, rows, .. } => {
                let locator = if row >= rows { "TILEROW" } else { "TILECOL" };
                OwsError::new("TileOutOfRange", locator, message)
            }
            TileRequestError::Render(_) => OwsError {
                code: Some("NoApplicableCode"),
                locator: None,
                message,
                status: StatusCode::SERVICE_UNAVAILABLE,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(response: HttpResponse) -> String {
        let bytes = actix_web::body::to_bytes(response.into_body());
        let bytes = futures_util::FutureExt::now_or_never(bytes).unwrap().unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn each_version_writes_its_own_report() {
        let err = OwsError::new("InvalidCRS", "CRS", "CRS=EPSG:1 is not offered");
        let old = body(err.report(Report::Wms111));
        assert!(
            old.contains("exception_1_1_1.dtd") && old.contains(r#"code="InvalidSRS""#),
            "{old}"
        );
        assert!(!old.contains("locator"), "{old}");
        let new = body(err.report(Report::Wms130));
        assert!(new.contains(r#"code="InvalidCRS" locator="CRS""#), "{new}");
        let ows = body(OwsError::missing("LAYER").report(Report::Ows11("1.0.0")));
        assert!(
            ows.contains("http://www.opengis.net/ows/1.1") && ows.contains(r#"version="1.0.0""#),
            "{ows}"
        );
        assert!(
            ows.contains(r#"exceptionCode="MissingParameterValue" locator="LAYER""#),
            "{ows}"
        );
        let failure = OwsError::server(StatusCode::SERVICE_UNAVAILABLE, "busy");
        let ows20 = body(failure.report(Report::Ows20("2.0.0")));
        assert!(
            ows20.contains("ows/2.0") && ows20.contains("NoApplicableCode"),
            "{ows20}"
        );
        assert_eq!(
            failure
                .report(Report::Wms130)
                .headers()
                .get("Retry-After")
                .unwrap(),
            "5"
        );
    }
}
