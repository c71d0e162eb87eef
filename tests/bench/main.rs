//! The performance benchmark: `cargo bench -p clientgen-tests --bench perf`.
//!
//! Every number is a median over several runs, printed beside a baseline measured in the same
//! run, so ratios hold on any machine:
//! - generation of GitHub's spec and of this repository's specs, against the floor of reading
//!   and parsing the same files into `openapiv3` types and nothing else;
//! - how generation grows with synthetic specs of 10, 100, 1000 and 5000 operations;
//! - the generated GitHub crate: `cargo check` of that crate alone (dependencies built), its
//!   peak memory and its line count;
//! - the generated client's per-call overhead against a hand-written reqwest call, both
//!   against the same server on 127.0.0.1;
//! - the whole APIs.guru directory (2,639 specs, each once): the sum of generation times and
//!   the slowest spec, against the floor of reading and parsing them;
//! - YAML reading against `serde_yaml`, the parser the loader used before, on the same texts.
//!
//! Options (after `--`): `--runs N` (default 5), `--skip-github` (no download, no GitHub
//! rows), `--skip-check` (no `cargo check` of the GitHub crate), `--skip-directory` (no
//! directory pass), `--only SECTION` (one of `generate`, `scaling`, `check`, `calls`,
//! `directory`, `yaml`). GitHub's spec comes from npm
//! (`@octokit/openapi`, fetched once into `target/bench/`). Peak memory is measured in a
//! child process (`getrusage`), so each figure is that process's own.

mod calls;
mod directory;
mod measure;
mod synthetic;
mod yaml;

use measure::{median, mib, Child};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The npm package holding GitHub's spec, pinned so runs compare.
const GITHUB_PACKAGE: &str = "@octokit/openapi@23.0.2";

struct Options {
    runs: usize,
    github: bool,
    check: bool,
    directory: bool,
    only: Option<String>,
}

impl Options {
    fn parse() -> Options {
        let mut options = Options {
            runs: 5,
            github: true,
            check: true,
            directory: true,
            only: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--runs" => {
                    options.runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5).max(1)
                }
                "--skip-github" => options.github = false,
                "--skip-check" => options.check = false,
                "--skip-directory" => options.directory = false,
                "--only" => options.only = args.next(),
                // `cargo bench` passes `--bench`; other harness flags are ignored too.
                _ => {}
            }
        }
        options
    }

    fn wants(&self, section: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == section)
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

fn work_dir() -> PathBuf {
    let dir = workspace_root().join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench can be created");
    dir
}

fn main() {
    if let Some(code) = measure::child_main() {
        std::process::exit(code);
    }
    let options = Options::parse();
    let github = if options.github
        && (options.wants("generate") || options.wants("check") || options.wants("yaml"))
    {
        match github_spec() {
            Ok(path) => Some(path),
            Err(e) => {
                println!("GitHub's spec is not available ({e}); its rows are skipped");
                None
            }
        }
    } else {
        None
    };
    if options.wants("generate") {
        generation(&options, github.as_deref());
    }
    if options.wants("scaling") {
        scaling(&options);
    }
    if options.wants("check") && options.check {
        if let Some(spec) = &github {
            generated_crate_check(&options, spec);
        }
    }
    if options.wants("calls") {
        calls::per_call_overhead(&options);
    }
    if options.wants("directory") && options.directory {
        directory::whole_directory();
    }
    if options.wants("yaml") {
        yaml::reading(options.runs, github.as_deref());
    }
}

