//! The query parameters of an items request, checked: every parameter the API definition does
//! not name is refused (OGC API Features Part 1, `/req/core/query-param-unknown`), and every
//! value that does not parse says which parameter is wrong.

use crate::ogc::common::Problem;

/// The CRS:84 URI, Part 1's CRS and the default of Part 2.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// A CRS of Part 2: its EPSG code (none for CRS:84, the stored CRS:84 answers) and whether its
/// coordinates are latitude first (EPSG:4326's axis order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiCrs {
    /// EPSG code; `None` for CRS:84.
    pub epsg: Option<u32>,
    /// Latitude first.
    pub lat_first: bool,
}

/// The URI of an EPSG CRS.
pub fn epsg_uri(epsg: u32) -> String {
    format!("http://www.opengis.net/def/crs/EPSG/0/{epsg}")
}

impl ApiCrs {
    /// Reads a CRS URI among `offered` (EPSG codes), else the problem naming `parameter` and
    /// what is offered.
    pub fn parse(parameter: &str, value: &str, offered: &[u32]) -> Result<ApiCrs, Problem> {
        if value == CRS84 {
            return Ok(ApiCrs {
                epsg: None,
                lat_first: false,
            });
        }
        let code = value
            .strip_prefix("http://www.opengis.net/def/crs/EPSG/0/")
            .and_then(|code| code.parse::<u32>().ok())
            .filter(|code| offered.contains(code));
        match code {
            Some(epsg) => Ok(ApiCrs {
                epsg: Some(epsg),
                lat_first: epsg == 4326,
            }),
            None => {
                let list: Vec<String> = std::iter::once(CRS84.to_string())
                    .chain(offered.iter().map(|code| epsg_uri(*code)))
                    .collect();
                Err(bad(
                    parameter,
                    value,
                    &format!("one of the collection's CRSs: {}", list.join(", ")),
                ))
            }
        }
    }

    /// Its URI.
    pub fn uri(&self) -> String {
        self.epsg.map_or_else(|| CRS84.to_string(), epsg_uri)
    }
}

/// Parameters the items resource takes.
const KNOWN: &[&str] = &[
    "f",
    "limit",
    "offset",
    "bbox",
    "bbox-crs",
    "datetime",
    "crs",
    "filter",
    "filter-lang",
    "filter-crs",
];

/// A checked items request.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsQuery {
    /// Page size (clamped to the configured maximum, as Part 1 permits).
    pub limit: usize,
    /// Features skipped.
    pub offset: usize,
    /// Box in CRS:84.
    pub bbox: Option<[f64; 4]>,
    /// Dates kept (inclusive, `YYYY-MM-DD`; `None` = open).
    pub datetime: Option<(Option<String>, Option<String>)>,
    /// The `datetime` value as given, for links.
    pub datetime_text: Option<String>,
    /// `crs`: the CRS of the answer, as given (checked against the collection's list).
    pub crs: Option<String>,
    /// `bbox-crs`: the CRS of `bbox`, as given.
    pub bbox_crs: Option<String>,
    /// `filter`: a CQL2 expression (Part 3).
    pub filter: Option<String>,
    /// `filter-lang`: whether `filter` is CQL2 JSON (else text).
    pub filter_json: bool,
    /// `filter-crs`: the CRS of the filter's geometries, as given.
    pub filter_crs: Option<String>,
}

/// Features per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// Largest `limit` the API definition allows.
const MAX_LIMIT: usize = 10_000;
/// Largest `offset` the API definition allows.
const MAX_OFFSET: usize = i32::MAX as usize;

impl ItemsQuery {
    /// Parses a query string.
    pub fn parse(query: &str, max_limit: usize) -> Result<ItemsQuery, Problem> {
        let mut parsed = ItemsQuery {
            limit: DEFAULT_LIMIT.min(max_limit),
            offset: 0,
            bbox: None,
            datetime: None,
            datetime_text: None,
            crs: None,
            bbox_crs: None,
            filter: None,
            filter_json: false,
            filter_crs: None,
        };
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "limit" => {
                    // The definition allows 1–10 000; over the configured maximum is clamped.
                    let limit: usize = value
                        .parse()
                        .ok()
                        .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                        .ok_or_else(|| bad("limit", &value, "a whole number from 1 to 10000"))?;
                    parsed.limit = limit.min(max_limit);
                }
                "offset" => {
                    parsed.offset = value
                        .parse()
                        .ok()
                        .filter(|offset| *offset <= MAX_OFFSET)
                        .ok_or_else(|| bad("offset", &value, "a whole number from 0 to 2147483647"))?;
                }
                "bbox" => parsed.bbox = Some(parse_bbox(&value)?),
                "crs" => parsed.crs = Some(value.into_owned()),
                "bbox-crs" => parsed.bbox_crs = Some(value.into_owned()),
                "filter" => parsed.filter = Some(value.into_owned()),
                "filter-lang" => {
                    parsed.filter_json = match value.as_ref() {
                        "cql2-text" => false,
                        "cql2-json" => true,
                        _ => return Err(bad("filter-lang", &value, "cql2-text or cql2-json")),
                    }
                }
                "filter-crs" => parsed.filter_crs = Some(value.into_owned()),
                "datetime" => {
                    parsed.datetime = Some(parse_datetime(&value)?);
                    parsed.datetime_text = Some(value.into_owned());
                }
                "f" if matches!(value.as_ref(), "json" | "geojson" | "html") => {}
                "f" => return Err(bad("f", &value, "json, geojson or html")),
                other if !KNOWN.contains(&other) => {
                    return Err(Problem::bad_request(format!(
                        "unknown query parameter {other:?}; this resource takes {}",
                        KNOWN.join(", ")
                    )))
                }
                _ => {}
            }
        }
        Ok(parsed)
    }
}

