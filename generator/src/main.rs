//! `clientgen`: the command line over the library. Flags fill the same [`Config`] a build
//! script would; everything else happens in the library.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use clientgen::config::{
    ReadPolicy, Runtime, DEFAULT_CRATE_NAME, DEFAULT_MAX_FILE_BYTES, DEFAULT_OUT_DIR,
    DEFAULT_RUNTIME_DIR, DEFAULT_SPEC_DIR,
};
use clientgen::report::{Colour, Sources};
use clientgen::{Config, Diagnostic};
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit codes, for `--help` (the README's table says the same, and a test holds the two
/// to what the commands do): scripts and CI branch on them.
const EXIT_CODES: &str = "\
Exit codes:
  0  generate: written (warnings allowed); check: up to date; lint: no error (warnings
     allowed); diff: no breaking change
  1  check: a file is stale; lint: a problem (an error, or with --strict a warning);
     diff: a breaking change
  2  generate, check, diff: a spec has errors, or a file could not be read or written;
     any command: the command line is wrong

Problems go to standard error: `file:line:column: error: message` (or `warning:`, `note:`),
the source line with the place underlined, and what to do; with `--format json`, one JSON
object per line instead.";

#[derive(Parser)]
#[command(
    name = "clientgen",
    version,
    about = "Generate async Rust clients from OpenAPI 3.0 and 3.1 specs",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the client crate for the specs (only files whose content changed are touched).
    #[command(after_help = EXIT_CODES)]
    Generate(Target),
    /// Exit 1, naming every stale file, when the crate differs from what the specs produce.
    #[command(after_help = EXIT_CODES)]
    Check(Target),
    /// Check specs: what generation reports, plus every `$ref`, duplicate operationIds and
    /// every example against its schema. Exit 1 when there is a problem.
    #[command(after_help = EXIT_CODES)]
    Lint(LintArgs),
    /// Compare two versions of a spec (files or folders) as users of the generated client see
    /// them: every change classed breaking or compatible. Exit 1 when one is breaking.
    #[command(after_help = EXIT_CODES)]
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The earlier version: a spec file or a folder of them.
    old: PathBuf,
    /// The later version: a spec file or a folder of them.
    new: PathBuf,
    /// `human` (a line per change; `text` is the same) or `json` (the report as one JSON
    /// document, and problems with the specs as JSON Lines on standard error).
    #[arg(long, value_enum, default_value = "human")]
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

/// How diagnostics (and `diff`'s report) are written.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// For people: each problem's located first line, its source line, what to do.
    #[value(alias = "text")]
    Human,
    /// For programs (CI, editors): a JSON object per problem and line, on standard error.
    Json,
}

/// Writes diagnostics to standard error in the chosen format.
struct Printer {
    format: Format,
    /// The same bound as reading the specs: showing a line never reads more than loading.
    max_file_bytes: u64,
}

impl Printer {
    fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        match self.format {
            Format::Human => {
                let sources =
                    Sources::read_for(diagnostics, std::path::Path::new(""), self.max_file_bytes);
                eprintln!(
                    "{}",
                    clientgen::report::human(diagnostics, &sources, colour())
                );
            }
            Format::Json => eprint!("{}", clientgen::report::json_lines(diagnostics)),
        }
    }

    /// A failure outside the specs (writing the crate): in JSON, located at the file or
    /// folder it names.
    fn failure(&self, path: &std::path::Path, error: &anyhow::Error) {
        match self.format {
            Format::Human => eprintln!("error: {error:#}"),
            Format::Json => {
                // Exact (JSON escapes what a terminal would act on), as a program opens it.
                let file = path.to_string_lossy().into_owned();
                let d = Diagnostic::new(
                    file,
                    clientgen::diagnostics::Location::File,
                    format!("{error:#}"),
                );
                eprint!("{}", clientgen::report::json_lines(&[d]));
            }
        }
    }
}

/// Colour for a person at a terminal who has not asked for none (https://no-color.org).
fn colour() -> Colour {
    let wanted = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if wanted && std::io::stderr().is_terminal() {
        Colour::Always
    } else {
        Colour::Never
    }
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
    /// How problems are written to standard error: `human` or `json` (JSON Lines).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
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
    /// How problems are written to standard error: `human` or `json` (JSON Lines).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Checks a `--limit` value as the command line is parsed.
fn parse_limit(text: &str) -> Result<String, String> {
    clientgen::config::Limits::default().set_from(text)?;
    Ok(text.to_owned())
}

impl Target {
    fn printer(&self) -> Printer {
        Printer {
            format: self.format,
            max_file_bytes: self.reading.max_file_bytes,
        }
    }

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
    match cli.command {
        Command::Generate(target) => run(false, target),
        Command::Check(target) => run(true, target),
        Command::Lint(args) => lint(args),
        Command::Diff(args) => diff(args),
    }
}

/// `generate` or `check`.
fn run(check: bool, target: Target) -> ExitCode {
    let printer = target.printer();
    let config = target.config();
    match generate(check, &config, &printer) {
        Ok(code) => code,
        Err(e) => {
            printer.failure(&config.out_dir, &e);
            ExitCode::from(2)
        }
    }
}

fn generate(check: bool, config: &Config, printer: &Printer) -> anyhow::Result<ExitCode> {
    let files = match clientgen::generate_from_files_reporting(std::path::Path::new(""), config) {
        Ok(generation) => {
            if !generation.warnings.is_empty() {
                printer.diagnostics(&generation.warnings);
            }
            generation.files
        }
        Err(diagnostics) => {
            printer.diagnostics(&diagnostics.0);
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

fn diff(args: DiffArgs) -> ExitCode {
    let printer = Printer {
        format: args.format,
        max_file_bytes: args.reading.max_file_bytes,
    };
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
                printer.diagnostics(&problems.0);
            }
            return ExitCode::from(2);
        }
    };
    let report = clientgen::diff::diff(&old, &new);
    match args.format {
        Format::Human => println!("{report}"),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("a diff report serializes")
        ),
    }
    if report.is_breaking() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn lint(args: LintArgs) -> ExitCode {
    let printer = Printer {
        format: args.format,
        max_file_bytes: args.reading.max_file_bytes,
    };
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
            printer.diagnostics(&linted.warnings);
            println!(
                "{} spec(s) checked: no errors (warnings above; `--strict` makes them errors)",
                linted.checked
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            printer.diagnostics(&problems.0);
            ExitCode::from(1)
        }
    }
}