/// `target/bench/github/package/generated/api.github.com.json`, fetched with npm when missing.
fn github_spec() -> Result<PathBuf, String> {
    let dir = work_dir().join("github");
    let spec = dir.join("package/generated/api.github.com.json");
    if spec.is_file() {
        return Ok(spec);
    }
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!("fetching {GITHUB_PACKAGE} with npm ...");
    let pack = std::process::Command::new("npm")
        .current_dir(&dir)
        .args(["pack", "--silent", GITHUB_PACKAGE])
        .output()
        .map_err(|e| format!("npm: {e}"))?;
    if !pack.status.success() {
        return Err(format!(
            "npm pack failed: {}",
            String::from_utf8_lossy(&pack.stderr)
        ));
    }
    let tarball = String::from_utf8_lossy(&pack.stdout).trim().to_owned();
    let untar = std::process::Command::new("tar")
        .current_dir(&dir)
        .args(["xzf", &tarball])
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !untar.success() || !spec.is_file() {
        return Err("the package does not hold generated/api.github.com.json".into());
    }
    Ok(spec)
}

/// The floor: the files read and parsed into `openapiv3` types, nothing else.
fn parse_floor(files: &[PathBuf]) -> Duration {
    let started = Instant::now();
    for file in files {
        let text = std::fs::read_to_string(file).expect("the spec is readable");
        let document: openapiv3::OpenAPI = if file.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).expect("the spec parses")
        } else {
            serde_yaml::from_str(&text).expect("the spec parses")
        };
        std::hint::black_box(document);
    }
    started.elapsed()
}

/// The files generation reads for `spec`: the loader's own expansion of folders.
fn spec_files(spec: &Path) -> Vec<PathBuf> {
    clientgen::load::expand_spec_paths(Path::new(""), &[spec.to_path_buf()])
        .expect("the spec path exists")
}

fn config_for(spec: &Path) -> clientgen::Config {
    clientgen::Config {
        specs: vec![spec.to_path_buf()],
        out_dir: work_dir().join("unused"),
        crate_name: "bench-client".into(),
        ..clientgen::Config::default()
    }
}

struct GenerationRow {
    floor: Duration,
    total: Duration,
    load: Duration,
    rest: Duration,
    peak_kib: Option<u64>,
    operations: usize,
}

/// Times generation in this process (medians), and its peak memory in a child.
fn measure_generation(spec: &Path, runs: usize) -> GenerationRow {
    let files = spec_files(spec);
    let config = config_for(spec);
    let base = Path::new("");
    let floor = median((0..runs).map(|_| parse_floor(&files)).collect());
    let mut totals = Vec::new();
    let mut loads = Vec::new();
    let mut rests = Vec::new();
    let mut operations = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let specs = clientgen::load_specs_in(base, &config).expect("the spec loads");
        let loaded = started.elapsed();
        operations = specs.iter().map(|s| s.document.operations().count()).sum();
        let files = clientgen::generate(&config, &specs).expect("the spec generates");
        std::hint::black_box(files);
        totals.push(started.elapsed());
        loads.push(loaded);
        rests.push(started.elapsed() - loaded);
    }
    let peak_kib = Child::generate(spec).ok().map(|c| c.peak_kib);
    GenerationRow {
        floor,
        total: median(totals),
        load: median(loads),
        rest: median(rests),
        peak_kib,
        operations,
    }
}

fn generation(options: &Options, github: Option<&Path>) {
    println!(
        "\n== generation (median of {} runs; floor = read + parse into openapiv3 types)",
        options.runs
    );
    println!(
        "{:<28} {:>6} {:>10} {:>10} {:>7} {:>10} {:>14} {:>10}",
        "spec", "ops", "floor", "generate", "ratio", "peak MiB", "load", "lower+emit"
    );
    let ours = workspace_root().join("spec");
    let mut rows = vec![("this repository's spec/", ours)];
    if let Some(github) = github {
        rows.push(("GitHub (api.github.com)", github.to_path_buf()));
    }
    for (label, spec) in rows {
        let row = measure_generation(&spec, options.runs);
        println!(
            "{:<28} {:>6} {:>10} {:>10} {:>6.1}x {:>10} {:>14} {:>10}",
            label,
            row.operations,
            measure::seconds(row.floor),
            measure::seconds(row.total),
            row.total.as_secs_f64() / row.floor.as_secs_f64(),
            row.peak_kib
                .map_or("?".into(), |k| format!("{:.0}", mib(k))),
            measure::seconds(row.load),
            measure::seconds(row.rest),
        );
    }
}

