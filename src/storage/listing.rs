//! Directory listings made by web servers, parsed into entries: nginx (HTML and JSON), Apache
//! `mod_autoindex` (plain, fancy, HTML table), lighttpd, IIS, `python -m http.server`, and any
//! page of links. Names come from the links (listing texts are often truncated); sizes and
//! dates from the text around each link, marked approximate when the server rounds them.

use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;

/// One link found in a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// Absolute URL of the file or folder (no query, no fragment).
    pub url: url::Url,
    /// A folder (the link ends with `/`).
    pub is_dir: bool,
    /// Size shown, in bytes.
    pub size: Option<u64>,
    /// Whether the size was rounded by the server ("1.2M").
    pub size_approximate: bool,
    /// Modification time shown (RFC 3339, taken as UTC).
    pub mtime: Option<String>,
}

/// Parses a listing page fetched from `page_url`.
pub fn parse(body: &str, content_type: &str, page_url: &url::Url) -> Result<Vec<Listed>, String> {
    let trimmed = body.trim_start();
    if content_type.contains("json") || trimmed.starts_with('[') {
        return parse_json(trimmed, page_url);
    }
    Ok(parse_html(body, page_url))
}

/// The path of `url` below `base`, percent-decoded, without a trailing slash; `None` when
/// `url` is elsewhere (another host, a parent folder, a sibling with the same prefix).
pub fn relative_to(base: &url::Url, url: &url::Url) -> Option<String> {
    if url.scheme() != base.scheme()
        || url.host_str() != base.host_str()
        || url.port_or_known_default() != base.port_or_known_default()
    {
        return None;
    }
    let base_path = if base.path().ends_with('/') {
        base.path().to_string()
    } else {
        format!("{}/", base.path())
    };
    // Apache writes lowercase hex, others uppercase: compare decoded paths.
    let decoded_base = super::spec::percent_decode(&base_path);
    let decoded = super::spec::percent_decode(url.path());
    let rest = decoded.strip_prefix(&decoded_base)?;
    Some(rest.trim_end_matches('/').to_string())
}

#[derive(Deserialize)]
struct JsonItem {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    mtime: Option<String>,
    #[serde(default)]
    size: Option<u64>,
}

fn parse_json(body: &str, page_url: &url::Url) -> Result<Vec<Listed>, String> {
    let items: Vec<JsonItem> = serde_json::from_str(body).map_err(|err| format!("JSON listing: {err}"))?;
    let mut out = Vec::new();
    for item in items {
        let is_dir = item.kind == "directory";
        let mut url = page_url.clone();
        {
            let Ok(mut segments) = url.path_segments_mut() else {
                continue;
            };
            segments.pop_if_empty().push(&item.name);
            if is_dir {
                segments.push("");
            }
        }
        out.push(Listed {
            url,
            is_dir,
            size: if is_dir { None } else { item.size },
            size_approximate: false,
            mtime: item
                .mtime
                .and_then(|m| chrono::DateTime::parse_from_rfc2822(&m).ok())
                .map(|m| {
                    m.with_timezone(&Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                }),
        });
    }
    Ok(out)
}

/// An `<a href>` with the text around it on its line or table row.
struct Anchor {
    href: String,
    before: String,
    after: String,
}

fn parse_html(body: &str, page_url: &url::Url) -> Vec<Listed> {
    let mut out = Vec::new();
    for anchor in anchors(body) {
        let href = decode_entities(anchor.href.trim());
        let lower = href.to_ascii_lowercase();
        if href.is_empty()
            || href.starts_with('?')
            || href.starts_with('#')
            || ["mailto:", "javascript:", "tel:", "data:"]
                .iter()
                .any(|s| lower.starts_with(s))
        {
            continue;
        }
        let Ok(mut url) = page_url.join(&href) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") || url.query().is_some() {
            continue;
        }
        url.set_fragment(None);
        let is_dir = url.path().ends_with('/');
        let after = clean_text(&anchor.after);
        let before = clean_text(&anchor.before);
        let dir_marker = before.contains("<dir>");
        let (size, approximate) = if is_dir || dir_marker {
            (None, false)
        } else {
            find_size(&after, &before)
        };
        let mtime = find_date(&after).or_else(|| find_date(&before));
        out.push(Listed {
            url,
            is_dir: is_dir || dir_marker,
            size,
            size_approximate: approximate,
            mtime,
        });
    }
    out
}

