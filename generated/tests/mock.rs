//! Testing code that uses this crate without a server: the `mock` feature's `Mock` answers
//! each operation of the four services, and records what was sent (hand-written; `clientgen
//! generate` keeps this folder as it is).
//!
//! ```text
//! cargo test -p cloud-logs-client --features mock
//! ```
//!
//! Every call below goes through the client as in production: its arguments checked, its
//! request signed (AK/SK) or carrying the token, its answer decoded into the operation's
//! types; retries, waiters, paginators and downloads work as they do against a server.
#![cfg(feature = "mock")]

use cloud_logs_client::mock::{Answer, Mock, Sent, PRESIGNED_LINK};
use cloud_logs_client::{clouddc, css, dcs, rds, Config, Error, RetryConfig, TimeoutKind};
use serde_json::json;
use std::time::{Duration, SystemTime};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Token authentication, quick retries.
fn token_config(mock: &Mock) -> Config {
    mock.config()
        .token("test-token")
        .project_id(PROJECT)
        .retry(quick_retries())
        .build()
        .expect("a valid configuration")
}

/// AK/SK signing at a fixed date, quick retries.
fn aksk_config(mock: &Mock) -> Config {
    Config::builder()
        .mock(mock)
        .aksk("test-ak", "test-sk")
        .project_id(PROJECT)
        .clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(1_742_438_886))
        .retry(quick_retries())
        .build()
        .expect("a valid configuration")
}

