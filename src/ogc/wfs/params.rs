//! What a WFS request asks for, read from KVP or from a POSTed XML document into one model:
//! the version, the output format, the CRS with its axis order, and the queries of a
//! GetFeature with their filters, sorting, properties and paging.

use crate::ogc::common::{parse_bbox, Kvp, OwsError, Report};
use crate::vector::{local_name, Node, SrsAxis};

/// The stored query every WFS 2.0 offers.
pub const GET_FEATURE_BY_ID: &str = "urn:ogc:def:query:OGC-WFS::GetFeatureById";

/// A WFS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 2.0.0: GML 3.2, FES 2.0, OWS 1.1.
    V200,
    /// 1.1.0: GML 3.1.1, Filter 1.1, OWS 1.0.
    V110,
}

impl Version {
    /// The version as written.
    pub fn text(self) -> &'static str {
        match self {
            Version::V200 => "2.0.0",
            Version::V110 => "1.1.0",
        }
    }

    /// The exception report of this version.
    pub fn report(self) -> Report {
        match self {
            Version::V200 => Report::Ows11("2.0.0"),
            Version::V110 => Report::Ows10("1.1.0"),
        }
    }

    fn parse(text: &str) -> Option<Version> {
        match text.trim() {
            "2.0.0" | "2.0.2" | "2.0" => Some(Version::V200),
            "1.1.0" | "1.1" => Some(Version::V110),
            _ => None,
        }
    }

    /// The version of a request: `VERSION`, else the first of `ACCEPTVERSIONS` offered, else
    /// 2.0.0. A version not offered is an error for every request but GetCapabilities, which
    /// answers with the highest.
    pub fn negotiate(
        version: Option<&str>,
        accept: Option<&str>,
        capabilities: bool,
    ) -> Result<Version, OwsError> {
        if let Some(text) = version {
            return match (Version::parse(text), capabilities) {
                (Some(version), _) => Ok(version),
                (None, true) => Ok(Version::V200),
                (None, false) => Err(OwsError::invalid(
                    "VERSION",
                    format!("VERSION={text} is not offered (2.0.0, 1.1.0)"),
                )),
            };
        }
        if let Some(list) = accept {
            return list.split(',').find_map(Version::parse).ok_or_else(|| {
                OwsError::new(
                    "VersionNegotiationFailed",
                    "AcceptVersions",
                    format!("none of {list} is offered (2.0.0, 1.1.0)"),
                )
            });
        }
        Ok(Version::V200)
    }
}

/// An output format of GetFeature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// GML 3.2 (WFS 2.0's default).
    Gml32,
    /// GML 3.1.1 (WFS 1.1's default).
    Gml311,
    /// GeoJSON.
    GeoJson,
    /// CSV with the geometry as WKT.
    Csv,
    /// A zipped Shapefile.
    ShapeZip,
}