/// Every anchor of the page with its surrounding text (same line of a `<pre>`, same table
/// row, or since the previous `<br>`).
fn anchors(body: &str) -> Vec<Anchor> {
    let lower = body.to_ascii_lowercase();
    let mut found: Vec<(usize, usize, String)> = Vec::new(); // (tag start, end of </a>, href)
    let mut cursor = 0;
    while let Some(offset) = lower[cursor..].find("<a") {
        let start = cursor + offset;
        let after_tag_name = lower.as_bytes().get(start + 2).copied().unwrap_or(b'>');
        cursor = start + 2;
        if !(after_tag_name.is_ascii_whitespace()) {
            continue;
        }
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        let Some(href) = attribute(&body[start..tag_end], &lower[start..tag_end], "href") else {
            continue;
        };
        let close = lower[tag_end..]
            .find("</a>")
            .map(|i| tag_end + i + 4)
            .unwrap_or(tag_end + 1);
        found.push((start, close, href));
        cursor = close;
    }
    let mut anchors = Vec::with_capacity(found.len());
    for (index, (start, close, href)) in found.iter().enumerate() {
        let previous_end = if index == 0 { 0 } else { found[index - 1].1 };
        let next_start = found.get(index + 1).map(|f| f.0).unwrap_or(body.len());
        let before = &body[previous_end..*start];
        let before = last_segment(before, &lower[previous_end..*start]);
        let after_raw = &body[*close..next_start];
        let after = first_segment(after_raw, &lower[*close..next_start]);
        anchors.push(Anchor {
            href: href.clone(),
            before: before.to_string(),
            after: after.to_string(),
        });
    }
    anchors
}

const BREAKS: [&str; 4] = ["\n", "<br", "<tr", "</tr"];

/// The text after the last line or row break.
fn last_segment<'a>(text: &'a str, lower: &str) -> &'a str {
    let cut = BREAKS
        .iter()
        .filter_map(|b| lower.rfind(b).map(|i| i + b.len()))
        .max()
        .unwrap_or(0);
    let cut = lower[cut..]
        .find('>')
        .filter(|_| lower[..cut].ends_with("<br") || lower[..cut].ends_with("<tr"))
        .map(|i| cut + i + 1)
        .unwrap_or(cut);
    &text[cut.min(text.len())..]
}

/// The text before the next line or row break.
fn first_segment<'a>(text: &'a str, lower: &str) -> &'a str {
    let cut = BREAKS
        .iter()
        .filter_map(|b| lower.find(b))
        .min()
        .unwrap_or(text.len());
    &text[..cut]
}

/// The value of attribute `name` in a tag (quoted with " or ', or bare).
fn attribute(tag: &str, lower_tag: &str, name: &str) -> Option<String> {
    let mut search = 0;
    while let Some(offset) = lower_tag[search..].find(name) {
        let at = search + offset;
        search = at + name.len();
        let preceded = lower_tag
            .as_bytes()
            .get(at.wrapping_sub(1))
            .is_some_and(|b| b.is_ascii_whitespace());
        let rest = lower_tag[at + name.len()..].trim_start();
        if !preceded || !rest.starts_with('=') {
            continue;
        }
        let value_start = tag.len() - rest.len() + 1;
        let value = tag[value_start..].trim_start();
        return Some(match value.chars().next()? {
            quote @ ('"' | '\'') => value[1..].split(quote).next().unwrap_or("").to_string(),
            _ => value
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or("")
                .to_string(),
        });
    }
    None
}

