//! Responses the operations do not document, and failures to reach the server: typed errors
//! that keep what was received, never panics.

use super::common::*;
use cloud_logs_client::{clouddc, css, dcs, rds, Error, ResponseErrorKind};
use wiremock::ResponseTemplate;

/// Asserts an undocumented status: `Error::Response` of kind `UndocumentedStatus`, with the
/// status, request id and the error fields the body carries.
fn assert_undocumented<E: std::fmt::Debug>(error: &Error<E>, status: u16) {
    let response = response_error(error);
    assert_eq!(response.kind(), &ResponseErrorKind::UndocumentedStatus);
    assert_eq!(response.raw().status().as_u16(), status);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    assert_eq!(error.code(), Some(ERROR_CODE));
    assert_eq!(error.message(), Some(ERROR_MSG));
    assert_eq!(response.raw().body().as_ref(), ERROR_BODY.as_bytes());
    assert!(error.as_service_error().is_none());
}

/// Asserts a body that does not decode: `Error::Response` of kind `Decode`, with the status
/// and request id.
fn assert_decode_error<E: std::fmt::Debug>(error: &Error<E>, status: u16) {
    let response = response_error(error);
    assert!(
        matches!(response.kind(), ResponseErrorKind::Decode { message } if !message.is_empty()),
        "expected a Decode kind, got {:?}",
        response.kind()
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn undocumented_status_is_a_response_error() {
    let server = server_answering(error(418)).await;
    check_each_error!(without_rds, config(&server), assert_undocumented, 418);
    assert_eq!(requests(&server).await.len(), 5);
}

#[tokio::test]
async fn undocumented_status_display_names_status_and_request_id() {
    let server = server_answering(error(418)).await;
    let error = css::Client::new(&config(&server))
        .list_logs_job("cluster-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "unexpected response: HTTP 418 I'm a teapot is not documented for this operation \
             (request id {REQUEST_ID})"
        )
    );
}

#[tokio::test]
async fn export_server_logs_success_is_202_only() {
    let server = server_answering(error(200)).await;
    let error = clouddc::Client::new(&config(&server))
        .export_server_logs("srv-1")
        .send()
        .await
        .unwrap_err();
    let response = response_error(&error);
    assert_eq!(response.kind(), &ResponseErrorKind::UndocumentedStatus);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn malformed_success_body_is_a_decode_error() {
    for body in [r#"{"export_id": "#, "<html>gateway</html>", ""] {
        let server = server_answering(json(200, body)).await;
        let config = config(&server);
        let clouddc = clouddc::Client::new(&config);
        assert_decode_error(
            &clouddc
                .show_logs_export_status("srv-1", "1")
                .send()
                .await
                .unwrap_err(),
            200,
        );
        assert_decode_error(
            &dcs::Client::new(&config)
                .create_redislog_download_link("inst-1", "log-1")
                .send()
                .await
                .unwrap_err(),
            200,
        );
        assert_decode_error(
            &rds::Client::new(&config)
                .download_errorlog("inst-1")
                .send()
                .await
                .unwrap_err(),
            200,
        );
        assert_decode_error(
            &css::Client::new(&config)
                .list_logs_job("cluster-1")
                .send()
                .await
                .unwrap_err(),
            200,
        );
        assert_eq!(requests(&server).await.len(), 4, "body {body:?}");
    }
    let server = server_answering(json(202, r#"{"export_id": "#)).await;
    assert_decode_error(
        &clouddc::Client::new(&config(&server))
            .export_server_logs("srv-1")
            .send()
            .await
            .unwrap_err(),
        202,
    );
}

#[tokio::test]
async fn mistyped_success_body_is_a_decode_error() {
    for body in [
        r#"{"clusterLogRecord": {"id": "not a list"}}"#,
        r#"{"clusterLogRecord": [], "totalSize": "two"}"#,
        r#"[1, 2, 3]"#,
    ] {
        let server = server_answering(json(200, body)).await;
        assert_decode_error(
            &css::Client::new(&config(&server))
                .list_logs_job("cluster-1")
                .send()
                .await
                .unwrap_err(),
            200,
        );
    }
}

#[tokio::test]
async fn documented_error_status_with_non_json_body_is_a_decode_error() {
    let server = server_answering(
        ResponseTemplate::new(500)
            .insert_header("X-Request-Id", REQUEST_ID)
            .set_body_raw(b"<html>Internal Server Error</html>".to_vec(), "text/html"),
    )
    .await;
    let config = config(&server);
    let error = clouddc::Client::new(&config)
        .export_server_logs("srv-1")
        .send()
        .await
        .unwrap_err();
    assert_decode_error(&error, 500);
    assert_eq!(error.code(), None);
    let error = rds::Client::new(&config)
        .download_errorlog("inst-1")
        .send()
        .await
        .unwrap_err();
    assert_decode_error(&error, 500);
}

#[tokio::test]
async fn rds_error_with_empty_body_is_a_decode_error() {
    let server =
        server_answering(ResponseTemplate::new(502).insert_header("X-Request-Id", REQUEST_ID))
            .await;
    let error = rds::Client::new(&config(&server))
        .download_errorlog("inst-1")
        .send()
        .await
        .unwrap_err();
    assert_decode_error(&error, 502);
}

/// Asserts a connection failure: `Error::Dispatch`, no response.
fn assert_dispatch<E: std::fmt::Debug>(error: &Error<E>) {
    match error {
        Error::Dispatch(dispatch) => assert!(dispatch.is_connect(), "{dispatch:?}"),
        other => panic!("expected Error::Dispatch, got {other:?}"),
    }
    assert!(error.raw_response().is_none());
    assert_eq!(error.status(), None);
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn closed_port_is_a_dispatch_error() {
    check_each_error!(all, config_for_closed_port(), assert_dispatch);
}

/// A one-shot HTTP server on 127.0.0.1 that reads one request head, writes `response`
/// verbatim and closes the connection: for answers wiremock cannot give (a body cut short).
fn raw_server(response: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let endpoint = format!("http://{}", listener.local_addr().expect("address"));
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("one connection");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .expect("read timeout");
        let mut head = Vec::new();
        let mut buffer = [0u8; 1024];
        // A request head is small; stop at its end, at EOF, or after 64 KiB.
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buffer[..n]),
            }
        }
        let _ = stream.write_all(&response);
        let _ = stream.flush();
    });
    (endpoint, handle)
}