fn bad(name: &str, value: &str, expected: &str) -> Problem {
    let shown: String = value.chars().take(80).collect();
    Problem::bad_request(format!(
        "parameter {name}={shown:?} is invalid: expected {expected}"
    ))
}

/// A decimal number as the API definition's pattern states it: `-?digits[.digits]`.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// `minLon,minLat,maxLon,maxLat` or with heights (`minLon,minLat,minZ,maxLon,maxLat,maxZ`).
/// Exactly the API definition's pattern is taken, so what it allows is answered: a west edge
/// east of the east one crosses the antimeridian; a south edge above the north one is an
/// empty box.
fn parse_bbox(value: &str) -> Result<[f64; 4], Problem> {
    let expected = "4 or 6 decimal numbers: min longitude, min latitude[, min height], max longitude, max latitude[, max height]";
    let parts: Vec<&str> = value.split(',').collect();
    if !matches!(parts.len(), 4 | 6) || !parts.iter().all(|part| is_decimal(part)) {
        return Err(bad("bbox", value, expected));
    }
    let numbers: Vec<f64> = parts
        .iter()
        .map(|part| part.parse().unwrap_or(f64::NAN))
        .collect();
    Ok(match numbers.as_slice() {
        [a, b, c, d] => [*a, *b, *c, *d],
        [a, b, _, d, e, _] => [*a, *b, *d, *e],
        _ => unreachable!("4 or 6 parts"),
    })
}

/// An instant or an interval (`start/end`, one end open with `..` or nothing) as dates
/// (`YYYY-MM-DD`), compared as text: exactly the API definition's pattern (Part 1's grammar)
/// is taken; an interval whose start is after its end holds nothing.
fn parse_datetime(value: &str) -> Result<(Option<String>, Option<String>), Problem> {
    let expected = "an RFC 3339 date or date-time (YYYY-MM-DD[Thh:mm:ss[.s](Z|+hh:mm)]), or an interval start/end where one of them may be .. or empty";
    let day = |text: &str| text[..10].to_string();
    let open = |text: &str| text.is_empty() || text == "..";
    match value.split_once('/') {
        None if is_instant(value) => Ok((Some(day(value)), Some(day(value)))),
        Some((start, end)) if is_instant(start) && is_instant(end) => Ok((Some(day(start)), Some(day(end)))),
        Some((start, end)) if open(start) && is_instant(end) => Ok((None, Some(day(end)))),
        Some((start, end)) if is_instant(start) && open(end) => Ok((Some(day(start)), None)),
        _ => Err(bad("datetime", value, expected)),
    }
}

/// `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss[.s](Z|±hh:mm)`, digits where digits go.
fn is_instant(text: &str) -> bool {
    let shape = |text: &str, pattern: &str| {
        text.len() == pattern.len()
            && text
                .bytes()
                .zip(pattern.bytes())
                .all(|(c, p)| if p == b'9' { c.is_ascii_digit() } else { c == p })
    };
    if text.len() == 10 {
        return shape(text, "9999-99-99");
    }
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    if !shape(date, "9999-99-99") || time.len() < 9 || !shape(&time[..8], "99:99:99") {
        return false;
    }
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    rest == "Z" || ((rest.starts_with('+') || rest.starts_with('-')) && shape(&rest[1..], "99:99"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped_and_bad_values_named() {
        let query = ItemsQuery::parse("limit=9000&offset=20&bbox=4.8,45.7,4.9,45.8", 100).unwrap();
        assert_eq!((query.limit, query.offset), (100, 20));
        assert_eq!(query.bbox, Some([4.8, 45.7, 4.9, 45.8]));
        for (bad, name) in [
            ("limit=0", "limit"),
            ("limit=abc", "limit"),
            ("bbox=1,2,3", "bbox"),
            ("bbox=1e3,2,3,4", "bbox"),
            ("bbox= 1,2,3,4", "bbox"),
            ("limit=10001", "limit"),
            ("offset=-1", "offset"),
            ("datetime=yesterday", "datetime"),
            ("datetime=2021-01-01T10:00Z", "datetime"),
            ("datetime=../", "datetime"),
            ("datetime=..", "datetime"),
            ("datetime=../..", "datetime"),
            ("f=xml", "f"),
        ] {
            let problem = ItemsQuery::parse(bad, 100).unwrap_err();
            assert!(problem.detail.contains(name), "{bad}: {}", problem.detail);
        }
        let unknown = ItemsQuery::parse("foo=1", 100).unwrap_err();
        assert!(unknown.detail.contains("\"foo\""));
    }

    #[test]
    fn datetimes_become_inclusive_dates() {
        let query = ItemsQuery::parse("datetime=2020-01-01T00:00:00Z/..", 10).unwrap();
        assert_eq!(query.datetime, Some((Some("2020-01-01".into()), None)));
        let query = ItemsQuery::parse("datetime=2020-01-01T10:00:00.5%2B01:00/2020-02-01", 10).unwrap();
        assert_eq!(
            query.datetime,
            Some((Some("2020-01-01".into()), Some("2020-02-01".into())))
        );
        let query = ItemsQuery::parse("datetime=2019-12-31", 10).unwrap();
        assert_eq!(
            query.datetime,
            Some((Some("2019-12-31".into()), Some("2019-12-31".into())))
        );
    }
}
