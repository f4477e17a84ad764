//! OGC API – Features Part 1 (core, GeoJSON) under `/ogcapi`, beside the map tiles: every
//! vector collection (one per PCRS class per deliverable) with its items, paged with `limit`
//! and `offset`, filtered by `bbox` (CRS:84, exact geometry test) and `datetime` (on the PCRS
//! survey date `dateLeve`, [`SURVEY_DATE`], where the class has one), and each item by its
//! `gml:id`. Part 2: features in any CRS the collection lists (`crs`, in that CRS's axis order,
//! said by `Content-Crs`) and boxes in any of them (`bbox-crs`). Part 3: queryables and
//! CQL2 filters, text or JSON (`filtering`, `cql2`).

mod cql2;
mod filtering;
mod params;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::config::Config;
use crate::ogc::common::{html, metadata_link, ogcapi_base, ogcapi_link, resource, Problem};
use crate::vector::{Collection, StoredFeature, Vectors, SURVEY_DATE};

pub use params::{ApiCrs, ItemsQuery, CRS84};

use crate::raster::crs::{transform_bbox, transform_points, SERVED_EPSG};

/// Conformance classes of this part.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
];

/// The EPSG CRSs a collection's features may be asked in (Part 2): its stored one first, then
/// those the map services serve; CRS:84 besides.
pub(super) fn offered(collection: &Collection) -> Vec<u32> {
    let mut codes: Vec<u32> = collection.srid.into_iter().collect();
    codes.extend(SERVED_EPSG.iter().filter(|code| Some(**code) != collection.srid));
    codes
}

const GEOJSON: &str = "application/geo+json";

/// Registers the items routes inside the `/ogcapi` scope.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(resource("/collections/{collection}/items", "GET").route(web::get().to(items)))
        .service(resource("/collections/{collection}/items/{feature}", "GET").route(web::get().to(item)))
        .service(
            resource("/collections/{collection}/queryables", "GET")
                .route(web::get().to(filtering::queryables)),
        );
}

pub(super) fn base(config: &Config, request: &HttpRequest) -> String {
    ogcapi_base(request, &config.server.public_url)
}

/// The description of a vector collection, for `/collections` and `/collections/{id}`.
pub fn collection_json(base: &str, collection: &Collection) -> Value {
    let here = format!("{base}/collections/{}", collection.id);
    let mut value = json!({
        "id": collection.id,
        "title": collection.title,
        "description": format!("{} features of class {}", collection.len(), collection.class),
        "itemType": "feature",
        "crs": std::iter::once(CRS84.to_string())
            .chain(offered(collection).into_iter().map(params::epsg_uri))
            .collect::<Vec<_>>(),
        "links": [
            ogcapi_link("self", here.clone(), "application/json", &collection.title),
            ogcapi_link("items", format!("{here}/items"), GEOJSON, "the features (GeoJSON)"),
            ogcapi_link(
                filtering::QUERYABLES_REL,
                format!("{here}/queryables"),
                "application/schema+json",
                "what filters may name"
            ),
            metadata_link(base, collection.livrable_slug()),
        ],
    });
    if let Some(srid) = collection.srid {
        value["storageCrs"] = json!(format!("http://www.opengis.net/def/crs/EPSG/0/{srid}"));
    }
    if let Some(b) = collection.extent84 {
        value["extent"] = json!({"spatial": {"bbox": [b], "crs": CRS84}});
    }
    value
}

pub(super) fn collection_of(vectors: &Vectors, id: &str) -> Result<std::sync::Arc<Collection>, Problem> {
    vectors
        .get(id)
        .ok_or_else(|| Problem::not_found(format!("collection {id} does not exist or holds no features")))
}