impl OutputFormat {
    /// The names offered in capabilities for `version`, the first the default.
    pub fn offered(version: Version) -> &'static [&'static str] {
        match version {
            Version::V200 => &[
                "application/gml+xml; version=3.2",
                "text/xml; subtype=gml/3.2",
                "text/xml; subtype=gml/3.1.1",
                "application/json",
                "text/csv",
                "application/zip",
            ],
            Version::V110 => &[
                "text/xml; subtype=gml/3.1.1",
                "application/gml+xml; version=3.2",
                "application/json",
                "text/csv",
                "application/zip",
            ],
        }
    }

    /// Reads a format name (spaces, case and a `+` decoded as a space do not matter).
    pub fn parse(text: &str, version: Version) -> Option<OutputFormat> {
        let name: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '+' && *c != '"')
            .collect::<String>()
            .to_ascii_lowercase();
        Some(match name.as_str() {
            "application/gmlxml;version=3.2"
            | "text/xml;subtype=gml/3.2"
            | "text/xml;subtype=gml/3.2.1"
            | "gml32"
            | "application/gmlxml;version=3.2.1" => OutputFormat::Gml32,
            "text/xml;subtype=gml/3.1.1" | "application/gmlxml;version=3.1" | "gml3" | "gml311" => {
                OutputFormat::Gml311
            }
            "text/xml" | "application/gmlxml" | "application/xml" => match version {
                Version::V200 => OutputFormat::Gml32,
                Version::V110 => OutputFormat::Gml311,
            },
            "application/json"
            | "json"
            | "geojson"
            | "application/geojson"
            | "application/geo+json"
            | "application/geojson;" => OutputFormat::GeoJson,
            "text/csv" | "csv" => OutputFormat::Csv,
            "application/zip" | "shape-zip" | "shapezip" | "application/x-zipped-shp" => {
                OutputFormat::ShapeZip
            }
            _ => return None,
        })
    }

    /// The default of `version`.
    pub fn default_for(version: Version) -> OutputFormat {
        match version {
            Version::V200 => OutputFormat::Gml32,
            Version::V110 => OutputFormat::Gml311,
        }
    }

    /// The response's content type.
    pub fn content_type(self) -> &'static str {
        match self {
            OutputFormat::Gml32 => "application/gml+xml; version=3.2",
            OutputFormat::Gml311 => "text/xml; subtype=gml/3.1.1",
            OutputFormat::GeoJson => "application/geo+json",
            OutputFormat::Csv => "text/csv; charset=utf-8",
            OutputFormat::ShapeZip => "application/zip",
        }
    }
}

/// A CRS as a request named it: its EPSG code and whether coordinates come latitude first
/// (EPSG:4326 named by URN or URI; `EPSG:4326` and `CRS:84` are longitude first, as clients
/// expect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrsName {
    /// EPSG code.
    pub epsg: u32,
    /// Whether the first coordinate is the latitude.
    pub lat_first: bool,
    /// The name as the request wrote it (written back in the answer).
    pub text: String,
}

impl SrsName {
    /// Reads a CRS name.
    pub fn parse(text: &str) -> Option<SrsName> {
        let axis = SrsAxis::parse(text)?;
        Some(SrsName {
            epsg: axis.epsg,
            lat_first: axis.lat_first,
            text: text.trim().to_string(),
        })
    }

    /// The URN of an EPSG code, as capabilities and answers name it by default.
    pub fn urn(epsg: u32) -> SrsName {
        SrsName {
            epsg,
            lat_first: epsg == 4326,
            text: format!("urn:ogc:def:crs:EPSG::{epsg}"),
        }
    }
}

/// A sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// Property name (prefix dropped).
    pub property: String,
    /// Descending.
    pub descending: bool,
}

/// One query of a GetFeature.
#[derive(Debug, Clone)]
pub struct Query {
    /// Feature type names as given.
    pub type_names: Vec<String>,
    /// An FES / Filter encoding filter, as a tree.
    pub filter: Option<Node>,
    /// A box with its CRS, if given.
    pub bbox: Option<([f64; 4], Option<SrsName>)>,
    /// Feature identifiers asked for.
    pub ids: Option<Vec<String>>,
    /// Sort keys.
    pub sort: Vec<SortKey>,
    /// Properties asked for (prefixes dropped); all when none.
    pub properties: Option<Vec<String>>,
    /// CRS of the answer.
    pub srs: Option<SrsName>,
}

/// A GetFeature request.
#[derive(Debug, Clone)]
pub struct GetFeature {
    /// The version.
    pub version: Version,
    /// The queries.
    pub queries: Vec<Query>,
    /// Features skipped.
    pub start_index: usize,
    /// Most features returned.
    pub count: Option<usize>,
    /// Only the number matched.
    pub hits: bool,
    /// Output format.
    pub format: OutputFormat,
    /// GetFeatureById: one bare feature, or NotFound.
    pub by_id: bool,
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Reads `SORTBY` (`a ASC,b DESC`, also `a A`, `b D`, `a+DESC`).
fn sort_keys(text: &str) -> Result<Vec<SortKey>, OwsError> {
    list(text)
        .iter()
        .map(|item| {
            let mut words = item.split([' ', '+']).filter(|w| !w.is_empty());
            let property = local_name(words.next().unwrap_or_default()).to_string();
            let descending = match words.next().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASC") | Some("A") => false,
                Some("DESC") | Some("D") => true,
                Some(other) => {
                    return Err(OwsError::invalid(
                        "SORTBY",
                        format!("SORTBY: {other} is neither ASC nor DESC"),
                    ))
                }
            };
            Ok(SortKey { property, descending })
        })
        .collect()
}

