//! Helpers shared by the waiter and paginator tests: a config for a mock server, a time bound
//! for every test, canned responses, a responder answering a scripted sequence while recording
//! when each request arrived, and access to what a server received.

use cloud_logs_client::{Config, RetryConfig};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The token every test config carries.
pub const TOKEN: &str = "tok-wf-5ecret-0c1d2e3f";
/// The project id every test config carries.
pub const PROJECT: &str = "proj";
/// The request id the mock servers answer with.
pub const REQUEST_ID: &str = "req-wf-0123456789";
/// The documented error body (an IAM authentication failure, as the APIs send it).
pub const ERROR_BODY: &str =
    r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;
/// The longest any test may take: a waiter or paginator that loops fails the test instead of
/// hanging it.
pub const TEST_LIMIT: Duration = Duration::from_secs(30);

pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Runs `test` for at most [`TEST_LIMIT`].
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_LIMIT, test)
        .await
        .expect("the test did not finish within its time bound")
}

/// A config sending to `server` with the token, the project id and no retries (each poll or
/// page is then exactly one request).
pub fn config(server: &MockServer) -> Config {
    Config::builder()
        .endpoint(server.uri())
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback endpoint and a plain token make a valid config")
}

/// A JSON response with the given status, body (verbatim) and the test request id.
pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("X-Request-Id", REQUEST_ID)
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// A 200 response with `body` serialised.
pub fn ok(body: serde_json::Value) -> ResponseTemplate {
    json(200, &body.to_string())
}

/// The documented error body with `status`.
pub fn error(status: u16) -> ResponseTemplate {
    json(status, ERROR_BODY)
}

/// When each request arrived, in order (shared between a responder and its test).
#[derive(Clone, Default)]
pub struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Arrivals {
    pub fn record(&self) {
        self.0.lock().unwrap().push(Instant::now());
    }

    pub fn all(&self) -> Vec<Instant> {
        self.0.lock().unwrap().clone()
    }

    /// The time between each request and the next.
    pub fn gaps(&self) -> Vec<Duration> {
        self.all().windows(2).map(|w| w[1] - w[0]).collect()
    }
}

/// Answers the i-th request with the i-th response (the last one repeats), recording when
/// each request arrived.
pub struct Script {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
    arrivals: Arrivals,
}

impl Respond for Script {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        self.arrivals.record();
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.responses[i.min(self.responses.len() - 1)].clone()
    }
}

/// A fresh server answering with `responses` in turn (the last repeats), and the record of
/// when its requests arrived.
pub async fn scripted(responses: Vec<ResponseTemplate>) -> (MockServer, Arrivals) {
    assert!(!responses.is_empty());
    let arrivals = Arrivals::default();
    let server = responding(Script {
        responses,
        next: AtomicUsize::new(0),
        arrivals: arrivals.clone(),
    })
    .await;
    (server, arrivals)
}

/// A fresh server answering every request with `responder`.
pub async fn responding(responder: impl Respond + 'static) -> MockServer {
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

/// A header of `request` as text, if present exactly once.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    let mut values = request.headers.get_all(name).iter();
    let value = values.next()?;
    assert!(values.next().is_none(), "header {name} sent more than once");
    Some(value.to_str().expect("a visible ASCII header value"))
}

/// The value of the query parameter `name` of `request`, if present exactly once.
pub fn query(request: &Request, name: &str) -> Option<String> {
    let mut values = request
        .url
        .query_pairs()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    let value = values.next()?;
    assert!(
        values.next().is_none(),
        "query parameter {name} sent more than once"
    );
    Some(value)
}
