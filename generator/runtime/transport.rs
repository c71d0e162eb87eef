//! Turning a call into an HTTP request: path segments encoded so no value can change the
//! path, the query in canonical order, arguments checked before anything is sent.

use crate::body::Multipart;
use crate::config::Config;
use crate::error::{ConstructionError, DispatchError};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt::{self, Display};

/// Everything but RFC 3986's unreserved characters is encoded, in paths and queries alike.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Sends requests for the service clients, with the shared configuration.
#[derive(Clone)]
pub(crate) struct Transport {
    config: Config,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt(f)
    }
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Self {
        Transport {
            config: config.clone(),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Sends the request to the configured endpoint.
    pub(crate) async fn send(&self, request: Request) -> Result<reqwest::Response, DispatchError> {
        let url = request.url(self.config.endpoint());
        let url =
            reqwest::Url::parse(&url).expect("an encoded path on a valid endpoint is a valid URL");
        let mut builder = self
            .config
            .http()
            .request(request.method.clone(), url)
            .header(reqwest::header::ACCEPT, request.accept);
        if let Some(token) = self.config.token() {
            builder = builder.header("X-Auth-Token", token.clone());
        }
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if !request.cookies.is_empty() {
            builder = builder.header(reqwest::header::COOKIE, request.cookies.join("; "));
        }
        match request.body {
            Some(Body::Bytes { content_type, data }) => {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(data);
            }
            Some(Body::Multipart(form)) => builder = builder.multipart(form),
            None if matches!(
                request.method,
                reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
            ) =>
            {
                // The service expects an explicit empty body on bodiless writes.
                builder = builder
                    .header(reqwest::header::CONTENT_LENGTH, "0")
                    .body(Vec::new());
            }
            None => {}
        }
        builder.send().await.map_err(DispatchError::new)
    }
}

/// A request being assembled by an operation.
#[derive(Debug)]
pub(crate) struct Request {
    method: reqwest::Method,
    accept: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    cookies: Vec<String>,
    body: Option<Body>,
}

/// What a request carries.
#[derive(Debug)]
enum Body {
    Bytes {
        content_type: &'static str,
        data: Vec<u8>,
    },
    Multipart(reqwest::multipart::Form),
}

impl Request {
    pub(crate) fn new(method: reqwest::Method, accept: &'static str) -> Self {
        Request {
            method,
            accept,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
        }
    }

    /// Literal text of the path template.
    pub(crate) fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// A path parameter, encoded as one segment: `/`, `?`, `#` and `%` cannot escape it, and
    /// the values `.` and `..`, which URL parsers resolve away, are refused.
    pub(crate) fn segment(
        &mut self,
        argument: &'static str,
        value: &str,
    ) -> Result<(), ConstructionError> {
        if value.is_empty() {
            return Err(ConstructionError::new(
                argument,
                "must not be empty (it is a path segment)",
            ));
        }
        if value == "." || value == ".." {
            return Err(ConstructionError::new(
                argument,
                format!("`{value}` cannot be a path segment"),
            ));
        }
        self.path.extend(utf8_percent_encode(value, ENCODE));
        Ok(())
    }

    pub(crate) fn query(&mut self, name: &str, value: impl Display) {
        self.query.push((name.to_owned(), value.to_string()));
    }

    /// Several values as one query value, joined by `separator` (`explode: false`).
    pub(crate) fn query_joined<T: Display>(&mut self, name: &str, values: &[T], separator: &str) {
        self.query(name, join(values, separator));
    }

    /// A cookie; the value is percent-encoded, as cookie values cannot hold `;`, `,` or spaces.
    pub(crate) fn cookie(&mut self, name: &str, value: impl Display) {
        let value = utf8_percent_encode(&value.to_string(), ENCODE).to_string();
        self.cookies.push(format!("{name}={value}"));
    }

    /// A JSON body.
    pub(crate) fn json_body<T: serde::Serialize>(
        &mut self,
        content_type: &'static str,
        value: &T,
    ) -> Result<(), ConstructionError> {
        let data = serde_json::to_vec(value).map_err(|e| {
            ConstructionError::new("body", format!("cannot be written as JSON: {e}"))
        })?;
        self.body = Some(Body::Bytes { content_type, data });
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body from a value's top-level members: arrays
    /// repeat the key, nested objects are sent as JSON text, nulls are left out.
    pub(crate) fn form_body<T: serde::Serialize>(
        &mut self,
        value: &T,
    ) -> Result<(), ConstructionError> {
        let value = serde_json::to_value(value).map_err(|e| {
            ConstructionError::new("body", format!("cannot be written as a form: {e}"))
        })?;
        let serde_json::Value::Object(members) = value else {
            return Err(ConstructionError::new(
                "body",
                "a form body must be an object",
            ));
        };
        let mut pairs = Vec::new();
        for (key, member) in &members {
            let values = match member {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for v in values {
                let text = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                pairs.push(format!(
                    "{}={}",
                    utf8_percent_encode(key, ENCODE),
                    utf8_percent_encode(&text, ENCODE)
                ));
            }
        }
        self.body = Some(Body::Bytes {
            content_type: "application/x-www-form-urlencoded",
            data: pairs.join("&").into_bytes(),
        });
        Ok(())
    }

    /// A body sent as it is.
    pub(crate) fn raw_body(&mut self, content_type: &'static str, data: impl Into<Vec<u8>>) {
        self.body = Some(Body::Bytes {
            content_type,
            data: data.into(),
        });
    }

    pub(crate) fn multipart_body(&mut self, value: &Multipart) -> Result<(), ConstructionError> {
        let form = value
            .to_form()
            .map_err(|reason| ConstructionError::new("body", reason))?;
        self.body = Some(Body::Multipart(form));
        Ok(())
    }

    pub(crate) fn header(
        &mut self,
        argument: &'static str,
        name: &'static str,
        value: impl Display,
    ) -> Result<(), ConstructionError> {
        let value = HeaderValue::from_str(&value.to_string()).map_err(|_| {
            ConstructionError::new(
                argument,
                "cannot be sent in a header: only visible ASCII, spaces and tabs are allowed (no CR, LF, other control or non-ASCII characters)",
            )
        })?;
        self.headers.push((HeaderName::from_static(name), value));
        Ok(())
    }

    /// The full URL: endpoint, encoded path, and the query sorted by key then value, each
    /// encoded the same way (the canonical form request signing uses).
    pub(crate) fn url(&self, endpoint: &reqwest::Url) -> String {
        let mut url = endpoint.as_str().trim_end_matches('/').to_owned();
        url.push_str(&self.path);
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| {
                (
                    utf8_percent_encode(k, ENCODE).to_string(),
                    utf8_percent_encode(v, ENCODE).to_string(),
                )
            })
            .collect();
        pairs.sort();
        for (i, (k, v)) in pairs.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(v);
        }
        url
    }
}

/// Values written as one text, joined by `separator` (arrays in paths, headers, queries).
pub(crate) fn join<T: Display>(values: &[T], separator: &str) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// Checks a number against its documented bounds.
pub(crate) fn check_range<T: PartialOrd + Display>(
    argument: &'static str,
    value: T,
    minimum: Option<(T, bool)>,
    maximum: Option<(T, bool)>,
) -> Result<(), ConstructionError> {
    if let Some((min, exclusive)) = minimum {
        if value < min || (exclusive && value == min) {
            let relation = if exclusive {
                "greater than"
            } else {
                "at least"
            };
            return Err(ConstructionError::new(
                argument,
                format!("must be {relation} {min}, got {value}"),
            ));
        }
    }
    if let Some((max, exclusive)) = maximum {
        if value > max || (exclusive && value == max) {
            let relation = if exclusive { "less than" } else { "at most" };
            return Err(ConstructionError::new(
                argument,
                format!("must be {relation} {max}, got {value}"),
            ));
        }
    }
    Ok(())
}

/// Checks a string's length in characters (as JSON Schema counts) against its bounds.
pub(crate) fn check_length(
    argument: &'static str,
    value: &str,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), ConstructionError> {
    let length = value.chars().count();
    if let Some(min) = minimum {
        if length < min {
            let reason = if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must have at least {min} characters, got {length}")
            };
            return Err(ConstructionError::new(argument, reason));
        }
    }
    if let Some(max) = maximum {
        if length > max {
            return Err(ConstructionError::new(
                argument,
                format!("must have at most {max} characters, got {length}"),
            ));
        }
    }
    Ok(())
}

