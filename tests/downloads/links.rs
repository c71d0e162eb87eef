//! Pre-signed links: fetched with no credential wherever they point (another host, the
//! endpoint's host, after redirects), from the generated accessors end to end, and never
//! showing their secret.

use super::common::*;
use cloud_logs_client::{dcs, rds, Config, DownloadError, PresignedLink, Progress};
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The query of every link: a signature, and characters that must arrive as they are.
fn link_query() -> String {
    format!("X-Expires=300&X-Access=AK%2Fobs-01&X-Signature={SIGNATURE}&empty=&plus=a%2Bb")
}

/// `http://localhost:<port of server><path>?<link_query>`: another host name than the
/// endpoint's 127.0.0.1, on another port.
fn localhost_link(server: &MockServer, path: &str) -> String {
    format!(
        "http://localhost:{}{path}?{}",
        server.address().port(),
        link_query()
    )
}

/// A server answering `GET path` with `body`.
async fn serving(server: &MockServer, at: &str, body: Vec<u8>) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(archive_response(body, None))
        .mount(server)
        .await;
}

/// Asserts `server` received exactly one request for `at`, with the link's query intact, no
/// credential, and no header but `Host`, `Accept` and `User-Agent`.
async fn assert_one_clean_request(server: &MockServer, at: &str) {
    let request = assert_one_request_without_credentials(server, at).await;
    assert_only_link_headers(&request);
}

/// Asserts `server` received exactly one request for `at`, with the link's query intact and
/// no credential; returns it.
async fn assert_one_request_without_credentials(server: &MockServer, at: &str) -> Request {
    let mut received = requests_to(server, at).await;
    assert_eq!(received.len(), 1, "expected one request for {at}");
    let request = received.remove(0);
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.query(), Some(link_query().as_str()));
    assert_no_credentials(&request);
    request
}

async fn link_on_another_host_gets_no_credentials(config: fn(&str) -> Config) {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    let body = pseudo_random_bytes(200 * 1024 + 1, 20);
    serving(&storage, "/bucket/file", body.clone()).await;
    let config = config(&format!("http://127.0.0.1:{}", api.address().port()));
    let dir = TempDir::new("other-host");
    let target = dir.join("file.bin");
    let saved = PresignedLink::new(localhost_link(&storage, "/bucket/file"))
        .save_to(&config, &target)
        .await
        .expect("the link is downloaded");
    assert_eq!(saved.bytes, body.len() as u64);
    assert!(std::fs::read(&target).expect("read") == body);
    assert_one_clean_request(&storage, "/bucket/file").await;
    assert_eq!(requests(&storage).await.len(), 1);
    assert!(requests(&api).await.is_empty(), "the endpoint was called");
}

#[tokio::test]
async fn a_link_on_another_host_receives_no_token() {
    within(link_on_another_host_gets_no_credentials(token_config)).await
}

#[tokio::test]
async fn a_link_on_another_host_receives_no_aksk_signature() {
    within(link_on_another_host_gets_no_credentials(aksk_config)).await
}

#[tokio::test]
async fn a_link_on_the_endpoints_host_receives_no_credentials() {
    within(async {
        for config in [token_config as fn(&str) -> Config, aksk_config] {
            let api = MockServer::start().await;
            let body = pseudo_random_bytes(5000, 21);
            serving(&api, "/bucket/same-host", body.clone()).await;
            let config = config(&api.uri());
            let link = format!("{}/bucket/same-host?{}", api.uri(), link_query());
            let dir = TempDir::new("same-host");
            let saved = PresignedLink::new(link)
                .save_to(&config, dir.join("f"))
                .await
                .expect("the link is downloaded");
            assert!(std::fs::read(&saved.path).expect("read") == body);
            assert_one_clean_request(&api, "/bucket/same-host").await;
        }
    })
    .await
}

