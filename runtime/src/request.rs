//! A request as an operation assembles it: path segments encoded so no value can change the
//! path, the query in canonical order, headers, cookies and the body encoded (JSON as the
//! spec's conventions say, forms, multipart); then, for each attempt, the HTTP request,
//! signed when the credentials say so.

use super::body::Multipart;
use super::config::Config;
use super::error::ConstructionError;
use super::params;
use super::signing::{self, ENCODE};
use percent_encoding::utf8_percent_encode;
use std::fmt::{self, Display};

/// The longest URL the HTTP stack can send (`http::Uri` refuses longer ones).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// A request being assembled by an operation.
#[doc(hidden)]
pub struct Request {
    method: reqwest::Method,
    accept: &'static str,
    pub(crate) operation: &'static str,
    #[allow(dead_code)]
    path_template: &'static str,
    /// Safe to send again after it may have reached the server.
    pub(crate) idempotent: bool,
    /// The project id the path uses, sent as `X-Project-Id` when signing.
    project_id: Option<String>,
    path: String,
    /// Typed, so that repeated values of one key are ordered as the vendor's SDK orders them.
    query: Vec<(String, signing::QueryValue)>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<Body>,
    /// What each argument adds to the URL, encoded: (argument, bytes).
    url_parts: Vec<(std::borrow::Cow<'static, str>, usize)>,
    /// The credentials the operation accepts: any one alternative, each of its schemes.
    pub(crate) security: &'static [&'static [&'static super::auth::Scheme]],
    /// The spec's conventions (`<module>::CONVENTIONS`).
    pub(crate) conventions: &'static super::conventions::Conventions,
}

/// `Debug` shows where a request goes, never header values, cookies or the body.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query_keys",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// What a request carries.
enum Body {
    Bytes {
        content_type: &'static str,
        data: Vec<u8>,
    },
    Multipart(Multipart),
}

impl Request {
    #[doc(hidden)]
    pub fn new(
        method: reqwest::Method,
        accept: &'static str,
        operation: &'static str,
        path_template: &'static str,
        idempotent: bool,
    ) -> Self {
        Request {
            method,
            accept,
            operation,
            path_template,
            idempotent,
            project_id: None,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            url_parts: Vec::new(),
            security: &[],
            conventions: &super::conventions::Conventions::DEFAULT,
        }
    }

    /// The error of a URL longer than [`MAX_URL_LEN`], naming the argument that takes the
    /// most of it.
    fn url_too_long(&self, length: usize) -> ConstructionError {
        let (argument, bytes) = self
            .url_parts
            .iter()
            .max_by_key(|(_, bytes)| *bytes)
            .cloned()
            .unwrap_or(("path".into(), self.path.len()));
        ConstructionError::new(
            argument,
            format!(
                "too long: the request URL would be {length} bytes, more than the {MAX_URL_LEN} \
                 an HTTP request can carry, and this argument takes {bytes} of them \
                 (percent-encoded)"
            ),
        )
    }

    /// The project id this request's path uses (it may differ from the configured one).
    #[doc(hidden)]
    pub fn project_id(&mut self, project_id: &str) {
        self.project_id = Some(project_id.to_owned());
    }

    /// The credentials the operation accepts (its spec's `security`).
    #[doc(hidden)]
    pub fn security(&mut self, alternatives: &'static [&'static [&'static super::auth::Scheme]]) {
        self.security = alternatives;
    }

    /// The spec's conventions (`<module>::CONVENTIONS`): set before the body is written.
    #[doc(hidden)]
    pub fn conventions(&mut self, conventions: &'static super::conventions::Conventions) {
        self.conventions = conventions;
    }

    /// Literal text of the path template.
    #[doc(hidden)]
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// A path parameter, encoded as one segment: `/`, `?`, `#` and `%` cannot escape it, and
    /// the values `.` and `..`, which URL parsers resolve away, are refused.
    #[doc(hidden)]
    pub fn segment(
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
        let start = self.path.len();
        self.path.extend(utf8_percent_encode(value, ENCODE));
        self.url_parts
            .push((argument.into(), self.path.len() - start));
        Ok(())
    }

    /// A query pair, its value typed as it serializes (a string, a number, a boolean); the
    /// query is sent sorted and encoded, exactly as it is signed.
    #[doc(hidden)]
    pub fn query<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), ConstructionError> {
        let value = serde_json::to_value(value).map_err(|e| {
            ConstructionError::new(
                name.to_owned(),
                format!("cannot be written as a query value: {e}"),
            )
        })?;
        self.query_value(name, signing::QueryValue::from_json(&value));
        Ok(())
    }

    fn query_value(&mut self, name: &str, value: signing::QueryValue) {
        let encoded: usize = utf8_percent_encode(&value.text(), ENCODE)
            .map(str::len)
            .sum();
        self.url_parts.push((name.to_owned().into(), encoded));
        self.query.push((name.to_owned(), value));
    }

    #[doc(hidden)]
    pub fn header(
        &mut self,
        argument: &'static str,
        name: &'static str,
        value: impl Display,
    ) -> Result<(), ConstructionError> {
        let value = value.to_string();
        if !super::config::header_safe(&value)
            || reqwest::header::HeaderValue::from_str(&value).is_err()
        {
            return Err(ConstructionError::new(
                argument,
                "cannot be sent in a header: only visible ASCII, spaces and tabs are allowed (no CR, LF, other control or non-ASCII characters)",
            ));
        }
        self.headers
            .push((name.to_owned(), value.trim().to_owned()));
        Ok(())
    }

    /// A structured path parameter, written in its style ([`super::params`]); the same checks
    /// as [`Request::segment`] on the whole segment.
    #[doc(hidden)]
    pub fn segment_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        let value = params::to_value(argument, value)?;
        let text = params::path_text(name, &value, style, explode);
        if text.is_empty() || text == "." || text == ".." {
            return Err(ConstructionError::new(
                argument,
                format!("`{text}` cannot be a path segment"),
            ));
        }
        self.path.push_str(&text);
        self.url_parts.push((argument.into(), text.len()));
        Ok(())
    }

    /// A structured query parameter: the pairs its style gives ([`super::params`]).
    #[doc(hidden)]
    pub fn query_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        let value = params::to_value(argument, value)?;
        for (key, value) in params::query_values(name, &value, style, explode) {
            self.query_value(&key, value);
        }
        Ok(())
    }

