//! Download limits against hostile servers (issue #11, points 8 and 10): a total deadline and
//! a minimum throughput end a body that drips forever, whether from the API or a pre-signed
//! link; `collect` stops at the body limit; a long legal file name is saved.

use super::common::*;
use crate::hostile_server::{head, Answer, Body, HostileServer};
use cloud_logs_client::{
    clouddc, Config, ConfigBuilder, DownloadError, PresignedLink, RetryConfig,
};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

fn builder(endpoint: &str) -> ConfigBuilder {
    Config::builder()
        .endpoint(endpoint)
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
}

/// A server answering with an archive head (chunked, no size) and `body`.
async fn archive_server(head_delay: Duration, body: Body) -> HostileServer {
    HostileServer::start(Answer {
        head_delay,
        head: head(
            "200 OK",
            &[
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", DISPOSITION),
                ("Transfer-Encoding", "chunked"),
            ],
        ),
        body,
    })
    .await
}

fn drip(bytes: usize, every: Duration) -> Body {
    Body::Drip {
        chunk: vec![b'x'; bytes],
        every,
        chunked: true,
    }
}

async fn open_archive(config: &Config) -> cloud_logs_client::ByteStream {
    clouddc::Client::new(config)
        .download_server_logs("srv-1", "7")
        .send()
        .await
        .expect("the head is a 200 with a binary body")
        .into_inner()
}

#[tokio::test]
async fn a_dripping_body_ends_at_the_download_deadline() {
    within(async {
        // A byte every 100 ms: under any per-read timeout, and under a 5 s operation timeout
        // the download would otherwise run for ever.
        let server = archive_server(Duration::ZERO, drip(1, ms(100))).await;
        let config = builder(&server.uri())
            .operation_timeout(Some(Duration::from_secs(5)))
            .download_timeout(Some(ms(1000)))
            .download_min_throughput(0, Duration::from_secs(1))
            .build()
            .unwrap();
        let dir = TempDir::new("deadline");
        let started = Instant::now();
        let error = open_archive(&config)
            .await
            .save_into(dir.path())
            .await
            .expect_err("the body never ends");
        let elapsed = started.elapsed();
        assert!(
            matches!(error, DownloadError::TimedOut { limit } if limit == ms(1000)),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.contains("1s") && text.contains("ConfigBuilder::download_timeout"),
            "{text}"
        );
        assert!(
            elapsed >= ms(1000),
            "the 1 s deadline ended the download after {elapsed:?}"
        );
        dir.assert_empty();
        println!("dripping body ended by the 1 s download deadline after {elapsed:?}");
    })
    .await
}

