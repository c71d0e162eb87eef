//! Runs the example program on the committed client (`examples/log-workflows`) the way a
//! user would, `cargo run`, against mocks on 127.0.0.1: the API on one server,
//! the pre-signed links on another host (`localhost`) that must never see a credential.

use clientgen_tests::workspace_root;
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "tok-example-5ecret-91b2";
const PROJECT: &str = "proj";
const LINK_SECRET: &str = "Signature=link-5ecret-77aa";

/// Answers each request with the next body of a fixed list, repeating the last.
struct Sequence {
    bodies: Vec<&'static str>,
    calls: AtomicUsize,
}

impl Sequence {
    fn new(bodies: Vec<&'static str>) -> Self {
        Sequence {
            bodies,
            calls: AtomicUsize::new(0),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let body = self.bodies[n.min(self.bodies.len() - 1)];
        ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "application/json")
    }
}

/// CSS log backup records, paged by `offset` (1-based record index) and `limit`.
struct Records {
    total: usize,
}

impl Respond for Records {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let offset = query("offset").unwrap_or(1);
        let limit = query("limit").unwrap_or(10);
        let records: Vec<serde_json::Value> = (offset..offset + limit)
            .filter(|i| *i <= self.total)
            .map(|i| serde_json::json!({"id": format!("task-{i}"), "status": "SUCCESS"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "clusterLogRecord": records,
            "totalSize": self.total,
        }))
    }
}

fn archive() -> Vec<u8> {
    (0..300_000u32).map(|i| (i % 251) as u8).collect()
}

async fn api_and_links() -> (MockServer, MockServer) {
    let api = MockServer::start().await;
    let links = MockServer::start().await;
    let link_base = format!("http://localhost:{}", links.address().port());
    let exports = format!("/v1/{PROJECT}/physicalservers/srv-1/logs/exports");
    Mock::given(method("POST"))
        .and(path(exports.clone()))
        .respond_with(ResponseTemplate::new(202).set_body_raw(
            br#"{"export_id":"42","status":"Running","percentage":"0%"}"#.to_vec(),
            "application/json",
        ))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{exports}/42")))
        .respond_with(Sequence::new(vec![
            r#"{"export_id":"42","status":"Running","percentage":"30%"}"#,
            r#"{"export_id":"42","status":"Running","percentage":"70%"}"#,
            r#"{"export_id":"42","status":"completed","percentage":100}"#,
        ]))
        .expect(3)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{exports}/42/content")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "Content-Disposition",
                    "attachment; filename=SN0042-dump.tar.gz",
                )
                .set_body_raw(archive(), "application/octet-stream"),
        )
        .mount(&api)
        .await;

    let redis_link = format!("{link_base}/bucket/redis.log?{LINK_SECRET}");
    let redis_body = serde_json::json!({"id": "log-7", "backup_id": "b-1", "link": redis_link});
    Mock::given(method("POST"))
        .and(path(format!(
            "/v2/{PROJECT}/instances/redis-1/redislog/log-7/links"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(redis_body))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/bucket/redis.log"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"redis run log\n".to_vec(), "application/octet-stream"),
        )
        .mount(&links)
        .await;

    let pg_ready: &'static str = Box::leak(
        serde_json::json!({
            "status": "finish",
            "count": 1,
            "list": [{
                "workflow_id": "wf-1",
                "file_name": "pg-error.log",
                "status": "success",
                "file_size": "16",
                "file_link": format!("{link_base}/bucket/pg.log?{LINK_SECRET}"),
            }],
        })
        .to_string()
        .into_boxed_str(),
    );
    Mock::given(method("POST"))
        .and(path(format!(
            "/v3/{PROJECT}/instances/pg-1/errorlog-download"
        )))
        .respond_with(Sequence::new(vec![
            r#"{"status":"CREATING","count":0,"list":[]}"#,
            pg_ready,
        ]))
        .expect(2)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/bucket/pg.log"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(b"ERROR: disk full".to_vec(), "application/octet-stream"),
        )
        .mount(&links)
        .await;

    Mock::given(method("GET"))
        .and(path(format!("/v1.0/{PROJECT}/clusters/c-1/logs/records")))
        .respond_with(Records { total: 150 })
        .expect(2)
        .mount(&api)
        .await;
    (api, links)
}

