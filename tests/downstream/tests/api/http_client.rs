//! The HTTP client is the user's to shape: a `Config` built from the user's `reqwest::Client`
//! sends through it (shared by service clients and configurations), hooks see every attempt
//! in order and can add a header, and a redirect the user's client follows is never taken as
//! the answer. Servers on 127.0.0.1.

use downstream_example::api::{
    inventory, secure, Config, Error, Hook, HookContext, ResponseErrorKind, RetryConfig,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every call is bounded: a test never hangs on a server that does not answer.
async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call finishes within 10 s")
}

/// A client of the user's own, recognisable by a default header.
fn users_client(tag: &'static str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-users-client",
        reqwest::header::HeaderValue::from_static(tag),
    );
    Config::http_client_builder()
        .default_headers(headers)
        .build()
        .expect("the client builds")
}

fn item() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(r#"{"id":"a","name":"A"}"#, "application/json")
}

#[tokio::test]
async fn a_config_built_from_the_users_client_sends_through_it_for_every_service_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .and(header("x-users-client", "shared"))
        .respond_with(item())
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/public"))
        .and(header("x-users-client", "shared"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let shared = users_client("shared");
    let config = Config::builder()
        .endpoint(server.uri())
        .http_client(shared.clone())
        .build()
        .unwrap();
    // Another configuration on the same client (one connection pool).
    let other = Config::builder()
        .endpoint(server.uri())
        .user_agent("other/1")
        .http_client(shared)
        .build()
        .unwrap();
    assert!(format!("{config:?}").contains("the user's"), "{config:?}");
    let items = inventory::Client::new(&config);
    let secure = secure::Client::new(&config);
    let items_too = inventory::Client::new(&other);
    assert_eq!(bounded(items.get_item("a").send()).await.unwrap().name, "A");
    bounded(secure.public().send()).await.unwrap();
    assert_eq!(
        bounded(items_too.get_item("a").send()).await.unwrap().name,
        "A"
    );
    // The runtime's own settings still apply on the user's client.
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].headers["user-agent"], "other/1");
}

/// What a recorder hook saw, in order.
#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
}

impl Hook for Recorder {
    fn before_send(&self, request: &mut reqwest::Request, context: &HookContext<'_>) {
        // Credentials are marked sensitive: `Debug` never shows them.
        let shown = format!("{:?}", request.headers());
        assert!(!shown.contains("s3cret"), "{shown}");
        self.events.lock().unwrap().push(format!(
            "send {} #{} {} {}",
            context.operation(),
            context.attempt(),
            request.method(),
            request.url().path()
        ));
        request.headers_mut().insert(
            "x-trace-id",
            reqwest::header::HeaderValue::from_str(&format!("trace-{}", context.attempt()))
                .unwrap(),
        );
    }

    fn after_receive(&self, response: &reqwest::Response, context: &HookContext<'_>) {
        self.events.lock().unwrap().push(format!(
            "receive {} #{} {}",
            context.operation(),
            context.attempt(),
            response.status().as_u16()
        ));
    }