fn raw_config(endpoint: String) -> cloud_logs_client::Config {
    cloud_logs_client::Config::builder()
        .endpoint(endpoint)
        .token(TOKEN)
        .project_id(PROJECT)
        .build()
        .expect("valid config")
}

#[tokio::test]
async fn json_body_cut_short_is_a_dispatch_error() {
    let (endpoint, server) = raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"export_id\":\"1\""
            .to_vec(),
    );
    let error = clouddc::Client::new(&raw_config(endpoint))
        .show_logs_export_status("srv-1", "1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Dispatch(_)), "{error:?}");
    server.join().expect("the raw server ends");
}

#[tokio::test]
async fn download_cut_short_ends_with_a_chunk_error() {
    let mut response = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
        Content-Disposition: attachment; filename=SN123-dump.tar.gz\r\nContent-Length: 100000\r\n\r\n"
        .to_vec();
    response.extend_from_slice(&[7u8; 1000]);
    let (endpoint, server) = raw_server(response);
    let mut stream = clouddc::Client::new(&raw_config(endpoint))
        .download_server_logs("srv-1", "1")
        .send()
        .await
        .expect("the head arrived")
        .into_inner();
    assert_eq!(stream.file_name(), Some("SN123-dump.tar.gz"));
    assert_eq!(stream.content_length(), Some(100_000));
    let mut received = 0usize;
    let mut failed = false;
    // At most one chunk per byte sent, plus the error.
    for _ in 0..=1001 {
        match stream.next_chunk().await {
            Some(Ok(chunk)) => received += chunk.len(),
            Some(Err(_)) => {
                failed = true;
                break;
            }
            None => break,
        }
    }
    assert!(
        failed,
        "a body cut short must end with an error, not a clean end"
    );
    assert!(received <= 1000, "{received}");
    server.join().expect("the raw server ends");
}

#[tokio::test]
async fn connection_closed_without_answer_is_a_dispatch_error() {
    let (endpoint, server) = raw_server(Vec::new());
    let error = css::Client::new(&raw_config(endpoint))
        .list_logs_job("cluster-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Dispatch(_)), "{error:?}");
    assert_eq!(error.status(), None);
    server.join().expect("the raw server ends");
}
