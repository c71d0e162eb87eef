//! The file system reader the command line and build scripts give the loader.
//!
//! A spec decides which files its `$ref`s name, and a build script runs the generator on every
//! build: a `$ref` to `/dev/zero` would fill memory, to a FIFO hang forever, to
//! `/proc/self/environ` leak the build's secrets into an error message or a generated file.
//! So this reader opens regular files only, reads at most a configured number of bytes, and
//! only inside the spec's own folder or a folder the user named ([`ReadPolicy`]).

use crate::config::ReadPolicy;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Reads the files of one spec: the spec itself and what its `$ref`s name.
#[derive(Debug, Clone)]
pub struct FileReader {
    base: PathBuf,
    max_bytes: u64,
    /// Canonical folders a read must stay in; `None` when one of them could not be resolved,
    /// which then refuses every read outside the spec itself.
    roots: Vec<PathBuf>,
    /// The spec file as given (relative to `base`): the user named it, so it is always allowed.
    spec: PathBuf,
}

/// Why a file was not read, with what to do: kept inside the [`io::Error`] the reader returns,
/// so the loader's diagnostics can give the right advice.
#[derive(Debug)]
pub struct Refused {
    pub message: String,
    pub help: &'static str,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// The advice a refused read carries, if `error` is one.
pub fn help_for(error: &io::Error) -> Option<&'static str> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
        .map(|refused| refused.help)
}

fn refuse(kind: io::ErrorKind, message: String, help: &'static str) -> io::Error {
    io::Error::new(kind, Refused { message, help })
}

impl FileReader {
    /// A reader for the spec at `spec` (relative to `base`): reads may reach the spec's folder
    /// and below, and the policy's extra roots (relative to `base` when relative).
    pub fn for_spec(base: &Path, spec: &Path, policy: &ReadPolicy) -> Self {
        let folder = base.join(spec);
        let folder = folder.parent().unwrap_or(Path::new("."));
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let roots = std::iter::once(folder.to_path_buf())
            .chain(policy.ref_roots.iter().map(|r| base.join(r)))
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .collect();
        FileReader {
            base: base.to_path_buf(),
            max_bytes: policy.max_file_bytes,
            roots,
            spec: crate::load::normalize(spec),
        }
    }

    /// The text of `path` (relative to the base), or why it may not be read.
    pub fn read(&self, path: &Path) -> io::Result<String> {
        let full = self.base.join(path);
        if crate::load::normalize(path) != self.spec {
            let real = std::fs::canonicalize(&full)?;
            if !self.roots.iter().any(|root| real.starts_with(root)) {
                return Err(refuse(
                    io::ErrorKind::PermissionDenied,
                    "the file is outside the spec's folder (symbolic links resolved)".to_owned(),
                    "keep referenced files in the spec's folder, or allow the folder that holds them (`--ref-root DIR`, `Builder::ref_root`)",
                ));
            }
        }
        read_bounded(&full, self.max_bytes)
    }
}

/// Reads `path` if it is a regular file of at most `max_bytes` bytes holding UTF-8 text.
pub fn read_bounded(path: &Path, max_bytes: u64) -> io::Result<String> {
    // The type is checked before opening: opening a FIFO blocks until a writer comes.
    check_regular(&std::fs::metadata(path)?, max_bytes)?;
    let file = std::fs::File::open(path)?;
    // And again on the open file, in case the name now leads somewhere else.
    check_regular(&file.metadata()?, max_bytes)?;
    let mut bytes = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    String::from_utf8(bytes).map_err(|_| {
        refuse(
            io::ErrorKind::InvalidData,
            "the file is not UTF-8 text".to_owned(),
            "save the file as UTF-8 (YAML or JSON)",
        )
    })
}

fn check_regular(metadata: &std::fs::Metadata, max_bytes: u64) -> io::Result<()> {
    if !metadata.is_file() {
        let what = if metadata.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, a FIFO or a socket)"
        };
        return Err(refuse(
            io::ErrorKind::InvalidInput,
            format!("the path is {what}"),
            "point the reference at a YAML or JSON file",
        ));
    }
    if metadata.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(())
}

fn too_large(max_bytes: u64) -> io::Error {
    refuse(
        io::ErrorKind::InvalidData,
        format!("the file is larger than the limit of {max_bytes} bytes"),
        "raise the limit if the file is really a spec (`--max-file-bytes N`, `Builder::max_file_bytes`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max: u64) -> ReadPolicy {
        ReadPolicy {
            max_file_bytes: max,
            ..ReadPolicy::default()
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("clientgen-read-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec/shared")).unwrap();
        dir
    }

    #[test]
    fn devices_are_refused_without_reading() {
        for device in ["/dev/zero", "/dev/urandom"] {
            if Path::new(device).exists() {
                let e = read_bounded(Path::new(device), 1 << 20).unwrap_err();
                assert!(e.to_string().contains("not a regular file"), "{e}");
                assert!(help_for(&e).is_some());
            }
        }
        let e = read_bounded(Path::new("/"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        // A FIFO with no writer: opening it would block forever.
        let dir = temp("fifo");
        let fifo = dir.join("spec/fifo.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = read_bounded(&fifo, 1 << 20).unwrap_err();
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn size_and_encoding_are_bounded() {
        let dir = temp("size");
        let file = dir.join("spec/a.yaml");
        std::fs::write(&file, "x".repeat(11)).unwrap();
        assert_eq!(read_bounded(&file, 11).unwrap().len(), 11);
        let e = read_bounded(&file, 10).unwrap_err();
        assert!(e.to_string().contains("limit of 10 bytes"), "{e}");
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        assert!(read_bounded(&file, 10)
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn reads_stay_in_the_spec_folder_unless_allowed() {
        let dir = temp("roots");
        std::fs::write(dir.join("spec/a.yaml"), "a").unwrap();
        std::fs::write(dir.join("spec/shared/b.yaml"), "b").unwrap();
        std::fs::write(dir.join("outside.yaml"), "o").unwrap();
        let reader = FileReader::for_spec(&dir, Path::new("spec/a.yaml"), &policy(100));
        assert_eq!(reader.read(Path::new("spec/a.yaml")).unwrap(), "a");
        assert_eq!(reader.read(Path::new("spec/shared/b.yaml")).unwrap(), "b");
        let e = reader.read(Path::new("outside.yaml")).unwrap_err();
        assert!(e.to_string().contains("outside the spec's folder"), "{e}");
        assert!(reader.read(Path::new("/etc/passwd")).is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("outside.yaml"), dir.join("spec/link.yaml"))
                .unwrap();
            let e = reader.read(Path::new("spec/link.yaml")).unwrap_err();
            assert!(e.to_string().contains("outside"), "{e}");
        }
        let allowed = ReadPolicy {
            ref_roots: vec![PathBuf::from(".")],
            ..policy(100)
        };
        let reader = FileReader::for_spec(&dir, Path::new("spec/a.yaml"), &allowed);
        assert_eq!(reader.read(Path::new("outside.yaml")).unwrap(), "o");
        let _ = std::fs::remove_dir_all(dir);
    }
}
