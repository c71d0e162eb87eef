//! Test doubles, behind the `mock` Cargo feature (off by default): a [`Mock`] answers the
//! calls of every client built on its configuration in place of the network, so code that
//! uses the client can be tested without a server. No socket is opened.
//!
//! Only the exchange is replaced. Everything else runs as it does against a server: arguments
//! are checked, credentials chosen, the request encoded and signed, hooks run, the response
//! goes through the operation's own decoders, retries, timeouts, waiters, paginators and
//! downloads (streamed bodies and pre-signed links) behave as in production.
//!
//! ```ignore
//! use my_client::mock::{Answer, Mock};
//! use my_client::{css, Config};
//!
//! let mock = Mock::new();
//! mock.on(css::operations::ListLogsJob::OPERATION_ID)
//!     .answer(Answer::status(503)) // the first call: retried
//!     .answer(Answer::json(serde_json::json!({"clusterLogRecord": [], "totalSize": 0})));
//! let config = Config::builder().mock(&mock).token("test").project_id("p").build()?;
//! let page = css::Client::new(&config).list_logs_job("c1").send().await?;
//! assert_eq!(page.total_size, Some(0));
//! let sent = mock.requests();
//! assert_eq!(sent.len(), 2);
//! assert_eq!(sent[1].header("X-Auth-Token"), Some("test"));
//! ```
//!
//! - **Rules** ([`Mock::on`]) match calls by operation id (each request builder has its
//!   `OPERATION_ID`), and optionally by conditions on the request ([`Rule::when`]). Rules are
//!   tried in the order they were added; a rule whose answers are used up no longer matches,
//!   so the next one for the same operation takes over.
//! - **Answers** ([`Answer`]) are given in order: each one answers one call
//!   ([`Rule::answer`]), a number of calls ([`Rule::answer_times`]) or every call from then on
//!   ([`Rule::answer_always`]). An answer is a response (a status, headers and a body:
//!   [`Answer::json`] writes any `Serialize` value, such as `serde_json::json!(..)`, as the
//!   success body the operation decodes into its typed result), a refused connection
//!   ([`Answer::connection_refused`]), or one computed from the request ([`Answer::from_fn`]);
//!   [`Answer::after`] delays it, so the attempt and operation timeouts can expire.
//! - **Requests** are recorded as they were sent, each attempt on its own
//!   ([`Mock::requests`]): method, URL, headers (credentials included, as sent; `Debug` of a
//!   [`Sent`] prints neither credential headers nor the body) and body.
//! - A call **no rule answers** fails with [`Error::Dispatch`](super::Error::Dispatch),
//!   naming the operation and why ("no rule for this operation", "no rule's condition matches
//!   the request", "every rule matching it has given all its answers"), which the standard
//!   retry classifier does not retry.

use super::config::ConfigBuilder;
use super::error::DispatchError;
use super::transport::{Exchange, ExchangeCall};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// The operation id under which the download of a pre-signed link
/// ([`PresignedLink`](super::PresignedLink)) reaches the mock ([`Mock::on_link`]).
pub const PRESIGNED_LINK: &str = super::transport::PRESIGNED_LINK;

/// Answers the calls of every client built on a configuration given it
/// ([`ConfigBuilder::mock`]), and records what they sent. Cheap to clone: clones share their
/// rules and records.
#[derive(Clone, Default)]
pub struct Mock {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    rules: Mutex<Vec<Arc<RuleState>>>,
    sent: Mutex<Vec<Sent>>,
}

type Condition = Arc<dyn Fn(&Sent) -> bool + Send + Sync>;

struct RuleState {
    operation: String,
    conditions: Mutex<Vec<Condition>>,
    /// Each answer, with the number of calls it still answers (`None`: every call).
    answers: Mutex<VecDeque<(Answer, Option<usize>)>>,
    calls: AtomicUsize,
}

