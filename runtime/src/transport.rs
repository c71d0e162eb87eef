//! Turning a call into HTTP: the endpoint resolved, path segments encoded so no value can
//! change the path, the query in canonical order, every attempt signed afresh, retried and
//! timed as configured, arguments checked before anything is sent.

use super::body::Multipart;
use super::config::{Config, Credentials, HookContext};
use super::error::{
    ConstructionError, DispatchError, Error, RawResponse, ReadError, ResponseError, TimeoutError,
    TimeoutKind,
};
use super::params;
use super::retry::{AttemptOutcome, Classification};
use super::signing::{self, ENCODE};
use super::ResponseValue;
use percent_encoding::utf8_percent_encode;
use std::fmt::{self, Display};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument as _;

/// A server of a spec: a URL template and the defaults of its variables.
#[derive(Debug, Clone, Copy)]
pub struct Server {
    pub url: &'static str,
    pub defaults: &'static [(&'static str, &'static str)],
}

impl Server {
    /// The URL with `{region}` from `region` (when given) and other variables at their defaults.
    pub fn resolve(&self, region: Option<&str>) -> String {
        let mut url = self.url.to_owned();
        for (name, default) in self.defaults {
            let value = match (*name, region) {
                ("region", Some(region)) => region,
                _ => default,
            };
            url = url.replace(&format!("{{{name}}}"), value);
        }
        url
    }
}

/// The number of attempts a call took, carried on the final response.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct Attempts(pub u32);

/// Why one attempt failed.
enum Failure {
    /// Sending, or receiving the response's head.
    Send(reqwest::Error),
    /// Receiving the body.
    Body(reqwest::Error),
    /// A success body beyond `ConfigBuilder::max_body_size`.
    TooLarge(super::error::ResponseError),
    /// The attempt timeout expired.
    Attempt(Duration),
    /// The response answers another URL: the user's HTTP client followed a redirect.
    Redirected(reqwest::Response),
    /// The test double refused the connection, or had no answer for the request.
    Mocked(DispatchError),
}

/// What answers requests in place of the HTTP clients: the `mock` feature's `Mock`, set with
/// `ConfigBuilder::mock`, the only code that can set one (without the feature, nothing
/// does). It receives each attempt's request as the HTTP client would have sent it (signed,
/// after the hooks), and its response goes through the rest of the call as a server's would.
#[doc(hidden)]
pub trait Exchange: Send + Sync + 'static {
    fn exchange(
        &self,
        request: reqwest::Request,
        call: ExchangeCall,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<reqwest::Response, DispatchError>> + Send + '_>>;
}

/// Which call an exchanged request belongs to.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub struct ExchangeCall {
    /// The operation's id, or [`PRESIGNED_LINK`] for a link's download.
    #[doc(hidden)]
    pub operation: &'static str,
    /// 1, then 2 for the first retry...
    #[doc(hidden)]
    pub attempt: u32,
    /// The URL as it may be printed (credentials in the query, or a whole link, redacted).
    #[doc(hidden)]
    pub shown_url: String,
}

/// The operation id an exchange sees for the download of a pre-signed link.
#[doc(hidden)]
pub const PRESIGNED_LINK: &str = "(pre-signed link)";

/// The longest URL the HTTP stack can send (`http::Uri` refuses longer ones).
const MAX_URL_LEN: usize = u16::MAX as usize - 1;

/// Sends requests for a service client.
#[derive(Clone)]
#[doc(hidden)]
pub struct Transport {
    config: Config,
    endpoint: Result<reqwest::Url, String>,
    /// Attempts made by the current call (see [`Transport::for_call`]).
    attempts: Arc<AtomicU32>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("endpoint", &self.endpoint.as_ref().map(|u| u.as_str()))
            .field("config", &self.config)
            .finish()
    }
}

impl Transport {
    /// The configured endpoint, or else the service's server for the configured region.
    #[doc(hidden)]
    pub fn new(config: &Config, server: Option<Server>) -> Self {
        let endpoint = match (config.endpoint(), server) {
            (Some(endpoint), _) => Ok(endpoint.clone()),
            (None, Some(server)) => {
                let url = server.resolve(config.region());
                super::config::parse_endpoint(&url).map_err(|e| e.to_string())
            }
            (None, None) => Err("no endpoint configured and the spec lists no server: set `Config::builder().endpoint(..)`".to_owned()),
        };
        Transport {
            config: config.clone(),
            endpoint,
            attempts: Arc::default(),
        }
    }

    /// A transport for one call, counting that call's attempts on its own.
    #[doc(hidden)]
    pub fn for_call(&self) -> Transport {
        Transport {
            config: self.config.clone(),
            endpoint: self.endpoint.clone(),
            attempts: Arc::default(),
        }
    }