#[tokio::test]
async fn a_body_below_the_minimum_throughput_is_stalled() {
    within(async {
        // 10 bytes every 100 ms (100 bytes/s), well within the 1 s read timeout.
        let server = archive_server(Duration::ZERO, drip(10, ms(100))).await;
        let config = builder(&server.uri())
            .read_timeout(Some(ms(1000)))
            .download_timeout(None)
            .download_min_throughput(1000, ms(500))
            .build()
            .unwrap();
        let dir = TempDir::new("stalled");
        let started = Instant::now();
        let error = open_archive(&config)
            .await
            .save_into(dir.path())
            .await
            .expect_err("100 bytes/s is below the minimum of 1000");
        let elapsed = started.elapsed();
        match &error {
            DownloadError::Stalled {
                bytes_per_second,
                window,
                received,
            } => {
                assert_eq!(*bytes_per_second, 1000);
                assert!(*window >= ms(500), "{window:?}");
                assert!(*received < 500, "{received}");
            }
            other => panic!("expected Stalled, got {other:?}"),
        }
        let text = error.to_string();
        assert!(
            text.contains("stalled") && text.contains("ConfigBuilder::download_min_throughput"),
            "{text}"
        );
        assert!(elapsed >= ms(500), "stalled after {elapsed:?}");
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_silent_body_is_stalled_before_the_read_timeout() {
    within(async {
        let server = archive_server(Duration::ZERO, Body::Silence).await;
        let config = builder(&server.uri())
            .read_timeout(Some(Duration::from_secs(20)))
            .download_min_throughput(1, ms(300))
            .build()
            .unwrap();
        let mut stream = open_archive(&config).await;
        let error = stream
            .next_chunk()
            .await
            .expect("an error, not the end")
            .expect_err("nothing arrives");
        assert!(error.is_timeout(), "{error:?}");
        assert!(error.to_string().contains("stalled"), "{error}");
        assert!(stream.next_chunk().await.is_none(), "the stream has ended");
    })
    .await
}

#[tokio::test]
async fn a_steady_download_above_the_minimum_completes() {
    within(async {
        // 2 KiB every 20 ms (about 100 KiB/s) for the windows of 100 ms: always enough.
        let body = pseudo_random_bytes(256 * 1024, 3);
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(archive_path("srv-1", "7")))
            .respond_with(archive_response(body.clone(), Some(DISPOSITION)))
            .mount(&server)
            .await;
        let config = builder(&server.uri())
            .download_timeout(Some(Duration::from_secs(10)))
            .download_min_throughput(1024, ms(100))
            .build()
            .unwrap();
        let dir = TempDir::new("steady");
        let saved = open_archive(&config)
            .await
            .save_into(dir.path())
            .await
            .expect("a fast body passes every check");
        assert_eq!(std::fs::read(&saved.path).unwrap(), body);
    })
    .await
}

#[tokio::test]
async fn a_link_that_never_answers_ends_at_the_download_deadline() {
    within(async {
        let server = archive_server(Duration::from_secs(20), Body::Silence).await;
        let config = builder("http://127.0.0.1:9")
            .read_timeout(Some(Duration::from_secs(20)))
            .download_timeout(Some(ms(500)))
            .build()
            .unwrap();
        let link = PresignedLink::new(format!(
            "{}/bucket/x.log?Signature={SIGNATURE}",
            server.uri()
        ));
        let dir = TempDir::new("link-deadline");
        let started = Instant::now();
        let error = link
            .save_to(&config, dir.join("x.log"))
            .await
            .expect_err("no head ever comes");
        assert!(
            matches!(error, DownloadError::TimedOut { limit } if limit == ms(500)),
            "{error:?}"
        );
        assert!(!error.to_string().contains(SIGNATURE), "{error}");
        let elapsed = started.elapsed();
        assert!(elapsed >= ms(500), "{elapsed:?}");
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_dripping_link_ends_at_the_download_deadline() {
    within(async {
        let server = archive_server(Duration::ZERO, drip(1, ms(50))).await;
        let config = builder("http://127.0.0.1:9")
            .download_timeout(Some(ms(700)))
            .download_min_throughput(0, ms(100))
            .build()
            .unwrap();
        let link = PresignedLink::new(format!("{}/x.log?Signature={SIGNATURE}", server.uri()));
        let dir = TempDir::new("link-drip");
        let started = Instant::now();
        let error = link
            .save_into(&config, dir.path())
            .await
            .expect_err("the body never ends");
        assert!(matches!(error, DownloadError::TimedOut { .. }), "{error:?}");
        let elapsed = started.elapsed();
        assert!(elapsed >= ms(700), "{elapsed:?}");
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn collect_stops_at_the_body_limit() {
    within(async {
        let server = archive_server(
            Duration::ZERO,
            Body::Flood {
                chunk_size: 64 * 1024,
                total: 1 << 30,
                chunked: true,
                prefix: Vec::new(),
                fill: b'z',
            },
        )
        .await;
        let config = builder(&server.uri())
            .max_body_size(256 * 1024)
            .build()
            .unwrap();
        let error = open_archive(&config)
            .await
            .collect()
            .await
            .expect_err("1 GiB is over the 256 KiB limit");
        let text = error.to_string();
        assert!(
            text.contains("262144 bytes") && text.contains("ConfigBuilder::max_body_size"),
            "{text}"
        );
        assert!(server.body_bytes_sent() < 64 << 20);
    })
    .await
}

#[tokio::test]
async fn a_240_byte_file_name_is_saved() {
    within(async {
        // 240 bytes, legal on every common file system (the limit is 255).
        let name = format!("{}.tar.gz", "n".repeat(233));
        assert_eq!(name.len(), 240);
        // And one of 255 bytes made of 2-byte characters (cut at a character boundary).
        let wide = format!("{}.gz", "é".repeat(126));
        assert_eq!(wide.len(), 255);
        for name in [name, wide] {
            let body = pseudo_random_bytes(1000, 4);
            let server = MockServer::start().await;
            let encoded: String = name
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b == b'.' {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            let disposition = format!("attachment; filename*=UTF-8''{encoded}");
            Mock::given(method("GET"))
                .respond_with(archive_response(body.clone(), Some(&disposition)))
                .mount(&server)
                .await;
            let config = builder(&server.uri()).build().unwrap();
            let dir = TempDir::new("long-name");
            let saved = open_archive(&config)
                .await
                .save_into(dir.path())
                .await
                .expect("a legal file name is saved");
            assert_eq!(saved.path, dir.join(&name));
            assert_eq!(std::fs::read(&saved.path).unwrap(), body);
            assert_eq!(dir.entries(), vec![name.clone()], "no partial file left");
        }
    })
    .await
}
