//! Errors of a call, in layers: what kind of failure, then (for documented error statuses)
//! the operation's own error type.

use super::retry::{AttemptOutcome, Classification, RetryClassifier, StandardClassifier};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;

/// Why a call failed. `E` is the operation's documented error statuses.
///
/// A documented error status is matched through [`ServiceError`]'s public fields:
/// `Err(Error::Service(ServiceError { kind: ListLogsJobError::Conflict(body), .. }))`.
/// Errors of different operations have different types; [`into_untyped`](Self::into_untyped)
/// gives them one ([`UntypedError`]), and each service's error type (`css::CssError`) takes the
/// error of any of its operations with `?`.
///
/// The operation's error is held inline (so that it can be matched), so the size of an
/// `Error<E>` grows with the largest documented error body; the generated decoders allow
/// clippy's `result_large_err` for it. Code returning many of them can box them, or keep
/// [`UntypedError`]s, which are small.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// An argument was invalid or missing; nothing was sent.
    Construction(ConstructionError),
    /// A time limit expired: connecting, one attempt, or the whole call.
    Timeout(TimeoutError),
    /// The request was not sent or the response not received (connection, TLS, I/O).
    Dispatch(DispatchError),
    /// The service answered with a status this operation does not document, or a body
    /// that does not match the documented schema.
    Response(ResponseError),
    /// The service answered with an error status this operation documents.
    Service(ServiceError<E>),
}

impl<E> Error<E> {
    #[doc(hidden)]
    pub fn service(kind: E, raw: RawResponse) -> Self {
        Error::Service(ServiceError {
            kind,
            raw: Box::new(raw),
            operation: "",
        })
    }

    /// Names the operation in a service error (error types are shared between operations
    /// that document the same errors; the call knows which one it was).
    #[doc(hidden)]
    pub fn in_operation(self, operation: &'static str) -> Self {
        match self {
            Error::Service(mut e) => {
                e.operation = operation;
                Error::Service(e)
            }
            other => other,
        }
    }

    #[doc(hidden)]
    pub fn undocumented(raw: RawResponse) -> Self {
        Error::Response(ResponseError {
            kind: ResponseErrorKind::UndocumentedStatus,
            raw: Box::new(raw),
        })
    }

    /// The response, when there was one.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::Response(e) => Some(&e.raw),
            Error::Service(e) => Some(&e.raw),
            Error::Construction(_) | Error::Dispatch(_) | Error::Timeout(_) => None,
        }
    }

    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.raw_response().map(RawResponse::status)
    }

    /// The service's error code, when the body carries one where the spec's conventions say
    /// (`<module>::CONVENTIONS`).
    pub fn code(&self) -> Option<&str> {
        self.raw_response().and_then(RawResponse::error_code)
    }

    /// The service's error message, when the body carries one where the spec's conventions
    /// say.
    pub fn message(&self) -> Option<&str> {
        self.raw_response().and_then(RawResponse::error_message)
    }

    /// The request id the service gave the call (in a header the spec's conventions name),
    /// for support requests.
    pub fn request_id(&self) -> Option<&str> {
        self.raw_response().and_then(RawResponse::request_id)
    }

    /// The operation's documented error, if that is what this is.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            Error::Service(e) => Some(&e.kind),
            _ => None,
        }
    }

    /// Consumes the error, returning the operation's documented error if that is what it is.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            Error::Service(e) => Some(e.kind),
            _ => None,
        }
    }

    /// The operation that answered with a documented error status (its `operationId`); `None`
    /// for the other kinds of error.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Service(e) if !e.operation.is_empty() => Some(e.operation),
            _ => None,
        }
    }

    /// Whether the failure is worth another call: what the runtime's default retry classifier
    /// ([`StandardClassifier`]) says of the attempt that
    /// ended it. So true for HTTP 429, 500, 502, 503 and 504 (documented or not), a failed
    /// connection, and an attempt that timed out (the attempt timeout, or the read timeout);
    /// false for other statuses, an invalid argument, the operation timeout (the call's whole
    /// time, retries included, is spent), a redirect, a body over a size limit and other
    /// transport failures (the request may have been performed).
    ///
    /// The call itself already retried as configured: a retryable error came after the last
    /// attempt the [`RetryConfig`](super::RetryConfig) allowed (or after the only one, for a
    /// request that may have reached the server and is not safe to repeat). A classifier of
    /// your own (`ConfigBuilder::retry_classifier`) is not consulted.
    pub fn is_retryable(&self) -> bool {
        self.attempt_outcome().is_some_and(|outcome| {
            matches!(
                StandardClassifier.classify(&outcome),
                Classification::Retry { .. }
            )
        })
    }

    /// Whether the service throttled the call: HTTP 429 (Too Many Requests), documented or
    /// not. Throttling is retryable ([`is_retryable`](Self::is_retryable)).
    pub fn is_throttling(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// How the attempt that ended the call looked to the retry classifier, when the
    /// classifier was asked about it: the transport classifies its attempts through this, so
    /// [`is_retryable`](Self::is_retryable) cannot disagree with the retries made. `None` for
    /// what no classifier sees: an invalid argument, the operation timeout, a redirect, a
    /// success body over the size limit, a broken download limit.
    #[doc(hidden)]
    pub fn attempt_outcome(&self) -> Option<AttemptOutcome<'_>> {
        match self {
            Error::Construction(_) => None,
            Error::Timeout(e) => match e.kind {
                // reqwest reports a connect timeout as a failed connection too: the request
                // surely never left.
                TimeoutKind::Connect => Some(AttemptOutcome::ConnectFailed),
                TimeoutKind::Attempt => Some(AttemptOutcome::TimedOut),
                TimeoutKind::Operation => None,
            },
            Error::Dispatch(e) => match &e.source {
                Some(source) if source.is_connect() => Some(AttemptOutcome::ConnectFailed),
                Some(source) if source.is_timeout() => Some(AttemptOutcome::TimedOut),
                Some(_) => Some(AttemptOutcome::OtherFailure),
                None => None,
            },
            Error::Response(e) => match e.kind {
                ResponseErrorKind::Redirected
                | ResponseErrorKind::BodyTooLarge {
                    error_status: false,
                    ..
                } => None,
                ResponseErrorKind::UndocumentedStatus
                | ResponseErrorKind::Decode { .. }
                | ResponseErrorKind::BodyTooLarge {
                    error_status: true, ..
                } => Some(AttemptOutcome::Response {
                    status: e.raw.status,
                    headers: &e.raw.headers,
                }),
            },
            Error::Service(e) => Some(AttemptOutcome::Response {
                status: e.raw.status,
                headers: &e.raw.headers,
            }),
        }
    }

    /// The same error with the operation's error type erased: errors of different
    /// operations (and services) then have one type, [`UntypedError`], to keep together or
    /// return. Everything but the type is kept: the kind of error, status, code, message,
    /// request id, raw response, operation name, and the operation's error itself, whose
    /// `Display` text is the message's and which [`Untyped::downcast_ref`] gives back.
    pub fn into_untyped(self) -> UntypedError
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        match self {
            Error::Construction(e) => Error::Construction(e),
            Error::Timeout(e) => Error::Timeout(e),
            Error::Dispatch(e) => Error::Dispatch(e),
            Error::Response(e) => Error::Response(e),
            Error::Service(e) => Error::Service(ServiceError {
                kind: Untyped(Box::new(e.kind)),
                raw: e.raw,
                operation: e.operation,
            }),
        }
    }
}

