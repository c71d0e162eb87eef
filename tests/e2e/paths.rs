//! Path parameters are encoded as one segment each: no value can add a segment, climb out of
//! the path, or start a query or fragment. The server sees the encoded bytes (the url crate
//! keeps `%2F` encoded).

use super::common::*;
use cloud_logs_client::{clouddc, css, dcs, rds};

/// Values and their encoded segment (RFC 3986 unreserved characters kept, upper-case hex).
const CASES: [(&str, &str); 9] = [
    ("../x", "..%2Fx"),
    ("a/b", "a%2Fb"),
    ("a?b#c", "a%3Fb%23c"),
    ("a b", "a%20b"),
    ("100%", "100%25"),
    ("%2F", "%252F"),
    ("é", "%C3%A9"),
    ("a;b=c&d", "a%3Bb%3Dc%26d"),
    ("...", "..."),
];

#[tokio::test]
async fn clouddc_ids_are_single_segments() {
    for (value, encoded) in CASES {
        let server = server_answering(error(401)).await;
        let client = clouddc::Client::new(&config(&server));
        let _ = client.export_server_logs(value).send().await;
        let _ = client.show_logs_export_status("srv-1", value).send().await;
        let _ = client.download_server_logs(value, value).send().await;
        let paths: Vec<String> = requests(&server)
            .await
            .iter()
            .map(|r| {
                assert_eq!(r.url.query(), None, "{value:?}");
                r.url.path().to_owned()
            })
            .collect();
        assert_eq!(
            paths,
            [
                format!("/v1/proj/physicalservers/{encoded}/logs/exports"),
                format!("/v1/proj/physicalservers/srv-1/logs/exports/{encoded}"),
                format!("/v1/proj/physicalservers/{encoded}/logs/exports/{encoded}/content"),
            ],
            "{value:?}"
        );
    }
}

#[tokio::test]
async fn dcs_rds_css_ids_are_single_segments() {
    for (value, encoded) in CASES {
        let server = server_answering(error(400)).await;
        let config = config(&server);
        let _ = dcs::Client::new(&config)
            .create_redislog_download_link(value, value)
            .send()
            .await;
        let _ = rds::Client::new(&config)
            .download_errorlog(value)
            .send()
            .await;
        let _ = css::Client::new(&config).list_logs_job(value).send().await;
        let paths: Vec<String> = requests(&server)
            .await
            .iter()
            .map(|r| {
                assert_eq!(r.url.query(), None, "{value:?}");
                r.url.path().to_owned()
            })
            .collect();
        assert_eq!(
            paths,
            [
                format!("/v2/proj/instances/{encoded}/redislog/{encoded}/links"),
                format!("/v3/proj/instances/{encoded}/errorlog-download"),
                format!("/v1.0/proj/clusters/{encoded}/logs/records"),
            ],
            "{value:?}"
        );
    }
}

#[tokio::test]
async fn project_ids_are_single_segments() {
    let server = server_answering(error(400)).await;
    let config = cloud_logs_client::Config::builder()
        .endpoint(server.uri())
        .token(TOKEN)
        .project_id("../p")
        .build()
        .expect("a project id is any non-empty text");
    let client = css::Client::new(&config);
    let _ = client.list_logs_job("c").send().await;
    let _ = client.list_logs_job("c").project_id("a/b?c").send().await;
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/v1.0/..%2Fp/clusters/c/logs/records",
            "/v1.0/a%2Fb%3Fc/clusters/c/logs/records",
        ]
    );
}

#[tokio::test]
async fn query_values_are_encoded() {
    let server = server_answering(error(400)).await;
    let _ = css::Client::new(&config(&server))
        .list_logs_job("c")
        .status("FAIL&limit=1000#x")
        .send()
        .await;
    let request = single_request(&server).await;
    assert_eq!(request.url.path(), "/v1.0/proj/clusters/c/logs/records");
    assert_eq!(request.url.query(), Some("status=FAIL%26limit%3D1000%23x"));
    assert_eq!(request.url.fragment(), None);
}
