//! Successful responses: the decoded body with the status and headers it came with, or a
//! body streamed as it arrives.

use super::error::{DispatchError, StreamLimit};
use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;

/// What an operation's `send` resolves to: the decoded success, or why the call failed.
pub type Outcome<T, E> = Result<ResponseValue<T>, super::Error<E>>;

/// One call of an operation, as waiters and paginators repeat it.
#[doc(hidden)]
pub type Call<T, E> = Pin<Box<dyn std::future::Future<Output = Outcome<T, E>> + Send>>;

/// A decoded success body, with the response's status and headers. Derefs to the body.
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    conventions: &'static super::conventions::Conventions,
}

impl<T> ResponseValue<T> {
    #[doc(hidden)]
    pub fn new(
        inner: T,
        status: StatusCode,
        headers: HeaderMap,
        conventions: &'static super::conventions::Conventions,
    ) -> Self {
        ResponseValue {
            inner,
            status,
            headers,
            conventions,
        }
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the service gave the call, from the first header of the spec's
    /// conventions present (`<module>::CONVENTIONS.request_id_headers`).
    pub fn request_id(&self) -> Option<&str> {
        self.conventions.request_id(&self.headers)
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("inner", &self.inner)
            .finish()
    }
}

/// The limits of one streamed body, fixed when its download starts (carried from the
/// transport to [`ByteStream::new`] in the response's extensions).
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct StreamLimits {
    /// When the download must be complete, and the configured limit (for the message).
    deadline: Option<(Instant, Duration)>,
    /// Bytes per second, averaged over every window of this length.
    min_throughput: Option<(u64, Duration)>,
    /// The most [`ByteStream::collect`] reads into memory.
    max_collect: usize,
    started: Instant,
}

impl StreamLimits {
    #[doc(hidden)]
    pub fn starting_now(
        timeout: Option<Duration>,
        min_throughput: Option<(u64, Duration)>,
        max_collect: usize,
    ) -> Self {
        let started = Instant::now();
        StreamLimits {
            deadline: timeout.map(|limit| (started + limit, limit)),
            min_throughput,
            max_collect,
            started,
        }
    }

    /// When the download must be complete, if ever.
    #[doc(hidden)]
    pub fn deadline(&self) -> Option<(Instant, Duration)> {
        self.deadline
    }
}

/// Where a streamed body stands against its limits.
struct Pace {
    limits: StreamLimits,
    window_start: Instant,
    window_received: u64,
    /// Wakes the reader at the next check while no data arrives.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Pace {
    fn new(limits: StreamLimits) -> Self {
        Pace {
            limits,
            window_start: limits.started,
            window_received: 0,
            timer: None,
        }
    }

    /// Checks the limits at `now`; a window that has ended and was fast enough starts anew.
    fn check(&mut self, now: Instant) -> Result<(), StreamLimit> {
        if let Some((deadline, limit)) = self.limits.deadline {
            if now >= deadline {
                return Err(StreamLimit::Deadline { limit });
            }
        }
        if let Some((bytes_per_second, window)) = self.limits.min_throughput {
            let elapsed = now.saturating_duration_since(self.window_start);
            if elapsed >= window {
                let needed = (u128::from(bytes_per_second) * elapsed.as_millis()).div_ceil(1000);
                if u128::from(self.window_received) < needed {
                    return Err(StreamLimit::Stalled {
                        bytes_per_second,
                        window: elapsed,
                        received: self.window_received,
                    });
                }
                self.window_start = now;
                self.window_received = 0;
            }
        }
        Ok(())
    }

    /// When the limits must next be checked if no data arrives.
    fn next_check(&self) -> Option<Instant> {
        let window_end = self
            .limits
            .min_throughput
            .map(|(_, window)| self.window_start + window);
        match (self.limits.deadline.map(|(at, _)| at), window_end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Polls the timer of the next check: `Ready(at)` once it is due.
    fn poll_timer(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        let Some(at) = self.next_check() else {
            return Poll::Pending;
        };
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(at)));
        if timer.deadline() != at {
            timer.as_mut().reset(at);
        }
        std::future::Future::poll(timer.as_mut(), cx).map(|()| at)
    }
}

/// A response body delivered chunk by chunk as it arrives, never held whole in memory.
///
/// The download's limits apply while it is read: its total deadline
/// (`ConfigBuilder::download_timeout`) and its minimum throughput
/// (`ConfigBuilder::download_min_throughput`); breaking one ends the stream with an error.
pub struct ByteStream {
    file_name: Option<String>,
    content_length: Option<u64>,
    content_type: Option<String>,
    inner: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    pace: Pace,
    finished: bool,
}

impl ByteStream {
    #[doc(hidden)]
    pub fn new(response: reqwest::Response) -> Self {
        let headers = response.headers();
        let file_name = headers
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(content_disposition_file_name);
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let limits = response
            .extensions()
            .get::<StreamLimits>()
            .copied()
            .unwrap_or_else(|| StreamLimits::starting_now(None, None, usize::MAX));
        ByteStream {
            file_name,
            content_length: response.content_length(),
            content_type,
            inner: Box::pin(response.bytes_stream()),
            pace: Pace::new(limits),
            finished: false,
        }
    }