/// A server redirecting `GET at` to `location` with 302.
async fn redirecting(server: &MockServer, at: &str, location: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", location))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_redirected_link_sends_no_credentials_to_the_final_host() {
    within(async {
        let api = MockServer::start().await;
        let first = MockServer::start().await;
        let last = MockServer::start().await;
        let body = pseudo_random_bytes(70_000, 22);
        let final_url = format!("{}/final/object?{}", last.uri(), link_query());
        redirecting(&first, "/bucket/moved", &final_url).await;
        serving(&last, "/final/object", body.clone()).await;
        let dir = TempDir::new("redirect");
        let saved = PresignedLink::new(localhost_link(&first, "/bucket/moved"))
            .save_to(&aksk_config(&api.uri()), dir.join("moved.bin"))
            .await
            .expect("the redirect is followed");
        assert!(std::fs::read(&saved.path).expect("read") == body);
        assert_one_clean_request(&first, "/bucket/moved").await;
        // The Referer the redirect adds has a test of its own (below).
        assert_one_request_without_credentials(&last, "/final/object").await;
        assert!(requests(&api).await.is_empty(), "the endpoint was called");
    })
    .await
}

#[tokio::test]
async fn a_redirect_does_not_pass_the_signed_link_to_the_next_host() {
    within(async {
        let first = MockServer::start().await;
        let last = MockServer::start().await;
        redirecting(
            &first,
            "/bucket/moved",
            &format!("{}/final/object", last.uri()),
        )
        .await;
        serving(&last, "/final/object", b"moved".to_vec()).await;
        let dir = TempDir::new("referer");
        PresignedLink::new(localhost_link(&first, "/bucket/moved"))
            .save_to(&token_config("http://127.0.0.1:9"), dir.join("moved.bin"))
            .await
            .expect("the redirect is followed");
        let received = requests(&last).await;
        assert_eq!(received.len(), 1);
        let request = &received[0];
        assert!(
            request.headers.get("referer").is_none(),
            "the next host received Referer: {:?}",
            request.headers.get("referer")
        );
        for value in request.headers.values() {
            let value = String::from_utf8_lossy(value.as_bytes());
            assert!(
                !value.contains(SIGNATURE),
                "the link's signature leaks: {value}"
            );
        }
        assert_only_link_headers(request);
    })
    .await
}

#[tokio::test]
async fn a_link_redirected_to_the_endpoint_sends_it_no_credentials() {
    within(async {
        let api = MockServer::start().await;
        let storage = MockServer::start().await;
        let body = pseudo_random_bytes(3000, 23);
        let back = format!("{}/v1/{PROJECT}/bucket/back?{}", api.uri(), link_query());
        redirecting(&storage, "/bucket/away", &back).await;
        serving(&api, &format!("/v1/{PROJECT}/bucket/back"), body.clone()).await;
        for config in [token_config as fn(&str) -> Config, aksk_config] {
            let dir = TempDir::new("redirect-back");
            let saved = PresignedLink::new(localhost_link(&storage, "/bucket/away"))
                .save_to(&config(&api.uri()), dir.join("back.bin"))
                .await
                .expect("the redirect is followed");
            assert!(std::fs::read(&saved.path).expect("read") == body);
        }
        let received = requests(&api).await;
        assert_eq!(received.len(), 2);
        for request in &received {
            assert_eq!(request.url.query(), Some(link_query().as_str()));
            assert_no_credentials(request);
        }
        for request in requests(&storage).await {
            assert_no_credentials(&request);
            assert_only_link_headers(&request);
        }
    })
    .await
}

#[tokio::test]
async fn a_redirect_loop_fails_without_a_file() {
    within(async {
        let storage = MockServer::start().await;
        let link = localhost_link(&storage, "/bucket/loop");
        redirecting(&storage, "/bucket/loop", &link).await;
        let dir = TempDir::new("redirect-loop");
        let error = PresignedLink::new(link)
            .save_to(&token_config("http://127.0.0.1:9"), dir.join("loop.bin"))
            .await
            .expect_err("an endless redirect");
        assert!(matches!(error, DownloadError::Dispatch(_)), "{error:?}");
        assert!(!error.to_string().contains(SIGNATURE), "{error}");
        assert!(!format!("{error:?}").contains(SIGNATURE), "{error:?}");
        dir.assert_empty();
        let received = requests(&storage).await;
        assert!(
            (2..=6).contains(&received.len()),
            "at most 5 redirects are followed, got {} requests",
            received.len()
        );
        for request in &received {
            assert_no_credentials(request);
        }
    })
    .await
}