/// A poisoned lock only means a condition panicked in another test thread: the data is fine.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Mock {
    /// A mock without rules: every call fails until a rule answers it.
    pub fn new() -> Self {
        Mock::default()
    }

    /// A configuration builder whose calls this mock answers (`Config::builder().mock(self)`).
    pub fn config(&self) -> ConfigBuilder {
        super::Config::builder().mock(self)
    }

    /// Adds a rule for the operation with the id `operation` (the request builder's
    /// `OPERATION_ID`, as in `css::operations::ListLogsJob::OPERATION_ID`); give it answers.
    pub fn on(&self, operation: &str) -> Rule {
        let state = Arc::new(RuleState {
            operation: operation.to_owned(),
            conditions: Mutex::default(),
            answers: Mutex::default(),
            calls: AtomicUsize::new(0),
        });
        lock(&self.shared.rules).push(state.clone());
        Rule { state }
    }

    /// Adds a rule for downloads of pre-signed links ([`PRESIGNED_LINK`]): the link's `GET`,
    /// made with the configuration (`PresignedLink::save_to(&config, ..)`).
    pub fn on_link(&self) -> Rule {
        self.on(PRESIGNED_LINK)
    }

    /// Every request sent so far, in order, each attempt of a call on its own (answered or not).
    pub fn requests(&self) -> Vec<Sent> {
        lock(&self.shared.sent).clone()
    }

    /// The requests of the operation `operation`, in order.
    pub fn requests_for(&self, operation: &str) -> Vec<Sent> {
        lock(&self.shared.sent)
            .iter()
            .filter(|sent| sent.operation == operation)
            .cloned()
            .collect()
    }

    /// Panics unless every rule gave every answer it was given (a rule answering always must
    /// have answered at least once): what a test expected to be called was called.
    pub fn assert_all_used(&self) {
        let unused: Vec<String> = lock(&self.shared.rules)
            .iter()
            .filter_map(|rule| {
                let answers = lock(&rule.answers);
                let calls = rule.calls.load(Ordering::Relaxed);
                let left: usize = answers.iter().map(|(_, times)| times.unwrap_or(0)).sum();
                let always_unused = calls == 0 && answers.iter().any(|(_, t)| t.is_none());
                (left > 0 || always_unused).then(|| {
                    format!(
                        "`{}` (answered {calls} call(s), {left} answer(s) left)",
                        rule.operation
                    )
                })
            })
            .collect();
        assert!(
            unused.is_empty(),
            "mock rules not used up: {}",
            unused.join(", ")
        );
    }

    /// The next answer for `sent`: the first rule for its operation whose conditions hold and
    /// which has an answer left, or why there is none.
    fn answer_for(&self, sent: &Sent) -> Result<Answer, &'static str> {
        // Conditions are the user's code: run without the mock's own locks held.
        let rules: Vec<Arc<RuleState>> = lock(&self.shared.rules)
            .iter()
            .filter(|rule| rule.operation == sent.operation)
            .cloned()
            .collect();
        if rules.is_empty() {
            return Err("no rule for this operation (add one with `Mock::on`)");
        }
        let mut matched = false;
        for rule in rules {
            let conditions = lock(&rule.conditions).clone();
            if !conditions.iter().all(|holds| holds(sent)) {
                continue;
            }
            matched = true;
            if let Some(answer) = rule.take() {
                return Ok(answer);
            }
        }
        Err(if matched {
            "every rule matching it has given all its answers"
        } else {
            "no rule's condition matches the request"
        })
    }
}

impl fmt::Debug for Mock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mock")
            .field("rules", &lock(&self.shared.rules).len())
            .field("requests", &lock(&self.shared.sent).len())
            .finish()
    }
}

impl RuleState {
    fn take(&self) -> Option<Answer> {
        let mut answers = lock(&self.answers);
        let (answer, times) = answers.front_mut()?;
        let answer = answer.clone();
        if let Some(left) = times {
            *left -= 1;
            if *left == 0 {
                answers.pop_front();
            }
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        Some(answer)
    }
}

/// A rule of a [`Mock`], added by [`Mock::on`]: its conditions and answers. It is in force as
/// soon as it is made; the value only adds to it (and counts its calls).
#[derive(Clone)]
pub struct Rule {
    state: Arc<RuleState>,
}

impl Rule {
    /// Matches only requests for which `condition` holds (every condition given must hold),
    /// e.g. `|sent| sent.query("offset") == Some("1".into())`.
    pub fn when(self, condition: impl Fn(&Sent) -> bool + Send + Sync + 'static) -> Self {
        lock(&self.state.conditions).push(Arc::new(condition));
        self
    }

