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
    /// Which files the loader may read, and how much of them.
    pub reading: ReadPolicy,
    /// How large a spec may be, counted in what it makes the generator produce.
    pub limits: Limits,
    /// Refuse a spec that needs a fallback (every warning becomes an error): the CLI's
    /// `--strict`.
    pub strict: bool,
    /// The Cargo feature under which every generated type implements both `Serialize` and
    /// `Deserialize`, so values can be logged, stored and made up in tests. Without it a type
    /// implements only the direction it travels in (`Serialize` when sent, `Deserialize` when
    /// received), which keeps large crates quick to compile.
    ///
    /// A generated crate declares it, off by default ([`SERDE_FEATURE`] unless changed here).
    /// An included file ([`Output::Module`]) tests the including crate's feature of this name,
    /// which that crate must declare (`[features] serde-both = []`); there it is `None` by
    /// default (see [`crate::build::Builder::serde_feature`]). `None` generates no such
    /// feature: the missing directions are left out.
    pub serde_feature: Option<String>,
    /// Where the runtime (Config, credentials, errors, transport...) comes from: copied into
    /// the output, or the shared `clientgen-runtime` crate.
    pub runtime: Runtime,
}

/// Where generated code finds the runtime.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Runtime {
    /// The runtime's files copied into the output: a crate that stands alone, with its own
    /// `Config` and `Error` types (the CLI's `--runtime inline`).
    #[default]
    Inline,
    /// The `clientgen-runtime` crate from the registry, at exactly the generator's version
    /// ([`RUNTIME_VERSION`]): every client generated so shares one `Config` and one `Error`
    /// (`--runtime crate`).
    Crate,
    /// The `clientgen-runtime` crate at this folder (relative to the working folder, written
    /// relative to the output folder), also at exactly [`RUNTIME_VERSION`]: for a workspace
    /// of several clients (`--runtime path:DIR`).
    Path(PathBuf),
}

impl Runtime {
    /// Parses the CLI's form: `inline`, `crate` or `path:DIR`.
    pub fn parse(text: &str) -> Result<Runtime, String> {
        match text {
            "inline" => Ok(Runtime::Inline),
            "crate" => Ok(Runtime::Crate),
            _ => match text.strip_prefix("path:") {
                Some(dir) if !dir.is_empty() => Ok(Runtime::Path(PathBuf::from(dir))),
                _ => Err(format!(
                    "{text:?} is not a runtime: write `inline`, `crate` or `path:DIR`"
                )),
            },
        }
    }

    /// Whether generated code uses the shared `clientgen-runtime` crate.
    pub fn is_shared(&self) -> bool {
        !matches!(self, Runtime::Inline)
    }
}

/// The version of `clientgen-runtime` generated code is pinned to: the generator's own.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where this repository keeps the runtime crate; the CLI's runtime when it writes the
/// default output folder ([`DEFAULT_OUT_DIR`]).
pub const DEFAULT_RUNTIME_DIR: &str = "runtime";

/// The default [`Config::serde_feature`] of a generated crate.
pub const SERDE_FEATURE: &str = "serde-both";

/// What a spec may make the generator read. A spec is often third-party input and a build
/// script runs the generator on every build, so a `$ref` may only name regular files of a
/// bounded size inside the spec's own folder, unless the user allows more here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadPolicy {
    /// The largest file read (a spec or a file a `$ref` names), in bytes.
    pub max_file_bytes: u64,
    /// Folders `$ref`s may read from besides each spec's own folder (and its subfolders):
    /// the CLI's `--ref-root`. Symbolic links are resolved before the check.
    pub ref_roots: Vec<PathBuf>,
}

/// The default [`ReadPolicy::max_file_bytes`]: 64 MiB, four times GitHub's whole spec.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl Default for ReadPolicy {
    fn default() -> Self {
        ReadPolicy {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            ref_roots: Vec::new(),
        }
    }
}

/// How large one spec may be. Generation costs time and memory in proportion to what a spec
/// asks for (a single enum of a million values took 6 GB), so a spec beyond these limits is
/// refused with a diagnostic naming the limit, before any expensive work, instead of
/// exhausting the machine. The defaults are above every real API but one (GitHub's spec:
/// about 100,000 items, 1,223 operations, 969 schemas, enums of up to 53 values; Microsoft
/// Graph v1.0, the largest of the APIs.guru directory that generates: between 300,000 and
/// 500,000 items) and keep a spec just under them to seconds and well under 1 GiB (README:
/// Limits).
/// Each limit has a name for the CLI's `--limit NAME=N` ([`Limits::set`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// `items`: everything the spec describes, counted one by one: component schemas,
    /// inline schemas, properties, enum values, `oneOf`/`anyOf`/`allOf` members, operations,
    /// parameters, responses, servers and server variable values.
    pub max_items: usize,
    /// `schemas`: entries of `#/components/schemas`.
    pub max_schemas: usize,
    /// `operations`: operations under `#/paths`.
    pub max_operations: usize,
    /// `enum-values`: values of one `enum`.
    pub max_enum_values: usize,
    /// `properties`: properties of one object schema.
    pub max_properties: usize,
    /// `members`: members of one `oneOf`, `anyOf` or `allOf`.
    pub max_members: usize,
    /// `parameters`: parameters of one operation (its own and its path's).
    pub max_parameters: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_items: 500_000,
            max_schemas: 50_000,
            max_operations: 20_000,
            max_enum_values: 10_000,
            max_properties: 10_000,
            max_members: 1_000,
            max_parameters: 1_000,
        }
    }
}

