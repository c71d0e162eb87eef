//! Timeouts: connecting, one attempt, the whole operation.
//!
//! Only loopback is contacted. The connect timeout is provoked with a loopback listener whose
//! accept queue is full, so the kernel leaves new connection attempts hanging.

use super::common::*;
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
    assert_at_least("one attempt", started.elapsed(), ms(100));
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
    assert_at_least("three attempts", started.elapsed(), ms(300));
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
    assert_at_least("one attempt", started.elapsed(), ms(100));
    assert_eq!(timeout_of(result).0, TimeoutKind::Attempt);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_operation_timeout_ends_a_slow_call() {
    let server = slow_server(ms(10_000)).await;
    let config = limited(&server, RetryConfig::disabled(), None, Some(ms(200)));
    let started = Instant::now();
    let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
    assert_at_least("the operation", started.elapsed(), ms(200));
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
    assert_at_least("the operation", started.elapsed(), ms(350));
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
        read: Some(Duration::from_secs(60)),
    };
    assert_eq!(Timeouts::default(), defaults);
    let config = Config::builder().build().unwrap();
    assert_eq!(config.timeouts(), defaults);

    let config = Config::builder()
        .endpoint("http://127.0.0.1:9")
        .connect_timeout(ms(123))
        .attempt_timeout(Some(ms(456)))
        .operation_timeout(None)
        .read_timeout(Some(ms(789)))
        .build()
        .unwrap();
    assert_eq!(
        config.timeouts(),
        Timeouts {
            connect: ms(123),
            attempt: Some(ms(456)),
            operation: None,
            read: Some(ms(789)),
        }
    );
    let config = Config::builder().attempt_timeout(None).build().unwrap();
    assert_eq!(config.timeouts().attempt, None);
    assert_eq!(config.timeouts().connect, Duration::from_secs(10));
}

/// A loopback listener that never accepts, with its accept queue filled: the kernel then drops
/// further connection attempts, so connecting hangs until the client's connect timeout.
/// Returns the listener and the filler connections (both must stay alive), or `None` when
/// this kernel does not behave so.
async fn unaccepting_listener() -> Option<(tokio::net::TcpListener, Vec<tokio::net::TcpStream>, u16)>
{
    let socket = tokio::net::TcpSocket::new_v4().ok()?;
    socket.bind("127.0.0.1:0".parse().unwrap()).ok()?;
    let listener = socket.listen(1).ok()?;
    let port = listener.local_addr().ok()?.port();
    let mut fillers = Vec::new();
    for _ in 0..32 {
        let attempt =
            tokio::time::timeout(ms(200), tokio::net::TcpStream::connect(("127.0.0.1", port)))
                .await;
        match attempt {
            Ok(Ok(stream)) => fillers.push(stream),
            Ok(Err(_)) => return None,
            // The queue is full: this connect hung.
            Err(_) => return Some((listener, fillers, port)),
        }
    }
    None
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_in_time_is_a_connect_timeout() {
    let Some((_listener, _fillers, port)) = unaccepting_listener().await else {
        eprintln!("note: this kernel accepts beyond the backlog; connect timeout not exercised");
        return;
    };
    let config = Config::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .token("t")
        .project_id("p")
        .connect_timeout(ms(300))
        .attempt_timeout(Some(Duration::from_secs(5)))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = css::Client::new(&config)
        .list_logs_job("c")
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    match &error {
        Error::Timeout(timeout) => {
            assert_eq!(timeout.kind(), TimeoutKind::Connect, "{error}");
            assert_eq!(timeout.limit(), ms(300));
        }
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    assert_at_least("connect timeout", elapsed, ms(250));
}
