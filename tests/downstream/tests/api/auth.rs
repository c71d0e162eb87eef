//! Security schemes from the spec, on the wire: what each scheme sends to a server on
//! 127.0.0.1, what a missing credential does (nothing is sent), what `Debug` shows, and the
//! OAuth 2.0 client-credentials flow (a token kept, refreshed before it expires, replaced
//! once when the server refuses it).

use downstream_example::api::auth::{AccessToken, ClientCredentials, TokenError, TokenFn};
use downstream_example::api::secure::{security, Client};
use downstream_example::api::{Config, Credentials};
use std::time::Duration;
use wiremock::matchers::{body_string_contains, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Every call is bounded: a test never hangs on a server that does not answer.
async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call finishes within 10 s")
}

fn client(
    endpoint: &str,
    configure: impl FnOnce(
        downstream_example::api::ConfigBuilder,
    ) -> downstream_example::api::ConfigBuilder,
) -> Client {
    let builder = Config::builder()
        .endpoint(endpoint)
        .attempt_timeout(Some(Duration::from_secs(5)));
    Client::new(
        &configure(builder)
            .build()
            .expect("the configuration is valid"),
    )
}

async fn no_content(server: &MockServer, at: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

fn received(requests: &[Request]) -> Vec<(String, Option<String>)> {
    requests
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                r.headers
                    .get("authorization")
                    .map(|v| v.to_str().unwrap_or_default().to_owned()),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_scheme_sends_its_credential_where_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/bearer"))
        .and(header("authorization", "Bearer b-token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"ok":true}"#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/keys"))
        .and(header("x-api-key", "h-key"))
        .and(query_param("api_key", "q key"))
        .and(header("cookie", "session=c-key"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/basic"))
        // base64("user:pa:ss")
        .and(header("authorization", "Basic dXNlcjpwYTpzcw=="))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/digest"))
        .and(header("authorization", "Digest d-value"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server.uri(), |b| {
        b.bearer_token("b-token")
            .credential_for("headerKey", Credentials::token("h-key"))
            .credential_for(security::QUERY_KEY.name, Credentials::token("q key"))
            .credential_for(security::COOKIE_KEY.name, Credentials::token("c-key"))
            .basic("user", "pa:ss")
            .credentials(Credentials::Http(downstream_example::api::Secret::new(
                "d-value",
            )))
    });
    let ok = bounded(client.by_default().send()).await.unwrap();
    assert_eq!(ok.into_inner().ok, Some(true));
    bounded(client.by_keys().send()).await.unwrap();
    bounded(client.by_basic().send()).await.unwrap();
    bounded(client.by_other_scheme().send()).await.unwrap();
}

#[tokio::test]
async fn a_missing_credential_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    // An API key configured, but the keys operation needs three, and /bearer a token.
    let client = client(&server.uri(), |b| b.basic("user", "password"));
    let error = bounded(client.by_default().send()).await.unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("`bearer` (a bearer token)") && text.contains("ByDefault"),
        "{text}"
    );
    let error = bounded(client.by_keys().send()).await.unwrap_err();
    assert!(text.contains("credentials"), "{error}");
    assert!(
        error
            .to_string()
            .contains("`headerKey` (an API key in the header `X-Api-Key`) and"),
        "{error}"
    );
}

#[tokio::test]
async fn anonymous_alternatives_and_operations_without_security() {
    let server = MockServer::start().await;
    no_content(&server, "/optional").await;
    no_content(&server, "/public").await;
    // Nothing configured: `{}` allows the call, and `security: []` asks for nothing.
    let anonymous = client(&server.uri(), |b| b);
    bounded(anonymous.optional().send()).await.unwrap();
    bounded(anonymous.public().send()).await.unwrap();
    // A key configured: the first alternative is used; the public operation sends nothing.
    let keyed = client(&server.uri(), |b| b.api_key("h-key"));
    bounded(keyed.optional().send()).await.unwrap();
    bounded(keyed.public().send()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let keys: Vec<(String, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                r.headers
                    .get("x-api-key")
                    .map(|v| v.to_str().unwrap_or_default().to_owned()),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("/optional".to_owned(), None),
            ("/public".to_owned(), None),
            ("/optional".to_owned(), Some("h-key".to_owned())),
            ("/public".to_owned(), None),
        ]
    );
}

#[tokio::test]
async fn secrets_never_show_in_debug() {
    let config = Config::builder()
        .endpoint("http://127.0.0.1:9")
        .bearer_token("bearer-secret")
        .api_key("key-secret")
        .basic("user", "password-secret")
        .credentials(Credentials::Http(downstream_example::api::Secret::new(
            "http-secret",
        )))
        .token_source(
            ClientCredentials::new("http://127.0.0.1:9/token", "id", "client-secret").unwrap(),
        )
        .build()
        .unwrap();
    let shown = format!("{config:?} {:?}", Client::new(&config));
    for secret in [
        "bearer-secret",
        "key-secret",
        "password-secret",
        "http-secret",
        "client-secret",
    ] {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
}

#[tokio::test]
async fn a_token_callback_supplies_each_call() {
    let server = MockServer::start().await;
    no_content(&server, "/oauth").await;
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let client = client(&server.uri(), move |b| {
        b.token_source(TokenFn(move || {
            let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async move {
                Ok::<_, TokenError>(AccessToken {
                    value: downstream_example::api::Secret::new(format!("t{n}")),
                    expires_at: None,
                })
            }
        }))
    });
    bounded(client.by_o_auth().send()).await.unwrap();
    bounded(client.by_o_auth().send()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        received(&requests),
        [
            ("/oauth".to_owned(), Some("Bearer t0".to_owned())),
            ("/oauth".to_owned(), Some("Bearer t1".to_owned())),
        ]
    );
}

/// The client-credentials flow: the token is asked for once and kept; a 401 makes the client
/// forget it, get a new one and send the request once more; a token about to expire is
/// replaced before it is used.
#[tokio::test]
async fn client_credentials_are_kept_refreshed_and_replaced_on_401() {
    let auth = MockServer::start().await;
    let api = MockServer::start().await;
    let issued = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = issued.clone();
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header_exists("authorization"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=read"))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_raw(
                format!(r#"{{"access_token":"a{n}","token_type":"bearer","expires_in":3600}}"#),
                "application/json",
            )
        })
        .mount(&auth)
        .await;
    // The first token is refused once.
    Mock::given(method("GET"))
        .and(path("/oauth"))
        .and(header("authorization", "Bearer a1"))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth"))
        .and(header("authorization", "Bearer a1"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth"))
        .and(header("authorization", "Bearer a2"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&api)
        .await;
    let flow = ClientCredentials::new(&format!("{}/token", auth.uri()), "client", "secret")
        .unwrap()
        .scopes(["read"]);
    let oauth = client(&api.uri(), |b| b.token_source(flow));
    bounded(oauth.by_o_auth().send()).await.unwrap();
    // The same token, kept; the server refuses it; a new one, and the request again.
    bounded(oauth.by_o_auth().send()).await.unwrap();
    bounded(oauth.by_o_auth().send()).await.unwrap();
    assert_eq!(issued.load(std::sync::atomic::Ordering::SeqCst), 2);
    let requests = api.received_requests().await.unwrap();
    let sent: Vec<Option<String>> = received(&requests).into_iter().map(|(_, a)| a).collect();
    let expected: Vec<Option<String>> = ["Bearer a1", "Bearer a1", "Bearer a2", "Bearer a2"]
        .iter()
        .map(|s| Some((*s).to_owned()))
        .collect();
    assert_eq!(sent, expected);
    // The client secret went to the token endpoint only, as HTTP basic.
    let token_requests = auth.received_requests().await.unwrap();
    assert!(token_requests
        .iter()
        .all(|r| r.headers.get("authorization").is_some()));
    assert!(requests.iter().all(|r| {
        !String::from_utf8_lossy(&r.body).contains("secret")
            && r.headers
                .get("authorization")
                .is_some_and(|v| !v.to_str().unwrap_or_default().starts_with("Basic"))
    }));

    // A token that expires within the refresh margin is replaced before each use.
    let short = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"s","expires_in":30}"#,
            "application/json",
        ))
        .expect(2)
        .mount(&short)
        .await;
    no_content(&api, "/oauth").await;
    let flow = ClientCredentials::new(&format!("{}/token", short.uri()), "client", "secret")
        .unwrap()
        .refresh_before(Duration::from_secs(60));
    let refreshing = client(&api.uri(), |b| b.token_source(flow));
    bounded(refreshing.by_o_auth().send()).await.unwrap();
    bounded(refreshing.by_o_auth().send()).await.unwrap();
}
