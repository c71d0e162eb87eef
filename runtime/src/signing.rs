//! AK/SK request signing (`SDK-HMAC-SHA256`), as the vendor's SDK signer does it.
//!
//! Public so that a server, a proxy or a test can verify what the client sends.

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use std::fmt::{self, Write as _};

/// The algorithm name, in the string to sign and in `Authorization`.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The header carrying the signing time.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// The payload hash used for bodies that are not JSON (and are then not hashed).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Python's `quote(s, safe='~')`: RFC 3986 unreserved characters kept, upper-case hex. The
/// transport encodes paths and queries with it too, so what is sent is what is signed.
pub(crate) const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The header that carries [`UNSIGNED_PAYLOAD`] when the body is not hashed.
pub const CONTENT_SHA256_HEADER: &str = "X-Sdk-Content-Sha256";
/// The SHA-256 of no bytes: the payload hash of every request without a body.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A query value as the vendor's SDK holds it: typed. The type decides how the value is
/// written (`true`/`false`, integers in decimal, floats as Python writes them) and how
/// repeated values of one key are ordered ([`compare_values`]).
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    Text(String),
    Integer(i128),
    Number(f64),
    Bool(bool),
}

impl QueryValue {
    /// A JSON value as a query value: strings, numbers and booleans keep their type; `null`
    /// is the empty text; arrays and objects are their JSON text.
    pub fn from_json(value: &serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::String(s) => QueryValue::Text(s.clone()),
            Value::Bool(b) => QueryValue::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => QueryValue::Integer(i128::from(i)),
                (None, Some(u), _) => QueryValue::Integer(i128::from(u)),
                (None, None, Some(f)) => QueryValue::Number(f),
                (None, None, None) => QueryValue::Text(n.to_string()),
            },
            Value::Null => QueryValue::Text(String::new()),
            other => QueryValue::Text(other.to_string()),
        }
    }

    /// The text sent, before percent-encoding: what the SDK's `str()` gives, booleans in
    /// lower case.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            QueryValue::Text(s) => std::borrow::Cow::Borrowed(s),
            QueryValue::Integer(i) => std::borrow::Cow::Owned(i.to_string()),
            QueryValue::Number(f) => std::borrow::Cow::Owned(python_float(*f)),
            QueryValue::Bool(true) => std::borrow::Cow::Borrowed("true"),
            QueryValue::Bool(false) => std::borrow::Cow::Borrowed("false"),
        }
    }

    /// The value as a number, when it is one (a boolean counts as 0 or 1, as in Python).
    fn numeric(&self) -> Option<Numeric> {
        match self {
            QueryValue::Text(_) => None,
            QueryValue::Integer(i) => Some(Numeric::Int(*i)),
            QueryValue::Number(f) => Some(Numeric::Float(*f)),
            QueryValue::Bool(b) => Some(Numeric::Int(i128::from(*b))),
        }
    }
}

#[derive(Clone, Copy)]
enum Numeric {
    Int(i128),
    Float(f64),
}

impl From<&str> for QueryValue {
    fn from(value: &str) -> Self {
        QueryValue::Text(value.to_owned())
    }
}

impl From<String> for QueryValue {
    fn from(value: String) -> Self {
        QueryValue::Text(value)
    }
}

impl From<bool> for QueryValue {
    fn from(value: bool) -> Self {
        QueryValue::Bool(value)
    }
}

impl From<i64> for QueryValue {
    fn from(value: i64) -> Self {
        QueryValue::Integer(i128::from(value))
    }
}

impl From<u64> for QueryValue {
    fn from(value: u64) -> Self {
        QueryValue::Integer(i128::from(value))
    }
}

impl From<i32> for QueryValue {
    fn from(value: i32) -> Self {
        QueryValue::Integer(i128::from(value))
    }
}

impl From<f64> for QueryValue {
    fn from(value: f64) -> Self {
        QueryValue::Number(value)
    }
}

/// How the SDK orders two values of one key (Python's comparison of the typed values):
/// numbers (booleans included) numerically, texts by code point. Python cannot compare a text
/// with a number; here numbers come first.
pub fn compare_values(a: &QueryValue, b: &QueryValue) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a.numeric(), b.numeric()) {
        (Some(Numeric::Int(x)), Some(Numeric::Int(y))) => x.cmp(&y),
        (Some(x), Some(y)) => {
            let float = |n: Numeric| match n {
                Numeric::Int(i) => i as f64,
                Numeric::Float(f) => f,
            };
            float(x).partial_cmp(&float(y)).unwrap_or(Ordering::Equal)
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.text().cmp(&b.text()),
    }
}

