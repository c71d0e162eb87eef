//! Small helpers shared by the runtime tests: credentials, configs for a mock server on
//! 127.0.0.1, canned responses, a responder answering a fixed sequence, and request access.

use cloud_logs_client::{ConfigBuilder, Credentials, RetryConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The access key of the tests (not secret, but unique).
pub const AK: &str = "AKRUNTIMETEST0000042";
/// The secret key of the tests; long and unique so leak checks can search for it.
pub const SK: &str = "SKrt/5ecret+key=runtime-9f8e7d6c5b4a";
/// A security token (temporary credentials); unique for leak checks.
pub const SECURITY_TOKEN: &str = "sts-rt-5ecret-token-d4e5f6a7b8";
/// A token for `X-Auth-Token`; unique for leak checks.
pub const TOKEN: &str = "tok-rt-5ecret-a1b2c3d4e5";
/// The project id of every test config.
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// The fixed signing time of the tests: the vectors' date 2025-03-20T02:48:06Z.
pub const FIXED_SECS: u64 = 1_742_438_886;
/// `FIXED_SECS` as `X-Sdk-Date` carries it.
pub const FIXED_DATE: &str = "20250320T024806Z";
/// The request id the mock servers answer with.
pub const REQUEST_ID: &str = "req-rt-0123456789";
/// The documented error body.
pub const ERROR_BODY: &str = r#"{"error_code":"SVC.0503","error_msg":"busy"}"#;

pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A clock standing still at `FIXED_SECS`.
pub fn fixed_clock() -> impl Fn() -> SystemTime + Send + Sync + 'static {
    || UNIX_EPOCH + Duration::from_secs(FIXED_SECS)
}

/// A config builder for `server` with AK/SK, the project id, the fixed clock and no retries.
pub fn aksk_builder(server: &MockServer) -> ConfigBuilder {
    cloud_logs_client::Config::builder()
        .endpoint(server.uri())
        .aksk(AK, SK)
        .project_id(PROJECT)
        .clock(fixed_clock())
        .retry(RetryConfig::disabled())
}

/// Like [`aksk_builder`], with a security token too.
pub fn sts_builder(server: &MockServer) -> ConfigBuilder {
    aksk_builder(server).credentials(Credentials::aksk(AK, SK).with_security_token(SECURITY_TOKEN))
}

/// A config builder for `server` with the token, the project id and no retries.
pub fn token_builder(server: &MockServer) -> ConfigBuilder {
    cloud_logs_client::Config::builder()
        .endpoint(server.uri())
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
}

/// `attempts` attempts with a tiny backoff (Retry-After is still honoured up to 20 s).
pub fn fast_retry(attempts: u32) -> RetryConfig {
    RetryConfig::default()
        .max_attempts(attempts)
        .initial_backoff(ms(10))
}

/// A JSON response with the given status, body (verbatim) and the test request id.
pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("X-Request-Id", REQUEST_ID)
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// The documented error body with `status`.
pub fn error(status: u16) -> ResponseTemplate {
    json(status, ERROR_BODY)
}

/// Answers the i-th request with the i-th response; the last one repeats.
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for Sequence {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.responses[i.min(self.responses.len() - 1)].clone()
    }
}

/// A fresh server answering with `responses` in turn (the last repeats).
pub async fn server_answering(responses: Vec<ResponseTemplate>) -> MockServer {
    assert!(!responses.is_empty());
    server_responding(Sequence {
        responses,
        next: AtomicUsize::new(0),
    })
    .await
}

/// A fresh server answering every request with `responder`.
pub async fn server_responding(responder: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(responder)
        .mount(&server)
        .await;
    server
}

/// Every request `server` received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is enabled by default")
}

/// A header of `request` as text, if present; fails if it was sent more than once.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    let mut values = request.headers.get_all(name).iter();
    let value = values.next()?;
    assert!(values.next().is_none(), "header {name} sent more than once");
    Some(value.to_str().expect("a visible ASCII header value"))
}

/// The `Signature=` part of a request's `Authorization` header.
pub fn signature_of(request: &Request) -> String {
    let authorization = header(request, "authorization").expect("an Authorization header");
    authorization
        .rsplit_once("Signature=")
        .map(|(_, s)| s.to_owned())
        .expect("Signature= in Authorization")
}

/// A free loopback port: bound, then released, so nothing listens on it.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

/// Asserts `elapsed` lies in `[min, max)`.
/// A limit never fires early. There is no upper bound: a busy machine can make anything
/// slow, so what a limit ended is shown by the error's kind and the requests counted, and a
/// test that would hang is ended by its time bound.
pub fn assert_at_least(what: &str, elapsed: Duration, min: Duration) {
    assert!(
        elapsed >= min,
        "{what}: took {elapsed:?}, expected at least {min:?}"
    );
}
