//! Generated code compiles warning-free: the fixture specs and the OpenAPI Initiative's
//! example specs (`../shared/corpus/oai`, `oai31` and `swagger2`, read from there) become
//! crates, which must pass `cargo clippy -D warnings` (with and without the feature giving
//! every type both serde traits) and `cargo doc` with warnings denied.
//!
//! The crate is built in its own target folder under `target/`, so this test never waits on
//! the lock of the build that runs it. Outside CI a missing corpus is skipped with a note;
//! under CI it is a failure.

use clientgen::{write, Config};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

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
/// the fixtures with the OAI 3.0 examples, the OAI 3.1 examples, and the Swagger 2.0 ones
/// (each corpus a crate of its own: their files share names, `petstore.yaml`...).
#[test]
fn fixtures_and_oai_corpora_compile_warning_free() {
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
