//! What goes on the wire: method, path, query, headers and body of every operation.

use super::common::*;
use super::examples::*;
use cloud_logs_client::css::types::LogJobStatusFilter;
use cloud_logs_client::{clouddc, css, dcs, rds, Config};
use wiremock::{MockServer, Request};

const JSON: &str = "application/json";

/// Asserts the headers and body every request carries: the token, `Accept`, the default
/// `User-Agent`, no other credential, and exactly the expected header names. POSTs have no
/// body and say so with `content-length: 0`; GETs send no body and no length.
fn assert_envelope(request: &Request, accept: &str, extra_headers: &[&str]) {
    assert_eq!(header(request, "x-auth-token"), Some(TOKEN));
    assert_eq!(header(request, "accept"), Some(accept));
    assert_eq!(header(request, "user-agent"), Some(USER_AGENT));
    for credential in [
        "authorization",
        "proxy-authorization",
        "cookie",
        "x-project-id",
        "x-sdk-date",
        "x-security-token",
    ] {
        assert_eq!(header(request, credential), None, "unexpected {credential}");
    }
    assert!(
        request.body.is_empty(),
        "unexpected body {:?}",
        request.body
    );
    // The vendor's SDK says `Content-Type: application/json` on every request without a
    // body of another type, GETs and bodiless POSTs included.
    assert_eq!(header(request, "content-type"), Some("application/json"));
    let mut expected = vec![
        "accept",
        "content-type",
        "host",
        "user-agent",
        "x-auth-token",
    ];
    if request.method == "POST" {
        assert_eq!(header(request, "content-length"), Some("0"));
        expected.push("content-length");
    } else {
        assert_eq!(request.method, "GET");
        assert_eq!(header(request, "content-length"), None);
    }
    assert_eq!(header(request, "transfer-encoding"), None);
    expected.extend_from_slice(extra_headers);
    expected.sort_unstable();
    assert_eq!(header_names(request), expected);
}

fn assert_target(request: &Request, method: &str, path: &str, query: Option<&str>) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
}

#[tokio::test]
async fn export_server_logs_sends_a_bodiless_post() {
    let server = server_answering(json(202, EXPORT_SERVER_LOGS_202)).await;
    let task = clouddc::Client::new(&config(&server))
        .export_server_logs("srv-1")
        .send()
        .await
        .expect("202 with the example body");
    assert_eq!(task.export_id.as_deref(), Some("1"));
    let request = single_request(&server).await;
    assert_target(
        &request,
        "POST",
        "/v1/proj/physicalservers/srv-1/logs/exports",
        None,
    );
    assert_envelope(&request, JSON, &[]);
}

#[tokio::test]
async fn show_logs_export_status_sends_a_get() {
    let server = server_answering(json(200, SHOW_LOGS_EXPORT_STATUS_200)).await;
    clouddc::Client::new(&config(&server))
        .show_logs_export_status("srv-1", "exp-1")
        .send()
        .await
        .expect("200 with the example body");
    let request = single_request(&server).await;
    assert_target(
        &request,
        "GET",
        "/v1/proj/physicalservers/srv-1/logs/exports/exp-1",
        None,
    );
    assert_envelope(&request, JSON, &[]);
}

#[tokio::test]
async fn download_server_logs_sends_a_get_accepting_octet_stream() {
    let server = server_answering(
        wiremock::ResponseTemplate::new(200)
            .set_body_raw(b"x".to_vec(), "application/octet-stream"),
    )
    .await;
    let body = clouddc::Client::new(&config(&server))
        .download_server_logs("srv-1", "exp-1")
        .send()
        .await
        .expect("200 with a binary body")
        .into_inner()
        .collect()
        .await
        .expect("the whole body");
    assert_eq!(&body[..], b"x");
    let request = single_request(&server).await;
    assert_target(
        &request,
        "GET",
        "/v1/proj/physicalservers/srv-1/logs/exports/exp-1/content",
        None,
    );
    assert_envelope(&request, "application/octet-stream", &[]);
}