    /// Answers the next matching call with `answer` (after the answers given before it).
    pub fn answer(self, answer: Answer) -> Self {
        self.answer_times(1, answer)
    }

    /// Answers the next `times` matching calls with `answer`.
    ///
    /// Panics after [`answer_always`](Self::answer_always), whose answer no other follows.
    pub fn answer_times(self, times: usize, answer: Answer) -> Self {
        self.push(answer, Some(times))
    }

    /// Answers every further matching call with `answer`.
    ///
    /// Panics after another `answer_always`, whose answer no other follows.
    pub fn answer_always(self, answer: Answer) -> Self {
        self.push(answer, None)
    }

    fn push(self, answer: Answer, times: Option<usize>) -> Self {
        {
            let mut answers = lock(&self.state.answers);
            assert!(
                !answers.iter().any(|(_, t)| t.is_none()),
                "mock rule for `{}`: an answer after `answer_always` would never be given",
                self.state.operation
            );
            if times != Some(0) {
                answers.push_back((answer, times));
            }
        }
        self
    }

    /// How many calls this rule has answered.
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("operation", &self.state.operation)
            .field("conditions", &lock(&self.state.conditions).len())
            .field("answers_left", &lock(&self.state.answers).len())
            .field("calls", &self.calls())
            .finish()
    }
}

/// How a [`Mock`] answers a call: a response, a refused connection, or an answer computed from
/// the request; optionally after a delay.
#[derive(Clone)]
pub struct Answer {
    reply: Reply,
    delay: Option<Duration>,
}

#[derive(Clone)]
enum Reply {
    Response {
        status: StatusCode,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Bytes,
    },
    ConnectionRefused,
    With(Arc<dyn Fn(&Sent) -> Answer + Send + Sync>),
}

impl Answer {
    /// A response with the status `status` and an empty body.
    ///
    /// Panics if `status` is not an HTTP status (100 to 999).
    pub fn status(status: u16) -> Answer {
        Answer {
            reply: Reply::Response {
                status: status_code(status),
                headers: Vec::new(),
                body: Bytes::new(),
            },
            delay: None,
        }
    }

    /// A `200` response whose body is `value` as JSON (`Content-Type: application/json`):
    /// a `serde_json::json!(..)` value, or any `Serialize` value shaped as the operation's
    /// success body, which the call decodes into its typed result.
    ///
    /// Panics if `value` cannot be written as JSON (a map with non-string keys...).
    pub fn json(value: impl serde::Serialize) -> Answer {
        let body = serde_json::to_vec(&value)
            .unwrap_or_else(|e| panic!("mock answer: the value cannot be written as JSON: {e}"));
        Answer::status(200)
            .header("Content-Type", "application/json")
            .body(body)
    }

    /// A `200` response with `body` as it is (`Content-Type: application/octet-stream`): a
    /// download.
    pub fn bytes(body: impl Into<Bytes>) -> Answer {
        Answer::status(200)
            .header("Content-Type", "application/octet-stream")
            .body(body)
    }

    /// A refused connection: the request never reached a server, so the call retries it (as
    /// the retry policy allows, whatever the operation).
    pub fn connection_refused() -> Answer {
        Answer {
            reply: Reply::ConnectionRefused,
            delay: None,
        }
    }

    /// The answer `answer(request)` for each request: one computed from what was sent (an
    /// echo, a page that follows the requested offset...).
    pub fn from_fn(answer: impl Fn(&Sent) -> Answer + Send + Sync + 'static) -> Answer {
        Answer {
            reply: Reply::With(Arc::new(answer)),
            delay: None,
        }
    }

    /// The same answer with the status `status`.
    ///
    /// Panics if `status` is not an HTTP status, or this answer is not a response.
    pub fn with_status(mut self, status: u16) -> Answer {
        let Reply::Response { status: held, .. } = &mut self.reply else {
            panic!("mock answer: only a response has a status");
        };
        *held = status_code(status);
        self
    }

