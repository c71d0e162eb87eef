//! Downloads that fail: a body cut off, a dropped future, a wrong size, a stalled body. Each
//! leaves no target and no partial file, and an existing target as it was.

use super::common::*;
use super::raw::{chunked, ok_head, RawServer, Then};
use cloud_logs_client::rds::types::ErrorLogLink;
use cloud_logs_client::{clouddc, Config, DownloadError, Progress, RetryConfig};
use std::future::IntoFuture;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const MIB: usize = 1024 * 1024;

/// A raw server announcing `announced` bytes of archive, sending `sent`, then doing `then`.
async fn partial_archive_server(announced: usize, sent: usize, then: Then) -> RawServer {
    let length = announced.to_string();
    let head = ok_head(&[
        ("Content-Type", "application/octet-stream"),
        ("Content-Disposition", DISPOSITION),
        ("Content-Length", &length),
    ]);
    RawServer::start(head, pseudo_random_bytes(sent, 10), then).await
}

/// The archive of DownloadServerLogs (server `srv-1`, export `7`) from `config`'s endpoint.
async fn open_archive(config: &Config) -> cloud_logs_client::ByteStream {
    clouddc::Client::new(config)
        .download_server_logs("srv-1", "7")
        .send()
        .await
        .expect("the head is a 200 with a binary body")
        .into_inner()
}

/// A progress callback recording the last `received`.
fn last_received() -> (
    Arc<Mutex<Option<u64>>>,
    impl FnMut(Progress) + Send + 'static,
) {
    let last: Arc<Mutex<Option<u64>>> = Arc::default();
    let recorder = last.clone();
    (last, move |p: Progress| {
        *recorder.lock().unwrap() = Some(p.received)
    })
}

#[tokio::test]
async fn a_body_cut_off_midway_leaves_no_file() {
    within(async {
        let server = partial_archive_server(MIB, MIB / 2, Then::Close).await;
        let config = token_config(&server.uri());

        // To a path.
        let dir = TempDir::new("cut-off");
        let target = dir.join("archive.tar.gz");
        let (last, progress) = last_received();
        let error = open_archive(&config)
            .await
            .save_to(&target)
            .progress(progress)
            .await
            .expect_err("half the body is not a download");
        assert!(
            matches!(error, DownloadError::Dispatch(_)),
            "expected Dispatch, got {error:?}"
        );
        let received = last.lock().unwrap().expect("some bytes were written first");
        assert!(received > 0 && received <= (MIB / 2) as u64, "{received}");
        assert!(
            !target.exists(),
            "the target exists after a failed download"
        );
        dir.assert_empty();

        // Into a folder, under the suggested name.
        let dir = TempDir::new("cut-off-into");
        let error = open_archive(&config)
            .await
            .save_into(dir.path())
            .await
            .expect_err("half the body is not a download");
        assert!(matches!(error, DownloadError::Dispatch(_)), "{error:?}");
        assert!(!dir.join(ARCHIVE_NAME).exists());
        dir.assert_empty();

        let heads = server.request_heads();
        assert_eq!(heads.len(), 2);
        assert!(
            heads[0].starts_with(&format!("GET {} HTTP/1.1\r\n", archive_path("srv-1", "7"))),
            "{}",
            heads[0]
        );
    })
    .await
}

#[tokio::test]
async fn a_failed_download_leaves_an_existing_target_untouched() {
    within(async {
        const OLD: &[u8] = b"the archive of yesterday, complete";

        // The body is cut off.
        let server = partial_archive_server(MIB, MIB / 2, Then::Close).await;
        let dir = TempDir::new("untouched-cut");
        let target = dir.join(ARCHIVE_NAME);
        std::fs::write(&target, OLD).expect("write the old file");
        let error = open_archive(&token_config(&server.uri()))
            .await
            .save_into(dir.path())
            .await
            .expect_err("half the body is not a download");
        assert!(matches!(error, DownloadError::Dispatch(_)), "{error:?}");
        assert_eq!(std::fs::read(&target).expect("read"), OLD);
        assert_eq!(dir.entries(), vec![ARCHIVE_NAME.to_owned()]);

        // The body is longer than declared.
        let server = RawServer::start(
            ok_head(&[("Transfer-Encoding", "chunked")]),
            chunked(&[b"0123456789", b"X"]),
            Then::Close,
        )
        .await;
        let dir = TempDir::new("untouched-size");
        let target = dir.join("error.log");
        std::fs::write(&target, OLD).expect("write the old file");
        let error = rds_link(&server, "10")
            .presigned_file_link()
            .expect("a link")
            .save_into(&token_config("http://127.0.0.1:9"), dir.path())
            .await
            .expect_err("11 bytes where 10 are declared");
        assert!(
            matches!(
                error,
                DownloadError::SizeMismatch {
                    expected: 10,
                    received: 11
                }
            ),
            "{error:?}"
        );
        assert_eq!(std::fs::read(&target).expect("read"), OLD);
        assert_eq!(dir.entries(), vec!["error.log".to_owned()]);
    })
    .await
}