#[tokio::test]
async fn create_redislog_download_link_sends_a_bodiless_post() {
    let server = server_answering(json(200, CREATE_REDISLOG_DOWNLOAD_LINK_200)).await;
    dcs::Client::new(&config(&server))
        .create_redislog_download_link("inst-1", "log-1")
        .send()
        .await
        .expect("200 with the example body");
    let request = single_request(&server).await;
    assert_target(
        &request,
        "POST",
        "/v2/proj/instances/inst-1/redislog/log-1/links",
        None,
    );
    assert_envelope(&request, JSON, &[]);
}

#[tokio::test]
async fn download_errorlog_sends_no_language_unless_set() {
    let server = server_answering(json(200, DOWNLOAD_ERRORLOG_200)).await;
    rds::Client::new(&config(&server))
        .download_errorlog("inst-1")
        .send()
        .await
        .expect("200 with the example body");
    let request = single_request(&server).await;
    assert_target(
        &request,
        "POST",
        "/v3/proj/instances/inst-1/errorlog-download",
        None,
    );
    assert_eq!(header(&request, "x-language"), None);
    assert_envelope(&request, JSON, &[]);
}

#[tokio::test]
async fn download_errorlog_sends_the_language_when_set() {
    let server = server_answering(json(200, DOWNLOAD_ERRORLOG_200)).await;
    rds::Client::new(&config(&server))
        .download_errorlog("inst-1")
        .x_language("en-us")
        .send()
        .await
        .expect("200 with the example body");
    let request = single_request(&server).await;
    assert_target(
        &request,
        "POST",
        "/v3/proj/instances/inst-1/errorlog-download",
        None,
    );
    assert_eq!(header(&request, "x-language"), Some("en-us"));
    assert_envelope(&request, JSON, &["x-language"]);
}

#[tokio::test]
async fn list_logs_job_sends_no_query_without_setters() {
    let server = server_answering(json(200, LIST_LOGS_JOB_200)).await;
    css::Client::new(&config(&server))
        .list_logs_job("cluster-1")
        .send()
        .await
        .expect("200 with the example body");
    let request = single_request(&server).await;
    assert_target(
        &request,
        "GET",
        "/v1.0/proj/clusters/cluster-1/logs/records",
        None,
    );
    assert_envelope(&request, JSON, &[]);
}

#[tokio::test]
async fn list_logs_job_sends_the_query_sorted_by_key() {
    type Case = (
        Option<i32>,
        Option<i32>,
        Option<LogJobStatusFilter>,
        &'static str,
    );
    let cases: [Case; 9] = [
        (None, Some(10), None, "limit=10"),
        (Some(1), None, None, "offset=1"),
        (None, None, Some(LogJobStatusFilter::Fail), "status=FAIL"),
        (
            Some(1),
            Some(10),
            Some(LogJobStatusFilter::Fail),
            "limit=10&offset=1&status=FAIL",
        ),
        (Some(5), Some(1), None, "limit=1&offset=5"),
        (
            Some(2),
            None,
            Some(LogJobStatusFilter::NotFail),
            "offset=2&status=NOT_FAIL",
        ),
        (
            Some(1000),
            Some(1000),
            Some(LogJobStatusFilter::NotFail),
            "limit=1000&offset=1000&status=NOT_FAIL",
        ),
        (
            None,
            Some(1),
            Some(LogJobStatusFilter::from("a b&c=d")),
            "limit=1&status=a%20b%26c%3Dd",
        ),
        (None, None, Some("FAIL".into()), "status=FAIL"),
    ];
    for (offset, limit, status, expected) in cases {
        let server = server_answering(json(200, LIST_LOGS_JOB_200)).await;
        let mut call = css::Client::new(&config(&server)).list_logs_job("cluster-1");
        if let Some(offset) = offset {
            call = call.offset(offset);
        }
        if let Some(limit) = limit {
            call = call.limit(limit);
        }
        if let Some(status) = status {
            call = call.status(status);
        }
        call.send().await.expect("200 with the example body");
        let request = single_request(&server).await;
        assert_target(
            &request,
            "GET",
            "/v1.0/proj/clusters/cluster-1/logs/records",
            Some(expected),
        );
        assert_envelope(&request, JSON, &[]);
    }
}

