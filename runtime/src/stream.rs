//! Streamed responses decoded item by item as they arrive: server-sent events
//! (`text/event-stream`), JSON lines (`application/jsonl`, `application/x-ndjson`,
//! `application/x-jsonlines`) and JSON text sequences (`application/json-seq`, RFC 7464).
//!
//! Memory stays bounded however long a stream runs: only the chunk being read and the item
//! being assembled are held, and no item may grow beyond a limit (1 MiB by default,
//! `max_item_bytes`). A longer one is an error item naming the limit; its bytes are skipped,
//! never stored, and the stream goes on with the next item. Time: the read timeout
//! (`ConfigBuilder::read_timeout`) bounds every pause between two chunks. A stream has no
//! total deadline (an event stream stays open as long as the server likes) and no minimum
//! throughput (events may be rare): drop it to stop reading.

use super::error::DispatchError;
use bytes::{Buf, Bytes};
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The most bytes one item may take, by default: 1 MiB (an event's lines, or one line or
/// record of JSON).
pub const DEFAULT_MAX_ITEM_BYTES: usize = 1 << 20;

/// One server-sent event: its type, its data decoded, and the stream's state as of this
/// event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's type (`event:`): `message` when the server names none.
    pub event: String,
    /// The event's data (its `data:` lines joined with line feeds), decoded.
    pub data: T,
    /// The last event ID the stream set (`id:`), kept from earlier events as WHATWG's
    /// parsing does: what to send as `Last-Event-ID` to resume after this event.
    pub id: Option<String>,
    /// The reconnection time the stream last set (`retry:`), in milliseconds.
    pub retry: Option<u64>,
}

/// Why one item of a stream could not be delivered.
#[derive(Debug)]
pub struct StreamError {
    item: u64,
    kind: StreamErrorKind,
}

/// What went wrong with an item; only [`StreamErrorKind::Dispatch`] ends the stream.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamErrorKind {
    /// The connection failed, or the server sent nothing for longer than the read timeout.
    /// The stream ends.
    Dispatch(DispatchError),
    /// The item is larger than the limit (`max_item_bytes`); it was skipped.
    TooLarge { limit: usize },
    /// The item is not the expected JSON (the decoder's message, values left out); it was
    /// skipped.
    Decode(String),
}

impl StreamError {
    /// The item's position in the stream, from 1 (items that failed count too).
    pub fn item(&self) -> u64 {
        self.item
    }

    pub fn kind(&self) -> &StreamErrorKind {
        &self.kind
    }

    /// The read timeout expired: the server went quiet.
    pub fn is_timeout(&self) -> bool {
        matches!(&self.kind, StreamErrorKind::Dispatch(e) if e.is_timeout())
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let item = self.item;
        match &self.kind {
            StreamErrorKind::Dispatch(e) => write!(f, "the stream broke at item {item}: {e}"),
            StreamErrorKind::TooLarge { limit } => write!(
                f,
                "item {item} of the stream is larger than {limit} bytes, the most one item may \
                 take (raise it with `max_item_bytes`); it was skipped"
            ),
            StreamErrorKind::Decode(message) => {
                write!(f, "item {item} of the stream does not decode: {message}")
            }
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            StreamErrorKind::Dispatch(e) => Some(e),
            _ => None,
        }
    }
}

/// An item that went over the limit (its bytes are being skipped).
#[derive(Debug, PartialEq)]
struct Oversize;

/// Bytes to frames: the part of a decoder that knows the framing. It holds at most the
/// frame being assembled, within its limit.
trait Framer {
    type Frame;

    /// Takes bytes from the front of `input` up to the end of the next frame and returns
    /// that frame; `None` when `input` is used up first.
    fn next_frame(&mut self, input: &mut &[u8]) -> Option<Result<Self::Frame, Oversize>>;

    /// The frame the end of the body completes, if any.
    fn finish(&mut self) -> Option<Result<Self::Frame, Oversize>>;

    fn set_limit(&mut self, limit: usize);
}

/// An event as parsed, its data still text.
#[derive(Debug, PartialEq)]
struct RawEvent {
    event: String,
    data: String,
    id: Option<String>,
    retry: Option<u64>,
}

