//! DownloadServerLogs: a binary body streamed as it arrives, with the file name the server
//! suggests.

use crate::e2e::common::*;
use cloud_logs_client::clouddc;
use futures_util::StreamExt;
use wiremock::ResponseTemplate;

/// A few hundred KiB of deterministic, non-repeating bytes.
fn archive_bytes() -> Vec<u8> {
    super::common::pseudo_random_bytes(384 * 1024 + 17, 0)
}

fn archive_response(body: Vec<u8>, disposition: Option<&str>) -> ResponseTemplate {
    let mut response = ResponseTemplate::new(200)
        .insert_header("X-Request-Id", REQUEST_ID)
        .insert_header("Content-Transfer-Encoding", "binary")
        .set_body_raw(body, "application/octet-stream");
    if let Some(disposition) = disposition {
        response = response.insert_header("Content-Disposition", disposition);
    }
    response
}

const DISPOSITION: &str = "attachment; filename=SN123-dump.tar.gz";

#[tokio::test]
async fn download_collects_the_whole_archive() {
    let body = archive_bytes();
    let server = server_answering(archive_response(body.clone(), Some(DISPOSITION))).await;
    let response = clouddc::Client::new(&config(&server))
        .download_server_logs("srv-1", "1")
        .send()
        .await
        .expect("200 with a binary body");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(
        response
            .headers()
            .get("content-transfer-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"binary"[..])
    );
    let stream = response.into_inner();
    assert_eq!(stream.file_name(), Some("SN123-dump.tar.gz"));
    assert_eq!(stream.content_type(), Some("application/octet-stream"));
    assert_eq!(stream.content_length(), Some(body.len() as u64));
    let collected = stream.collect().await.expect("the whole body");
    assert_eq!(collected.len(), body.len());
    assert!(collected[..] == body[..], "the collected bytes differ");
}

#[tokio::test]
async fn download_streams_chunk_by_chunk() {
    let body = archive_bytes();
    let server = server_answering(archive_response(body.clone(), Some(DISPOSITION))).await;
    let mut stream = clouddc::Client::new(&config(&server))
        .download_server_logs("srv-1", "1")
        .send()
        .await
        .expect("200 with a binary body")
        .into_inner();
    let mut received = Vec::with_capacity(body.len());
    let mut chunks = 0usize;
    // Every chunk carries at least one byte, so the body ends within body.len() chunks.
    for _ in 0..=body.len() {
        match stream.next_chunk().await {
            Some(chunk) => {
                let chunk = chunk.expect("a chunk");
                assert!(!chunk.is_empty(), "empty chunk");
                received.extend_from_slice(&chunk);
                chunks += 1;
            }
            None => break,
        }
    }
    assert!(stream.next_chunk().await.is_none(), "the body did not end");
    assert!(chunks >= 1);
    assert_eq!(received.len(), body.len(), "{chunks} chunks");
    assert!(received == body, "the streamed bytes differ");
}

#[tokio::test]
async fn download_is_a_futures_stream() {
    let body = archive_bytes();
    let server = server_answering(archive_response(body.clone(), Some(DISPOSITION))).await;
    let stream = clouddc::Client::new(&config(&server))
        .download_server_logs("srv-1", "1")
        .send()
        .await
        .expect("200 with a binary body")
        .into_inner();
    let sizes: Vec<usize> = stream
        .map(|chunk| chunk.expect("a chunk").len())
        .collect()
        .await;
    assert_eq!(sizes.iter().sum::<usize>(), body.len());
}

#[tokio::test]
async fn download_file_name_forms() {
    let cases = [
        (
            Some("attachment; filename=\"SN123-dump.tar.gz\""),
            Some("SN123-dump.tar.gz"),
        ),
        (
            Some("attachment; filename=\"x.tar.gz\"; filename*=UTF-8''SN%C3%A9-dump.tar.gz"),
            Some("SNé-dump.tar.gz"),
        ),
        (
            Some("attachment; filename=\"../../etc/passwd\""),
            Some("passwd"),
        ),
        (
            Some("attachment; filename=..\\..\\boot.ini"),
            Some("boot.ini"),
        ),
        (Some("attachment; filename=\"..\""), None),
        (Some("attachment"), None),
        (None, None),
    ];
    for (disposition, expected) in cases {
        let server = server_answering(archive_response(b"tgz".to_vec(), disposition)).await;
        let stream = clouddc::Client::new(&config(&server))
            .download_server_logs("srv-1", "1")
            .send()
            .await
            .expect("200 with a binary body")
            .into_inner();
        assert_eq!(stream.file_name(), expected, "{disposition:?}");
        assert_eq!(&stream.collect().await.expect("body")[..], b"tgz");
    }
}

#[tokio::test]
async fn empty_download_ends_at_once() {
    let server = server_answering(archive_response(Vec::new(), Some(DISPOSITION))).await;
    let mut stream = clouddc::Client::new(&config(&server))
        .download_server_logs("srv-1", "1")
        .send()
        .await
        .expect("200 with an empty body")
        .into_inner();
    assert_eq!(stream.content_length(), Some(0));
    assert!(stream.next_chunk().await.is_none());
}
