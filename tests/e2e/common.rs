//! Small helpers shared by every e2e module: a config for a mock server, the single request
//! a server received, and canned responses.

use cloud_logs_client::Config;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The token every test config carries; long and unique so redaction checks can search for it.
pub const TOKEN: &str = "tok-e2e-5ecret-7f3a9c";
/// The project id every test config carries.
pub const PROJECT: &str = "proj";
/// The request id the mock servers answer with.
pub const REQUEST_ID: &str = "req-0123456789abcdef";
/// The `User-Agent` the client sends by default: the shared runtime's name and version.
pub const USER_AGENT: &str = "clientgen-runtime/0.2.0";
/// The error body of the tests (an IAM authentication failure, as the APIs send it).
pub const ERROR_BODY: &str =
    r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#;
pub const ERROR_CODE: &str = "APIGW.0301";
pub const ERROR_MSG: &str = "Incorrect IAM authentication information";

/// A config sending to `server` with the test token and project id.
///
/// Retries are off: these tests look at one request and one response each; the retry
/// behaviour has tests of its own.
pub fn config(server: &MockServer) -> Config {
    Config::builder()
        .endpoint(server.uri())
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(cloud_logs_client::RetryConfig::disabled())
        .build()
        .expect("a loopback endpoint and a plain token make a valid config")
}

/// A config sending to `server` with the test token but no project id.
pub fn config_without_project(server: &MockServer) -> Config {
    Config::builder()
        .retry(cloud_logs_client::RetryConfig::disabled())
        .endpoint(server.uri())
        .token(TOKEN)
        .build()
        .expect("a loopback endpoint and a plain token make a valid config")
}

/// A fresh server answering every request with `response`.
pub async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A JSON response with the given status, body (verbatim) and the test request id.
pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("X-Request-Id", REQUEST_ID)
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
}

/// The documented error body with `status` and the test request id.
pub fn error(status: u16) -> ResponseTemplate {
    json(status, ERROR_BODY)
}

/// Every request `server` received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is enabled by default")
}

/// The one request `server` received; fails if it received none or several.
pub async fn single_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {all:?}");
    all.remove(0)
}

/// Asserts `server` received nothing.
pub async fn assert_no_request(server: &MockServer) {
    let all = requests(server).await;
    assert!(all.is_empty(), "expected no request, got {all:?}");
}

/// A header of `request` as text, if present exactly once.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    let mut values = request.headers.get_all(name).iter();
    let value = values.next()?;
    assert!(values.next().is_none(), "header {name} sent more than once");
    Some(value.to_str().expect("a visible ASCII header value"))
}

/// The names of the headers of `request`, lower case and sorted.
pub fn header_names(request: &Request) -> Vec<String> {
    let mut names: Vec<String> = request.headers.keys().map(|n| n.to_string()).collect();
    names.sort();
    names
}

/// A free loopback port: bound, then released, so nothing listens on it.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

/// A config sending to `port` on loopback, where nothing listens.
pub fn config_for_closed_port() -> Config {
    Config::builder()
        .endpoint(format!("http://127.0.0.1:{}", closed_port()))
        .token(TOKEN)
        .project_id(PROJECT)
        .build()
        .expect("valid config")
}

/// The construction error of a call that must fail before sending.
pub fn construction_error<E: std::fmt::Debug>(
    error: cloud_logs_client::Error<E>,
) -> cloud_logs_client::ConstructionError {
    match error {
        cloud_logs_client::Error::Construction(e) => e,
        other => panic!("expected Error::Construction, got {other:?}"),
    }
}

/// The response error of a call answered with something undocumented or undecodable.
pub fn response_error<E: std::fmt::Debug>(
    error: &cloud_logs_client::Error<E>,
) -> &cloud_logs_client::ResponseError {
    match error {
        cloud_logs_client::Error::Response(e) => e,
        other => panic!("expected Error::Response, got {other:?}"),
    }
}
