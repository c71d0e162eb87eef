//! The configuration every service client of this crate shares: endpoint or region,
//! credentials, timeouts, retries.

use super::retry::{RetryClassifier, RetryConfig, StandardClassifier};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// What `Debug` prints in place of a secret.
#[doc(hidden)]
pub const REDACTED: &str = "** redacted **";

/// A secret string: never printed by `Debug`, and not `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; the name says what the call site does with it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// How requests prove who sends them: one credential, for the security schemes of its kind
/// (or for one scheme, named with [`ConfigBuilder::credential_for`]).
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// A token or API key, sent where the spec's API-key scheme says (a header, a query
    /// parameter or a cookie).
    Token(Secret),
    /// An access key and secret key: every request is signed (`SDK-HMAC-SHA256`, for a
    /// scheme declaring that signer). A security token (temporary credentials) is sent as
    /// `X-Security-Token` and signed too.
    AkSk {
        access_key: String,
        secret_key: Secret,
        security_token: Option<Secret>,
    },
    /// A user and password: HTTP basic authentication.
    Basic { user: String, password: Secret },
    /// Bearer tokens from a source (a fixed token, a callback, the OAuth 2.0
    /// client-credentials flow): HTTP bearer, OAuth 2.0 and OpenID Connect schemes.
    Bearer(Arc<dyn super::auth::TokenSource>),
    /// The credential of another HTTP scheme, sent as `Authorization: <scheme> <value>`.
    Http(Secret),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(token) => f.debug_tuple("Token").field(token).finish(),
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
            } => f
                .debug_struct("AkSk")
                .field("access_key", access_key)
                .field("secret_key", secret_key)
                .field("security_token", security_token)
                .finish(),
            Credentials::Basic { user, password } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", password)
                .finish(),
            Credentials::Bearer(_) => f.write_str("Bearer(..)"),
            Credentials::Http(value) => f.debug_tuple("Http").field(value).finish(),
        }
    }
}

impl Credentials {
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(Secret::new(token))
    }

    /// A fixed bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::Bearer(Arc::new(super::auth::StaticToken::new(token)))
    }

    /// Bearer tokens from `source` (e.g. [`super::auth::ClientCredentials`]).
    pub fn token_source(source: impl super::auth::TokenSource + 'static) -> Self {
        Credentials::Bearer(Arc::new(source))
    }

    pub fn basic(user: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Basic {
            user: user.into(),
            password: Secret::new(password),
        }
    }

    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Credentials::AkSk {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: None,
        }
    }

    /// Adds a security token to AK/SK credentials (temporary credentials).
    pub fn with_security_token(self, token: impl Into<String>) -> Self {
        match self {
            Credentials::AkSk {
                access_key,
                secret_key,
                ..
            } => Credentials::AkSk {
                access_key,
                secret_key,
                security_token: Some(Secret::new(token)),
            },
            other => other,
        }
    }

    /// AK/SK from `CLOUD_SDK_AK` and `CLOUD_SDK_SK` (as the vendor's samples use), with
    /// `CLOUD_SDK_SECURITY_TOKEN` when set.
    pub fn from_env() -> Result<Self, ConfigError> {
        let read = |name: &'static str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let access_key = read("CLOUD_SDK_AK").ok_or(ConfigError::MissingEnv("CLOUD_SDK_AK"))?;
        let secret_key = read("CLOUD_SDK_SK").ok_or(ConfigError::MissingEnv("CLOUD_SDK_SK"))?;
        let credentials = Credentials::aksk(access_key, secret_key);
        Ok(match read("CLOUD_SDK_SECURITY_TOKEN") {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        })
    }

    fn check(&self) -> Result<(), ConfigError> {
        let header_safe = header_safe;
        match self {
            Credentials::Token(token) | Credentials::Http(token) if token.expose().is_empty() => {
                Err(ConfigError::InvalidCredentials("the token is empty"))
            }
            Credentials::Token(token) | Credentials::Http(token)
                if !header_safe(token.expose()) || token.expose().contains(';') =>
            {
                Err(ConfigError::InvalidCredentials(
                    "the token contains a control character (CR, LF, ...), `;` or non-ASCII",
                ))
            }
            Credentials::Basic { user, password } => {
                if user.contains(':') || !header_safe(user) || !header_safe(password.expose()) {
                    return Err(ConfigError::InvalidCredentials(
                        "the user contains `:`, or the user or password a control character or non-ASCII",
                    ));
                }
                Ok(())
            }
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                if access_key.is_empty() || secret_key.expose().is_empty() {
                    return Err(ConfigError::InvalidCredentials(
                        "the access key or secret key is empty",
                    ));
                }
                if !header_safe(access_key) || access_key.contains([',', ' ']) {
                    return Err(ConfigError::InvalidCredentials(
                        "the access key contains a control character, a space or a comma",
                    ));
                }
                if security_token
                    .as_ref()
                    .is_some_and(|t| !header_safe(t.expose()))
                {
                    return Err(ConfigError::InvalidCredentials(
                        "the security token contains a control character (CR, LF, ...) or non-ASCII",
                    ));
                }
                Ok(())
            }
            Credentials::Token(_) | Credentials::Http(_) | Credentials::Bearer(_) => Ok(()),
        }
    }

    /// Whether this credential serves a scheme of `kind`.
    fn fits(&self, kind: &super::auth::SchemeKind) -> bool {
        use super::auth::SchemeKind as K;
        matches!(
            (self, kind),
            (Credentials::Token(_), K::ApiKey { .. })
                | (Credentials::AkSk { .. }, K::Signed)
                | (Credentials::Basic { .. }, K::Basic)
                | (Credentials::Bearer(_), K::Bearer)
                | (Credentials::Http(_), K::Http { .. })
        )
    }
}