/// Tags removed, entities decoded, white space collapsed.
fn clean_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes the HTML entities listings use (`&amp;`, `&lt;`, `&#x27;`, `&#39;`, `&nbsp;`...).
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(end) = tail[..tail.len().min(12)].find(';') else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ if entity.starts_with("#x") || entity.starts_with("#X") => {
                u32::from_str_radix(&entity[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A size token: `1234567` (exact) or `1.2M`, `717K`, `0.1K` (approximate).
fn size_of_token(token: &str) -> Option<(u64, bool)> {
    let (number, unit) = match token.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((index, _)) => token.split_at(index),
        None => (token, ""),
    };
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let factor = match unit.to_ascii_uppercase().as_str() {
        "" => return (!number.contains('.')).then_some((value as u64, false)),
        "K" | "KB" | "KIB" => 1024.0,
        "M" | "MB" | "MIB" => 1024.0 * 1024.0,
        "G" | "GB" | "GIB" => 1024.0 * 1024.0 * 1024.0,
        "T" | "TB" | "TIB" => 1024.0f64.powi(4),
        _ => return None,
    };
    Some(((value * factor).round() as u64, true))
}

/// The size shown after the link (nginx, Apache, lighttpd) or before it (IIS).
fn find_size(after: &str, before: &str) -> (Option<u64>, bool) {
    let last_size = |text: &str| {
        strip_dates(text)
            .split_whitespace()
            .filter_map(size_of_token)
            .next_back()
    };
    // Before the link only for IIS-style lines, where a date precedes the size: elsewhere
    // numbers before a link are prose ("© 2024").
    match last_size(after).or_else(|| find_date(before).and_then(|_| last_size(before))) {
        Some((size, approximate)) => (Some(size), approximate),
        None => (None, false),
    }
}

/// Removes date and time tokens (and AM/PM) so their numbers are not taken for sizes.
fn strip_dates(text: &str) -> String {
    text.split_whitespace()
        .filter(|t| !(t.contains(':') || t.contains('/') || t.contains('-') || *t == "AM" || *t == "PM"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first date found in `text`, as RFC 3339 UTC.
fn find_date(text: &str) -> Option<String> {
    const FORMATS: [&str; 8] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d-%b-%Y %H:%M:%S",
        "%d-%b-%Y %H:%M",
        "%Y-%b-%d %H:%M:%S",
        "%Y-%b-%d %H:%M",
        "%m/%d/%Y %I:%M %p",
        "%d/%m/%Y %H:%M",
    ];
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for width in [3, 2] {
        for window in tokens.windows(width) {
            let candidate = window.join(" ");
            for format in FORMATS {
                if let Ok(date) = NaiveDateTime::parse_from_str(&candidate, format) {
                    return Some(
                        Utc.from_utc_datetime(&date)
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    );
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &[(&str, bool, u64)] = &[
        ("Dalles été 2024", true, 0),
        ("vecteur", true, 0),
        ("2024-0846200-6526400-LA93-0M05-RVB.j2w", false, 42),
        ("2024-0846200-6526400-LA93-0M05-RVB.jp2", false, 1234567),
        ("Métadonnées PCRS.xml", false, 300),
        ("archive.zip", false, 5000000),
        ("notice d'utilisation.pdf", false, 2048),
    ];

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/listings/{name}", env!("CARGO_MANIFEST_DIR"));
        String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
    }

    /// Parses a fixture fetched from `page` and returns the entries below `base`.
    fn entries(name: &str, base: &str, page: &str) -> Vec<(String, Listed)> {
        let base = url::Url::parse(base).unwrap();
        let page = url::Url::parse(page).unwrap();
        let content_type = if name.ends_with(".json") {
            "application/json"
        } else {
            "text/html"
        };
        let page_path = relative_to(&base, &page).unwrap();
        parse(&fixture(name), content_type, &page)
            .unwrap()
            .into_iter()
            .filter_map(|l| {
                let relative = relative_to(&base, &l.url)?;
                let below = if page_path.is_empty() {
                    !relative.is_empty()
                } else {
                    relative.starts_with(&format!("{page_path}/"))
                };
                below.then_some((relative, l))
            })
            .collect()
    }

    const BASE: &str = "http://127.0.0.1:8000/pcrs/";
    const SUB: &str = "http://127.0.0.1:8000/pcrs/Dalles%20%C3%A9t%C3%A9%202024/";
    const SUBSUB: &str = "http://127.0.0.1:8000/pcrs/Dalles%20%C3%A9t%C3%A9%202024/sous%20dossier%231/";

    #[derive(PartialEq)]
    enum Sizes {
        Exact,
        Rounded,
        Absent,
    }

    fn check_root(name: &str, sizes: Sizes, dates: bool) {
        let found = entries(name, BASE, BASE);
        let mut names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        names.sort();
        let mut expected: Vec<&str> = ROOT.iter().map(|(n, _, _)| *n).collect();
        expected.sort();
        assert_eq!(names, expected, "{name}");
        for (path, listed) in &found {
            let (_, is_dir, size) = ROOT.iter().find(|(n, _, _)| n == path).unwrap();
            assert_eq!(listed.is_dir, *is_dir, "{name}: {path}");
            if *is_dir {
                assert_eq!(listed.size, None, "{name}: {path}");
                continue;
            }
            match sizes {
                Sizes::Exact => assert_eq!(
                    (listed.size, listed.size_approximate),
                    (Some(*size), false),
                    "{name}: {path}"
                ),
                Sizes::Absent => assert_eq!(listed.size, None, "{name}: {path}"),
                Sizes::Rounded => {
                    // Rounded sizes ("1M", "1.2M") stay within 25 % (or 100 bytes) of the truth.
                    let shown = listed
                        .size
                        .unwrap_or_else(|| panic!("{name}: {path} has no size"));
                    let error = (shown as f64 - *size as f64).abs();
                    assert!(
                        error <= (*size as f64 * 0.25).max(100.0),
                        "{name}: {path} {shown} vs {size}"
                    );
                }
            }
            if dates {
                assert_eq!(
                    listed.mtime.as_deref(),
                    Some("2024-06-30T14:05:00Z"),
                    "{name}: {path}"
                );
            } else {
                assert_eq!(listed.mtime, None, "{name}: {path}");
            }
        }
    }

    #[test]
    fn nginx_html_and_json() {
        check_root("nginx-html-root.html", Sizes::Exact, true);
        check_root("nginx-json-root.json", Sizes::Exact, true);
        check_root("nginx-html-approx-root.html", Sizes::Rounded, true);
        let sub = entries("nginx-html-sub.html", BASE, SUB);
        assert_eq!(sub.len(), 3);
        assert!(sub
            .iter()
            .any(|(p, l)| p == "Dalles été 2024/sous dossier#1" && l.is_dir));
        let subsub = entries("nginx-json-subsub.json", BASE, SUBSUB);
        assert_eq!(subsub[0].0, "Dalles été 2024/sous dossier#1/a&b.jp2");
        assert_eq!(subsub[0].1.size, Some(100));
    }

    #[test]
    fn apache_lighttpd_python() {
        check_root("apache-plain-root.html", Sizes::Absent, false);
        check_root("apache-fancy-root.html", Sizes::Rounded, true);
        check_root("apache-table-root.html", Sizes::Rounded, true);
        check_root("lighttpd-root.html", Sizes::Rounded, true);
        check_root("python-root.html", Sizes::Absent, false);
        for name in [
            "apache-fancy-subsub.html",
            "apache-table-subsub.html",
            "lighttpd-subsub.html",
            "python-subsub.html",
            "apache-plain-subsub.html",
        ] {
            let found = entries(name, BASE, SUBSUB);
            assert_eq!(found.len(), 1, "{name}");
            assert_eq!(found[0].0, "Dalles été 2024/sous dossier#1/a&b.jp2", "{name}");
        }
        // Apache shows the parent folder with an absolute href: not an entry.
        assert_eq!(entries("apache-fancy-sub.html", BASE, SUB).len(), 3);
        // Names come from the hrefs: truncated texts and split UTF-8 don't matter.
        let long = "http://127.0.0.1:8000/long2/";
        let mut names: Vec<String> = entries("apache-fancy-truncation.html", long, long)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "abcdefghijklmnop&q_rest_of_name.jp2",
                "abcdefghijklmnopqrsé_suite.jp2",
                "abcdefghijklmnopqé_suite.jp2"
            ]
        );
    }

    #[test]
    fn iis_and_generic_pages() {
        let base = "http://example.org/pcrs/";
        let found = entries("iis-root.html", base, base);
        assert_eq!(found.len(), 7);
        let jp2 = found.iter().find(|(p, _)| p.ends_with(".jp2")).unwrap();
        assert_eq!((jp2.1.size, jp2.1.size_approximate), (Some(1234567), false));
        assert_eq!(jp2.1.mtime.as_deref(), Some("2024-06-30T14:05:00Z"));
        assert!(found.iter().any(|(p, l)| p == "Dalles été 2024" && l.is_dir));
        let sub = entries(
            "iis-sub.html",
            base,
            "http://example.org/pcrs/Dalles%20%C3%A9t%C3%A9%202024/",
        );
        assert_eq!(sub.len(), 3);
        let generic: Vec<String> = entries("generic-links.html", base, base)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert!(generic.contains(&"2024-0846200-6526400-LA93-0M05-RVB.jp2".to_string()));
        assert!(generic.contains(&"Dalles été 2024/2024-0846400-6526400-LA93-0M05-RVB.tif".to_string()));
        assert!(generic.contains(&"Métadonnées PCRS.xml".to_string()));
        assert!(
            !generic
                .iter()
                .any(|p| p.contains("2019") || p.contains("mentions")),
            "{generic:?}"
        );
    }

    #[test]
    fn entities_sizes_dates() {
        assert_eq!(
            decode_entities("a&amp;b &#x27;x&#39; &lt;dir&gt; &bogus; &"),
            "a&b 'x' <dir> &bogus; &"
        );
        assert_eq!(size_of_token("1.2M"), Some((1258291, true)));
        assert_eq!(size_of_token("42"), Some((42, false)));
        assert_eq!(size_of_token("-"), None);
        assert_eq!(
            find_date("6/30/2024 2:05 PM 1234567").as_deref(),
            Some("2024-06-30T14:05:00Z")
        );
        assert_eq!(
            find_date("2024-Jun-30 14:05:00 1.1M").as_deref(),
            Some("2024-06-30T14:05:00Z")
        );
    }
}
