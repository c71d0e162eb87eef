//! Waiters: the CloudDC export waiter (GET ShowLogsExportStatus) and the RDS error-log waiter
//! (POST DownloadErrorlog), polled against scripted servers with delays of milliseconds.

use super::common::{bounded, config, error, header, ms, ok, requests, scripted, Arrivals};
use cloud_logs_client::clouddc::types::{ExportPercentage, LogExportStatus};
use cloud_logs_client::rds::types::ErrorLogDownloadStatus;
use cloud_logs_client::{clouddc, rds, Error, WaitError};
use serde_json::json;
use std::error::Error as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::MockServer;

const EXPORT_PATH: &str = "/v1/proj/physicalservers/srv-1/logs/exports/exp-1";
const ERRORLOG_PATH: &str = "/v3/proj/instances/inst-1/errorlog-download";

/// An export task body with `status` and `percentage` as given (JSON values, so a percentage
/// may be a string or an integer); `null` leaves the member out.
fn export(status: serde_json::Value, percentage: serde_json::Value) -> serde_json::Value {
    let mut body = json!({"export_id": "exp-1", "created_at": "2025-03-20T02:48:06+00:00"});
    if !status.is_null() {
        body["status"] = status;
    }
    if !percentage.is_null() {
        body["percentage"] = percentage;
    }
    body
}

fn running(percentage: &str) -> wiremock::ResponseTemplate {
    ok(export(json!("Running"), json!(percentage)))
}

/// The waiter of ShowLogsExportStatus.
type ExportWaiter = cloud_logs_client::Waiter<
    clouddc::types::LogExportTask,
    clouddc::operations::ShowLogsExportStatusError,
>;

/// The export waiter of `server` with fast settings: 5 ms to 20 ms apart, 1.5 s at most.
fn export_waiter(server: &MockServer) -> ExportWaiter {
    clouddc::Client::new(&config(server))
        .show_logs_export_status("srv-1", "exp-1")
        .wait_until_export_completed()
        .min_delay(ms(5))
        .max_delay(ms(20))
        .max_wait(ms(1500))
}

/// Asserts every request of `server` was a poll of the export status; returns how many.
async fn export_polls(server: &MockServer) -> usize {
    let all = requests(server).await;
    for request in &all {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.path(), EXPORT_PATH);
        assert_eq!(header(request, "x-auth-token"), Some(super::common::TOKEN));
    }
    all.len()
}

/// The percentage of an export task as text, or `-` when absent.
fn percentage_text(task: &clouddc::types::LogExportTask) -> String {
    task.percentage
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}

#[tokio::test]
async fn export_waiter_succeeds_after_three_polls() {
    bounded(async {
        let (server, _) = scripted(vec![
            running("30%"),
            running("60%"),
            ok(export(json!("Running"), json!(100))),
        ])
        .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let observer = seen.clone();
        let done = export_waiter(&server)
            .on_poll(move |response| observer.lock().unwrap().push(percentage_text(response)))
            .await
            .expect("the third poll reports 100");
        assert_eq!(done.status().as_u16(), 200);
        assert_eq!(done.percentage, Some(ExportPercentage::Integer(100)));
        assert_eq!(done.status, Some(LogExportStatus::Running));
        assert_eq!(done.export_id.as_deref(), Some("exp-1"));
        assert_eq!(done.request_id(), Some(super::common::REQUEST_ID));
        assert_eq!(export_polls(&server).await, 3);
        // The observer sees the responses that decided nothing, not the final one.
        assert_eq!(*seen.lock().unwrap(), ["30%", "60%"]);
    })
    .await;
}

#[tokio::test]
async fn export_waiter_succeeds_at_once_on_each_success_form() {
    bounded(async {
        let successes = [
            export(serde_json::Value::Null, json!(100)),
            export(serde_json::Value::Null, json!("100%")),
            export(serde_json::Value::Null, json!("100")),
            export(json!("Completed"), serde_json::Value::Null),
            export(json!("COMPLETED"), json!("99%")),
            export(json!("completed"), json!("10%")),
            export(json!("Running"), json!("100%")),
        ];
        for body in successes {
            let (server, _) = scripted(vec![ok(body.clone())]).await;
            let started = Instant::now();
            // Delays of a minute: a success on the first poll must not sleep at all, and no
            // busy machine takes a minute for one local request.
            let done = export_waiter(&server)
                .min_delay(Duration::from_secs(60))
                .max_delay(Duration::from_secs(60))
                .max_wait(Duration::from_secs(120))
                .await
                .unwrap_or_else(|e| panic!("{body} is a success, got {e:?}"));
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{body}: the first poll is sent at once and ends the wait"
            );
            assert_eq!(done.export_id.as_deref(), Some("exp-1"));
            assert_eq!(export_polls(&server).await, 1, "{body}");
        }
    })
    .await;
}