    fn after_failure(&self, _: &(dyn std::error::Error + 'static), context: &HookContext<'_>) {
        self.events.lock().unwrap().push(format!(
            "failure {} #{}",
            context.operation(),
            context.attempt()
        ));
    }
}

/// A second hook, to show the order in which hooks run.
struct Second(Arc<Recorder>);

impl Hook for Second {
    fn before_send(&self, request: &mut reqwest::Request, context: &HookContext<'_>) {
        // It runs after the first one: its header is there.
        let trace = request.headers()["x-trace-id"].to_str().unwrap().to_owned();
        self.0
            .events
            .lock()
            .unwrap()
            .push(format!("second #{} sees {trace}", context.attempt()));
    }
}

#[tokio::test]
async fn hooks_see_every_attempt_in_order_and_their_header_arrives() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .respond_with(item())
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let config = Config::builder()
        .endpoint(server.uri())
        .bearer_token("s3cret")
        .retry(
            RetryConfig::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .hook(recorder.clone())
        .hook(Second(recorder.clone()))
        .build()
        .unwrap();
    let item = bounded(inventory::Client::new(&config).get_item("a").send())
        .await
        .unwrap();
    assert_eq!(item.name, "A");
    assert_eq!(
        *recorder.events.lock().unwrap(),
        [
            "send GetItem #1 GET /items/a",
            "second #1 sees trace-1",
            "receive GetItem #1 503",
            "send GetItem #2 GET /items/a",
            "second #2 sees trace-2",
            "receive GetItem #2 200",
        ]
    );
    let received = server.received_requests().await.unwrap();
    let traces: Vec<_> = received
        .iter()
        .map(|r| r.headers["x-trace-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(traces, ["trace-1", "trace-2"]);
}

#[tokio::test]
async fn a_hook_hears_of_a_failed_attempt() {
    // Nothing listens on the port: the connection fails, and the hook hears of it.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let recorder = Arc::new(Recorder::default());
    let config = Config::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .retry(RetryConfig::disabled())
        .hook(recorder.clone())
        .build()
        .unwrap();
    let error = bounded(inventory::Client::new(&config).get_item("a").send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Dispatch(_)), "{error:?}");
    assert_eq!(
        *recorder.events.lock().unwrap(),
        ["send GetItem #1 GET /items/a", "failure GetItem #1"]
    );
}

#[tokio::test]
async fn a_redirect_the_users_client_follows_is_never_the_answer_nor_carries_the_token() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"ok":true}"#, "application/json"))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/bearer"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    // A client that follows redirects (reqwest's default policy): not what the
    // documentation recommends, and still safe for the answer.
    let following = reqwest::Client::builder().build().unwrap();
    let config = Config::builder()
        .endpoint(server.uri())
        .bearer_token("s3cret")
        .http_client(following)
        .build()
        .unwrap();
    let error = bounded(secure::Client::new(&config).by_default().send())
        .await
        .unwrap_err();
    match &error {
        Error::Response(e) => assert_eq!(e.kind(), &ResponseErrorKind::Redirected),
        other => panic!("expected a refused redirect, got {other:?}"),
    }
    assert!(error.to_string().contains("redirect"), "{error}");
    // The client followed the redirect; reqwest dropped `Authorization` on the way.
    let followed = elsewhere.received_requests().await.unwrap();
    assert_eq!(followed.len(), 1);
    for request in followed {
        assert!(request.headers.get("authorization").is_none());
    }
    // The runtime's own client follows no redirect at all.
    let own = Config::builder()
        .endpoint(server.uri())
        .bearer_token("s3cret")
        .build()
        .unwrap();
    let before = elsewhere.received_requests().await.unwrap().len();
    let error = bounded(secure::Client::new(&own).by_default().send())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302), "{error:?}");
    assert_eq!(elsewhere.received_requests().await.unwrap().len(), before);
}

/// Shows the URL as a hook may log it.
struct UrlLogger(Arc<Mutex<Vec<String>>>);

impl Hook for UrlLogger {
    fn before_send(&self, request: &mut reqwest::Request, context: &HookContext<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(context.display_url(request.url()));
    }
}

#[tokio::test]
async fn a_hook_can_log_the_url_without_the_query_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let logged = Arc::new(Mutex::new(Vec::new()));
    let config = Config::builder()
        .endpoint(server.uri())
        .api_key("s3cret")
        .hook(UrlLogger(logged.clone()))
        .build()
        .unwrap();
    bounded(secure::Client::new(&config).by_keys().send())
        .await
        .unwrap();
    let logged = logged.lock().unwrap();
    assert_eq!(logged.len(), 1);
    assert!(logged[0].contains("/keys?api_key="), "{}", logged[0]);
    assert!(!logged[0].contains("s3cret"), "{}", logged[0]);
}