/// Calls every operation once with the per-call project id `other`; outcomes are ignored.
async fn call_every_operation_in_project_other(config: &Config) {
    let clouddc = clouddc::Client::new(config);
    let _ = clouddc
        .export_server_logs("srv-1")
        .project_id("other")
        .send()
        .await;
    let _ = clouddc
        .show_logs_export_status("srv-1", "exp-1")
        .project_id("other")
        .send()
        .await;
    let _ = clouddc
        .download_server_logs("srv-1", "exp-1")
        .project_id("other")
        .send()
        .await;
    let _ = dcs::Client::new(config)
        .create_redislog_download_link("inst-1", "log-1")
        .project_id("other")
        .send()
        .await;
    let _ = rds::Client::new(config)
        .download_errorlog("inst-1")
        .project_id("other")
        .send()
        .await;
    let _ = css::Client::new(config)
        .list_logs_job("cluster-1")
        .project_id("other")
        .send()
        .await;
}

const OTHER_PROJECT_PATHS: [&str; 6] = [
    "/v1/other/physicalservers/srv-1/logs/exports",
    "/v1/other/physicalservers/srv-1/logs/exports/exp-1",
    "/v1/other/physicalservers/srv-1/logs/exports/exp-1/content",
    "/v2/other/instances/inst-1/redislog/log-1/links",
    "/v3/other/instances/inst-1/errorlog-download",
    "/v1.0/other/clusters/cluster-1/logs/records",
];

async fn received_paths(server: &MockServer) -> Vec<String> {
    requests(server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect()
}

#[tokio::test]
async fn per_call_project_id_overrides_the_configured_one() {
    let server = server_answering(error(401)).await;
    call_every_operation_in_project_other(&config(&server)).await;
    assert_eq!(received_paths(&server).await, OTHER_PROJECT_PATHS);
}

#[tokio::test]
async fn per_call_project_id_works_without_a_configured_one() {
    let server = server_answering(error(401)).await;
    call_every_operation_in_project_other(&config_without_project(&server)).await;
    assert_eq!(received_paths(&server).await, OTHER_PROJECT_PATHS);
}

/// The spec says each operation takes a token or AK/SK signing: without either, the call is
/// refused before anything is sent, naming both.
#[tokio::test]
async fn no_credentials_means_nothing_is_sent() {
    let server = server_answering(json(200, LIST_LOGS_JOB_200)).await;
    let config = Config::builder()
        .endpoint(server.uri())
        .project_id(PROJECT)
        .build()
        .expect("a config without credentials is valid");
    let error = css::Client::new(&config)
        .list_logs_job("cluster-1")
        .send()
        .await
        .expect_err("refused without credentials");
    let text = error.to_string();
    assert!(
        matches!(error, cloud_logs_client::Error::Construction(_))
            && text.contains("`token` (an API key in the header `X-Auth-Token`)")
            && text.contains("`aksk` (an access key and secret key)"),
        "{text}"
    );
    assert!(received_paths(&server).await.is_empty());
}

#[tokio::test]
async fn user_agent_can_be_replaced() {
    let server = server_answering(json(200, LIST_LOGS_JOB_200)).await;
    let config = Config::builder()
        .endpoint(server.uri())
        .token(TOKEN)
        .project_id(PROJECT)
        .user_agent("e2e-agent/9.9")
        .build()
        .expect("valid config");
    css::Client::new(&config)
        .list_logs_job("cluster-1")
        .send()
        .await
        .expect("200 with the example body");
    let request = single_request(&server).await;
    assert_eq!(header(&request, "user-agent"), Some("e2e-agent/9.9"));
}

#[tokio::test]
async fn endpoint_path_prefix_is_kept() {
    let server = server_answering(json(200, LIST_LOGS_JOB_200)).await;
    for endpoint in [
        format!("{}/gateway", server.uri()),
        format!("{}/gateway/", server.uri()),
    ] {
        let config = Config::builder()
            .endpoint(endpoint)
            .token(TOKEN)
            .project_id(PROJECT)
            .build()
            .expect("valid config");
        css::Client::new(&config)
            .list_logs_job("cluster-1")
            .limit(3)
            .send()
            .await
            .expect("200 with the example body");
    }
    let received: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| format!("{}?{}", r.url.path(), r.url.query().unwrap_or("")))
        .collect();
    assert_eq!(
        received,
        [
            "/gateway/v1.0/proj/clusters/cluster-1/logs/records?limit=3",
            "/gateway/v1.0/proj/clusters/cluster-1/logs/records?limit=3",
        ]
    );
}
