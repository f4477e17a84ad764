//! GetFeature: each query resolved to its collections with one filter each (the FES filter,
//! the box or the identifiers), names checked against the collections' properties, features
//! selected through the spatial index, sorted, paged across queries, and written in the
//! format asked for.

use std::cmp::Ordering;
use std::fmt::Write;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::HttpResponse;
use serde_json::Value;

use crate::ogc::common::OwsError;
use crate::raster::crs::{transform_bbox, transform_points, SERVED_EPSG};
use crate::vector::{
    compile_fes, Collection, Deadline, FesContext, FesError, Filter, SpatialOp, StoredFeature,
};

use super::output::{
    csv_header, csv_row, escape_into, geojson_feature, gml_feature, type_name, Gml, Shape, GEOMETRY,
    NAMESPACE, PREFIX,
};
use super::params::{GetFeature, OutputFormat, Query, SortKey, SrsName, Version};
use super::{not_found, shape, Wfs};

/// One collection to read, with what to read of it.
struct Target {
    collection: Arc<Collection>,
    filter: Filter,
    sort: Vec<SortKey>,
    properties: Option<Vec<String>>,
    srs: Option<SrsName>,
}

impl Wfs {
    /// Answers a GetFeature; `query` is the KVP query string the page links are made from.
    pub(super) async fn get_feature(
        &self,
        get: GetFeature,
        url: &str,
        query: Option<&str>,
    ) -> Result<HttpResponse, OwsError> {
        let max = self.config.limits.max_features_per_page as usize;
        let count = get.count.unwrap_or(max);
        if count > max {
            return Err(OwsError::invalid(
                "COUNT",
                format!("COUNT={count} is over the limit of {max} features per request (limits.max_features_per_page)"),
            ));
        }
        let targets = self.resolve(&get)?;
        let deadline = Deadline::after(self.config.server.request_timeout.0);
        let mut matched = 0usize;
        let mut page: Vec<(&Target, &StoredFeature)> = Vec::new();
        for target in &targets {
            let skip = get.start_index.saturating_sub(matched);
            let room = count.saturating_sub(page.len());
            let (total, features) = select(target, skip, if get.hits { 0 } else { room }, &deadline);
            matched += total;
            page.extend(features.into_iter().map(|feature| (target, feature)));
        }
        if deadline.expired() {
            return Err(OwsError::new(
                "OperationProcessingFailed",
                "FILTER",
                format!(
                    "the filter took longer than {} s (server.request_timeout); a BBOX or a spatial operator lets the index narrow it",
                    self.config.server.request_timeout.0.as_secs()
                ),
            ));
        }
        if get.by_id {
            let Some((target, feature)) = page.first() else {
                let id = get.queries[0]
                    .ids
                    .as_ref()
                    .and_then(|ids| ids.first())
                    .cloned()
                    .unwrap_or_default();
                return Err(not_found(&id));
            };
            // One feature alone in GML or GeoJSON; CSV and Shapefile are collections anyway.
            if !matches!(get.format, OutputFormat::Csv | OutputFormat::ShapeZip) {
                return Ok(bare_feature(&get, target, feature));
            }
        }
        let links = PageLinks {
            url,
            query,
            start: get.start_index,
            count,
            returned: page.len(),
            matched,
        };
        match get.format {
            OutputFormat::Gml32 | OutputFormat::Gml311 => {
                Ok(gml_collection(&get, &targets, &page, matched, &links))
            }
            OutputFormat::GeoJson => Ok(geojson_collection(&get, &page, matched, &links)),
            OutputFormat::Csv => Ok(csv(&page)),
            OutputFormat::ShapeZip => self.shapefile(&targets, &page).await,
        }
    }

