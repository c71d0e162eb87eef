//! `clientgen`: the command line over the library. Flags fill the same [`Config`] a build
//! script would; everything else happens in the library.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use clientgen::config::{
    ReadPolicy, Runtime, DEFAULT_CRATE_NAME, DEFAULT_MAX_FILE_BYTES, DEFAULT_OUT_DIR,
    DEFAULT_RUNTIME_DIR, DEFAULT_SPEC_DIR,
};
use clientgen::Config;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "clientgen",
    version,
    about = "Generate async Rust clients from OpenAPI 3.0 and 3.1 specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the client crate for the specs (only files whose content changed are touched).
    Generate(Target),
    /// Exit 1, naming every stale file, when the crate differs from what the specs produce.
    Check(Target),
    /// Check specs: what generation reports, plus every `$ref`, duplicate operationIds and
    /// every example against its schema. Exit 1 when there is a problem.
    Lint(LintArgs),
    /// Compare two versions of a spec (files or folders) as users of the generated client see
    /// them: every change classed breaking or compatible. Exit 1 when one is breaking.
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The earlier version: a spec file or a folder of them.
    old: PathBuf,
    /// The later version: a spec file or a folder of them.
    new: PathBuf,
    /// `text` (a line per change) or `json`.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    reading: Reading,
}

/// What the specs may make the generator read.
#[derive(Args)]
struct Reading {
    /// A folder `$ref`s may read from besides each spec's own folder; repeatable. By default
    /// a `$ref` may not leave the spec's folder (symbolic links resolved).
    #[arg(long = "ref-root", value_name = "DIR")]
    ref_roots: Vec<PathBuf>,
    /// The largest file read (a spec or a `$ref`'d file), in bytes.
    #[arg(long = "max-file-bytes", value_name = "N", default_value_t = DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: u64,
}

