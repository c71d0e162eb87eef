//! Security schemes as the specs declare them, and the credentials users configure for them.
//!
//! Each generated module describes its spec's schemes as [`Scheme`] constants, and each
//! operation the alternatives it accepts (`&[&[&Scheme]]`: any one alternative, every
//! scheme of it together). Before a request is sent, the transport picks the first alternative
//! the configuration has credentials for; a request whose operation needs credentials that
//! are not configured is refused before anything is sent, naming the schemes.
//!
//! Credentials are configured by scheme name, or without a name for every scheme of their
//! kind (an API key for the spec's API-key scheme, a token for its bearer or OAuth scheme).

use super::config::{Config, Secret};
use super::error::ConstructionError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// One security scheme of a spec (`components.securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheme {
    /// Its name in the spec: what [`super::ConfigBuilder::credential_for`] takes.
    pub name: &'static str,
    pub kind: SchemeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// A key sent as the header, query parameter or cookie `name`.
    ApiKey {
        location: KeyLocation,
        name: &'static str,
    },
    /// `Authorization: Basic base64(user:password)`.
    Basic,
    /// `Authorization: Bearer <token>`: HTTP bearer, OAuth 2.0 and OpenID Connect alike.
    Bearer,
    /// Any other HTTP scheme: `Authorization: <scheme> <credential>`.
    Http { scheme: &'static str },
    /// Requests signed with an access key and secret key (`SDK-HMAC-SHA256`), declared by
    /// the `x-clientgen-signer` extension.
    Signed,
    /// A TLS client certificate, configured on the HTTP client.
    MutualTls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            SchemeKind::ApiKey { location, name } => {
                let place = match location {
                    KeyLocation::Header => "header",
                    KeyLocation::Query => "query parameter",
                    KeyLocation::Cookie => "cookie",
                };
                return write!(f, "`{}` (an API key in the {place} `{name}`)", self.name);
            }
            SchemeKind::Basic => "a user and password",
            SchemeKind::Bearer => "a bearer token",
            SchemeKind::Http { scheme } => {
                return write!(f, "`{}` (HTTP `{scheme}` credentials)", self.name)
            }
            SchemeKind::Signed => "an access key and secret key",
            SchemeKind::MutualTls => "a TLS client certificate",
        };
        write!(f, "`{}` ({what})", self.name)
    }
}

/// An access token and when it stops being valid.
#[derive(Clone)]
pub struct AccessToken {
    pub value: Secret,
    pub expires_at: Option<SystemTime>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &self.value)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why no token could be had; the call fails with it, before its request is sent.
#[derive(Debug, Clone)]
pub struct TokenError(pub String);

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TokenError {}

/// The future a [`TokenSource`] returns.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Where bearer tokens come from: a static token, a user's callback, or the OAuth 2.0
/// client-credentials flow ([`ClientCredentials`]).
pub trait TokenSource: Send + Sync {
    /// A token valid now.
    fn token(&self) -> TokenFuture<'_>;
    /// The server refused the last token (401): forget it, so the next call gets a new one.
    fn invalidate(&self) {}
}

/// A token that never changes.
#[derive(Debug)]
pub struct StaticToken(Secret);

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(Secret::new(token))
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = AccessToken {
            value: self.0.clone(),
            expires_at: None,
        };
        Box::pin(async move { Ok(token) })
    }
}

/// Tokens from a callback (a secrets manager, a token cache the user keeps...).
pub struct TokenFn<F>(pub F);

impl<F> fmt::Debug for TokenFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenFn(..)")
    }
}

impl<F, Fut> TokenSource for TokenFn<F>
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<AccessToken, TokenError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin((self.0)())
    }
}

/// The OAuth 2.0 client-credentials flow (RFC 6749 section 4.4): a token is requested from
/// `token_url` with the client's id and secret (HTTP basic), kept, and requested again
/// `refresh_before` its expiry, or when the server refused it.
pub struct ClientCredentials {
    token_url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    scopes: Vec<String>,
    refresh_before: Duration,
    http: reqwest::Client,
    cached: Mutex<Option<AccessToken>>,
}

/// The most of a token response read.
const MAX_TOKEN_RESPONSE: usize = 64 << 10;

