//! AK/SK signing end to end: what the server receives is re-verified by an independent
//! implementation of `SDK-HMAC-SHA256` (shared/NOTES.md), written here with `hmac` and `sha2`
//! and never calling `cloud_logs_client::signing`.

use super::common::*;
use cloud_logs_client::{clouddc, css, dcs, rds, ConfigError, Credentials};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use wiremock::{MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------------------
// The independent verifier.

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// RFC 3986 unreserved characters kept, everything else `%XX` with upper-case hex.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-decoding (a `%` not followed by two hex digits stays as it is).
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let digits = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(digits, 16).expect("hex digits"));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The path decoded, split at `/`, each segment encoded, a `/` appended unless there is one.
fn canonical_uri(raw_path: &str) -> String {
    let decoded = decode(raw_path);
    let mut uri = decoded
        .split(|b| *b == b'/')
        .map(encode)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The received query's pairs decoded, sorted, encoded again.
fn canonical_query(raw_query: &str) -> String {
    if raw_query.is_empty() {
        return String::new();
    }
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = raw_query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What a verified request was signed with.
#[derive(Debug)]
struct Verified {
    signed_headers: Vec<String>,
    date: String,
}

/// Rebuilds the canonical request from what `request` carries and checks its signature.
fn verify(request: &Request, access_key: &str, secret_key: &str) -> Result<Verified, String> {
    let authorization = header(request, "authorization").ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or_else(|| format!("not SDK-HMAC-SHA256: {authorization}"))?;
    let parts: Vec<&str> = rest.split(", ").collect();
    let [access, signed, signature] = parts[..] else {
        return Err(format!(
            "Authorization has not three parts: {authorization}"
        ));
    };
    let access = access.strip_prefix("Access=").ok_or("no Access=")?;
    let signed = signed
        .strip_prefix("SignedHeaders=")
        .ok_or("no SignedHeaders=")?;
    let signature = signature
        .strip_prefix("Signature=")
        .ok_or("no Signature=")?;
    if access != access_key {
        return Err(format!("Access={access}, expected {access_key}"));
    }
    let names: Vec<String> = signed.split(';').map(str::to_owned).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    if sorted != names
        || names
            .iter()
            .any(|n| n.contains('_') || *n != n.to_lowercase())
    {
        return Err(format!(
            "SignedHeaders not sorted lower-case names: {signed}"
        ));
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let value =
            header(request, name).ok_or_else(|| format!("signed header {name} not sent"))?;
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let date = header(request, "x-sdk-date")
        .ok_or("no X-Sdk-Date")?
        .to_owned();
    // The SDK's rule: a body whose content type is not JSON (nor BSON) is not hashed, and
    // `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` says so (signed); no body hashes as empty.
    let content_type = header(request, "content-type");
    let unsigned = content_type.is_some_and(|ct| {
        !ct.starts_with("application/json") && !ct.starts_with("application/bson")
    });
    let content_sha256 = header(request, "x-sdk-content-sha256");
    if unsigned != (content_sha256 == Some("UNSIGNED-PAYLOAD")) {
        return Err(format!(
            "Content-Type {content_type:?} with X-Sdk-Content-Sha256 {content_sha256:?}"
        ));
    }
    if content_sha256.is_some() && !names.iter().any(|n| n == "x-sdk-content-sha256") {
        return Err("X-Sdk-Content-Sha256 is not signed".to_owned());
    }
    let payload_hash = if request.body.is_empty() {
        EMPTY_SHA256.to_owned()
    } else if unsigned {
        "UNSIGNED-PAYLOAD".to_owned()
    } else {
        sha256_hex(&request.body)
    };
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.url.path()),
        canonical_query(request.url.query().unwrap_or("")),
        canonical_headers,
        signed,
        payload_hash
    );
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("any key length");
    mac.update(string_to_sign.as_bytes());
    let expected = hex(&mac.finalize().into_bytes());
    if expected != signature {
        return Err(format!(
            "signature mismatch: sent {signature}, recomputed {expected}\ncanonical request:\n{canonical_request}"
        ));
    }
    Ok(Verified {
        signed_headers: names,
        date,
    })
}

/// Verifies with the test AK/SK and checks what every signed request must carry.
fn verify_test_request(request: &Request, server: &MockServer) -> Verified {
    let verified = verify(request, AK, SK).unwrap_or_else(|e| panic!("{e}\nrequest: {request:?}"));
    let port = server.address().port();
    assert_eq!(
        header(request, "host"),
        Some(format!("127.0.0.1:{port}").as_str())
    );
    assert_eq!(header(request, "x-project-id"), Some(PROJECT));
    assert_eq!(
        header(request, "x-auth-token"),
        None,
        "AK/SK sends no token"
    );
    for required in ["host", "x-sdk-date", "x-project-id"] {
        assert!(
            verified.signed_headers.iter().any(|n| n == required),
            "{required} is not signed: {:?}",
            verified.signed_headers
        );
    }
    // The query on the wire is already canonical: sorted and encoded.
    let query = request.url.query().unwrap_or("");
    assert_eq!(query, canonical_query(query));
    verified
}

// ---------------------------------------------------------------------------------------
// The verifier itself can fail.

#[test]
fn the_verifier_knows_the_vendor_vector() {
    // `get_css_query` of the vendor's vectors, checked against the verifier's pieces.
    assert_eq!(
        canonical_uri("/v1.0/p/clusters/c/logs/records"),
        "/v1.0/p/clusters/c/logs/records/"
    );
    assert_eq!(canonical_uri("/v1/x/"), "/v1/x/");
    assert_eq!(
        canonical_query("status=RUNNING&offset=1&limit=10"),
        "limit=10&offset=1&status=RUNNING"
    );
    assert_eq!(canonical_query("q=a%20b&f=a%2Bb"), "f=a%2Bb&q=a%20b");
    assert_eq!(encode("ü*~".as_bytes()), "%C3%BC%2A~");
    assert_eq!(sha256_hex(b""), EMPTY_SHA256);
}

#[tokio::test]
async fn the_verifier_rejects_a_wrong_key_and_a_tampered_request() {
    let server = server_answering(vec![json(200, r#"{"totalSize":0}"#)]).await;
    let config = aksk_builder(&server).build().unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .limit(10)
        .send()
        .await
        .expect("200");
    let mut request = requests(&server).await.remove(0);
    assert!(verify(&request, AK, SK).is_ok());
    assert!(verify(&request, AK, "not the secret")
        .unwrap_err()
        .contains("signature mismatch"));
    assert!(verify(&request, "AKOTHER", SK).is_err());
    request.url.set_query(Some("limit=11"));
    assert!(verify(&request, AK, SK).is_err());
}

// ---------------------------------------------------------------------------------------
// Every operation, signed and verified on the server side.

/// Answers each operation with a body it decodes.
fn answer(request: &Request) -> ResponseTemplate {
    let path = request.url.path();
    if path.ends_with("/logs/records") {
        json(200, r#"{"clusterLogRecord":[],"totalSize":0}"#)
    } else if path.ends_with("/errorlog-download") {
        json(200, r#"{"list":[],"status":"FINISH","count":0}"#)
    } else if path.ends_with("/links") {
        json(200, r#"{"id":"l","backup_id":"b","link":"https://x/y"}"#)
    } else if path.ends_with("/content") {
        ResponseTemplate::new(200).set_body_raw(b"tarball".to_vec(), "application/octet-stream")
    } else if request.method.as_str() == "POST" {
        json(
            202,
            r#"{"export_id":"e-1","status":"Running","percentage":"30%"}"#,
        )
    } else {
        json(
            200,
            r#"{"export_id":"e-1","status":"completed","percentage":100}"#,
        )
    }
}

/// Expected (method, raw path, raw query, signed headers) of the last request.
async fn check_last(
    server: &MockServer,
    method: &str,
    path: &str,
    query: Option<&str>,
    signed: &str,
) -> Request {
    let request = requests(server).await.pop().expect("a request");
    let verified = verify_test_request(&request, server);
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
    assert_eq!(verified.signed_headers.join(";"), signed, "{method} {path}");
    assert_eq!(verified.date, FIXED_DATE);
    assert_eq!(header(&request, "x-sdk-date"), Some(FIXED_DATE));
    request
}

#[tokio::test]
async fn every_operation_is_signed_verifiably() {
    let server = server_responding(answer).await;
    let config = aksk_builder(&server).build().unwrap();
    // As the SDK signs: its own headers (`Content-Type` on every request, the user agent), not
    // the HTTP library's (`Accept`, `Content-Length`).
    let base = "content-type;host;user-agent;x-project-id;x-sdk-date";

    let css = css::Client::new(&config);
    css.list_logs_job("cl-1")
        .offset(2)
        .limit(10)
        .status("NOT_FAIL")
        .send()
        .await
        .expect("ListLogsJob");
    let request = check_last(
        &server,
        "GET",
        &format!("/v1.0/{PROJECT}/clusters/cl-1/logs/records"),
        Some("limit=10&offset=2&status=NOT_FAIL"),
        base,
    )
    .await;
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "x-sdk-content-sha256"), None);

    // Values that need encoding, in the path and in the query.
    css.list_logs_job("cl ü+1")
        .status("a b+c/ä*")
        .offset(1)
        .send()
        .await
        .expect("ListLogsJob");
    check_last(
        &server,
        "GET",
        &format!("/v1.0/{PROJECT}/clusters/cl%20%C3%BC%2B1/logs/records"),
        Some("offset=1&status=a%20b%2Bc%2F%C3%A4%2A"),
        base,
    )
    .await;

    rds::Client::new(&config)
        .download_errorlog("rds-inst-1")
        .x_language("  en-us  ")
        .send()
        .await
        .expect("DownloadErrorlog");
    let request = check_last(
        &server,
        "POST",
        &format!("/v3/{PROJECT}/instances/rds-inst-1/errorlog-download"),
        None,
        "content-type;host;user-agent;x-language;x-project-id;x-sdk-date",
    )
    .await;
    assert_eq!(header(&request, "x-language"), Some("en-us"));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "content-length"), Some("0"));
    assert!(request.body.is_empty());

    let clouddc = clouddc::Client::new(&config);
    clouddc
        .export_server_logs("srv-1")
        .send()
        .await
        .expect("ExportServerLogs");
    let request = check_last(
        &server,
        "POST",
        &format!("/v1/{PROJECT}/physicalservers/srv-1/logs/exports"),
        None,
        base,
    )
    .await;
    assert_eq!(header(&request, "content-length"), Some("0"));

    clouddc
        .show_logs_export_status("srv-1", "e-1")
        .send()
        .await
        .expect("ShowLogsExportStatus");
    check_last(
        &server,
        "GET",
        &format!("/v1/{PROJECT}/physicalservers/srv-1/logs/exports/e-1"),
        None,
        base,
    )
    .await;

    let download = clouddc
        .download_server_logs("srv-1", "e-1")
        .send()
        .await
        .expect("DownloadServerLogs");
    assert_eq!(
        &download.into_inner().collect().await.unwrap()[..],
        b"tarball"
    );
    let request = check_last(
        &server,
        "GET",
        &format!("/v1/{PROJECT}/physicalservers/srv-1/logs/exports/e-1/content"),
        None,
        base,
    )
    .await;
    assert_eq!(header(&request, "accept"), Some("application/octet-stream"));

    dcs::Client::new(&config)
        .create_redislog_download_link("inst-1", "log-42")
        .send()
        .await
        .expect("CreateRedislogDownloadLink");
    check_last(
        &server,
        "POST",
        &format!("/v2/{PROJECT}/instances/inst-1/redislog/log-42/links"),
        None,
        base,
    )
    .await;

    assert_eq!(requests(&server).await.len(), 7);
}

#[tokio::test]
async fn a_security_token_is_sent_and_signed() {
    let server = server_responding(answer).await;
    let config = sts_builder(&server).build().unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .limit(5)
        .send()
        .await
        .expect("ListLogsJob");
    let request = requests(&server).await.remove(0);
    let verified = verify_test_request(&request, &server);
    assert_eq!(header(&request, "x-security-token"), Some(SECURITY_TOKEN));
    assert_eq!(
        verified.signed_headers.join(";"),
        "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token"
    );
}

#[tokio::test]
async fn a_per_call_project_id_is_the_one_signed() {
    let server = server_responding(answer).await;
    let config = aksk_builder(&server).build().unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .project_id("other-project")
        .send()
        .await
        .expect("ListLogsJob");
    let request = requests(&server).await.remove(0);
    let verified = verify(&request, AK, SK).unwrap_or_else(|e| panic!("{e}"));
    assert!(verified.signed_headers.iter().any(|n| n == "x-project-id"));
    assert!(
        request.url.path().starts_with("/v1.0/other-project/"),
        "{}",
        request.url
    );
    assert_eq!(header(&request, "x-project-id"), Some("other-project"));
}

#[tokio::test]
async fn a_token_is_sent_without_signing() {
    let server = server_responding(answer).await;
    let config = token_builder(&server).clock(fixed_clock()).build().unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("ListLogsJob");
    let request = requests(&server).await.remove(0);
    assert_eq!(header(&request, "x-auth-token"), Some(TOKEN));
    // The SDK's convention holds with a token too: a GET says `Content-Type: application/json`.
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    for absent in [
        "authorization",
        "x-sdk-date",
        "x-security-token",
        "x-sdk-content-sha256",
    ] {
        assert_eq!(header(&request, absent), None, "{absent} sent with a token");
    }
}

#[tokio::test]
async fn every_retry_attempt_is_signed_afresh() {
    let server = server_answering(vec![error(503), json(200, r#"{"totalSize":3}"#)]).await;
    let ticks = Arc::new(AtomicU64::new(0));
    let clock_ticks = ticks.clone();
    let config = aksk_builder(&server)
        .clock(move || {
            UNIX_EPOCH
                + Duration::from_secs(FIXED_SECS + clock_ticks.fetch_add(1, Ordering::SeqCst))
        })
        .retry(fast_retry(3))
        .build()
        .unwrap();
    let response = css::Client::new(&config)
        .list_logs_job("cl-1")
        .limit(10)
        .send()
        .await
        .expect("503 then 200");
    assert_eq!(response.total_size, Some(3));
    let received = requests(&server).await;
    assert_eq!(received.len(), 2);
    let dates: Vec<String> = received
        .iter()
        .map(|r| verify_test_request(r, &server).date)
        .collect();
    assert_eq!(dates, ["20250320T024806Z", "20250320T024807Z"]);
    assert_ne!(signature_of(&received[0]), signature_of(&received[1]));
    assert_eq!(
        ticks.load(Ordering::SeqCst),
        2,
        "the clock is read once per attempt"
    );
}

/// The only test touching the process environment (tests run in parallel threads).
#[tokio::test]
async fn credentials_from_the_environment() {
    const VARS: [&str; 3] = ["CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN"];
    let saved: Vec<Option<std::ffi::OsString>> = VARS.iter().map(std::env::var_os).collect();
    let env_ak = "AKFROMENV0000RUNTIME";
    let env_sk = "SKfromEnv/5ecret=runtime-77aa";
    let env_st = "sts-from-env-5ecret-88bb";

    for var in VARS {
        std::env::remove_var(var);
    }
    let missing = Credentials::from_env().unwrap_err();
    assert!(
        matches!(missing, ConfigError::MissingEnv("CLOUD_SDK_AK")),
        "{missing:?}"
    );
    assert_eq!(
        missing.to_string(),
        "the environment variable CLOUD_SDK_AK is not set"
    );

    std::env::set_var("CLOUD_SDK_AK", env_ak);
    let missing = Credentials::from_env().unwrap_err();
    assert!(
        matches!(missing, ConfigError::MissingEnv("CLOUD_SDK_SK")),
        "{missing:?}"
    );
    std::env::set_var("CLOUD_SDK_SK", "");
    assert!(matches!(
        Credentials::from_env(),
        Err(ConfigError::MissingEnv("CLOUD_SDK_SK"))
    ));

    std::env::set_var("CLOUD_SDK_SK", env_sk);
    let credentials = Credentials::from_env().expect("AK and SK set");
    match &credentials {
        Credentials::AkSk {
            access_key,
            secret_key,
            security_token,
        } => {
            assert_eq!(access_key, env_ak);
            assert_eq!(secret_key.expose(), env_sk);
            assert!(security_token.is_none());
        }
        other => panic!("expected AK/SK, got {other:?}"),
    }
    assert!(!format!("{credentials:?}").contains(env_sk));

    std::env::set_var("CLOUD_SDK_SECURITY_TOKEN", env_st);
    let credentials = Credentials::from_env().expect("AK, SK and token set");
    for var in VARS {
        std::env::remove_var(var);
    }
    for (var, value) in VARS.iter().zip(&saved) {
        if let Some(value) = value {
            std::env::set_var(var, value);
        }
    }

    // The environment's credentials sign requests the server can verify.
    let server = server_responding(answer).await;
    let config = aksk_builder(&server)
        .credentials(credentials)
        .build()
        .unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("ListLogsJob");
    let request = requests(&server).await.remove(0);
    let verified = verify(&request, env_ak, env_sk).unwrap_or_else(|e| panic!("{e}"));
    assert!(verified
        .signed_headers
        .contains(&"x-security-token".to_owned()));
    assert_eq!(header(&request, "x-security-token"), Some(env_st));
    assert!(verify(&request, AK, SK).is_err());
}

#[tokio::test]
async fn an_endpoint_path_prefix_is_signed_as_sent() {
    // `ConfigBuilder::endpoint` documents that a path prefix is kept; the signature must then
    // cover the path the server receives.
    let server = server_responding(answer).await;
    let config = aksk_builder(&server)
        .endpoint(format!("{}/gw", server.uri()))
        .build()
        .unwrap();
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("ListLogsJob");
    let request = requests(&server).await.remove(0);
    assert_eq!(
        request.url.path(),
        format!("/gw/v1.0/{PROJECT}/clusters/cl-1/logs/records")
    );
    verify_test_request(&request, &server);
}