    /// The file name the server suggests (`Content-Disposition`), reduced to its last path
    /// component so it can never point outside a chosen folder.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The size announced by `Content-Length`, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The next chunk, or `None` at the end of the body.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, DispatchError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the whole body into memory; for small bodies only: a body larger than
    /// `ConfigBuilder::max_body_size` (32 MiB by default) fails, having read no more.
    pub async fn collect(mut self) -> Result<Bytes, DispatchError> {
        let limit = self.pace.limits.max_collect;
        if self.content_length.is_some_and(|n| n > limit as u64) {
            return Err(DispatchError::limit_broken(StreamLimit::TooLarge { limit }));
        }
        let capacity = self.content_length.unwrap_or(0).min(1 << 20) as usize;
        let mut out = Vec::with_capacity(capacity.min(limit));
        while let Some(chunk) = self.next_chunk().await {
            let chunk = chunk?;
            if chunk.len() > limit - out.len() {
                return Err(DispatchError::limit_broken(StreamLimit::TooLarge { limit }));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(out))
    }

    /// Ends the stream with a broken limit.
    fn broke(&mut self, limit: StreamLimit) -> Poll<Option<Result<Bytes, DispatchError>>> {
        self.finished = true;
        Poll::Ready(Some(Err(DispatchError::limit_broken(limit))))
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, DispatchError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }
        loop {
            match this.inner.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.pace.window_received += chunk.len() as u64;
                    if let Err(limit) = this.pace.check(Instant::now()) {
                        return this.broke(limit);
                    }
                    return Poll::Ready(Some(Ok(chunk)));
                }
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Some(Err(DispatchError::new(e))));
                }
                Poll::Ready(None) => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => {
                    if let Err(limit) = this.pace.check(Instant::now()) {
                        return this.broke(limit);
                    }
                    match this.pace.poll_timer(cx) {
                        Poll::Pending => return Poll::Pending,
                        // Due: checked at no earlier than its time, so that every check
                        // either fails or moves the next one on.
                        Poll::Ready(at) => {
                            if let Err(limit) = this.pace.check(Instant::now().max(at)) {
                                return this.broke(limit);
                            }
                        }
                    }
                }
            }
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("file_name", &self.file_name)
            .field("content_length", &self.content_length)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

/// The file name of a `Content-Disposition` value (RFC 6266): `filename*=UTF-8''...` wins
/// over `filename=`; quoted and bare forms are accepted; directories are stripped.
#[doc(hidden)]
pub fn content_disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for param in split_params(value).into_iter().skip(1) {
        let Some((key, raw)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let raw = raw.trim();
        if key == "filename*" {
            if let Some((charset, rest)) = raw.split_once('\'') {
                if let Some((_language, encoded)) = rest.split_once('\'') {
                    if charset.eq_ignore_ascii_case("utf-8") {
                        extended = percent_encoding::percent_decode_str(encoded)
                            .decode_utf8()
                            .ok()
                            .map(|s| s.into_owned());
                    }
                }
            }
        } else if key == "filename" {
            plain = Some(unquote(raw));
        }
    }
    let name = extended.or(plain)?;
    // `:` too: on Windows `C:name` is relative to drive C's current folder, not the chosen one.
    let base = name.rsplit(['/', '\\', ':']).next().unwrap_or("").trim();
    if base.is_empty() || base == "." || base == ".." || base.chars().any(char::is_control) {
        None
    } else {
        Some(base.to_owned())
    }
}

/// Splits on `;` outside double quotes.
fn split_params(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

fn unquote(raw: &str) -> String {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::content_disposition_file_name as name;

    #[test]
    fn content_disposition_forms() {
        assert_eq!(
            name("attachment; filename=SN123-dump.tar.gz").as_deref(),
            Some("SN123-dump.tar.gz")
        );
        assert_eq!(
            name("attachment; filename=\"a; b.txt\"").as_deref(),
            Some("a; b.txt")
        );
        assert_eq!(
            name("attachment; filename=\"x.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt")
                .as_deref(),
            Some("€ rates.txt")
        );
        assert_eq!(
            name("attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(name("attachment; filename=\"..\"").as_deref(), None);
        // Found by the `content_disposition` fuzz target: a drive prefix leaves the folder.
        assert_eq!(
            name("attachment; filename=\"C:evil.txt\"").as_deref(),
            Some("evil.txt")
        );
        assert_eq!(name("attachment; filename*=UTF-8''x%3A").as_deref(), None);
        assert_eq!(name("attachment").as_deref(), None);
        assert_eq!(
            name("attachment; FileName=\"q\\\"uote.txt\"").as_deref(),
            Some("q\"uote.txt")
        );
    }
}