impl ClientCredentials {
    /// The token endpoint is the caller's choice (the spec's is in the module's `security`
    /// constants): the client secret goes there and nowhere else.
    pub fn new(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Result<Self, TokenError> {
        let token_url = reqwest::Url::parse(token_url)
            .map_err(|e| TokenError(format!("the token URL is not a URL: {e}")))?;
        if !matches!(token_url.scheme(), "https" | "http") {
            return Err(TokenError("the token URL must be http or https".into()));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| TokenError(format!("the HTTP client cannot be built: {e}")))?;
        Ok(ClientCredentials {
            token_url,
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            scopes: Vec::new(),
            refresh_before: Duration::from_secs(60),
            http,
            cached: Mutex::new(None),
        })
    }

    /// Requests tokens through `client` (its proxies, root certificates, connection pool)
    /// instead of a client of its own. Build it with `redirect::Policy::none()`
    /// (`Config::http_client_builder()` does): the client secret must not follow a redirect. A
    /// response answering another URL than the token URL is refused. The runtime's client
    /// gives a token request 30 s; with yours, its own timeouts apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = client;
        self
    }

    /// The scopes asked for (none by default).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How long before its expiry a token is replaced (60 s by default).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    fn fresh(&self) -> Option<AccessToken> {
        let cached = self.cached.lock().ok()?.clone()?;
        match cached.expires_at {
            Some(at) if SystemTime::now() + self.refresh_before >= at => None,
            _ => Some(cached),
        }
    }

    async fn fetch(&self) -> Result<AccessToken, TokenError> {
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let body = form
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(v, super::signing::ENCODE)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .http
            .post(self.token_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| TokenError(format!("the token request failed: {}", e.without_url())))?;
        if response.url() != &self.token_url {
            return Err(TokenError(
                "the token response answers another URL: the HTTP client followed a redirect"
                    .into(),
            ));
        }
        let status = response.status();
        let bytes = read_limited(response, MAX_TOKEN_RESPONSE).await?;
        if !status.is_success() {
            return Err(TokenError(format!("the token endpoint answered {status}")));
        }
        #[derive(serde::Deserialize)]
        struct Granted {
            access_token: String,
            expires_in: Option<u64>,
        }
        let granted: Granted = serde_json::from_slice(&bytes).map_err(|_| {
            TokenError("the token response is not the JSON of an access token".into())
        })?;
        if granted.access_token.is_empty() || !super::config::header_safe(&granted.access_token) {
            return Err(TokenError(
                "the token endpoint sent a token that cannot be sent in a header".into(),
            ));
        }
        let token = AccessToken {
            value: Secret::new(granted.access_token),
            expires_at: granted
                .expires_in
                .map(|s| SystemTime::now() + Duration::from_secs(s.min(10 * 365 * 86_400))),
        };
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some(token.clone());
        }
        Ok(token)
    }
}

