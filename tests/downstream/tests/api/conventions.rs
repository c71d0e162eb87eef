//! A spec that declares no conventions (`spec/problems.yaml`), on 127.0.0.1: the error code
//! and message come from RFC 9457 problem details and from `{"error": {"message"}}`, the
//! request id from `request-id`; a GET carries no `Content-Type` and a JSON body is compact.

use downstream_example::api::problems::{types::Note, Client, CONVENTIONS};
use downstream_example::api::{conventions::Conventions, Config};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call finishes within 10 s")
}

fn client(endpoint: &str) -> Client {
    Client::new(
        &Config::builder()
            .endpoint(endpoint)
            .attempt_timeout(Some(Duration::from_secs(5)))
            .build()
            .expect("the configuration is valid"),
    )
}

#[test]
fn a_spec_without_conventions_gets_the_defaults() {
    assert_eq!(CONVENTIONS, Conventions::DEFAULT);
    assert_eq!(CONVENTIONS.bodiless_content_type, None);
}

#[tokio::test]
async fn problem_details_give_the_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/notes/n1"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "req-404")
                .set_body_raw(
                    r#"{"type":"https://example.com/probs/no-note","title":"Not found","status":404,"detail":"No note n1"}"#,
                    "application/problem+json",
                ),
        )
        .mount(&server)
        .await;
    let error = bounded(client(&server.uri()).get_note("n1").send())
        .await
        .expect_err("a 404");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.code(), Some("https://example.com/probs/no-note"));
    assert_eq!(error.message(), Some("No note n1"));
    assert_eq!(error.request_id(), Some("req-404"));
    let shown = error.to_string();
    assert!(
        shown.contains("No note n1") && shown.contains("req-404"),
        "{shown}"
    );

    // The GET went without a `Content-Type`.
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].headers.get("content-type").is_none(),
        "{:?}",
        requests[0].headers
    );
}

#[tokio::test]
async fn nested_error_messages_and_titles_are_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/notes/n2"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("x-request-id", "req-500")
                .set_body_raw(r#"{"error":{"message":"it broke"}}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/notes/n3"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"title":"Not Found","status":404}"#,
            "application/problem+json",
        ))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let error = bounded(client.get_note("n2").send())
        .await
        .expect_err("a 500");
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), Some("it broke"));
    assert_eq!(error.request_id(), Some("req-500"));
    let error = bounded(client.get_note("n3").send())
        .await
        .expect_err("a 404");
    assert_eq!(error.message(), Some("Not Found"));
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn json_bodies_are_compact_and_the_request_id_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("request-id", "req-201")
                .set_body_raw(r#"{"text":"é"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let note = Note::new("café, ok").with_tags(vec!["a".to_owned(), "b".to_owned()]);
    let created = bounded(client(&server.uri()).create_note(note).send())
        .await
        .expect("created");
    assert_eq!(created.request_id(), Some("req-201"));
    assert_eq!(created.text, "é");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        r#"{"text":"café, ok","tags":["a","b"]}"#
    );
    assert_eq!(
        requests[0]
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
}