/// A float as Python's `str()` writes it: the shortest text that reads back as the same
/// number, with `.0` on whole numbers, and an exponent (`1e+16`, `1e-05`) below 1e-4 or from
/// 1e16 on.
pub fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // Rust's `Debug` picks the same digits and switches to an exponent at the same bounds;
    // only the exponent is written differently (`1e16`, `1e-5`).
    let text = format!("{value:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

/// What a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    pub method: &'a str,
    /// The path as sent (percent-encoded), without the query.
    pub path: &'a str,
    /// The query pairs, typed, not encoded, in any order.
    pub query: &'a [(String, QueryValue)],
    /// Every header to send (name, value), `Host` and `X-Sdk-Date` included.
    pub headers: &'a [(String, String)],
    /// The body's SHA-256 as hex, or [`UNSIGNED_PAYLOAD`].
    pub payload_hash: &'a str,
}

/// Each step's result, so a mismatch with a server can be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signed_headers: String,
    pub signature: String,
}

impl Signature {
    /// The `Authorization` header value.
    pub fn authorization(&self, access_key: &str) -> String {
        format!(
            "{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={}",
            self.signed_headers, self.signature
        )
    }
}

/// A request about to be signed: what the client assembled.
#[derive(Debug, Clone, Copy)]
pub struct Unsigned<'a> {
    pub method: &'a str,
    /// The endpoint's host, with its port when the endpoint has one (the `Host` header).
    pub host: &'a str,
    /// The path as sent (percent-encoded), without the query.
    pub path: &'a str,
    /// The query pairs, typed, in the order the call gave them.
    pub query: &'a [(String, QueryValue)],
    /// The headers the request carries before signing (`Content-Type` included; see
    /// [`unsigned_payload`]); `X-Sdk-Date` among them is kept (with `date` unused).
    pub headers: &'a [(String, String)],
    /// The body's bytes (empty when there is none, or when it is not hashed).
    pub body: &'a [u8],
    /// Whether there is a body (a streamed multipart body is not in `body`).
    pub has_body: bool,
}

/// The credentials and values signing adds.
#[derive(Clone, Copy)]
pub struct SigningKey<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    /// Sent as `X-Project-Id`.
    pub project_id: Option<&'a str>,
    /// Sent as `X-Security-Token` (temporary credentials).
    pub security_token: Option<&'a str>,
}

impl fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field("project_id", &self.project_id)
            .field("security_token", &self.security_token.map(|_| "<redacted>"))
            .finish()
    }
}

/// A signed request: the headers to send, in order, and the query to send.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// Every header to send: the request's own (values trimmed), then `X-Project-Id`,
    /// `X-Security-Token`, `X-Sdk-Content-Sha256`, `X-Sdk-Date` and `Host` as the SDK adds
    /// them, then `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The query to send: the canonical query.
    pub query: String,
    pub signature: Signature,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("signed_headers", &self.signature.signed_headers)
            .finish_non_exhaustive()
    }
}

/// Whether a request with this `Content-Type` carries an unhashed body: the SDK sends
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (and signs it) whenever the content type starts
/// neither with `application/json` nor with `application/bson` (compared as written).
pub fn unsigned_payload(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        !ct.is_empty() && !ct.starts_with("application/json") && !ct.starts_with("application/bson")
    })
}

