//! The build-time client against a mock on 127.0.0.1.

use downstream_example::api::inventory::Client;
use downstream_example::api::Config;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_generated_client_pages_and_decodes() {
    let server = MockServer::start().await;
    for (offset, body) in [
        (
            "0",
            r#"{"items":[{"id":"1","name":"bolt"},{"id":"2","name":"nut"}],"total":3}"#,
        ),
        ("2", r#"{"items":[{"id":"3","name":"washer"}],"total":3}"#),
    ] {
        Mock::given(method("GET"))
            .and(path("/items"))
            .and(query_param("offset", offset))
            .and(query_param("limit", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let config = Config::builder()
        .endpoint(server.uri())
        .token("t")
        .build()
        .unwrap();
    let client = Client::new(&config);
    let names = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        downstream_example::item_names(&client),
    )
    .await
    .expect("bounded")
    .unwrap();
    assert_eq!(names, ["bolt", "nut", "washer"]);
}

#[tokio::test]
async fn invalid_arguments_are_refused_before_sending() {
    let config = Config::builder()
        .endpoint("http://127.0.0.1:9")
        .token("t")
        .build()
        .unwrap();
    let error = Client::new(&config).get_item("").send().await.unwrap_err();
    assert!(error.to_string().contains("id"), "{error}");
}
