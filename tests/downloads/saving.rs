//! Successful downloads: the exact bytes at the right path, progress, and file names that can
//! never leave the chosen folder.

use super::common::*;
use cloud_logs_client::{clouddc, DownloadError, PresignedLink, Progress};
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

/// A server answering DownloadServerLogs (server `srv-1`, export `7`) with `body`.
async fn archive_server(body: Vec<u8>, disposition: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(archive_path("srv-1", "7")))
        .respond_with(archive_response(body, disposition))
        .mount(&server)
        .await;
    server
}

/// The archive body of `server`, as a stream.
async fn open_archive(server: &MockServer) -> cloud_logs_client::ByteStream {
    clouddc::Client::new(&token_config(&server.uri()))
        .download_server_logs("srv-1", "7")
        .send()
        .await
        .expect("200 with a binary body")
        .into_inner()
}

#[tokio::test]
async fn server_logs_are_saved_into_a_folder_under_the_suggested_name() {
    within(async {
        let body = pseudo_random_bytes(1024 * 1024 + 17, 1);
        let server = archive_server(body.clone(), Some(DISPOSITION)).await;
        let dir = TempDir::new("save-into");
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let recorder = seen.clone();
        let saved = open_archive(&server)
            .await
            .save_into(dir.path())
            .progress(move |p| recorder.lock().unwrap().push(p))
            .await
            .expect("the archive is saved");

        assert_eq!(saved.path, dir.join(ARCHIVE_NAME));
        assert_eq!(saved.bytes, body.len() as u64);
        assert_eq!(dir.entries(), vec![ARCHIVE_NAME.to_owned()]);
        let written = std::fs::read(&saved.path).expect("read the saved archive");
        assert_eq!(written.len(), body.len());
        assert!(written == body, "the saved bytes differ from the body sent");

        let seen = seen.lock().unwrap().clone();
        assert!(
            seen.len() >= 2,
            "a 1 MiB body arrives in several chunks, got {} progress calls",
            seen.len()
        );
        for pair in seen.windows(2) {
            assert!(
                pair[0].received < pair[1].received,
                "progress went from {:?} to {:?}",
                pair[0],
                pair[1]
            );
        }
        for p in &seen {
            assert!(p.received > 0);
            assert_eq!(p.total, Some(body.len() as u64), "total is Content-Length");
        }
        assert_eq!(seen.last().map(|p| p.received), Some(body.len() as u64));

        let requests = requests(&server).await;
        assert_eq!(requests.len(), 1);
        assert_token_sent(&requests[0]);
    })
    .await
}

#[tokio::test]
async fn save_to_writes_the_exact_body_at_the_given_path() {
    within(async {
        let body = pseudo_random_bytes(300 * 1024 + 3, 2);
        let server = archive_server(body.clone(), Some(DISPOSITION)).await;
        let dir = TempDir::new("save-to");
        let target = dir.join("chosen-name.bin");
        let saved = open_archive(&server)
            .await
            .save_to(&target)
            .await
            .expect("the archive is saved");
        assert_eq!(saved.path, target);
        assert_eq!(saved.bytes, body.len() as u64);
        assert_eq!(dir.entries(), vec!["chosen-name.bin".to_owned()]);
        assert!(std::fs::read(&target).expect("read the file") == body);
    })
    .await
}

#[tokio::test]
async fn an_empty_body_makes_an_empty_file() {
    within(async {
        let server = archive_server(Vec::new(), Some(DISPOSITION)).await;
        let dir = TempDir::new("empty");
        let saved = open_archive(&server)
            .await
            .save_into(dir.path())
            .await
            .expect("an empty archive is saved");
        assert_eq!(saved.bytes, 0);
        assert_eq!(dir.entries(), vec![ARCHIVE_NAME.to_owned()]);
        assert_eq!(std::fs::metadata(&saved.path).expect("metadata").len(), 0);
    })
    .await
}

#[tokio::test]
async fn a_path_in_content_disposition_lands_as_a_plain_name_inside_the_folder() {
    within(async {
        let cases = [
            ("attachment; filename=\"../../etc/passwd\"", "passwd"),
            ("attachment; filename=../../etc/passwd", "passwd"),
            ("attachment; filename=a/b.tar.gz", "b.tar.gz"),
            ("attachment; filename=/var/log/root.log", "root.log"),
            ("attachment; filename=..\\..\\windows.log", "windows.log"),
            (
                "attachment; filename=x.log; filename*=UTF-8''..%2F..%2Fescaped.log",
                "escaped.log",
            ),
        ];
        for (disposition, expected) in cases {
            let body = pseudo_random_bytes(4096, 3);
            let server = archive_server(body.clone(), Some(disposition)).await;
            let base = TempDir::new("traversal");
            let inner = base.join("inner");
            std::fs::create_dir(&inner).expect("create the inner folder");
            let saved = open_archive(&server)
                .await
                .save_into(&inner)
                .await
                .unwrap_or_else(|e| panic!("{disposition}: not saved: {e}"));
            assert_eq!(saved.path, inner.join(expected), "{disposition}");
            assert_eq!(entries(&inner), vec![expected.to_owned()], "{disposition}");
            assert_eq!(base.entries(), vec!["inner".to_owned()], "{disposition}");
            assert!(std::fs::read(&saved.path).expect("read") == body);
        }
    })
    .await
}