/// The error of any operation: [`Error::into_untyped`].
pub type UntypedError = Error<Untyped>;

/// An operation's documented error with its type erased ([`Error::into_untyped`]): it shows
/// as the typed error did (`Display`, `Debug`), and [`downcast_ref`](Self::downcast_ref) gives
/// the typed error back.
pub struct Untyped(Box<dyn std::error::Error + Send + Sync>);

impl Untyped {
    /// The operation's error, if it is an `E` (`css::operations::ListLogsJobError`).
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.downcast_ref()
    }

    /// Whether the operation's error is an `E`.
    pub fn is<E: std::error::Error + 'static>(&self) -> bool {
        self.0.is::<E>()
    }

    /// The operation's error, if it is an `E`; else `self`, unchanged.
    pub fn downcast<E: std::error::Error + 'static>(self) -> Result<E, Self> {
        self.0.downcast().map(|e| *e).map_err(Untyped)
    }
}

impl fmt::Debug for Untyped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Untyped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Untyped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// The accessors of an [`Error`] that do not depend on its operation's error type, as one
/// object type: a service's error type (`<module>::<Module>Error`) reads them from whichever
/// operation's error it holds with one `match`, rather than one per accessor.
#[doc(hidden)]
pub trait AnyError: std::error::Error {
    fn status(&self) -> Option<StatusCode>;
    fn code(&self) -> Option<&str>;
    fn message(&self) -> Option<&str>;
    fn request_id(&self) -> Option<&str>;
    fn raw_response(&self) -> Option<&RawResponse>;
    fn operation(&self) -> Option<&'static str>;
    fn is_retryable(&self) -> bool;
    fn is_throttling(&self) -> bool;
}

impl<E: std::error::Error + 'static> AnyError for Error<E> {
    fn status(&self) -> Option<StatusCode> {
        Error::status(self)
    }

    fn code(&self) -> Option<&str> {
        Error::code(self)
    }

    fn message(&self) -> Option<&str> {
        Error::message(self)
    }

    fn request_id(&self) -> Option<&str> {
        Error::request_id(self)
    }

    fn raw_response(&self) -> Option<&RawResponse> {
        Error::raw_response(self)
    }

    fn operation(&self) -> Option<&'static str> {
        Error::operation(self)
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }

    fn is_throttling(&self) -> bool {
        Error::is_throttling(self)
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Construction(e) => write!(f, "{e}"),
            Error::Timeout(e) => write!(f, "{e}"),
            Error::Dispatch(e) => write!(f, "{e}"),
            Error::Response(e) => write!(f, "{e}"),
            Error::Service(e) => write!(f, "{e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Construction(e) => Some(e),
            Error::Timeout(e) => Some(e),
            Error::Dispatch(e) => Some(e),
            Error::Response(e) => Some(e),
            Error::Service(e) => Some(&e.kind),
        }
    }
}

impl<E> From<ConstructionError> for Error<E> {
    fn from(e: ConstructionError) -> Self {
        Error::Construction(e)
    }
}