/// Checks an array's length against its bounds.
pub(crate) fn check_items(
    argument: &'static str,
    length: usize,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), ConstructionError> {
    if minimum.is_some_and(|min| length < min) || maximum.is_some_and(|max| length > max) {
        let bounds = match (minimum, maximum) {
            (Some(min), Some(max)) => format!("between {min} and {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => unreachable!("checked above"),
        };
        return Err(ConstructionError::new(
            argument,
            format!("must have {bounds} items, got {length}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn segments_cannot_change_the_path() {
        let mut r = Request::new(reqwest::Method::GET, "application/json");
        r.literal("/v1/");
        r.segment("id", "../x").unwrap();
        r.literal("/");
        r.segment("id", "a/b?c#d%e f").unwrap();
        assert_eq!(
            r.url(&endpoint("http://h:1/")),
            "http://h:1/v1/..%2Fx/a%2Fb%3Fc%23d%25e%20f"
        );
        assert!(r.segment("id", "..").is_err());
        assert!(r.segment("id", "").is_err());
    }

    #[test]
    fn query_is_sorted_and_encoded() {
        let mut r = Request::new(reqwest::Method::GET, "application/json");
        r.literal("/x");
        r.query("b", "2 3");
        r.query("a", "é&=");
        r.query("b", "1");
        assert_eq!(
            r.url(&endpoint("http://h/prefix")),
            "http://h/prefix/x?a=%C3%A9%26%3D&b=1&b=2%203"
        );
    }

    #[test]
    fn range_and_length_checks_name_the_argument() {
        let e = check_range("limit", 0, Some((1, false)), Some((1000, false))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid argument `limit`: must be at least 1, got 0; nothing was sent"
        );
        assert!(check_range("limit", 1000, Some((1, false)), Some((1000, false))).is_ok());
        assert!(check_range("x", 5.0, None, Some((5.0, true))).is_err());
        assert_eq!(
            check_length("id", "", Some(1), None).unwrap_err().reason(),
            "must not be empty"
        );
        assert!(check_items("ids", 3, Some(1), Some(2)).is_err());
    }
}
