//! Errors of a call, in layers: what kind of failure, then (for documented error statuses)
//! the operation's own error type.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;

/// Why a call failed. `E` is the operation's documented error statuses.
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
    pub(crate) fn service(kind: E, raw: RawResponse) -> Self {
        Error::Service(ServiceError {
            kind,
            raw: Box::new(raw),
            operation: "",
        })
    }

    /// Names the operation in a service error (error types are shared between operations
    /// that document the same errors; the call knows which one it was).
    pub(crate) fn in_operation(self, operation: &'static str) -> Self {
        match self {
            Error::Service(mut e) => {
                e.operation = operation;
                Error::Service(e)
            }
            other => other,
        }
    }

    pub(crate) fn undocumented(raw: RawResponse) -> Self {
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

    /// The service's error code (`error_code`), when the body carries one.
    pub fn code(&self) -> Option<&str> {
        self.raw_response().and_then(RawResponse::error_code)
    }

    /// The service's error message (`error_msg`), when the body carries one.
    pub fn message(&self) -> Option<&str> {
        self.raw_response().and_then(RawResponse::error_message)
    }

    /// The `X-Request-Id` the service gave the call, for support requests.
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
    argument: &'static str,
    reason: String,
}

impl ConstructionError {
    pub(crate) fn new(argument: &'static str, reason: impl Into<String>) -> Self {
        ConstructionError {
            argument,
            reason: reason.into(),
        }
    }

    /// The argument's name, as in the method or setter.
    pub fn argument(&self) -> &str {
        self.argument
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
}

impl TimeoutError {
    pub(crate) fn new(kind: TimeoutKind, limit: std::time::Duration) -> Self {
        TimeoutError { kind, limit }
    }

    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The limit that expired.
    pub fn limit(&self) -> std::time::Duration {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "waiting for the response",
            TimeoutKind::Operation => "the whole call (retries included)",
        };
        write!(f, "timed out: {what} took longer than {:?}", self.limit)
    }
}

impl std::error::Error for TimeoutError {}

/// The request did not complete at the transport level.
#[derive(Debug)]
pub struct DispatchError {
    source: reqwest::Error,
}

impl DispatchError {
    pub(crate) fn new(source: reqwest::Error) -> Self {
        // The URL is dropped: a pre-signed one carries its signature in the query.
        DispatchError {
            source: source.without_url(),
        }
    }

    /// The connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }

    /// A timeout expired.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request failed: {}", self.source)
    }
}

impl std::error::Error for DispatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
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
}

impl ResponseError {
    pub(crate) fn decode(raw: RawResponse, message: impl Into<String>) -> Self {
        ResponseError {
            kind: ResponseErrorKind::Decode {
                message: message.into(),
            },
            raw: Box::new(raw),
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
                "cannot decode the HTTP {status} response body: {message}"
            )?,
        }
        if let Some(id) = self.raw.request_id() {
            write!(f, " (request id {id})")?;
        }
        if self.raw.attempts > 1 {
            write!(f, " after {} attempts", self.raw.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}

/// A documented error status, decoded into the operation's error type `E`.
#[derive(Debug)]
pub struct ServiceError<E> {
    kind: E,
    raw: Box<RawResponse>,
    /// The operation (its `operationId`), set once the call knows it.
    operation: &'static str,
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
        match (self.raw.error_code(), self.raw.error_message()) {
            (Some(code), Some(message)) => write!(f, " [{code}: {message}]")?,
            (Some(code), None) => write!(f, " [{code}]")?,
            (None, Some(message)) => write!(f, " [{message}]")?,
            (None, None) => {}
        }
        if let Some(id) = self.raw.request_id() {
            write!(f, " (request id {id})")?;
        }
        if self.raw.attempts > 1 {
            write!(f, " after {} attempts", self.raw.attempts)?;
        }
        Ok(())
    }
}

/// A response as received: status, headers and the whole body.
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
}

impl RawResponse {
    /// The status and headers of `response`, without its body.
    pub(crate) fn head_only(response: reqwest::Response) -> Self {
        RawResponse {
            status: response.status(),
            headers: response.headers().clone(),
            body: Bytes::new(),
            error_code: None,
            error_message: None,
            attempts: response
                .extensions()
                .get::<crate::transport::Attempts>()
                .map_or(1, |a| a.0),
        }
    }

    /// Reads the whole body.
    pub(crate) async fn read(response: reqwest::Response) -> Result<Self, DispatchError> {
        let status = response.status();
        let headers = response.headers().clone();
        let attempts = response
            .extensions()
            .get::<crate::transport::Attempts>()
            .map_or(1, |a| a.0);
        let body = response.bytes().await.map_err(DispatchError::new)?;
        let (error_code, error_message) = if status.is_success() {
            (None, None)
        } else {
            error_fields(&body)
        };
        Ok(RawResponse {
            status,
            headers,
            body,
            error_code,
            error_message,
            attempts,
        })
    }

    /// Decodes the body as JSON.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ResponseError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| ResponseError::decode(self.clone(), without_values(&e.to_string())))
    }

    /// The body as text.
    pub(crate) fn text(&self) -> Result<String, ResponseError> {
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

    /// The `X-Request-Id` header.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// `error_code` (or `code`) from a JSON error body.
    pub fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }

    /// `error_msg` (or `message`) from a JSON error body.
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
            .finish()
    }
}

/// A decoder message with quoted values elided: `invalid type: string "https://…signed", ...`
/// would otherwise carry body content (a pre-signed link, a token) into logs.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// Finds the error code and message in the usual places of a JSON error body:
/// `{"error_code", "error_msg"}`, `{"code", "message"}`, or either nested under `"error"`.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None);
    };
    let pick = |object: &serde_json::Map<String, serde_json::Value>, keys: &[&str]| {
        keys.iter().find_map(|k| match object.get(*k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    const CODES: &[&str] = &["error_code", "errorCode", "code"];
    const MESSAGES: &[&str] = &["error_msg", "errorMsg", "error_message", "message", "msg"];
    let mut code = pick(&object, CODES);
    let mut message = pick(&object, MESSAGES);
    if let Some(serde_json::Value::Object(inner)) = object.get("error") {
        code = code.or_else(|| pick(inner, CODES));
        message = message.or_else(|| pick(inner, MESSAGES));
    }
    (code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_messages_never_quote_body_values() {
        let message = without_values("invalid type: string \"https://x/y?Signature=s\", expected struct A at line 1 column 30");
        assert_eq!(
            message,
            "invalid type: string \"…\", expected struct A at line 1 column 30"
        );
        assert_eq!(without_values("missing field `id`"), "missing field `id`");
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
    }
}