    #[doc(hidden)]
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// An operation's whole call, shared by every operation so that the async machinery is
    /// compiled once: the arguments (`request`, already checked), sending with retries within
    /// the timeouts and the call's span, reading the body (left streaming for the statuses in
    /// `stream`), then the operation's own `decode`.
    #[doc(hidden)]
    pub async fn execute<T, E>(
        self,
        operation: &'static str,
        method: &'static str,
        path: &'static str,
        request: Result<Request, ConstructionError>,
        stream: Option<(u16, u16)>,
        decode: fn(Reply) -> Result<ResponseValue<T>, Error<E>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        let transport = self.for_call();
        let exchange = async {
            let reply = transport.send_with_retries::<E>(request?, stream).await?;
            decode(reply).map_err(|e| e.in_operation(operation))
        };
        transport.call(operation, method, path, exchange).await
    }

    /// Runs a whole call within the operation timeout, in one tracing span: `operation`,
    /// `method`, `path` (the template), then `attempts`, `status` and `duration_ms` as they
    /// become known, a timed-out call included.
    #[doc(hidden)]
    pub async fn call<T, E>(
        &self,
        operation: &'static str,
        method: &'static str,
        path: &'static str,
        call: impl Future<Output = Result<T, Error<E>>>,
    ) -> Result<T, Error<E>> {
        let span = tracing::info_span!(
            "call",
            operation,
            method = %method,
            path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let call = call.instrument(span.clone());
        let result = match self.config.timeouts().operation {
            Some(limit) => tokio::time::timeout(limit, call).await.unwrap_or_else(|_| {
                Err(Error::Timeout(TimeoutError::new(
                    TimeoutKind::Operation,
                    limit,
                )))
            }),
            None => call.await,
        };
        span.record("attempts", self.attempts.load(Ordering::Relaxed));
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result
    }

    /// Sends the request, retrying as the configuration says (inside the call's span), and
    /// reads the response's body within each attempt's time limit, but for statuses in
    /// `stream`, whose body is left streaming (under the download limits).
    async fn send_with_retries<E>(
        &self,
        request: Request,
        stream: Option<(u16, u16)>,
    ) -> Result<Reply, Error<E>> {
        let endpoint = self
            .endpoint
            .as_ref()
            .map_err(|reason| ConstructionError::new("endpoint", reason.clone()))?;
        let (policy, classifier) = (self.config.retry(), self.config.classifier());
        let timeouts = self.config.timeouts();
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        let mut token_refused = false;
        loop {
            self.attempts.store(attempt, Ordering::Relaxed);
            let credentials =
                super::auth::select(&self.config, request.operation, request.security).await?;
            let prepared = self.prepare(&request, endpoint, &credentials)?;
            let hooks = self.config.hooks();
            let context = HookContext::new(request.operation, attempt, &credentials.query);
            // One attempt: the response's head, then its body unless it is streamed.
            let exchange = async {
                let (client, prepared) = prepared.build_split();
                let mut prepared = prepared.map_err(Failure::Send)?;
                // Hooks see the request as it goes out: signed, each attempt afresh.
                for hook in hooks {
                    hook.before_send(&mut prepared, &context);
                }
                let sent_url = prepared.url().clone();
                let received = match self.config.exchange() {
                    // A test double (the `mock` feature) answers in place of the network.
                    Some(double) => {
                        let call = super::transport::ExchangeCall {
                            operation: request.operation,
                            attempt,
                            shown_url: context.display_url(&sent_url),
                        };
                        double
                            .exchange(prepared, call)
                            .await
                            .map_err(Failure::Mocked)
                    }
                    None => client.execute(prepared).await.map_err(Failure::Send),
                };
                let mut response = received?;
                response.extensions_mut().insert(Attempts(attempt));
                response
                    .extensions_mut()
                    .insert(super::conventions::Of(request.conventions));
                for hook in hooks {
                    hook.after_receive(&response, &context);
                }
                // The user's client may follow redirects: the answer of another URL is
                // never taken for this request's.
                if response.url() != &sent_url {
                    return Err(Failure::Redirected(response));
                }
                let status = response.status().as_u16();
                if stream.is_some_and(|(low, high)| (low..=high).contains(&status)) {
                    response
                        .extensions_mut()
                        .insert(self.config.stream_limits());
                    return Ok(Reply::Stream(response));
                }
                match RawResponse::read(response, self.config.body_limits()).await {
                    Ok(raw) => Ok(Reply::Read(raw)),
                    Err(ReadError::Transport(e)) => Err(Failure::Body(e)),
                    Err(ReadError::TooLarge(e)) => Err(Failure::TooLarge(e)),
                }
            };
            let outcome = match timeouts.attempt {
                Some(limit) => tokio::time::timeout(limit, exchange)
                    .await
                    .unwrap_or(Err(Failure::Attempt(limit))),
                None => exchange.await,
            };
            // Whether the request may have reached the server: only a failed connection says
            // it surely did not.
            let (classification, reached, result) = match outcome {
                Ok(reply) => {
                    let (status, headers) = match &reply {
                        Reply::Read(raw) => (raw.status(), raw.headers()),
                        Reply::Stream(response) => (response.status(), response.headers()),
                    };
                    let seen = AttemptOutcome::Response { status, headers };
                    (classifier.classify(&seen), true, Ok(reply))
                }
                Err(Failure::TooLarge(e)) => {
                    for hook in hooks {
                        hook.after_failure(&e, &context);
                    }
                    // The server answered; another attempt would get the same body.
                    (Classification::NoOpinion, true, Err(Error::Response(e)))
                }
                Err(Failure::Redirected(response)) => (
                    Classification::NoOpinion,
                    true,
                    Err(Error::Response(ResponseError::redirected(response))),
                ),
                Err(Failure::Send(e) | Failure::Body(e)) => {
                    let error = if e.is_timeout() {
                        // Connecting, or else the read timeout: reqwest has no other limit.
                        if e.is_connect() {
                            Error::Timeout(TimeoutError::new(
                                TimeoutKind::Connect,
                                timeouts.connect,
                            ))
                        } else {
                            Error::Timeout(TimeoutError::read(timeouts.read.unwrap_or_default()))
                        }
                    } else {
                        Error::Dispatch(DispatchError::new(e))
                    };
                    // What the classifier sees is what `Error::is_retryable` asks it: one
                    // mapping from the error, so the two cannot disagree.
                    let seen = error
                        .attempt_outcome()
                        .unwrap_or(AttemptOutcome::OtherFailure);
                    let reached = !matches!(seen, AttemptOutcome::ConnectFailed);
                    match &error {
                        Error::Timeout(e) => {
                            hooks.iter().for_each(|h| h.after_failure(e, &context))
                        }
                        Error::Dispatch(e) => {
                            hooks.iter().for_each(|h| h.after_failure(e, &context))
                        }
                        _ => {}
                    }
                    (classifier.classify(&seen), reached, Err(error))
                }
                Err(Failure::Mocked(e)) => {
                    for hook in hooks {
                        hook.after_failure(&e, &context);
                    }
                    let (seen, reached) = if e.is_connect() {
                        (AttemptOutcome::ConnectFailed, false)
                    } else {
                        (AttemptOutcome::OtherFailure, true)
                    };
                    (classifier.classify(&seen), reached, Err(Error::Dispatch(e)))
                }
                Err(Failure::Attempt(limit)) => {
                    let timeout = TimeoutError::new(TimeoutKind::Attempt, limit);
                    for hook in hooks {
                        hook.after_failure(&timeout, &context);
                    }
                    let error = Error::Timeout(timeout);
                    let seen = error.attempt_outcome().unwrap_or(AttemptOutcome::TimedOut);
                    (classifier.classify(&seen), true, Err(error))
                }
            };
            // A token the server refused (401) is replaced, and the request sent once more
            // with the new one: the request was refused, not performed.
            if let (Some(source), Ok(reply), false) =
                (&credentials.token_source, &result, token_refused)
            {
                let status = match reply {
                    Reply::Read(raw) => raw.status(),
                    Reply::Stream(response) => response.status(),
                };
                if status == reqwest::StatusCode::UNAUTHORIZED {
                    source.invalidate();
                    token_refused = true;
                    attempt += 1;
                    continue;
                }
            }
            // A request that may have reached the server is repeated only when the operation
            // is safe to repeat.
            let wait = match classification {
                Classification::Retry { after } if request.idempotent || !reached => {
                    policy.wait_before(attempt + 1, after, waited)
                }
                _ => None,
            };
            let Some(wait) = wait else {
                if let Ok(reply) = &result {
                    let status = match reply {
                        Reply::Read(raw) => raw.status(),
                        Reply::Stream(response) => response.status(),
                    };
                    tracing::Span::current().record("status", status.as_u16());
                }
                return result;
            };
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            waited += wait;
            attempt += 1;
        }
    }

    /// One attempt's HTTP request: headers assembled, then signed when credentials say so.
    fn prepare(
        &self,
        request: &Request,
        endpoint: &reqwest::Url,
        credentials: &super::auth::Applied,
    ) -> Result<reqwest::RequestBuilder, ConstructionError> {
        let mut url = endpoint.as_str().trim_end_matches('/').to_owned();
        url.push_str(&request.path);
        // API keys in the query are query pairs like the others (signed, when signing).
        let query: std::borrow::Cow<'_, [(String, signing::QueryValue)]> =
            if credentials.query.is_empty() {
                std::borrow::Cow::Borrowed(&request.query)
            } else {
                let mut query = request.query.clone();
                query.extend(
                    credentials
                        .query
                        .iter()
                        .map(|(k, v)| (k.clone(), signing::QueryValue::Text(v.clone()))),
                );
                std::borrow::Cow::Owned(query)
            };
        let canonical_query = signing::canonical_query(&query);
        if !canonical_query.is_empty() {
            url.push('?');
            url.push_str(&canonical_query);
        }
        let url = reqwest::Url::parse(&url)
            .map_err(|e| ConstructionError::new("endpoint", e.to_string()))?;
        if url.as_str().len() > MAX_URL_LEN {
            return Err(request.url_too_long(url.as_str().len()));
        }
        // What is signed is the path as sent, an endpoint's path prefix included.
        let sent_path = url.path().to_owned();
        // The headers the request carries (signed, when signing): the user agent, the
        // operation's headers and cookies, and the content type.
        let mut headers: Vec<(String, String)> = vec![(
            "User-Agent".to_owned(),
            self.config
                .user_agent()
                .to_str()
                .unwrap_or_default()
                .to_owned(),
        )];
        headers.extend(request.headers.iter().cloned());
        headers.extend(credentials.headers.iter().cloned());
        let mut sensitive: Vec<&str> = credentials.sensitive.iter().map(String::as_str).collect();
        if !request.cookies.is_empty() || !credentials.cookies.is_empty() {
            let cookies: Vec<&str> = request
                .cookies
                .iter()
                .chain(&credentials.cookies)
                .map(String::as_str)
                .collect();
            headers.push(("Cookie".to_owned(), cookies.join("; ")));
            if !credentials.cookies.is_empty() {
                sensitive.push("Cookie");
            }
        }
        // A multipart body is built now, so that its boundary is known to the signature.
        let form = match &request.body {
            Some(Body::Multipart(parts)) => Some(
                parts
                    .to_form()
                    .map_err(|reason| ConstructionError::new("body", reason))?,
            ),
            _ => None,
        };
        let multipart_type = form
            .as_ref()
            .map(|form| format!("multipart/form-data; boundary={}", form.boundary()));
        let (body_type, body, has_body) = match &request.body {
            Some(Body::Bytes { content_type, data }) => {
                (Some(*content_type), data.as_slice(), !data.is_empty())
            }
            Some(Body::Multipart(_)) => (multipart_type.as_deref(), &[][..], true),
            None => (None, &[][..], false),
        };
        // The body's media type; without a body, the one the spec's conventions name, if any
        // (the vendor's SDK sends, and signs, `application/json` on GETs too).
        if let Some(content_type) = body_type.or(request.conventions.bodiless_content_type) {
            headers.push(("Content-Type".to_owned(), content_type.to_owned()));
        }
        if let Some(Credentials::AkSk {
            access_key,
            secret_key,
            security_token,
        }) = &credentials.signer
        {
            let host = match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
                None => url.host_str().unwrap_or_default().to_owned(),
            };
            let date = signing::format_date(
                self.config
                    .now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            );
            let project_id = request.project_id.as_deref().or(self.config.project_id());
            if let Some(project_id) = project_id {
                if !super::config::header_safe(project_id)
                    || reqwest::header::HeaderValue::from_str(project_id).is_err()
                {
                    return Err(ConstructionError::new(
                        "project_id",
                        "cannot be sent in the signed X-Project-Id header (use visible ASCII)",
                    ));
                }
            }
            let key = signing::SigningKey {
                access_key,
                secret_key: secret_key.expose(),
                project_id,
                security_token: security_token.as_ref().map(|token| token.expose()),
            };
            let unsigned = signing::Unsigned {
                method: request.method.as_str(),
                host: &host,
                path: &sent_path,
                query: &query,
                headers: &headers,
                body,
                has_body,
            };
            headers = signing::sign_request(&unsigned, &key, &date).headers;
            sensitive.push("X-Security-Token");
            sensitive.push("Authorization");
        }
        // `Accept` is the transport's, as the HTTP library's own headers are the SDK's: sent,
        // not signed.
        headers.push(("Accept".to_owned(), request.accept.to_owned()));
        let mut builder = self.config.http().request(request.method.clone(), url);
        for (name, value) in &headers {
            if form.is_some() && name == "Content-Type" {
                // `multipart` below sends this very value (with the boundary signed above).
                continue;
            }
            // Values were checked when the request was assembled and the config built.
            let mut value = reqwest::header::HeaderValue::from_str(value.trim()).map_err(|_| {
                ConstructionError::new("headers", format!("`{name}` cannot be sent"))
            })?;
            value.set_sensitive(sensitive.iter().any(|s| s.eq_ignore_ascii_case(name)));
            builder = builder.header(name.as_str(), value);
        }
        if let Some((user, password)) = &credentials.basic {
            builder = builder.basic_auth(user, Some(password.expose()));
        }
        builder = match (&request.body, form) {
            (Some(Body::Bytes { data, .. }), _) => builder.body(data.clone()),
            (_, Some(form)) => builder.multipart(form),
            _ if !matches!(request.method, reqwest::Method::GET | reqwest::Method::HEAD) => {
                // Bodiless writes carry an explicit empty body, as the SDK's HTTP library
                // sends them.
                builder
                    .header(reqwest::header::CONTENT_LENGTH, "0")
                    .body(Vec::new())
            }
            _ => builder,
        };
        Ok(builder)
    }
}