#[tokio::test]
async fn dropping_the_download_midway_removes_the_partial_file() {
    within(async {
        let server = partial_archive_server(MIB, 64 * 1024, Then::Stall).await;
        let dir = TempDir::new("dropped");
        let target = dir.join("archive.tar.gz");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut save = open_archive(&token_config(&server.uri()))
            .await
            .save_to(&target)
            .progress(move |p| {
                let _ = tx.send(p.received);
            })
            .into_future();

        // Run the download until some bytes are written.
        tokio::select! {
            result = &mut save => panic!("the download ended on a stalled body: {result:?}"),
            received = rx.recv() => assert!(received.expect("a progress report") > 0),
        }
        let names = dir.entries();
        assert_eq!(
            names.len(),
            1,
            "one partial file while downloading: {names:?}"
        );
        assert!(
            is_part_of(&names[0], "archive.tar.gz"),
            "the partial file is named {}",
            names[0]
        );
        assert!(!target.exists());

        // The caller gives up: a timeout drops the download.
        let outcome = tokio::time::timeout(ms(300), &mut save).await;
        assert!(outcome.is_err(), "the stalled download ended: {outcome:?}");
        drop(save);
        assert!(!target.exists());
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_download_dropped_by_a_timeout_around_it_leaves_nothing() {
    within(async {
        let server = partial_archive_server(MIB, 256 * 1024, Then::Stall).await;
        let dir = TempDir::new("timeout-around");
        let save = open_archive(&token_config(&server.uri()))
            .await
            .save_into(dir.path());
        let outcome = tokio::time::timeout(ms(500), save).await;
        assert!(outcome.is_err(), "the stalled download ended: {outcome:?}");
        dir.assert_empty();
    })
    .await
}

/// An RDS error-log link to `server`'s `/rds/error.log`, declaring `file_size`.
fn rds_link(server: &RawServer, file_size: &str) -> ErrorLogLink {
    let link = format!(
        "http://localhost:{}/rds/error.log?X-Signature={SIGNATURE}",
        server.port()
    );
    serde_json::from_value(serde_json::json!({
        "file_name": "error.log",
        "status": "SUCCESS",
        "file_size": file_size,
        "file_link": link,
    }))
    .expect("an ErrorLogLink")
}

#[tokio::test]
async fn a_body_longer_than_the_declared_size_is_rejected() {
    within(async {
        let server = RawServer::start(
            ok_head(&[("Transfer-Encoding", "chunked")]),
            chunked(&[b"01234", b"56789X"]),
            Then::Close,
        )
        .await;
        let link = rds_link(&server, "10")
            .presigned_file_link()
            .expect("a link");
        assert_eq!(link.expected_size(), Some(10));
        let config = token_config("http://127.0.0.1:9");

        let dir = TempDir::new("too-long");
        let error = link
            .save_into(&config, dir.path())
            .await
            .expect_err("11 bytes where 10 are declared");
        assert!(
            matches!(
                error,
                DownloadError::SizeMismatch {
                    expected: 10,
                    received: 11
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("expected 10 bytes"), "{error}");
        dir.assert_empty();

        let target = dir.join("chosen.log");
        let error = link
            .save_to(&config, &target)
            .await
            .expect_err("11 bytes where 10 are declared");
        assert!(
            matches!(error, DownloadError::SizeMismatch { expected: 10, .. }),
            "{error:?}"
        );
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_body_shorter_than_the_declared_size_is_rejected() {
    within(async {
        let server = RawServer::start(
            ok_head(&[("Transfer-Encoding", "chunked")]),
            chunked(&[b"0123456789", b"X"]),
            Then::Close,
        )
        .await;
        let dir = TempDir::new("too-short");
        let error = rds_link(&server, "12")
            .presigned_file_link()
            .expect("a link")
            .save_into(&token_config("http://127.0.0.1:9"), dir.path())
            .await
            .expect_err("11 bytes where 12 are declared");
        assert!(
            matches!(
                error,
                DownloadError::SizeMismatch {
                    expected: 12,
                    received: 11
                }
            ),
            "{error:?}"
        );
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn the_declared_size_matching_the_body_is_accepted() {
    within(async {
        let server = RawServer::start(
            ok_head(&[("Transfer-Encoding", "chunked")]),
            chunked(&[b"0123456789", b"X"]),
            Then::Close,
        )
        .await;
        let dir = TempDir::new("exact");
        let saved = rds_link(&server, "11")
            .presigned_file_link()
            .expect("a link")
            .save_into(&token_config("http://127.0.0.1:9"), dir.path())
            .await
            .expect("11 bytes as declared");
        assert_eq!(saved.bytes, 11);
        assert_eq!(saved.path, dir.join("error.log"));
        assert_eq!(std::fs::read(&saved.path).expect("read"), b"0123456789X");
    })
    .await
}

#[tokio::test]
async fn content_length_disagreeing_with_the_declared_size_fails_before_writing() {
    within(async {
        // A link declaring 10 bytes, whose host announces 11.
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/rds/error.log"))
            .respond_with(archive_response(b"0123456789X".to_vec(), None))
            .mount(&server)
            .await;
        let link: ErrorLogLink = serde_json::from_value(serde_json::json!({
            "file_name": "error.log",
            "file_size": "10",
            "file_link": format!(
                "http://localhost:{}/rds/error.log?X-Signature={SIGNATURE}",
                server.address().port()
            ),
        }))
        .expect("an ErrorLogLink");
        let dir = TempDir::new("length-mismatch");
        let calls = Arc::new(Mutex::new(0u32));
        let counter = calls.clone();
        let error = link
            .presigned_file_link()
            .expect("a link")
            .save_into(&token_config("http://127.0.0.1:9"), dir.path())
            .progress(move |_| *counter.lock().unwrap() += 1)
            .await
            .expect_err("Content-Length 11 where 10 are declared");
        assert!(
            matches!(
                error,
                DownloadError::SizeMismatch {
                    expected: 10,
                    received: 11
                }
            ),
            "{error:?}"
        );
        assert_eq!(*calls.lock().unwrap(), 0, "nothing is written");
        dir.assert_empty();

        // An operation's body with an expected size its Content-Length contradicts.
        let api = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(archive_path("srv-1", "7")))
            .respond_with(archive_response(
                pseudo_random_bytes(5000, 11),
                Some(DISPOSITION),
            ))
            .mount(&api)
            .await;
        let (last, progress) = last_received();
        let error = open_archive(&token_config(&api.uri()))
            .await
            .save_into(dir.path())
            .expected_size(Some(4999))
            .progress(progress)
            .await
            .expect_err("Content-Length 5000 where 4999 are expected");
        assert!(
            matches!(
                error,
                DownloadError::SizeMismatch {
                    expected: 4999,
                    received: 5000
                }
            ),
            "{error:?}"
        );
        assert_eq!(*last.lock().unwrap(), None, "nothing is written");
        dir.assert_empty();
    })
    .await
}

/// A config for `endpoint` whose streamed bodies may pause at most `read`.
fn config_with_read_timeout(endpoint: &str, read: Duration) -> Config {
    Config::builder()
        .endpoint(endpoint)
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
        .read_timeout(Some(read))
        .build()
        .expect("a valid config")
}

fn assert_read_timeout(error: &DownloadError, elapsed: Duration) {
    match error {
        DownloadError::Dispatch(e) => assert!(e.is_timeout(), "not a timeout: {e:?}"),
        other => panic!("expected Dispatch (a read timeout), got {other:?}"),
    }
    assert!(
        elapsed >= ms(200),
        "the read timeout of 200 ms ended the download after {elapsed:?}"
    );
}

#[tokio::test]
async fn a_stalled_operation_body_hits_the_read_timeout() {
    within(async {
        let server = partial_archive_server(MIB, 64 * 1024, Then::Stall).await;
        let config = config_with_read_timeout(&server.uri(), ms(200));
        let dir = TempDir::new("read-timeout");
        let stream = open_archive(&config).await;
        let started = Instant::now();
        let error = stream
            .save_into(dir.path())
            .await
            .expect_err("the body stalls");
        assert_read_timeout(&error, started.elapsed());
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_stalled_link_body_hits_the_read_timeout() {
    within(async {
        let server = partial_archive_server(MIB, 64 * 1024, Then::Stall).await;
        let config = config_with_read_timeout("http://127.0.0.1:9", ms(200));
        let link = cloud_logs_client::PresignedLink::new(format!(
            "http://localhost:{}/bucket/archive.tar.gz?X-Signature={SIGNATURE}",
            server.port()
        ));
        let dir = TempDir::new("link-read-timeout");
        let target = dir.join("archive.tar.gz");
        let started = Instant::now();
        let error = link
            .save_to(&config, &target)
            .await
            .expect_err("the body stalls");
        assert_read_timeout(&error, started.elapsed());
        assert!(!error.to_string().contains(SIGNATURE), "{error}");
        assert!(!format!("{error:?}").contains(SIGNATURE), "{error:?}");
        assert!(!target.exists());
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_target_in_a_missing_folder_is_an_io_error() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(archive_response(
                pseudo_random_bytes(1000, 12),
                Some(DISPOSITION),
            ))
            .mount(&server)
            .await;
        let dir = TempDir::new("missing-folder");
        let missing = dir.join("not-there");
        let error = open_archive(&token_config(&server.uri()))
            .await
            .save_into(&missing)
            .await
            .expect_err("the folder does not exist");
        match &error {
            DownloadError::Io { path, source } => {
                assert!(path.starts_with(&missing), "{path:?}");
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            }
            other => panic!("expected Io, got {other:?}"),
        }
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn a_target_that_cannot_be_replaced_leaves_no_partial_file() {
    within(async {
        let body = pseudo_random_bytes(20_000, 13);
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(archive_response(body, Some(DISPOSITION)))
            .mount(&server)
            .await;
        let dir = TempDir::new("rename-fails");
        // A non-empty folder has the archive's name: the final rename fails.
        let blocker = dir.join(ARCHIVE_NAME);
        std::fs::create_dir(&blocker).expect("create the folder");
        std::fs::write(blocker.join("inside"), b"kept").expect("write");
        let error = open_archive(&token_config(&server.uri()))
            .await
            .save_into(dir.path())
            .await
            .expect_err("a folder cannot be replaced by a file");
        assert!(matches!(error, DownloadError::Io { .. }), "{error:?}");
        assert_eq!(dir.entries(), vec![ARCHIVE_NAME.to_owned()]);
        assert_eq!(entries(&blocker), vec!["inside".to_owned()]);
    })
    .await
}

#[tokio::test]
async fn a_body_of_unknown_size_reports_no_total() {
    within(async {
        let server = RawServer::start(
            ok_head(&[("Transfer-Encoding", "chunked")]),
            chunked(&[b"first ", b"second"]),
            Then::Close,
        )
        .await;
        let dir = TempDir::new("unknown-size");
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let recorder = seen.clone();
        let saved = cloud_logs_client::PresignedLink::new(format!(
            "http://localhost:{}/bucket/log?X-Signature={SIGNATURE}",
            server.port()
        ))
        .save_to(&token_config("http://127.0.0.1:9"), dir.join("log"))
        .progress(move |p| recorder.lock().unwrap().push(p))
        .await
        .expect("a chunked body is saved");
        assert_eq!(saved.bytes, 12);
        assert_eq!(std::fs::read(&saved.path).expect("read"), b"first second");
        let seen = seen.lock().unwrap().clone();
        assert!(seen.iter().all(|p| p.total.is_none()), "{seen:?}");
        assert_eq!(seen.last().map(|p| p.received), Some(12));
    })
    .await
}
