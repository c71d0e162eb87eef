//! Downloads to a file: streamed in constant memory, written to a temporary file beside the
//! target and renamed only once complete and of the expected size; pre-signed links fetched
//! without credentials.

use super::config::{Config, REDACTED};
use super::error::{DispatchError, StreamLimit};
use super::ByteStream;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use tokio::io::AsyncWriteExt;

/// How far a download has come; given to the progress callback after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes written so far.
    pub received: u64,
    /// The expected size, when the response or the link's declaration gives one.
    pub total: Option<u64>,
}

/// A file written by a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    pub bytes: u64,
}

/// A pre-signed link: a URL that carries its own authorisation, to be fetched without the
/// client's credentials.
///
/// The URL is a secret: `Debug` shows its host only, and errors never contain it.
#[derive(Clone)]
pub struct PresignedLink {
    url: String,
    expected_size: Option<u64>,
    file_name: Option<String>,
}

impl PresignedLink {
    pub fn new(url: impl Into<String>) -> Self {
        PresignedLink {
            url: url.into(),
            expected_size: None,
            file_name: None,
        }
    }

    /// The size the file must have; a download of another size fails.
    pub fn with_expected_size(mut self, size: Option<u64>) -> Self {
        self.expected_size = size;
        self
    }

    /// The file name to use when saving into a folder.
    pub fn with_file_name(mut self, name: Option<String>) -> Self {
        self.file_name = name;
        self
    }

    pub fn expected_size(&self) -> Option<u64> {
        self.expected_size
    }

    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The URL itself. Treat it as a credential: do not log it.
    pub fn expose_url(&self) -> &str {
        &self.url
    }

    /// The link's host, which is safe to show.
    pub fn host(&self) -> Option<String> {
        reqwest::Url::parse(&self.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
    }

    /// Starts the download: sends `GET` to the link, with no credential and no header of
    /// the client's beyond `User-Agent`, and returns the body as it arrives. The download's
    /// deadline (`ConfigBuilder::download_timeout`) runs from this call.
    pub async fn open(&self, config: &Config) -> Result<ByteStream, DownloadError> {
        let limits = config.stream_limits();
        let url = reqwest::Url::parse(&self.url).map_err(|_| DownloadError::InvalidLink {
            reason: "not an absolute URL",
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(DownloadError::InvalidLink {
                reason: "the scheme is neither http nor https",
            });
        }
        let host = url.host_str().unwrap_or_default().to_owned();
        tracing::debug!(host = %host, "fetching a pre-signed link");
        let shown_url = format!("{}://{host}/{}", url.scheme(), super::config::REDACTED);
        let request = config
            .link_http()
            .get(url)
            .header(reqwest::header::USER_AGENT, config.user_agent())
            .build()
            .map_err(|e| DownloadError::Dispatch(DispatchError::new(e)))?;
        let send = async {
            match config.exchange() {
                // A test double (the `mock` feature) answers in place of the network.
                Some(double) => {
                    let call = super::transport::ExchangeCall {
                        operation: super::transport::PRESIGNED_LINK,
                        attempt: 1,
                        shown_url,
                    };
                    double.exchange(request, call).await
                }
                None => config
                    .link_http()
                    .execute(request)
                    .await
                    .map_err(DispatchError::new),
            }
        };
        let sent = match limits.deadline() {
            Some((at, limit)) => tokio::time::timeout_at(at, send)
                .await
                .map_err(|_| DownloadError::TimedOut { limit })?,
            None => send.await,
        };
        let mut response = sent.map_err(DownloadError::Dispatch)?;
        response.extensions_mut().insert(limits);
        let status = response.status();
        if !status.is_success() {
            return Err(DownloadError::Status { status, host });
        }
        Ok(ByteStream::new(response))
    }

    /// Downloads the file to `path`.
    pub fn save_to(&self, config: &Config, path: impl Into<PathBuf>) -> Save {
        Save::new(
            Source::Link(self.clone(), config.clone()),
            Target::File(path.into()),
        )
        .expected_size(self.expected_size)
    }

    /// Downloads the file into the folder `dir`, under the link's declared file name (or the
    /// one the server suggests).
    pub fn save_into(&self, config: &Config, dir: impl Into<PathBuf>) -> Save {
        Save::new(
            Source::Link(self.clone(), config.clone()),
            Target::Dir(dir.into(), self.file_name.clone()),
        )
        .expected_size(self.expected_size)
    }
}

impl fmt::Debug for PresignedLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedLink")
            .field("host", &self.host())
            .field("url", &REDACTED)
            .field("expected_size", &self.expected_size)
            .field("file_name", &self.file_name)
            .finish()
    }
}

