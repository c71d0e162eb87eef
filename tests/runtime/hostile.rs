//! A server, or whoever sits on the path, is untrusted (issue #11, points 7, 9 and 10): what
//! it can make the client hold in memory, wait for and print, and what the client refuses to
//! send. Every server is on 127.0.0.1; every endless body is bounded in bytes and time.

use super::common::{assert_at_least, ms, PROJECT, TOKEN};
use crate::hostile_server::{head, Answer, Body, HostileServer};
use cloud_logs_client::{
    css, rds, Config, ConfigBuilder, ConfigError, Error, ResponseErrorKind, RetryConfig,
    TimeoutKind,
};
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;

/// The longest any test here may run.
async fn within<T>(test: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test did not finish within 30 s")
}

fn builder(server: &HostileServer) -> ConfigBuilder {
    Config::builder()
        .endpoint(server.uri())
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
}

fn json_head(status: &str, extra: &[(&str, &str)]) -> String {
    let mut headers = vec![
        ("Content-Type", "application/json"),
        ("X-Request-Id", "req-hostile-1"),
    ];
    headers.extend_from_slice(extra);
    head(status, &headers)
}

/// A server answering `status` with a JSON body of `total` bytes (`prefix`, then spaces),
/// chunked or with its `Content-Length`, as fast as the client reads.
async fn flood(status: &str, prefix: &str, total: u64, chunked: bool) -> HostileServer {
    let request_id = [("X-Request-Id", "req-hostile-1")];
    crate::hostile_server::flood(status, &request_id, prefix, total, chunked).await
}

fn response_error<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> cloud_logs_client::ResponseError {
    match result {
        Err(Error::Response(e)) => e,
        other => panic!("expected Error::Response, got {other:?}"),
    }
}

// Point 7: bodies.

/// A 200 whose head comes at once and whose chunked body drips a byte every 50 ms, for ever.
async fn dripping_success() -> HostileServer {
    HostileServer::start(Answer {
        head_delay: Duration::ZERO,
        head: json_head("200 OK", &[("Transfer-Encoding", "chunked")]),
        body: Body::Drip {
            chunk: b" ".to_vec(),
            every: ms(50),
            chunked: true,
        },
    })
    .await
}

#[tokio::test]
async fn the_attempt_timeout_covers_the_body() {
    within(async {
        let server = dripping_success().await;
        let config = builder(&server)
            .attempt_timeout(Some(ms(300)))
            .operation_timeout(None)
            .build()
            .unwrap();
        let started = Instant::now();
        let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
        let elapsed = started.elapsed();
        match &result {
            Err(Error::Timeout(e)) => {
                assert_eq!(e.kind(), TimeoutKind::Attempt, "{e}");
                assert_eq!(e.limit(), ms(300));
            }
            other => panic!("expected an attempt timeout, got {other:?}"),
        }
        assert_at_least("the attempt", elapsed, ms(300));
        println!("a dripping body ended by the 300 ms attempt timeout after {elapsed:?}");
    })
    .await
}

#[tokio::test]
async fn the_attempt_timeout_on_a_body_is_retried_like_any_attempt_timeout() {
    within(async {
        let server = dripping_success().await;
        let config = builder(&server)
            .attempt_timeout(Some(ms(200)))
            .retry(
                RetryConfig::default()
                    .max_attempts(2)
                    .initial_backoff(ms(10)),
            )
            .build()
            .unwrap();
        let result = css::Client::new(&config).list_logs_job("cl-1").send().await;
        assert!(
            matches!(&result, Err(Error::Timeout(e)) if e.kind() == TimeoutKind::Attempt),
            "{result:?}"
        );
        assert_eq!(server.requests(), 2, "ListLogsJob is a GET: retried");
    })
    .await
}