/// Whether `value` can be sent as a header value as it is: visible ASCII, spaces and tabs only.
/// (`HeaderValue::from_str` also accepts bytes above 0x7F, which would send raw UTF-8.)
#[doc(hidden)]
pub fn header_safe(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// The most of a success body read into memory, by default: 32 MiB.
#[doc(hidden)]
pub const DEFAULT_MAX_BODY_SIZE: usize = 32 << 20;
/// The most of an error body kept, by default: 8 KiB.
#[doc(hidden)]
pub const DEFAULT_ERROR_BODY_PREFIX: usize = 8 << 10;
/// The longest a download may take, by default: one hour.
#[doc(hidden)]
pub const DEFAULT_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(3600);
/// The least a download must receive, by default: 1 KiB/s over every 30 s window.
#[doc(hidden)]
pub const DEFAULT_DOWNLOAD_MIN_THROUGHPUT: (u64, Duration) = (1024, Duration::from_secs(30));

/// Timeouts, each a limit on its own part of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection.
    pub connect: Duration,
    /// One attempt: sending, the response's headers and reading its body (a streamed download
    /// excepted, which has its own limits: `ConfigBuilder::download_timeout` and
    /// `ConfigBuilder::download_min_throughput`).
    pub attempt: Option<Duration>,
    /// The whole call: every attempt, the waits between them, and reading the body.
    pub operation: Option<Duration>,
    /// The longest pause between two chunks of a body that is streamed (downloads), which
    /// no other limit covers once the call has returned.
    pub read: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            attempt: Some(Duration::from_secs(30)),
            operation: Some(Duration::from_secs(120)),
            read: Some(Duration::from_secs(60)),
        }
    }
}

/// What a server's response may make the client spend: memory and download time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limits {
    max_body_size: usize,
    error_body_prefix: usize,
    download_timeout: Option<Duration>,
    download_min_throughput: Option<(u64, Duration)>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            error_body_prefix: DEFAULT_ERROR_BODY_PREFIX,
            download_timeout: Some(DEFAULT_DOWNLOAD_TIMEOUT),
            download_min_throughput: Some(DEFAULT_DOWNLOAD_MIN_THROUGHPUT),
        }
    }
}