fn scaling(options: &Options) {
    println!(
        "\n== scaling: synthetic specs (median of {} runs)",
        options.runs
    );
    println!(
        "{:>6} {:>10} {:>12} {:>10} {:>12} {:>14}",
        "ops", "generate", "per op", "peak MiB", "time growth", "memory growth"
    );
    let mut previous: Option<(usize, Duration, u64)> = None;
    for operations in [10, 100, 1000, 5000] {
        let path = work_dir().join(format!("synthetic-{operations}.json"));
        std::fs::write(&path, synthetic::spec(operations)).expect("target/bench is writable");
        let row = measure_generation(&path, options.runs);
        let peak = row.peak_kib.unwrap_or(0);
        let growth = match previous {
            Some((ops, time, memory)) => {
                let size = operations as f64 / ops as f64;
                (
                    format!(
                        "{:.2}x / {:.0}x",
                        row.total.as_secs_f64() / time.as_secs_f64(),
                        size
                    ),
                    format!("{:.2}x / {:.0}x", peak as f64 / memory.max(1) as f64, size),
                )
            }
            None => ("-".into(), "-".into()),
        };
        println!(
            "{:>6} {:>10} {:>12} {:>10.0} {:>12} {:>14}",
            operations,
            measure::seconds(row.total),
            format!(
                "{:.1} us",
                row.total.as_secs_f64() * 1e6 / operations as f64
            ),
            mib(peak),
            growth.0,
            growth.1
        );
        previous = Some((operations, row.total, peak));
    }
    println!(
        "(growth: how much time and memory grew for how much more operations; linear is equal)"
    );
}

fn generated_crate_check(options: &Options, spec: &Path) {
    let runs = options.runs.min(3);
    println!(
        "\n== the generated GitHub crate: `cargo check` of the crate alone (median of {runs})"
    );
    let out = work_dir().join("github-client");
    let config = clientgen::Config {
        specs: vec![spec.to_path_buf()],
        out_dir: out.clone(),
        crate_name: "github-client".into(),
        ..clientgen::Config::default()
    };
    let files =
        clientgen::generate_from_files(Path::new(""), &config).expect("GitHub's spec generates");
    clientgen::write::write_files(&out, &files).expect("target/bench is writable");
    let lines: usize = files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.contents.lines().count())
        .sum();
    let target = work_dir().join("github-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // `incremental`: Cargo's default for `cargo check`, which also saves the incremental
    // cache; without it (`CARGO_INCREMENTAL=0`, as CI builds usually run) the crate is
    // checked from scratch and nothing is saved.
    let check = |incremental: bool| {
        // A fresh check of the crate alone: its previous results are discarded.
        let lib = out.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).expect("lib.rs exists");
        std::fs::write(&lib, text).expect("lib.rs is writable");
        let _ = std::fs::remove_dir_all(target.join("debug/incremental"));
        Child::run_with_env(
            &[
                cargo.as_str(),
                "check",
                "--quiet",
                "--manifest-path",
                &out.join("Cargo.toml").display().to_string(),
                "--target-dir",
                &target.display().to_string(),
            ],
            &[("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })],
        )
    };
    // Dependencies first (not measured), then the crate alone.
    if let Err(e) = check(false) {
        println!("cargo check failed: {e}");
        return;
    }
    println!("{lines} lines of Rust");
    for (label, incremental) in [
        ("CARGO_INCREMENTAL=0", false),
        ("incremental (default)", true),
    ] {
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..runs {
            match check(incremental) {
                Ok(child) => {
                    times.push(child.elapsed);
                    peaks.push(child.peak_kib);
                }
                Err(e) => {
                    println!("cargo check failed: {e}");
                    return;
                }
            }
        }
        peaks.sort();
        println!(
            "cargo check, {label:<22} {:>9}   peak {:.0} MiB",
            measure::seconds(median(times)),
            mib(peaks[peaks.len() / 2])
        );
    }
}