impl ByteStream {
    /// Writes the body to `path` (see [`Save`]).
    pub fn save_to(self, path: impl Into<PathBuf>) -> Save {
        Save::new(Source::Stream(self), Target::File(path.into()))
    }

    /// Writes the body into the folder `dir`, under the file name the server suggests
    /// (`Content-Disposition`, reduced to a plain name).
    pub fn save_into(self, dir: impl Into<PathBuf>) -> Save {
        Save::new(Source::Stream(self), Target::Dir(dir.into(), None))
    }
}

enum Source {
    Stream(ByteStream),
    Link(PresignedLink, Config),
}

enum Target {
    File(PathBuf),
    /// A folder, and the file name to use in it if known before the response.
    Dir(PathBuf, Option<String>),
}

/// A download to a file, run when awaited.
///
/// The body is written chunk by chunk to a temporary file in the target's folder, which is
/// renamed to the target only when the body is complete and has the expected size (the
/// declared one and the `Content-Length`). On any failure, or if the future is dropped, the
/// temporary file is removed and the target is left as it was.
#[must_use = "a download does nothing until it is awaited"]
pub struct Save {
    source: Source,
    target: Target,
    expected_size: Option<u64>,
    progress: Option<Box<dyn FnMut(Progress) + Send>>,
}

impl fmt::Debug for Save {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::File(path) | Target::Dir(path, _) => path,
        };
        f.debug_struct("Save")
            .field("target", target)
            .field("expected_size", &self.expected_size)
            .finish_non_exhaustive()
    }
}

impl Save {
    fn new(source: Source, target: Target) -> Self {
        Save {
            source,
            target,
            expected_size: None,
            progress: None,
        }
    }

    /// The size the file must have; `None` leaves only the `Content-Length` check.
    pub fn expected_size(mut self, size: Option<u64>) -> Self {
        self.expected_size = size;
        self
    }

    /// Called after every chunk written.
    pub fn progress(mut self, callback: impl FnMut(Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(callback));
        self
    }

    async fn run(mut self) -> Result<Saved, DownloadError> {
        let mut body = match self.source {
            Source::Stream(body) => body,
            Source::Link(link, config) => link.open(&config).await?,
        };
        let path = match self.target {
            Target::File(path) => path,
            Target::Dir(dir, name) => {
                let name = name
                    .as_deref()
                    .and_then(plain_file_name)
                    .or_else(|| body.file_name().and_then(plain_file_name))
                    .ok_or(DownloadError::NoFileName)?;
                dir.join(name)
            }
        };
        let announced = body.content_length();
        let expected = match (self.expected_size, announced) {
            (Some(declared), Some(announced)) if declared != announced => {
                return Err(DownloadError::SizeMismatch {
                    expected: declared,
                    received: announced,
                })
            }
            (declared, announced) => declared.or(announced),
        };
        let mut temp = TempFile::create(&path).await?;
        let mut received: u64 = 0;
        while let Some(chunk) = body.next_chunk().await {
            let chunk = chunk.map_err(DownloadError::from_dispatch)?;
            received += chunk.len() as u64;
            if expected.is_some_and(|expected| received > expected) {
                return Err(DownloadError::SizeMismatch {
                    expected: expected.unwrap_or(0),
                    received,
                });
            }
            temp.write(&chunk).await?;
            if let Some(progress) = self.progress.as_mut() {
                progress(Progress {
                    received,
                    total: expected,
                });
            }
        }
        if let Some(expected) = expected {
            if received != expected {
                return Err(DownloadError::SizeMismatch { expected, received });
            }
        }
        temp.persist(&path).await?;
        Ok(Saved {
            path,
            bytes: received,
        })
    }
}

impl IntoFuture for Save {
    type Output = Result<Saved, DownloadError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// A name usable as one file in a chosen folder: its last component (after any `/`, `\\` or
/// `:`, as `C:name` is a drive-relative path on Windows), without control characters, and
/// never `.` or `..`.
fn plain_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\', ':']).next()?;
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        return None;
    }
    Some(clean.to_owned())
}

/// The longest file name most file systems allow, in bytes (`NAME_MAX`).
const NAME_MAX: usize = 255;
/// What the temporary name adds to the target's: `.`, `.`, 16 hex digits, `.part`.
const TEMP_NAME_EXTRA: usize = 23;

