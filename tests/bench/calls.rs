//! Per-call overhead of the generated client: one operation called many times against a
//! server on 127.0.0.1, and the same request written by hand with reqwest, in alternating
//! rounds of the same run.

use crate::Options;
use cloud_logs_client::css::types::ListLogsJobResponse;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "bench-token";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const CLUSTER: &str = "4213d908-f5dc-4633-8401-cfd7175fca0c";
const CALLS_PER_ROUND: usize = 2000;

/// Ten records, as ListLogsJob answers.
fn body() -> String {
    let records: Vec<serde_json::Value> = (0..10)
        .map(|i| {
            serde_json::json!({
                "id": format!("task-{i}"), "clusterId": CLUSTER, "createAt": 1656042837000u64,
                "logPath": "css/log", "status": "SUCCESS", "finishedAt": 1656042937000u64,
                "jobTypes": "Manual", "failedMsg": null, "jobId": format!("job-{i}")
            })
        })
        .collect();
    serde_json::json!({"clusterLogRecord": records, "totalSize": 10}).to_string()
}

/// An HTTP/1.1 server on 127.0.0.1 answering every request with the same response, keeping
/// connections alive: as little server time as possible, the same for both clients.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback binds");
    let address = listener.local_addr().expect("a bound address");
    let body = body();
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Request-Id: bench\r\n\r\n{body}",
        body.len()
    );
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let mut filled = 0;
                loop {
                    let Ok(n) = socket.read(&mut buffer[filled..]).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    filled += n;
                    // Requests carry no body: each ends at its blank line.
                    while let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n")
                    {
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                        buffer.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                    if filled == buffer.len() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

async fn generated_call(client: &cloud_logs_client::css::Client) {
    let page = client
        .list_logs_job(CLUSTER)
        .offset(1)
        .limit(10)
        .send()
        .await
        .expect("the generated call succeeds");
    assert_eq!(page.cluster_log_record.as_ref().map(Vec::len), Some(10));
}

/// The same request as a user would write it with reqwest: URL, query, headers, status check,
/// JSON decoding into the same type.
async fn hand_written_call(http: &reqwest::Client, base: &str) {
    let url = format!("{base}/v1.0/{PROJECT}/clusters/{CLUSTER}/logs/records");
    let response = http
        .get(url)
        .query(&[("limit", "10"), ("offset", "1")])
        .header("X-Auth-Token", TOKEN)
        .header("Accept", "application/json")
        .header("User-Agent", "clientgen-runtime/0.2.0")
        .send()
        .await
        .expect("the hand-written call succeeds");
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("the body arrives");
    let page: ListLogsJobResponse = serde_json::from_slice(&bytes).expect("the body decodes");
    assert_eq!(page.cluster_log_record.as_ref().map(Vec::len), Some(10));
}

pub fn per_call_overhead(options: &Options) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let base = serve().await;
        let config = cloud_logs_client::Config::builder()
            .endpoint(&base)
            .token(TOKEN)
            .project_id(PROJECT)
            .build()
            .expect("a valid config");
        let client = cloud_logs_client::css::Client::new(&config);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        for _ in 0..500 {
            generated_call(&client).await;
            hand_written_call(&http, &base).await;
        }
        // Calls alternate one by one, so both see the same machine at the same moment; the
        // median of each one's per-call times is robust to the odd slow call.
        let calls = CALLS_PER_ROUND * options.runs.max(5);
        let mut generated = Vec::with_capacity(calls);
        let mut hand_written = Vec::with_capacity(calls);
        for i in 0..calls {
            for turn in 0..2 {
                let started = Instant::now();
                if (i + turn) % 2 == 0 {
                    generated_call(&client).await;
                    generated.push(started.elapsed());
                } else {
                    hand_written_call(&http, &base).await;
                    hand_written.push(started.elapsed());
                }
            }
        }
        let (g, h): (Duration, Duration) = (crate::median(generated), crate::median(hand_written));
        println!(
            "\n== per-call overhead: ListLogsJob on 127.0.0.1 (median of {calls} calls each, alternating)"
        );
        println!("hand-written reqwest call: {:>8.1} us", h.as_secs_f64() * 1e6);
        println!("generated client call:     {:>8.1} us", g.as_secs_f64() * 1e6);
        println!(
            "overhead: {:+.1}% ({:+.1} us per call)",
            (g.as_secs_f64() / h.as_secs_f64() - 1.0) * 100.0,
            (g.as_secs_f64() - h.as_secs_f64()) * 1e6
        );
    });
}