/// Signs a request as the vendor's SDK does (`BasicCredentials.sign_request`, then
/// `Signer.sign`): adds `X-Project-Id`, `X-Security-Token`, `X-Sdk-Content-Sha256` when the
/// payload is not signed, `X-Sdk-Date` (unless present) and `Host` (unless present), signs
/// every header whose name has no `_`, and adds `Authorization`. The query to send is the
/// canonical query. `date` is `%Y%m%dT%H%M%SZ` ([`format_date`]).
pub fn sign_request(request: &Unsigned<'_>, key: &SigningKey<'_>, date: &str) -> Signed {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), value.trim().to_owned()))
        .collect();
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if let Some(project_id) = key.project_id {
        headers.push(("X-Project-Id".to_owned(), project_id.trim().to_owned()));
    }
    if let Some(token) = key.security_token {
        headers.push(("X-Security-Token".to_owned(), token.trim().to_owned()));
    }
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "Content-Type")
        .map(|(_, v)| v.as_str());
    let unsigned = unsigned_payload(content_type);
    if unsigned && !has(&headers, CONTENT_SHA256_HEADER) {
        headers.push((
            CONTENT_SHA256_HEADER.to_owned(),
            UNSIGNED_PAYLOAD.to_owned(),
        ));
    }
    let date = match headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(DATE_HEADER))
    {
        Some((_, preset)) => preset.clone(),
        None => {
            headers.push((DATE_HEADER.to_owned(), date.to_owned()));
            date.to_owned()
        }
    };
    if !has(&headers, "Host") {
        headers.push(("Host".to_owned(), request.host.to_owned()));
    }
    // The SDK hashes nothing when there is no body; else a preset `X-Sdk-Content-Sha256`
    // stands for the body's hash.
    let payload_hash = if !request.has_body {
        EMPTY_PAYLOAD_SHA256.to_owned()
    } else if let Some((_, preset)) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(CONTENT_SHA256_HEADER))
        .filter(|(_, v)| !v.is_empty())
    {
        preset.clone()
    } else {
        hex_sha256(request.body)
    };
    let signature = sign(
        &SigningInput {
            method: request.method,
            path: request.path,
            query: request.query,
            headers: &headers,
            payload_hash: &payload_hash,
        },
        &date,
        key.secret_key.as_bytes(),
    );
    headers.push((
        "Authorization".to_owned(),
        signature.authorization(key.access_key),
    ));
    Signed {
        headers,
        query: canonical_query(request.query),
        signature,
    }
}

/// Signs `input` with the secret key; `date` is the `X-Sdk-Date` value among the headers.
pub fn sign(input: &SigningInput<'_>, date: &str, secret_key: &[u8]) -> Signature {
    let (canonical_headers, signed_headers) = canonical_headers(input.headers);
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        canonical_uri(input.path),
        canonical_query(input.query),
        canonical_headers,
        signed_headers,
        input.payload_hash
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{date}\n{}",
        hex_sha256(canonical_request.as_bytes())
    );
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    let signature = hex(&mac.finalize().into_bytes());
    Signature {
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
    }
}

/// Each segment decoded then encoded again (so `%2F` in a segment signs as `/`, as the
/// vendor's signer does), and a `/` appended unless the path ends with one.
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut uri = decoded
        .split('/')
        .map(|segment| utf8_percent_encode(segment, ENCODE).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The pairs sorted as the SDK sorts them (by key, then by typed value: integers
/// numerically, texts by code point; pairs that compare equal keep their order), each
/// encoded. This is both the canonical query and the query sent.
pub fn canonical_query(query: &[(String, QueryValue)]) -> String {
    let mut pairs: Vec<&(String, QueryValue)> = query.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| compare_values(&a.1, &b.1)));
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, ENCODE),
                utf8_percent_encode(&v.text(), ENCODE)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `name:value\n` for every header whose name has no `_`, names lower-cased and sorted,
/// values trimmed; and the names joined by `;`.
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    signed.sort();
    let mut canonical = String::new();
    for (name, value) in &signed {
        let _ = writeln!(canonical, "{name}:{value}");
    }
    let names = signed
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    (canonical, names)
}

/// The payload hash the SDK signs for a body with this `Content-Type`: the empty body's hash
/// when there is no body, [`UNSIGNED_PAYLOAD`] when the content type is not JSON
/// ([`unsigned_payload`]), else the body's SHA-256.
pub fn payload_hash(content_type: Option<&str>, body: &[u8]) -> String {
    if body.is_empty() {
        EMPTY_PAYLOAD_SHA256.to_owned()
    } else if unsigned_payload(content_type) {
        UNSIGNED_PAYLOAD.to_owned()
    } else {
        hex_sha256(body)
    }
}