/// Server-sent events as WHATWG HTML parses them: lines end with CRLF, LF or CR; `field:
/// value` (one space after the colon dropped), a line without a colon is a field without a
/// value, a line starting with `:` a comment; a blank line dispatches the event, unless it
/// has no data; an event cut off by the end of the body is discarded.
struct EventFramer {
    limit: usize,
    /// The line being read, until its end.
    line: Vec<u8>,
    /// The line went over the limit: its remaining bytes are skipped.
    skipping_line: bool,
    /// The event went over the limit: it is dropped at its blank line.
    dropped: bool,
    /// The last line ended with CR: an LF right after it ends nothing more.
    after_cr: bool,
    /// A first line was read (the byte order mark is only removed from that one).
    started: bool,
    data: String,
    event: String,
    last_id: Option<String>,
    retry: Option<u64>,
}

impl EventFramer {
    fn new(limit: usize) -> Self {
        EventFramer {
            limit,
            line: Vec::new(),
            skipping_line: false,
            dropped: false,
            after_cr: false,
            started: false,
            data: String::new(),
            event: String::new(),
            last_id: None,
            retry: None,
        }
    }

    /// Adds to the line; `true` when this makes the event go over the limit.
    fn take(&mut self, piece: &[u8]) -> bool {
        if self.skipping_line {
            return false;
        }
        if self.line.len() + self.data.len() + piece.len() > self.limit {
            self.skipping_line = true;
            self.line = Vec::new();
            self.data = String::new();
            // An event over the limit is reported once, however many more lines it has.
            return !std::mem::replace(&mut self.dropped, true);
        }
        self.line.extend_from_slice(piece);
        false
    }

