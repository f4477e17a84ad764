//! `[statistics]`: how the statistics page classes territories (urban, rural, mountain) to
//! aggregate what projects cost.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::KeyError;

/// The territory types a commune may be given.
pub const TERRITORY_TYPES: [&str; 3] = ["urbain", "rural", "montagne"];

/// `[statistics]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatisticsConfig {
    /// Inhabitants per km² from which a territory counts as urban when no type is set for its
    /// communes (INSEE's density grid puts urban areas at 300 and more).
    pub urban_density: f64,
    /// Communes (INSEE code) whose type is set by hand: `urbain`, `rural` or `montagne`
    /// (mountain communes cannot be told by density).
    #[serde(default)]
    pub territory_types: BTreeMap<String, String>,
}

impl StatisticsConfig {
    /// Checks the density and each commune's code and type.
    pub fn check(&self) -> Result<(), KeyError> {
        if !(self.urban_density.is_finite() && self.urban_density > 0.0) {
            return Err(KeyError::new(
                "statistics.urban_density",
                format!(
                    "{} is not a positive density (inhabitants per km²)",
                    self.urban_density
                ),
            ));
        }
        for (code, kind) in &self.territory_types {
            let key = format!("statistics.territory_types.{code}");
            if code.len() != 5 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(KeyError::new(key, "not a commune's INSEE code (5 characters)"));
            }
            if !TERRITORY_TYPES.contains(&kind.as_str()) {
                return Err(KeyError::new(
                    key,
                    format!("`{kind}` is not one of {}", TERRITORY_TYPES.join(", ")),
                ));
            }
        }
        Ok(())
    }
}
