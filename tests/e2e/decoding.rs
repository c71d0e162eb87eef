//! Every documented response decoded: the documents' example bodies, relaxed types and open
//! enums on success, and each documented error status as the operation's own error variant.

use super::common::*;
use super::examples::*;
use cloud_logs_client::clouddc::operations::{
    DownloadServerLogsError, ExportServerLogsError, ShowLogsExportStatusError,
};
use cloud_logs_client::clouddc::types::{ExportPercentage, LogExportStatus, LogExportTask};
use cloud_logs_client::css::operations::ListLogsJobError;
use cloud_logs_client::css::types::{CssTimestamp, LogJobStatus, LogJobType};
use cloud_logs_client::dcs::operations::CreateRedislogDownloadLinkError;
use cloud_logs_client::rds::operations::DownloadErrorlogError;
use cloud_logs_client::rds::types::{ErrorLogDownloadStatus, ErrorLogLinkStatus};
use cloud_logs_client::{clouddc, css, dcs, rds, Error};
use wiremock::ResponseTemplate;

/// The example task both CloudDC examples decode to.
fn running_task() -> LogExportTask {
    LogExportTask::new()
        .with_export_id("1")
        .with_status(LogExportStatus::Running)
        .with_percentage(ExportPercentage::String("30%".to_owned()))
        .with_created_at("2024-07-01T11:32:49Z")
}