fn whole(kvp: &Kvp, name: &str) -> Result<Option<usize>, OwsError> {
    kvp.non_empty(name)
        .map(|text| {
            text.parse::<usize>()
                .map_err(|_| OwsError::invalid(name, format!("{name}={text} is not a whole number")))
        })
        .transpose()
}

fn srs_param(text: Option<&str>, locator: &str) -> Result<Option<SrsName>, OwsError> {
    text.map(|text| {
        SrsName::parse(text)
            .ok_or_else(|| OwsError::invalid(locator, format!("{locator}={text}: unknown CRS")))
    })
    .transpose()
}

/// Parses an XML filter given in KVP.
fn filter_tree(text: &str, limits: crate::vector::XmlLimits) -> Result<Node, OwsError> {
    crate::vector::read_tree(text.as_bytes(), limits)
        .map_err(|err| OwsError::invalid("FILTER", format!("FILTER is not acceptable XML: {err}")))
}

impl GetFeature {
    /// Reads a KVP GetFeature.
    pub fn from_kvp(
        kvp: &Kvp,
        version: Version,
        limits: crate::vector::XmlLimits,
    ) -> Result<GetFeature, OwsError> {
        let format = match kvp.non_empty("OUTPUTFORMAT") {
            None => OutputFormat::default_for(version),
            Some(text) => OutputFormat::parse(text, version).ok_or_else(|| {
                OwsError::invalid(
                    "OUTPUTFORMAT",
                    format!(
                        "OUTPUTFORMAT={text} is not offered ({})",
                        OutputFormat::offered(version).join(", ")
                    ),
                )
            })?,
        };
        let hits = match kvp
            .non_empty("RESULTTYPE")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("results") => false,
            Some("hits") => true,
            Some(other) => {
                return Err(OwsError::invalid(
                    "RESULTTYPE",
                    format!("RESULTTYPE={other}: expected results or hits"),
                ))
            }
        };
        let count = match whole(kvp, "COUNT")? {
            Some(count) => Some(count),
            None => whole(kvp, "MAXFEATURES")?,
        };
        let start_index = whole(kvp, "STARTINDEX")?.unwrap_or(0);
        let srs = srs_param(kvp.non_empty("SRSNAME"), "SRSNAME")?;
        let properties = kvp.non_empty("PROPERTYNAME").map(|text| {
            list(text.trim_matches(|c| c == '(' || c == ')'))
                .iter()
                .map(|p| local_name(p).to_string())
                .collect()
        });
        let sort = kvp
            .non_empty("SORTBY")
            .map(sort_keys)
            .transpose()?
            .unwrap_or_default();
        if let Some(id) = kvp.non_empty("STOREDQUERY_ID") {
            if id != GET_FEATURE_BY_ID {
                return Err(OwsError::invalid(
                    "STOREDQUERY_ID",
                    format!("stored query {id} does not exist (only {GET_FEATURE_BY_ID})"),
                ));
            }
            let wanted = kvp.required("ID")?;
            return Ok(GetFeature {
                version,
                queries: vec![Query {
                    type_names: Vec::new(),
                    filter: None,
                    bbox: None,
                    ids: Some(vec![wanted.to_string()]),
                    sort: Vec::new(),
                    properties,
                    srs,
                }],
                start_index: 0,
                count: Some(1),
                hits: false,
                format,
                by_id: true,
            });
        }
        let ids = kvp
            .non_empty("RESOURCEID")
            .or_else(|| kvp.non_empty("FEATUREID"))
            .map(list);
        let type_text = kvp.non_empty("TYPENAMES").or_else(|| kvp.non_empty("TYPENAME"));
        let type_names: Vec<String> = match type_text {
            Some(text) => list(text.trim_matches(|c| c == '(' || c == ')')),
            None if ids.is_some() => Vec::new(),
            None => return Err(OwsError::missing("TYPENAMES")),
        };
        let given = [
            kvp.non_empty("FILTER"),
            kvp.non_empty("BBOX"),
            ids.as_ref().map(|_| ""),
        ];
        if given.iter().flatten().count() > 1 {
            return Err(OwsError::invalid(
                "FILTER",
                "FILTER, BBOX and RESOURCEID are mutually exclusive",
            ));
        }
        if let Some(language) = kvp.non_empty("FILTER_LANGUAGE") {
            if !language.contains("fes") && !language.contains("filter") && !language.contains("FES") {
                return Err(OwsError::invalid(
                    "FILTER_LANGUAGE",
                    format!("FILTER_LANGUAGE={language}: only the filter encoding is read"),
                ));
            }
        }
        let bbox = match kvp.non_empty("BBOX") {
            None => None,
            Some(text) => {
                let (numbers, crs) = match text.splitn(5, ',').collect::<Vec<_>>().as_slice() {
                    [a, b, c, d, crs] => (format!("{a},{b},{c},{d}"), Some(*crs)),
                    _ => (text.to_string(), None),
                };
                let bbox = parse_bbox(&numbers).ok_or_else(|| {
                    OwsError::invalid("BBOX", format!("BBOX={text} must be four numbers and a CRS"))
                })?;
                Some((bbox, srs_param(crs, "BBOX")?))
            }
        };
        let filter = kvp
            .non_empty("FILTER")
            .map(|text| filter_tree(text, limits))
            .transpose()?;
        Ok(GetFeature {
            version,
            queries: vec![Query {
                type_names,
                filter,
                bbox,
                ids,
                sort,
                properties,
                srs,
            }],
            start_index,
            count,
            hits,
            format,
            by_id: false,
        })
    }

    /// Reads a `wfs:GetFeature` document.
    pub fn from_xml(root: &Node, version: Version) -> Result<GetFeature, OwsError> {
        let attr_whole = |name: &str| -> Result<Option<usize>, OwsError> {
            root.attr(name)
                .map(|text| {
                    text.trim()
                        .parse::<usize>()
                        .map_err(|_| OwsError::invalid(name, format!("{name}={text} is not a whole number")))
                })
                .transpose()
        };
        let format = match root.attr("outputFormat") {
            None => OutputFormat::default_for(version),
            Some(text) => OutputFormat::parse(text, version).ok_or_else(|| {
                OwsError::invalid("outputFormat", format!("outputFormat={text} is not offered"))
            })?,
        };
        let hits = root
            .attr("resultType")
            .is_some_and(|t| t.eq_ignore_ascii_case("hits"));
        let count = match attr_whole("count")? {
            Some(count) => Some(count),
            None => attr_whole("maxFeatures")?,
        };
        let start_index = attr_whole("startIndex")?.unwrap_or(0);
        let mut queries = Vec::new();
        let mut by_id = false;
        for child in &root.children {
            match child.name.as_str() {
                "Query" => queries.push(xml_query(child)?),
                "StoredQuery" => {
                    let id = child.attr("id").unwrap_or_default();
                    if id != GET_FEATURE_BY_ID {
                        return Err(OwsError::invalid(
                            "StoredQuery",
                            format!("stored query {id} does not exist (only {GET_FEATURE_BY_ID})"),
                        ));
                    }
                    let wanted = child
                        .children
                        .iter()
                        .find(|p| {
                            p.name == "Parameter"
                                && p.attr("name").is_some_and(|n| n.eq_ignore_ascii_case("ID"))
                        })
                        .map(|p| p.text.trim().to_string())
                        .ok_or_else(|| OwsError::missing("ID"))?;
                    by_id = true;
                    queries.push(Query {
                        type_names: Vec::new(),
                        filter: None,
                        bbox: None,
                        ids: Some(vec![wanted]),
                        sort: Vec::new(),
                        properties: None,
                        srs: None,
                    });
                }
                _ => {}
            }
        }
        if queries.is_empty() {
            return Err(OwsError::missing("Query"));
        }
        Ok(GetFeature {
            version,
            queries,
            start_index,
            count: if by_id { Some(1) } else { count },
            hits,
            format,
            by_id,
        })
    }
}

