//! What the OGC services share: key-value parameters with case-insensitive names, the public
//! base URL, an XML writer, and an image with text for `INIMAGE` exceptions.

mod font;
pub mod tile;
pub mod xml;

use std::collections::HashMap;

use actix_web::HttpRequest;

pub use font::draw_text;

/// Key-value request parameters; names are case-insensitive (as OGC KVP requires), values are
/// kept as sent.
#[derive(Debug, Clone, Default)]
pub struct Kvp {
    values: HashMap<String, String>,
}

impl Kvp {
    /// Parses a query string (`a=1&B=2`), percent-decoding values.
    pub fn parse(query: &str) -> Kvp {
        let mut values = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            values
                .entry(name.to_ascii_uppercase())
                .or_insert_with(|| value.into_owned());
        }
        Kvp { values }
    }

    /// A parameter's value, if present (even empty).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(&name.to_ascii_uppercase()).map(String::as_str)
    }

    /// A parameter's value when present and not blank.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// Adds or replaces a parameter.
    pub fn set(&mut self, name: &str, value: &str) {
        self.values.insert(name.to_ascii_uppercase(), value.to_string());
    }
}

/// The base URL links in documents start from: `server.public_url`, else the scheme and host
/// the request came with (proxies' `X-Forwarded-*` / `Forwarded` honoured).
pub fn base_url(request: &HttpRequest, public_url: &str) -> String {
    if !public_url.is_empty() {
        return public_url.trim_end_matches('/').to_string();
    }
    let info = request.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Parses `0xRRGGBB` (or `#RRGGBB`, `RRGGBB`).
pub fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim();
    let hex = hex
        .strip_prefix("0x")
        .or_else(|| hex.strip_prefix("0X"))
        .or_else(|| hex.strip_prefix('#'))
        .unwrap_or(hex);
    if hex.len() != 6 {
        return None;
    }
    let value = u32::from_str_radix(hex, 16).ok()?;
    Some([(value >> 16) as u8, (value >> 8) as u8, value as u8])
}

/// Parses four comma-separated numbers.
pub fn parse_bbox(text: &str) -> Option<[f64; 4]> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers.as_slice() {
        [a, b, c, d] if numbers.iter().all(|v| v.is_finite()) => Some([*a, *b, *c, *d]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kvp_names_are_case_insensitive() {
        let kvp = Kvp::parse("service=WMS&Request=GetMap&LAYERS=a%20b&styles=&bbox=1,2,3,4");
        assert_eq!(kvp.get("REQUEST"), Some("GetMap"));
        assert_eq!(kvp.get("layers"), Some("a b"));
        assert_eq!(kvp.get("STYLES"), Some(""));
        assert_eq!(kvp.non_empty("STYLES"), None);
        assert_eq!(parse_bbox(kvp.get("bbox").unwrap()), Some([1.0, 2.0, 3.0, 4.0]));
        assert_eq!(parse_bbox("1,2,3"), None);
        assert_eq!(parse_bbox("1,2,3,NaN"), None);
        assert_eq!(parse_colour("0xFF8000"), Some([255, 128, 0]));
        assert_eq!(parse_colour("#00ff00"), Some([0, 255, 0]));
        assert_eq!(parse_colour("red"), None);
    }
}