#[tokio::test]
async fn dcs_redis_log_link_end_to_end() {
    within(async {
        let api = MockServer::start().await;
        let storage = MockServer::start().await;
        let body = pseudo_random_bytes(150_000, 24);
        serving(&storage, "/dcs-bucket/redis.log", body.clone()).await;
        let link = localhost_link(&storage, "/dcs-bucket/redis.log");
        let api_path = format!("/v2/{PROJECT}/instances/inst-1/redislog/log-9/links");
        Mock::given(method("POST"))
            .and(path(api_path.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "id": "log-9",
                "backup_id": "task-3",
                "link": link,
            })))
            .mount(&api)
            .await;
        let config = aksk_config(&api.uri());

        let answer = dcs::Client::new(&config)
            .create_redislog_download_link("inst-1", "log-9")
            .send()
            .await
            .expect("the link is created")
            .into_inner();
        assert!(!format!("{answer:?}").contains(SIGNATURE), "{answer:?}");
        let link = answer.presigned_link().expect("the answer has a link");
        assert_eq!(
            link.expose_url(),
            localhost_link(&storage, "/dcs-bucket/redis.log")
        );
        assert_eq!(link.host().as_deref(), Some("localhost"));
        let dir = TempDir::new("dcs");
        let target = dir.join("redis.log");
        let saved = link
            .save_to(&config, &target)
            .await
            .expect("the log is downloaded");
        assert_eq!(saved.path, target);
        assert_eq!(saved.bytes, body.len() as u64);
        assert!(std::fs::read(&target).expect("read") == body);
        assert_eq!(dir.entries(), vec!["redis.log".to_owned()]);

        let api_requests = requests(&api).await;
        assert_eq!(api_requests.len(), 1);
        assert_eq!(api_requests[0].url.path(), api_path);
        assert_signed(&api_requests[0]);
        assert_one_clean_request(&storage, "/dcs-bucket/redis.log").await;
    })
    .await
}

#[tokio::test]
async fn rds_error_log_link_end_to_end() {
    within(async {
        let api = MockServer::start().await;
        let storage = MockServer::start().await;
        let body = pseudo_random_bytes(123_457, 25);
        serving(&storage, "/rds-bucket/mysql-error.log", body.clone()).await;
        let api_path = format!("/v3/{PROJECT}/instances/inst-2/errorlog-download");
        Mock::given(method("POST"))
            .and(path(api_path.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "list": [{
                    "workflow_id": "wf-1",
                    "file_name": "mysql-error-2024-05-01.log",
                    "status": "SUCCESS",
                    "file_size": body.len().to_string(),
                    "file_link": localhost_link(&storage, "/rds-bucket/mysql-error.log"),
                    "create_at": 1714521600000i64,
                    "update_at": 1714521600000i64,
                }],
                "status": "FINISH",
                "count": 1,
            })))
            .mount(&api)
            .await;
        let config = token_config(&api.uri());

        let links = rds::Client::new(&config)
            .download_errorlog("inst-2")
            .send()
            .await
            .expect("the links are listed")
            .into_inner();
        assert_eq!(
            links.status,
            Some(rds::types::ErrorLogDownloadStatus::Finish)
        );
        let entry = &links.list.as_ref().expect("a list")[0];
        assert!(!format!("{entry:?}").contains(SIGNATURE), "{entry:?}");
        let link = entry.presigned_file_link().expect("the entry has a link");
        assert_eq!(link.expected_size(), Some(body.len() as u64));
        assert_eq!(link.file_name(), Some("mysql-error-2024-05-01.log"));

        let dir = TempDir::new("rds");
        let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
        let recorder = seen.clone();
        let saved = link
            .save_into(&config, dir.path())
            .progress(move |p| recorder.lock().unwrap().push(p))
            .await
            .expect("the error log is downloaded");
        assert_eq!(saved.path, dir.join("mysql-error-2024-05-01.log"));
        assert_eq!(saved.bytes, body.len() as u64);
        assert!(std::fs::read(&saved.path).expect("read") == body);
        assert_eq!(dir.entries(), vec!["mysql-error-2024-05-01.log".to_owned()]);
        let seen = seen.lock().unwrap().clone();
        assert!(!seen.is_empty());
        assert!(seen.iter().all(|p| p.total == Some(body.len() as u64)));
        assert_eq!(seen.last().map(|p| p.received), Some(body.len() as u64));

        let api_requests = requests(&api).await;
        assert_eq!(api_requests.len(), 1);
        assert_token_sent(&api_requests[0]);
        assert_one_clean_request(&storage, "/rds-bucket/mysql-error.log").await;
    })
    .await
}

