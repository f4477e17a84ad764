//! Key-value parameters (names case-insensitive, as OGC KVP requires), the SERVICE / REQUEST
//! preamble every service reads first, and typed parsers whose errors name the parameter.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use super::exception::OwsError;
use super::formats::Offered;
use crate::raster::{Crs, Format};

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

/// What every OGC request starts with: the operation asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preamble {
    /// `REQUEST`, lower-cased (`getcapabilities`, `getmap`…).
    pub request: String,
    /// `VERSION` as sent, if any.
    pub version: Option<String>,
}

impl Kvp {
    /// Reads the preamble of a request to `service`: `SERVICE`, when given, must name it;
    /// `REQUEST` is required.
    pub fn preamble(&self, service: &str) -> Result<Preamble, OwsError> {
        if let Some(named) = self.non_empty("SERVICE") {
            if !named.eq_ignore_ascii_case(service) {
                return Err(OwsError::invalid(
                    "SERVICE",
                    format!("SERVICE={named}: this endpoint is a {service}"),
                ));
            }
        }
        let request = self.required("REQUEST")?.to_ascii_lowercase();
        Ok(Preamble {
            request,
            version: self.non_empty("VERSION").map(str::to_string),
        })
    }

    /// A parameter that must be present and not blank.
    pub fn required(&self, name: &str) -> Result<&str, OwsError> {
        self.non_empty(name).ok_or_else(|| OwsError::missing(name))
    }

    /// A required whole number.
    pub fn whole(&self, name: &str) -> Result<u32, OwsError> {
        let text = self.required(name)?;
        text.parse()
            .map_err(|_| OwsError::invalid(name, format!("{name}={text} is not a whole number")))
    }

    /// A required whole number within `range`.
    pub fn whole_in(&self, name: &str, range: RangeInclusive<u32>) -> Result<u32, OwsError> {
        let value = self.whole(name)?;
        if !range.contains(&value) {
            return Err(OwsError::invalid(
                name,
                format!(
                    "{name}={value} must be between {} and {}",
                    range.start(),
                    range.end()
                ),
            ));
        }
        Ok(value)
    }

    /// A required box of four numbers (axis order as sent).
    pub fn bbox(&self, name: &str) -> Result<[f64; 4], OwsError> {
        let text = self.required(name)?;
        parse_bbox(text).ok_or_else(|| OwsError::invalid(name, format!("{name}={text} must be four numbers")))
    }

    /// A required CRS among those the map services offer; `code` is the exception code of an
    /// unknown one (`InvalidCRS` in WMS, `InvalidParameterValue` elsewhere).
    pub fn crs(&self, name: &str, code: &'static str) -> Result<Crs, OwsError> {
        let text = self.required(name)?;
        Crs::parse(text).ok_or_else(|| OwsError::new(code, name, format!("{name}={text} is not offered")))
    }

    /// An image format among `offered` (a MIME type or an extension); `code` is the exception
    /// code of another one (`InvalidFormat` in WMS). The error lists what is offered.
    pub fn format(&self, name: &str, offered: &Offered, code: &'static str) -> Result<Format, OwsError> {
        let text = self.required(name)?;
        offered.parse(text).ok_or_else(|| {
            OwsError::new(
                code,
                name,
                format!("{name}={text} is not offered ({})", offered.mimes()),
            )
        })
    }
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
    use crate::raster::Format;

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

    #[test]
    fn the_preamble_and_typed_parameters_name_what_is_wrong() {
        let kvp = Kvp::parse(
            "service=wmts&request=GetTile&TILEROW=x&WIDTH=9000&BBOX=1,2,3&FORMAT=image/gif&crs=EPSG:1",
        );
        assert_eq!(kvp.preamble("WMTS").unwrap().request, "gettile");
        let err = kvp.preamble("WMS").unwrap_err();
        assert_eq!(
            (err.code, err.locator.as_deref()),
            (Some("InvalidParameterValue"), Some("SERVICE"))
        );
        let err = Kvp::parse("service=WMS").preamble("WMS").unwrap_err();
        assert_eq!(
            (err.code, err.locator.as_deref()),
            (Some("MissingParameterValue"), Some("REQUEST"))
        );
        assert!(kvp
            .whole("TILEROW")
            .unwrap_err()
            .message
            .contains("not a whole number"));
        assert!(kvp
            .whole_in("WIDTH", 1..=4096)
            .unwrap_err()
            .message
            .contains("between 1 and 4096"));
        assert!(kvp.bbox("BBOX").unwrap_err().message.contains("four numbers"));
        let err = kvp.format("FORMAT", &Offered::MAPS, "InvalidFormat").unwrap_err();
        assert_eq!(err.code, Some("InvalidFormat"));
        assert!(err.message.contains("image/vnd.jpeg-png"), "{}", err.message);
        assert_eq!(
            Kvp::parse("f=jpg").format("F", &Offered::TILES, "x").unwrap(),
            Format::Jpeg
        );
        assert_eq!(kvp.crs("CRS", "InvalidCRS").unwrap_err().code, Some("InvalidCRS"));
    }
}
