//! Redirects are not followed: the token never leaves the configured endpoint, and the
//! redirect surfaces as a response the operation does not document.

use super::common::*;
use super::examples::*;
use cloud_logs_client::rds::operations::DownloadErrorlogError;
use cloud_logs_client::{css, rds, Error, ResponseErrorKind};
use wiremock::{MockServer, ResponseTemplate};

/// A redirect with `status` to `target`, with the test request id.
fn redirect(status: u16, target: &MockServer) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Location", format!("{}/stolen", target.uri()))
        .insert_header("X-Request-Id", REQUEST_ID)
}

fn assert_redirect_not_followed<E: std::fmt::Debug>(error: &Error<E>, status: u16) {
    assert_eq!(
        response_error(error).kind(),
        &ResponseErrorKind::UndocumentedStatus
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    let location = error
        .raw_response()
        .and_then(|r| r.headers().get("location"))
        .and_then(|v| v.to_str().ok())
        .expect("the Location header is kept");
    assert!(location.ends_with("/stolen"), "{location}");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = server_answering(json(200, LIST_LOGS_JOB_200)).await;
    let server = server_answering(redirect(302, &elsewhere)).await;
    check_each_error!(
        without_rds,
        config(&server),
        assert_redirect_not_followed,
        302
    );
    assert_eq!(requests(&server).await.len(), 5);
    assert_no_request(&elsewhere).await;
}

#[tokio::test]
async fn no_redirect_status_is_followed() {
    for status in [301, 303, 307, 308] {
        let elsewhere = server_answering(json(200, LIST_LOGS_JOB_200)).await;
        let server = server_answering(redirect(status, &elsewhere)).await;
        let error = css::Client::new(&config(&server))
            .list_logs_job("cluster-1")
            .send()
            .await
            .unwrap_err();
        assert_redirect_not_followed(&error, status);
        assert_eq!(requests(&server).await.len(), 1);
        assert_no_request(&elsewhere).await;
    }
}

/// RDS documents every status through its `default` response, so a redirect is decoded as
/// that error: a service error when the body is an error body, a decode error when empty.
#[tokio::test]
async fn rds_redirect_is_not_followed_either() {
    let elsewhere = server_answering(json(200, DOWNLOAD_ERRORLOG_200)).await;
    let server = server_answering(redirect(302, &elsewhere)).await;
    let error = rds::Client::new(&config(&server))
        .download_errorlog("inst-1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            response_error(&error).kind(),
            ResponseErrorKind::Decode { .. }
        ),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));

    let server = server_answering(
        redirect(302, &elsewhere).set_body_raw(ERROR_BODY.as_bytes().to_vec(), "application/json"),
    )
    .await;
    let error = rds::Client::new(&config(&server))
        .download_errorlog("inst-1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        error.as_service_error(),
        Some(DownloadErrorlogError::Default(_))
    ));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
    assert_no_request(&elsewhere).await;
}