impl<E> From<DispatchError> for Error<E> {
    fn from(e: DispatchError) -> Self {
        Error::Dispatch(e)
    }
}

impl<E> From<ResponseError> for Error<E> {
    fn from(e: ResponseError) -> Self {
        Error::Response(e)
    }
}

/// An argument that cannot be sent, found before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstructionError {
    argument: std::borrow::Cow<'static, str>,
    reason: String,
}

impl ConstructionError {
    #[doc(hidden)]
    pub fn new(
        argument: impl Into<std::borrow::Cow<'static, str>>,
        reason: impl Into<String>,
    ) -> Self {
        ConstructionError {
            argument: argument.into(),
            reason: reason.into(),
        }
    }

    /// The argument's name, as in the method or setter.
    pub fn argument(&self) -> &str {
        &self.argument
    }

    /// Why it was rejected.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ConstructionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid argument `{}`: {}; nothing was sent",
            self.argument, self.reason
        )
    }
}

impl std::error::Error for ConstructionError {}

/// Which limit expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    Connect,
    Attempt,
    Operation,
}

/// A time limit expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutError {
    kind: TimeoutKind,
    limit: std::time::Duration,
    /// The read timeout (no data for `limit`) expired during an attempt.
    read: bool,
}

impl TimeoutError {
    #[doc(hidden)]
    pub fn new(kind: TimeoutKind, limit: std::time::Duration) -> Self {
        TimeoutError {
            kind,
            limit,
            read: false,
        }
    }

    /// The read timeout expired during an attempt (reported as [`TimeoutKind::Attempt`]).
    #[doc(hidden)]
    pub fn read(limit: std::time::Duration) -> Self {
        TimeoutError {
            kind: TimeoutKind::Attempt,
            limit,
            read: true,
        }
    }

    /// Which limit expired. The read timeout (`ConfigBuilder::read_timeout`) expiring during an
    /// attempt is [`TimeoutKind::Attempt`], with [`is_read`](Self::is_read) true.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// Whether the read timeout expired: the server sent nothing for [`limit`](Self::limit).
    pub fn is_read(&self) -> bool {
        self.read
    }

    /// The limit that expired.
    pub fn limit(&self) -> std::time::Duration {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.read {
            return write!(
                f,
                "timed out: the server sent nothing for longer than {:?} (the read timeout; \
                 raise it with ConfigBuilder::read_timeout)",
                self.limit
            );
        }
        let what = match self.kind {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "waiting for the response",
            TimeoutKind::Operation => "the whole call (retries included)",
        };
        write!(f, "timed out: {what} took longer than {:?}", self.limit)
    }
}

impl std::error::Error for TimeoutError {}

/// The request did not complete at the transport level, or a streamed body broke one of the
/// download limits (its deadline, its minimum throughput, or the size collected in memory).
#[derive(Debug)]
pub struct DispatchError {
    source: Option<reqwest::Error>,
    limit: Option<StreamLimit>,
    /// A failure a test double made up (the `mock` feature): no request was sent.
    mocked: Option<Mocked>,
}

/// A failure made up by the `mock` feature's `Mock`: a refused connection, or a request no
/// rule answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub struct Mocked {
    /// A connection failure (retried as one), else a call the mock could not answer.
    #[doc(hidden)]
    pub connect: bool,
    #[doc(hidden)]
    pub message: String,
}

/// A limit a streamed body ([`ByteStream`](super::ByteStream)) broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum StreamLimit {
    /// The download took longer than its total deadline (`ConfigBuilder::download_timeout`).
    Deadline { limit: std::time::Duration },
    /// Fewer than `bytes_per_second` × `window` bytes arrived in a window of `window`
    /// (`ConfigBuilder::download_min_throughput`).
    Stalled {
        bytes_per_second: u64,
        window: std::time::Duration,
        received: u64,
    },
    /// A body collected into memory grew beyond `limit` bytes (`ConfigBuilder::max_body_size`).
    TooLarge { limit: usize },
}

impl fmt::Display for StreamLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamLimit::Deadline { limit } => write!(
                f,
                "the download took longer than {limit:?} (the download timeout; raise it with \
                 ConfigBuilder::download_timeout)"
            ),
            StreamLimit::Stalled {
                bytes_per_second,
                window,
                received,
            } => write!(
                f,
                "the download stalled: {received} bytes arrived in {window:?}, less than the \
                 minimum of {bytes_per_second} bytes/s (lower it with \
                 ConfigBuilder::download_min_throughput)"
            ),
            StreamLimit::TooLarge { limit } => write!(
                f,
                "the body is larger than {limit} bytes, the most read into memory (raise it \
                 with ConfigBuilder::max_body_size, or save the body to a file)"
            ),
        }
    }
}

impl DispatchError {
    #[doc(hidden)]
    pub fn new(source: reqwest::Error) -> Self {
        // The URL is dropped: a pre-signed one carries its signature in the query.
        DispatchError {
            source: Some(source.without_url()),
            limit: None,
            mocked: None,
        }
    }

    #[doc(hidden)]
    pub fn limit_broken(limit: StreamLimit) -> Self {
        DispatchError {
            source: None,
            limit: Some(limit),
            mocked: None,
        }
    }