    /// The same answer with the header `name: value` added.
    ///
    /// Panics if the name or value cannot be a header's, or this answer is not a response.
    pub fn header(mut self, name: &str, value: &str) -> Answer {
        let Reply::Response { headers, .. } = &mut self.reply else {
            panic!("mock answer: only a response has headers");
        };
        let name = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("mock answer: `{name}` is not a header name"));
        let value = HeaderValue::from_str(value)
            .unwrap_or_else(|_| panic!("mock answer: the value of `{name}` cannot be sent"));
        headers.push((name, value));
        self
    }

    /// The same answer with `body` as its body (replacing any).
    ///
    /// Panics if this answer is not a response.
    pub fn body(mut self, body: impl Into<Bytes>) -> Answer {
        let Reply::Response { body: held, .. } = &mut self.reply else {
            panic!("mock answer: only a response has a body");
        };
        *held = body.into();
        self
    }

    /// The same answer, given `delay` after the request arrived: an attempt or operation
    /// timeout shorter than it expires first (with tokio's paused clock, no real time passes).
    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = Some(delay);
        self
    }

    /// The response for `sent`, after the answer's delay.
    async fn give(self, sent: &Sent) -> Result<reqwest::Response, DispatchError> {
        let mut answer = self;
        // An answer computed from the request may itself be computed: at most a few levels.
        for _ in 0..8 {
            let Reply::With(compute) = &answer.reply else {
                break;
            };
            let next = compute(sent);
            answer = Answer {
                delay: answer.delay.or(next.delay),
                reply: next.reply,
            };
        }
        if let Some(delay) = answer.delay {
            tokio::time::sleep(delay).await;
        }
        match answer.reply {
            Reply::Response {
                status,
                headers,
                body,
            } => {
                use reqwest::ResponseBuilderExt as _;
                let mut response = ::http::Response::builder()
                    .status(status)
                    .url(sent.url.clone());
                for (name, value) in headers {
                    response = response.header(name, value);
                }
                let response = response.body(body).map_err(|e| {
                    DispatchError::mocked(false, format!("the mock's answer is invalid: {e}"))
                })?;
                Ok(reqwest::Response::from(response))
            }
            Reply::ConnectionRefused => Err(DispatchError::mocked(
                true,
                format!(
                    "connection refused (the mock's answer to `{}`)",
                    sent.operation
                ),
            )),
            Reply::With(_) => Err(DispatchError::mocked(
                false,
                "the mock's answer computes answers more than 8 levels deep",
            )),
        }
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .unwrap_or_else(|_| panic!("mock answer: {status} is not an HTTP status"))
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Answer");
        match &self.reply {
            Reply::Response {
                status,
                headers,
                body,
            } => {
                let names: Vec<&str> = headers.iter().map(|(name, _)| name.as_str()).collect();
                out.field("status", status)
                    .field("headers", &names)
                    .field("body_bytes", &body.len())
            }
            Reply::ConnectionRefused => out.field("connection", &"refused"),
            Reply::With(_) => out.field("computed", &true),
        };
        out.field("delay", &self.delay).finish()
    }
}

/// A request as it was sent to the [`Mock`] (after signing and the hooks), one per attempt.
#[derive(Clone)]
pub struct Sent {
    operation: &'static str,
    attempt: u32,
    method: Method,
    url: Url,
    /// The URL with credentials in the query (or a whole link) redacted, for `Debug`.
    shown_url: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Sent {
    /// The operation's id, or [`PRESIGNED_LINK`] for a link's download.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Which attempt of its call this is: 1, then 2 for the first retry...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL as sent: the endpoint, the encoded path and the query.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The URL's path, percent-encoded as sent.
    pub fn path(&self) -> &str {
        self.url.path()
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }

    /// Every query pair, decoded, in the order sent.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.url
            .query_pairs()
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect()
    }