/// Where time comes from: the signing date. Injected in tests.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Code run around every attempt of every call: tracing, metrics, a header of your own, a
/// test recorder. Added with [`ConfigBuilder::hook`]; several run in the order they were added.
/// Every method does nothing by default.
///
/// Hooks see each attempt: a call retried three times runs `before_send` three times, each
/// followed by `after_receive` (a response arrived) or `after_failure` (none did, or its body
/// could not be read). They run inside the attempt, within its time limit: keep them quick.
pub trait Hook: Send + Sync + 'static {
    /// Runs just before an attempt is sent, on the request exactly as it goes out: signed,
    /// with its credentials. Headers added here are sent but not signed (an AK/SK signature
    /// covers the headers it lists, so the server still accepts it); changing the method, the
    /// URL, a signed header or the body breaks the signature. Credential headers are marked
    /// sensitive, so `Debug` of the request or its headers does not print them; an API key
    /// the spec sends in the query is part of the URL: print it with
    /// [`HookContext::display_url`].
    fn before_send(&self, request: &mut reqwest::Request, context: &HookContext<'_>) {
        let _ = (request, context);
    }

    /// Runs when an attempt's response head arrived, before its body is read (a redirected
    /// response included, which the call then refuses).
    fn after_receive(&self, response: &reqwest::Response, context: &HookContext<'_>) {
        let _ = (response, context);
    }

    /// Runs when an attempt failed: no response arrived (the connection failed, a timeout
    /// expired), or its body could not be read.
    fn after_failure(&self, error: &(dyn std::error::Error + 'static), context: &HookContext<'_>) {
        let _ = (error, context);
    }
}

/// A hook shared with the code that made it (a test recorder kept to be read afterwards).
impl<H: Hook + ?Sized> Hook for Arc<H> {
    fn before_send(&self, request: &mut reqwest::Request, context: &HookContext<'_>) {
        (**self).before_send(request, context)
    }

    fn after_receive(&self, response: &reqwest::Response, context: &HookContext<'_>) {
        (**self).after_receive(response, context)
    }

    fn after_failure(&self, error: &(dyn std::error::Error + 'static), context: &HookContext<'_>) {
        (**self).after_failure(error, context)
    }
}

/// What a [`Hook`] knows of the attempt it runs for.
#[derive(Debug, Clone, Copy)]
pub struct HookContext<'a> {
    operation: &'static str,
    attempt: u32,
    secret_query: &'a [(String, String)],
}

impl<'a> HookContext<'a> {
    #[doc(hidden)]
    pub fn new(
        operation: &'static str,
        attempt: u32,
        secret_query: &'a [(String, String)],
    ) -> Self {
        HookContext {
            operation,
            attempt,
            secret_query,
        }
    }

    /// The operation's id in the spec (`ListItems`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Which attempt of the call this is: 1, then 2 for the first retry...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// `url` with the value of every credential the spec sends in the query (an API key)
    /// replaced by a redaction marker: what may be logged.
    pub fn display_url(&self, url: &reqwest::Url) -> String {
        if self.secret_query.is_empty() || url.query().is_none() {
            return url.to_string();
        }
        let mut shown = url.clone();
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = self.secret_query.iter().any(|(name, _)| *name == k);
                let value = if secret {
                    REDACTED.to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
        shown.to_string()
    }
}

/// Endpoint, credentials and HTTP settings, shared by all service clients.
///
/// Cheap to clone. `Debug` never prints a secret.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Option<reqwest::Url>,
    region: Option<String>,
    credentials: Vec<(Option<String>, Credentials)>,
    client_identity: bool,
    project_id: Option<String>,
    user_agent: reqwest::header::HeaderValue,
    timeouts: Timeouts,
    limits: Limits,
    retry: RetryConfig,
    classifier: Arc<dyn RetryClassifier>,
    clock: Clock,
    http: reqwest::Client,
    /// The HTTP client is the user's (`ConfigBuilder::http_client`).
    users_http: bool,
    /// For pre-signed links: never carries credentials, so it may follow redirects.
    link_http: reqwest::Client,
    hooks: Vec<Arc<dyn Hook>>,
    /// What answers requests in place of the HTTP clients: set only by the `mock` feature.
    exchange: Option<Arc<dyn super::transport::Exchange>>,
}

impl Config {
    /// A `reqwest::ClientBuilder` with the settings the runtime gives its own client: no
    /// redirects followed (credentials never leave the endpoint), no `Referer`, and the
    /// default connect and read timeouts. Add proxies, root certificates, a client
    /// certificate..., build it, and pass it to [`ConfigBuilder::http_client`].
    pub fn http_client_builder() -> reqwest::ClientBuilder {
        let timeouts = Timeouts::default();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(timeouts.connect);
        if let Some(read) = timeouts.read {
            builder = builder.read_timeout(read);
        }
        builder
    }

    /// Starts a configuration.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The explicit endpoint every request is sent to, if one was set.
    pub fn endpoint(&self) -> Option<&reqwest::Url> {
        self.inner.endpoint.as_ref()
    }

