//! WFS 2.0.0 and 1.1.0 at `/wfs`: every vector collection (one per PCRS class per
//! deliverable) as a feature type. GetCapabilities, DescribeFeatureType, GetFeature (BBOX,
//! RESOURCEID / FEATUREID, FES 2.0 and Filter 1.1 filters, SORTBY, STARTINDEX / COUNT with
//! next / previous, `resultType=hits`, SRSNAME, PROPERTYNAME; GML 3.2 / 3.1.1, GeoJSON, CSV,
//! zipped Shapefile), ListStoredQueries, DescribeStoredQueries and the GetFeatureById stored
//! query; KVP by GET or POST, and XML by POST. Errors are OWS exception reports in each
//! version's format (OWS 1.1 for 2.0.0, OWS 1.0 for 1.1.0).

mod capabilities;
mod getfeature;
mod output;
mod params;
mod schema;
mod shape;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

pub use params::{GetFeature, OutputFormat, SrsName, Version};

use crate::config::Config;
use crate::ogc::common::{base_url, part, Kvp, OwsError};
use crate::vector::local_name;
use crate::vector::{read_tree, Collection, Vectors, XmlLimits};
use output::{type_name, Gml};

/// What the WFS reads: its limits and public URL, and the collections it serves. Handlers take
/// it as an extractor.
pub struct Wfs {
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
}

impl actix_web::FromRequest for Wfs {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Wfs, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready((|| {
            Ok(Wfs {
                config: part(request)?,
                vectors: part(request)?,
            })
        })())
    }
}

/// Registers `/wfs`.
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/wfs")
            .route(web::get().to(endpoint))
            .route(web::post().to(endpoint_post)),
    );
}

async fn endpoint(wfs: Wfs, request: HttpRequest) -> HttpResponse {
    let kvp = Kvp::parse(request.query_string());
    wfs.dispatch_kvp(&request, &kvp, request.query_string()).await
}

/// An XML request document, or KVP sent as a form body (query-string values win).
async fn endpoint_post(wfs: Wfs, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') {
        return wfs.dispatch_xml(&request, &body).await;
    }
    let merged = format!("{}&{}", request.query_string(), String::from_utf8_lossy(&body));
    let kvp = Kvp::parse(&merged);
    wfs.dispatch_kvp(&request, &kvp, &merged).await
}

const OPERATIONS: &[&str] = &[
    "GetCapabilities",
    "DescribeFeatureType",
    "GetFeature",
    "ListStoredQueries",
    "DescribeStoredQueries",
];

impl Wfs {
    fn limits(&self) -> XmlLimits {
        XmlLimits::from_config(&self.config.limits)
    }

    fn url(&self, request: &HttpRequest) -> String {
        format!("{}/wfs", base_url(request, &self.config.server.public_url))
    }

    async fn dispatch_kvp(&self, request: &HttpRequest, kvp: &Kvp, query: &str) -> HttpResponse {
        let operation = kvp.non_empty("REQUEST").unwrap_or_default().to_ascii_lowercase();
        let version = match Version::negotiate(
            kvp.non_empty("VERSION"),
            kvp.non_empty("ACCEPTVERSIONS"),
            operation == "getcapabilities",
        ) {
            Ok(version) => version,
            Err(err) => return err.report(Version::V200.report()),
        };
        let preamble = match kvp.preamble("WFS") {
            Ok(preamble) => preamble,
            Err(err) => return err.report(version.report()),
        };
        let url = self.url(request);
        let result = match preamble.request.as_str() {
            "getcapabilities" => Ok(self.capabilities(version, &url)),
            "describefeaturetype" => {
                let names = kvp.non_empty("TYPENAMES").or_else(|| kvp.non_empty("TYPENAME"));
                let names: Vec<String> = names
                    .map(|text| text.split(',').map(str::to_string).collect())
                    .unwrap_or_default();
                self.describe(version, &names, kvp.non_empty("OUTPUTFORMAT"))
            }
            "getfeature" => match GetFeature::from_kvp(kvp, version, self.limits()) {
                Ok(get) => self.get_feature(get, &url, Some(query)).await,
                Err(err) => Err(err),
            },
            "liststoredqueries" if version == Version::V200 => Ok(xml_response(
                capabilities::list_stored_queries(&self.vectors.all()),
            )),
            "describestoredqueries" if version == Version::V200 => {
                self.describe_stored(kvp.non_empty("STOREDQUERY_ID"))
            }
            other => Err(OwsError::unsupported(other, OPERATIONS)),
        };
        result.unwrap_or_else(|err| err.report(version.report()))
    }