    fn line_done(&mut self, line: &[u8]) -> Option<RawEvent> {
        let mut line = line;
        if !std::mem::replace(&mut self.started, true) {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if self.dropped || line[0] == b':' {
            return None;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"event" => self.event = value.into_owned(),
            b"data" => {
                self.data.push_str(&value);
                self.data.push('\n');
            }
            b"id" if !value.contains('\0') => {
                self.last_id = (!value.is_empty()).then(|| value.into_owned());
            }
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<RawEvent> {
        let dropped = std::mem::replace(&mut self.dropped, false);
        let event = std::mem::take(&mut self.event);
        if dropped || self.data.is_empty() {
            self.data.clear();
            return None;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        Some(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
            retry: self.retry,
        })
    }
}

impl Framer for EventFramer {
    type Frame = RawEvent;

    fn next_frame(&mut self, input: &mut &[u8]) -> Option<Result<RawEvent, Oversize>> {
        loop {
            if input.is_empty() {
                return None;
            }
            if std::mem::replace(&mut self.after_cr, false) && input[0] == b'\n' {
                *input = &input[1..];
                continue;
            }
            let end = input.iter().position(|&b| b == b'\n' || b == b'\r');
            let over = self.take(&input[..end.unwrap_or(input.len())]);
            let Some(end) = end else {
                *input = &[];
                return over.then_some(Err(Oversize));
            };
            self.after_cr = input[end] == b'\r';
            *input = &input[end + 1..];
            let skipped = std::mem::replace(&mut self.skipping_line, false);
            let line = std::mem::take(&mut self.line);
            if over {
                return Some(Err(Oversize));
            }
            if !skipped {
                if let Some(event) = self.line_done(&line) {
                    return Some(Ok(event));
                }
            }
        }
    }

    fn finish(&mut self) -> Option<Result<RawEvent, Oversize>> {
        // WHATWG: an event the body ends before its blank line is not dispatched.
        None
    }

    fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }
}

/// JSON values one after another: one per line (JSON lines; a CR before the LF is
/// whitespace to JSON), or each after an RS byte (RFC 7464). Blank items are skipped; the
/// last one may end with the body instead of a separator.
struct JsonFramer {
    limit: usize,
    separator: u8,
    item: Vec<u8>,
    /// The item went over the limit: its remaining bytes are skipped.
    skipping: bool,
}

/// RFC 7464's record separator.
const RS: u8 = 0x1e;

impl JsonFramer {
    fn new(separator: u8, limit: usize) -> Self {
        JsonFramer {
            limit,
            separator,
            item: Vec::new(),
            skipping: false,
        }
    }

    fn take(&mut self, piece: &[u8]) -> bool {
        if self.skipping {
            return false;
        }
        if self.item.len() + piece.len() > self.limit {
            self.skipping = true;
            self.item = Vec::new();
            return true;
        }
        self.item.extend_from_slice(piece);
        false
    }
}

fn is_blank(item: &[u8]) -> bool {
    item.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

impl Framer for JsonFramer {
    type Frame = Vec<u8>;

    fn next_frame(&mut self, input: &mut &[u8]) -> Option<Result<Vec<u8>, Oversize>> {
        loop {
            if input.is_empty() {
                return None;
            }
            let end = input.iter().position(|&b| b == self.separator);
            let over = self.take(&input[..end.unwrap_or(input.len())]);
            let Some(end) = end else {
                *input = &[];
                return over.then_some(Err(Oversize));
            };
            *input = &input[end + 1..];
            let skipped = std::mem::replace(&mut self.skipping, false);
            let item = std::mem::take(&mut self.item);
            if over {
                return Some(Err(Oversize));
            }
            if !skipped && !is_blank(&item) {
                return Some(Ok(item));
            }
        }
    }

    fn finish(&mut self) -> Option<Result<Vec<u8>, Oversize>> {
        let item = std::mem::take(&mut self.item);
        let skipped = std::mem::replace(&mut self.skipping, false);
        (!skipped && !is_blank(&item)).then_some(Ok(item))
    }

    fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }
}

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A body cut into frames as its chunks arrive, counting them.
struct Framed<F> {
    body: Body,
    /// What is left of the last chunk.
    chunk: Bytes,
    framer: F,
    limit: usize,
    items: u64,
    /// The body has ended.
    ended: bool,
    /// Nothing more will be yielded.
    done: bool,
}

impl<F: Framer> Framed<F> {
    fn new(body: Body, framer: F) -> Self {
        Framed {
            body,
            chunk: Bytes::new(),
            framer,
            limit: DEFAULT_MAX_ITEM_BYTES,
            items: 0,
            ended: false,
            done: false,
        }
    }

    fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.framer.set_limit(limit);
    }

    fn numbered(&mut self, frame: Result<F::Frame, Oversize>) -> Result<F::Frame, StreamError> {
        self.items += 1;
        frame.map_err(|Oversize| StreamError {
            item: self.items,
            kind: StreamErrorKind::TooLarge { limit: self.limit },
        })
    }

    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<F::Frame, StreamError>>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if !self.chunk.is_empty() {
                let mut input: &[u8] = &self.chunk;
                let found = self.framer.next_frame(&mut input);
                let used = self.chunk.len() - input.len();
                self.chunk.advance(used);
                if let Some(frame) = found {
                    return Poll::Ready(Some(self.numbered(frame)));
                }
                continue;
            }
            if self.ended {
                self.done = true;
                return Poll::Ready(self.framer.finish().map(|frame| self.numbered(frame)));
            }
            match self.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => self.chunk = chunk,
                Poll::Ready(Some(Err(e))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(StreamError {
                        item: self.items + 1,
                        kind: StreamErrorKind::Dispatch(DispatchError::new(e)),
                    })));
                }
                Poll::Ready(None) => self.ended = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Decodes an event's data or a JSON item.
type Decode<T> = fn(&[u8]) -> Result<T, String>;

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| super::error::without_values(&e.to_string()))
}

/// A response of server-sent events (`text/event-stream`), each event's data decoded as `T`
/// as it arrives (a `String` is the data's text as it is; any other type its JSON).
///
/// A [`Stream`] of events, or read with [`next_event`](EventStream::next_event). An event
/// whose data does not decode is an error item and the stream goes on; so does an event
/// larger than the limit (`max_item_bytes`, 1 MiB by default). Memory stays bounded however
/// long the stream runs; the read timeout (`ConfigBuilder::read_timeout`) bounds each pause
/// between chunks, and nothing else bounds its time: drop it to stop reading.
pub struct EventStream<T> {
    inner: Framed<EventFramer>,
    decode: Decode<T>,
}

impl EventStream<String> {
    #[doc(hidden)]
    pub fn text(response: reqwest::Response) -> Self {
        EventStream::with(response, |data: &[u8]| {
            Ok(String::from_utf8_lossy(data).into_owned())
        })
    }
}

impl<T: serde::de::DeserializeOwned> EventStream<T> {
    #[doc(hidden)]
    pub fn json(response: reqwest::Response) -> Self {
        EventStream::with(response, json::<T>)
    }
}

