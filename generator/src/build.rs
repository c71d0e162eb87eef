//! Generation from a build script: the client is written to `OUT_DIR` as one file that the
//! crate `include!`s, regenerated exactly when a file it was made from changes.
//!
//! ```no_run
//! // In build.rs's `main`:
//! clientgen::build::Builder::new("petstore")
//!     .spec("spec/petstore.yaml")
//!     .mount("crate::petstore")
//!     .run();
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! pub mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```
//!
//! The crate needs the runtime's dependencies (see the README). Spec paths are relative to
//! the crate's folder (`CARGO_MANIFEST_DIR`).

use crate::config::Output;
use crate::write::{write_files, WriteReport};
use crate::{Config, Diagnostics};
use std::path::{Path, PathBuf};

/// Configures and runs generation from a build script; a face of the same [`Config`] the
/// command line fills.
#[derive(Debug, Clone)]
pub struct Builder {
    config: Config,
}

impl Builder {
    /// Generates `<name>.rs` (with `-` as `_`) in `OUT_DIR`, for inclusion at the crate root
    /// until [`mount`](Builder::mount) says otherwise.
    pub fn new(name: &str) -> Self {
        Builder {
            config: Config {
                specs: Vec::new(),
                out_dir: PathBuf::new(),
                crate_name: name.to_owned(),
                output: Output::Module {
                    mount: "crate".to_owned(),
                },
                // The including crate declares its own features.
                serde_feature: None,
                ..Config::default()
            },
        }
    }

    /// Starts from a complete configuration (its `output` must be [`Output::Module`]; its
    /// `out_dir`, when empty, becomes `OUT_DIR`).
    pub fn from_config(config: Config) -> Self {
        Builder { config }
    }

    /// A spec file (YAML or JSON) or a folder of them, relative to the crate's folder.
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.specs.push(path.into());
        self
    }

    /// Where the file is included: `crate` (the default) or a module path such as
    /// `crate::api` for `mod api { include!(..) }`.
    pub fn mount(mut self, path: &str) -> Self {
        self.config.output = Output::Module {
            mount: path.to_owned(),
        };
        self
    }

    /// Allows `$ref`s to read files under `folder` (relative to the crate's folder) besides
    /// each spec's own folder; by default they may not leave it.
    pub fn ref_root(mut self, folder: impl Into<PathBuf>) -> Self {
        self.config.reading.ref_roots.push(folder.into());
        self
    }

    /// The largest file read (a spec or a `$ref`'d file), in bytes; 64 MiB by default.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.config.reading.max_file_bytes = bytes;
        self
    }

    /// Gives every generated type both `Serialize` and `Deserialize` when the including
    /// crate's Cargo feature `feature` is on (by default a type implements only the direction
    /// it travels in). The crate must declare the feature (`[features] serde-both = []`);
    /// without this call the generated code names no feature.
    pub fn serde_feature(mut self, feature: &str) -> Self {
        self.config.serde_feature = Some(feature.to_owned());
        self
    }

    /// Where the runtime comes from: [`Runtime::Inline`] (the default) writes it into the
    /// file; [`Runtime::Crate`] or [`Runtime::Path`] leave it out for the shared
    /// `clientgen-runtime` crate, which the including crate then depends on, at exactly
    /// [`crate::config::RUNTIME_VERSION`] (one `Config` and one `Error` type for every client).
    ///
    /// [`Runtime::Inline`]: crate::config::Runtime::Inline
    /// [`Runtime::Crate`]: crate::config::Runtime::Crate
    /// [`Runtime::Path`]: crate::config::Runtime::Path
    pub fn runtime(mut self, runtime: crate::config::Runtime) -> Self {
        self.config.runtime = runtime;
        self
    }

    /// Fail the build when a spec needs a fallback (every warning becomes an error).
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// The size limits a spec must respect ([`crate::config::Limits`]; the defaults fit
    /// every real API).
    pub fn limits(mut self, limits: crate::config::Limits) -> Self {
        self.config.limits = limits;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Generates, writes the file if its content changed, and prints `cargo:rerun-if-changed`
    /// for every spec folder and every file read (`$ref` targets included).
    pub fn generate(&self) -> Result<Generated, BuildError> {
        let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
        let out_dir = if self.config.out_dir.as_os_str().is_empty() {
            env_path("OUT_DIR")?
        } else {
            self.config.out_dir.clone()
        };
        let generated = self.generate_in(&manifest_dir, &out_dir)?;
        for directive in &generated.directives {
            println!("{directive}");
        }
        Ok(generated)
    }

    /// [`generate`](Builder::generate) with the crate's folder and the output folder given
    /// rather than read from Cargo's environment, printing nothing: the directives Cargo needs
    /// are in [`Generated::directives`].
    pub fn generate_in(
        &self,
        manifest_dir: &Path,
        out_dir: &Path,
    ) -> Result<Generated, BuildError> {
        let mut config = self.config.clone();
        config.out_dir = out_dir.to_path_buf();
        if !matches!(config.output, Output::Module { .. }) {
            return Err(BuildError::Crate);
        }
        let crate::Generation {
            files,
            warnings,
            read,
        } = crate::generate_from_files_reporting(manifest_dir, &config)
            .map_err(BuildError::Spec)?;
        let mut watched: Vec<PathBuf> = config
            .specs
            .iter()
            .chain(read.iter())
            .map(|p| manifest_dir.join(p))
            .collect();
        watched.sort();
        watched.dedup();
        // Checked before anything is written: one unrepresentable name stops the build whole.
        let directives = watched
            .iter()
            .map(|path| rerun_directive(path))
            .collect::<Result<Vec<_>, _>>()?;
        // Cargo shows `cargo:warning` lines; each line of a diagnostic is already printable
        // text (no line break or control character can start a directive of its own).
        let directives = directives
            .into_iter()
            .chain(warnings.iter().flat_map(|warning| {
                warning
                    .to_string()
                    .lines()
                    .map(|line| format!("cargo:warning={line}"))
                    .collect::<Vec<_>>()
            }))
            .collect();
        let report = write_files(&config.out_dir, &files).map_err(|source| BuildError::Io {
            path: config.out_dir.clone(),
            source,
        })?;
        Ok(Generated {
            file: config.out_dir.join(format!("{}.rs", config.crate_ident())),
            watched,
            directives,
            warnings,
            report,
        })
    }

    /// [`generate`](Builder::generate), and on failure the same located diagnostics as the
    /// command line on standard error (which Cargo shows), then exit status 1.
    pub fn run(&self) -> Generated {
        match self.generate() {
            Ok(generated) => generated,
            Err(e) => {
                eprintln!("{e}");
                println!("cargo:warning=clientgen could not generate the client; see the build script's output");
                std::process::exit(1);
            }
        }
    }
}

/// What a build script generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The file to include.
    pub file: PathBuf,
    /// The files and folders Cargo watches for this build script.
    pub watched: Vec<PathBuf>,
    /// The `cargo:` lines that make Cargo watch them, one per line, each checked to be a
    /// single directive whatever the file names hold.
    pub directives: Vec<String>,
    /// What the specs needed a fallback for (also among the directives, as `cargo:warning`).
    pub warnings: Vec<crate::Diagnostic>,
    /// Whether the file was written or already up to date.
    pub report: WriteReport,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Spec(Diagnostics),
    #[error("environment variable {0} is not set: run this from a build script (build.rs)")]
    Env(&'static str),
    #[error("writing {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "a build script generates one file to include: configure `Output::Module`, not a crate"
    )]
    Crate,
    #[error("cannot watch `{}`: Cargo's build-script directives cannot carry a file name with a line break, a control character or bytes that are not UTF-8; rename the file", crate::escape::path(.0))]
    UnwatchablePath(PathBuf),
}

/// `cargo:rerun-if-changed=<path>`, or an error when the path cannot be written on one
/// directive line as it is: Cargo has no escaping, so a line break in a file name would
/// start a directive of the spec author's choosing (`rustc-env`, `rustc-link-arg`...).
fn rerun_directive(path: &Path) -> Result<String, BuildError> {
    match path.to_str() {
        Some(text) if !text.chars().any(crate::escape::is_unsafe) => {
            Ok(format!("cargo:rerun-if-changed={text}"))
        }
        _ => Err(BuildError::UnwatchablePath(path.to_path_buf())),
    }
}

fn env_path(name: &'static str) -> Result<PathBuf, BuildError> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .filter(|p| p != Path::new(""))
        .ok_or(BuildError::Env(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_refuse_names_that_would_start_another_directive() {
        assert_eq!(
            rerun_directive(Path::new("spec/a b.yaml")).unwrap(),
            "cargo:rerun-if-changed=spec/a b.yaml"
        );
        for name in ["a\ncargo:rustc-env=X=1", "a\rb", "a\u{202e}b", "a\u{85}b"] {
            let err = rerun_directive(Path::new(name)).unwrap_err();
            assert!(err.to_string().contains("rename the file"), "{err}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }
}
