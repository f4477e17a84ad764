//! Request extractors whose errors are problems that name the field or parameter at fault.

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::Problem;
use crate::catalog::FieldError;
use crate::config::Config;

/// A JSON body. Syntax errors are 400; a value of the wrong type, an unknown or missing field
/// is 422 with the field's path (`acteurs[1].role`). Bodies over `server.max_body_size` are 413.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = request
            .app_data::<web::Data<Config>>()
            .map(|config| config.server.max_body_size.0 as usize)
            .unwrap_or(1 << 20);
        let content_type = request
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type.is_empty() && !content_type.contains("json") {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("the body must be JSON (Content-Type: application/json), not `{content_type}`"),
                ));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk =
                    chunk.map_err(|err| Problem::bad_request(format!("cannot read the body: {err}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("the body is larger than the {limit} bytes allowed (server.max_body_size)"),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            if body.is_empty() {
                return Err(Problem::bad_request(
                    "the body is empty; a JSON object is expected",
                ));
            }
            parse_json(&body).map(Json)
        })
    }
}

/// Parses JSON, turning serde's errors into problems that name the field.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = match result {
        Ok(value) => value,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            return Err(json_problem(&path, &inner));
        }
    };
    deserializer
        .end()
        .map_err(|err| Problem::bad_request(format!("the body is not valid JSON: {err}")))?;
    Ok(value)
}

fn json_problem(path: &str, err: &serde_json::Error) -> Problem {
    use serde_json::error::Category;
    match err.classify() {
        Category::Data => {
            let message = strip_position(&err.to_string());
            // A missing field is reported at its parent object: name the field itself.
            // (An unknown field's path already ends with its name.)
            let missing = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next());
            let parent = if path == "." { "" } else { path };
            let field = match missing {
                Some(name) if parent.is_empty() => name.to_string(),
                Some(name) => format!("{parent}.{name}"),
                None if parent.is_empty() => "body".to_string(),
                None => parent.to_string(),
            };
            Problem::invalid(vec![FieldError { field, message }])
        }
        _ => Problem::bad_request(format!("the body is not valid JSON: {err}")),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// Paging parameters `limit` and `offset`, checked against `limits.max_page_size`.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// Page size.
    pub limit: i64,
    /// Items skipped.
    pub offset: i64,
}

/// Query parameters as a map; lookups are case-sensitive (JSON API) and values checked by the
/// handler with [`Query::int`] and friends, so each error names its parameter. Every value is
/// at most `limits.max_query_text` characters long (400 naming the parameter otherwise), so no
/// search text reaches the catalogue unbounded.
pub struct Query(pub HashMap<String, String>);

impl Query {
    /// An optional integer parameter within `range`.
    pub fn int(&self, name: &str, range: std::ops::RangeInclusive<i64>) -> Result<Option<i64>, Problem> {
        let Some(text) = self.0.get(name) else {
            return Ok(None);
        };
        match text.trim().parse::<i64>() {
            Ok(value) if range.contains(&value) => Ok(Some(value)),
            _ => Err(Problem::bad_request(format!(
                "query parameter `{name}`: `{text}` is not an integer between {} and {}",
                range.start(),
                range.end()
            ))),
        }
    }

    /// Refuses a value longer than `limit` characters, naming its parameter.
    fn bounded(self, limit: usize) -> Result<Query, Problem> {
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort();
        for name in names {
            let length = self.0[name].chars().count().max(name.chars().count());
            if length > limit {
                let name: String = name.chars().take(40).collect();
                return Err(Problem::bad_request(format!(
                    "query parameter `{name}` is {length} characters long; at most {limit} are allowed \
                     (limits.max_query_text)"
                )));
            }
        }
        Ok(self)
    }

    /// An optional text parameter.
    pub fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }

    /// An optional RFC 3339 time, as RFC 3339 in UTC (the form deliverables' `updated` times
    /// take, so they compare as text).
    pub fn time(&self, name: &str) -> Result<Option<String>, Problem> {
        self.time_as(name, false)
    }

    /// [`Query::time`], or a date meaning its midnight UTC.
    pub fn time_or_date(&self, name: &str) -> Result<Option<String>, Problem> {
        self.time_as(name, true)
    }

    fn time_as(&self, name: &str, dates: bool) -> Result<Option<String>, Problem> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        let time = chrono::DateTime::parse_from_rfc3339(&text).map(|t| crate::atom::rfc3339(&t.to_rfc3339()));
        let date = || {
            crate::catalog::validate::check_date(&text)
                .ok()
                .filter(|_| dates)
                .map(|_| format!("{text}T00:00:00Z"))
        };
        match time.ok().or_else(date) {
            Some(time) => Ok(Some(time)),
            None if dates => Err(Problem::bad_request(format!(
                "{name} `{text}` must be a date or an RFC 3339 time"
            ))),
            None => Err(Problem::bad_request(format!(
                "{name} `{text}` must be an RFC 3339 time (2024-06-01T00:00:00Z)"
            ))),
        }
    }

    /// `limit` (1..=max, default 50 or max if smaller) and `offset` (≥ 0, default 0).
    pub fn paging(&self, max_page_size: u32) -> Result<Paging, Problem> {
        let max = i64::from(max_page_size);
        let limit = self.int("limit", 1..=max)?.unwrap_or(50.min(max));
        let offset = self.int("offset", 0..=i64::from(i32::MAX))?.unwrap_or(0);
        Ok(Paging { limit, offset })
    }
}

impl FromRequest for Query {
    type Error = Problem;
    type Future = std::future::Ready<Result<Query, Problem>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let limit = request
            .app_data::<web::Data<Config>>()
            .map(|config| config.limits.max_query_text as usize)
            .unwrap_or(crate::catalog::MAX_SEARCH_TEXT);
        let parsed = web::Query::<HashMap<String, String>>::from_query(request.query_string())
            .map(|q| Query(q.into_inner()))
            .map_err(|err| Problem::bad_request(format!("the query string is malformed: {err}")))
            .and_then(|query| query.bounded(limit));
        std::future::ready(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ProjectInput;

    #[test]
    fn json_errors_name_the_field() {
        let problem = parse_json::<ProjectInput>(br#"{"nom": 3}"#).err().unwrap();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "nom");
        let problem = parse_json::<ProjectInput>(
            br#"{"nom":"abc","regime":"production","nature":"raster","perimetres":[],"etapes":[],
                "acteurs":[{"siren":"200046977","role":"chef"}]}"#,
        )
        .err()
        .unwrap();
        assert_eq!(problem.errors[0].field, "acteurs[0].role");
        assert!(problem.detail.contains("chef"), "{}", problem.detail);
        let problem = parse_json::<ProjectInput>(br#"{"nom":"abc"}"#).err().unwrap();
        assert_eq!(problem.errors[0].field, "regime");
        let problem = parse_json::<ProjectInput>(br#"{"nom":"abc","colour":1}"#)
            .err()
            .unwrap();
        assert_eq!(problem.errors[0].field, "colour");
        let problem = parse_json::<ProjectInput>(br#"{"nom": "#).err().unwrap();
        assert_eq!(problem.status, 400);
    }
}