    async fn dispatch_xml(&self, request: &HttpRequest, body: &[u8]) -> HttpResponse {
        let root = match read_tree(body, self.limits()) {
            Ok(root) => root,
            Err(err) => {
                return OwsError::new(
                    "OperationParsingFailed",
                    "request",
                    format!("the request document is not acceptable XML: {err}"),
                )
                .report(Version::V200.report())
            }
        };
        let capabilities = root.name == "GetCapabilities";
        let accept = root.child("AcceptVersions").map(|list| {
            list.children
                .iter()
                .map(|v| v.text.trim())
                .collect::<Vec<_>>()
                .join(",")
        });
        let version = match Version::negotiate(root.attr("version"), accept.as_deref(), capabilities) {
            Ok(version) => version,
            Err(err) => return err.report(Version::V200.report()),
        };
        if let Some(service) = root.attr("service") {
            if !service.eq_ignore_ascii_case("WFS") {
                let err = OwsError::invalid("service", format!("service={service}: this endpoint is a WFS"));
                return err.report(version.report());
            }
        }
        let url = self.url(request);
        let result = match root.name.as_str() {
            "GetCapabilities" => Ok(self.capabilities(version, &url)),
            "DescribeFeatureType" => {
                let names: Vec<String> = root
                    .children
                    .iter()
                    .filter(|c| c.name == "TypeName")
                    .map(|c| c.text.trim().to_string())
                    .collect();
                self.describe(version, &names, root.attr("outputFormat"))
            }
            "GetFeature" => match GetFeature::from_xml(&root, version) {
                Ok(get) => self.get_feature(get, &url, None).await,
                Err(err) => Err(err),
            },
            "ListStoredQueries" => Ok(xml_response(capabilities::list_stored_queries(
                &self.vectors.all(),
            ))),
            "DescribeStoredQueries" => {
                let id = root
                    .child("StoredQueryId")
                    .map(|node| node.text.trim().to_string());
                self.describe_stored(id.as_deref())
            }
            other => Err(OwsError::unsupported(other, OPERATIONS)),
        };
        result.unwrap_or_else(|err| err.report(version.report()))
    }

    fn capabilities(&self, version: Version, url: &str) -> HttpResponse {
        let context = capabilities::Context {
            url,
            base: url.strip_suffix("/wfs").unwrap_or(url),
            max_count: self.config.limits.max_features_per_page,
        };
        let body = capabilities::document(version, &context, &self.vectors.all());
        HttpResponse::Ok()
            .content_type("application/xml; charset=utf-8")
            .insert_header(("Cache-Control", "public, max-age=60"))
            .body(body)
    }

    /// The collections named (all when none), or the exception naming the first unknown one.
    fn collections_named(
        &self,
        names: &[String],
        locator: &str,
    ) -> Result<Vec<std::sync::Arc<Collection>>, OwsError> {
        let all = self.vectors.all();
        if names.is_empty() {
            return Ok(all);
        }
        names
            .iter()
            .map(|name| {
                let wanted = local_name(name);
                all.iter()
                    .find(|c| type_name(c) == wanted)
                    .cloned()
                    .ok_or_else(|| OwsError::invalid(locator, format!("feature type {name} is not served")))
            })
            .collect()
    }

    fn describe(
        &self,
        version: Version,
        names: &[String],
        format: Option<&str>,
    ) -> Result<HttpResponse, OwsError> {
        let collections = self.collections_named(names, "TYPENAMES")?;
        let gml = match format.map(|f| OutputFormat::parse(f, version)) {
            None => match version {
                Version::V200 => Gml::V32,
                Version::V110 => Gml::V311,
            },
            Some(Some(OutputFormat::Gml32)) => Gml::V32,
            Some(Some(OutputFormat::Gml311)) => Gml::V311,
            Some(_) => {
                return Err(OwsError::invalid(
                    "OUTPUTFORMAT",
                    format!(
                        "OUTPUTFORMAT={}: schemas are given for GML 3.2 and 3.1.1",
                        format.unwrap_or_default()
                    ),
                ))
            }
        };
        let content_type = match gml {
            Gml::V32 => "application/gml+xml; version=3.2",
            Gml::V311 => "text/xml; subtype=gml/3.1.1",
        };
        Ok(HttpResponse::Ok()
            .content_type(content_type)
            .body(schema::document(gml, &collections)))
    }

    fn describe_stored(&self, id: Option<&str>) -> Result<HttpResponse, OwsError> {
        if let Some(id) = id {
            if id != params::GET_FEATURE_BY_ID {
                return Err(OwsError::invalid(
                    "STOREDQUERY_ID",
                    format!(
                        "stored query {id} does not exist (only {})",
                        params::GET_FEATURE_BY_ID
                    ),
                ));
            }
        }
        Ok(xml_response(capabilities::describe_stored_queries(
            &self.vectors.all(),
        )))
    }
}

fn xml_response(body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(body)
}

/// A feature asked for by identifier that no feature type holds (WFS 2.0 `NotFound`, 404).
fn not_found(id: &str) -> OwsError {
    OwsError::new("NotFound", "ID", format!("no feature has identifier {id}"))
        .with_status(StatusCode::NOT_FOUND)
}
