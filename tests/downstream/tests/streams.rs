//! Streamed responses end to end: the build-time client of `spec/events.yaml` against a
//! server on 127.0.0.1 that streams thousands of server-sent events, JSON lines and JSON
//! text sequence records. Every item must arrive typed and in order, a bad item must not end
//! the stream, and the heap must stay bounded while many times the item limit goes through.
//!
//! Its own test binary with a counting allocator, the scenarios one after the other in one
//! test, so that nothing else allocates while it measures. Every loop is bounded in count,
//! every scenario in time.

#[path = "../../support/counting_alloc.rs"]
mod counting_alloc;

use downstream_example::api::events::{types::Tick, Client};
use downstream_example::api::{Config, StreamErrorKind};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[global_allocator]
static ALLOCATOR: counting_alloc::Counting = counting_alloc::Counting;

const MIB: u64 = 1024 * 1024;

/// Items each stream carries.
const ITEMS: usize = 5_000;

/// The limit of one item set on the client: every item fits, the stream is thousands of
/// times larger.
const ITEM_LIMIT: usize = 8 << 10;

/// A server answering one request (or more, the same way) with `content_type` and a chunked
/// body: `chunk(i)` for `i` in `0..chunks`, then the end of the body, or silence for
/// `stall` when set. It counts the body bytes it wrote.
struct Server {
    addr: SocketAddr,
    sent: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start(
        content_type: &'static str,
        chunks: usize,
        chunk: fn(usize) -> String,
        stall: Option<Duration>,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let task = tokio::spawn(async move {
            for _ in 0..4 {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let counter = counter.clone();
                tokio::spawn(async move {
                    // The request's head, within 16 KiB.
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 << 10 {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
                    );
                    if socket.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                    for i in 0..chunks {
                        let data = chunk(i);
                        let framed = format!("{:x}\r\n{data}\r\n", data.len());
                        if socket.write_all(framed.as_bytes()).await.is_err() {
                            return;
                        }
                        counter.fetch_add(data.len() as u64, Ordering::Relaxed);
                    }
                    match stall {
                        Some(quiet) => tokio::time::sleep(quiet).await,
                        None => {
                            let _ = socket.write_all(b"0\r\n\r\n").await;
                            let _ = socket.shutdown().await;
                        }
                    }
                });
            }
        });
        Server { addr, sent, task }
    }

    fn client(&self, read_timeout: Duration) -> Client {
        let config = Config::builder()
            .endpoint(format!("http://{}", self.addr))
            .token("t")
            .read_timeout(Some(read_timeout))
            .build()
            .unwrap();
        Client::new(&config)
    }

    fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

/// Padding that makes every item a few KiB, so the stream is large.
fn pad(len: usize) -> String {
    "x".repeat(len)
}

/// The tick of item `i`, as JSON.
fn tick(i: usize) -> String {
    format!(r#"{{"seq":{i},"name":"tick-{i}","note":"{}"}}"#, pad(3000))
}

/// Item 2,500 is larger than the limit; every 100th event has a comment line first, odd
/// events end their lines with CRLF. One event per chunk, cut in the middle of its data.
fn event_chunk(i: usize) -> String {
    let newline = if i % 2 == 1 { "\r\n" } else { "\n" };
    let comment = if i % 100 == 1 { ": keep-alive\n" } else { "" };
    let data = if i == ITEMS / 2 {
        format!(r#"{{"seq":-1,"name":"{}"}}"#, pad(ITEM_LIMIT * 2))
    } else {
        tick(i)
    };
    format!("{comment}event: tick{newline}id: {i}{newline}data: {data}{newline}{newline}")
}

/// Line 2,500 is not JSON.
fn line_chunk(i: usize) -> String {
    if i == ITEMS / 2 {
        "{\"seq\": not json\n".to_owned()
    } else {
        format!("{}\n", tick(i))
    }
}

fn record_chunk(i: usize) -> String {
    format!("\u{1e}{}\n", tick(i))
}

/// Runs `scenario`, returning its outcome and the heap's peak growth during it.
async fn measured<T>(scenario: impl std::future::Future<Output = T>) -> (T, u64) {
    let baseline = counting_alloc::start();
    let outcome = scenario.await;
    (outcome, counting_alloc::peak_growth(baseline))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_items_arrive_typed_in_order_in_bounded_memory() {
    let _turn = counting_alloc::one_at_a_time().await;
    tokio::time::timeout(Duration::from_secs(120), run())
        .await
        .expect("the scenarios did not finish within 120 s");
}

async fn run() {
    events().await;
    lines().await;
    records().await;
    text_and_read_timeout().await;
}

/// Server-sent events: 5,000 ticks decoded from each event's data, one too large.
async fn events() {
    let server = Server::start("text/event-stream", ITEMS, event_chunk, None).await;
    let client = server.client(Duration::from_secs(10));
    let started = Instant::now();
    let ((ok, errors), growth) = measured(async {
        let mut stream = client
            .follow_ticks()
            .send()
            .await
            .expect("the stream starts")
            .into_inner()
            .max_item_bytes(ITEM_LIMIT);
        let (mut ok, mut errors) = (0usize, Vec::new());
        for _ in 0..ITEMS + 10 {
            match stream.next_event().await {
                None => break,
                Some(Ok(event)) => {
                    let expected = if ok < ITEMS / 2 { ok } else { ok + 1 };
                    let Tick { seq, name, .. } = event.data;
                    assert_eq!(seq, expected as i64, "events arrive in order");
                    assert_eq!(name, format!("tick-{expected}"));
                    assert_eq!(event.event, "tick");
                    assert_eq!(event.id.as_deref(), Some(expected.to_string().as_str()));
                    ok += 1;
                }
                Some(Err(e)) => errors.push(e),
            }
        }
        (ok, errors)
    })
    .await;
    assert_eq!(ok, ITEMS - 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].item(), (ITEMS / 2 + 1) as u64);
    assert!(
        matches!(errors[0].kind(), StreamErrorKind::TooLarge { limit } if *limit == ITEM_LIMIT),
        "{}",
        errors[0]
    );
    let sent = server.sent();
    println!(
        "server-sent events: {ok} typed in {:.2?}, {:.1} MiB streamed, peak heap growth {:.2} MiB",
        started.elapsed(),
        sent as f64 / MIB as f64,
        growth as f64 / MIB as f64
    );
    assert!(sent > 12 * MIB, "the server streamed only {sent} bytes");
    assert!(growth < 4 * MIB, "the heap grew by {growth} bytes");
}

/// JSON lines: 5,000 ticks, one line not JSON, reported without ending the stream.
async fn lines() {
    let server = Server::start("application/jsonl", ITEMS, line_chunk, None).await;
    let client = server.client(Duration::from_secs(10));
    let ((ok, errors), growth) = measured(async {
        let mut stream = client
            .export_ticks()
            .send()
            .await
            .expect("the stream starts")
            .into_inner()
            .max_item_bytes(ITEM_LIMIT);
        let (mut ok, mut errors) = (0usize, Vec::new());
        for _ in 0..ITEMS + 10 {
            match stream.next_item().await {
                None => break,
                Some(Ok(tick)) => {
                    let expected = if ok < ITEMS / 2 { ok } else { ok + 1 };
                    assert_eq!(tick.seq, expected as i64, "lines arrive in order");
                    ok += 1;
                }
                Some(Err(e)) => errors.push(e),
            }
        }
        (ok, errors)
    })
    .await;
    assert_eq!(ok, ITEMS - 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].item(), (ITEMS / 2 + 1) as u64);
    assert!(matches!(errors[0].kind(), StreamErrorKind::Decode(_)));
    let sent = server.sent();
    println!(
        "JSON lines: {ok} typed, {:.1} MiB streamed, peak heap growth {:.2} MiB",
        sent as f64 / MIB as f64,
        growth as f64 / MIB as f64
    );
    assert!(sent > 12 * MIB);
    assert!(growth < 4 * MIB, "the heap grew by {growth} bytes");
}

/// A JSON text sequence: 5,000 ticks, read through the `Stream` trait.
async fn records() {
    use futures_core::Stream;
    let server = Server::start("application/json-seq", ITEMS, record_chunk, None).await;
    let client = server.client(Duration::from_secs(10));
    let mut stream = client
        .export_records()
        .send()
        .await
        .expect("the stream starts")
        .into_inner();
    let mut seen = 0usize;
    for _ in 0..ITEMS + 10 {
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await;
        match next {
            None => break,
            Some(item) => {
                let tick = item.expect("every record decodes");
                assert_eq!(tick.seq, seen as i64, "records arrive in order");
                seen += 1;
            }
        }
    }
    assert_eq!(seen, ITEMS);
}

/// Events of text; a server that goes quiet ends the stream with the read timeout's error.
async fn text_and_read_timeout() {
    fn log_chunk(i: usize) -> String {
        format!("data: line {i}\ndata: continued\n\n")
    }
    let server = Server::start(
        "text/event-stream",
        3,
        log_chunk,
        Some(Duration::from_secs(20)),
    )
    .await;
    let client = server.client(Duration::from_millis(500));
    let mut stream = client
        .tail_log()
        .send()
        .await
        .expect("the stream starts")
        .into_inner();
    let mut lines = Vec::new();
    let mut ended_by = None;
    for _ in 0..10 {
        match stream.next_event().await {
            Some(Ok(event)) => lines.push(event.data),
            Some(Err(e)) => {
                ended_by = Some(e);
                break;
            }
            None => break,
        }
    }
    assert_eq!(
        lines,
        [
            "line 0\ncontinued",
            "line 1\ncontinued",
            "line 2\ncontinued"
        ]
    );
    let error = ended_by.expect("the quiet server ends the stream with an error");
    assert!(error.is_timeout(), "{error}");
    assert!(stream.next_event().await.is_none(), "the stream ended");
}