#[tokio::test]
async fn a_link_answering_404_is_a_status_error_without_the_secret() {
    within(async {
        let storage = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(404).set_body_string("<Error><Code>NoSuchKey</Code></Error>"),
            )
            .mount(&storage)
            .await;
        let link = PresignedLink::new(localhost_link(&storage, "/bucket/gone"));
        let config = token_config("http://127.0.0.1:9");

        let error = link.open(&config).await.expect_err("404");
        match &error {
            DownloadError::Status { status, host } => {
                assert_eq!(status.as_u16(), 404);
                assert_eq!(host, "localhost");
            }
            other => panic!("expected Status, got {other:?}"),
        }
        let shown = error.to_string();
        let debug = format!("{error:?}");
        for text in [&shown, &debug] {
            assert!(!text.contains(SIGNATURE), "the secret leaks: {text}");
            assert!(!text.contains("X-Signature"), "the query leaks: {text}");
        }
        assert!(
            shown.contains("localhost") && shown.contains("404"),
            "{shown}"
        );

        let dir = TempDir::new("status");
        let error = link.save_into(&config, dir.path()).await.expect_err("404");
        assert!(matches!(error, DownloadError::Status { .. }), "{error:?}");
        let target = dir.join("kept.log");
        std::fs::write(&target, b"kept").expect("write");
        let error = link.save_to(&config, &target).await.expect_err("404");
        assert!(matches!(error, DownloadError::Status { .. }), "{error:?}");
        assert_eq!(std::fs::read(&target).expect("read"), b"kept");
        assert_eq!(dir.entries(), vec!["kept.log".to_owned()]);
        for request in requests(&storage).await {
            assert_no_credentials(&request);
        }
    })
    .await
}

#[tokio::test]
async fn a_link_that_cannot_connect_is_a_dispatch_error_without_the_secret() {
    within(async {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("address").port()
        };
        let link = PresignedLink::new(format!(
            "http://127.0.0.1:{port}/bucket/file?{}",
            link_query()
        ));
        let dir = TempDir::new("refused");
        let error = link
            .save_to(&token_config("http://127.0.0.1:9"), dir.join("f"))
            .await
            .expect_err("nothing listens");
        match &error {
            DownloadError::Dispatch(e) => assert!(e.is_connect(), "{e:?}"),
            other => panic!("expected Dispatch, got {other:?}"),
        }
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(SIGNATURE), "the secret leaks: {text}");
            assert!(!text.contains("/bucket/file"), "the URL leaks: {text}");
        }
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn presigned_link_debug_shows_the_host_only() {
    within(async {
        let link = PresignedLink::new(format!(
            "https://obs.example.com:8443/bucket/secret-object.log?{}",
            link_query()
        ))
        .with_expected_size(Some(42))
        .with_file_name(Some("error.log".to_owned()));
        let debug = format!("{link:?}");
        assert!(debug.contains("obs.example.com"), "{debug}");
        for secret in [SIGNATURE, "X-Signature", "secret-object", "/bucket", "8443"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        let dir = TempDir::new("debug");
        let save = link.save_to(&token_config("http://127.0.0.1:9"), dir.join("x"));
        let debug = format!("{save:?}");
        assert!(!debug.contains(SIGNATURE), "{debug}");
        drop(save);
        dir.assert_empty();
    })
    .await
}

#[tokio::test]
async fn invalid_links_are_rejected_before_sending() {
    within(async {
        let config = token_config("http://127.0.0.1:9");
        for url in [
            "ftp://x",
            "not a url",
            "",
            "/relative/path?X-Signature=5ig",
            "file:///etc/passwd",
        ] {
            let link = PresignedLink::new(url);
            let error = link.open(&config).await.expect_err("an invalid link");
            assert!(
                matches!(error, DownloadError::InvalidLink { .. }),
                "{url:?}: expected InvalidLink, got {error:?}"
            );
            let dir = TempDir::new("invalid");
            let error = link
                .save_to(&config, dir.join("f"))
                .await
                .expect_err("an invalid link");
            assert!(
                matches!(error, DownloadError::InvalidLink { .. }),
                "{error:?}"
            );
            let error = link
                .save_into(&config, dir.path())
                .await
                .expect_err("an invalid link");
            assert!(
                matches!(error, DownloadError::InvalidLink { .. }),
                "{error:?}"
            );
            if !url.is_empty() {
                assert!(!error.to_string().contains(url), "{error}");
            }
            dir.assert_empty();
        }
    })
    .await
}