    /// A failure the `mock` feature's `Mock` answered with (nothing was sent).
    #[doc(hidden)]
    pub fn mocked(connect: bool, message: impl Into<String>) -> Self {
        DispatchError {
            source: None,
            limit: None,
            mocked: Some(Mocked {
                connect,
                message: message.into(),
            }),
        }
    }

    /// The connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.source.as_ref().is_some_and(reqwest::Error::is_connect)
            || self.mocked.as_ref().is_some_and(|m| m.connect)
    }

    /// A timeout expired (the read timeout, the download's deadline or its minimum throughput).
    pub fn is_timeout(&self) -> bool {
        self.source.as_ref().is_some_and(reqwest::Error::is_timeout)
            || matches!(
                self.limit,
                Some(StreamLimit::Deadline { .. } | StreamLimit::Stalled { .. })
            )
    }

    /// The download limit a streamed body broke, if that is what this is.
    #[doc(hidden)]
    pub fn limit(&self) -> Option<StreamLimit> {
        self.limit
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.limit, &self.source, &self.mocked) {
            (Some(limit), _, _) => write!(f, "{limit}"),
            (None, Some(source), _) => write!(f, "request failed: {source}"),
            (None, None, Some(mocked)) => write!(f, "request failed: {}", mocked.message),
            (None, None, None) => f.write_str("request failed"),
        }
    }
}

impl std::error::Error for DispatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A response the operation does not document.
#[derive(Debug)]
pub struct ResponseError {
    kind: ResponseErrorKind,
    raw: Box<RawResponse>,
}

/// What was wrong with the response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseErrorKind {
    /// The status is not among the operation's documented responses.
    UndocumentedStatus,
    /// The body does not decode as the documented schema.
    Decode { message: String },
    /// The body is larger than the client reads: `limit` bytes (`ConfigBuilder::max_body_size`
    /// for success bodies, `ConfigBuilder::error_body_prefix` for error bodies, of which the
    /// first `limit` bytes are kept in [`RawResponse::body`]).
    BodyTooLarge { limit: usize, error_status: bool },
    /// The response answers another URL than the request's: the HTTP client (the user's,
    /// `ConfigBuilder::http_client`) followed a redirect. It is never taken as the answer.
    Redirected,
}

impl ResponseError {
    #[doc(hidden)]
    pub fn decode(raw: RawResponse, message: impl Into<String>) -> Self {
        ResponseError {
            kind: ResponseErrorKind::Decode {
                message: message.into(),
            },
            raw: Box::new(raw),
        }
    }

    /// A response that answers another URL than the request's (a redirect was followed): its
    /// status and headers, not its body.
    #[doc(hidden)]
    pub fn redirected(response: reqwest::Response) -> Self {
        ResponseError {
            kind: ResponseErrorKind::Redirected,
            raw: Box::new(RawResponse::head_only(response)),
        }
    }

    pub fn kind(&self) -> &ResponseErrorKind {
        &self.kind
    }

    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.raw.status();
        match &self.kind {
            ResponseErrorKind::UndocumentedStatus => write!(
                f,
                "unexpected response: HTTP {status} is not documented for this operation"
            )?,
            ResponseErrorKind::Decode { message } => write!(
                f,
                "cannot decode the HTTP {status} response body: {}",
                Untrusted(message)
            )?,
            ResponseErrorKind::BodyTooLarge {
                limit,
                error_status: false,
            } => write!(
                f,
                "the HTTP {status} response body is larger than {limit} bytes, the most the \
                 client reads (raise it with ConfigBuilder::max_body_size)"
            )?,
            ResponseErrorKind::BodyTooLarge {
                limit,
                error_status: true,
            } => write!(
                f,
                "the HTTP {status} error body is larger than {limit} bytes, the most the client \
                 keeps of an error (its first {limit} bytes are in raw().body(); raise it with \
                 ConfigBuilder::error_body_prefix)"
            )?,
            ResponseErrorKind::Redirected => write!(
                f,
                "the HTTP {status} response answers another URL than the request's: the HTTP \
                 client followed a redirect, which is never taken as the answer (build the \
                 client with redirect::Policy::none(), as Config::http_client_builder does)"
            )?,
        }
        if let (Some(code), Some(message)) = (self.raw.error_code(), self.raw.error_message()) {
            if matches!(self.kind, ResponseErrorKind::BodyTooLarge { .. }) {
                write!(f, " [{}: {}]", Untrusted(code), Untrusted(message))?;
            }
        }
        if let Some(id) = self.raw.request_id() {
            write!(f, " (request id {})", Untrusted(id))?;
        }
        if self.raw.attempts > 1 {
            write!(f, " after {} attempts", self.raw.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}

/// A documented error status, decoded into the operation's error type `E`.
///
/// The fields are public, so the decoded error can be matched in place:
/// `Error::Service(ServiceError { kind: ListLogsJobError::Conflict(body), raw, .. })`
/// (`..` is required: fields may be added).
#[derive(Debug)]
#[non_exhaustive]
pub struct ServiceError<E> {
    /// The decoded error: the documented status's variant, with its body. Held inline, not
    /// boxed, so that a pattern can reach into it (see [`Error`] on its size).
    pub kind: E,
    /// The response as received (boxed: headers and body are large, and most code never
    /// looks at them).
    pub raw: Box<RawResponse>,
    /// The operation that returned the error (its `operationId`).
    pub operation: &'static str,
}

impl<E> ServiceError<E> {
    /// The operation that returned the error (its `operationId`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The decoded error.
    pub fn kind(&self) -> &E {
        &self.kind
    }

    pub fn into_kind(self) -> E {
        self.kind
    }

    pub fn raw(&self) -> &RawResponse {
        &self.raw
    }
}

impl<E: fmt::Display> fmt::Display for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operation.is_empty() {
            write!(f, "service error: {}", self.kind)?;
        } else {
            write!(
                f,
                "service error: {} returned {}",
                self.operation, self.kind
            )?;
        }
        // The server's words, escaped and bounded: they must not forge log lines.
        match (self.raw.error_code(), self.raw.error_message()) {
            (Some(code), Some(message)) => {
                write!(f, " [{}: {}]", Untrusted(code), Untrusted(message))?
            }
            (Some(code), None) => write!(f, " [{}]", Untrusted(code))?,
            (None, Some(message)) => write!(f, " [{}]", Untrusted(message))?,
            (None, None) => {}
        }
        if let Some(id) = self.raw.request_id() {
            write!(f, " (request id {})", Untrusted(id))?;
        }
        if self.raw.attempts > 1 {
            write!(f, " after {} attempts", self.raw.attempts)?;
        }
        Ok(())
    }
}

