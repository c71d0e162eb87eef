//! The build-time client against a mock on 127.0.0.1.

use downstream_example::api::inventory::Client;
use downstream_example::api::Config;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(endpoint: &str) -> Config {
    Config::builder()
        .endpoint(endpoint)
        .token("t")
        .build()
        .unwrap()
}

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
    let client = Client::new(&config(&server.uri()));
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
    let error = Client::new(&config("http://127.0.0.1:9"))
        .get_item("")
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("id"), "{error}");
}

/// The service's error type of a mounted client: any operation's error converts into it.
#[tokio::test]
async fn errors_convert_into_the_services_error_type() {
    use downstream_example::api::inventory::InventoryError;
    use downstream_example::api::{Error, UntypedError};
    async fn get(client: &Client) -> Result<(), InventoryError> {
        client.get_item("").send().await?;
        Ok(())
    }
    let error = get(&Client::new(&config("http://127.0.0.1:9")))
        .await
        .unwrap_err();
    // GetItem documents the errors ListItems does: their errors share a type, and a variant.
    assert!(matches!(
        &error,
        InventoryError::ListItems(Error::Construction(_))
    ));
    assert!(!error.is_retryable() && !error.is_throttling());
    assert_eq!(error.status(), None);
    let untyped: UntypedError = error.into_untyped();
    assert!(matches!(untyped, Error::Construction(_)), "{untyped:?}");
}

/// Objects in the deepObject, form, matrix, simple and JSON styles, as they reach a server.
#[tokio::test]
async fn structured_parameters_are_written_in_their_styles() {
    use downstream_example::api::inventory::types::{
        SearchItemsFilter, SearchItemsFilterPrice, SearchItemsPosition, SearchItemsSort,
        SearchItemsXDimensions,
    };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let items = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        Client::new(&config(&server.uri()))
            .search_items("north, 2")
            .filter(
                SearchItemsFilter::new()
                    .with_name("bolt")
                    .with_price(SearchItemsFilterPrice::new().with_gte(1.5))
                    .with_tags(vec!["a&b".to_owned(), "c".to_owned()]),
            )
            .position(SearchItemsPosition::new().with_aisle("B").with_shelf(3))
            .x_dimensions(SearchItemsXDimensions::new().with_width(40).with_depth(60))
            .sort(SearchItemsSort::new().with_by("name").with_descending(true))
            .send(),
    )
    .await
    .expect("bounded")
    .unwrap();
    assert!(items.into_inner().is_empty());
    let received = server.received_requests().await.unwrap();
    let url = &received[0].url;
    // The matrix value is encoded, its `;` and `=` are not.
    assert_eq!(url.path(), "/warehouses/;site=north%2C%202/items");
    let query = url.query().unwrap();
    for pair in [
        "filter%5Bname%5D=bolt",
        "filter%5Bprice%5D%5Bgte%5D=1.5",
        "filter%5Btags%5D%5B0%5D=a%26b",
        "filter%5Btags%5D%5B1%5D=c",
        "aisle=B",
        "shelf=3",
        "sort=%7B%22by%22%3A%22name%22%2C%22descending%22%3Atrue%7D",
    ] {
        assert!(query.split('&').any(|p| p == pair), "{pair} not in {query}");
    }
    assert_eq!(query.split('&').count(), 7, "{query}");
    let dimensions = received[0].headers.get("x-dimensions").unwrap();
    assert_eq!(dimensions.to_str().unwrap(), "depth=60,width=40");
}