    /// The value of the header `name` (the first, if repeated), when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Every header as sent, credentials included (marked sensitive, so `Debug` hides them).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as sent (empty when there is none).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body read as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// `Debug` hides credential headers, API keys in the query, a link's URL and the body.
impl fmt::Debug for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sent")
            .field("operation", &self.operation)
            .field("attempt", &self.attempt)
            .field("method", &self.method)
            .field("url", &self.shown_url)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl Exchange for Mock {
    fn exchange(
        &self,
        mut request: reqwest::Request,
        call: ExchangeCall,
    ) -> Pin<Box<dyn Future<Output = Result<reqwest::Response, DispatchError>> + Send + '_>> {
        Box::pin(async move {
            let body = match request.body_mut().take() {
                None => Bytes::new(),
                Some(body) => match body.as_bytes() {
                    Some(bytes) => Bytes::copy_from_slice(bytes),
                    // A streamed body (multipart): read whole, as a server would.
                    None => reqwest::Response::from(::http::Response::new(body))
                        .bytes()
                        .await
                        .map_err(DispatchError::new)?,
                },
            };
            let sent = Sent {
                operation: call.operation,
                attempt: call.attempt,
                method: request.method().clone(),
                url: request.url().clone(),
                shown_url: call.shown_url,
                headers: request.headers().clone(),
                body,
            };
            lock(&self.shared.sent).push(sent.clone());
            match self.answer_for(&sent) {
                Ok(answer) => answer.give(&sent).await,
                Err(reason) => Err(DispatchError::mocked(
                    false,
                    format!(
                        "the mock has no answer for `{}` ({} {}): {reason}",
                        sent.operation, sent.method, sent.shown_url
                    ),
                )),
            }
        })
    }
}

