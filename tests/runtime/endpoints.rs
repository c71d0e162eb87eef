//! Endpoints: each service's spec server for a region, an explicit endpoint overriding it,
//! and regions that cannot be part of a host name rejected. Requests go to loopback only.

use super::common::*;
use cloud_logs_client::{clouddc, css, dcs, rds, Config, ConfigError};
use std::path::Path;

/// The first `servers` URL of `spec/<name>.yaml`, read as text.
fn spec_server(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .join("spec")
        .join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let servers = text
        .split_once("\nservers:\n")
        .unwrap_or_else(|| panic!("{path:?} has no servers"))
        .1;
    let line = servers
        .lines()
        .find_map(|l| l.trim().strip_prefix("- url:"))
        .unwrap_or_else(|| panic!("{path:?} has no server url"));
    line.trim().trim_matches(['\'', '"']).to_owned()
}

#[test]
fn each_service_has_its_spec_server_for_a_region() {
    let resolved = [
        (
            "clouddc",
            clouddc::endpoint_for_region("eu-nl"),
            clouddc::SERVERS,
        ),
        ("css", css::endpoint_for_region("eu-nl"), css::SERVERS),
        ("dcs", dcs::endpoint_for_region("eu-nl"), dcs::SERVERS),
        ("rds", rds::endpoint_for_region("eu-nl"), rds::SERVERS),
    ];
    let expected = [
        "https://imetal.eu-nl.otc.t-systems.com",
        "https://css.eu-nl.otc.t-systems.com",
        "https://dcs.eu-nl.otc.t-systems.com",
        "https://rds.eu-nl.otc.t-systems.com",
    ];
    for ((service, endpoint, servers), expected) in resolved.into_iter().zip(expected) {
        assert_eq!(endpoint, expected, "{service}");
        let template = spec_server(service);
        assert_eq!(servers, [template.as_str()], "{service}");
        assert_eq!(template.replace("{region}", "eu-nl"), expected, "{service}");
    }
    assert_eq!(
        css::endpoint_for_region("eu-de"),
        "https://css.eu-de.otc.t-systems.com"
    );
}

/// The endpoint a client resolved, as its `Debug` shows it (nothing is sent).
fn resolved_endpoint(debug: &str) -> &str {
    let start = debug
        .find("endpoint: Ok(\"")
        .unwrap_or_else(|| panic!("no resolved endpoint in {debug}"))
        + "endpoint: Ok(\"".len();
    let end = start + debug[start..].find('"').expect("a closing quote");
    &debug[start..end]
}

#[test]
fn clients_use_the_region_or_its_default_without_an_endpoint() {
    let config = Config::builder().region("eu-nl").build().unwrap();
    assert_eq!(config.region(), Some("eu-nl"));
    assert_eq!(config.endpoint(), None);
    for (debug, expected) in [
        (
            format!("{:?}", clouddc::Client::new(&config)),
            "https://imetal.eu-nl.otc.t-systems.com/",
        ),
        (
            format!("{:?}", css::Client::new(&config)),
            "https://css.eu-nl.otc.t-systems.com/",
        ),
        (
            format!("{:?}", dcs::Client::new(&config)),
            "https://dcs.eu-nl.otc.t-systems.com/",
        ),
        (
            format!("{:?}", rds::Client::new(&config)),
            "https://rds.eu-nl.otc.t-systems.com/",
        ),
    ] {
        assert_eq!(resolved_endpoint(&debug), expected);
    }
    // No region: the spec's default variable value (eu-de).
    let config = Config::builder().build().unwrap();
    assert_eq!(
        resolved_endpoint(&format!("{:?}", rds::Client::new(&config))),
        "https://rds.eu-de.otc.t-systems.com/"
    );
}

#[tokio::test]
async fn an_explicit_endpoint_overrides_the_region() {
    let server = server_answering(vec![json(200, r#"{"totalSize":2}"#)]).await;
    let config = token_builder(&server).region("eu-nl").build().unwrap();
    assert_eq!(config.region(), Some("eu-nl"));
    assert_eq!(
        config.endpoint().map(|u| u.as_str()),
        Some(format!("{}/", server.uri()).as_str())
    );
    let client = css::Client::new(&config);
    assert_eq!(
        resolved_endpoint(&format!("{client:?}")),
        format!("{}/", server.uri())
    );
    for debug in [
        format!("{:?}", clouddc::Client::new(&config)),
        format!("{:?}", dcs::Client::new(&config)),
        format!("{:?}", rds::Client::new(&config)),
    ] {
        assert_eq!(resolved_endpoint(&debug), format!("{}/", server.uri()));
    }
    let response = client.list_logs_job("cl-1").send().await.expect("loopback");
    assert_eq!(response.total_size, Some(2));
    let received = requests(&server).await;
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].url.path(),
        format!("/v1.0/{PROJECT}/clusters/cl-1/logs/records")
    );
}

#[test]
fn regions_that_are_not_host_name_labels_are_rejected() {
    for region in [
        "eu de",
        "a/b",
        "",
        "eu-de/",
        "eu-de?x=1",
        "eu-de#x",
        "eu-de:443",
        "user@eu-de",
        "eu\nde",
        "eu-dé",
    ] {
        match Config::builder().region(region).build() {
            Err(ConfigError::Invalid { what, .. }) => assert_eq!(what, "region", "{region:?}"),
            other => panic!("region {region:?}: expected ConfigError::Invalid, got {other:?}"),
        }
    }
    for region in ["eu-de", "eu-nl", "ap-southeast-1", "EU-DE"] {
        let config = Config::builder().region(region).build();
        assert!(config.is_ok(), "region {region:?}: {config:?}");
    }
}

#[test]
fn endpoints_that_are_not_base_urls_are_rejected() {
    for endpoint in [
        "127.0.0.1:8080",
        "ftp://127.0.0.1",
        "http://user:pw@127.0.0.1:1",
        "http://127.0.0.1:1/?q=1",
        "http://127.0.0.1:1/#f",
        "not a url",
    ] {
        match Config::builder().endpoint(endpoint).build() {
            // The message repeats the endpoint, with any `user:password@` hidden.
            Err(ConfigError::InvalidEndpoint { endpoint: e, .. }) => {
                assert_eq!(e, endpoint.replace("user:pw@", "***@"))
            }
            other => panic!("endpoint {endpoint:?}: expected InvalidEndpoint, got {other:?}"),
        }
    }
    let config = Config::builder()
        .endpoint("http://127.0.0.1:8080/prefix")
        .build()
        .unwrap();
    assert_eq!(
        config.endpoint().map(|u| u.as_str()),
        Some("http://127.0.0.1:8080/prefix")
    );
}

#[test]
fn a_rejected_endpoint_never_shows_its_password() {
    let error = Config::builder()
        .endpoint("https://admin:hunter2@example.invalid/x")
        .build()
        .unwrap_err();
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("https://***@example.invalid/x"), "{shown}");
    }
}