    /// A structured header, in the simple style (or as JSON text).
    #[doc(hidden)]
    pub fn header_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &'static str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        let value = params::to_value(argument, value)?;
        self.header(argument, name, params::header_text(&value, style, explode))
    }

    /// Structured cookies: one per pair the form style gives.
    #[doc(hidden)]
    pub fn cookie_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        for (key, text) in params::pairs(argument, name, value, style, explode)? {
            self.cookie(&key, text);
        }
        Ok(())
    }

    /// A cookie; the value is percent-encoded, as cookie values cannot hold `;`, `,` or spaces.
    #[doc(hidden)]
    pub fn cookie(&mut self, name: &str, value: impl Display) {
        let value = utf8_percent_encode(&value.to_string(), ENCODE).to_string();
        self.cookies.push(format!("{name}={value}"));
    }

    /// A JSON body.
    #[doc(hidden)]
    pub fn json_body<T: serde::Serialize>(
        &mut self,
        content_type: &'static str,
        value: &T,
    ) -> Result<(), ConstructionError> {
        let data = self.conventions.json(value).map_err(|e| {
            ConstructionError::new("body", format!("cannot be written as JSON: {e}"))
        })?;
        self.body = Some(Body::Bytes { content_type, data });
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body from a value's top-level members: arrays
    /// repeat the key, nested objects are sent as JSON text, nulls are left out.
    #[doc(hidden)]
    pub fn form_body<T: serde::Serialize>(&mut self, value: &T) -> Result<(), ConstructionError> {
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
    #[doc(hidden)]
    pub fn raw_body(&mut self, content_type: &'static str, data: impl Into<Vec<u8>>) {
        self.body = Some(Body::Bytes {
            content_type,
            data: data.into(),
        });
    }

    #[doc(hidden)]
    pub fn multipart_body(&mut self, value: &Multipart) -> Result<(), ConstructionError> {
        value
            .to_form()
            .map_err(|reason| ConstructionError::new("body", reason))?;
        self.body = Some(Body::Multipart(value.clone()));
        Ok(())
    }

    /// One attempt's HTTP request: headers assembled, then signed when credentials say so.
    pub(crate) fn prepare(
        &self,
        config: &Config,
        endpoint: &reqwest::Url,
        credentials: &super::auth::Applied,
    ) -> Result<reqwest::RequestBuilder, ConstructionError> {
        let mut url = endpoint.as_str().trim_end_matches('/').to_owned();
        url.push_str(&self.path);
        // API keys in the query are query pairs like the others (signed, when signing).
        let query: std::borrow::Cow<'_, [(String, signing::QueryValue)]> =
            if credentials.query.is_empty() {
                std::borrow::Cow::Borrowed(&self.query)
            } else {
                let mut query = self.query.clone();
                query.extend(
                    credentials
                        .query
                        .iter()
                        .map(|(k, v)| (k.clone(), signing::QueryValue::Text(v.clone()))),
                );
                std::borrow::Cow::Owned(query)
            };
        let canonical_query = signing::canonical_query(&query);
        if !canonical_query.is_empty() {
            url.push('?');
            url.push_str(&canonical_query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|e| ConstructionError::new("endpoint", e.to_string()))?;
        if url.as_str().len() > MAX_URL_LEN {
            return Err(self.url_too_long(url.as_str().len()));
        }
        // What is signed is the path as sent, an endpoint's path prefix included.
        let sent_path = url.path().to_owned();
        // The headers the request carries (signed, when signing): the user agent, the
        // operation's headers and cookies, and the content type.
        let mut headers: Vec<(String, String)> = vec![(
            "User-Agent".to_owned(),
            config.user_agent().to_str().unwrap_or_default().to_owned(),
        )];
        headers.extend(self.headers.iter().cloned());
        headers.extend(credentials.headers.iter().cloned());
        let mut sensitive: Vec<&str> = credentials.sensitive.iter().map(String::as_str).collect();
        if !self.cookies.is_empty() || !credentials.cookies.is_empty() {
            let cookies: Vec<&str> = self
                .cookies
                .iter()
                .chain(&credentials.cookies)
                .map(String::as_str)
                .collect();
            headers.push(("Cookie".to_owned(), cookies.join("; ")));
            if !credentials.cookies.is_empty() {
                sensitive.push("Cookie");
            }
        }
        // A multipart body is built now, so that its boundary is known to the signature.
        let form = match &self.body {
            Some(Body::Multipart(parts)) => Some(
                parts
                    .to_form()
                    .map_err(|reason| ConstructionError::new("body", reason))?,
            ),
            _ => None,
        };
        let multipart_type = form
            .as_ref()
            .map(|form| format!("multipart/form-data; boundary={}", form.boundary()));
        let (body_type, body, has_body) = match &self.body {
            Some(Body::Bytes { content_type, data }) => {
                (Some(*content_type), data.as_slice(), !data.is_empty())
            }
            Some(Body::Multipart(_)) => (multipart_type.as_deref(), &[][..], true),
            None => (None, &[][..], false),
        };
        // The body's media type; without a body, the one the spec's conventions name, if any
        // (the vendor's SDK sends, and signs, `application/json` on GETs too).
        if let Some(content_type) = body_type.or(self.conventions.bodiless_content_type) {
            headers.push(("Content-Type".to_owned(), content_type.to_owned()));
        }
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let unsigned = signing::Unsigned {
            method: self.method.as_str(),
            host: &host,
            path: &sent_path,
            query: &query,
            headers: &headers,
            body,
            has_body,
        };
        let project_id = self.project_id.as_deref().or(config.project_id());
        if let Some(signed) = credentials.sign(config, project_id, &unsigned)? {
            headers = signed;
            sensitive.push("X-Security-Token");
            sensitive.push("Authorization");
        }
        // `Accept` is the transport's, as the HTTP library's own headers are the SDK's: sent,
        // not signed.
        headers.push(("Accept".to_owned(), self.accept.to_owned()));
        let mut builder = config.http().request(self.method.clone(), url);
        for (name, value) in &headers {
            if form.is_some() && name == "Content-Type" {
                // `multipart` below sends this very value (with the boundary signed above).
                continue;
            }
            // Values were checked when the request was assembled and the config built.
            let mut value = reqwest::header::HeaderValue::from_str(value.trim()).map_err(|_| {
                ConstructionError::new("headers", format!("`{name}` cannot be sent"))
            })?;
            value.set_sensitive(sensitive.iter().any(|s| s.eq_ignore_ascii_case(name)));
            builder = builder.header(name.as_str(), value);
        }
        if let Some((user, password)) = &credentials.basic {
            builder = builder.basic_auth(user, Some(password.expose()));
        }
        builder = match (&self.body, form) {
            (Some(Body::Bytes { data, .. }), _) => builder.body(data.clone()),
            (_, Some(form)) => builder.multipart(form),
            _ if !matches!(self.method, reqwest::Method::GET | reqwest::Method::HEAD) => {
                // Bodiless writes carry an explicit empty body, as the SDK's HTTP library
                // sends them.
                builder
                    .header(reqwest::header::CONTENT_LENGTH, "0")
                    .body(Vec::new())
            }
            _ => builder,
        };
        Ok(builder)
    }

    /// The path and query as they go on the wire (for tests of the encoding).
    #[cfg(test)]
    fn target(&self) -> String {
        let query = signing::canonical_query(&self.query);
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        }
    }
}

/// Values written as one text, joined by `separator` (arrays in paths, headers, queries).
#[doc(hidden)]
pub fn join<T: Display>(values: &[T], separator: &str) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// JSON written as Python's `json.dumps` writes it by default (the `python` JSON style of
/// `x-clientgen-conventions`, the vendor's SDK's): `", "` between items, `": "` after keys,
/// every character outside printable ASCII as a `\uXXXX` escape, floats as Python writes
/// them. The same JSON, byte for byte what that SDK sends and hashes.
#[doc(hidden)]
pub fn json_in_python_style<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonJsonFormatter);
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// The formatter of [`json_in_python_style`].
struct PythonJsonFormatter;