#[tokio::test]
async fn an_endless_success_body_stops_at_the_configured_limit() {
    within(async {
        // 1 GiB, chunked with no announced size: endless as far as the test goes.
        let server = flood("200 OK", r#"{"totalSize":1,"pad":""#, 1 << 30, true).await;
        let config = builder(&server).max_body_size(64 * 1024).build().unwrap();
        let started = Instant::now();
        let error = response_error(css::Client::new(&config).list_logs_job("cl-1").send().await);
        let elapsed = started.elapsed();
        assert_eq!(
            error.kind(),
            &ResponseErrorKind::BodyTooLarge {
                limit: 64 * 1024,
                error_status: false
            }
        );
        let text = error.to_string();
        assert!(
            text.contains("larger than 65536 bytes")
                && text.contains("ConfigBuilder::max_body_size"),
            "the message names the limit and how to raise it: {text}"
        );
        assert!(error.raw().body().is_empty(), "no part of it is kept");
        // Socket buffers take some; the client stopped reading long before 1 GiB.
        let sent = server.body_bytes_sent();
        assert!(sent < 64 * MIB, "the server wrote {sent} bytes");
        println!("endless body refused after {elapsed:?}; the server wrote {sent} bytes");
    })
    .await
}

#[tokio::test]
async fn an_announced_success_body_beyond_the_limit_is_refused_unread() {
    within(async {
        let server = flood("200 OK", "{", 1 << 30, false).await;
        let config = builder(&server).max_body_size(1024).build().unwrap();
        let error = response_error(css::Client::new(&config).list_logs_job("cl-1").send().await);
        assert!(
            matches!(
                error.kind(),
                ResponseErrorKind::BodyTooLarge { limit: 1024, .. }
            ),
            "{error:?}"
        );
        assert_eq!(error.raw().status(), 200);
    })
    .await
}

#[tokio::test]
async fn a_success_body_within_the_limit_decodes() {
    within(async {
        let body = r#"{"totalSize":7}"#;
        let server = HostileServer::start(Answer {
            head_delay: Duration::ZERO,
            head: json_head("200 OK", &[("Content-Length", &body.len().to_string())]),
            body: Body::Bytes(body.as_bytes().to_vec()),
        })
        .await;
        // Exactly the body's size: allowed.
        let config = builder(&server).max_body_size(body.len()).build().unwrap();
        let page = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .expect("a body of exactly the limit is read");
        assert_eq!(page.total_size, Some(7));
    })
    .await
}

#[tokio::test]
async fn a_long_error_body_keeps_a_bounded_prefix_with_its_code_and_message() {
    within(async {
        // 400 is documented for ListLogsJob; the body is 10 MiB of which 1 KiB is kept.
        let prefix = r#"{"error_code":"CSS.0001","error_msg":"bad request","detail":""#;
        let server = flood("400 Bad Request", prefix, 10 * MIB, false).await;
        let config = builder(&server).error_body_prefix(1024).build().unwrap();
        let error = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .unwrap_err();
        let raw = error.raw_response().expect("a response");
        assert_eq!(raw.status(), 400);
        assert_eq!(raw.body().len(), 1024);
        assert!(raw.is_truncated());
        assert!(raw.body().starts_with(prefix.as_bytes()));
        assert_eq!(error.code(), Some("CSS.0001"), "taken from the prefix");
        assert_eq!(error.message(), Some("bad request"));
        assert_eq!(error.request_id(), Some("req-hostile-1"));
        let text = error.to_string();
        assert!(
            text.contains("larger than 1024 bytes")
                && text.contains("ConfigBuilder::error_body_prefix")
                && text.contains("[CSS.0001: bad request]"),
            "{text}"
        );
        match &error {
            Error::Response(e) => assert_eq!(
                e.kind(),
                &ResponseErrorKind::BodyTooLarge {
                    limit: 1024,
                    error_status: true
                }
            ),
            other => panic!("a documented error whose body was cut cannot decode: {other:?}"),
        }

        // An undocumented status keeps the prefix the same way.
        let server = flood("503 Service Unavailable", prefix, 10 * MIB, true).await;
        let config = builder(&server).error_body_prefix(100).build().unwrap();
        let error = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .unwrap_err();
        let raw = error.raw_response().expect("a response");
        assert_eq!((raw.status().as_u16(), raw.body().len()), (503, 100));
        assert_eq!(error.code(), Some("CSS.0001"));
    })
    .await
}

#[tokio::test]
async fn a_short_error_body_is_kept_whole() {
    within(async {
        let body = r#"{"error_code":"CSS.0002","error_msg":"conflict"}"#;
        let server = HostileServer::start(Answer {
            head_delay: Duration::ZERO,
            head: json_head(
                "409 Conflict",
                &[("Content-Length", &body.len().to_string())],
            ),
            body: Body::Bytes(body.as_bytes().to_vec()),
        })
        .await;
        let config = builder(&server)
            .error_body_prefix(body.len())
            .build()
            .unwrap();
        let error = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Service(_)), "{error:?}");
        let raw = error.raw_response().unwrap();
        assert!(!raw.is_truncated());
        assert_eq!(raw.body().as_ref(), body.as_bytes());
    })
    .await
}