impl<T> EventStream<T> {
    fn with(response: reqwest::Response, decode: Decode<T>) -> Self {
        EventStream::from_body(Box::pin(response.bytes_stream()), decode)
    }

    fn from_body(body: Body, decode: Decode<T>) -> Self {
        EventStream {
            inner: Framed::new(body, EventFramer::new(DEFAULT_MAX_ITEM_BYTES)),
            decode,
        }
    }

    /// The most bytes one event may take, its lines together (default 1 MiB); a larger
    /// event is skipped, reported as an error item.
    pub fn max_item_bytes(mut self, limit: usize) -> Self {
        self.inner.set_limit(limit);
        self
    }

    /// The next event, or `None` at the end of the stream.
    pub async fn next_event(&mut self) -> Option<Result<Event<T>, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        this.inner.poll_frame(cx).map(|frame| {
            frame.map(|frame| {
                let raw = frame?;
                match (this.decode)(raw.data.as_bytes()) {
                    Ok(data) => Ok(Event {
                        event: raw.event,
                        data,
                        id: raw.id,
                        retry: raw.retry,
                    }),
                    Err(message) => Err(StreamError {
                        item: this.inner.items,
                        kind: StreamErrorKind::Decode(message),
                    }),
                }
            })
        })
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("events", &self.inner.items)
            .field("max_item_bytes", &self.inner.limit)
            .finish_non_exhaustive()
    }
}

/// A response of JSON values one after another (JSON lines, or a JSON text sequence), each
/// decoded as `T` as it arrives.
///
/// A [`Stream`] of items, or read with [`next_item`](JsonStream::next_item). An item that
/// does not decode is an error item and the stream goes on; so does an item larger than the
/// limit (`max_item_bytes`, 1 MiB by default). Memory stays bounded however long the stream
/// runs; the read timeout (`ConfigBuilder::read_timeout`) bounds each pause between chunks,
/// and nothing else bounds its time: drop it to stop reading.
pub struct JsonStream<T> {
    inner: Framed<JsonFramer>,
    decode: Decode<T>,
}

impl<T: serde::de::DeserializeOwned> JsonStream<T> {
    /// JSON lines: one value per line.
    #[doc(hidden)]
    pub fn lines(response: reqwest::Response) -> Self {
        JsonStream::from_body(Box::pin(response.bytes_stream()), b'\n')
    }

    /// A JSON text sequence (RFC 7464): each value after an RS byte.
    #[doc(hidden)]
    pub fn seq(response: reqwest::Response) -> Self {
        JsonStream::from_body(Box::pin(response.bytes_stream()), RS)
    }

    fn from_body(body: Body, separator: u8) -> Self {
        JsonStream {
            inner: Framed::new(body, JsonFramer::new(separator, DEFAULT_MAX_ITEM_BYTES)),
            decode: json::<T>,
        }
    }
}

impl<T> JsonStream<T> {
    /// The most bytes one item may take (default 1 MiB); a larger item is skipped, reported
    /// as an error item.
    pub fn max_item_bytes(mut self, limit: usize) -> Self {
        self.inner.set_limit(limit);
        self
    }

    /// The next item, or `None` at the end of the stream.
    pub async fn next_item(&mut self) -> Option<Result<T, StreamError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T> Stream for JsonStream<T> {
    type Item = Result<T, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        this.inner.poll_frame(cx).map(|frame| {
            frame.map(|frame| {
                (this.decode)(&frame?).map_err(|message| StreamError {
                    item: this.inner.items,
                    kind: StreamErrorKind::Decode(message),
                })
            })
        })
    }
}