/// A token response, read whole up to `limit` bytes: a token endpoint has no reason to send
/// more.
async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, TokenError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        TokenError(format!(
            "the token response cannot be read: {}",
            e.without_url()
        ))
    })? {
        if body.len() + chunk.len() > limit {
            return Err(TokenError(format!(
                "the token response is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            match self.fresh() {
                Some(token) => Ok(token),
                None => self.fetch().await,
            }
        })
    }

    fn invalidate(&self) {
        if let Ok(mut cached) = self.cached.lock() {
            *cached = None;
        }
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// What one credential adds to a request: headers, query pairs, cookies; the secrets among
/// them are marked so no log shows them.
#[derive(Default)]
pub(crate) struct Applied {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub cookies: Vec<String>,
    /// Header names whose values are secret.
    pub sensitive: Vec<String>,
    /// HTTP basic credentials, which the HTTP client encodes (and marks sensitive).
    pub basic: Option<(String, Secret)>,
    /// The request must be signed with these credentials, last.
    pub signer: Option<super::config::Credentials>,
    /// A token source whose token was used: told when the server refuses it.
    pub token_source: Option<Arc<dyn TokenSource>>,
}

impl Applied {
    /// `unsigned`'s headers with the signature's added (`SDK-HMAC-SHA256`, as the vendor's
    /// SDK signs), when these credentials sign; `None` when they do not. `project_id` is sent,
    /// and signed, as `X-Project-Id`; the date is the configured clock's, so that a signature
    /// can be reproduced.
    pub(crate) fn sign(
        &self,
        config: &Config,
        project_id: Option<&str>,
        unsigned: &super::signing::Unsigned<'_>,
    ) -> Result<Option<Vec<(String, String)>>, ConstructionError> {
        let Some(super::config::Credentials::AkSk {
            access_key,
            secret_key,
            security_token,
        }) = &self.signer
        else {
            return Ok(None);
        };
        let date = super::signing::format_date(
            config
                .now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        );
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
        let key = super::signing::SigningKey {
            access_key,
            secret_key: secret_key.expose(),
            project_id,
            security_token: security_token.as_ref().map(|token| token.expose()),
        };
        Ok(Some(
            super::signing::sign_request(unsigned, &key, &date).headers,
        ))
    }
}

/// Picks the first alternative of `alternatives` the configuration has every credential
/// for and says what it adds to the request. No alternative (the spec declares no security)
/// adds nothing; an empty alternative allows an anonymous call.
pub(crate) async fn select(
    config: &Config,
    operation: &str,
    alternatives: &[&[&Scheme]],
) -> Result<Applied, ConstructionError> {
    if alternatives.is_empty() {
        return Ok(Applied::default());
    }
    for alternative in alternatives {
        if alternative.iter().all(|scheme| match scheme.kind {
            // Presented by the HTTP client in the handshake, not sent with the request.
            SchemeKind::MutualTls => config.has_client_identity(),
            _ => config.credential_for(scheme).is_some(),
        }) {
            let mut applied = Applied::default();
            for scheme in alternative.iter() {
                if let Some(credential) = config.credential_for(scheme) {
                    apply(scheme, credential, &mut applied).await?;
                }
            }
            return Ok(applied);
        }
    }
    let wanted: Vec<String> = alternatives
        .iter()
        .map(|alternative| {
            alternative
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    Err(ConstructionError::new(
        "credentials",
        format!(
            "operation `{operation}` needs credentials: {}; configure them on the ConfigBuilder (`credential_for(scheme, ...)`, or `api_key`, `bearer_token`, `basic`, `aksk`...)",
            wanted.join(", or ")
        ),
    ))
}

async fn apply(
    scheme: &Scheme,
    credential: &super::config::Credentials,
    applied: &mut Applied,
) -> Result<(), ConstructionError> {
    use super::config::Credentials as C;
    let refused = |reason: String| ConstructionError::new("credentials", reason);
    match (scheme.kind, credential) {
        (SchemeKind::ApiKey { location, name }, C::Token(key)) => match location {
            KeyLocation::Header => {
                applied
                    .headers
                    .push((name.to_owned(), key.expose().to_owned()));
                applied.sensitive.push(name.to_owned());
            }
            KeyLocation::Query => applied
                .query
                .push((name.to_owned(), key.expose().to_owned())),
            KeyLocation::Cookie => applied.cookies.push(format!("{name}={}", key.expose())),
        },
        (SchemeKind::Basic, C::Basic { user, password }) => {
            applied.basic = Some((user.clone(), password.clone()));
        }
        (SchemeKind::Bearer, C::Bearer(source)) => {
            let token = source
                .token()
                .await
                .map_err(|e| refused(format!("no token for `{}`: {e}", scheme.name)))?;
            if !super::config::header_safe(token.value.expose()) || token.value.expose().is_empty()
            {
                return Err(refused(format!(
                    "the token for `{}` is empty or cannot be sent in a header",
                    scheme.name
                )));
            }
            applied.headers.push((
                "Authorization".into(),
                format!("Bearer {}", token.value.expose()),
            ));
            applied.sensitive.push("Authorization".into());
            applied.token_source = Some(source.clone());
        }
        (SchemeKind::Http { scheme: name }, C::Http(value)) => {
            applied
                .headers
                .push(("Authorization".into(), format!("{name} {}", value.expose())));
            applied.sensitive.push("Authorization".into());
        }
        (SchemeKind::Signed, credentials @ C::AkSk { .. }) => {
            applied.signer = Some(credentials.clone());
        }
        // The certificate is presented by the HTTP client itself.
        (SchemeKind::MutualTls, _) => {}
        _ => {
            return Err(refused(format!(
                "the credentials configured for `{}` are of another kind than it takes",
                scheme.name
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TLS: Scheme = Scheme {
        name: "tls",
        kind: SchemeKind::MutualTls,
    };
    const KEY: Scheme = Scheme {
        name: "key",
        kind: SchemeKind::ApiKey {
            location: KeyLocation::Header,
            name: "X-Key",
        },
    };

    /// A self-signed certificate and its key, made for this test only (not a credential).
    const TEST_IDENTITY: &str = "-----BEGIN CERTIFICATE-----\nMIIBiDCCAS+gAwIBAgIUOGbM4jqGnVryutquE1SLjNTCVDUwCgYIKoZIzj0EAwIw\nGTEXMBUGA1UEAwwOY2xpZW50Z2VuLXRlc3QwIBcNMjYxMjAyMDQ0ODQ4WhgPMjEy\nNjExMDgwNDQ4NDhaMBkxFzAVBgNVBAMMDmNsaWVudGdlbi10ZXN0MFkwEwYHKoZI\nzj0CAQYIKoZIzj0DAQcDQgAEcICeghVjtN3qvjHe3pGfsaGGlRiADZK+XceAa/DX\nxHYDQg2LqO1FOyM/g9TPueyyGSZX1zPgPJBmFzPmx6J2p6NTMFEwHQYDVR0OBBYE\nFAoZRjgvMfbv4KPIFGl54lxs3ipoMB8GA1UdIwQYMBaAFAoZRjgvMfbv4KPIFGl5\n4lxs3ipoMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgK4OuGIIb\n5ttWiMJaIRC445OftuK9eiv1Y91hHc8XqwUCIHaws60enGs7IEFWxU3D1QWieZ6C\nHjqeBDaKZg+ggG10\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgHsPgznuiJi88qzzz\nQgso58sCiyd6gf6tYjNbFujw4OqhRANCAARwgJ6CFWO03eq+Md7ekZ+xoYaVGIAN\nkr5dx4Br8NfEdgNCDYuo7UU7Iz+D1M+57LIZJlfXM+A8kGYXM+bHonan\n-----END PRIVATE KEY-----\n";

    fn config(identity: bool) -> Config {
        let mut builder = Config::builder()
            .endpoint("https://127.0.0.1:9")
            .api_key("k");
        if identity {
            let identity =
                reqwest::Identity::from_pem(TEST_IDENTITY.as_bytes()).expect("a PEM identity");
            builder = builder.client_identity(identity);
        }
        builder.build().expect("a valid configuration")
    }

    /// The outcome of a future that never waits (no token source is asked), without an async
    /// runtime: the runtime is included in crates whose tests may have none.
    fn ready<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the selection waited"),
        }
    }

    /// Mutual TLS is met by the client's certificate, which the request itself does not carry.
    #[test]
    fn mutual_tls_is_met_by_a_client_identity() {
        let alternatives: &[&[&Scheme]] = &[&[&TLS, &KEY]];
        let Err(refused) = ready(select(&config(false), "Admin", alternatives)) else {
            panic!("selected without a certificate configured");
        };
        assert!(
            refused
                .to_string()
                .contains("`tls` (a TLS client certificate) and `key`"),
            "{refused}"
        );
        let Ok(applied) = ready(select(&config(true), "Admin", alternatives)) else {
            panic!("refused with the certificate and the key configured");
        };
        assert_eq!(applied.headers, [("X-Key".to_owned(), "k".to_owned())]);
    }

    /// With the user's own HTTP client, its certificate is declared, not given twice.
    #[test]
    fn mutual_tls_is_met_by_the_users_client_when_declared() {
        let alternatives: &[&[&Scheme]] = &[&[&TLS]];
        let users = |declared: bool| {
            let mut builder = Config::builder()
                .endpoint("https://127.0.0.1:9")
                .http_client(reqwest::Client::new());
            if declared {
                builder = builder.http_client_presents_identity();
            }
            builder.build().expect("a valid configuration")
        };
        assert!(ready(select(&users(false), "Admin", alternatives)).is_err());
        assert!(ready(select(&users(true), "Admin", alternatives)).is_ok());
        let undeclared = Config::builder()
            .endpoint("https://127.0.0.1:9")
            .http_client_presents_identity()
            .build();
        assert!(
            undeclared.is_err(),
            "a declaration without the user's client"
        );
    }
}