#[tokio::test]
async fn without_a_file_name_save_into_fails_and_writes_nothing() {
    within(async {
        for disposition in [
            None,
            Some("attachment"),
            Some("attachment; filename=\"..\""),
            Some("attachment; filename=\"a/\""),
        ] {
            let server = archive_server(pseudo_random_bytes(2048, 4), disposition).await;
            let dir = TempDir::new("no-name");
            let error = open_archive(&server)
                .await
                .save_into(dir.path())
                .await
                .expect_err("no file name to save under");
            assert!(
                matches!(error, DownloadError::NoFileName),
                "{disposition:?}: expected NoFileName, got {error:?}"
            );
            assert!(error.to_string().contains("no file name"), "{error}");
            dir.assert_empty();
        }
    })
    .await
}

#[tokio::test]
async fn a_complete_download_replaces_an_existing_file() {
    within(async {
        let body = pseudo_random_bytes(64 * 1024, 5);
        let server = archive_server(body.clone(), Some(DISPOSITION)).await;
        let dir = TempDir::new("replace");
        let target = dir.join(ARCHIVE_NAME);
        std::fs::write(&target, b"an older archive").expect("write the old file");
        open_archive(&server)
            .await
            .save_into(dir.path())
            .await
            .expect("the archive is saved");
        assert!(std::fs::read(&target).expect("read") == body);
        assert_eq!(dir.entries(), vec![ARCHIVE_NAME.to_owned()]);
    })
    .await
}

/// A link server answering `GET /bucket/<name>` with `body` and `disposition`.
async fn link_server(name: &str, body: Vec<u8>, disposition: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/bucket/{name}")))
        .respond_with(archive_response(body, disposition))
        .mount(&server)
        .await;
    server
}

fn link_to(server: &MockServer, name: &str) -> PresignedLink {
    PresignedLink::new(format!(
        "http://localhost:{}/bucket/{name}?X-Signature={SIGNATURE}",
        server.address().port()
    ))
}

#[tokio::test]
async fn a_link_saved_into_a_folder_prefers_its_declared_file_name() {
    within(async {
        let body = pseudo_random_bytes(10_000, 6);
        let server = link_server(
            "obj",
            body.clone(),
            Some("attachment; filename=suggested.log"),
        )
        .await;
        let config = token_config("http://127.0.0.1:9");
        let dir = TempDir::new("declared-name");

        let saved = link_to(&server, "obj")
            .with_file_name(Some("declared.log".to_owned()))
            .save_into(&config, dir.path())
            .await
            .expect("saved under the declared name");
        assert_eq!(saved.path, dir.join("declared.log"));

        let saved = link_to(&server, "obj")
            .save_into(&config, dir.path())
            .await
            .expect("saved under the suggested name");
        assert_eq!(saved.path, dir.join("suggested.log"));

        assert_eq!(
            dir.entries(),
            vec!["declared.log".to_owned(), "suggested.log".to_owned()]
        );
        for name in ["declared.log", "suggested.log"] {
            assert!(std::fs::read(dir.join(name)).expect("read") == body);
        }
    })
    .await
}

#[tokio::test]
async fn a_declared_file_name_with_a_path_lands_as_a_plain_name() {
    within(async {
        let body = pseudo_random_bytes(1000, 7);
        let server = link_server("obj", body.clone(), None).await;
        let config = token_config("http://127.0.0.1:9");
        for (declared, expected) in [
            ("../../evil.log", "evil.log"),
            ("logs/2024/error.log", "error.log"),
            ("..\\up.log", "up.log"),
        ] {
            let base = TempDir::new("declared-path");
            let inner = base.join("inner");
            std::fs::create_dir(&inner).expect("create the inner folder");
            let saved = link_to(&server, "obj")
                .with_file_name(Some(declared.to_owned()))
                .save_into(&config, &inner)
                .await
                .unwrap_or_else(|e| panic!("{declared}: not saved: {e}"));
            assert_eq!(saved.path, inner.join(expected), "{declared}");
            assert_eq!(entries(&inner), vec![expected.to_owned()]);
            assert_eq!(base.entries(), vec!["inner".to_owned()]);
        }
        // A declared name that is no name at all, and no suggestion: nothing written.
        let dir = TempDir::new("declared-dots");
        let error = link_to(&server, "obj")
            .with_file_name(Some("..".to_owned()))
            .save_into(&config, dir.path())
            .await
            .expect_err("no usable file name");
        assert!(matches!(error, DownloadError::NoFileName), "{error:?}");
        dir.assert_empty();
    })
    .await
}