    /// The region that picks each service's default endpoint.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// The project id that fills `{project_id}` in paths, unless a call sets its own.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    pub fn retry(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The most of a success body read into memory (see [`ConfigBuilder::max_body_size`]).
    pub fn max_body_size(&self) -> usize {
        self.inner.limits.max_body_size
    }

    /// The most of an error body kept (see [`ConfigBuilder::error_body_prefix`]).
    pub fn error_body_prefix(&self) -> usize {
        self.inner.limits.error_body_prefix
    }

    /// The longest a download may take (see [`ConfigBuilder::download_timeout`]).
    pub fn download_timeout(&self) -> Option<Duration> {
        self.inner.limits.download_timeout
    }

    /// The least a download must receive: bytes per second, over every window of the given
    /// length (see [`ConfigBuilder::download_min_throughput`]); `None` when there is no minimum.
    pub fn download_min_throughput(&self) -> Option<(u64, Duration)> {
        self.inner.limits.download_min_throughput
    }

    pub(crate) fn body_limits(&self) -> super::error::BodyLimits {
        super::error::BodyLimits {
            success: self.inner.limits.max_body_size,
            error_prefix: self.inner.limits.error_body_prefix,
        }
    }

    /// The limits of a streamed body whose download starts now.
    pub(crate) fn stream_limits(&self) -> super::response::StreamLimits {
        let limits = &self.inner.limits;
        super::response::StreamLimits::starting_now(
            limits.download_timeout,
            limits.download_min_throughput,
            limits.max_body_size,
        )
    }

    /// The credential for `scheme`: the one configured for its name, else the first of its
    /// kind configured without a name.
    pub(crate) fn credential_for(&self, scheme: &super::auth::Scheme) -> Option<&Credentials> {
        let credentials = &self.inner.credentials;
        credentials
            .iter()
            .find(|(name, _)| name.as_deref() == Some(scheme.name))
            .or_else(|| {
                credentials
                    .iter()
                    .find(|(name, c)| name.is_none() && c.fits(&scheme.kind))
            })
            .map(|(_, c)| c)
    }

    /// Whether the HTTP client presents a TLS client certificate (mutual TLS schemes).
    pub(crate) fn has_client_identity(&self) -> bool {
        self.inner.client_identity
    }

    pub(crate) fn classifier(&self) -> &dyn RetryClassifier {
        self.inner.classifier.as_ref()
    }

    pub(crate) fn user_agent(&self) -> &reqwest::header::HeaderValue {
        &self.inner.user_agent
    }

    pub(crate) fn now(&self) -> SystemTime {
        (self.inner.clock)()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn link_http(&self) -> &reqwest::Client {
        &self.inner.link_http
    }

    pub(crate) fn hooks(&self) -> &[Arc<dyn Hook>] {
        &self.inner.hooks
    }

    /// The test double answering requests in place of the HTTP clients (the `mock` feature's
    /// `ConfigBuilder::mock`); never set otherwise.
    pub(crate) fn exchange(&self) -> Option<&dyn super::transport::Exchange> {
        self.inner.exchange.as_deref()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "endpoint",
                &self.inner.endpoint.as_ref().map(|u| u.as_str()),
            )
            .field("region", &self.inner.region)
            .field("project_id", &self.inner.project_id)
            .field("credentials", &self.inner.credentials)
            .field("client_identity", &self.inner.client_identity)
            .field("timeouts", &self.inner.timeouts)
            .field("limits", &self.inner.limits)
            .field("retry", &self.inner.retry)
            .field(
                "http_client",
                &match (self.inner.exchange.is_some(), self.inner.users_http) {
                    (true, _) => "a mock (nothing is sent)",
                    (false, true) => "the user's",
                    (false, false) => "the runtime's",
                },
            )
            .field("hooks", &self.inner.hooks.len())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Config`]; every value is checked in [`build`](ConfigBuilder::build).
#[derive(Default, Clone)]
pub struct ConfigBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    credentials: Vec<(Option<String>, Credentials)>,
    client_identity: Option<reqwest::Identity>,
    /// The user's HTTP client presents a client certificate of its own.
    http_client_identity: bool,
    project_id: Option<String>,
    user_agent: Option<String>,
    timeouts: Timeouts,
    limits: Limits,
    retry: Option<RetryConfig>,
    classifier: Option<Arc<dyn RetryClassifier>>,
    clock: Option<Clock>,
    http_client: Option<reqwest::Client>,
    link_http_client: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    /// Set only by `ConfigBuilder::mock` (the `mock` feature).
    pub(crate) exchange: Option<Arc<dyn super::transport::Exchange>>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// The base URL, e.g. `https://css.eu-de.otc.t-systems.com` or `http://127.0.0.1:8080`.
    /// It overrides every service's default endpoint. A path prefix is kept; requests never go
    /// anywhere else (redirects are not followed).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region (e.g. `eu-de`): each service then uses its spec's server for that region.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Credentials for every scheme of their kind (an API key for the API-key schemes, a
    /// token source for the bearer and OAuth schemes...); they replace earlier ones of the
    /// same kind. Each operation uses the first alternative of its spec's `security` that
    /// the configuration has credentials for, sends them to the endpoint only, and refuses
    /// to send a request whose credentials are missing.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        let kind = std::mem::discriminant(&credentials);
        self.credentials
            .retain(|(name, c)| name.is_some() || std::mem::discriminant(c) != kind);
        self.credentials.push((None, credentials));
        self
    }

