//! Value types of the configuration: secrets that never print, sizes with units, durations
//! with units.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

/// A string that never shows in `Debug` output or logs.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself; call only where it is used, never to print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str("\"***\"")
        }
    }
}

/// `"64 MiB"` as `(64.0, "mib")`: the leading number and the unit after it, lower-cased.
fn number_and_unit(text: &str) -> Option<(f64, String)> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    Some((number.parse().ok()?, unit.trim().to_ascii_lowercase()))
}

/// A size in bytes, written as a number or as a string with a unit ("64 MiB").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parses "123", "512 KiB", "64MiB", "2 GiB", "10 GB".
    pub fn parse(text: &str) -> Result<Self, String> {
        let (number, unit) = number_and_unit(text)
            .ok_or_else(|| format!("`{}` is not a size (expected e.g. 512, \"64 MiB\")", text.trim()))?;
        let factor: u64 = match unit.as_str() {
            "" | "b" => 1,
            "kb" => 1_000,
            "kib" | "k" => 1 << 10,
            "mb" => 1_000_000,
            "mib" | "m" => 1 << 20,
            "gb" => 1_000_000_000,
            "gib" | "g" => 1 << 30,
            "tb" => 1_000_000_000_000,
            "tib" | "t" => 1 << 40,
            other => return Err(format!("unknown size unit `{other}` in `{}`", text.trim())),
        };
        Ok(ByteSize((number * factor as f64).round() as u64))
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match NumberOrText::deserialize(deserializer)? {
            NumberOrText::Number(n) if n >= 0 => Ok(ByteSize(n as u64)),
            NumberOrText::Number(n) => Err(serde::de::Error::custom(format!(
                "size must not be negative, got {n}"
            ))),
            NumberOrText::Text(text) => ByteSize::parse(&text).map_err(serde::de::Error::custom),
        }
    }
}

/// A duration, written as a number of seconds or as a string with a unit ("500 ms", "5 min").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub Duration);

impl Seconds {
    /// Parses "30", "500 ms", "30 s", "5 min", "2 h", "1 d".
    pub fn parse(text: &str) -> Result<Self, String> {
        let (number, unit) = number_and_unit(text).ok_or_else(|| {
            format!(
                "`{}` is not a duration (expected e.g. 30, \"500 ms\")",
                text.trim()
            )
        })?;
        let seconds = match unit.as_str() {
            "ms" => number / 1000.0,
            "" | "s" | "sec" => number,
            "min" | "m" => number * 60.0,
            "h" => number * 3600.0,
            "d" => number * 86400.0,
            other => return Err(format!("unknown duration unit `{other}` in `{}`", text.trim())),
        };
        Ok(Seconds(Duration::from_secs_f64(seconds)))
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match NumberOrText::deserialize(deserializer)? {
            NumberOrText::Number(n) if n >= 0 => Ok(Seconds(Duration::from_secs(n as u64))),
            NumberOrText::Number(n) => Err(serde::de::Error::custom(format!(
                "duration must not be negative, got {n}"
            ))),
            NumberOrText::Text(text) => Seconds::parse(&text).map_err(serde::de::Error::custom),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(i64),
    Text(String),
}
