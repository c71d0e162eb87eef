//! AK/SK signing on the wire, call by call, as the vendor's SDK (huaweicloudsdkcore 3.1.219)
//! sends: a server on 127.0.0.1 captures each request of the build-time client of
//! `spec/jobs.yaml`, checks every header that is sent and signed, the query (order and
//! encoding) and the body, and verifies the signature with its own recomputation of
//! `SDK-HMAC-SHA256` (hmac and sha2 here, never the client's signer).

use downstream_example::api::jobs::{types::Job, Client};
use downstream_example::api::{Config, Credentials};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::time::{Duration, UNIX_EPOCH};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const AK: &str = "AKTESTEXAMPLE0000001";
const SK: &str = "SKtestexample/secret+key=0123456789abcdef";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const DATE: &str = "20250320T024806Z";
const AGENT: &str = "huaweicloud-usdk-python/3.0";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Python's `quote(s, safe='~')`.
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Percent-decoding.
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let digits = bytes
            .get(i + 1..i + 3)
            .and_then(|d| std::str::from_utf8(d).ok());
        match digits.and_then(|d| u8::from_str_radix(d, 16).ok()) {
            Some(byte) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Rebuilds the canonical request from what the server received (the query as sent: it must
/// already be the canonical one) and checks the signature; returns the signed header names.
fn verify(request: &Request) -> String {
    let authorization = header(request, "authorization").expect("Authorization");
    let rest = authorization
        .strip_prefix(&format!("SDK-HMAC-SHA256 Access={AK}, SignedHeaders="))
        .unwrap_or_else(|| panic!("{authorization}"));
    let (signed, signature) = rest.split_once(", Signature=").expect("a signature");
    let mut canonical_headers = String::new();
    for name in signed.split(';') {
        let value = header(request, name).unwrap_or_else(|| panic!("{name} signed, not sent"));
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    // The SDK decodes the path, splits it at `/` and encodes each segment again (so an
    // encoded `/` in a segment signs as a separator), with a `/` appended.
    let mut canonical_uri = decode(request.url.path())
        .split(|b| *b == b'/')
        .map(encode)
        .collect::<Vec<_>>()
        .join("/");
    if !canonical_uri.ends_with('/') {
        canonical_uri.push('/');
    }
    let payload_hash = if request.body.is_empty() {
        EMPTY_SHA256.to_owned()
    } else if let Some(preset) = header(request, "x-sdk-content-sha256") {
        preset.to_owned()
    } else {
        hex(&Sha256::digest(&request.body))
    };
    let canonical_request = format!(
        "{}\n{canonical_uri}\n{}\n{canonical_headers}\n{signed}\n{payload_hash}",
        request.method,
        request.url.query().unwrap_or(""),
    );
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{DATE}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(SK.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    assert_eq!(
        hex(&mac.finalize().into_bytes()),
        signature,
        "signature of\n{canonical_request}"
    );
    signed.to_owned()
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(|request: &Request| match request.method.as_str() {
            "GET" => ResponseTemplate::new(200).set_body_raw(r#"{"count":3}"#, "application/json"),
            "POST" if request.url.path().ends_with("/start") => ResponseTemplate::new(202),
            "POST" => ResponseTemplate::new(201).set_body_raw(r#"{"count":1}"#, "application/json"),
            _ => ResponseTemplate::new(204),
        })
        .mount(&server)
        .await;
    let config = Config::builder()
        .endpoint(server.uri())
        .credentials(Credentials::aksk(AK, SK))
        .project_id(PROJECT)
        .user_agent(AGENT)
        .clock(|| UNIX_EPOCH + Duration::from_secs(1_742_438_886))
        .build()
        .unwrap();
    (server, Client::new(&config))
}

async fn last(server: &MockServer) -> Request {
    server
        .received_requests()
        .await
        .expect("recording")
        .pop()
        .expect("a request")
}

/// The headers the SDK sends and signs, for a request with this content type.
fn check_sdk_headers(request: &Request, server: &MockServer, content_type: &str) {
    assert_eq!(header(request, "content-type"), Some(content_type));
    assert_eq!(header(request, "user-agent"), Some(AGENT));
    assert_eq!(header(request, "x-project-id"), Some(PROJECT));
    assert_eq!(header(request, "x-sdk-date"), Some(DATE));
    let host = format!("127.0.0.1:{}", server.address().port());
    assert_eq!(header(request, "host"), Some(host.as_str()));
    assert_eq!(header(request, "x-auth-token"), None);
}

#[tokio::test]
async fn a_get_with_repeated_integer_values_is_sent_as_the_sdk_sends_it() {
    let (server, client) = setup().await;
    let count = client
        .list_jobs()
        .ids(vec![10, 1, 2, -3])
        .names(vec!["b".into(), "a b".into(), "10".into(), "9".into()])
        .active(true)
        .ratio(1.0)
        .send()
        .await
        .expect("200");
    assert_eq!(count.count, Some(3));
    let request = last(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), format!("/v1/{PROJECT}/jobs"));
    // Sorted by key, then by typed value: integers numerically, texts by code point; booleans
    // and floats written as the SDK writes them; the query sent is the canonical query.
    assert_eq!(
        request.url.query(),
        Some(
            "active=true&ids=-3&ids=1&ids=2&ids=10&names=10&names=9&names=a%20b&names=b&ratio=1.0"
        )
    );
    check_sdk_headers(&request, &server, "application/json");
    assert_eq!(header(&request, "x-sdk-content-sha256"), None);
    assert_eq!(
        verify(&request),
        "content-type;host;user-agent;x-project-id;x-sdk-date"
    );
    assert!(request.body.is_empty());
    assert_eq!(encode("a b".as_bytes()), "a%20b");
    assert_eq!(decode("j%201%2Fx"), b"j 1/x");
}

#[tokio::test]
async fn a_bodiless_post_says_json_and_hashes_nothing() {
    let (server, client) = setup().await;
    client.start_job("j 1/x").send().await.expect("202");
    let request = last(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        request.url.path(),
        format!("/v1/{PROJECT}/jobs/j%201%2Fx/start")
    );
    assert_eq!(request.url.query(), None);
    check_sdk_headers(&request, &server, "application/json");
    assert_eq!(header(&request, "content-length"), Some("0"));
    assert_eq!(header(&request, "x-sdk-content-sha256"), None);
    assert_eq!(
        verify(&request),
        "content-type;host;user-agent;x-project-id;x-sdk-date"
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn a_json_body_is_written_and_hashed_as_the_sdk_does() {
    let (server, client) = setup().await;
    let job = Job::new("café 日本")
        .with_count(3)
        .with_flag(true)
        .with_items(vec!["b".to_owned(), "a".to_owned()])
        .with_ratio(0.5);
    client.create_job(job).send().await.expect("201");
    let request = last(&server).await;
    check_sdk_headers(&request, &server, "application/json");
    assert_eq!(header(&request, "x-sdk-content-sha256"), None);
    // `json.dumps` as the SDK calls it: ", " and ": ", non-ASCII escaped.
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        r#"{"name": "caf\u00e9 \u65e5\u672c", "count": 3, "flag": true, "items": ["b", "a"], "ratio": 0.5}"#
    );
    assert_eq!(
        verify(&request),
        "content-type;host;user-agent;x-project-id;x-sdk-date"
    );
}

#[tokio::test]
async fn a_binary_body_is_an_unsigned_payload() {
    let (server, client) = setup().await;
    let data: Vec<u8> = (0..=255).collect();
    client
        .upload_content("j-1", data.clone())
        .send()
        .await
        .expect("204");
    let request = last(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    check_sdk_headers(&request, &server, "application/octet-stream");
    assert_eq!(
        header(&request, "x-sdk-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(
        verify(&request),
        "content-type;host;user-agent;x-project-id;x-sdk-content-sha256;x-sdk-date"
    );
    assert_eq!(request.body, data);
}