impl<T> fmt::Debug for JsonStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonStream")
            .field("items", &self.inner.items)
            .field("max_item_bytes", &self.inner.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every frame `framer` makes of `chunks`, fed one after the other, then the end.
    fn frames<F: Framer>(framer: &mut F, chunks: &[&[u8]]) -> Vec<Result<F::Frame, Oversize>> {
        let mut out = Vec::new();
        for chunk in chunks {
            let mut input: &[u8] = chunk;
            while let Some(frame) = framer.next_frame(&mut input) {
                out.push(frame);
            }
            assert!(
                input.is_empty(),
                "a framer stopped before the end of its input"
            );
        }
        out.extend(framer.finish());
        out
    }

    /// The frames of `input` are the same however it is cut: whole, in two at every byte,
    /// and one byte per chunk.
    fn same_at_every_cut<F: Framer>(
        make: impl Fn() -> F,
        input: &[u8],
    ) -> Vec<Result<F::Frame, Oversize>>
    where
        F::Frame: PartialEq + fmt::Debug,
    {
        let whole = frames(&mut make(), &[input]);
        for cut in 0..=input.len() {
            let (a, b) = input.split_at(cut);
            assert_eq!(frames(&mut make(), &[a, b]), whole, "cut at byte {cut}");
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(frames(&mut make(), &bytes), whole, "one byte per chunk");
        whole
    }

    fn event(event: &str, data: &str, id: Option<&str>, retry: Option<u64>) -> RawEvent {
        RawEvent {
            event: event.to_owned(),
            data: data.to_owned(),
            id: id.map(str::to_owned),
            retry,
        }
    }

    const EVENTS: &str = "data: a\ndata: b\n\n: a comment\nevent: tick\ndata: {\"n\":1}\nid: 7\nretry: 300\n\ndata\n\nid: 8\nevent: ignored\n\ndata:x\ndata:  y\nretry: soon\nunknown: field\n\n";

    fn expected_events() -> Vec<Result<RawEvent, Oversize>> {
        vec![
            Ok(event("message", "a\nb", None, None)),
            Ok(event("tick", "{\"n\":1}", Some("7"), Some(300))),
            Ok(event("message", "", Some("7"), Some(300))),
            Ok(event("message", "x\n y", Some("8"), Some(300))),
        ]
    }

    #[test]
    fn events_parse_as_whatwg_says_at_every_cut_and_line_ending() {
        for ending in ["\n", "\r\n", "\r"] {
            let input = EVENTS.replace('\n', ending);
            let got = same_at_every_cut(|| EventFramer::new(1 << 10), input.as_bytes());
            assert_eq!(got, expected_events(), "lines ending with {ending:?}");
        }
        // Mixed endings, and a CR whose LF comes in the next chunk.
        let mixed = "data: 1\r\n\rdata: 2\n\r\n";
        let got = same_at_every_cut(|| EventFramer::new(64), mixed.as_bytes());
        assert_eq!(
            got,
            vec![
                Ok(event("message", "1", None, None)),
                Ok(event("message", "2", None, None))
            ]
        );
    }

    #[test]
    fn events_keep_utf8_split_across_chunks_and_drop_a_leading_bom() {
        let input = "\u{feff}data: é€😀\n\n";
        let got = same_at_every_cut(|| EventFramer::new(64), input.as_bytes());
        assert_eq!(got, vec![Ok(event("message", "é€😀", None, None))]);
        // Invalid UTF-8 is replaced, as the event stream's decoding does.
        let got = frames(&mut EventFramer::new(64), &[&b"data: \xff\n\n"[..]]);
        assert_eq!(got, vec![Ok(event("message", "\u{fffd}", None, None))]);
    }

    #[test]
    fn an_event_cut_off_by_the_end_is_discarded() {
        let got = same_at_every_cut(|| EventFramer::new(64), b"data: 1\n\ndata: 2\n");
        assert_eq!(got, vec![Ok(event("message", "1", None, None))]);
        let got = frames(&mut EventFramer::new(64), &[&b"id: a\0b\ndata: 3"[..]]);
        assert_eq!(got, vec![]);
        // An id with NUL is ignored.
        let got = frames(&mut EventFramer::new(64), &[&b"id: a\0b\ndata: 3\n\n"[..]]);
        assert_eq!(got, vec![Ok(event("message", "3", None, None))]);
    }

    #[test]
    fn an_event_over_the_limit_is_reported_once_and_skipped() {
        let long = "x".repeat(100);
        let input = format!("data: ok\n\ndata: {long}\ndata: {long}\n\ndata: after\n\n");
        let got = same_at_every_cut(|| EventFramer::new(32), input.as_bytes());
        assert_eq!(
            got,
            vec![
                Ok(event("message", "ok", None, None)),
                Err(Oversize),
                Ok(event("message", "after", None, None)),
            ]
        );
        // Many short lines add up: the event's data counts, not only the line.
        let input = format!("{}\ndata: after\n\n", "data: 0123456789\n".repeat(10));
        let got = same_at_every_cut(|| EventFramer::new(64), input.as_bytes());
        assert_eq!(
            got,
            vec![Err(Oversize), Ok(event("message", "after", None, None))]
        );
    }

    #[test]
    fn json_lines_at_every_cut() {
        let input = b"{\"a\":1}\n\n  \n[1,2]\r\n\"s\"";
        let got = same_at_every_cut(|| JsonFramer::new(b'\n', 64), input);
        assert_eq!(
            got,
            vec![
                Ok(b"{\"a\":1}".to_vec()),
                Ok(b"[1,2]\r".to_vec()),
                Ok(b"\"s\"".to_vec())
            ]
        );
    }

    #[test]
    fn json_lines_over_the_limit_are_skipped() {
        let input = format!("1\n{}\n2\n{}", "9".repeat(50), "8".repeat(50));
        let got = same_at_every_cut(|| JsonFramer::new(b'\n', 16), input.as_bytes());
        assert_eq!(
            got,
            vec![
                Ok(b"1".to_vec()),
                Err(Oversize),
                Ok(b"2".to_vec()),
                Err(Oversize)
            ]
        );
    }

    #[test]
    fn json_text_sequences_at_every_cut() {
        let input = b"\x1e{\"a\":1}\n\x1e[1,\n2]\n\x1e\n\x1e\"\xc3\xa9\"\n";
        let got = same_at_every_cut(|| JsonFramer::new(RS, 64), input);
        assert_eq!(
            got,
            vec![
                Ok(b"{\"a\":1}\n".to_vec()),
                Ok(b"[1,\n2]\n".to_vec()),
                Ok(b"\"\xc3\xa9\"\n".to_vec())
            ]
        );
    }

    /// A body of the given chunks.
    fn body(chunks: Vec<&'static [u8]>) -> Body {
        struct Chunks(std::vec::IntoIter<&'static [u8]>);
        impl Stream for Chunks {
            type Item = reqwest::Result<Bytes>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                Poll::Ready(self.0.next().map(|c| Ok(Bytes::from_static(c))))
            }
        }
        Box::pin(Chunks(chunks.into_iter()))
    }

    /// Every item of a stream whose body never waits.
    fn all<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut out = Vec::new();
        for _ in 0..1000 {
            match Pin::new(&mut stream).poll_next(&mut cx) {
                Poll::Ready(Some(item)) => out.push(item),
                Poll::Ready(None) => return out,
                Poll::Pending => panic!("the body never waits"),
            }
        }
        panic!("more than 1000 items");
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Tick {
        n: u32,
    }

    #[test]
    fn typed_events_decode_and_a_bad_one_does_not_end_the_stream() {
        let chunks: Vec<&'static [u8]> = vec![
            &b"event: t\ndata: {\"n\""[..],
            &b":1}\n\ndata: {\"n\":\"secret\"}\n\ndata: "[..],
            &b"{\"n\":3}\n\n"[..],
        ];
        let stream = EventStream::<Tick>::from_body(body(chunks), json::<Tick>);
        let items = all(stream);
        assert_eq!(items.len(), 3);
        let first = items[0].as_ref().unwrap();
        assert_eq!((first.event.as_str(), &first.data), ("t", &Tick { n: 1 }));
        let error = items[1].as_ref().unwrap_err();
        assert_eq!(error.item(), 2);
        assert!(matches!(error.kind(), StreamErrorKind::Decode(_)));
        assert!(!error.to_string().contains("secret"), "{error}");
        assert_eq!(items[2].as_ref().unwrap().data, Tick { n: 3 });
    }

    #[test]
    fn typed_json_lines_name_the_limit() {
        let chunks: Vec<&'static [u8]> =
            vec![&b"{\"n\":1}\n{\"n\":22222"[..], &b"2222}\n{\"n\":3}\n"[..]];
        let stream = JsonStream::<Tick>::from_body(body(chunks), b'\n').max_item_bytes(10);
        let items = all(stream);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap(), &Tick { n: 1 });
        let error = items[1].as_ref().unwrap_err();
        assert!(matches!(
            error.kind(),
            StreamErrorKind::TooLarge { limit: 10 }
        ));
        assert!(error.to_string().contains("10 bytes"), "{error}");
        assert_eq!(items[2].as_ref().unwrap(), &Tick { n: 3 });
    }
}