    /// The collections of each query with their compiled filters.
    fn resolve(&self, get: &GetFeature) -> Result<Vec<Target>, OwsError> {
        let locator = match get.version {
            Version::V200 => "TYPENAMES",
            Version::V110 => "TYPENAME",
        };
        let mut targets = Vec::new();
        for query in &get.queries {
            let collections = if query.type_names.is_empty() {
                self.vectors.all()
            } else {
                self.collections_named(&query.type_names, locator)?
            };
            for collection in collections {
                targets.push(target(query, collection, !query.type_names.is_empty())?);
            }
        }
        Ok(targets)
    }

    async fn shapefile(
        &self,
        targets: &[Target],
        page: &[(&Target, &StoredFeature)],
    ) -> Result<HttpResponse, OwsError> {
        let Some(first) = targets.first() else {
            return Err(OwsError::missing("TYPENAMES"));
        };
        // GDAL writes to disk: on the blocking pool, with what it needs owned.
        let chosen: Vec<(Arc<Collection>, Vec<Box<str>>)> = targets
            .iter()
            .map(|target| {
                let fids = page
                    .iter()
                    .filter(|(t, _)| std::ptr::eq(*t, target))
                    .map(|(_, f)| f.fid.clone())
                    .collect();
                (target.collection.clone(), fids)
            })
            .collect();
        let (properties, srs) = (first.properties.clone(), first.srs.clone());
        let zipped = actix_web::web::block(move || {
            let layers: Vec<shape::Layer> = chosen
                .iter()
                .filter(|(_, fids)| !fids.is_empty())
                .map(|(collection, fids)| shape::Layer {
                    collection,
                    features: fids.iter().filter_map(|fid| collection.feature(fid)).collect(),
                })
                .collect();
            let shape = Shape {
                properties: properties.as_deref(),
                srs: srs.as_ref(),
            };
            shape::zipped(&layers, &shape)
        })
        .await
        .map_err(|err| OwsError::server(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, err.to_string()))?;
        let bytes = zipped.map_err(|message| {
            OwsError::server(
                actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("the Shapefile could not be written: {message}"),
            )
        })?;
        Ok(HttpResponse::Ok()
            .content_type("application/zip")
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"features.zip\"",
            ))
            .body(bytes))
    }
}