#[test]
fn body_and_download_limits_have_defaults_and_are_configurable() {
    let config = Config::builder().build().unwrap();
    assert_eq!(config.max_body_size(), 32 << 20);
    assert_eq!(config.error_body_prefix(), 8 << 10);
    assert_eq!(config.download_timeout(), Some(Duration::from_secs(3600)));
    assert_eq!(
        config.download_min_throughput(),
        Some((1024, Duration::from_secs(30)))
    );
    let config = Config::builder()
        .max_body_size(1)
        .error_body_prefix(2)
        .download_timeout(None)
        .download_min_throughput(0, Duration::from_secs(1))
        .build()
        .unwrap();
    assert_eq!(
        (
            config.max_body_size(),
            config.error_body_prefix(),
            config.download_timeout(),
            config.download_min_throughput()
        ),
        (1, 2, None, None)
    );
    let error = Config::builder()
        .download_min_throughput(10, Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("window"), "{error}");
    // The limits are visible in Debug, the token is not.
    let debug = format!("{:?}", Config::builder().token(TOKEN).build().unwrap());
    assert!(
        debug.contains("max_body_size") && !debug.contains(TOKEN),
        "{debug}"
    );
}

// Point 9: what the server says is escaped and bounded in messages.

#[tokio::test]
async fn service_error_messages_are_escaped_and_bounded() {
    within(async {
        let long = "x".repeat(100_000);
        let body = serde_json::json!({
            "error_code": "CSS.\u{1b}[31m0003",
            "error_msg": format!("first\r\n2025-01-01 INFO forged line\u{202e}txt.exe {long}"),
        })
        .to_string();
        let server = HostileServer::start(Answer {
            head_delay: Duration::ZERO,
            head: json_head("412 Precondition Failed", &[]),
            body: Body::Bytes(body.into_bytes()),
        })
        .await;
        let config = builder(&server).error_body_prefix(1 << 20).build().unwrap();
        let error = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Service(_)), "{error:?}");
        let text = error.to_string();
        assert!(
            !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "no control or bidi character reaches the message: {text:?}"
        );
        assert!(
            text.contains(r"CSS.\u{1b}[31m0003")
                && text.contains(r"first\r\n2025-01-01 INFO forged line\u{202e}txt.exe"),
            "escaped, not dropped: {text}"
        );
        assert!(text.len() < 1024, "bounded: {} bytes", text.len());
        assert!(text.contains("more characters)"), "{text}");
        // The accessors give the server's words as they were.
        assert!(error.message().unwrap().starts_with("first\r\n"));
        assert_eq!(error.message().unwrap().len(), 100_045);
    })
    .await
}

// Point 10: header values, long arguments, the read timeout.

/// A server that would answer 200 to anything, to show nothing reaches it.
async fn idle_server() -> HostileServer {
    let body = r#"{"totalSize":0}"#;
    HostileServer::start(Answer {
        head_delay: Duration::ZERO,
        head: json_head("200 OK", &[("Content-Length", &body.len().to_string())]),
        body: Body::Bytes(body.as_bytes().to_vec()),
    })
    .await
}

