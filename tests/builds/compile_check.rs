//! Generated code compiles warning-free: the fixture specs and the OpenAPI Initiative's
//! example specs (`../shared/corpus/oai`, `oai31` and `swagger2`, read from there) become
//! crates, which must pass `cargo clippy -D warnings` (with and without the feature giving
//! every type both serde traits) and `cargo doc` with warnings denied.
//!
//! The crate is built in its own target folder under `target/`, so this test never waits on
//! the lock of the build that runs it. Outside CI a missing corpus is skipped with a note;
//! under CI it is a failure.

use clientgen::{write, Config};
use clientgen_tests::workspace_root;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A folder of `../shared/corpus`, if it is there: outside CI a missing corpus is skipped
/// with a note, under CI it is a failure.
fn corpus(name: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpus").join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "the corpus is missing at {}: under CI it must be there",
            dir.display()
        );
    }
    eprintln!("note: {} is missing; not checked", dir.display());
    None
}

fn cargo(dir: &Path, target: &Path, args: &[&str], rustdocflags: Option<&str>) {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS");
    if let Some(flags) = rustdocflags {
        command.env("RUSTDOCFLAGS", flags);
    }
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed on the generated crate at {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Generates `specs` into the crate `name` (under `target/compile-check/`) and checks it with
/// clippy and rustdoc, warnings denied. The crates share one target folder, so their
/// dependencies build once.
fn compiles_warning_free(name: &str, specs: Vec<PathBuf>, ref_roots: Vec<PathBuf>) {
    let root = workspace_root();
    let config = Config {
        specs,
        reading: clientgen::config::ReadPolicy {
            ref_roots,
            ..Default::default()
        },
        out_dir: root.join("target/compile-check").join(name),
        // Capitals: the library gets a snake-case name, so rustc has nothing to warn about.
        crate_name: format!("Compile-Check-{name}"),
        ..Config::default()
    };
    let files =
        clientgen::generate_from_files(Path::new(""), &config).unwrap_or_else(|e| panic!("{e}"));
    write::write_files(&config.out_dir, &files).expect("the crate is written");
    let target = root.join("target/compile-check/target");
    cargo(
        &config.out_dir,
        &target,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
        None,
    );
    // Every type with both serde traits: the added impls compile warning-free too.
    let serde_feature = config.serde_feature.as_deref().expect("crates have one");
    cargo(
        &config.out_dir,
        &target,
        &[
            "clippy",
            "--quiet",
            "--all-targets",
            "--features",
            serde_feature,
            "--",
            "-D",
            "warnings",
        ],
        None,
    );
    cargo(
        &config.out_dir,
        &target,
        &["doc", "--quiet", "--no-deps"],
        Some("-D warnings"),
    );
}

/// One test, so the crates are checked one after the other (they share a target folder):
/// this project's specs, the fixtures with the OAI 3.0 examples, the OAI 3.1 examples, and the Swagger 2.0 ones
/// (each corpus a crate of its own: their files share names, `petstore.yaml`...).
#[test]
fn fixtures_and_oai_corpora_compile_warning_free() {
    // This project's specs as a crate generated elsewhere would be: the runtime inline, its
    // own dependencies resolved afresh, no workspace of ours.
    compiles_warning_free("ours", vec![workspace_root().join("spec")], vec![]);
    let mut specs = vec![workspace_root().join("tests/fixtures")];
    specs.extend(corpus("oai"));
    compiles_warning_free("fixtures", specs, vec![]);
    if let Some(oai31) = corpus("oai31") {
        compiles_warning_free("oai31", vec![oai31], vec![]);
    }
    if let Some(swagger2) = corpus("swagger2") {
        // The multi-file example: one spec whose parts sit in two folders, `spec/` and
        // `common/`, which references may read once allowed.
        let separate = swagger2.join("petstore-separate");
        compiles_warning_free(
            "swagger2",
            vec![swagger2, separate.join("spec/swagger.yaml")],
            vec![separate],
        );
    }
}

/// The breaking kinds whose signature change cargo-semver-checks has no lint for (it checks
/// that items, fields, variants and arities remain, not that a field's or a return value's
/// type, or the order of same-typed arguments, stays the same): `diff` sees them, the tool
/// cannot confirm them.
const UNSEEN_BY_SEMVER_CHECKS: &[&str] = &[
    "field-type-changed",
    "status-added",
    "constructor-arguments-reordered",
];

/// cargo-semver-checks, when installed (under CI it must be: `.ci/run` installs it).
fn semver_checks() -> Option<()> {
    let found = Command::new(env!("CARGO"))
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(());
    }
    if std::env::var_os("CI").is_some() {
        panic!("cargo-semver-checks is not installed: under CI it must be (`.ci/run` installs it)");
    }
    eprintln!("note: cargo-semver-checks is not installed; diff's verdicts not compared with it");
    None
}

/// The modules of the crate at `dir` in which cargo-semver-checks finds a semver violation,
/// comparing it with the crate at `baseline` as a release that must stay compatible.
fn semver_violations(
    dir: &Path,
    baseline: &Path,
    target: &Path,
) -> std::collections::BTreeSet<String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(dir)
        .args([
            "semver-checks",
            "--color",
            "never",
            "--release-type",
            "minor",
            "--baseline-root",
        ])
        .arg(baseline)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo semver-checks runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Each violation is listed under `Failed in:` with the file it is (or was) in,
    // `.../src/<module>/<file>.rs:<line>`: one module per spec, so one case per module.
    let mut modules = std::collections::BTreeSet::new();
    let mut failing = false;
    for line in report.lines() {
        if line.starts_with("--- failure ") {
            failing = true;
        } else if line.starts_with("--- ") {
            failing = false;
        } else if failing && line.starts_with("  ") && line.contains(".rs:") {
            let module = line
                .split("/src/")
                .nth(1)
                .and_then(|rest| rest.split_once('/'))
                .map(|(module, _)| module.to_owned());
            match module {
                Some(module) => {
                    modules.insert(module);
                }
                None => panic!("a violation outside a module's folder: {line}\n{report}"),
            }
        }
    }
    assert_eq!(
        output.status.success(),
        modules.is_empty(),
        "cargo semver-checks' exit status disagrees with the violations read:\n{report}"
    );
    modules
}