/// Whether a feature's survey date falls in the interval (features without one are kept only
/// by an interval open at both ends).
fn in_interval(feature: &StoredFeature, interval: &(Option<String>, Option<String>)) -> bool {
    let Some(date) = feature.survey_date.as_deref() else {
        return interval.0.is_none() && interval.1.is_none();
    };
    let date = date.get(..10).unwrap_or(date);
    interval.0.as_deref().is_none_or(|start| date >= start)
        && interval.1.as_deref().is_none_or(|end| date <= end)
}

async fn items(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let collection = collection_of(&vectors, &path.into_inner())?;
    let query = ItemsQuery::parse(
        request.query_string(),
        config.limits.max_features_per_page as usize,
    )?;
    let temporal = collection.properties.iter().any(|p| p.name == SURVEY_DATE);
    let interval = query.datetime.clone().filter(|_| temporal);
    let in_dates = |feature: &StoredFeature| {
        interval
            .as_ref()
            .is_none_or(|interval| in_interval(feature, interval))
    };
    let filter = filtering::compile(&query, &collection, config.limits.max_xml_depth as usize)?;
    let deadline = crate::vector::Deadline::after(config.server.request_timeout.0);
    let test = |feature: &StoredFeature| {
        in_dates(feature)
            && filter
                .as_ref()
                .is_none_or(|filter| deadline.alive() && filter.matches(feature))
    };
    let keep: Option<&dyn Fn(&StoredFeature) -> bool> =
        (interval.is_some() || filter.is_some()).then_some(&test);
    let codes = offered(&collection);
    let out_crs = match &query.crs {
        Some(text) => ApiCrs::parse("crs", text, &codes)?,
        None => ApiCrs {
            epsg: None,
            lat_first: false,
        },
    };
    let bbox84 = match (query.bbox, &query.bbox_crs) {
        (Some(bbox), Some(text)) => {
            let crs = ApiCrs::parse("bbox-crs", text, &codes)?;
            match crs.epsg {
                None => Some(bbox),
                Some(epsg) => {
                    let b = if crs.lat_first {
                        [bbox[1], bbox[0], bbox[3], bbox[2]]
                    } else {
                        bbox
                    };
                    // A box reaching past any coordinate of the CRS (which PROJ is not asked to
                    // take) covers all of it: the whole world.
                    let boundless = b.iter().any(|v| v.abs() > 1e9);
                    Some(match transform_bbox(epsg, 4326, b) {
                        Some(b84) => b84,
                        None if boundless => [-180.0, -90.0, 180.0, 90.0],
                        None => {
                            return Err(Problem::bad_request(format!(
                                "bbox can't be taken from EPSG:{epsg} to CRS:84"
                            )))
                        }
                    })
                }
            }
        }
        (bbox, _) => bbox,
    };
    // A filter that needs the geometry near a shape lets the spatial index pick candidates.
    let hint = bbox84.or_else(|| filter.as_ref().and_then(crate::vector::Filter::bbox_hint));
    let selection = collection.select(hint, keep, query.offset, query.limit);
    if deadline.expired() {
        return Err(Problem::bad_request(format!(
            "parameter filter is too costly: it took longer than {} s (server.request_timeout); a bbox or a spatial function lets the index narrow it",
            config.server.request_timeout.0.as_secs()
        )));
    }
    let here = format!("{}/collections/{}/items", base(&config, &request), collection.id);
    let page_link = |rel: &str, offset: usize, title: &str| {
        ogcapi_link(
            rel,
            format!("{here}?{}", page_query(&query, offset)),
            GEOJSON,
            title,
        )
    };
    let mut links = vec![
        page_link("self", query.offset, "this page"),
        ogcapi_link(
            "collection",
            here.trim_end_matches("/items").to_string(),
            "application/json",
            &collection.title,
        ),
        ogcapi_link(
            filtering::QUERYABLES_REL,
            format!(
                "{}/collections/{}/queryables",
                base(&config, &request),
                collection.id
            ),
            "application/schema+json",
            "what filters may name",
        ),
    ];
    if query.offset + selection.features.len() < selection.matched {
        links.push(page_link(
            "next",
            query.offset + selection.features.len(),
            "next page",
        ));
    }
    if query.offset > 0 {
        links.push(page_link(
            "prev",
            query.offset.saturating_sub(query.limit),
            "previous page",
        ));
    }
    links.push(ogcapi_link(
        "alternate",
        html::html_href(&format!("{here}?{}", page_query(&query, query.offset))),
        "text/html",
        "this page in HTML",
    ));
    if html::wants_html(&request) {
        return Ok(items_page(&collection, &selection, &links));
    }
    let mut body = String::with_capacity(
        64 + selection
            .features
            .iter()
            .map(|f| f.geojson().len() + 1)
            .sum::<usize>(),
    );
    body.push_str("{\"type\":\"FeatureCollection\",\"features\":[");
    for (index, feature) in selection.features.iter().enumerate() {
        if index > 0 {
            body.push(',');
        }
        write_feature(&mut body, feature, out_crs);
    }
    body.push_str("],");
    let header = link_header(&links);
    let tail = json!({
        "numberMatched": selection.matched,
        "numberReturned": selection.features.len(),
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
    });
    let tail = tail.to_string();
    body.push_str(&tail[1..]);
    let mut response = geojson_response(body, out_crs);
    if let Ok(value) = header::HeaderValue::from_str(&header) {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// The links of a page as an HTTP `Link` header (RFC 8288), for clients that read links there.
fn link_header(links: &[Value]) -> String {
    links
        .iter()
        .map(|link| {
            format!(
                "<{}>; rel=\"{}\"; type=\"{}\"",
                link["href"].as_str().unwrap_or_default(),
                link["rel"].as_str().unwrap_or_default(),
                link["type"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A feature as GeoJSON in `crs`: as stored for CRS:84, else reprojected, in the CRS's axis
/// order (Part 2), z kept.
fn write_feature(out: &mut String, feature: &StoredFeature, crs: ApiCrs) {
    let Some(epsg) = crs.epsg else {
        out.push_str(feature.geojson());
        return;
    };
    out.push_str("{\"type\":\"Feature\",\"id\":");
    out.push_str(&Value::String(feature.fid.to_string()).to_string());
    out.push_str(",\"geometry\":");
    feature.write_geojson_in(out, epsg, crs.lat_first, transform_points);
    out.push_str(",\"properties\":");
    out.push_str(feature.properties_json());
    out.push('}');
}

/// The query of a page link: the request's filters and limit, another offset.
fn page_query(query: &ItemsQuery, offset: usize) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("limit", &query.limit.to_string());
    out.append_pair("offset", &offset.to_string());
    if let Some(b) = query.bbox {
        out.append_pair("bbox", &format!("{},{},{},{}", b[0], b[1], b[2], b[3]));
    }
    if let Some(datetime) = &query.datetime_text {
        out.append_pair("datetime", datetime);
    }
    if let Some(crs) = &query.crs {
        out.append_pair("crs", crs);
    }
    if let Some(crs) = &query.bbox_crs {
        out.append_pair("bbox-crs", crs);
    }
    if let Some(filter) = &query.filter {
        out.append_pair("filter", filter);
        out.append_pair(
            "filter-lang",
            if query.filter_json {
                "cql2-json"
            } else {
                "cql2-text"
            },
        );
    }
    if let Some(crs) = &query.filter_crs {
        out.append_pair("filter-crs", crs);
    }
    out.finish()
}

fn geojson_response(body: String, crs: ApiCrs) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(GEOJSON)
        .insert_header(("Content-Crs", format!("<{}>", crs.uri())))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(body)
}

async fn item(
    config: web::Data<Config>,
    vectors: web::Data<Vectors>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (collection_id, fid) = path.into_inner();
    let collection = collection_of(&vectors, &collection_id)?;
    // Only `f` and `crs` are taken here.
    let mut out_crs = ApiCrs {
        epsg: None,
        lat_first: false,
    };
    for (key, value) in url::form_urlencoded::parse(request.query_string().as_bytes()) {
        match (key.as_ref(), value.as_ref()) {
            ("f", "json" | "geojson" | "html") => {}
            ("crs", text) => out_crs = ApiCrs::parse("crs", text, &offered(&collection))?,
            ("f", other) => {
                return Err(Problem::bad_request(format!(
                    "parameter f={other:?} is invalid: expected json"
                )))
            }
            (other, _) => {
                return Err(Problem::bad_request(format!(
                    "unknown query parameter {other:?}; this resource takes f and crs"
                )))
            }
        }
    }
    let feature = collection.feature(&fid).ok_or_else(|| {
        Problem::not_found(format!(
            "feature {fid} does not exist in collection {collection_id}"
        ))
    })?;
    let here = format!("{}/collections/{}", base(&config, &request), collection.id);
    let links = json!([
        ogcapi_link("self", format!("{here}/items/{fid}"), GEOJSON, "this feature"),
        ogcapi_link(
            "alternate",
            html::html_href(&format!("{here}/items/{fid}")),
            "text/html",
            "this feature in HTML"
        ),
        ogcapi_link("collection", here, "application/json", &collection.title),
    ]);
    if html::wants_html(&request) {
        return Ok(item_page(&collection, feature, &links));
    }
    // The GeoJSON ends with `}`: the links go just before it.
    let mut written = String::new();
    write_feature(&mut written, feature, out_crs);
    let body = format!("{},\"links\":{links}}}", &written[..written.len() - 1]);
    Ok(geojson_response(body, out_crs))
}

/// A page of items for a browser: its counts, its links, a table of its features.
fn items_page(
    collection: &Collection,
    selection: &crate::vector::Selection,
    links: &[Value],
) -> HttpResponse {
    let mut body = format!(
        "<p>{} of {} features.</p><p>",
        selection.features.len(),
        selection.matched
    );
    for link in links
        .iter()
        .filter(|l| matches!(l["rel"].as_str(), Some("prev" | "next" | "collection")))
    {
        body.push_str(&html::view(link));
        body.push(' ');
    }
    body.push_str("</p><table><tr><th>id</th>");
    for property in &collection.properties {
        body.push_str(&format!("<th>{}</th>", html::escape(&property.name)));
    }
    body.push_str("<th>geometry</th></tr>");
    let here = links
        .iter()
        .find(|l| l["rel"] == "collection")
        .and_then(|l| l["href"].as_str())
        .unwrap_or_default();
    for feature in &selection.features {
        let href = format!("{here}/items/{}", feature.fid);
        body.push_str(&format!("<tr><td>{}</td>", html::link(&href, &feature.fid)));
        let properties = feature.properties();
        for property in &collection.properties {
            let shown = match properties.get(&property.name) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(other) => other.to_string(),
            };
            body.push_str(&format!("<td>{}</td>", html::escape(&shown)));
        }
        let kind = feature
            .geometry()
            .map_or("", |(geometry, _)| geometry.kind().geojson_type());
        body.push_str(&format!("<td>{kind}</td></tr>"));
    }
    body.push_str("</table>");
    let json = links
        .iter()
        .find(|l| l["rel"] == "self")
        .and_then(|l| l["href"].as_str())
        .unwrap_or_default();
    html::page(&collection.title, &body, &format!("{json}&f=json"))
}

/// One feature for a browser: its properties and its geometry.
fn item_page(collection: &Collection, feature: &StoredFeature, links: &Value) -> HttpResponse {
    let mut body = html::view(&Value::Object(feature.properties()));
    body.push_str(&format!(
        "<h2>geometry</h2><pre>{}</pre><h2>links</h2>{}",
        html::escape(feature.geometry_json()),
        html::view(links)
    ));
    let json = links[0]["href"].as_str().unwrap_or_default();
    html::page(
        &format!("{} — {}", collection.title, feature.fid),
        &body,
        &format!("{json}?f=json"),
    )
}