#[tokio::test]
async fn non_ascii_header_values_are_refused_before_sending() {
    within(async {
        let server = idle_server().await;
        let config = builder(&server).build().unwrap();
        for value in ["é", "fr-\u{e9}", "en\u{a0}us", "日本"] {
            let error = rds::Client::new(&config)
                .download_errorlog("inst-1")
                .x_language(value)
                .send()
                .await
                .unwrap_err();
            match &error {
                Error::Construction(e) => {
                    assert_eq!(e.argument(), "x_language");
                    assert!(e.reason().contains("non-ASCII"), "{e}");
                }
                other => panic!("expected a construction error for {value:?}, got {other:?}"),
            }
        }
        assert_eq!(server.requests(), 0, "nothing was sent");

        // Credentials and the user agent are checked when the config is built.
        for builder in [
            Config::builder().token("tök"),
            Config::builder().aksk("AK", "SK").credentials(
                cloud_logs_client::Credentials::aksk("AK", "SK").with_security_token("stś"),
            ),
            Config::builder().aksk("ÄK", "SK"),
        ] {
            let error = builder.build().unwrap_err();
            assert!(
                matches!(error, ConfigError::InvalidCredentials(_)),
                "{error:?}"
            );
            assert!(!error.to_string().contains("tök"), "{error}");
        }
        let error = Config::builder().user_agent("agent/é").build().unwrap_err();
        assert!(matches!(error, ConfigError::Invalid { .. }), "{error:?}");
    })
    .await
}

#[tokio::test]
async fn a_100_kb_argument_is_a_construction_error_naming_it() {
    within(async {
        let server = idle_server().await;
        let config = builder(&server).build().unwrap();
        let long = "a".repeat(100_000);
        let client = css::Client::new(&config);
        let cases = [
            (client.list_logs_job(long.as_str()), "cluster_id"),
            (client.list_logs_job("cl-1").status(long.as_str()), "status"),
        ];
        for (call, argument) in cases {
            match call.send().await.unwrap_err() {
                Error::Construction(e) => {
                    assert_eq!(e.argument(), argument, "{e}");
                    assert!(e.reason().contains("too long"), "{e}");
                    assert!(e.reason().contains("100000"), "{e}");
                }
                other => panic!("expected a construction error naming {argument}, got {other:?}"),
            }
        }
        assert_eq!(server.requests(), 0, "nothing was sent");
        // A long value that fits is sent.
        client
            .list_logs_job("cl-1")
            .status("a".repeat(20_000).as_str())
            .send()
            .await
            .expect("a 20 KB query value can be sent");
        assert_eq!(server.requests(), 1);
    })
    .await
}

#[tokio::test]
async fn a_read_timeout_is_reported_with_its_own_limit() {
    within(async {
        // The head comes after 2 s; the read timeout is 200 ms, the connect timeout 10 s.
        let server = HostileServer::start(Answer {
            head_delay: Duration::from_secs(2),
            head: json_head("200 OK", &[("Content-Length", "2")]),
            body: Body::Bytes(b"{}".to_vec()),
        })
        .await;
        let config = builder(&server)
            .read_timeout(Some(ms(200)))
            .connect_timeout(Duration::from_secs(10))
            .attempt_timeout(Some(Duration::from_secs(20)))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = css::Client::new(&config)
            .list_logs_job("cl-1")
            .send()
            .await
            .unwrap_err();
        assert_at_least("the read timeout", started.elapsed(), ms(200));
        match &error {
            Error::Timeout(e) => {
                assert_eq!(e.limit(), ms(200), "{e}");
                assert!(e.is_read());
                assert_ne!(e.kind(), TimeoutKind::Connect);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        let text = error.to_string();
        assert!(
            text.contains("200ms") && text.contains("read timeout") && !text.contains("10s"),
            "{text}"
        );
    })
    .await
}