impl Limits {
    /// Every limit's name, as [`Limits::set`] and the CLI's `--limit` take it.
    pub const NAMES: &'static [&'static str] = &[
        "items",
        "schemas",
        "operations",
        "enum-values",
        "properties",
        "members",
        "parameters",
    ];

    /// Sets the limit named `name` (one of [`Limits::NAMES`]).
    pub fn set(&mut self, name: &str, value: usize) -> Result<(), String> {
        let slot = match name {
            "items" => &mut self.max_items,
            "schemas" => &mut self.max_schemas,
            "operations" => &mut self.max_operations,
            "enum-values" => &mut self.max_enum_values,
            "properties" => &mut self.max_properties,
            "members" => &mut self.max_members,
            "parameters" => &mut self.max_parameters,
            _ => {
                return Err(format!(
                    "unknown limit {name:?}: use one of {}",
                    Limits::NAMES.join(", ")
                ))
            }
        };
        *slot = value;
        Ok(())
    }

    /// The problem of `found` things at `at` of `file`, more than `limit` (the limit named
    /// `name`), with `fix` as the first thing to try.
    pub fn exceeded(
        file: &str,
        at: String,
        (found, limit): (usize, usize),
        what: &str,
        name: &str,
        fix: &str,
    ) -> crate::Diagnostic {
        crate::Diagnostic::at(
            file,
            at,
            format!("{found} {what}, more than the limit of {limit} (`{name}`)"),
        )
        .help(format!(
            "{fix}, or raise the limit (`--limit {name}=N`, `Limits`) if the API really needs it"
        ))
    }

    /// Sets a limit from `NAME=N`, as the CLI's `--limit` writes it.
    pub fn set_from(&mut self, assignment: &str) -> Result<(), String> {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(format!(
                "{assignment:?} is not `NAME=N`: write for example `--limit enum-values=20000`"
            ));
        };
        let value = value
            .trim()
            .parse::<usize>()
            .map_err(|_| format!("limit {name:?}: {value:?} is not a whole number"))?;
        self.set(name.trim(), value)
    }
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
            reading: ReadPolicy::default(),
            limits: Limits::default(),
            strict: false,
            serde_feature: Some(SERDE_FEATURE.to_owned()),
            runtime: Runtime::Inline,
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
            let name = crate::escape::printable(name);
            return Err(format!(
                "crate name `{name}` is not a valid package name: use ASCII letters, digits, `-` and `_`, starting with a letter"
            ));
        }
        let version = &self.crate_version;
        let valid = !version.is_empty()
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
        if !valid {
            return Err(format!(
                "crate version `{}` is not a semantic version: use digits, letters, `.`, `-` and `+` (e.g. `0.1.0`)",
                crate::escape::printable(version)
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
                let mount = crate::escape::printable(mount);
                return Err(format!(
                    "mount path `{mount}` is not a module path from the crate root: write `crate` or `crate::api`"
                ));
            }
        }
        if let Some(feature) = &self.serde_feature {
            // Cargo's rule for feature names.
            let valid = feature
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && feature
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'));
            if !valid || feature == "default" {
                return Err(format!(
                    "`{}` is not a Cargo feature name for the serde feature: use ASCII letters, digits, `_`, `-`, `+` and `.`, not `default`",
                    crate::escape::printable(feature)
                ));
            }
        }
        if self.specs.is_empty() {
            return Err("no spec given: pass --spec PATH (a file or a folder)".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Runtime;
    use std::path::PathBuf;

    #[test]
    fn runtimes_parse_as_the_cli_writes_them() {
        assert_eq!(Runtime::parse("inline"), Ok(Runtime::Inline));
        assert_eq!(Runtime::parse("crate"), Ok(Runtime::Crate));
        assert_eq!(
            Runtime::parse("path:../rt"),
            Ok(Runtime::Path(PathBuf::from("../rt")))
        );
        assert!(Runtime::parse("path:").is_err());
        assert!(Runtime::parse("shared").is_err());
    }
}
