//! The pages' frame: one layout (header, navigation linking every page, main, footer) around
//! each page's HTML, its data for the map script as a JSON block (not executed, so the strict
//! CSP holds), and the headers every page carries. Text goes through [`escape`]; numbers,
//! sizes and dates are written the French way.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use serde_json::Value;

pub use crate::ogc::common::html::escape;

/// Pages only load scripts, styles, fonts and data from this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     font-src 'self'; connect-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The navigation: path and label of each page, in this order.
const NAVIGATION: [(&str, &str); 7] = [
    ("/", "Carte des projets"),
    ("/telechargement", "Télécharger par territoire"),
    ("/statistiques", "Statistiques"),
    ("/espace-porteur", "Espace porteur"),
    ("/calculator", "Calculateur de cache"),
    ("/atom/service.xml", "Flux ATOM"),
    ("/api/openapi.json", "API"),
];

/// A page to send.
pub struct Page {
    /// Its title (before " — dallage").
    pub title: String,
    /// Which script part runs on it (`home`, `explorer`), if any: `<body data-page>`.
    pub script: Option<&'static str>,
    /// The navigation entry it belongs to.
    pub section: &'static str,
    /// Its main content, HTML.
    pub main: String,
    /// Its data for the map script.
    pub data: Value,
}

impl Page {
    /// The page as a response with `status`.
    pub fn respond(&self, status: StatusCode) -> HttpResponse {
        let mut html = String::with_capacity(self.main.len() + 2048);
        html.push_str("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.push_str(&format!("<title>{} — dallage</title>\n", escape(&self.title)));
        // No favicon request (it would be a 404 in the console).
        html.push_str("<link rel=\"icon\" href=\"data:,\">\n");
        html.push_str("<link rel=\"stylesheet\" href=\"/assets/dallage.css\">\n");
        if let Some(script) = self.script {
            html.push_str("<link rel=\"stylesheet\" href=\"/assets/map.css\">\n");
            html.push_str("<link rel=\"stylesheet\" href=\"/assets/statuts.css\">\n");
            html.push_str("<script src=\"/assets/map.js\" defer></script>\n");
            html.push_str(&format!("</head>\n<body data-page=\"{script}\">\n"));
        } else {
            html.push_str("<link rel=\"stylesheet\" href=\"/assets/statuts.css\">\n</head>\n<body>\n");
        }
        html.push_str("<a class=\"skip\" href=\"#contenu\">Aller au contenu</a>\n");
        html.push_str("<header><a class=\"brand\" href=\"/\">dallage</a>\n<nav aria-label=\"Pages\"><ul>\n");
        for (href, label) in NAVIGATION {
            let current = if href == self.section {
                " aria-current=\"page\""
            } else {
                ""
            };
            html.push_str(&format!("<li><a href=\"{href}\"{current}>{label}</a></li>\n"));
        }
        html.push_str("</ul></nav></header>\n<main id=\"contenu\">\n");
        html.push_str(&self.main);
        html.push_str("\n</main>\n");
        if !self.data.is_null() {
            // `</` cannot end the block early: JSON escapes of `<` keep it whole.
            let data = self.data.to_string().replace('<', "\\u003c");
            html.push_str(&format!(
                "<script type=\"application/json\" id=\"page-data\">{data}</script>\n"
            ));
        }
        html.push_str("<footer>dallage — publication des livrables PCRS. Données sous la licence de chaque livrable.</footer>\n");
        html.push_str("</body>\n</html>\n");
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(html)
    }
}

/// A page saying what was not found (or what failed), with its status.
pub fn error_page(status: StatusCode, message: &str) -> HttpResponse {
    Page {
        title: "Page introuvable".into(),
        script: None,
        section: "",
        main: format!(
            "<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">Retour à la carte des projets</a></p>",
            if status == StatusCode::NOT_FOUND {
                "Page introuvable"
            } else {
                "Erreur"
            },
            escape(message)
        ),
        data: Value::Null,
    }
    .respond(status)
}

/// A number with French grouping (narrow no-break spaces).
pub fn number(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(digit);
    }
    out
}

/// A size in bytes as the seed writes it (13,93 Go).
pub fn bytes(value: u64) -> String {
    let units = ["o", "Ko", "Mo", "Go", "To"];
    let mut size = value as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < units.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value} o")
    } else {
        format!("{:.2} {}", size, units[unit]).replace('.', ",")
    }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A date (`YYYY-MM-DD`, or the date part of a catalogue time) in words: `1 janvier 2017`.
pub fn date(text: &str) -> String {
    let day = text.get(..10).unwrap_or(text);
    match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(parsed) => {
            use chrono::Datelike;
            format!(
                "{} {} {}",
                parsed.day(),
                MONTHS[parsed.month0() as usize],
                parsed.year()
            )
        }
        Err(_) => text.to_string(),
    }
}

/// A catalogue time (RFC 3339 or `YYYY-MM-DD HH:MM:SS`, UTC) in words: `23 octobre 2023 à 22:18 UTC`.
pub fn time(text: &str) -> String {
    let clock = text.get(11..16).unwrap_or("");
    if clock.is_empty() {
        return date(text);
    }
    format!("{} à {clock} UTC", date(text))
}

/// "Non renseigné" when empty.
pub fn or_unknown(value: Option<&str>) -> String {
    match value.map(str::trim) {
        Some(text) if !text.is_empty() => escape(text),
        _ => "Non renseigné".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_french() {
        assert_eq!(number(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(number(12), "12");
        assert_eq!(bytes(13_930_000_000), "13,93 Go");
        assert_eq!(bytes(512), "512 o");
        assert_eq!(date("2017-01-01"), "1 janvier 2017");
        assert_eq!(time("2023-10-23 22:18:05"), "23 octobre 2023 à 22:18 UTC");
        assert_eq!(time("2023-10-23T22:18:05Z"), "23 octobre 2023 à 22:18 UTC");
        assert_eq!(or_unknown(Some(" ")), "Non renseigné");
    }
}