/// A response as received: status, headers and the body (of an error status, at most its
/// first `ConfigBuilder::error_body_prefix` bytes).
///
/// `Debug` shows the body's length, not its content, which may hold secrets.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    error_code: Option<String>,
    error_message: Option<String>,
    attempts: u32,
    /// The body was cut at this many bytes (the rest was never read).
    truncated_at: Option<usize>,
    /// The conventions of the call: where the request id and the error fields are.
    conventions: &'static super::conventions::Conventions,
}

/// How much of a body is read into memory.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct BodyLimits {
    /// A success body larger than this fails the call.
    #[doc(hidden)]
    pub success: usize,
    /// Of an error body, only this many bytes are kept.
    #[doc(hidden)]
    pub error_prefix: usize,
}

/// Why a body could not be read.
#[doc(hidden)]
#[derive(Debug)]
pub enum ReadError {
    /// The connection failed or timed out.
    Transport(reqwest::Error),
    /// A success body is larger than the limit.
    TooLarge(ResponseError),
}

impl RawResponse {
    /// The status and headers of `response`, without its body.
    #[doc(hidden)]
    pub fn head_only(response: reqwest::Response) -> Self {
        RawResponse {
            conventions: super::conventions::of(&response),
            status: response.status(),
            headers: response.headers().clone(),
            body: Bytes::new(),
            error_code: None,
            error_message: None,
            attempts: response
                .extensions()
                .get::<super::transport::Attempts>()
                .map_or(1, |a| a.0),
            truncated_at: None,
        }
    }

    /// Reads the body: a success body whole, up to `limits.success` bytes (beyond, the call
    /// fails and nothing more is read), an error body up to `limits.error_prefix` bytes (the
    /// rest is left unread).
    #[doc(hidden)]
    pub async fn read(
        mut response: reqwest::Response,
        limits: BodyLimits,
    ) -> Result<Self, ReadError> {
        let status = response.status();
        let headers = response.headers().clone();
        let attempts = response
            .extensions()
            .get::<super::transport::Attempts>()
            .map_or(1, |a| a.0);
        let limit = if status.is_success() {
            limits.success
        } else {
            limits.error_prefix
        };
        let announced = response.content_length();
        let conventions = super::conventions::of(&response);
        let mut raw = RawResponse {
            conventions,
            status,
            headers,
            body: Bytes::new(),
            error_code: None,
            error_message: None,
            attempts,
            truncated_at: None,
        };
        let too_large = |raw: RawResponse| {
            ReadError::TooLarge(ResponseError {
                kind: ResponseErrorKind::BodyTooLarge {
                    limit,
                    error_status: false,
                },
                raw: Box::new(raw),
            })
        };
        if status.is_success() && announced.is_some_and(|n| n > limit as u64) {
            raw.truncated_at = Some(0);
            return Err(too_large(raw));
        }
        // Never more than the limit, whatever `Content-Length` says.
        let capacity = announced.unwrap_or(0).min(limit as u64).min(1 << 20) as usize;
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
            let room = limit - body.len();
            if chunk.len() > room {
                if status.is_success() {
                    raw.truncated_at = Some(0);
                    return Err(too_large(raw));
                }
                body.extend_from_slice(&chunk[..room]);
                raw.truncated_at = Some(limit);
                break;
            }
            if body.capacity() - body.len() < chunk.len() {
                // Doubling, but never beyond the limit.
                let more = chunk.len().max(body.capacity().min(limit - body.len()));
                body.reserve_exact(more);
            }
            body.extend_from_slice(&chunk);
        }
        raw.body = Bytes::from(body);
        if !status.is_success() {
            (raw.error_code, raw.error_message) = error_fields(&raw.body, conventions);
        }
        Ok(raw)
    }

    /// The error a decoder gets from a body that was cut off.
    fn cut_off(&self) -> Option<ResponseError> {
        let limit = self.truncated_at?;
        Some(ResponseError {
            kind: ResponseErrorKind::BodyTooLarge {
                limit,
                error_status: !self.status.is_success(),
            },
            raw: Box::new(self.clone()),
        })
    }

    /// Whether the body was cut off at the configured limit (the rest was not read).
    pub fn is_truncated(&self) -> bool {
        self.truncated_at.is_some()
    }

    /// Decodes the body as JSON.
    #[doc(hidden)]
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ResponseError> {
        if let Some(error) = self.cut_off() {
            return Err(error);
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ResponseError::decode(self.clone(), without_values(&e.to_string())))
    }

    /// The body as text.
    #[doc(hidden)]
    pub fn text(&self) -> Result<String, ResponseError> {
        if let Some(error) = self.cut_off() {
            return Err(error);
        }
        String::from_utf8(self.body.to_vec())
            .map_err(|e| ResponseError::decode(self.clone(), format!("the body is not UTF-8: {e}")))
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The request id, from the first header of the spec's conventions present
    /// (`<module>::CONVENTIONS.request_id_headers`).
    pub fn request_id(&self) -> Option<&str> {
        self.conventions.request_id(&self.headers)
    }

    /// The conventions the response was read with.
    #[doc(hidden)]
    pub fn conventions(&self) -> &'static super::conventions::Conventions {
        self.conventions
    }

    /// The error code from a JSON error body, from the first member of the spec's
    /// conventions present (`<module>::CONVENTIONS.error_code`), as the server sent it (not
    /// escaped: the `Display` of errors escapes it).
    pub fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }

    /// The error message from a JSON error body, from the first member of the spec's
    /// conventions present (`<module>::CONVENTIONS.error_message`), as the server sent it (not
    /// escaped: the `Display` of errors escapes and shortens it).
    pub fn error_message(&self) -> Option<&str> {
        self.error_message.as_deref()
    }

    /// How many attempts the call made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("error_code", &self.error_code)
            .field("attempts", &self.attempts)
            .field("body_len", &self.body.len())
            .field("truncated", &self.is_truncated())
            .finish()
    }
}

