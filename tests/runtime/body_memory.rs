//! Peak heap memory while a hostile server sends huge bodies (issue #11, point 7), measured by
//! a counting allocator: an error body is kept to its prefix, a success body stops at the
//! configured limit, an announced oversize body is not read at all.
//!
//! Part of the `memory` test binary (`tests/memory.rs`), which installs the allocator; the
//! scenarios run one after the other in one test.

use crate::{counting_alloc, hostile_server};

use cloud_logs_client::{css, Config, Error, ResponseErrorKind, RetryConfig};
use hostile_server::HostileServer;

use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;

/// A server answering `status` with a JSON body of `total` bytes, as fast as it is read.
async fn flood(status: &str, prefix: &str, total: u64, chunked: bool) -> HostileServer {
    hostile_server::flood(status, &[], prefix, total, chunked).await
}

/// Runs `call`, returning its outcome, the peak heap growth during it and its duration.
async fn measured<T>(call: impl std::future::Future<Output = T>) -> (T, u64, Duration) {
    let baseline = counting_alloc::start();
    let started = Instant::now();
    let outcome = call.await;
    let elapsed = started.elapsed();
    let growth = counting_alloc::peak_growth(baseline);
    (outcome, growth, elapsed)
}

fn builder(server: &HostileServer) -> cloud_logs_client::ConfigBuilder {
    Config::builder()
        .endpoint(server.uri())
        .token("tok-body-memory")
        .project_id("proj-body-memory")
        .retry(RetryConfig::disabled())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_bodies_are_read_in_bounded_memory() {
    let _turn = counting_alloc::one_at_a_time().await;
    tokio::time::timeout(Duration::from_secs(60), run())
        .await
        .expect("the scenarios did not finish within 60 s");
}

async fn run() {
    // 1. A 256 MiB error body, announced, with the default prefix of 8 KiB.
    let server = flood(
        "400 Bad Request",
        r#"{"error_code":"CSS.0001","error_msg":"bad","detail":""#,
        256 * MIB,
        false,
    )
    .await;
    let config = builder(&server).build().unwrap();
    let client = css::Client::new(&config);
    let (result, growth, elapsed) = measured(client.list_logs_job("c").send()).await;
    let error = result.expect_err("a 400");
    let raw = error.raw_response().expect("a response");
    assert_eq!(raw.body().len(), 8 * 1024);
    assert_eq!(error.code(), Some("CSS.0001"));
    println!(
        "256 MiB error body: kept {} bytes; peak heap growth {growth} bytes ({:.2} MiB) in \
         {elapsed:.2?}; the server wrote {} bytes",
        raw.body().len(),
        growth as f64 / MIB as f64,
        server.body_bytes_sent()
    );
    assert!(growth < 4 * MIB, "the heap grew by {growth} bytes");
    drop((error, client, config, server));

    // 2. An endless (1 GiB) chunked success body, with a limit of 4 MiB.
    let server = flood("200 OK", r#"{"totalSize":1,"pad":""#, 1 << 30, true).await;
    let config = builder(&server).max_body_size(4 << 20).build().unwrap();
    let client = css::Client::new(&config);
    let (result, growth, elapsed) = measured(client.list_logs_job("c").send()).await;
    match &result {
        Err(Error::Response(e)) => assert!(
            matches!(
                e.kind(),
                ResponseErrorKind::BodyTooLarge {
                    limit: 0x40_0000,
                    ..
                }
            ),
            "{e:?}"
        ),
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    println!(
        "endless chunked success body, limit 4 MiB: refused after {elapsed:.2?}; peak heap \
         growth {growth} bytes ({:.2} MiB); the server wrote {} bytes",
        growth as f64 / MIB as f64,
        server.body_bytes_sent()
    );
    assert!(growth < 8 * MIB, "the heap grew by {growth} bytes");
    // The client stopped reading at the limit: what the server got out is the limit plus what
    // the sockets' buffers hold, not the endless rest (the time bound is `run`'s, above).
    assert!(
        server.body_bytes_sent() < 64 * MIB,
        "the server wrote {} bytes",
        server.body_bytes_sent()
    );
    drop((result, client, config, server));

    // 3. A 256 MiB JSON success body, announced, with the default limit of 32 MiB: refused
    // before any of it is read.
    let server = flood("200 OK", r#"{"totalSize":1,"pad":""#, 256 * MIB, false).await;
    let config = builder(&server).build().unwrap();
    let client = css::Client::new(&config);
    let (result, growth, elapsed) = measured(client.list_logs_job("c").send()).await;
    assert!(
        matches!(&result, Err(Error::Response(e)) if matches!(e.kind(), ResponseErrorKind::BodyTooLarge { .. })),
        "{result:?}"
    );
    println!(
        "256 MiB announced success body, default limit: refused after {elapsed:.2?}; peak heap \
         growth {growth} bytes ({:.2} MiB)",
        growth as f64 / MIB as f64
    );
    assert!(growth < 4 * MIB, "the heap grew by {growth} bytes");
}
