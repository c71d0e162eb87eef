//! Retries: which outcomes and operations are retried, how often, how long the waits are.

use super::common::*;
use cloud_logs_client::retry::{
    AttemptOutcome, Classification, RetryClassifier, StandardClassifier,
};
use cloud_logs_client::{clouddc, css, rds, Config, Error, RetryConfig};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wiremock::{MockServer, ResponseTemplate};

const LIST_OK: &str = r#"{"clusterLogRecord":[],"totalSize":7}"#;

fn config(server: &MockServer, retry: RetryConfig) -> Config {
    token_builder(server).retry(retry).build().unwrap()
}

async fn list(config: &Config) -> Result<i32, Error<css::operations::ListLogsJobError>> {
    css::Client::new(config)
        .list_logs_job("cl-1")
        .send()
        .await
        .map(|r| r.total_size.expect("totalSize"))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, RFC 9110) for a time since the epoch.
fn http_date(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Days to civil date (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[test]
fn http_dates_are_formatted_as_rfc_9110_says() {
    let at = |secs| http_date(UNIX_EPOCH + Duration::from_secs(secs));
    assert_eq!(at(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(at(FIXED_SECS), "Thu, 20 Mar 2025 02:48:06 GMT");
    assert_eq!(at(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let busy = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    let server = server_answering(vec![busy, json(200, LIST_OK)]).await;
    let started = Instant::now();
    let total = list(&config(&server, fast_retry(3)))
        .await
        .expect("429 then 200");
    assert_at_least("Retry-After: 1", started.elapsed(), ms(980));
    assert_eq!(total, 7);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    // At least one second ahead, whatever the fraction of the current second.
    let at = SystemTime::now() + Duration::from_secs(2);
    let busy = ResponseTemplate::new(503).insert_header("Retry-After", http_date(at).as_str());
    let server = server_answering(vec![busy, json(200, LIST_OK)]).await;
    let started = Instant::now();
    list(&config(&server, fast_retry(3)))
        .await
        .expect("503 then 200");
    assert_at_least("Retry-After: <date>", started.elapsed(), ms(950));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_storm_of_503_ends_after_max_attempts() {
    let server = server_answering(vec![error(503)]).await;
    let retry = RetryConfig::default()
        .max_attempts(4)
        .initial_backoff(ms(10));
    let started = Instant::now();
    let error = list(&config(&server, retry)).await.unwrap_err();
    assert_at_least("4 attempts", started.elapsed(), ms(0));
    assert_eq!(requests(&server).await.len(), 4);
    assert!(matches!(error, Error::Response(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.raw_response().map(|r| r.attempts()), Some(4));
    assert_eq!(error.code(), Some("SVC.0503"));
    assert_eq!(error.request_id(), Some(REQUEST_ID));
    assert_eq!(
        error.to_string(),
        format!(
            "unexpected response: HTTP 503 Service Unavailable is not documented for this \
             operation (request id {REQUEST_ID}) after 4 attempts"
        )
    );
}

#[tokio::test]
async fn a_post_that_is_not_retry_safe_is_sent_once() {
    let server = server_answering(vec![error(503)]).await;
    let error = clouddc::Client::new(&config(&server, fast_retry(4)))
        .export_server_logs("srv-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.raw_response().map(|r| r.attempts()), Some(1));
    assert!(!error.to_string().contains("attempts"), "{error}");
}

#[tokio::test]
async fn a_retry_safe_post_and_gets_are_retried() {
    // DownloadErrorlog is a POST marked `x-clientgen-retry-safe: true` in spec/rds.yaml.
    let server = server_answering(vec![error(503)]).await;
    let config = config(&server, fast_retry(3));
    let failure = rds::Client::new(&config)
        .download_errorlog("inst-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 3);
    assert!(matches!(failure, Error::Service(_)), "{failure:?}");
    assert_eq!(failure.raw_response().map(|r| r.attempts()), Some(3));
    assert!(
        failure.to_string().ends_with("after 3 attempts"),
        "{failure}"
    );

    let server = server_answering(vec![error(502)]).await;
    let failure = clouddc::Client::new(&config_for(&server, 3))
        .show_logs_export_status("srv-1", "e-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await.len(), 3);
    assert_eq!(failure.raw_response().map(|r| r.attempts()), Some(3));

    let server = server_answering(vec![error(504), error(500), json(200, LIST_OK)]).await;
    assert_eq!(
        list(&config_for(&server, 3)).await.expect("third attempt"),
        7
    );
    assert_eq!(requests(&server).await.len(), 3);
}

fn config_for(server: &MockServer, attempts: u32) -> Config {
    config(server, fast_retry(attempts))
}

#[tokio::test]
async fn statuses_that_are_not_transient_are_not_retried() {
    for status in [400, 401, 404, 409, 418] {
        let server = server_answering(vec![error(status)]).await;
        let error = list(&config_for(&server, 3)).await.unwrap_err();
        assert_eq!(requests(&server).await.len(), 1, "HTTP {status}");
        assert_eq!(error.raw_response().map(|r| r.attempts()), Some(1));
    }
}

/// Counts what the standard classifier is asked, and answers as it does.
#[derive(Default)]
struct Counting {
    connect_failures: AtomicU32,
    outcomes: AtomicU32,
}

impl RetryClassifier for Counting {
    fn classify(&self, outcome: &AttemptOutcome<'_>) -> Classification {
        self.outcomes.fetch_add(1, Ordering::SeqCst);
        if matches!(outcome, AttemptOutcome::ConnectFailed) {
            self.connect_failures.fetch_add(1, Ordering::SeqCst);
        }
        StandardClassifier.classify(outcome)
    }
}

fn is_connect<E>(error: &Error<E>) -> bool {
    matches!(error, Error::Dispatch(e) if e.is_connect())
}

#[tokio::test]
async fn connection_failures_are_retried_even_for_posts() {
    for post in [false, true] {
        let counting = Arc::new(Counting::default());
        let config = Config::builder()
            .endpoint(format!("http://127.0.0.1:{}", closed_port()))
            .token(TOKEN)
            .project_id(PROJECT)
            .retry(fast_retry(3))
            .retry_classifier(counting.clone())
            .build()
            .unwrap();
        let started = Instant::now();
        let (connect, debug) = if post {
            // Not retry-safe, but a request that never connected never reached the server.
            let failure = clouddc::Client::new(&config)
                .export_server_logs("srv-1")
                .send()
                .await
                .unwrap_err();
            (is_connect(&failure), format!("{failure:?}"))
        } else {
            let failure = list(&config).await.unwrap_err();
            (is_connect(&failure), format!("{failure:?}"))
        };
        assert!(connect, "expected a connect Dispatch error: {debug}");
        assert_at_least("3 refused connections", started.elapsed(), ms(0));
        assert_eq!(
            counting.connect_failures.load(Ordering::SeqCst),
            3,
            "post: {post}"
        );
        assert_eq!(counting.outcomes.load(Ordering::SeqCst), 3, "post: {post}");
    }
}

#[tokio::test]
async fn disabled_retries_make_one_attempt() {
    let server = server_answering(vec![error(503), json(200, LIST_OK)]).await;
    let started = Instant::now();
    let error = list(&config(&server, RetryConfig::disabled()))
        .await
        .unwrap_err();
    assert_at_least("one attempt", started.elapsed(), ms(0));
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(error.raw_response().map(|r| r.attempts()), Some(1));
    assert_eq!(RetryConfig::disabled().attempts(), 1);
    assert_eq!(RetryConfig::default().attempts(), 3);
}

/// Retries 418 and nothing else.
struct Teapots;

impl RetryClassifier for Teapots {
    fn classify(&self, outcome: &AttemptOutcome<'_>) -> Classification {
        match outcome {
            AttemptOutcome::Response { status, .. } if status.as_u16() == 418 => {
                Classification::Retry { after: None }
            }
            _ => Classification::DoNotRetry,
        }
    }
}

#[tokio::test]
async fn a_custom_classifier_is_honoured() {
    let teapot = || error(418);
    let server = server_answering(vec![teapot(), teapot(), json(200, LIST_OK)]).await;
    let config = token_builder(&server)
        .retry(fast_retry(3))
        .retry_classifier(Arc::new(Teapots))
        .build()
        .unwrap();
    assert_eq!(list(&config).await.expect("418, 418, 200"), 7);
    assert_eq!(requests(&server).await.len(), 3);

    // The custom rules replace the standard ones: 503 is no longer retried.
    let server = server_answering(vec![error(503), json(200, LIST_OK)]).await;
    let config = token_builder(&server)
        .retry(fast_retry(3))
        .retry_classifier(Arc::new(Teapots))
        .build()
        .unwrap();
    let error = list(&config).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn the_total_budget_stops_retries_early() {
    // Each wait is Retry-After (1 s) clamped to max_backoff (100 ms): waits of 100 ms and
    // 200 ms in all fit the 250 ms budget, a third wait would not.
    let busy = error(503).insert_header("Retry-After", "1");
    let server = server_answering(vec![busy]).await;
    let retry = RetryConfig::default()
        .max_attempts(10)
        .max_backoff(ms(100))
        .max_total(ms(250));
    let started = Instant::now();
    let error = list(&config(&server, retry)).await.unwrap_err();
    assert_at_least("two clamped waits", started.elapsed(), ms(200));
    assert_eq!(requests(&server).await.len(), 3);
    assert_eq!(error.raw_response().map(|r| r.attempts()), Some(3));
}
