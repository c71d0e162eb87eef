//! Generated code compiles warning-free: the fixture specs and the OpenAPI Initiative's
//! example specs (`../shared/corpus/oai`, read from there) become one crate, which must pass
//! `cargo clippy -D warnings` and `cargo doc` with warnings denied.
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

fn corpus() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/corpus/oai");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "the OAI corpus is missing at {}: under CI it must be there",
            dir.display()
        );
    }
    eprintln!(
        "note: {} is missing; checking the fixtures only",
        dir.display()
    );
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

#[test]
fn fixtures_and_oai_corpus_compile_warning_free() {
    let root = workspace_root();
    let mut specs = vec![root.join("tests/fixtures")];
    specs.extend(corpus());
    let config = Config {
        specs,
        out_dir: root.join("target/compile-check/crate"),
        // Capitals: the library gets a snake-case name, so rustc has nothing to warn about.
        crate_name: "Compile-Check".into(),
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
    cargo(
        &config.out_dir,
        &target,
        &["doc", "--quiet", "--no-deps"],
        Some("-D warnings"),
    );
}