/// `", "` before every member but the first, as Python's `json.dumps` separates them.
fn sdk_separator<W: ?Sized + std::io::Write>(writer: &mut W, first: bool) -> std::io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

impl serde_json::ser::Formatter for PythonJsonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        sdk_separator(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        sdk_separator(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        writer.write_all(signing::python_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        // The float the caller wrote (`0.1`), not its widened double.
        let value = format!("{value:?}")
            .parse::<f64>()
            .unwrap_or(f64::from(value));
        writer.write_all(signing::python_float(value).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // serde_json escapes quotes, backslashes and control characters itself; what is left
        // outside printable ASCII is escaped here, as UTF-16 units.
        let mut rest = fragment;
        while let Some(at) = rest.find(|c: char| !(' '..='~').contains(&c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or(' ');
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request::new(
            reqwest::Method::GET,
            "application/json",
            "Test",
            "/v1/{id}",
            true,
        )
    }

    #[test]
    fn segments_cannot_change_the_path() {
        let mut r = request();
        r.literal("/v1/");
        r.segment("id", "../x").unwrap();
        r.literal("/");
        r.segment("id", "a/b?c#d%e f").unwrap();
        assert_eq!(r.target(), "/v1/..%2Fx/a%2Fb%3Fc%23d%25e%20f");
        assert!(r.segment("id", "..").is_err());
        assert!(r.segment("id", "").is_err());
    }

    #[test]
    fn query_is_sorted_on_raw_values_and_encoded() {
        let mut r = request();
        r.literal("/x");
        r.query("b", "2 3").unwrap();
        r.query("a", "é&=").unwrap();
        r.query("b", "1").unwrap();
        assert_eq!(r.target(), "/x?a=%C3%A9%26%3D&b=1&b=2%203");
    }

    #[test]
    fn repeated_query_values_are_ordered_by_type() {
        let mut r = request();
        r.literal("/x");
        for n in [10, 1, 2] {
            r.query("n", &n).unwrap();
        }
        r.query("f", &true).unwrap();
        r.query("s", "10").unwrap();
        r.query("s", "9").unwrap();
        r.query("x", &1.0).unwrap();
        assert_eq!(r.target(), "/x?f=true&n=1&n=2&n=10&s=10&s=9&x=1.0");
        let mut r = request();
        r.literal("/x");
        r.query_styled("ids", "ids", &[3u8, 20, 1], params::Style::Form, true)
            .unwrap();
        assert_eq!(r.target(), "/x?ids=1&ids=3&ids=20");
    }

    /// Pins the form encoding byte for byte: the same percent-encoding as the query and path
    /// (`%20`, never `+`, for a space, as in the form body of the SDK signing vectors), arrays
    /// as repeated keys, nested values as JSON text, nulls left out. Members are in alphabetical order, which both of
    /// serde_json's map orders (with and without `preserve_order`) keep.
    #[test]
    fn form_bodies_are_percent_encoded_as_the_query_is() {
        #[derive(serde::Serialize)]
        struct Form {
            empty: &'static str,
            flag: bool,
            kept: &'static str,
            nested: std::collections::BTreeMap<&'static str, &'static str>,
            none: Option<u8>,
            number: f64,
            pairs: Vec<Vec<u8>>,
            tags: Vec<&'static str>,
            text: &'static str,
            unicode: &'static str,
            #[serde(rename = "z key&")]
            key: &'static str,
        }
        let form = Form {
            empty: "",
            flag: false,
            kept: "-._~*",
            nested: [("k", "v w")].into_iter().collect(),
            none: None,
            number: 1.5,
            pairs: vec![vec![1, 2]],
            tags: vec!["x", "y z", ""],
            text: "a b+c&d=e%",
            unicode: "\u{e9}\u{65e5}\u{1f600}",
            key: "x",
        };
        let mut r = request();
        r.form_body(&form).unwrap();
        let Some(Body::Bytes { content_type, data }) = &r.body else {
            panic!("no body")
        };
        assert_eq!(*content_type, "application/x-www-form-urlencoded");
        assert_eq!(
            std::str::from_utf8(data).unwrap(),
            "empty=&flag=false&kept=-._~%2A&nested=%7B%22k%22%3A%22v%20w%22%7D&number=1.5\
             &pairs=%5B1%2C2%5D&tags=x&tags=y%20z&tags=&text=a%20b%2Bc%26d%3De%25\
             &unicode=%C3%A9%E6%97%A5%F0%9F%98%80&z%20key%26=x"
        );
        let mut r = request();
        assert!(r.form_body(&serde_json::json!([1, 2])).is_err());
        assert!(r.form_body(&serde_json::json!({})).is_ok());
        let Some(Body::Bytes { data, .. }) = &r.body else {
            panic!("no body")
        };
        assert!(data.is_empty());
    }

    #[test]
    fn json_bodies_are_written_as_the_sdk_writes_them() {
        #[derive(serde::Serialize)]
        struct Body {
            name: &'static str,
            count: u32,
            flag: bool,
            items: Vec<&'static str>,
            ratio: f64,
            nested: std::collections::BTreeMap<&'static str, Option<u8>>,
        }
        let body = Body {
            name: "caf\u{e9} \u{65e5}\u{672c} \u{1f600}\"\\\n\u{7f}",
            count: 3,
            flag: true,
            items: vec!["b", "a"],
            ratio: 1.0,
            nested: [("k", None)].into_iter().collect(),
        };
        assert_eq!(
            String::from_utf8(json_in_python_style(&body).unwrap()).unwrap(),
            r#"{"name": "caf\u00e9 \u65e5\u672c \ud83d\ude00\"\\\n\u007f", "count": 3, "flag": true, "items": ["b", "a"], "ratio": 1.0, "nested": {"k": null}}"#
        );
        assert_eq!(json_in_python_style(&Vec::<u8>::new()).unwrap(), b"[]");
    }

    #[test]
    fn json_bodies_follow_the_conventions() {
        let body = serde_json::json!({"a": [1, 2], "b": "\u{e9}"});
        let mut r = request();
        r.json_body("application/json", &body).unwrap();
        let Some(Body::Bytes { data, .. }) = &r.body else {
            panic!("no body")
        };
        assert_eq!(data.as_slice(), "{\"a\":[1,2],\"b\":\"\u{e9}\"}".as_bytes());
        const PYTHON: super::super::conventions::Conventions =
            super::super::conventions::Conventions {
                json_style: super::super::conventions::JsonStyle::Python,
                ..super::super::conventions::Conventions::DEFAULT
            };
        let mut r = request();
        r.conventions(&PYTHON);
        r.json_body("application/json", &body).unwrap();
        let Some(Body::Bytes { data, .. }) = &r.body else {
            panic!("no body")
        };
        assert_eq!(data.as_slice(), br#"{"a": [1, 2], "b": "\u00e9"}"#);
    }
}