/// JSON written as Python's `json.dumps` writes it by default (the `python` JSON style of
/// `x-clientgen-conventions`, the vendor's SDK's): `", "` between items, `": "` after keys,
/// every character outside printable ASCII as a `\uXXXX` escape, floats as Python writes
/// them. The same JSON, byte for byte what that SDK sends and hashes.
#[doc(hidden)]
pub fn json_in_python_style<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonJsonFormatter);
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// The formatter of [`json_in_python_style`].
struct PythonJsonFormatter;

/// `", "` before every member but the first, as Python's `json.dumps` separates them.
fn sdk_separator<W: ?Sized + std::io::Write>(writer: &mut W, first: bool) -> std::io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}

impl serde_json::ser::Formatter for PythonJsonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        sdk_separator(writer, first)
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        sdk_separator(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        writer.write_all(signing::python_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        // The float the caller wrote (`0.1`), not its widened double.
        let value = format!("{value:?}")
            .parse::<f64>()
            .unwrap_or(f64::from(value));
        writer.write_all(signing::python_float(value).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // serde_json escapes quotes, backslashes and control characters itself; what is left
        // outside printable ASCII is escaped here, as UTF-16 units.
        let mut rest = fragment;
        while let Some(at) = rest.find(|c: char| !(' '..='~').contains(&c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or(' ');
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
}

/// A request being assembled by an operation.
#[doc(hidden)]
pub struct Request {
    method: reqwest::Method,
    accept: &'static str,
    operation: &'static str,
    #[allow(dead_code)]
    path_template: &'static str,
    /// Safe to send again after it may have reached the server.
    idempotent: bool,
    /// The project id the path uses, sent as `X-Project-Id` when signing.
    project_id: Option<String>,
    path: String,
    /// Typed, so that repeated values of one key are ordered as the vendor's SDK orders them.
    query: Vec<(String, signing::QueryValue)>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<Body>,
    /// What each argument adds to the URL, encoded: (argument, bytes).
    url_parts: Vec<(std::borrow::Cow<'static, str>, usize)>,
    /// The credentials the operation accepts: any one alternative, each of its schemes.
    security: &'static [&'static [&'static super::auth::Scheme]],
    /// The spec's conventions (`<module>::CONVENTIONS`).
    conventions: &'static super::conventions::Conventions,
}

/// `Debug` shows where a request goes, never header values, cookies or the body.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query_keys",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// What a request carries.
enum Body {
    Bytes {
        content_type: &'static str,
        data: Vec<u8>,
    },
    Multipart(Multipart),
}

impl Request {
    #[doc(hidden)]
    pub fn new(
        method: reqwest::Method,
        accept: &'static str,
        operation: &'static str,
        path_template: &'static str,
        idempotent: bool,
    ) -> Self {
        Request {
            method,
            accept,
            operation,
            path_template,
            idempotent,
            project_id: None,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            url_parts: Vec::new(),
            security: &[],
            conventions: &super::conventions::Conventions::DEFAULT,
        }
    }

    /// The error of a URL longer than [`MAX_URL_LEN`], naming the argument that takes the
    /// most of it.
    fn url_too_long(&self, length: usize) -> ConstructionError {
        let (argument, bytes) = self
            .url_parts
            .iter()
            .max_by_key(|(_, bytes)| *bytes)
            .cloned()
            .unwrap_or(("path".into(), self.path.len()));
        ConstructionError::new(
            argument,
            format!(
                "too long: the request URL would be {length} bytes, more than the {MAX_URL_LEN} \
                 an HTTP request can carry, and this argument takes {bytes} of them \
                 (percent-encoded)"
            ),
        )
    }

    /// The project id this request's path uses (it may differ from the configured one).
    #[doc(hidden)]
    pub fn project_id(&mut self, project_id: &str) {
        self.project_id = Some(project_id.to_owned());
    }

    /// Literal text of the path template.
    /// The credentials the operation accepts (its spec's `security`).
    #[doc(hidden)]
    pub fn security(&mut self, alternatives: &'static [&'static [&'static super::auth::Scheme]]) {
        self.security = alternatives;
    }

    /// The spec's conventions (`<module>::CONVENTIONS`): set before the body is written.
    #[doc(hidden)]
    pub fn conventions(&mut self, conventions: &'static super::conventions::Conventions) {
        self.conventions = conventions;
    }

    #[doc(hidden)]
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// A path parameter, encoded as one segment: `/`, `?`, `#` and `%` cannot escape it, and
    /// the values `.` and `..`, which URL parsers resolve away, are refused.
    #[doc(hidden)]
    pub fn segment(
        &mut self,
        argument: &'static str,
        value: &str,
    ) -> Result<(), ConstructionError> {
        if value.is_empty() {
            return Err(ConstructionError::new(
                argument,
                "must not be empty (it is a path segment)",
            ));
        }
        if value == "." || value == ".." {
            return Err(ConstructionError::new(
                argument,
                format!("`{value}` cannot be a path segment"),
            ));
        }
        let start = self.path.len();
        self.path.extend(utf8_percent_encode(value, ENCODE));
        self.url_parts
            .push((argument.into(), self.path.len() - start));
        Ok(())
    }

    /// A query pair, its value typed as it serializes (a string, a number, a boolean); the
    /// query is sent sorted and encoded, exactly as it is signed.
    #[doc(hidden)]
    pub fn query<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), ConstructionError> {
        let value = serde_json::to_value(value).map_err(|e| {
            ConstructionError::new(
                name.to_owned(),
                format!("cannot be written as a query value: {e}"),
            )
        })?;
        self.query_value(name, signing::QueryValue::from_json(&value));
        Ok(())
    }

    fn query_value(&mut self, name: &str, value: signing::QueryValue) {
        let encoded: usize = utf8_percent_encode(&value.text(), ENCODE)
            .map(str::len)
            .sum();
        self.url_parts.push((name.to_owned().into(), encoded));
        self.query.push((name.to_owned(), value));
    }

    #[doc(hidden)]
    pub fn header(
        &mut self,
        argument: &'static str,
        name: &'static str,
        value: impl Display,
    ) -> Result<(), ConstructionError> {
        let value = value.to_string();
        if !super::config::header_safe(&value)
            || reqwest::header::HeaderValue::from_str(&value).is_err()
        {
            return Err(ConstructionError::new(
                argument,
                "cannot be sent in a header: only visible ASCII, spaces and tabs are allowed (no CR, LF, other control or non-ASCII characters)",
            ));
        }
        self.headers
            .push((name.to_owned(), value.trim().to_owned()));
        Ok(())
    }

    /// A structured path parameter, written in its style ([`super::params`]); the same checks
    /// as [`Request::segment`] on the whole segment.
    #[doc(hidden)]
    pub fn segment_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        let value = params::to_value(argument, value)?;
        let text = params::path_text(name, &value, style, explode);
        if text.is_empty() || text == "." || text == ".." {
            return Err(ConstructionError::new(
                argument,
                format!("`{text}` cannot be a path segment"),
            ));
        }
        self.path.push_str(&text);
        self.url_parts.push((argument.into(), text.len()));
        Ok(())
    }

    /// A structured query parameter: the pairs its style gives ([`super::params`]).
    #[doc(hidden)]
    pub fn query_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        let value = params::to_value(argument, value)?;
        for (key, value) in params::query_values(name, &value, style, explode) {
            self.query_value(&key, value);
        }
        Ok(())
    }

    /// A structured header, in the simple style (or as JSON text).
    #[doc(hidden)]
    pub fn header_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &'static str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        let value = params::to_value(argument, value)?;
        self.header(argument, name, params::header_text(&value, style, explode))
    }

    /// Structured cookies: one per pair the form style gives.
    #[doc(hidden)]
    pub fn cookie_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        name: &str,
        value: &T,
        style: params::Style,
        explode: bool,
    ) -> Result<(), ConstructionError> {
        for (key, text) in params::pairs(argument, name, value, style, explode)? {
            self.cookie(&key, text);
        }
        Ok(())
    }

    /// A cookie; the value is percent-encoded, as cookie values cannot hold `;`, `,` or spaces.
    #[doc(hidden)]
    pub fn cookie(&mut self, name: &str, value: impl Display) {
        let value = utf8_percent_encode(&value.to_string(), ENCODE).to_string();
        self.cookies.push(format!("{name}={value}"));
    }

    /// A JSON body.
    #[doc(hidden)]
    pub fn json_body<T: serde::Serialize>(
        &mut self,
        content_type: &'static str,
        value: &T,
    ) -> Result<(), ConstructionError> {
        let data = self.conventions.json(value).map_err(|e| {
            ConstructionError::new("body", format!("cannot be written as JSON: {e}"))
        })?;
        self.body = Some(Body::Bytes { content_type, data });
        Ok(())
    }

    /// An `application/x-www-form-urlencoded` body from a value's top-level members: arrays
    /// repeat the key, nested objects are sent as JSON text, nulls are left out.
    #[doc(hidden)]
    pub fn form_body<T: serde::Serialize>(&mut self, value: &T) -> Result<(), ConstructionError> {
        let value = serde_json::to_value(value).map_err(|e| {
            ConstructionError::new("body", format!("cannot be written as a form: {e}"))
        })?;
        let serde_json::Value::Object(members) = value else {
            return Err(ConstructionError::new(
                "body",
                "a form body must be an object",
            ));
        };
        let mut pairs = Vec::new();
        for (key, member) in &members {
            let values = match member {
                serde_json::Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for v in values {
                let text = match v {
                    serde_json::Value::Null => continue,
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                pairs.push(format!(
                    "{}={}",
                    utf8_percent_encode(key, ENCODE),
                    utf8_percent_encode(&text, ENCODE)
                ));
            }
        }
        self.body = Some(Body::Bytes {
            content_type: "application/x-www-form-urlencoded",
            data: pairs.join("&").into_bytes(),
        });
        Ok(())
    }

    /// A body sent as it is.
    #[doc(hidden)]
    pub fn raw_body(&mut self, content_type: &'static str, data: impl Into<Vec<u8>>) {
        self.body = Some(Body::Bytes {
            content_type,
            data: data.into(),
        });
    }

    #[doc(hidden)]
    pub fn multipart_body(&mut self, value: &Multipart) -> Result<(), ConstructionError> {
        value
            .to_form()
            .map_err(|reason| ConstructionError::new("body", reason))?;
        self.body = Some(Body::Multipart(value.clone()));
        Ok(())
    }

    /// The path and query as they go on the wire (for tests of the encoding).
    #[cfg(test)]
    fn target(&self) -> String {
        let query = signing::canonical_query(&self.query);
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        }
    }
}

/// Values written as one text, joined by `separator` (arrays in paths, headers, queries).
/// A response as an operation's decoder receives it.
#[doc(hidden)]
#[derive(Debug)]
pub enum Reply {
    /// Read whole: every documented body but a streamed one.
    Read(RawResponse),
    /// Left streaming: a binary success body.
    Stream(reqwest::Response),
}

impl Reply {
    /// The read response. A decoder that streams nothing is never given a stream; if it were,
    /// it would see the status and headers with an empty body rather than fail.
    #[doc(hidden)]
    pub fn into_read(self) -> RawResponse {
        match self {
            Reply::Read(raw) => raw,
            Reply::Stream(response) => RawResponse::head_only(response),
        }
    }
}

#[doc(hidden)]
pub fn join<T: Display>(values: &[T], separator: &str) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// Checks a number against its documented bounds.
#[doc(hidden)]
pub fn check_range<T: PartialOrd + Display>(
    argument: &'static str,
    value: T,
    minimum: Option<(T, bool)>,
    maximum: Option<(T, bool)>,
) -> Result<(), ConstructionError> {
    if let Some((min, exclusive)) = minimum {
        if value < min || (exclusive && value == min) {
            let relation = if exclusive {
                "greater than"
            } else {
                "at least"
            };
            return Err(ConstructionError::new(
                argument,
                format!("must be {relation} {min}, got {value}"),
            ));
        }
    }
    if let Some((max, exclusive)) = maximum {
        if value > max || (exclusive && value == max) {
            let relation = if exclusive { "less than" } else { "at most" };
            return Err(ConstructionError::new(
                argument,
                format!("must be {relation} {max}, got {value}"),
            ));
        }
    }
    Ok(())
}

/// Checks a string's length in characters (as JSON Schema counts) against its bounds.
#[doc(hidden)]
pub fn check_length(
    argument: &'static str,
    value: &str,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), ConstructionError> {
    let length = value.chars().count();
    if let Some(min) = minimum {
        if length < min {
            let reason = if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must have at least {min} characters, got {length}")
            };
            return Err(ConstructionError::new(argument, reason));
        }
    }
    if let Some(max) = maximum {
        if length > max {
            return Err(ConstructionError::new(
                argument,
                format!("must have at most {max} characters, got {length}"),
            ));
        }
    }
    Ok(())
}

/// Checks an array's length against its bounds.
#[doc(hidden)]
pub fn check_items(
    argument: &'static str,
    length: usize,
    minimum: Option<usize>,
    maximum: Option<usize>,
) -> Result<(), ConstructionError> {
    if minimum.is_some_and(|min| length < min) || maximum.is_some_and(|max| length > max) {
        let bounds = match (minimum, maximum) {
            (Some(min), Some(max)) => format!("between {min} and {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => unreachable!("checked above"),
        };
        return Err(ConstructionError::new(
            argument,
            format!("must have {bounds} items, got {length}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request::new(
            reqwest::Method::GET,
            "application/json",
            "Test",
            "/v1/{id}",
            true,
        )
    }

    #[test]
    fn segments_cannot_change_the_path() {
        let mut r = request();
        r.literal("/v1/");
        r.segment("id", "../x").unwrap();
        r.literal("/");
        r.segment("id", "a/b?c#d%e f").unwrap();
        assert_eq!(r.target(), "/v1/..%2Fx/a%2Fb%3Fc%23d%25e%20f");
        assert!(r.segment("id", "..").is_err());
        assert!(r.segment("id", "").is_err());
    }

    #[test]
    fn query_is_sorted_on_raw_values_and_encoded() {
        let mut r = request();
        r.literal("/x");
        r.query("b", "2 3").unwrap();
        r.query("a", "é&=").unwrap();
        r.query("b", "1").unwrap();
        assert_eq!(r.target(), "/x?a=%C3%A9%26%3D&b=1&b=2%203");
    }

    #[test]
    fn repeated_query_values_are_ordered_by_type() {
        let mut r = request();
        r.literal("/x");
        for n in [10, 1, 2] {
            r.query("n", &n).unwrap();
        }
        r.query("f", &true).unwrap();
        r.query("s", "10").unwrap();
        r.query("s", "9").unwrap();
        r.query("x", &1.0).unwrap();
        assert_eq!(r.target(), "/x?f=true&n=1&n=2&n=10&s=10&s=9&x=1.0");
        let mut r = request();
        r.literal("/x");
        r.query_styled("ids", "ids", &[3u8, 20, 1], params::Style::Form, true)
            .unwrap();
        assert_eq!(r.target(), "/x?ids=1&ids=3&ids=20");
    }

    #[test]
    fn json_bodies_are_written_as_the_sdk_writes_them() {
        #[derive(serde::Serialize)]
        struct Body {
            name: &'static str,
            count: u32,
            flag: bool,
            items: Vec<&'static str>,
            ratio: f64,
            nested: std::collections::BTreeMap<&'static str, Option<u8>>,
        }
        let body = Body {
            name: "caf\u{e9} \u{65e5}\u{672c} \u{1f600}\"\\\n\u{7f}",
            count: 3,
            flag: true,
            items: vec!["b", "a"],
            ratio: 1.0,
            nested: [("k", None)].into_iter().collect(),
        };
        assert_eq!(
            String::from_utf8(json_in_python_style(&body).unwrap()).unwrap(),
            r#"{"name": "caf\u00e9 \u65e5\u672c \ud83d\ude00\"\\\n\u007f", "count": 3, "flag": true, "items": ["b", "a"], "ratio": 1.0, "nested": {"k": null}}"#
        );
        assert_eq!(json_in_python_style(&Vec::<u8>::new()).unwrap(), b"[]");
    }

    #[test]
    fn json_bodies_follow_the_conventions() {
        let body = serde_json::json!({"a": [1, 2], "b": "\u{e9}"});
        let mut r = request();
        r.json_body("application/json", &body).unwrap();
        let Some(Body::Bytes { data, .. }) = &r.body else {
            panic!("no body")
        };
        assert_eq!(data.as_slice(), "{\"a\":[1,2],\"b\":\"\u{e9}\"}".as_bytes());
        const PYTHON: super::super::conventions::Conventions =
            super::super::conventions::Conventions {
                json_style: super::super::conventions::JsonStyle::Python,
                ..super::super::conventions::Conventions::DEFAULT
            };
        let mut r = request();
        r.conventions(&PYTHON);
        r.json_body("application/json", &body).unwrap();
        let Some(Body::Bytes { data, .. }) = &r.body else {
            panic!("no body")
        };
        assert_eq!(data.as_slice(), br#"{"a": [1, 2], "b": "\u00e9"}"#);
    }

    #[test]
    fn servers_resolve_their_region() {
        let server = Server {
            url: "https://css.{region}.example.com",
            defaults: &[("region", "eu-de")],
        };
        assert_eq!(server.resolve(None), "https://css.eu-de.example.com");
        assert_eq!(
            server.resolve(Some("eu-nl")),
            "https://css.eu-nl.example.com"
        );
    }

    #[test]
    fn range_and_length_checks_name_the_argument() {
        let e = check_range("limit", 0, Some((1, false)), Some((1000, false))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid argument `limit`: must be at least 1, got 0; nothing was sent"
        );
        assert!(check_range("limit", 1000, Some((1, false)), Some((1000, false))).is_ok());
        assert!(check_range("x", 5.0, None, Some((5.0, true))).is_err());
        assert_eq!(
            check_length("id", "", Some(1), None).unwrap_err().reason(),
            "must not be empty"
        );
        assert!(check_items("ids", 3, Some(1), Some(2)).is_err());
    }
}