/// The target's name as the temporary name repeats it: shortened (at a character boundary)
/// so that the temporary name fits in [`NAME_MAX`] bytes whenever the target's name does.
fn temp_name_stem(name: &str) -> &str {
    let mut end = name.len().min(NAME_MAX - TEMP_NAME_EXTRA);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The partial file, removed unless it is renamed to the target.
struct TempFile {
    path: PathBuf,
    file: Option<tokio::fs::File>,
}

impl TempFile {
    async fn create(target: &Path) -> Result<TempFile, DownloadError> {
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".to_owned());
        let name = temp_name_stem(&name);
        for _ in 0..8 {
            let path = dir.join(format!(".{name}.{:016x}.part", fastrand::u64(..)));
            match tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .await
            {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(DownloadError::Io { path, source }),
            }
        }
        Err(DownloadError::Io {
            path: dir,
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "no free temporary file name",
            ),
        })
    }

    async fn write(&mut self, chunk: &[u8]) -> Result<(), DownloadError> {
        let file = self
            .file
            .as_mut()
            .expect("the file is open until persisted");
        file.write_all(chunk)
            .await
            .map_err(|source| DownloadError::Io {
                path: self.path.clone(),
                source,
            })
    }

    async fn persist(mut self, target: &Path) -> Result<(), DownloadError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DownloadError::Io { path, source }
        };
        if let Some(mut file) = self.file.take() {
            file.flush().await.map_err(io(&self.path))?;
            file.sync_all().await.map_err(io(&self.path))?;
        }
        tokio::fs::rename(&self.path, target)
            .await
            .map_err(io(target))?;
        // Renamed: nothing left to remove.
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Why a download failed. The target file is then untouched.
#[derive(Debug)]
#[non_exhaustive]
pub enum DownloadError {
    /// The link is not an http(s) URL (the URL itself is not repeated: it is a secret).
    InvalidLink { reason: &'static str },
    /// The connection failed or the body was cut off.
    Dispatch(DispatchError),
    /// The link's server answered with an error status.
    Status {
        status: reqwest::StatusCode,
        host: String,
    },
    /// The body's size is not the declared or announced one.
    SizeMismatch { expected: u64, received: u64 },
    /// Saving into a folder, but neither the link nor the response names the file.
    NoFileName,
    /// Writing the file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The download took longer than `limit` (`ConfigBuilder::download_timeout`).
    TimedOut { limit: std::time::Duration },
    /// The body arrived too slowly: `received` bytes in `window`, less than
    /// `bytes_per_second` (`ConfigBuilder::download_min_throughput`).
    Stalled {
        bytes_per_second: u64,
        window: std::time::Duration,
        received: u64,
    },
}

impl DownloadError {
    fn from_dispatch(error: DispatchError) -> Self {
        match error.limit() {
            Some(StreamLimit::Deadline { limit }) => DownloadError::TimedOut { limit },
            Some(StreamLimit::Stalled {
                bytes_per_second,
                window,
                received,
            }) => DownloadError::Stalled {
                bytes_per_second,
                window,
                received,
            },
            _ => DownloadError::Dispatch(error),
        }
    }
}

impl fmt::Display for DownloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownloadError::InvalidLink { reason } => write!(f, "invalid download link: {reason}"),
            DownloadError::Dispatch(e) => write!(f, "download failed: {e}"),
            DownloadError::Status { status, host } => {
                write!(f, "the download link's host {host} answered {status}")
            }
            DownloadError::SizeMismatch { expected, received } => write!(
                f,
                "the download has the wrong size: expected {expected} bytes, received {received}"
            ),
            DownloadError::NoFileName => {
                f.write_str("no file name for the download: give a file path instead of a folder")
            }
            DownloadError::Io { path, source } => {
                write!(f, "writing {} failed: {source}", path.display())
            }
            DownloadError::TimedOut { limit } => {
                write!(f, "{}", StreamLimit::Deadline { limit: *limit })
            }
            DownloadError::Stalled {
                bytes_per_second,
                window,
                received,
            } => write!(
                f,
                "{}",
                StreamLimit::Stalled {
                    bytes_per_second: *bytes_per_second,
                    window: *window,
                    received: *received
                }
            ),
        }
    }
}

impl std::error::Error for DownloadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DownloadError::Dispatch(e) => Some(e),
            DownloadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_stay_in_the_folder() {
        assert_eq!(plain_file_name("a/b\\c.txt").as_deref(), Some("c.txt"));
        assert_eq!(plain_file_name("D:x.bin").as_deref(), Some("x.bin"));
        assert_eq!(plain_file_name("C:").as_deref(), None);
        assert_eq!(plain_file_name("..\u{7}").as_deref(), None);
    }

    #[test]
    fn temporary_names_fit_when_the_target_does() {
        assert_eq!(temp_name_stem("a.tar.gz"), "a.tar.gz");
        let long = "n".repeat(255);
        assert_eq!(temp_name_stem(&long).len() + TEMP_NAME_EXTRA, NAME_MAX);
        let wide = "é".repeat(127);
        let stem = temp_name_stem(&wide);
        assert!(stem.len() + TEMP_NAME_EXTRA <= NAME_MAX);
        assert_eq!(stem.chars().count(), 116);
    }
}