fn quick_retries() -> RetryConfig {
    RetryConfig::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// The request was signed with the test AK at the fixed date.
fn assert_signed(sent: &Sent) {
    let authorization = sent.header("Authorization").expect("signed");
    assert!(
        authorization.starts_with("SDK-HMAC-SHA256 Access=test-ak, SignedHeaders="),
        "{authorization}"
    );
    assert!(authorization.contains(", Signature="), "{authorization}");
    assert_eq!(sent.header("X-Sdk-Date"), Some("20250320T024806Z"));
    assert_eq!(sent.header("X-Project-Id"), Some(PROJECT));
    assert_eq!(sent.header("X-Auth-Token"), None);
}

/// CloudDC: export, wait until complete (a waiter), download the archive (a streamed body).
#[tokio::test]
async fn clouddc_export_wait_and_download() {
    let mock = Mock::new();
    use clouddc::operations::{DownloadServerLogs, ExportServerLogs, ShowLogsExportStatus};
    // The operation documents 202: the answer is decoded as the server's would be.
    mock.on(ExportServerLogs::OPERATION_ID)
        .answer(Answer::json(json!({"export_id": "exp-1", "status": "running"})).with_status(202));
    let polls = mock
        .on(ShowLogsExportStatus::OPERATION_ID)
        .answer(Answer::json(
            json!({"status": "running", "percentage": "30%"}),
        ))
        .answer(Answer::status(503)) // retried by the call itself
        .answer(Answer::json(
            json!({"status": "completed", "percentage": 100}),
        ));
    mock.on(DownloadServerLogs::OPERATION_ID).answer(
        Answer::bytes(&b"a tar.gz archive"[..]).header(
            "Content-Disposition",
            "attachment; filename=SN123-dump.tar.gz",
        ),
    );
    let config = aksk_config(&mock);
    let client = clouddc::Client::new(&config);

    let task = client.export_server_logs("server-1").send().await.unwrap();
    let export_id = task.export_id.clone().unwrap();
    let done = client
        .wait_until_export_completed("server-1", export_id.as_str())
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
        .await
        .expect("the export completes");
    assert_eq!(
        done.status,
        Some(clouddc::types::LogExportStatus::Completed)
    );
    assert_eq!(polls.calls(), 3);
    let archive = client
        .download_server_logs("server-1", export_id.as_str())
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(archive.file_name(), Some("SN123-dump.tar.gz"));
    assert_eq!(&archive.collect().await.unwrap()[..], b"a tar.gz archive");

    // What was sent: each attempt, signed afresh, to the operation's path.
    let sent = mock.requests();
    let operations: Vec<(&str, u32)> = sent.iter().map(|s| (s.operation(), s.attempt())).collect();
    assert_eq!(
        operations,
        [
            ("ExportServerLogs", 1),
            ("ShowLogsExportStatus", 1),
            ("ShowLogsExportStatus", 1),
            ("ShowLogsExportStatus", 2),
            ("DownloadServerLogs", 1),
        ]
    );
    assert_eq!(sent[0].method(), "POST");
    assert_eq!(
        sent[0].path(),
        format!("/v1/{PROJECT}/physicalservers/server-1/logs/exports")
    );
    assert_eq!(sent[0].body(), b"");
    assert_eq!(
        sent[1].path(),
        format!("/v1/{PROJECT}/physicalservers/server-1/logs/exports/exp-1")
    );
    sent.iter().for_each(assert_signed);
    mock.assert_all_used();
}

/// CSS: a retried call, a documented error, and the paginator over every page.
#[tokio::test]
async fn css_retries_errors_and_pages() {
    use css::operations::{ListLogsJob, ListLogsJobError};
    let mock = Mock::new();
    let config = token_config(&mock);
    let client = css::Client::new(&config);
    let record = |n: u32| json!({"id": format!("rec-{n}"), "status": "SUCCESS"});

    // 503, then 200: one call, two attempts.
    mock.on(ListLogsJob::OPERATION_ID)
        .answer(Answer::status(503))
        .answer(Answer::json(
            json!({"clusterLogRecord": [record(1)], "totalSize": 1}),
        ));
    let page = client
        .list_logs_job("cluster-1")
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total_size, Some(1));
    let sent = mock.requests_for(ListLogsJob::OPERATION_ID);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].attempt(), 2);
    assert_eq!(sent[1].header("X-Auth-Token"), Some("test-token"));
    assert_eq!(sent[1].query("limit").as_deref(), Some("5"));

    // A documented error status, decoded into the operation's error type.
    mock.on(ListLogsJob::OPERATION_ID).answer(
        Answer::json(json!({"error_code": "CSS.0015", "error_msg": "The cluster is busy"}))
            .with_status(400)
            .header("X-Request-Id", "req-1"),
    );
    let error = client.list_logs_job("cluster-1").send().await.unwrap_err();
    assert_eq!(error.code(), Some("CSS.0015"));
    assert_eq!(error.request_id(), Some("req-1"));
    assert!(matches!(
        error.as_service_error(),
        Some(ListLogsJobError::BadRequest(_))
    ));

    // The paginator: a rule per page, chosen by the requested offset.
    let first = mock
        .on(ListLogsJob::OPERATION_ID)
        .when(|sent| sent.query("offset").as_deref() == Some("1"))
        .answer(Answer::json(
            json!({"clusterLogRecord": [record(1), record(2)], "totalSize": 3}),
        ));
    let second = mock
        .on(ListLogsJob::OPERATION_ID)
        .when(|sent| sent.query("offset").as_deref() == Some("3"))
        .answer(Answer::json(
            json!({"clusterLogRecord": [record(3)], "totalSize": 3}),
        ));
    let ids: Vec<String> = client
        .list_logs_job("cluster-1")
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id.unwrap())
        .collect();
    assert_eq!(ids, ["rec-1", "rec-2", "rec-3"]);
    assert_eq!((first.calls(), second.calls()), (1, 1));

    // A call no rule answers fails, naming the operation; it is not retried.
    let unanswered = client.list_logs_job("cluster-1").send().await.unwrap_err();
    let Error::Dispatch(e) = &unanswered else {
        panic!("{unanswered:?}")
    };
    assert!(
        e.to_string()
            .contains("the mock has no answer for `ListLogsJob`"),
        "{e}"
    );
    // An invalid argument is refused before anything is sent.
    let before = mock.requests().len();
    let invalid = client.list_logs_job("cluster-1").limit(0).send().await;
    assert!(matches!(invalid, Err(Error::Construction(_))));
    assert_eq!(mock.requests().len(), before);
    mock.assert_all_used();
}