    /// Credentials for the scheme named `scheme` in the spec (`components.securitySchemes`),
    /// before any configured for its whole kind.
    pub fn credential_for(mut self, scheme: impl Into<String>, credentials: Credentials) -> Self {
        let scheme = scheme.into();
        self.credentials
            .retain(|(name, _)| name.as_deref() != Some(scheme.as_str()));
        self.credentials.push((Some(scheme), credentials));
        self
    }

    /// A token or API key for the specs' API-key schemes.
    pub fn token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::token(token))
    }

    /// An API key for the specs' API-key schemes (the same as [`token`](Self::token)).
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.token(key)
    }

    /// A fixed bearer token for the specs' bearer, OAuth 2.0 and OpenID Connect schemes.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::bearer(token))
    }

    /// Bearer tokens from `source`: a callback ([`super::auth::TokenFn`]) or the OAuth 2.0
    /// client-credentials flow ([`super::auth::ClientCredentials`]), refreshed before they
    /// expire, and once more when the server refuses one (401).
    pub fn token_source(self, source: impl super::auth::TokenSource + 'static) -> Self {
        self.credentials(Credentials::token_source(source))
    }

    /// A user and password for the specs' HTTP basic schemes.
    pub fn basic(self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials(Credentials::basic(user, password))
    }

    /// AK/SK signing of every request whose operation accepts a signed scheme.
    pub fn aksk(self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        self.credentials(Credentials::aksk(access_key, secret_key))
    }

    /// The TLS client certificate presented to the endpoint (mutual TLS schemes), e.g.
    /// `reqwest::Identity::from_pem(&pem)`.
    pub fn client_identity(mut self, identity: reqwest::Identity) -> Self {
        self.client_identity = Some(identity);
        self
    }

    /// Declares that the client given to [`http_client`](Self::http_client) presents a TLS
    /// client certificate (set with `reqwest::ClientBuilder::identity`), so operations that
    /// require a mutual TLS scheme are sent through it. A `reqwest::Client` cannot be asked
    /// whether it has one, hence the declaration; without it such operations fail before
    /// sending, naming the scheme.
    pub fn http_client_presents_identity(mut self) -> Self {
        self.http_client_identity = true;
        self
    }

    /// The project id for paths that contain `{project_id}` (and for `X-Project-Id` when
    /// signing).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Replaces the default `User-Agent`: the name and version of the crate holding the
    /// runtime (the generated crate with an inline runtime, else `clientgen-runtime`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.timeouts.connect = limit;
        self
    }

    /// The limit for one attempt, until the response's headers arrive; `None` for none.
    pub fn attempt_timeout(mut self, limit: Option<Duration>) -> Self {
        self.timeouts.attempt = limit;
        self
    }

    /// The limit for a whole call, retries and body included; `None` for none.
    pub fn operation_timeout(mut self, limit: Option<Duration>) -> Self {
        self.timeouts.operation = limit;
        self
    }

    /// The longest pause between two chunks of a streamed body (`None`: no limit).
    pub fn read_timeout(mut self, limit: Option<Duration>) -> Self {
        self.timeouts.read = limit;
        self
    }

    /// The most of a success body read into memory (JSON and text bodies; default
    /// 32 MiB). A larger body fails the call with
    /// `ResponseErrorKind::BodyTooLarge`, having read no more than this. Binary bodies are
    /// streamed and not limited by size, except by [`ByteStream::collect`](super::ByteStream::collect).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.limits.max_body_size = bytes;
        self
    }

    /// The most of an error body kept (default 8 KiB): the rest
    /// is never read. The code and message are taken from this prefix; a documented error
    /// whose body is longer cannot be decoded and is reported as
    /// `ResponseErrorKind::BodyTooLarge`, with the prefix in `raw().body()`.
    pub fn error_body_prefix(mut self, bytes: usize) -> Self {
        self.limits.error_body_prefix = bytes;
        self
    }

    /// The longest a download may take (default one hour; `None`
    /// for no limit): a streamed body (`ByteStream`, `save_to`, `save_into`) from the moment
    /// its response arrived, a pre-signed link from the moment it is opened.
    pub fn download_timeout(mut self, limit: Option<Duration>) -> Self {
        self.limits.download_timeout = limit;
        self
    }

    /// The least a download must receive: `bytes_per_second` on average over every `window`
    /// (default 1 KiB/s over 30 s). The first window is
    /// the grace period of a slow start. A body that trickles in below it fails
    /// (`DownloadError::Stalled`); `bytes_per_second` 0 turns the check off.
    pub fn download_min_throughput(mut self, bytes_per_second: u64, window: Duration) -> Self {
        self.limits.download_min_throughput =
            (bytes_per_second > 0).then_some((bytes_per_second, window));
        self
    }

    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Replaces the rules that say which outcomes are worth another attempt.
    pub fn retry_classifier(mut self, classifier: Arc<dyn RetryClassifier>) -> Self {
        self.classifier = Some(classifier);
        self
    }

    /// Sends API calls through `client`, the caller's: its proxies, root certificates, client
    /// certificate and connection pool (one pool for every service client built on this
    /// configuration, and for every configuration given the same client; `reqwest::Client` is
    /// cheap to clone).
    ///
    /// The client's redirect policy is its own: build it with
    /// `redirect::Policy::none()` ([`Config::http_client_builder`] does), or a redirect may
    /// carry the request's credentials elsewhere (reqwest drops `Authorization` and `Cookie`
    /// on a redirect to another host, not API-key headers or `X-Security-Token`). Whatever the
    /// policy, a response that is not the answer of the request's own URL (a redirect was
    /// followed) fails the call (`ResponseErrorKind::Redirected`) and is never taken as the
    /// answer. The attempt and operation timeouts still apply (the runtime times each call);
    /// the connect and read timeouts are the client's own settings, and so is the client
    /// certificate (set it on that client and declare it with
    /// [`http_client_presents_identity`](Self::http_client_presents_identity);
    /// [`client_identity`](Self::client_identity) cannot be combined with it).
    /// Pre-signed links are fetched by the runtime's own client, which never carries
    /// credentials (see [`link_http_client`](Self::link_http_client)).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Fetches pre-signed links (downloads) through `client` instead of the runtime's own.
    /// A link carries its own signature: give a client without default credential headers
    /// or client certificate (it may follow redirects).
    pub fn link_http_client(mut self, client: reqwest::Client) -> Self {
        self.link_http_client = Some(client);
        self
    }

    /// Adds a [`Hook`], run around every attempt after those added before it.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Where the signing date comes from (tests use a fixed clock).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the values and builds the HTTP client.
    pub fn build(self) -> Result<Config, ConfigError> {
        let endpoint = self.endpoint.as_deref().map(parse_endpoint).transpose()?;
        for (_, credentials) in &self.credentials {
            credentials.check()?;
        }
        if self.project_id.as_deref() == Some("") {
            return Err(ConfigError::Invalid {
                what: "project id",
                reason: "it is empty",
            });
        }
        if let Some(region) = &self.region {
            // The region becomes part of a host name.
            let valid = !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !valid {
                return Err(ConfigError::Invalid {
                    what: "region",
                    reason: "use letters, digits and `-`",
                });
            }
        }
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
        });
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent)
            .ok()
            .filter(|_| header_safe(&user_agent))
            .ok_or(ConfigError::Invalid {
                what: "user agent",
                reason: "it cannot be sent in a header (use visible ASCII)",
            })?;
        if self
            .limits
            .download_min_throughput
            .is_some_and(|(_, window)| window.is_zero())
        {
            return Err(ConfigError::Invalid {
                what: "download minimum throughput",
                reason: "the window must be longer than zero",
            });
        }
        let client = |redirect| {
            let mut builder = reqwest::Client::builder()
                .redirect(redirect)
                // A followed link's URL is a credential: never repeat it in `Referer`.
                .referer(false)
                .connect_timeout(self.timeouts.connect);
            if let Some(read) = self.timeouts.read {
                builder = builder.read_timeout(read);
            }
            builder
        };
        let users_http = self.http_client.is_some();
        if self.http_client_identity && !users_http {
            return Err(ConfigError::Invalid {
                what: "client identity",
                reason: "http_client_presents_identity() declares the identity of your own HTTP \
                         client: give that client with http_client(), or use client_identity()",
            });
        }
        let http = match self.http_client {
            Some(_) if self.client_identity.is_some() => {
                return Err(ConfigError::Invalid {
                    what: "client identity",
                    reason: "with your own HTTP client, set it on that client \
                             (reqwest::ClientBuilder::identity)",
                })
            }
            Some(client) => client,
            None => {
                // Credentials go to the endpoint only: a redirect elsewhere must not carry them.
                let mut http = client(reqwest::redirect::Policy::none());
                if let Some(identity) = self.client_identity.clone() {
                    http = http.identity(identity);
                }
                http.build().map_err(ConfigError::HttpClient)?
            }
        };
        // Pre-signed links carry no credential, the client certificate included.
        let link_http = match self.link_http_client {
            Some(client) => client,
            None => client(reqwest::redirect::Policy::limited(5))
                .build()
                .map_err(ConfigError::HttpClient)?,
        };
        Ok(Config {
            inner: Arc::new(Inner {
                endpoint,
                region: self.region,
                credentials: self.credentials,
                client_identity: self.client_identity.is_some() || self.http_client_identity,
                project_id: self.project_id,
                user_agent,
                timeouts: self.timeouts,
                limits: self.limits,
                retry: self.retry.unwrap_or_default(),
                classifier: self
                    .classifier
                    .unwrap_or_else(|| Arc::new(StandardClassifier)),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
                http,
                users_http,
                link_http,
                hooks: self.hooks,
                exchange: self.exchange,
            }),
        })
    }
}

