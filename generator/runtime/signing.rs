//! AK/SK request signing (`SDK-HMAC-SHA256`), as the vendor's SDK signer does it.
//!
//! Public so that a server, a proxy or a test can verify what the client sends.

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

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

/// What a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    pub method: &'a str,
    /// The path as sent (percent-encoded), without the query.
    pub path: &'a str,
    /// The query pairs, not encoded, in any order.
    pub query: &'a [(String, String)],
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

/// The pairs sorted by key then value (as given, before encoding), each encoded.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = query.iter().collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, ENCODE),
                utf8_percent_encode(v, ENCODE)
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

/// The payload hash for a body with this `Content-Type`: JSON bodies (and absent ones) are
/// hashed, anything else is [`UNSIGNED_PAYLOAD`].
pub fn payload_hash(content_type: Option<&str>, body: &[u8]) -> String {
    match content_type {
        Some(ct) if !ct.to_ascii_lowercase().contains("json") => UNSIGNED_PAYLOAD.to_owned(),
        _ => hex_sha256(body),
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
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "z y".to_owned()),
            ("b".to_owned(), "1".to_owned()),
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
        assert_eq!(
            payload_hash(None, b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
