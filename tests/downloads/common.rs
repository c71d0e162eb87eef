//! Helpers shared by the download tests: configs, scratch folders, a time limit for every
//! test, canned responses, and checks that a request carried no credential.

use cloud_logs_client::{Config, Credentials, RetryConfig};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use wiremock::{MockServer, Request, ResponseTemplate};

/// A token for `X-Auth-Token`; unique so leak checks can search for it.
pub const TOKEN: &str = "tok-dl-5ecret-0a1b2c3d4e";
/// The access key of the AK/SK configs.
pub const AK: &str = "AKDOWNLOADTEST000042";
/// The secret key of the AK/SK configs.
pub const SK: &str = "SKdl/5ecret+key=downloads-7e6d5c4b3a";
/// The security token of the AK/SK configs.
pub const SECURITY_TOKEN: &str = "sts-dl-5ecret-token-99aa88bb";
/// The project id of every config.
pub const PROJECT: &str = "proj-downloads-0123";
/// The file name the server-log archive is served under.
pub const ARCHIVE_NAME: &str = "SN123-dump.tar.gz";
/// `Content-Disposition` of the server-log archive, as the API sends it.
pub const DISPOSITION: &str = "attachment; filename=SN123-dump.tar.gz";
/// The signature in every pre-signed link's query: a secret no message may contain.
pub const SIGNATURE: &str = "5ig-5ecret-f00dfacecafe";

/// The headers that carry (or are part of) the client's credentials.
pub const CREDENTIAL_HEADERS: [&str; 5] = [
    "x-auth-token",
    "authorization",
    "x-project-id",
    "x-sdk-date",
    "x-security-token",
];

/// The only headers a link's host may receive.
pub const LINK_HEADERS: [&str; 3] = ["accept", "host", "user-agent"];

/// The longest any test may run.
const TEST_LIMIT: Duration = Duration::from_secs(30);

/// Runs a test body, failing it if it takes longer than [`TEST_LIMIT`].
pub async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(TEST_LIMIT, test)
        .await
        .unwrap_or_else(|_| panic!("the test did not finish within {TEST_LIMIT:?}"))
}

pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A config sending to `endpoint` with the test token and project id, without retries.
pub fn token_config(endpoint: &str) -> Config {
    Config::builder()
        .endpoint(endpoint)
        .token(TOKEN)
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback endpoint and a token make a valid config")
}

/// A config sending to `endpoint` with AK/SK and a security token, without retries.
pub fn aksk_config(endpoint: &str) -> Config {
    Config::builder()
        .endpoint(endpoint)
        .credentials(Credentials::aksk(AK, SK).with_security_token(SECURITY_TOKEN))
        .project_id(PROJECT)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a loopback endpoint and AK/SK make a valid config")
}

/// A scratch folder under the system's temporary folder, removed with everything in it when
/// dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "clientgen-downloads-{}-{tag}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a scratch folder");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The names of the folder's entries, sorted.
    pub fn entries(&self) -> Vec<String> {
        entries(&self.path)
    }

    /// Asserts the folder is empty: no target, no partial file.
    pub fn assert_empty(&self) {
        let entries = self.entries();
        assert!(
            entries.is_empty(),
            "expected an empty folder, found {entries:?}"
        );
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The names of the entries of `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the scratch folder")
        .map(|entry| {
            entry
                .expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Whether `name` is the partial file of a download to `target_name`:
/// `.<target_name>.<16 hex digits>.part`.
pub fn is_part_of(name: &str, target_name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix('.')
        .and_then(|r| r.strip_prefix(target_name))
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.strip_suffix(".part"))
    else {
        return false;
    };
    rest.len() == 16 && rest.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `len` deterministic, non-repeating bytes (xorshift), different for each `seed`.
pub fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0xA24B_AED4_963E_E407);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// The server-log archive response: binary, with `Content-Disposition` if given.
pub fn archive_response(body: Vec<u8>, disposition: Option<&str>) -> ResponseTemplate {
    let mut response = ResponseTemplate::new(200).set_body_raw(body, "application/octet-stream");
    if let Some(disposition) = disposition {
        response = response.insert_header("Content-Disposition", disposition);
    }
    response
}

/// The path of DownloadServerLogs for server `id` and export `export_id`.
pub fn archive_path(id: &str, export_id: &str) -> String {
    format!("/v1/{PROJECT}/physicalservers/{id}/logs/exports/{export_id}/content")
}

/// Every request `server` received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is enabled by default")
}

/// The requests `server` received for `path`.
pub async fn requests_to(server: &MockServer, path: &str) -> Vec<Request> {
    requests(server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == path)
        .collect()
}

/// Asserts `request` carries no header beyond [`LINK_HEADERS`].
pub fn assert_only_link_headers(request: &Request) {
    for name in request.headers.keys() {
        assert!(
            LINK_HEADERS.contains(&name.as_str()),
            "the link's host received the header {name}: {:?}, expected only {LINK_HEADERS:?}",
            request.headers.get_all(name)
        );
    }
}

/// Asserts `request` carries no credential: none of [`CREDENTIAL_HEADERS`], and no secret of
/// the configs anywhere in its headers; and the client's `User-Agent`.
pub fn assert_no_credentials(request: &Request) {
    for name in CREDENTIAL_HEADERS {
        assert!(
            request.headers.get(name).is_none(),
            "the link's host received {name}: {:?}",
            request.headers
        );
    }
    for value in request.headers.values() {
        let value = String::from_utf8_lossy(value.as_bytes());
        for secret in [TOKEN, AK, SK, SECURITY_TOKEN, PROJECT] {
            assert!(
                !value.contains(secret),
                "a header sent to the link's host contains a secret: {value}"
            );
        }
    }
    let user_agent = request
        .headers
        .get("user-agent")
        .expect("the link's host receives a User-Agent");
    assert!(
        user_agent
            .to_str()
            .expect("an ASCII User-Agent")
            // The committed client uses the shared runtime, whose name is the default.
            .starts_with("clientgen-runtime/"),
        "unexpected User-Agent {user_agent:?}"
    );
}

/// Asserts the API request carried the token of [`token_config`].
pub fn assert_token_sent(request: &Request) {
    assert_eq!(
        request
            .headers
            .get("x-auth-token")
            .map(|v| v.to_str().expect("ASCII")),
        Some(TOKEN),
        "the API request lacks the token"
    );
}

/// Asserts the API request was signed with the AK/SK of [`aksk_config`].
pub fn assert_signed(request: &Request) {
    let authorization = request
        .headers
        .get("authorization")
        .expect("the API request is signed")
        .to_str()
        .expect("ASCII");
    assert!(
        authorization.contains(AK),
        "unexpected Authorization {authorization}"
    );
    assert!(request.headers.get("x-sdk-date").is_some());
    assert!(request.headers.get("x-security-token").is_some());
}