/// What `clientgen diff` calls compatible is compatible for users' code: over single-change
/// spec pairs (`tests/diff/semver/{old,new}/<case>.yaml`, one module each), the generated
/// crates are compared by cargo-semver-checks, and every case must get the same verdict from
/// both, except breaking changes no signature shows (`diff::BEHAVIOURAL_KINDS`) or the tool
/// does not check (`UNSEEN_BY_SEMVER_CHECKS`), which it must then pass.
#[test]
fn diff_verdicts_agree_with_cargo_semver_checks() {
    if semver_checks().is_none() {
        return;
    }
    let root = workspace_root();
    let cases = root.join("tests/diff/semver");
    let out = root.join("target/semver-check");
    let crate_at = |side: &str| {
        let config = Config {
            specs: vec![cases.join(side)],
            out_dir: out.join(side),
            crate_name: "semver-probe".to_owned(),
            crate_version: "1.0.0".to_owned(),
            ..Config::default()
        };
        let files = clientgen::generate_from_files(Path::new(""), &config)
            .unwrap_or_else(|e| panic!("{e}"));
        write::write_files(&config.out_dir, &files).expect("the crate is written");
        clientgen::lower_specs(Path::new(""), &config).unwrap_or_else(|e| panic!("{e}"))
    };
    let old = crate_at("old");
    let new = crate_at("new");
    let report = clientgen::diff::diff(&old, &new);
    // The target folder the compile checks use: their dependencies are these crates' too, so
    // they are checked once for both tests.
    let violations = semver_violations(
        &out.join("new"),
        &out.join("old"),
        &root.join("target/compile-check/target"),
    );

    let mut disagreements = Vec::new();
    for api in &new {
        let case = api.module.as_str();
        let changes: Vec<_> = report.changes.iter().filter(|c| c.module == case).collect();
        let breaking: Vec<_> = changes
            .iter()
            .filter(|c| c.class == clientgen::diff::Class::Breaking)
            .collect();
        let seen_by_tool = violations.contains(case);
        let excused = !breaking.is_empty()
            && breaking.iter().all(|c| {
                clientgen::diff::BEHAVIOURAL_KINDS.contains(&c.kind)
                    || UNSEEN_BY_SEMVER_CHECKS.contains(&c.kind)
            });
        let agree = match (breaking.is_empty(), seen_by_tool) {
            (true, false) | (false, true) => true,
            (false, false) => excused,
            (true, true) => false,
        };
        if !agree {
            disagreements.push(format!(
                "{case}: diff says {:?}, cargo-semver-checks {}",
                changes
                    .iter()
                    .map(|c| format!("{:?} {}", c.class, c.kind))
                    .collect::<Vec<_>>(),
                if seen_by_tool {
                    "breaking"
                } else {
                    "compatible"
                }
            ));
        }
    }
    assert!(
        violations
            .iter()
            .all(|m| new.iter().any(|a| &a.module == m)),
        "violations in modules that are not cases: {violations:?}"
    );
    assert!(
        disagreements.is_empty(),
        "diff and cargo-semver-checks disagree:\n{}",
        disagreements.join("\n")
    );
}