#[tokio::test]
async fn export_waiter_succeeds_on_status_completed_in_any_case() {
    bounded(async {
        let (server, _) = scripted(vec![
            ok(export(json!("Running"), serde_json::Value::Null)),
            ok(export(json!("processing"), serde_json::Value::Null)),
            ok(export(json!("Completed"), serde_json::Value::Null)),
        ])
        .await;
        let done = export_waiter(&server)
            .await
            .expect("Completed is a success");
        assert_eq!(done.status, Some(LogExportStatus::Completed));
        assert_eq!(done.percentage, None);
        assert_eq!(export_polls(&server).await, 3);
    })
    .await;
}

#[tokio::test]
async fn export_waiter_fails_on_status_failed() {
    bounded(async {
        // The failing response also says 100%: failure acceptors are checked first.
        let (server, _) = scripted(vec![
            running("30%"),
            ok(export(json!("FAILED"), json!("100%"))),
            ok(export(json!("Completed"), json!(100))),
        ])
        .await;
        let polled = Arc::new(Mutex::new(0u32));
        let counter = polled.clone();
        let err = export_waiter(&server)
            .on_poll(move |_| *counter.lock().unwrap() += 1)
            .await
            .expect_err("FAILED is a failure");
        assert_eq!(err.polls(), 2);
        match &err {
            WaitError::Failure {
                field,
                state,
                response,
                polls,
                elapsed,
            } => {
                assert_eq!(*field, "status");
                assert_eq!(state, "FAILED");
                assert_eq!(*polls, 2);
                assert_eq!(*elapsed, err.elapsed());
                assert_eq!(response.status().as_u16(), 200);
                assert_eq!(response.status, Some(LogExportStatus::from("FAILED")));
                assert_eq!(
                    response.percentage,
                    Some(ExportPercentage::String("100%".to_owned()))
                );
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        let shown = err.to_string();
        assert!(shown.contains("`status` is `FAILED`"), "{shown}");
        assert!(shown.contains("2 polls"), "{shown}");
        assert!(err.source().is_none());
        assert_eq!(
            *polled.lock().unwrap(),
            1,
            "only the undecided poll is observed"
        );
        assert_eq!(export_polls(&server).await, 2);
    })
    .await;
}

#[tokio::test]
async fn export_waiter_failure_is_case_insensitive() {
    bounded(async {
        let (server, _) = scripted(vec![ok(export(json!("failed"), json!("40%")))]).await;
        let err = export_waiter(&server)
            .await
            .expect_err("failed is a failure");
        match &err {
            WaitError::Failure { field, state, .. } => {
                assert_eq!(*field, "status");
                assert!(state.eq_ignore_ascii_case("failed"), "{state}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(err.polls(), 1);
        assert_eq!(export_polls(&server).await, 1);
    })
    .await;
}

#[tokio::test]
async fn export_waiter_times_out() {
    bounded(async {
        let (server, _) = scripted(vec![running("50%")]).await;
        let observed = Arc::new(Mutex::new(0u32));
        let counter = observed.clone();
        let max_wait = ms(150);
        let started = Instant::now();
        let err = export_waiter(&server)
            .min_delay(ms(10))
            .max_delay(ms(20))
            .max_wait(max_wait)
            .on_poll(move |_| *counter.lock().unwrap() += 1)
            .await
            .expect_err("the export never completes");
        let took = started.elapsed();
        match &err {
            WaitError::TimedOut {
                elapsed,
                polls,
                last,
            } => {
                assert!(*elapsed >= max_wait, "timed out early: {elapsed:?}");
                assert!(*elapsed <= took);
                assert!(*polls >= 2, "only {polls} polls");
                // At least 10 ms between polls: at most 150 / 10 + 1 polls, and one at the
                // deadline.
                assert!(*polls <= 17, "{polls} polls in {elapsed:?}");
                let last = last.as_ref().expect("the last response is kept");
                assert_eq!(last.status, Some(LogExportStatus::Running));
                assert_eq!(
                    last.percentage,
                    Some(ExportPercentage::String("50%".into()))
                );
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(took < ms(1500), "the wait overran its bound: {took:?}");
        assert!(err.to_string().contains("timed out"), "{err}");
        // The final poll, sent at the deadline, has one minimum delay (10 ms) to answer; on a
        // loaded machine it may be abandoned, counted, and (rarely) not even reach the server.
        let received = export_polls(&server).await;
        let polls = err.polls() as usize;
        assert!(
            received == polls || received + 1 == polls,
            "{received} requests for {polls} polls"
        );
        let observed = *observed.lock().unwrap() as usize;
        assert!(
            observed == polls || observed + 1 == polls,
            "{observed} observed for {polls} polls"
        );
    })
    .await;
}

#[tokio::test]
async fn export_waiter_does_not_sleep_past_the_deadline() {
    bounded(async {
        let (server, arrivals) = scripted(vec![running("50%")]).await;
        let started = Instant::now();
        // The first pause (800 ms) is cut to what is left of the 60 ms: one more poll at the
        // deadline, then the timeout.
        let err = export_waiter(&server)
            .min_delay(ms(800))
            .max_delay(ms(800))
            .max_wait(ms(60))
            .await
            .expect_err("the export never completes");
        let took = started.elapsed();
        assert!(matches!(err, WaitError::TimedOut { .. }), "{err:?}");
        assert_eq!(err.polls(), 2);
        assert!(err.elapsed() >= ms(60), "{:?}", err.elapsed());
        assert!(took < ms(700), "slept past the deadline: {took:?}");
        let gaps = arrivals.gaps();
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0] < ms(700), "{gaps:?}");
        assert_eq!(export_polls(&server).await, 2);
    })
    .await;
}

#[tokio::test]
async fn export_waiter_stops_when_a_poll_fails() {
    bounded(async {
        let (server, _) = scripted(vec![running("30%"), error(401), running("60%")]).await;
        let err = export_waiter(&server)
            .await
            .expect_err("the second poll is refused");
        match &err {
            WaitError::Operation { error, polls, .. } => {
                assert_eq!(*polls, 2);
                assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
                assert_eq!(error.code(), Some("APIGW.0301"));
                assert!(
                    matches!(
                        error.as_service_error(),
                        Some(clouddc::operations::ShowLogsExportStatusError::Unauthorized(_))
                    ),
                    "{error:?}"
                );
            }
            other => panic!("expected an operation error, got {other:?}"),
        }
        assert_eq!(err.polls(), 2);
        assert!(err.to_string().contains("poll 2"), "{err}");
        assert!(err.source().is_some(), "the call's error is the source");
        // Nothing after the failed poll.
        assert_eq!(export_polls(&server).await, 2);
    })
    .await;
}

#[tokio::test]
async fn invalid_waiter_settings_send_nothing() {
    bounded(async {
        let (server, _) = scripted(vec![running("30%")]).await;
        let cases = [
            (
                "max_delay",
                export_waiter(&server).min_delay(ms(50)).max_delay(ms(10)),
            ),
            ("max_wait", export_waiter(&server).max_wait(Duration::ZERO)),
            (
                "min_delay",
                export_waiter(&server)
                    .min_delay(Duration::ZERO)
                    .max_delay(ms(10)),
            ),
        ];
        for (argument, waiter) in cases {
            let err = waiter.await.expect_err("invalid settings");
            match &err {
                WaitError::Operation {
                    error: Error::Construction(e),
                    polls,
                    elapsed,
                } => {
                    assert_eq!(e.argument(), argument);
                    assert_eq!(*polls, 0);
                    assert_eq!(*elapsed, Duration::ZERO);
                }
                other => panic!("{argument}: expected a construction error, got {other:?}"),
            }
            assert_eq!(err.polls(), 0);
            assert!(err.to_string().contains("could not start"), "{err}");
            assert!(err.to_string().contains(argument), "{err}");
        }
        assert_eq!(export_polls(&server).await, 0, "nothing is sent");
    })
    .await;
}

#[tokio::test]
async fn client_shorthand_waits_and_is_send() {
    bounded(async {
        let (server, _) = scripted(vec![
            running("10%"),
            ok(export(json!("completed"), json!("100%"))),
        ])
        .await;
        let client = clouddc::Client::new(&config(&server));
        let waiter = client
            .wait_until_export_completed("srv-1", "exp-1")
            .min_delay(ms(5))
            .max_delay(ms(10))
            .max_wait(ms(1500));
        // The waiter (and so its future) is Send: it runs on another task.
        let done = tokio::spawn(waiter.wait())
            .await
            .expect("the task does not panic")
            .expect("the second poll completes");
        assert_eq!(done.status, Some(LogExportStatus::Completed));
        assert_eq!(export_polls(&server).await, 2);
    })
    .await;
}

/// An RDS error-log links body with `status`.
fn errorlog(status: &str) -> wiremock::ResponseTemplate {
    let list = if status.eq_ignore_ascii_case("finish") {
        json!([{
            "workflow_id": "wf-1",
            "file_name": "errorlog-1.log",
            "status": "success",
            "file_size": "1024",
            "file_link": "https://obs.example.com/errorlog-1.log?sig=abc",
            "create_at": 1_742_438_886_000_i64,
            "update_at": 1_742_438_886_000_i64
        }])
    } else {
        json!([])
    };
    let count = list.as_array().unwrap().len();
    ok(json!({"list": list, "status": status, "count": count}))
}

/// Asserts every request of `server` was a bodiless POST of DownloadErrorlog; returns how many.
async fn errorlog_polls(server: &MockServer) -> usize {
    let all = requests(server).await;
    for request in &all {
        assert_eq!(request.method.as_str(), "POST");
        assert_eq!(request.url.path(), ERRORLOG_PATH);
        assert_eq!(header(request, "content-length"), Some("0"));
        assert!(request.body.is_empty());
        assert_eq!(header(request, "x-auth-token"), Some(super::common::TOKEN));
    }
    all.len()
}

#[tokio::test]
async fn rds_waiter_succeeds_on_lower_case_finish() {
    bounded(async {
        let (server, _) = scripted(vec![
            errorlog("CREATING"),
            errorlog("creating"),
            errorlog("finish"),
        ])
        .await;
        let done = rds::Client::new(&config(&server))
            .download_errorlog("inst-1")
            .x_language("en-us")
            .wait_until_errorlog_links_ready()
            .min_delay(ms(5))
            .max_delay(ms(20))
            .max_wait(ms(1500))
            .await
            .expect("finish is a success");
        assert_eq!(done.status, Some(ErrorLogDownloadStatus::Finish));
        assert_eq!(done.count, Some(1));
        let list = done.list.as_ref().expect("the links");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].file_name.as_deref(), Some("errorlog-1.log"));
        assert_eq!(errorlog_polls(&server).await, 3);
        // The builder's optional header is sent on every poll.
        for request in requests(&server).await {
            assert_eq!(header(&request, "x-language"), Some("en-us"));
        }
    })
    .await;
}

#[tokio::test]
async fn rds_waiter_fails_on_failed() {
    bounded(async {
        let (server, _) = scripted(vec![errorlog("CREATING"), errorlog("FAILED")]).await;
        let err = rds::Client::new(&config(&server))
            .wait_until_errorlog_links_ready("inst-1")
            .min_delay(ms(5))
            .max_delay(ms(20))
            .max_wait(ms(1500))
            .await
            .expect_err("FAILED is a failure");
        match &err {
            WaitError::Failure {
                field,
                state,
                response,
                polls,
                ..
            } => {
                assert_eq!(*field, "status");
                assert_eq!(state, "FAILED");
                assert_eq!(*polls, 2);
                assert_eq!(response.status, Some(ErrorLogDownloadStatus::Failed));
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(errorlog_polls(&server).await, 2);
    })
    .await;
}

/// Asserts each gap is at least `minimums[i]` (the pause the waiter must take) and below a
/// generous ceiling (the pause plus scheduling slack on a loaded CI machine).
fn assert_gaps(arrivals: &Arrivals, minimums: &[Duration]) {
    let gaps = arrivals.gaps();
    assert_eq!(gaps.len(), minimums.len(), "{gaps:?}");
    for (i, (gap, min)) in gaps.iter().zip(minimums).enumerate() {
        assert!(
            gap >= min,
            "pause {i} was {gap:?}, shorter than {min:?}: {gaps:?}"
        );
        assert!(*gap < ms(500), "pause {i} was {gap:?}: {gaps:?}");
    }
}

#[tokio::test]
async fn backoff_without_jitter_doubles_up_to_max_delay() {
    bounded(async {
        let (server, arrivals) = scripted(vec![
            running("10%"),
            running("20%"),
            running("30%"),
            running("40%"),
            ok(export(json!("Completed"), json!(100))),
        ])
        .await;
        export_waiter(&server)
            .jitter(false)
            .min_delay(ms(20))
            .max_delay(ms(40))
            .max_wait(ms(1900))
            .await
            .expect("the fifth poll completes");
        assert_eq!(export_polls(&server).await, 5);
        // Without jitter every pause is the backoff: 20 ms, then 40 ms (doubled, capped).
        assert_gaps(&arrivals, &[ms(20), ms(40), ms(40), ms(40)]);
    })
    .await;
}

#[tokio::test]
async fn jittered_pauses_stay_at_least_min_delay() {
    bounded(async {
        let (server, arrivals) = scripted(vec![
            running("10%"),
            running("20%"),
            running("30%"),
            running("40%"),
            running("50%"),
            ok(export(json!("Completed"), json!(100))),
        ])
        .await;
        export_waiter(&server)
            .jitter(true)
            .min_delay(ms(15))
            .max_delay(ms(30))
            .max_wait(ms(1900))
            .await
            .expect("the sixth poll completes");
        assert_eq!(export_polls(&server).await, 6);
        assert_gaps(&arrivals, &[ms(15); 5]);
    })
    .await;
}

#[tokio::test]
async fn invalid_argument_of_the_polled_call_sends_nothing() {
    bounded(async {
        let (server, _) = scripted(vec![running("30%")]).await;
        let err = clouddc::Client::new(&config(&server))
            .wait_until_export_completed("srv-1", "")
            .min_delay(ms(5))
            .max_delay(ms(10))
            .max_wait(ms(500))
            .await
            .expect_err("an empty export id is refused");
        match &err {
            WaitError::Operation {
                error: Error::Construction(e),
                ..
            } => assert_eq!(e.argument(), "export_id"),
            other => panic!("expected a construction error, got {other:?}"),
        }
        assert_eq!(export_polls(&server).await, 0, "nothing is sent");
    })
    .await;
}

/// `max_wait` bounds "the whole wait, polls included", and `TimedOut::last` is an `Option`
/// (no response yet): a poll still in flight at the deadline must not hold the wait past it.
#[tokio::test]
async fn a_slow_first_poll_does_not_hold_the_wait_past_max_wait() {
    bounded(async {
        // The answer takes a minute: only the 100 ms limit can end the wait sooner.
        let (server, _) = scripted(vec![running("30%").set_delay(Duration::from_secs(60))]).await;
        let started = Instant::now();
        let err = export_waiter(&server)
            .max_wait(ms(100))
            .await
            .expect_err("the only poll outlasts the wait");
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(60),
            "the wait took {took:?} with max_wait 100 ms"
        );
        match &err {
            WaitError::TimedOut { elapsed, last, .. } => {
                assert!(*elapsed >= ms(100), "{elapsed:?}");
                assert!(*elapsed < Duration::from_secs(60), "{elapsed:?}");
                assert!(last.is_none(), "no response had arrived: {last:?}");
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn a_slow_later_poll_does_not_hold_the_wait_past_max_wait() {
    bounded(async {
        let (server, _) = scripted(vec![running("30%"), running("60%").set_delay(ms(1500))]).await;
        let started = Instant::now();
        let err = export_waiter(&server)
            .max_wait(ms(150))
            .await
            .expect_err("the second poll outlasts the wait");
        let took = started.elapsed();
        assert!(
            took < ms(1000),
            "the wait took {took:?} with max_wait 150 ms"
        );
        match &err {
            WaitError::TimedOut { elapsed, last, .. } => {
                assert!(*elapsed >= ms(150), "{elapsed:?}");
                let last = last.as_ref().expect("the first poll's response");
                assert_eq!(
                    last.percentage,
                    Some(ExportPercentage::String("30%".into()))
                );
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
    })
    .await;
}