impl ConfigBuilder {
    /// Sends every call of the clients built on this configuration to `mock` instead of the
    /// network (the `mock` feature, for tests): the requests are made, signed and recorded,
    /// the mock's answers decoded, exactly as with a server; no socket is opened. Downloads of
    /// pre-signed links go to it too ([`Mock::on_link`]). It takes the place of
    /// [`http_client`](Self::http_client) and [`link_http_client`](Self::link_http_client).
    pub fn mock(mut self, mock: &Mock) -> Self {
        self.exchange = Some(Arc::new(mock.clone()));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outcome of a future that never waits, without an async runtime.
    fn ready<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the exchange waited"),
        }
    }

    fn request(method: Method, url: &str, body: Option<&'static str>) -> reqwest::Request {
        let client = reqwest::Client::new();
        let mut builder = client.request(method, url).header("X-Auth-Token", {
            let mut value = HeaderValue::from_static("secret-token");
            value.set_sensitive(true);
            value
        });
        if let Some(body) = body {
            builder = builder.body(body);
        }
        builder.build().expect("a valid request")
    }

    fn call(operation: &'static str, attempt: u32) -> ExchangeCall {
        ExchangeCall {
            operation,
            attempt,
            shown_url: "https://example.test/x".to_owned(),
        }
    }

    fn exchange(
        mock: &Mock,
        operation: &'static str,
        url: &str,
    ) -> Result<reqwest::Response, DispatchError> {
        ready(mock.exchange(request(Method::GET, url, None), call(operation, 1)))
    }

    #[test]
    fn answers_follow_their_order_and_the_last_repeats_only_when_told() {
        let mock = Mock::new();
        let rule = mock
            .on("List")
            .answer(Answer::status(503))
            .answer_times(2, Answer::json(serde_json::json!({"n": 1})))
            .answer_always(Answer::status(204));
        let statuses: Vec<u16> = (0..5)
            .map(|_| {
                exchange(&mock, "List", "https://example.test/x")
                    .expect("answered")
                    .status()
                    .as_u16()
            })
            .collect();
        assert_eq!(statuses, [503, 200, 200, 204, 204]);
        assert_eq!(rule.calls(), 5);
        mock.assert_all_used();

        let once = Mock::new();
        once.on("Get").answer(Answer::status(200));
        assert!(exchange(&once, "Get", "https://example.test/x").is_ok());
        let used_up = exchange(&once, "Get", "https://example.test/x").unwrap_err();
        assert_eq!(
            used_up.to_string(),
            "request failed: the mock has no answer for `Get` (GET https://example.test/x): \
             every rule matching it has given all its answers"
        );
        assert!(!used_up.is_connect());
    }

    #[test]
    fn conditions_pick_the_rule_and_unanswered_calls_name_the_operation() {
        let mock = Mock::new();
        mock.on("List")
            .when(|sent| sent.query("page") == Some("2".to_owned()))
            .answer_always(Answer::status(202));
        mock.on("List").answer_always(Answer::status(200));
        let status = |url| exchange(&mock, "List", url).unwrap().status().as_u16();
        assert_eq!(status("https://example.test/x?page=2"), 202);
        assert_eq!(status("https://example.test/x?page=1"), 200);

        let strict = Mock::new();
        strict
            .on("List")
            .when(|sent| sent.method() == Method::POST)
            .answer(Answer::status(200));
        let e = exchange(&strict, "List", "https://example.test/x").unwrap_err();
        assert!(
            e.to_string()
                .ends_with("no rule's condition matches the request"),
            "{e}"
        );
        let e = exchange(&strict, "Other", "https://example.test/x").unwrap_err();
        assert!(e.to_string().contains("`Other`"), "{e}");
        assert!(e
            .to_string()
            .ends_with("no rule for this operation (add one with `Mock::on`)"));
        // Unanswered calls are recorded too.
        assert_eq!(strict.requests().len(), 2);
        assert_eq!(strict.requests_for("Other").len(), 1);
    }

    #[test]
    fn responses_carry_status_headers_body_and_the_request_url() {
        let mock = Mock::new();
        mock.on("Get").answer(
            Answer::json(serde_json::json!({"a": [1, 2]}))
                .with_status(201)
                .header("X-Request-Id", "r-1"),
        );
        let response = exchange(&mock, "Get", "https://example.test/v1/x?q=1").unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.url().as_str(), "https://example.test/v1/x?q=1");
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.headers()["x-request-id"], "r-1");
        assert_eq!(response.content_length(), Some(11));
        let body = ready(response.bytes()).unwrap();
        assert_eq!(&body[..], br#"{"a":[1,2]}"#);
    }

    #[test]
    fn requests_are_recorded_as_sent_and_debug_hides_secrets() {
        let mock = Mock::new();
        mock.on("Create").answer_always(Answer::from_fn(|sent| {
            Answer::bytes(sent.body().to_vec()).with_status(200)
        }));
        let response = ready(mock.exchange(
            request(
                Method::POST,
                "https://example.test/items?key=k1",
                Some(r#"{"name":"n"}"#),
            ),
            call("Create", 2),
        ))
        .unwrap();
        assert_eq!(&ready(response.bytes()).unwrap()[..], br#"{"name":"n"}"#);
        let sent = &mock.requests()[0];
        assert_eq!(sent.operation(), "Create");
        assert_eq!(sent.attempt(), 2);
        assert_eq!(sent.method(), Method::POST);
        assert_eq!(sent.path(), "/items");
        assert_eq!(sent.query("key").as_deref(), Some("k1"));
        assert_eq!(sent.query_pairs(), [("key".to_owned(), "k1".to_owned())]);
        assert_eq!(sent.header("x-auth-token"), Some("secret-token"));
        assert_eq!(sent.json().unwrap(), serde_json::json!({"name": "n"}));
        let shown = format!("{sent:?}");
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(!shown.contains("k1"), "{shown}");
        assert!(!shown.contains("name"), "{shown}");
    }

    #[test]
    fn a_refused_connection_is_a_connect_failure() {
        let mock = Mock::new();
        mock.on("Get").answer(Answer::connection_refused());
        let e = exchange(&mock, "Get", "https://example.test/x").unwrap_err();
        assert!(e.is_connect());
        assert_eq!(
            e.to_string(),
            "request failed: connection refused (the mock's answer to `Get`)"
        );
    }

    #[test]
    #[should_panic(
        expected = "mock rules not used up: `Get` (answered 0 call(s), 2 answer(s) left)"
    )]
    fn unused_answers_are_reported() {
        let mock = Mock::new();
        mock.on("Get").answer_times(2, Answer::status(200));
        mock.assert_all_used();
    }

    #[test]
    #[should_panic(expected = "an answer after `answer_always` would never be given")]
    fn nothing_follows_an_answer_given_always() {
        let _ = Mock::new()
            .on("Get")
            .answer_always(Answer::status(200))
            .answer(Answer::status(500));
    }

    #[test]
    fn a_config_built_on_a_mock_says_so() {
        let mock = Mock::new();
        let config = mock.config().build().unwrap();
        assert!(config.exchange().is_some());
        assert!(format!("{config:?}").contains("a mock (nothing is sent)"));
        assert!(super::super::Config::builder()
            .build()
            .unwrap()
            .exchange()
            .is_none());
    }
}
