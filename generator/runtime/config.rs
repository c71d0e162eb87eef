//! The configuration every service client of this crate shares.

use std::fmt;
use std::sync::Arc;

/// What `Debug` prints in place of a secret.
pub(crate) const REDACTED: &str = "** redacted **";

/// Endpoint, credentials and HTTP settings, shared by all service clients.
///
/// Cheap to clone. `Debug` never prints the token.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: reqwest::Url,
    token: Option<reqwest::header::HeaderValue>,
    project_id: Option<String>,
    http: reqwest::Client,
}

impl Config {
    /// Starts a configuration; [`ConfigBuilder::endpoint`] is required.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The base URL every request is sent to.
    pub fn endpoint(&self) -> &reqwest::Url {
        &self.inner.endpoint
    }

    /// The project id that fills `{project_id}` in paths, unless a call sets its own.
    pub fn project_id(&self) -> Option<&str> {
        self.inner.project_id.as_deref()
    }

    pub(crate) fn token(&self) -> Option<&reqwest::header::HeaderValue> {
        self.inner.token.as_ref()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("project_id", &self.inner.project_id)
            .field("token", &self.inner.token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// Builds a [`Config`]; every value is checked in [`build`](ConfigBuilder::build).
#[derive(Default, Clone)]
pub struct ConfigBuilder {
    endpoint: Option<String>,
    token: Option<String>,
    project_id: Option<String>,
    user_agent: Option<String>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("endpoint", &self.endpoint)
            .field("project_id", &self.project_id)
            .field("token", &self.token.as_ref().map(|_| REDACTED))
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl ConfigBuilder {
    /// The base URL, e.g. `https://css.eu-de.otc.t-systems.com` or `http://127.0.0.1:8080`.
    /// A path prefix is kept; requests are never sent anywhere else (redirects are not followed).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// A token sent as `X-Auth-Token` with every request to the endpoint.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The project id for paths that contain `{project_id}`.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Replaces the default `User-Agent` (this crate's name and version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Checks the values and builds the HTTP client.
    pub fn build(self) -> Result<Config, ConfigError> {
        let raw = self.endpoint.ok_or(ConfigError::MissingEndpoint)?;
        let endpoint = parse_endpoint(&raw)?;
        let token = match self.token {
            None => None,
            Some(token) if token.is_empty() => {
                return Err(ConfigError::InvalidToken("it is empty"))
            }
            Some(token) => {
                let mut value = reqwest::header::HeaderValue::from_str(&token).map_err(|_| {
                    ConfigError::InvalidToken(
                        "it contains a control character (CR, LF, ...) or non-visible ASCII",
                    )
                })?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        if let Some(project_id) = &self.project_id {
            if project_id.is_empty() {
                return Err(ConfigError::InvalidProjectId("it is empty"));
            }
        }
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
        });
        let user_agent = reqwest::header::HeaderValue::from_str(&user_agent)
            .map_err(|_| ConfigError::InvalidUserAgent)?;
        let http = reqwest::Client::builder()
            // Credentials go to the endpoint only: a redirect elsewhere must not carry them.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .map_err(ConfigError::HttpClient)?;
        Ok(Config {
            inner: Arc::new(Inner {
                endpoint,
                token,
                project_id: self.project_id,
                http,
            }),
        })
    }
}

fn parse_endpoint(raw: &str) -> Result<reqwest::Url, ConfigError> {
    let invalid = |reason: &'static str| ConfigError::InvalidEndpoint {
        endpoint: raw.to_owned(),
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
            "credentials in the URL are not allowed; use the token setting",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

/// Why a [`Config`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No endpoint was set.
    MissingEndpoint,
    /// The endpoint is not a usable base URL.
    InvalidEndpoint {
        endpoint: String,
        reason: &'static str,
    },
    /// The token cannot be sent in a header.
    InvalidToken(&'static str),
    /// The project id is unusable.
    InvalidProjectId(&'static str),
    /// The user agent cannot be sent in a header.
    InvalidUserAgent,
    /// The HTTP client could not be created (e.g. no TLS backend).
    HttpClient(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingEndpoint => {
                f.write_str("no endpoint configured: call `endpoint(url)`")
            }
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "invalid endpoint `{endpoint}`: {reason}")
            }
            ConfigError::InvalidToken(reason) => write!(f, "invalid token: {reason}"),
            ConfigError::InvalidProjectId(reason) => write!(f, "invalid project id: {reason}"),
            ConfigError::InvalidUserAgent => {
                f.write_str("invalid user agent: it cannot be sent in a header")
            }
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
