//! A raw HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose: it sends a head and some
//! bytes, then closes the connection or stalls, whatever the head announced.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does once the bytes are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Closes the connection.
    Close,
    /// Keeps the connection open, sending nothing more.
    Stall,
}

/// A server answering every connection with the same bytes.
pub struct RawServer {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Starts a server answering each request with `head` then `body`, then doing `then`.
    pub async fn start(head: String, body: Vec<u8>, then: Then) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let heads = Arc::new(Mutex::new(Vec::new()));
        let response: Arc<[u8]> = [head.as_bytes(), &body[..]].concat().into();
        let recorded = heads.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let response = response.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    serve(stream, &response, then, &recorded).await;
                });
            }
        });
        RawServer { addr, heads, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The heads of the requests received so far.
    pub fn request_heads(&self) -> Vec<String> {
        self.heads.lock().expect("not poisoned").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, response: &[u8], then: Then, heads: &Mutex<Vec<String>>) {
    let Some(head) = read_head(&mut stream).await else {
        return;
    };
    heads.lock().expect("not poisoned").push(head);
    if stream.write_all(response).await.is_err() {
        return;
    }
    let _ = stream.flush().await;
    match then {
        Then::Close => {
            // FIN, then wait for the client to close, so the bytes sent are not reset.
            let _ = stream.shutdown().await;
            let mut sink = [0u8; 1024];
            let _ = tokio::time::timeout(Duration::from_secs(10), async {
                while let Ok(n) = stream.read(&mut sink).await {
                    if n == 0 {
                        break;
                    }
                }
            })
            .await;
        }
        Then::Stall => {
            tokio::time::sleep(Duration::from_secs(120)).await;
        }
    }
}

/// Reads a request head (the requests of these tests have no body).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// A `200 OK` head with `headers`.
pub fn ok_head(headers: &[(&str, &str)]) -> String {
    let mut head = String::from("HTTP/1.1 200 OK\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// The chunked encoding of `chunks`, with the final empty chunk.
pub fn chunked(chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in chunks {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}