/// Asserts what every documented error status carries: the status, the body's code and
/// message, and the request id.
fn assert_service_error<E: std::fmt::Debug>(error: &Error<E>, status: u16) {
    assert!(
        matches!(error, Error::Service(_)),
        "HTTP {status}: expected Error::Service, got {error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(error.code(), Some(ERROR_CODE));
    assert_eq!(error.message(), Some(ERROR_MSG));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
}

// ---- CloudDC -------------------------------------------------------------------------------

#[tokio::test]
async fn export_server_logs_decodes_the_document_example() {
    let server = server_answering(json(202, EXPORT_SERVER_LOGS_202)).await;
    let response = clouddc::Client::new(&config(&server))
        .export_server_logs("srv-1")
        .send()
        .await
        .expect("the example decodes despite its stray Content-Type member");
    assert_eq!(response.status().as_u16(), 202);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(response.into_inner(), running_task());
}

#[tokio::test]
async fn show_logs_export_status_decodes_the_document_example() {
    let server = server_answering(json(200, SHOW_LOGS_EXPORT_STATUS_200)).await;
    let response = clouddc::Client::new(&config(&server))
        .show_logs_export_status("srv-1", "1")
        .send()
        .await
        .expect("the example decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(response.into_inner(), running_task());
}

#[tokio::test]
async fn export_task_accepts_integer_percentage_and_any_status_case() {
    let cases = [
        (
            r#"{"export_id":"2","status":"completed","percentage":100}"#,
            LogExportStatus::Completed,
            ExportPercentage::Integer(100),
        ),
        (
            r#"{"export_id":"2","status":"PROCESSING","percentage":30}"#,
            LogExportStatus::Processing,
            ExportPercentage::Integer(30),
        ),
        (
            r#"{"export_id":"2","status":"Completed","percentage":"100%"}"#,
            LogExportStatus::Completed,
            ExportPercentage::String("100%".to_owned()),
        ),
        (
            r#"{"export_id":"2","status":"PAUSED","percentage":0}"#,
            LogExportStatus::from("PAUSED"),
            ExportPercentage::Integer(0),
        ),
    ];
    for (body, status, percentage) in cases {
        let server = server_answering(json(200, body)).await;
        let task = clouddc::Client::new(&config(&server))
            .show_logs_export_status("srv-1", "2")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{body}: {e:?}"))
            .into_inner();
        assert_eq!(task.status, Some(status), "{body}");
        assert_eq!(task.percentage, Some(percentage), "{body}");
        assert_eq!(task.created_at, None, "{body}");
    }
}

#[tokio::test]
async fn export_server_logs_documented_errors() {
    for status in [401, 500] {
        let server = server_answering(error(status)).await;
        let error = clouddc::Client::new(&config(&server))
            .export_server_logs("srv-1")
            .send()
            .await
            .expect_err("an error status");
        assert_service_error(&error, status);
        let body = match (status, error.as_service_error()) {
            (401, Some(ExportServerLogsError::Unauthorized(body))) => body,
            (500, Some(ExportServerLogsError::InternalServerError(body))) => body,
            (_, other) => panic!("HTTP {status}: unexpected {other:?}"),
        };
        assert_eq!(body.error_code.as_deref(), Some(ERROR_CODE));
        assert_eq!(body.error_msg.as_deref(), Some(ERROR_MSG));
    }
}

#[tokio::test]
async fn show_logs_export_status_documented_errors() {
    for status in [401, 500] {
        let server = server_answering(error(status)).await;
        let error = clouddc::Client::new(&config(&server))
            .show_logs_export_status("srv-1", "1")
            .send()
            .await
            .expect_err("an error status");
        assert_service_error(&error, status);
        let body = match (status, error.as_service_error()) {
            (401, Some(ShowLogsExportStatusError::Unauthorized(body))) => body,
            (500, Some(ShowLogsExportStatusError::InternalServerError(body))) => body,
            (_, other) => panic!("HTTP {status}: unexpected {other:?}"),
        };
        assert_eq!(body.error_code.as_deref(), Some(ERROR_CODE));
        assert_eq!(body.error_msg.as_deref(), Some(ERROR_MSG));
    }
}

#[tokio::test]
async fn download_server_logs_documented_errors() {
    for status in [401, 500] {
        let server = server_answering(error(status)).await;
        let error = clouddc::Client::new(&config(&server))
            .download_server_logs("srv-1", "1")
            .send()
            .await
            .expect_err("an error status");
        assert_service_error(&error, status);
        let body = match (status, error.as_service_error()) {
            (401, Some(DownloadServerLogsError::Unauthorized(body))) => body,
            (500, Some(DownloadServerLogsError::InternalServerError(body))) => body,
            (_, other) => panic!("HTTP {status}: unexpected {other:?}"),
        };
        assert_eq!(body.error_code.as_deref(), Some(ERROR_CODE));
        assert_eq!(body.error_msg.as_deref(), Some(ERROR_MSG));
    }
}

/// A 429 as the wire may send it: an empty body (or plain text), no error code or message.
fn too_many_requests(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("X-Request-Id", REQUEST_ID)
        .set_body_raw(body.as_bytes().to_vec(), "text/plain")
}

/// Asserts a 429 error: the status and request id, no code or message.
fn assert_too_many_requests<E: std::fmt::Debug>(error: &Error<E>) {
    assert!(matches!(error, Error::Service(_)), "got {error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), None);
}

#[tokio::test]
async fn clouddc_429_with_empty_or_text_body_is_too_many_requests() {
    for text in ["", "Too Many Requests"] {
        let server = server_answering(too_many_requests(text)).await;
        let client = clouddc::Client::new(&config(&server));

        let error = client.export_server_logs("srv-1").send().await.unwrap_err();
        assert_too_many_requests(&error);
        match error.as_service_error() {
            Some(ExportServerLogsError::TooManyRequests(body)) => assert_eq!(body, text),
            other => panic!("unexpected {other:?}"),
        }

        let error = client
            .show_logs_export_status("srv-1", "1")
            .send()
            .await
            .unwrap_err();
        assert_too_many_requests(&error);
        match error.as_service_error() {
            Some(ShowLogsExportStatusError::TooManyRequests(body)) => assert_eq!(body, text),
            other => panic!("unexpected {other:?}"),
        }

        let error = client
            .download_server_logs("srv-1", "1")
            .send()
            .await
            .unwrap_err();
        assert_too_many_requests(&error);
        match error.as_service_error() {
            Some(DownloadServerLogsError::TooManyRequests(body)) => assert_eq!(body, text),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(requests(&server).await.len(), 3);
    }
}

#[tokio::test]
async fn service_error_display_names_operation_code_and_request_id() {
    let server = server_answering(error(401)).await;
    let error = clouddc::Client::new(&config(&server))
        .export_server_logs("srv-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "service error: ExportServerLogs returned Unauthorized (HTTP 401) \
             [{ERROR_CODE}: {ERROR_MSG}] (request id {REQUEST_ID})"
        )
    );
}

// ---- DCS -----------------------------------------------------------------------------------

#[tokio::test]
async fn create_redislog_download_link_decodes_the_document_example() {
    let server = server_answering(json(200, CREATE_REDISLOG_DOWNLOAD_LINK_200)).await;
    let response = dcs::Client::new(&config(&server))
        .create_redislog_download_link(
            "5c597ce5-9823-48aa-bf4d-2defb9385b4a",
            "3ea6ce21-048e-447a-83c3-3fb004b88439",
        )
        .send()
        .await
        .expect("the example decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(
        response.id.as_deref(),
        Some("3ea6ce21-048e-447a-83c3-3fb004b88439")
    );
    assert_eq!(
        response.backup_id.as_deref(),
        Some("3ea6ce21-048e-447a-83c3-3fb004b88439")
    );
    assert_eq!(response.link.as_deref(), Some(REDIS_LINK));
}

#[tokio::test]
async fn create_redislog_download_link_documented_errors() {
    for status in [400, 401, 403, 404, 500] {
        let server = server_answering(error(status)).await;
        let error = dcs::Client::new(&config(&server))
            .create_redislog_download_link("inst-1", "log-1")
            .send()
            .await
            .expect_err("an error status");
        assert_service_error(&error, status);
        let body = match (status, error.as_service_error()) {
            (400, Some(CreateRedislogDownloadLinkError::BadRequest(body))) => body,
            (401, Some(CreateRedislogDownloadLinkError::Unauthorized(body))) => body,
            (403, Some(CreateRedislogDownloadLinkError::Forbidden(body))) => body,
            (404, Some(CreateRedislogDownloadLinkError::NotFound(body))) => body,
            (500, Some(CreateRedislogDownloadLinkError::InternalServerError(body))) => body,
            (_, other) => panic!("HTTP {status}: unexpected {other:?}"),
        };
        assert_eq!(body.error_code.as_deref(), Some(ERROR_CODE));
        assert_eq!(body.error_msg.as_deref(), Some(ERROR_MSG));
        assert_eq!(body.error_ext_msg, None);
    }
}

#[tokio::test]
async fn dcs_error_body_with_null_extended_message_decodes() {
    let body = r#"{"error_msg":"The instance does not exist.","error_code":"DCS.4010","error_ext_msg":null}"#;
    let server = server_answering(json(404, body)).await;
    let error = dcs::Client::new(&config(&server))
        .create_redislog_download_link("inst-1", "log-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("DCS.4010"));
    assert_eq!(error.message(), Some("The instance does not exist."));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    match error.as_service_error() {
        Some(CreateRedislogDownloadLinkError::NotFound(body)) => {
            assert_eq!(body.error_code.as_deref(), Some("DCS.4010"));
            assert_eq!(body.error_ext_msg, None);
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ---- RDS -----------------------------------------------------------------------------------

#[tokio::test]
async fn download_errorlog_decodes_the_document_example() {
    let server = server_answering(json(200, DOWNLOAD_ERRORLOG_200)).await;
    let response = rds::Client::new(&config(&server))
        .download_errorlog("3d39c18788b54a919bab633874c159dfin03")
        .send()
        .await
        .expect("the example decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    let links = response.into_inner();
    assert_eq!(links.status, Some(ErrorLogDownloadStatus::Finish));
    assert_eq!(links.count, Some(1));
    let list = links.list.expect("the example has a list");
    assert_eq!(list.len(), 1);
    let link = &list[0];
    assert_eq!(
        link.workflow_id.as_deref(),
        Some("44fb1d85-2fcc-4d63-ad3b-c3d1ecd7000e")
    );
    assert_eq!(
        link.file_name.as_deref(),
        Some("054bc9c1f680d55c1f36c006e5a9f67b_errorlog_download_20200515080614589")
    );
    assert_eq!(link.status, Some(ErrorLogLinkStatus::Success));
    assert_eq!(link.file_size.as_deref(), Some("0"));
    assert_eq!(link.file_link.as_deref(), Some(RDS_FILE_LINK));
    assert_eq!(link.create_at, Some(1589529991385));
    assert_eq!(link.update_at, Some(1589529991385));
}

#[tokio::test]
async fn rds_statuses_are_case_insensitive_and_open() {
    let cases = [
        (
            r#"{"status":"CREATING","list":[{"status":"FAILED"}],"count":1}"#,
            ErrorLogDownloadStatus::Creating,
            ErrorLogLinkStatus::Failed,
        ),
        (
            r#"{"status":"Failed","list":[{"status":"Success"}],"count":1}"#,
            ErrorLogDownloadStatus::Failed,
            ErrorLogLinkStatus::Success,
        ),
        (
            r#"{"status":"PAUSED","list":[{"status":"PAUSED"}],"count":1}"#,
            ErrorLogDownloadStatus::from("PAUSED"),
            ErrorLogLinkStatus::from("PAUSED"),
        ),
    ];
    for (body, status, link_status) in cases {
        let server = server_answering(json(200, body)).await;
        let links = rds::Client::new(&config(&server))
            .download_errorlog("inst-1")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{body}: {e:?}"))
            .into_inner();
        assert_eq!(links.status, Some(status), "{body}");
        let list = links.list.expect("a list");
        assert_eq!(list[0].status, Some(link_status), "{body}");
    }
}

#[tokio::test]
async fn download_errorlog_any_error_status_is_the_default_error() {
    for status in [400, 401, 403, 404, 418, 500, 503] {
        let server = server_answering(error(status)).await;
        let error = rds::Client::new(&config(&server))
            .download_errorlog("inst-1")
            .send()
            .await
            .expect_err("an error status");
        assert_service_error(&error, status);
        match error.as_service_error() {
            Some(DownloadErrorlogError::Default(body)) => {
                assert_eq!(body.error_code.as_deref(), Some(ERROR_CODE));
                assert_eq!(body.error_msg.as_deref(), Some(ERROR_MSG));
            }
            other => panic!("HTTP {status}: unexpected {other:?}"),
        }
    }
}

// ---- CSS -----------------------------------------------------------------------------------

#[tokio::test]
async fn list_logs_job_decodes_the_document_example() {
    let server = server_answering(json(200, LIST_LOGS_JOB_200)).await;
    let response = css::Client::new(&config(&server))
        .list_logs_job("4213d908-f5dc-4633-8401-cfd7175fca0c")
        .send()
        .await
        .expect("the example decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    let page = response.into_inner();
    assert_eq!(page.total_size, None);
    let records = page.cluster_log_record.expect("the example has records");
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(
        record.id.as_deref(),
        Some("d455a541-597e-4846-a6be-baad0ea361b1")
    );
    assert_eq!(
        record.cluster_id.as_deref(),
        Some("4213d908-f5dc-4633-8401-cfd7175fca0c")
    );
    assert_eq!(record.create_at, Some(CssTimestamp::Integer(1656042837000)));
    assert_eq!(
        record.log_path.as_deref(),
        Some("css-backup-1610678043608/css/log")
    );
    assert_eq!(record.status, Some(LogJobStatus::Running));
    assert_eq!(record.finished_at, None);
    assert_eq!(record.job_types, Some(LogJobType::Manual));
    assert_eq!(record.failed_msg, None);
    assert_eq!(
        record.job_id.as_deref(),
        Some("2c9080df7c171342017c5e0884f8011c")
    );
}

#[tokio::test]
async fn list_logs_job_decodes_the_wire_members_and_unknown_values() {
    let body = r#"{
      "clusterLogRecord": [
        {
          "id": "a",
          "createAt": "1656042837000",
          "status": "FAIL",
          "finishedAt": 1656042900000,
          "jobTypes": "Auto",
          "failedMsg": "OBS bucket not found"
        },
        {
          "id": "b",
          "createAt": 1656042837000,
          "status": "PAUSED",
          "finishedAt": null,
          "jobTypes": "Scheduled",
          "failedMsg": null
        }
      ],
      "totalSize": 2
    }"#;
    let server = server_answering(json(200, body)).await;
    let page = css::Client::new(&config(&server))
        .list_logs_job("cluster-1")
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.total_size, Some(2));
    let records = page.cluster_log_record.expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].create_at,
        Some(CssTimestamp::String("1656042837000".to_owned()))
    );
    assert_eq!(records[0].status, Some(LogJobStatus::Fail));
    assert_eq!(records[0].finished_at, Some(1656042900000));
    assert_eq!(records[0].job_types, Some(LogJobType::Auto));
    assert_eq!(
        records[0].failed_msg.as_deref(),
        Some("OBS bucket not found")
    );
    assert_eq!(
        records[1].create_at,
        Some(CssTimestamp::Integer(1656042837000))
    );
    assert_eq!(records[1].status, Some(LogJobStatus::from("PAUSED")));
    assert_eq!(records[1].finished_at, None);
    assert_eq!(records[1].job_types, Some(LogJobType::from("Scheduled")));
    assert_eq!(records[1].failed_msg, None);
}

/// What a program does with a status: written against `as_str()`, so the `PAUSED` arm keeps
/// matching when a later spec lists `PAUSED` (an arm on `Unknown` would silently stop).
fn next_step(status: &LogJobStatus) -> &'static str {
    match status.as_str() {
        "PAUSED" => "resume",
        "FAIL" => "retry",
        _ => "wait",
    }
}

#[tokio::test]
async fn an_unknown_value_is_opaque_text_and_a_known_text_is_always_its_variant() {
    let body = r#"{"clusterLogRecord":[{"status":"PAUSED"},{"status":"FAIL"},{"status":"fail"}]}"#;
    let server = server_answering(json(200, body)).await;
    let records = css::Client::new(&config(&server))
        .list_logs_job("cluster-1")
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .cluster_log_record
        .expect("records");
    let statuses: Vec<LogJobStatus> = records.into_iter().filter_map(|r| r.status).collect();
    // A value the spec does not list: `Unknown`, read and compared as its text.
    let paused = &statuses[0];
    let LogJobStatus::Unknown(value) = paused else {
        panic!("PAUSED is not listed: {paused:?}");
    };
    assert_eq!(value, "PAUSED");
    assert_eq!(value.as_str(), "PAUSED");
    assert_eq!(value.to_string(), "PAUSED");
    assert_eq!(format!("{paused:?}"), r#"Unknown("PAUSED")"#);
    assert_eq!(paused.as_str(), "PAUSED");
    assert_eq!(*paused, LogJobStatus::from("PAUSED"));
    // A listed text is its variant however it is made: decoded, `from`, `parse`.
    assert_eq!(statuses[1], LogJobStatus::Fail);
    assert_eq!(LogJobStatus::from("FAIL"), LogJobStatus::Fail);
    assert_eq!("FAIL".parse::<LogJobStatus>(), Ok(LogJobStatus::Fail));
    // This enum is case-sensitive: `fail` is another value; a case-insensitive one maps it.
    assert!(matches!(&statuses[2], LogJobStatus::Unknown(v) if v == "fail"));
    assert_eq!(LogExportStatus::from("RUNNING"), LogExportStatus::Running);
    assert_eq!(
        ErrorLogDownloadStatus::from("finish"),
        ErrorLogDownloadStatus::Finish
    );
    // Matching on `as_str()` treats a known and an unknown value alike.
    let steps: Vec<&str> = statuses.iter().map(next_step).collect();
    assert_eq!(steps, ["resume", "retry", "wait"]);
    assert_eq!(next_step(&LogJobStatus::Success), "wait");
}

#[tokio::test]
async fn list_logs_job_documented_errors() {
    for status in [400, 409, 412] {
        let server = server_answering(error(status)).await;
        let error = css::Client::new(&config(&server))
            .list_logs_job("cluster-1")
            .send()
            .await
            .expect_err("an error status");
        assert_service_error(&error, status);
        let body = match (status, error.as_service_error()) {
            (400, Some(ListLogsJobError::BadRequest(body))) => body,
            (409, Some(ListLogsJobError::Conflict(body))) => body,
            (412, Some(ListLogsJobError::PreconditionFailed(body))) => body,
            (_, other) => panic!("HTTP {status}: unexpected {other:?}"),
        };
        assert_eq!(body.error_code.as_deref(), Some(ERROR_CODE));
        assert_eq!(body.error_msg.as_deref(), Some(ERROR_MSG));
    }
}

#[tokio::test]
async fn export_server_logs_decodes_json_labelled_as_octet_stream() {
    // The document gives the 202 the download headers (Content-Type application/octet-stream);
    // the body is the JSON task all the same.
    let server = server_answering(
        ResponseTemplate::new(202)
            .insert_header("X-Request-Id", REQUEST_ID)
            .insert_header("Content-Transfer-Encoding", "binary")
            .set_body_raw(
                EXPORT_SERVER_LOGS_202.as_bytes().to_vec(),
                "application/octet-stream;charset=UTF-8",
            ),
    )
    .await;
    let task = clouddc::Client::new(&config(&server))
        .export_server_logs("srv-1")
        .send()
        .await
        .expect("the JSON body decodes whatever its label")
        .into_inner();
    assert_eq!(task, running_task());
}

/// The token service and gateways in front of the vendor's APIs answer in other shapes than
/// `error_code`/`error_msg` (Keystone's `{"error": {"code", "message", "title"}}`, flat
/// `code`/`message`): the specs' declared conventions read those too.
#[tokio::test]
async fn errors_in_the_gateways_shapes_are_read_too() {
    let keystone = r#"{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}"#;
    let flat = r#"{"code":"APIGW.0101","message":"The API does not exist"}"#;
    for (body, code, message) in [
        (
            keystone,
            "401",
            "The request you have made requires authentication.",
        ),
        (flat, "APIGW.0101", "The API does not exist"),
    ] {
        let server = server_answering(json(401, body)).await;
        let error = css::Client::new(&config(&server))
            .list_logs_job("cluster-1")
            .send()
            .await
            .expect_err("401");
        assert_eq!(error.code(), Some(code), "{body}");
        assert_eq!(error.message(), Some(message), "{body}");
    }
}