/// A `wfs:Query` element.
fn xml_query(node: &Node) -> Result<Query, OwsError> {
    let type_text = node
        .attr("typeNames")
        .or_else(|| node.attr("typeName"))
        .ok_or_else(|| OwsError::missing("typeNames"))?;
    let type_names = type_text
        .split([',', ' '])
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let srs = srs_param(node.attr("srsName"), "srsName")?;
    let mut properties: Vec<String> = Vec::new();
    let mut sort = Vec::new();
    let mut filter = None;
    for child in &node.children {
        match child.name.as_str() {
            "PropertyName" | "ValueReference" => properties.push(local_name(&child.text).to_string()),
            "Filter" => filter = Some(child.clone()),
            "SortBy" => {
                for property in child.children.iter().filter(|c| c.name == "SortProperty") {
                    let name = property
                        .children
                        .iter()
                        .find(|c| c.name == "ValueReference" || c.name == "PropertyName")
                        .map(|c| local_name(&c.text).to_string())
                        .unwrap_or_default();
                    let order = property
                        .child("SortOrder")
                        .map(|c| c.text.trim().to_ascii_uppercase());
                    sort.push(SortKey {
                        property: name,
                        descending: matches!(order.as_deref(), Some("DESC") | Some("D")),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(Query {
        type_names,
        filter,
        bbox: None,
        ids: None,
        sort,
        properties: (!properties.is_empty()).then_some(properties),
        srs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_formats_and_crs_names_are_read_as_clients_send_them() {
        assert_eq!(
            Version::negotiate(Some("1.1.0"), None, false).unwrap(),
            Version::V110
        );
        assert_eq!(
            Version::negotiate(None, Some("3.0.0,1.1.0"), true).unwrap(),
            Version::V110
        );
        assert_eq!(
            Version::negotiate(None, Some("3.0.0"), true).unwrap_err().code,
            Some("VersionNegotiationFailed")
        );
        assert_eq!(
            Version::negotiate(Some("9"), None, false)
                .unwrap_err()
                .locator
                .as_deref(),
            Some("VERSION")
        );
        // `+` decoded as a space by the query string.
        assert_eq!(
            OutputFormat::parse("application/gml xml; version=3.2", Version::V200),
            Some(OutputFormat::Gml32)
        );
        assert_eq!(
            OutputFormat::parse("GML3", Version::V110),
            Some(OutputFormat::Gml311)
        );
        assert_eq!(
            OutputFormat::parse("application/json", Version::V110),
            Some(OutputFormat::GeoJson)
        );
        assert_eq!(OutputFormat::parse("image/png", Version::V200), None);
        assert!(SrsName::parse("urn:ogc:def:crs:EPSG::4326").unwrap().lat_first);
        assert!(!SrsName::parse("EPSG:4326").unwrap().lat_first);
        assert!(
            !SrsName::parse("http://www.opengis.net/def/crs/EPSG/0/3946")
                .unwrap()
                .lat_first
        );
        assert_eq!(local_name("dallage:lyon-Facade/dallage:idFacade"), "idFacade");
        let keys = sort_keys("a DESC,dallage:b,c A").unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| (k.property.as_str(), k.descending))
                .collect::<Vec<_>>(),
            [("a", true), ("b", false), ("c", false)]
        );
        assert!(sort_keys("a SIDEWAYS").is_err());
    }
}
