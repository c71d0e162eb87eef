//! Timeouts: one attempt, the whole operation, and the connect timeout's configuration.
//!
//! Only loopback is contacted: a connect timeout would need a non-routable address, so its
//! setting is checked through `Config::timeouts()` instead.

use crate::common::*;
use cloud_logs_client::{clouddc, css, rds, Config, Error, RetryConfig, TimeoutKind, Timeouts};
use std::time::{Duration, Instant};
use wiremock::MockServer;

const LIST_OK: &str = r#"{"totalSize":1}"#;

/// A server answering 200 to everything, after `delay`.
async fn slow_server(delay: Duration) -> MockServer {
    server_answering(vec![json(200, LIST_OK).set_delay(delay)]).await
}

fn limited(
    server: &MockServer,
    retry: RetryConfig,
    attempt: Option<Duration>,
    operation: Option<Duration>,
) -> Config {
    token_builder(server)
        .retry(retry)
        .attempt_timeout(attempt)
        .operation_timeout(operation)
        .build()
        .unwrap()
}

/// The timeout of a failed call, or a panic naming what it was instead.
fn timeout_of<E: std::fmt::Debug>(
    result: Result<impl std::fmt::Debug, Error<E>>,
) -> (TimeoutKind, Duration, String) {
    match result {
        Err(Error::Timeout(e)) => (e.kind(), e.limit(), e.to_string()),
        other => panic!("expected Error::Timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn an_attempt_timeout_ends_a_slow_attempt() {
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, RetryConfig::disabled(), Some(ms(100)), None);
    let started = Instant::now();
    let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
    assert_between("one attempt", started.elapsed(), ms(100), ms(3000));
    let (kind, limit, text) = timeout_of(result);
    assert_eq!(kind, TimeoutKind::Attempt);
    assert_eq!(limit, ms(100));
    assert_eq!(
        text,
        "timed out: waiting for the response took longer than 100ms"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn attempt_timeouts_are_retried_for_retry_safe_operations() {
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, fast_retry(3), Some(ms(100)), None);
    let started = Instant::now();
    let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
    assert_between("three attempts", started.elapsed(), ms(300), ms(3000));
    assert_eq!(timeout_of(result).0, TimeoutKind::Attempt);
    assert_eq!(requests(&server).await.len(), 3);

    // DownloadErrorlog is a POST marked retry-safe.
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, fast_retry(3), Some(ms(100)), None);
    let result = rds::Client::new(&config)
        .download_errorlog("inst-1")
        .send()
        .await;
    assert_eq!(timeout_of(result).0, TimeoutKind::Attempt);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn an_attempt_timeout_is_not_retried_for_a_post_that_is_not_retry_safe() {
    // The request reached the server: sending it again could export twice.
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, fast_retry(3), Some(ms(100)), None);
    let started = Instant::now();
    let result = clouddc::Client::new(&config)
        .export_server_logs("srv-1")
        .send()
        .await;
    assert_between("one attempt", started.elapsed(), ms(100), ms(3000));
    assert_eq!(timeout_of(result).0, TimeoutKind::Attempt);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_operation_timeout_ends_a_slow_call() {
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, RetryConfig::disabled(), None, Some(ms(200)));
    let started = Instant::now();
    let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
    assert_between("the operation", started.elapsed(), ms(200), ms(3000));
    let (kind, limit, text) = timeout_of(result);
    assert_eq!(kind, TimeoutKind::Operation);
    assert_eq!(limit, ms(200));
    assert_eq!(
        text,
        "timed out: the whole call (retries included) took longer than 200ms"
    );
}

#[tokio::test]
async fn an_operation_timeout_cuts_retries_short() {
    // 10 attempts of 100 ms each would take a second; the operation may take 350 ms. Had the
    // attempts run out first, the error would be an attempt timeout.
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, fast_retry(10), Some(ms(100)), Some(ms(350)));
    let started = Instant::now();
    let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
    assert_between("the operation", started.elapsed(), ms(350), ms(3000));
    let (kind, limit, _) = timeout_of(result);
    assert_eq!(kind, TimeoutKind::Operation);
    assert_eq!(limit, ms(350));
    let sent = requests(&server).await.len();
    assert!((1..10).contains(&sent), "{sent} attempts within 350 ms");
}

#[tokio::test]
async fn calls_within_their_limits_succeed() {
    let server = slow_server(ms(100)).await;
    let config = token_builder(&server)
        .connect_timeout(ms(500))
        .attempt_timeout(Some(ms(1500)))
        .operation_timeout(Some(ms(3000)))
        .build()
        .unwrap();
    let response = css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("100 ms is within every limit");
    assert_eq!(response.total_size, Some(1));

    let config = limited(&server, RetryConfig::disabled(), None, None);
    css::Client::new(&config)
        .list_logs_job("cl-1")
        .send()
        .await
        .expect("no limits at all");
    assert_eq!(requests(&server).await.len(), 2);
}

#[test]
fn timeouts_are_configurable_and_visible() {
    let defaults = Timeouts {
        connect: Duration::from_secs(10),
        attempt: Some(Duration::from_secs(30)),
        operation: Some(Duration::from_secs(120)),
    };
    assert_eq!(Timeouts::default(), defaults);
    let config = Config::builder().build().unwrap();
    assert_eq!(config.timeouts(), defaults);

    let config = Config::builder()
        .endpoint("http://127.0.0.1:9")
        .connect_timeout(ms(123))
        .attempt_timeout(Some(ms(456)))
        .operation_timeout(None)
        .build()
        .unwrap();
    assert_eq!(
        config.timeouts(),
        Timeouts {
            connect: ms(123),
            attempt: Some(ms(456)),
            operation: None,
        }
    );
    let config = Config::builder().attempt_timeout(None).build().unwrap();
    assert_eq!(config.timeouts().attempt, None);
    assert_eq!(config.timeouts().connect, Duration::from_secs(10));
}
