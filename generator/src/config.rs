//! The one configuration type behind every way of running the generator.
//!
//! The CLI's flags and the build-script helper ([`crate::build`]) both fill this struct, so
//! the two cannot drift apart.

use std::path::PathBuf;

/// What to generate, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Spec files (YAML or JSON) or folders of them. A folder contributes its `*.yaml`, `*.yml`
    /// and `*.json` files, not its subfolders, so shared documents can live in a subfolder.
    pub specs: Vec<PathBuf>,
    /// The crate folder written (its `Cargo.toml` and `src/`).
    pub out_dir: PathBuf,
    /// The generated crate's package name.
    pub crate_name: String,
    /// The generated crate's version.
    pub crate_version: String,
    /// A whole crate, or one file to `include!` in an existing crate.
    pub output: Output,
}

/// What generation produces.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Output {
    /// A crate folder: `Cargo.toml`, `src/lib.rs`, a module per spec, the runtime (the CLI).
    #[default]
    Crate,
    /// One Rust file, `<crate_name>.rs` (with `-` as `_`), holding the same modules inline, to
    /// `include!` in a crate that has the runtime's dependencies (build scripts).
    Module {
        /// Where the file is included, as a path from the crate root: `crate` for the root
        /// itself, `crate::api` for `mod api { include!(..) }`. The code's own `crate::` paths
        /// are rewritten to it.
        mount: String,
    },
}

/// Where this repository keeps its specs; the default input.
pub const DEFAULT_SPEC_DIR: &str = "spec";
/// Where this repository keeps the committed client; the default output.
pub const DEFAULT_OUT_DIR: &str = "generated";
/// The committed client's package name; the default crate name.
pub const DEFAULT_CRATE_NAME: &str = "cloud-logs-client";

impl Default for Config {
    fn default() -> Self {
        Config {
            specs: vec![PathBuf::from(DEFAULT_SPEC_DIR)],
            out_dir: PathBuf::from(DEFAULT_OUT_DIR),
            crate_name: DEFAULT_CRATE_NAME.to_owned(),
            crate_version: "0.1.0".to_owned(),
            output: Output::Crate,
        }
    }
}

impl Config {
    /// The crate name as a Rust identifier (`cloud-logs-client` -> `cloud_logs_client`).
    pub fn crate_ident(&self) -> String {
        self.crate_name.replace('-', "_")
    }

    /// Checks what can be checked without reading any file.
    pub fn validate(&self) -> Result<(), String> {
        let name = &self.crate_name;
        let valid = !name.is_empty()
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(format!(
                "crate name `{name}` is not a valid package name: use ASCII letters, digits, `-` and `_`, starting with a letter"
            ));
        }
        if let Output::Module { mount } = &self.output {
            let mut segments = mount.split("::");
            let valid = segments.next() == Some("crate")
                && segments.all(|s| {
                    s.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            if !valid {
                return Err(format!(
                    "mount path `{mount}` is not a module path from the crate root: write `crate` or `crate::api`"
                ));
            }
        }
        if self.specs.is_empty() {
            return Err("no spec given: pass --spec PATH (a file or a folder)".to_owned());
        }
        Ok(())
    }
}