pub fn hex_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// `%Y%m%dT%H%M%SZ` for seconds since the Unix epoch (UTC).
pub fn format_date(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let rest = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(format_date(0), "19700101T000000Z");
        assert_eq!(format_date(1_742_438_886), "20250320T024806Z");
        assert_eq!(format_date(951_782_400), "20000229T000000Z");
        assert_eq!(format_date(4_102_444_799), "20991231T235959Z");
    }

    #[test]
    fn canonical_pieces() {
        assert_eq!(canonical_uri("/v1/a%2Fb/x"), "/v1/a/b/x/");
        assert_eq!(canonical_uri("/v1/caf%C3%A9/"), "/v1/caf%C3%A9/");
        let query = vec![
            ("b".to_owned(), QueryValue::from("2")),
            ("a".to_owned(), QueryValue::from("z y")),
            ("b".to_owned(), QueryValue::from("1")),
        ];
        assert_eq!(canonical_query(&query), "a=z%20y&b=1&b=2");
        let headers = vec![
            ("X-B".to_owned(), " v ".to_owned()),
            ("x_c".to_owned(), "no".to_owned()),
            ("Host".to_owned(), "h".to_owned()),
        ];
        assert_eq!(
            canonical_headers(&headers),
            ("host:h\nx-b:v\n".to_owned(), "host;x-b".to_owned())
        );
        assert_eq!(
            payload_hash(Some("application/octet-stream"), b"x"),
            UNSIGNED_PAYLOAD
        );
        assert_eq!(payload_hash(None, b""), EMPTY_PAYLOAD_SHA256);
        assert_eq!(
            payload_hash(Some("application/octet-stream"), b""),
            EMPTY_PAYLOAD_SHA256
        );
        assert_eq!(
            payload_hash(Some("application/json;charset=UTF-8"), b"{}"),
            hex_sha256(b"{}")
        );
        assert!(unsigned_payload(Some("application/merge-patch+json")));
        assert!(unsigned_payload(Some("multipart/form-data; boundary=x")));
        assert!(!unsigned_payload(Some("application/json")));
        assert!(!unsigned_payload(Some("application/bson")));
        assert!(unsigned_payload(Some("Application/JSON")));
        assert!(!unsigned_payload(None));
    }

    #[test]
    fn repeated_values_sort_by_type() {
        let pairs = |list: Vec<(&str, QueryValue)>| {
            list.into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect::<Vec<_>>()
        };
        let query = pairs(vec![
            ("n", 10.into()),
            ("n", 2.into()),
            ("b", true.into()),
            ("n", 1.into()),
            ("s", "10".into()),
            ("s", "2".into()),
            ("b", false.into()),
        ]);
        assert_eq!(
            canonical_query(&query),
            "b=false&b=true&n=1&n=2&n=10&s=10&s=2"
        );
        let query = pairs(vec![("x", 2.5.into()), ("x", 2.into()), ("x", (-1).into())]);
        assert_eq!(canonical_query(&query), "x=-1&x=2&x=2.5");
    }

    #[test]
    fn floats_are_written_as_python_writes_them() {
        for (value, text) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (2.5, "2.5"),
            (-0.0, "-0.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-1.25e-7, "-1.25e-07"),
            (123456789.125, "123456789.125"),
        ] {
            assert_eq!(python_float(value), text, "{value:?}");
        }
    }

    #[test]
    fn signing_adds_what_the_sdk_adds() {
        let headers = vec![
            (
                "Content-Type".to_owned(),
                "application/octet-stream".to_owned(),
            ),
            ("X-Language".to_owned(), " en-us ".to_owned()),
        ];
        let key = SigningKey {
            access_key: "AK",
            secret_key: "SK",
            project_id: Some("p"),
            security_token: None,
        };
        let query = vec![
            ("n".to_owned(), QueryValue::from(10)),
            ("n".to_owned(), 9.into()),
        ];
        let request = Unsigned {
            method: "PUT",
            host: "h:8080",
            path: "/v1/x",
            query: &query,
            headers: &headers,
            body: b"bytes",
            has_body: true,
        };
        let signed = sign_request(&request, &key, "20250320T024806Z");
        let names: Vec<&str> = signed.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Language",
                "X-Project-Id",
                "X-Sdk-Content-Sha256",
                "X-Sdk-Date",
                "Host",
                "Authorization"
            ]
        );
        assert_eq!(signed.headers[1].1, "en-us");
        assert_eq!(signed.query, "n=9&n=10");
        assert!(signed.signature.canonical_request.ends_with(
            "\ncontent-type;host;x-language;x-project-id;x-sdk-content-sha256;x-sdk-date\nUNSIGNED-PAYLOAD"
        ));
        assert!(!format!("{key:?}").contains("SK\""));
    }
}