/// A decoder message with quoted values elided: `invalid type: string "https://…signed", ...`
/// would otherwise carry body content (a pre-signed link, a token) into logs.
#[doc(hidden)]
pub fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let mut escaped = false;
    for c in message.chars() {
        if quoted {
            // Values are quoted with escapes (`"say \"hi\""`): an escaped quote does not end one.
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
        } else if c == '"' {
            out.push_str("\"…\"");
            quoted = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// The most characters of one server-provided text (code, message, request id) a message shows.
const SHOWN_CHARS: usize = 256;

/// Text from the server, as a message shows it: control characters (CR, LF, ESC, ...) and
/// bidirectional overrides escaped (`\n`, `\u{1b}`), so it cannot forge log lines or colour a
/// terminal, and at most [`SHOWN_CHARS`] characters, then how many more there were.
#[doc(hidden)]
#[derive(Debug)]
pub struct Untrusted<'a>(pub &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for (shown, (at, c)) in self.0.char_indices().enumerate() {
            if shown == SHOWN_CHARS {
                let more = self.0[at..].chars().count();
                return write!(f, "… ({more} more characters)");
            }
            let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// Finds the error code and message where `conventions` says a JSON error body keeps them:
/// the first of its member paths (`error_code`, `error.code`) holding a string or a number.
///
/// The body is read member by member, keeping what was found before any syntax error: an error
/// body cut at `ConfigBuilder::error_body_prefix` still yields the members in its prefix.
fn error_fields(
    body: &[u8],
    conventions: &super::conventions::Conventions,
) -> (Option<String>, Option<String>) {
    use serde::de::Deserializer as _;
    let kept: Vec<&str> = conventions.error_members().collect();
    if kept.is_empty() {
        return (None, None);
    }
    let found = std::cell::RefCell::new(serde_json::Map::new());
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    // A syntax error (a cut-off body) ends the reading; what was found before it is kept.
    let _ = deserializer.deserialize_map(Members(&found, &kept));
    let object = found.into_inner();
    let pick = |paths: &[&str]| {
        paths.iter().find_map(|path| {
            let mut parts = path.split('.');
            let mut value = object.get(parts.next()?)?;
            for part in parts {
                value = value.as_object()?.get(part)?;
            }
            match value {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        })
    };
    (
        pick(conventions.error_code),
        pick(conventions.error_message),
    )
}

/// Collects the members of a JSON object that may name an error (those listed), one at a time.
struct Members<'a>(
    &'a std::cell::RefCell<serde_json::Map<String, serde_json::Value>>,
    &'a [&'a str],
);

impl<'de> serde::de::Visitor<'de> for Members<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if self.1.contains(&key.as_ref()) {
                let value: serde_json::Value = map.next_value()?;
                self.0.borrow_mut().insert(key.into_owned(), value);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operation's error type, as generated.
    #[derive(Debug, Clone, PartialEq)]
    enum Documented {
        BadRequest(String),
        TooManyRequests,
    }

    impl fmt::Display for Documented {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Documented::BadRequest(_) => f.write_str("BadRequest (HTTP 400)"),
                Documented::TooManyRequests => f.write_str("TooManyRequests (HTTP 429)"),
            }
        }
    }

    impl std::error::Error for Documented {}

    /// A response read under the default conventions, with a request id.
    fn raw(status: u16, body: &str) -> RawResponse {
        let conventions = &super::super::conventions::Conventions::DEFAULT;
        let (error_code, error_message) = super::error_fields(body.as_bytes(), conventions);
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-1".parse().unwrap());
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: Bytes::copy_from_slice(body.as_bytes()),
            error_code,
            error_message,
            attempts: 1,
            truncated_at: None,
            conventions,
        }
    }

    fn service(kind: Documented, status: u16) -> Error<Documented> {
        let body = r#"{"code":"E.1","message":"slow down"}"#;
        Error::service(kind, raw(status, body)).in_operation("ListThings")
    }

    /// What the transport asks the default classifier about a response with `status`.
    fn classifier_retries(status: u16) -> bool {
        let raw = raw(status, "");
        let outcome = AttemptOutcome::Response {
            status: raw.status(),
            headers: raw.headers(),
        };
        matches!(
            StandardClassifier.classify(&outcome),
            Classification::Retry { .. }
        )
    }

    #[test]
    fn is_retryable_is_the_default_classifiers_verdict_on_every_status() {
        for status in 100..=599 {
            let expected = classifier_retries(status);
            let documented = Error::service(Documented::TooManyRequests, raw(status, ""));
            let undocumented = Error::<Documented>::undocumented(raw(status, ""));
            assert_eq!(documented.is_retryable(), expected, "documented {status}");
            assert_eq!(
                undocumented.is_retryable(),
                expected,
                "undocumented {status}"
            );
            assert_eq!(documented.is_throttling(), status == 429, "{status}");
        }
        assert!(service(Documented::TooManyRequests, 429).is_retryable());
        assert!(service(Documented::TooManyRequests, 503).is_retryable());
        assert!(!service(Documented::BadRequest("x".into()), 400).is_retryable());
        assert!(service(Documented::TooManyRequests, 429).is_throttling());
        assert!(!service(Documented::TooManyRequests, 503).is_throttling());
    }

    #[test]
    fn is_retryable_for_failures_without_a_documented_status() {
        let limit = std::time::Duration::from_secs(1);
        let timeout = |kind| Error::<Documented>::Timeout(TimeoutError::new(kind, limit));
        assert!(timeout(TimeoutKind::Attempt).is_retryable());
        assert!(timeout(TimeoutKind::Connect).is_retryable());
        assert!(Error::<Documented>::Timeout(TimeoutError::read(limit)).is_retryable());
        // The call's whole time is spent, retries included.
        assert!(!timeout(TimeoutKind::Operation).is_retryable());
        assert!(!timeout(TimeoutKind::Attempt).is_throttling());
        let invalid = Error::<Documented>::from(ConstructionError::new("id", "empty"));
        assert!(!invalid.is_retryable());
        // A body that does not decode is judged by its status.
        let garbled =
            |status| Error::<Documented>::Response(ResponseError::decode(raw(status, "{"), "EOF"));
        assert!(garbled(503).is_retryable());
        assert!(!garbled(200).is_retryable());
        // What the transport never classifies: a redirect, a success body over the limit.
        let response = |kind| {
            Error::<Documented>::Response(ResponseError {
                kind,
                raw: Box::new(raw(503, "")),
            })
        };
        assert!(!response(ResponseErrorKind::Redirected).is_retryable());
        let too_large = |error_status| ResponseErrorKind::BodyTooLarge {
            limit: 1,
            error_status,
        };
        assert!(!response(too_large(false)).is_retryable());
        assert!(response(too_large(true)).is_retryable());
        // A broken download limit happens after the call.
        let stalled = DispatchError::limit_broken(StreamLimit::Deadline { limit });
        assert!(!Error::<Documented>::Dispatch(stalled).is_retryable());
    }

    #[test]
    fn service_errors_match_in_place() {
        let error = service(Documented::BadRequest("bad".into()), 400);
        match &error {
            Error::Service(ServiceError {
                kind: Documented::BadRequest(body),
                raw,
                operation,
                ..
            }) => {
                assert_eq!(body, "bad");
                assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
                assert_eq!(*operation, "ListThings");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(error.operation(), Some("ListThings"));
        assert_eq!(
            Error::service(Documented::TooManyRequests, raw(429, "")).operation(),
            None
        );
        assert_eq!(
            error.into_service_error(),
            Some(Documented::BadRequest("bad".into()))
        );
    }

    #[test]
    fn untyped_errors_keep_everything_but_the_type() {
        let typed = service(Documented::TooManyRequests, 429);
        let shown = typed.to_string();
        let untyped: UntypedError = typed.into_untyped();
        assert_eq!(untyped.to_string(), shown);
        assert!(shown.contains("TooManyRequests (HTTP 429)"), "{shown}");
        assert_eq!(untyped.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(untyped.code(), Some("E.1"));
        assert_eq!(untyped.message(), Some("slow down"));
        assert_eq!(untyped.request_id(), Some("req-1"));
        assert_eq!(untyped.operation(), Some("ListThings"));
        assert!(untyped.is_retryable() && untyped.is_throttling());
        assert_eq!(untyped.raw_response().map(|r| r.body().len()), Some(36));
        let Error::Service(ServiceError { kind, .. }) = &untyped else {
            panic!("{untyped:?}");
        };
        assert_eq!(kind.to_string(), "TooManyRequests (HTTP 429)");
        assert_eq!(format!("{kind:?}"), "TooManyRequests");
        assert!(kind.is::<Documented>());
        assert_eq!(
            kind.downcast_ref::<Documented>(),
            Some(&Documented::TooManyRequests)
        );
        assert!(kind.downcast_ref::<ConstructionError>().is_none());
        let kind = untyped.into_service_error().unwrap();
        let kind = kind.downcast::<ConstructionError>().unwrap_err();
        assert_eq!(
            kind.downcast::<Documented>().ok(),
            Some(Documented::TooManyRequests)
        );
        // Other kinds of error are kept as they are; errors of any operation share a type.
        let limit = std::time::Duration::from_secs(2);
        let other: Error<std::convert::Infallible> =
            Error::Timeout(TimeoutError::new(TimeoutKind::Attempt, limit));
        let all: Vec<UntypedError> = vec![
            other.into_untyped(),
            service(Documented::BadRequest("b".into()), 400).into_untyped(),
        ];
        assert!(matches!(&all[0], Error::Timeout(e) if e.limit() == limit));
        assert!(all[0].is_retryable() && !all[1].is_retryable());
        assert_eq!(all[1].status(), Some(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn decode_messages_never_quote_body_values() {
        let message = without_values("invalid type: string \"https://x/y?Signature=s\", expected struct A at line 1 column 30");
        assert_eq!(
            message,
            "invalid type: string \"…\", expected struct A at line 1 column 30"
        );
        assert_eq!(without_values("missing field `id`"), "missing field `id`");
        // Found by the `responses` fuzz target: an escaped quote inside a value.
        assert_eq!(
            without_values(r#"invalid type: string "\"secret\\", expected u32"#),
            "invalid type: string \"…\", expected u32"
        );
    }

    const VENDOR: super::super::conventions::Conventions = super::super::conventions::Conventions {
        error_code: &["error_code", "code", "error.code"],
        error_message: &["error_msg", "message", "error.message"],
        ..super::super::conventions::Conventions::DEFAULT
    };

    fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
        super::error_fields(body, &VENDOR)
    }

    #[test]
    fn error_fields_are_found_flat_or_nested() {
        let (code, message) = error_fields(br#"{"error_code":"APIGW.0301","error_msg":"bad"}"#);
        assert_eq!(
            (code.as_deref(), message.as_deref()),
            (Some("APIGW.0301"), Some("bad"))
        );
        let (code, message) = error_fields(br#"{"error":{"code":404,"message":"gone"}}"#);
        assert_eq!(
            (code.as_deref(), message.as_deref()),
            (Some("404"), Some("gone"))
        );
        assert_eq!(error_fields(b"<html>"), (None, None));
        // A body cut off: what its prefix holds is found.
        let (code, message) = error_fields(br#"{"error_code":"X.1","error_msg":"m","detail":"aaa"#);
        assert_eq!(
            (code.as_deref(), message.as_deref()),
            (Some("X.1"), Some("m"))
        );
        let (code, message) = error_fields(br#"{"error_code":"X.1","error_msg":"cut"#);
        assert_eq!((code.as_deref(), message), (Some("X.1"), None));
    }

    #[test]
    fn default_error_fields_read_the_common_shapes() {
        let default = super::super::conventions::Conventions::DEFAULT;
        let read = |body: &str| {
            let (code, message) = super::error_fields(body.as_bytes(), &default);
            (code, message)
        };
        let problem = r#"{"type":"https://example.com/out-of-credit","title":"No credit","status":403,"detail":"Balance is 30"}"#;
        assert_eq!(
            read(problem),
            (
                Some("https://example.com/out-of-credit".to_owned()),
                Some("Balance is 30".to_owned())
            )
        );
        assert_eq!(
            read(r#"{"title":"Not Found","status":404}"#),
            (None, Some("Not Found".to_owned()))
        );
        assert_eq!(
            read(r#"{"error":{"code":"E1","message":"nested"}}"#),
            (Some("E1".to_owned()), Some("nested".to_owned()))
        );
        assert_eq!(
            read(r#"{"message":"flat"}"#),
            (None, Some("flat".to_owned()))
        );
        assert_eq!(read(r#"{"error":"text"}"#), (None, Some("text".to_owned())));
        assert_eq!(
            read(r#"{"code":7,"message":"m"}"#),
            (Some("7".to_owned()), Some("m".to_owned()))
        );
        // The vendor's members are not the default's.
        assert_eq!(
            read(r#"{"error_code":"X.1","error_msg":"m"}"#),
            (None, None)
        );
    }

    #[test]
    fn untrusted_text_is_escaped_and_bounded() {
        assert_eq!(
            Untrusted("a\r\nb\u{1b}[31m\u{202e}c").to_string(),
            "a\\r\\nb\\u{1b}[31m\\u{202e}c"
        );
        assert_eq!(Untrusted("é ok").to_string(), "é ok");
        let long = "é".repeat(300);
        let shown = Untrusted(&long).to_string();
        assert!(shown.starts_with(&"é".repeat(SHOWN_CHARS)));
        assert!(shown.ends_with("… (44 more characters)"), "{shown}");
    }
}
