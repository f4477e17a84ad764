//! HTML views of the OGC API's documents, for people with a browser: `f=html`, or an `Accept`
//! header preferring `text/html` over JSON, gets a page; everything else gets JSON. A page is
//! the JSON document shown as nested lists with its links clickable, or a table (items); no
//! script, no external resource, the site's stylesheet.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::Value;

/// Whether the request asks for HTML: `f=html`, or (without `f`) an `Accept` header that
/// prefers `text/html` to every JSON type (browsers do; `*/*` alone does not).
pub fn wants_html(request: &HttpRequest) -> bool {
    for (key, value) in url::form_urlencoded::parse(request.query_string().as_bytes()) {
        if key == "f" {
            return value == "html";
        }
    }
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let mut html = 0.0f32;
    let mut json = 0.0f32;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let kind = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        match kind.as_str() {
            "text/html" => html = html.max(quality),
            "application/json" | "application/geo+json" | "application/schema+json" => {
                json = json.max(quality)
            }
            _ => {}
        }
    }
    html > 0.0 && html > json
}

/// Escapes text for HTML (quick-xml's escaping, as the XML writer's).
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// A link to `href` (with `f=html` added, so that following it stays in HTML).
pub fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(&html_href(href)), escape(text))
}

/// `href` asking for HTML: its own `f` replaced by `f=html`.
pub fn html_href(href: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if key != "f" {
            out.append_pair(&key, &value);
        }
    }
    out.append_pair("f", "html");
    format!("{path}?{}", out.finish())
}

/// A page: `title` and `body` (already HTML), with the JSON version's address.
pub fn page(title: &str, body: &str, json_href: &str) -> HttpResponse {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/assets/dallage.css\">\
         <link rel=\"alternate\" type=\"application/json\" href=\"{json}\"></head>\
         <body><header>dallage — OGC API</header><main><h1>{title}</h1>{body}\
         <p class=\"hint\"><a href=\"{json}\">JSON</a></p></main></body></html>\n",
        title = escape(title),
        json = escape(json_href),
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::VARY, "Accept"))
        .body(html)
}

/// A JSON document as nested lists: objects as definition lists, arrays as lists, links (an
/// object with `href`) as anchors.
pub fn view(value: &Value) -> String {
    match value {
        Value::Object(map) if map.get("href").and_then(Value::as_str).is_some() => {
            let href = map["href"].as_str().unwrap_or_default();
            let label = map
                .get("title")
                .and_then(Value::as_str)
                .or_else(|| map.get("rel").and_then(Value::as_str))
                .unwrap_or(href);
            let kind = map.get("type").and_then(Value::as_str).unwrap_or_default();
            if kind.contains("json") || kind.contains("html") || kind.is_empty() {
                link(href, label)
            } else {
                format!(
                    "<a href=\"{}\">{}</a> ({})",
                    escape(href),
                    escape(label),
                    escape(kind)
                )
            }
        }
        Value::Object(map) => {
            let mut out = String::from("<dl>");
            for (key, item) in map {
                out.push_str(&format!("<dt>{}</dt><dd>{}</dd>", escape(key), view(item)));
            }
            out.push_str("</dl>");
            out
        }
        Value::Array(items) => {
            let mut out = String::from("<ul>");
            for item in items {
                out.push_str(&format!("<li>{}</li>", view(item)));
            }
            out.push_str("</ul>");
            out
        }
        Value::String(text) if text.starts_with("http://") || text.starts_with("https://") => {
            format!("<a href=\"{0}\">{0}</a>", escape(text))
        }
        Value::String(text) => escape(text),
        other => escape(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn browsers_get_html_and_clients_json() {
        let browser = TestRequest::default()
            .insert_header((
                header::ACCEPT,
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ))
            .to_http_request();
        assert!(wants_html(&browser));
        let client = TestRequest::default()
            .insert_header((header::ACCEPT, "application/geo+json, text/html;q=0.5"))
            .to_http_request();
        assert!(!wants_html(&client));
        assert!(!wants_html(
            &TestRequest::default()
                .insert_header((header::ACCEPT, "*/*"))
                .to_http_request()
        ));
        assert!(wants_html(&TestRequest::with_uri("/x?f=html").to_http_request()));
        assert!(!wants_html(
            &TestRequest::with_uri("/x?f=json")
                .insert_header((header::ACCEPT, "text/html"))
                .to_http_request()
        ));
        assert_eq!(
            html_href("http://h/a?limit=2&f=json"),
            "http://h/a?limit=2&f=html"
        );
        let shown =
            view(&serde_json::json!({"title": "<b>", "links": [{"href": "http://h/c", "rel": "self"}]}));
        assert!(
            shown.contains("&lt;b&gt;") && shown.contains("<a href=\"http://h/c?f=html\">self</a>"),
            "{shown}"
        );
    }
}