#[doc(hidden)]
pub fn parse_endpoint(raw: &str) -> Result<reqwest::Url, ConfigError> {
    let invalid = |reason: &'static str| ConfigError::InvalidEndpoint {
        endpoint: without_userinfo(raw),
        reason,
    };
    let url = reqwest::Url::parse(raw).map_err(|_| invalid("it is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none() {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials in the URL are not allowed; use the credentials settings",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

/// The endpoint as written, with any `user:password@` replaced, for messages.
fn without_userinfo(raw: &str) -> String {
    let start = raw.find("://").map_or(0, |i| i + 3);
    let authority_end = raw[start..]
        .find(['/', '?', '#'])
        .map_or(raw.len(), |i| start + i);
    match raw[start..authority_end].rfind('@') {
        Some(at) => format!("{}***@{}", &raw[..start], &raw[start + at + 1..]),
        None => raw.to_owned(),
    }
}

/// Why a [`Config`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The endpoint is not a usable base URL.
    InvalidEndpoint {
        endpoint: String,
        reason: &'static str,
    },
    /// The credentials cannot be used.
    InvalidCredentials(&'static str),
    /// An environment variable the credentials need is not set.
    MissingEnv(&'static str),
    /// Another setting is unusable.
    Invalid {
        what: &'static str,
        reason: &'static str,
    },
    /// The HTTP client could not be created (e.g. no TLS backend).
    HttpClient(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "invalid endpoint `{endpoint}`: {reason}")
            }
            ConfigError::InvalidCredentials(reason) => write!(f, "invalid credentials: {reason}"),
            ConfigError::MissingEnv(name) => {
                write!(f, "the environment variable {name} is not set")
            }
            ConfigError::Invalid { what, reason } => write!(f, "invalid {what}: {reason}"),
            ConfigError::HttpClient(e) => write!(f, "cannot create the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}
