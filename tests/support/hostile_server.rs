//! A hostile HTTP/1.1 server on 127.0.0.1, shared by the runtime, download and memory tests:
//! it answers every request with a head and then a body that is endless, drips, floods or
//! never comes. Every behaviour is bounded in bytes and in time, and the server stops when
//! dropped.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The longest any connection is served.
const SERVE_LIMIT: Duration = Duration::from_secs(30);

/// What follows the head.
#[derive(Debug, Clone)]
pub enum Body {
    /// These bytes, then the connection is closed.
    Bytes(Vec<u8>),
    /// `chunk` every `every`, forever (until [`SERVE_LIMIT`]); in chunked encoding when the
    /// head says so (`chunked`).
    Drip {
        chunk: Vec<u8>,
        every: Duration,
        chunked: bool,
    },
    /// `total` bytes (or, with `chunked`, chunks of `chunk_size` until `total`) as fast as the
    /// client reads them.
    Flood {
        chunk_size: usize,
        total: u64,
        chunked: bool,
        /// The first bytes of the body (e.g. the start of a JSON document).
        prefix: Vec<u8>,
        /// The byte the rest of the body is made of.
        fill: u8,
    },
    /// Nothing: the connection stays open and silent (until [`SERVE_LIMIT`]).
    Silence,
}

/// How the server answers every request.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Waited before the head is sent.
    pub head_delay: Duration,
    /// The status line and headers, ending with the empty line.
    pub head: String,
    pub body: Body,
}

/// A running server; stops when dropped.
pub struct HostileServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    body_bytes_sent: Arc<AtomicU64>,
    heads: Arc<std::sync::Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl HostileServer {
    pub async fn start(answer: Answer) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(AtomicUsize::new(0));
        let body_bytes_sent = Arc::new(AtomicU64::new(0));
        let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (counted, sent, recorded) = (requests.clone(), body_bytes_sent.clone(), heads.clone());
        let task = tokio::spawn(async move {
            let mut connections = Vec::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (answer, counted, sent, recorded) = (
                    answer.clone(),
                    counted.clone(),
                    sent.clone(),
                    recorded.clone(),
                );
                connections.push(AbortOnDrop(tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        SERVE_LIMIT,
                        serve(stream, &answer, &counted, &sent, &recorded),
                    )
                    .await;
                })));
            }
        });
        HostileServer {
            addr,
            requests,
            body_bytes_sent,
            heads,
            task,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The number of requests received.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The heads of the requests received.
    pub fn request_heads(&self) -> Vec<String> {
        self.heads.lock().expect("not poisoned").clone()
    }

    /// The body bytes written to the sockets so far (the kernel buffers some of them).
    pub fn body_bytes_sent(&self) -> u64 {
        self.body_bytes_sent.load(Ordering::SeqCst)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Aborts the connection's task when the server's task ends.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    answer: &Answer,
    requests: &AtomicUsize,
    sent: &AtomicU64,
    heads: &std::sync::Mutex<Vec<String>>,
) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    heads.lock().expect("not poisoned").push(head);
    requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(answer.head_delay).await;
    if stream.write_all(answer.head.as_bytes()).await.is_err() {
        return;
    }
    let started = Instant::now();
    match &answer.body {
        Body::Bytes(bytes) => {
            if stream.write_all(bytes).await.is_ok() {
                sent.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            }
            let _ = stream.shutdown().await;
        }
        Body::Drip {
            chunk,
            every,
            chunked,
        } => {
            let framed = if *chunked {
                frame(chunk)
            } else {
                chunk.clone()
            };
            while started.elapsed() < SERVE_LIMIT {
                if stream.write_all(&framed).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                sent.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                tokio::time::sleep(*every).await;
            }
        }
        Body::Flood {
            chunk_size,
            total,
            chunked,
            prefix,
            fill,
        } => {
            let mut first = prefix.clone();
            first.resize((*chunk_size).max(prefix.len()), *fill);
            let rest = vec![*fill; *chunk_size];
            let mut written = 0u64;
            let mut data: &[u8] = &first;
            while written < *total {
                let take = data.len().min((*total - written) as usize);
                let piece = &data[..take];
                let ok = if *chunked {
                    stream.write_all(&frame(piece)).await.is_ok()
                } else {
                    stream.write_all(piece).await.is_ok()
                };
                if !ok {
                    return;
                }
                written += take as u64;
                sent.fetch_add(take as u64, Ordering::SeqCst);
                data = &rest;
            }
            if *chunked {
                let _ = stream.write_all(b"0\r\n\r\n").await;
            }
            let _ = stream.flush().await;
            // Wait for the client to close, so the bytes sent are not reset.
            let mut sink = [0u8; 1024];
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        }
        Body::Silence => {
            tokio::time::sleep(SERVE_LIMIT).await;
        }
    }
}

/// One chunk of the chunked encoding.
fn frame(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// Reads a request head (the requests of these tests have no body, or a small one that is
/// ignored).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 1 << 20 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// A head with `status` (e.g. `200 OK`) and `headers`.
pub fn head(status: &str, headers: &[(&str, &str)]) -> String {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// A server answering `status` with a JSON body of `total` bytes (`prefix`, then spaces),
/// chunked or with its `Content-Length`, as fast as the client reads; `headers` are added.
pub async fn flood(
    status: &str,
    headers: &[(&str, &str)],
    prefix: &str,
    total: u64,
    chunked: bool,
) -> HostileServer {
    let length = total.to_string();
    let framing = if chunked {
        ("Transfer-Encoding", "chunked")
    } else {
        ("Content-Length", length.as_str())
    };
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    all.push(framing);
    HostileServer::start(Answer {
        head_delay: Duration::ZERO,
        head: head(status, &all),
        body: Body::Flood {
            chunk_size: 64 * 1024,
            total,
            chunked,
            prefix: prefix.as_bytes().to_vec(),
            fill: b' ',
        },
    })
    .await
}
