//! Sending a call: every attempt prepared afresh (credentials, signature, hooks), answered
//! by the network or a test double, retried and timed as configured, all in the call's span.

use super::config::{Config, HookContext};
use super::endpoint::Server;
use super::error::{
    ConstructionError, DispatchError, Error, RawResponse, ReadError, ResponseError, TimeoutError,
    TimeoutKind,
};
use super::request::Request;
use super::retry::{AttemptOutcome, Classification};
use super::ResponseValue;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument as _;

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
        Transport {
            config: config.clone(),
            endpoint: super::endpoint::resolve(config, server),
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
            let prepared = request.prepare(&self.config, endpoint, &credentials)?;
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
                        let call = ExchangeCall {
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
}

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