impl Reading {
    fn policy(self) -> ReadPolicy {
        ReadPolicy {
            max_file_bytes: self.max_file_bytes,
            ref_roots: self.ref_roots,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args)]
struct LintArgs {
    /// A spec file (YAML or JSON) or a folder of them; repeatable.
    #[arg(long = "spec", value_name = "PATH", default_value = DEFAULT_SPEC_DIR)]
    specs: Vec<PathBuf>,
    #[command(flatten)]
    reading: Reading,
    /// Treat warnings (what generation would approximate with a fallback) as errors.
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
struct Target {
    /// A spec file (YAML or JSON) or a folder of them; repeatable.
    #[arg(long = "spec", value_name = "PATH", default_value = DEFAULT_SPEC_DIR)]
    specs: Vec<PathBuf>,
    /// The crate folder to write.
    #[arg(long = "out", value_name = "DIR", default_value = DEFAULT_OUT_DIR)]
    out: PathBuf,
    /// The generated crate's package name.
    #[arg(long = "name", value_name = "CRATE", default_value = DEFAULT_CRATE_NAME)]
    name: String,
    #[command(flatten)]
    reading: Reading,
    /// Raises or lowers a size limit of the specs, as `NAME=N`; repeatable. Names: items,
    /// schemas, operations, enum-values, properties, members, parameters (README: Limits).
    #[arg(long = "limit", value_name = "NAME=N", value_parser = parse_limit)]
    limits: Vec<String>,
    /// Refuse the specs when any part needs a fallback (a `serde_json::Value`, a renamed
    /// module...): every warning becomes an error.
    #[arg(long)]
    strict: bool,
    /// Where the runtime (Config, credentials, errors, transport) comes from: `inline` copies
    /// it into the crate, which then stands alone; `crate` depends on `clientgen-runtime`
    /// from the registry and `path:DIR` on the one in DIR (relative to the working folder),
    /// both at exactly this generator's version, so clients generated so share one `Config`
    /// and one `Error`. Default: `path:runtime` when writing the default `generated` folder
    /// (this repository's committed client and runtime), `inline` otherwise.
    #[arg(long = "runtime", value_name = "inline|crate|path:DIR", value_parser = Runtime::parse)]
    runtime: Option<Runtime>,
}

/// Checks a `--limit` value as the command line is parsed.
fn parse_limit(text: &str) -> Result<String, String> {
    clientgen::config::Limits::default().set_from(text)?;
    Ok(text.to_owned())
}

impl Target {
    fn config(self) -> Config {
        let runtime = self.runtime.unwrap_or_else(|| {
            if self.out == std::path::Path::new(DEFAULT_OUT_DIR) {
                Runtime::Path(PathBuf::from(DEFAULT_RUNTIME_DIR))
            } else {
                Runtime::Inline
            }
        });
        Config {
            runtime,
            specs: self.specs,
            out_dir: self.out,
            crate_name: self.name,
            reading: self.reading.policy(),
            limits: limits_from(&self.limits),
            strict: self.strict,
            ..Config::default()
        }
    }
}

/// The default limits with every `--limit NAME=N` applied (checked by [`parse_limit`]).
fn limits_from(assignments: &[String]) -> clientgen::config::Limits {
    let mut limits = clientgen::config::Limits::default();
    for assignment in assignments {
        limits
            .set_from(assignment)
            .expect("checked when the command line was parsed");
    }
    limits
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    let (check, config) = match command {
        Command::Generate(target) => (false, target.config()),
        Command::Check(target) => (true, target.config()),
        Command::Lint(args) => return Ok(lint(args)),
        Command::Diff(args) => return diff(args),
    };
    let files = match clientgen::generate_from_files_reporting(std::path::Path::new(""), &config) {
        Ok(generation) => {
            if !generation.warnings.is_empty() {
                eprintln!("{}", clientgen::Diagnostics(generation.warnings));
            }
            generation.files
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return Ok(ExitCode::from(2));
        }
    };
    let out = &config.out_dir;
    if check {
        let stale = clientgen::write::check_files(out, &files)
            .with_context(|| format!("reading {}", out.display()))?;
        if stale.is_empty() {
            println!("{}: up to date ({} files)", out.display(), files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for s in &stale {
            println!("stale: {}/{s}", out.display());
        }
        println!(
            "{} stale file(s): run `clientgen generate` and commit the result",
            stale.len()
        );
        return Ok(ExitCode::from(1));
    }
    let report = clientgen::write::write_files(out, &files)
        .with_context(|| format!("writing {}", out.display()))?;
    for path in &report.written {
        println!("wrote {}/{path}", out.display());
    }
    for path in &report.removed {
        println!("removed {}/{path}", out.display());
    }
    println!(
        "{}: {} written, {} unchanged, {} removed",
        out.display(),
        report.written.len(),
        report.unchanged.len(),
        report.removed.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let here = std::path::Path::new("");
    let reading = args.reading.policy();
    let load = |path: &PathBuf| {
        let config = Config {
            specs: vec![path.clone()],
            reading: reading.clone(),
            ..Config::default()
        };
        clientgen::lower_specs(here, &config)
    };
    let (old, new) = match (load(&args.old), load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for problems in [old.err(), new.err()].into_iter().flatten() {
                eprintln!("{problems}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let report = clientgen::diff::diff(&old, &new);
    match args.format {
        Format::Text => println!("{report}"),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if report.is_breaking() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn lint(args: LintArgs) -> ExitCode {
    let config = Config {
        specs: args.specs,
        reading: args.reading.policy(),
        strict: args.strict,
        ..Config::default()
    };
    match clientgen::lint_specs(std::path::Path::new(""), &config) {
        Ok(linted) if linted.warnings.is_empty() => {
            println!("{} spec(s) checked: no problems", linted.checked);
            ExitCode::SUCCESS
        }
        Ok(linted) => {
            eprintln!("{}", clientgen::Diagnostics(linted.warnings));
            println!(
                "{} spec(s) checked: no errors (warnings above; `--strict` makes them errors)",
                linted.checked
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            ExitCode::from(1)
        }
    }
}