/// DCS: a link created by a signed POST (retried after a refused connection, which surely
/// never reached the server), then downloaded without credentials.
#[tokio::test]
async fn dcs_link_then_download() {
    use dcs::operations::CreateRedislogDownloadLink;
    let mock = Mock::new();
    mock.on(CreateRedislogDownloadLink::OPERATION_ID)
        .answer(Answer::connection_refused())
        .answer(Answer::json(json!({
            "id": "log-9",
            "backup_id": "task-3",
            "link": "https://bucket.obs.example.com/redis.log?AWSAccessKeyId=x&Signature=y",
        })));
    mock.on_link()
        .when(|sent| sent.url().host_str() == Some("bucket.obs.example.com"))
        .answer(Answer::bytes(&b"redis log lines\n"[..]));
    let config = aksk_config(&mock);

    let answer = dcs::Client::new(&config)
        .create_redislog_download_link("inst-1", "log-9")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.backup_id.as_deref(), Some("task-3"));
    let link = answer.presigned_link().expect("a link");
    let log = link.open(&config).await.unwrap().collect().await.unwrap();
    assert_eq!(&log[..], b"redis log lines\n");

    let created = mock.requests_for(CreateRedislogDownloadLink::OPERATION_ID);
    assert_eq!(created.len(), 2);
    assert_eq!(
        created[1].path(),
        format!("/v2/{PROJECT}/instances/inst-1/redislog/log-9/links")
    );
    assert_signed(&created[1]);
    // The link's request carries no credential, and `Debug` does not show the link.
    let fetched = &mock.requests_for(PRESIGNED_LINK)[0];
    assert_eq!(fetched.query("Signature").as_deref(), Some("y"));
    assert_eq!(fetched.header("Authorization"), None);
    assert!(fetched.header("User-Agent").is_some());
    assert!(!format!("{fetched:?}").contains("Signature"));
    mock.assert_all_used();
}

/// RDS: wait until the error-log links are ready (a waiter over a POST), download one; and an
/// answer slower than the attempt timeout.
#[tokio::test]
async fn rds_wait_download_and_time_out() {
    use rds::operations::DownloadErrorlog;
    let mock = Mock::new();
    let links = |status: &str, list: serde_json::Value| {
        let count = list.as_array().map_or(0, Vec::len);
        Answer::json(json!({"list": list, "status": status, "count": count}))
    };
    mock.on(DownloadErrorlog::OPERATION_ID)
        .answer(links("CREATING", json!([])))
        .answer(links(
            "FINISH",
            json!([{
                "workflow_id": "wf-1",
                "file_name": "error-1.log",
                "status": "SUCCESS",
                "file_size": "6",
                "file_link": "https://obs.example.com/error-1.log?sig=abc",
            }]),
        ));
    mock.on_link().answer(Answer::bytes(&b"error\n"[..]));
    let config = token_config(&mock);
    let client = rds::Client::new(&config);

    let ready = client
        .wait_until_errorlog_links_ready("inst-2")
        .min_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(2))
        .await
        .unwrap();
    let entry = &ready.list.as_ref().unwrap()[0];
    let link = entry.presigned_file_link().expect("a link");
    assert_eq!(link.expected_size(), Some(6));
    let log = link.open(&config).await.unwrap().collect().await.unwrap();
    assert_eq!(&log[..], b"error\n");
    let polls = mock.requests_for(DownloadErrorlog::OPERATION_ID);
    assert_eq!(polls.len(), 2);
    assert!(polls.iter().all(|sent| sent.method() == "POST"
        && sent.path() == format!("/v3/{PROJECT}/instances/inst-2/errorlog-download")
        && sent.header("X-Auth-Token") == Some("test-token")));

    // The attempt timeout expires before a slow answer arrives.
    mock.on(DownloadErrorlog::OPERATION_ID)
        .answer(links("FINISH", json!([])).after(Duration::from_secs(30)));
    let impatient = mock
        .config()
        .token("test-token")
        .project_id(PROJECT)
        .attempt_timeout(Some(Duration::from_millis(20)))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let error = rds::Client::new(&impatient)
        .download_errorlog("inst-2")
        .send()
        .await
        .unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind(), TimeoutKind::Attempt);
    mock.assert_all_used();
}