/// One collection of a query, its filter compiled in the collection's CRS, its names checked.
fn target(query: &Query, collection: Arc<Collection>, check_names: bool) -> Result<Target, OwsError> {
    let native = SrsName::urn(collection.srid.unwrap_or(4326));
    if let Some(srs) = &query.srs {
        if !SERVED_EPSG.contains(&srs.epsg) && Some(srs.epsg) != collection.srid {
            return Err(OwsError::invalid(
                "SRSNAME",
                format!("SRSNAME={}: not offered for {}", srs.text, type_name(&collection)),
            ));
        }
    }
    let default_srs = query.srs.clone().unwrap_or(native);
    let mut parts = Vec::new();
    if let Some(node) = &query.filter {
        let context = FesContext {
            default_srs: (default_srs.epsg, default_srs.lat_first),
            transform: transform_points,
        };
        parts.push(compile_fes(node, &context).map_err(filter_error)?);
    }
    if let Some((bbox, crs)) = &query.bbox {
        let crs = crs.as_ref().unwrap_or(&default_srs);
        let b = if crs.lat_first {
            [bbox[1], bbox[0], bbox[3], bbox[2]]
        } else {
            *bbox
        };
        if b[0] > b[2] || b[1] > b[3] {
            return Err(OwsError::invalid(
                "BBOX",
                "BBOX: the lower corner must come first (min x, min y, max x, max y in the CRS's axis order)",
            ));
        }
        let b84 = transform_bbox(crs.epsg, 4326, b).ok_or_else(|| {
            OwsError::invalid("BBOX", format!("BBOX can't be taken from {} to WGS84", crs.text))
        })?;
        let rect = geo::Rect::new(
            geo::coord! {x: b84[0], y: b84[1]},
            geo::coord! {x: b84[2], y: b84[3]},
        );
        parts.push(Filter::Spatial {
            op: SpatialOp::BBox,
            shape: geo::Geometry::Rect(rect),
            distance: 0.0,
        });
    }
    if let Some(ids) = &query.ids {
        parts.push(Filter::Ids(ids.clone()));
    }
    let filter = match parts.len() {
        0 => Filter::All,
        1 => parts.remove(0),
        _ => Filter::And(parts),
    };
    filter
        .check_size()
        .map_err(|message| OwsError::invalid("FILTER", message))?;
    if check_names {
        let known = |name: &str| name == GEOMETRY || collection.properties.iter().any(|p| p.name == name);
        let mut names = Vec::new();
        filter.property_names(&mut names);
        let checks = [
            ("FILTER", names.iter().map(|n| n.to_string()).collect::<Vec<_>>()),
            ("SORTBY", query.sort.iter().map(|k| k.property.clone()).collect()),
            ("PROPERTYNAME", query.properties.clone().unwrap_or_default()),
        ];
        for (locator, names) in checks {
            if let Some(unknown) = names.iter().find(|name| !known(name)) {
                let offered: Vec<&str> = collection.properties.iter().map(|p| p.name.as_str()).collect();
                return Err(OwsError::invalid(
                    locator,
                    format!(
                        "{unknown} is not a property of {} ({}, {GEOMETRY})",
                        type_name(&collection),
                        offered.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(Target {
        collection,
        filter,
        sort: query.sort.clone(),
        properties: query.properties.clone(),
        srs: query.srs.clone(),
    })
}

/// The number of features of `target` matching, and `limit` of them from `skip`.
fn select<'a>(
    target: &'a Target,
    skip: usize,
    limit: usize,
    deadline: &Deadline,
) -> (usize, Vec<&'a StoredFeature>) {
    let collection = &target.collection;
    if let Filter::Ids(ids) = &target.filter {
        let mut found: Vec<&StoredFeature> = Vec::new();
        for id in ids {
            if let Some(feature) = collection.feature(id) {
                if !found.iter().any(|f| std::ptr::eq(*f, feature)) {
                    found.push(feature);
                }
            }
        }
        let total = found.len();
        return (total, found.into_iter().skip(skip).take(limit).collect());
    }
    let hint = target.filter.bbox_hint();
    let test = |feature: &StoredFeature| deadline.alive() && target.filter.matches(feature);
    // A lone box is what the index already tests exactly.
    let keep: Option<&dyn Fn(&StoredFeature) -> bool> = match &target.filter {
        Filter::All => None,
        Filter::Spatial {
            op: SpatialOp::BBox,
            shape: geo::Geometry::Rect(_),
            ..
        } => None,
        _ => Some(&test),
    };
    if target.sort.is_empty() {
        let selection = collection.select(hint, keep, skip, limit);
        return (selection.matched, selection.features);
    }
    let all = collection.select(hint, keep, 0, usize::MAX).features;
    let total = all.len();
    let mut keyed: Vec<(Vec<Value>, &StoredFeature)> = all
        .into_iter()
        .map(|feature| {
            let properties = feature.properties();
            let keys = target
                .sort
                .iter()
                .map(|key| properties.get(&key.property).cloned().unwrap_or(Value::Null))
                .collect();
            (keys, feature)
        })
        .collect();
    keyed.sort_by(|a, b| {
        for (index, key) in target.sort.iter().enumerate() {
            let order = order_values(&a.0[index], &b.0[index]);
            let order = if key.descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    (
        total,
        keyed.into_iter().skip(skip).take(limit).map(|(_, f)| f).collect(),
    )
}

/// Sort order of two values: numbers numerically, text as text, absent values last.
fn order_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (x, y) => x.to_string().cmp(&y.to_string()),
    }
}

/// What the next and previous page links are made of.
struct PageLinks<'a> {
    url: &'a str,
    query: Option<&'a str>,
    start: usize,
    count: usize,
    returned: usize,
    matched: usize,
}

impl PageLinks<'_> {
    /// The request again from another start (KVP requests only).
    fn link(&self, start: usize) -> Option<String> {
        let query = self.query?;
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let upper = key.to_ascii_uppercase();
            if !matches!(upper.as_str(), "STARTINDEX" | "COUNT" | "MAXFEATURES") {
                out.append_pair(&key, &value);
            }
        }
        out.append_pair("STARTINDEX", &start.to_string());
        out.append_pair("COUNT", &self.count.to_string());
        Some(format!("{}?{}", self.url, out.finish()))
    }

    fn next(&self) -> Option<String> {
        (self.start + self.returned < self.matched && self.returned > 0)
            .then(|| self.link(self.start + self.returned))
            .flatten()
    }

    fn previous(&self) -> Option<String> {
        (self.start > 0)
            .then(|| self.link(self.start.saturating_sub(self.count)))
            .flatten()
    }
}

fn timestamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn shape_of(target: &Target) -> Shape<'_> {
    Shape {
        properties: target.properties.as_deref(),
        srs: target.srs.as_ref(),
    }
}

fn gml_of(get: &GetFeature) -> Gml {
    match get.format {
        OutputFormat::Gml311 => Gml::V311,
        _ => Gml::V32,
    }
}

/// A `wfs:FeatureCollection` of the page.
fn gml_collection(
    get: &GetFeature,
    targets: &[Target],
    page: &[(&Target, &StoredFeature)],
    matched: usize,
    links: &PageLinks,
) -> HttpResponse {
    let gml = gml_of(get);
    let mut types: Vec<String> = targets
        .iter()
        .map(|t| format!("{PREFIX}:{}", type_name(&t.collection)))
        .collect();
    types.dedup();
    let (wfs_namespace, wfs_schema, names_key) = match get.version {
        Version::V200 => (
            "http://www.opengis.net/wfs/2.0",
            "http://schemas.opengis.net/wfs/2.0/wfs.xsd",
            "TYPENAMES",
        ),
        Version::V110 => (
            "http://www.opengis.net/wfs",
            "http://schemas.opengis.net/wfs/1.1.0/wfs.xsd",
            "TYPENAME",
        ),
    };
    let describe = format!(
        "{}?SERVICE=WFS&VERSION={}&REQUEST=DescribeFeatureType&{names_key}={}&OUTPUTFORMAT={}",
        links.url,
        get.version.text(),
        types.join(","),
        url::form_urlencoded::byte_serialize(get.format.content_type().as_bytes()).collect::<String>()
    );
    let mut out = String::with_capacity(1024 + page.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:FeatureCollection");
    let _ = write!(
        out,
        " xmlns:wfs=\"{wfs_namespace}\" xmlns:gml=\"{}\" xmlns:{PREFIX}=\"{NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{wfs_namespace} {wfs_schema} {} {} {NAMESPACE} ",
        gml.namespace(),
        gml.namespace(),
        gml.schema()
    );
    escape_into(&mut out, &describe);
    let _ = write!(out, "\" timeStamp=\"{}\"", timestamp());
    match get.version {
        Version::V200 => {
            let returned = if get.hits { 0 } else { page.len() };
            let _ = write!(out, " numberMatched=\"{matched}\" numberReturned=\"{returned}\"");
            for (name, link) in [("next", links.next()), ("previous", links.previous())] {
                if let (Some(link), false) = (link, get.hits) {
                    let _ = write!(out, " {name}=\"");
                    escape_into(&mut out, &link);
                    out.push('"');
                }
            }
        }
        Version::V110 => {
            let number = if get.hits { matched } else { page.len() };
            let _ = write!(out, " numberOfFeatures=\"{number}\"");
        }
    }
    if get.hits || page.is_empty() {
        out.push_str("/>\n");
    } else {
        out.push_str(">\n");
        let (open, close) = match get.version {
            Version::V200 => ("<wfs:member>", "</wfs:member>\n"),
            Version::V110 => ("<gml:featureMember>", "</gml:featureMember>\n"),
        };
        for (target, feature) in page {
            out.push_str(open);
            gml_feature(&mut out, &target.collection, feature, &shape_of(target), "");
            out.push_str(close);
        }
        out.push_str("</wfs:FeatureCollection>\n");
    }
    HttpResponse::Ok()
        .content_type(get.format.content_type())
        .body(out)
}

/// A GeoJSON FeatureCollection of the page.
fn geojson_collection(
    get: &GetFeature,
    page: &[(&Target, &StoredFeature)],
    matched: usize,
    links: &PageLinks,
) -> HttpResponse {
    let mut out = String::with_capacity(256 + page.iter().map(|(_, f)| f.geojson().len() + 1).sum::<usize>());
    out.push_str("{\"type\":\"FeatureCollection\",\"features\":[");
    if !get.hits {
        for (index, (target, feature)) in page.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            geojson_feature(&mut out, feature, &shape_of(target));
        }
    }
    let returned = if get.hits { 0 } else { page.len() };
    let _ = write!(
        out,
        "],\"numberMatched\":{matched},\"numberReturned\":{returned},\"timeStamp\":\"{}\"",
        timestamp()
    );
    if let Some((target, _)) = page.first() {
        if let Some(srs) = &target.srs {
            let name = serde_json::json!({"type": "name", "properties": {"name": srs.text}});
            let _ = write!(out, ",\"crs\":{name}");
        }
    }
    let mut rels = Vec::new();
    if !get.hits {
        if let Some(next) = links.next() {
            rels.push(serde_json::json!({"rel": "next", "href": next, "type": "application/geo+json"}));
        }
        if let Some(previous) = links.previous() {
            rels.push(
                serde_json::json!({"rel": "previous", "href": previous, "type": "application/geo+json"}),
            );
        }
    }
    let _ = write!(out, ",\"links\":{}}}", Value::Array(rels));
    HttpResponse::Ok()
        .content_type(OutputFormat::GeoJson.content_type())
        .body(out)
}

/// CSV of the page: a header before each collection's rows.
fn csv(page: &[(&Target, &StoredFeature)]) -> HttpResponse {
    let mut out = String::new();
    let mut current: Option<*const Target> = None;
    for (target, feature) in page {
        if current != Some(*target as *const Target) {
            csv_header(&mut out, &target.collection, &shape_of(target));
            current = Some(*target as *const Target);
        }
        csv_row(&mut out, &target.collection, feature, &shape_of(target));
    }
    HttpResponse::Ok()
        .content_type(OutputFormat::Csv.content_type())
        .body(out)
}

/// GetFeatureById: the feature alone.
fn bare_feature(get: &GetFeature, target: &Target, feature: &StoredFeature) -> HttpResponse {
    let mut out = String::new();
    if get.format == OutputFormat::GeoJson {
        geojson_feature(&mut out, feature, &shape_of(target));
        return HttpResponse::Ok()
            .content_type(OutputFormat::GeoJson.content_type())
            .body(out);
    }
    let gml = gml_of(get);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let extra = format!(
        " xmlns:gml=\"{}\" xmlns:{PREFIX}=\"{NAMESPACE}\"",
        gml.namespace()
    );
    gml_feature(&mut out, &target.collection, feature, &shape_of(target), &extra);
    out.push('\n');
    HttpResponse::Ok()
        .content_type(get.format.content_type())
        .body(out)
}

/// A filter refused, as WFS reports it.
fn filter_error(err: FesError) -> OwsError {
    match err {
        FesError::Invalid(message) => OwsError::invalid("FILTER", message),
        FesError::NotOffered(message) => OwsError::new("OperationProcessingFailed", "FILTER", message),
    }
}