/// `cargo run -p log-workflows -- <args>`, bounded in time.
async fn run_example(args: Vec<String>) -> Output {
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO"))
            .current_dir(workspace_root())
            .args(["run", "--quiet", "--package", "log-workflows", "--"])
            .args(args)
            .env_remove("CLOUD_SDK_AK")
            .env_remove("CLOUD_SDK_SK")
            .output()
            .expect("cargo runs")
    });
    tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("the example finishes within 10 minutes (including its build)")
        .expect("the runner thread does not panic")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clientgen-example-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_runs_every_workflow_against_loopback() {
    let (api, links) = api_and_links().await;
    let out = scratch_dir("all");
    let args: Vec<String> = [
        "--endpoint",
        &api.uri(),
        "--project-id",
        PROJECT,
        "--token",
        TOKEN,
        "--server-id",
        "srv-1",
        "--redis-instance",
        "redis-1",
        "--redis-log",
        "log-7",
        "--rds-instance",
        "pg-1",
        "--css-cluster",
        "c-1",
        "--out",
        out.to_str().expect("a UTF-8 temp path"),
        "--poll-ms",
        "10",
        "--max-wait-s",
        "20",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run_example(args).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the example failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );

    // Export -> wait -> download: three polls, then the archive under the server's name.
    assert!(stdout.contains("export 42 started"), "{stdout}");
    assert!(stdout.contains("export progress: 30%"), "{stdout}");
    assert!(stdout.contains("export progress: 70%"), "{stdout}");
    assert!(
        stdout.contains("export 42 complete (completed)"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(out.join("SN0042-dump.tar.gz")).unwrap(),
        archive()
    );
    // The two link flows, and the paged listing.
    assert_eq!(
        std::fs::read(out.join("redis-log-7.log")).unwrap(),
        b"redis run log\n"
    );
    assert_eq!(
        std::fs::read(out.join("pg-error.log")).unwrap(),
        b"ERROR: disk full"
    );
    assert!(stdout.contains("error-log links ready: 1"), "{stdout}");
    assert!(stdout.contains("backup tasks: 150"), "{stdout}");
    assert!(stdout.contains("backup task task-150: SUCCESS"), "{stdout}");
    // Nothing but the three files: no partial download left behind.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["SN0042-dump.tar.gz", "pg-error.log", "redis-log-7.log"]
    );

    // The link host saw both downloads, none with a credential; the API saw the token.
    let link_requests = links.received_requests().await.unwrap();
    assert_eq!(link_requests.len(), 2);
    for request in &link_requests {
        for header in [
            "x-auth-token",
            "authorization",
            "x-project-id",
            "x-sdk-date",
        ] {
            assert!(
                !request.headers.contains_key(header),
                "the link host received {header}"
            );
        }
        assert_eq!(request.url.query(), Some(LINK_SECRET));
    }
    let api_requests = api.received_requests().await.unwrap();
    assert!(api_requests
        .iter()
        .all(|r| r.headers.get("x-auth-token").map(|v| v.as_bytes()) == Some(TOKEN.as_bytes())));
    // Secrets stay out of the program's output.
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    assert!(!stdout.contains(LINK_SECRET) && !stderr.contains(LINK_SECRET));
    api.verify().await;
    std::fs::remove_dir_all(&out).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_reports_a_failed_call_and_exits_non_zero() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            br#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}"#
                .to_vec(),
            "application/json",
        ))
        .mount(&api)
        .await;
    let out = scratch_dir("failure");
    let args: Vec<String> = [
        "--endpoint",
        &api.uri(),
        "--project-id",
        PROJECT,
        "--token",
        TOKEN,
        "--server-id",
        "srv-1",
        "--out",
        out.to_str().expect("a UTF-8 temp path"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let output = run_example(args).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains("ExportServerLogs returned Unauthorized (HTTP 401)"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN));
    // Nothing was downloaded.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    std::fs::remove_dir_all(&out).unwrap();

    // A usage error exits with status 2 and says what is wrong.
    let output = run_example(vec!["--endpoint".into()]).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a value is required for '--endpoint <URL>'"),
        "{stderr}"
    );
}
