//! The build-script path on a copy of `tests/downstream` built on its own: Cargo reruns the
//! build script exactly when a file the client was made from changes (the spec, or a file its
//! `$ref`s reach), not on an unrelated edit; a broken spec fails the build with the same
//! located diagnostics as the command line.

use clientgen_tests::workspace_root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The downstream crate as a crate of its own: absolute path to the generator, no workspace
/// inheritance, our lock file (so the same versions are built, offline if need be).
fn standalone_copy(dir: &Path) {
    let root = workspace_root();
    let _ = std::fs::remove_dir_all(dir);
    copy_dir(&root.join("tests/downstream"), dir);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
        .unwrap()
        .replace("edition.workspace = true", "edition = \"2021\"")
        .replace("license.workspace = true\n", "")
        .replace(
            "path = \"../../generator\"",
            &format!("path = {:?}", root.join("generator").display().to_string()),
        );
    std::fs::write(dir.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

fn cargo_build(dir: &Path) -> Output {
    Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(["build", "--verbose", "--lib"])
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/standalone"),
        )
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs")
}

/// Whether this build ran the downstream crate's build script.
fn ran_build_script(output: &Output) -> bool {
    let log = String::from_utf8_lossy(&output.stderr);
    log.lines().any(|l| {
        l.trim_start().starts_with("Running `")
            && l.contains("downstream-example-")
            && l.contains("build-script-build")
    })
}

fn build_ok(dir: &Path) -> bool {
    let output = cargo_build(dir);
    assert!(
        output.status.success(),
        "the build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    ran_build_script(&output)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The generated file, found through the build's own output folder.
fn generated_text() -> String {
    let build = workspace_root().join("target/standalone/debug/build");
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&build)
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path().join("out/inventory_api.rs");
            let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
            Some((modified, path))
        })
        .collect();
    found.sort();
    let (_, newest) = found.pop().expect("the build script wrote its file");
    std::fs::read_to_string(newest).unwrap()
}

#[test]
fn the_build_script_reruns_exactly_when_its_inputs_change() {
    let dir = std::env::temp_dir().join(format!("clientgen-downstream-{}", std::process::id()));
    standalone_copy(&dir);

    // A fresh copy builds and generates (on a warm target folder Cargo may find the build
    // script's output fresh: what matters is that the client is there).
    build_ok(&dir);
    assert!(generated_text().contains("Units in stock."));

    // An unrelated edit: the crate is rebuilt, the build script is not rerun.
    edit(
        &dir.join("src/lib.rs"),
        "/// The names",
        "/// Every one of the names",
    );
    assert!(
        !build_ok(&dir),
        "an edit of src/lib.rs reran the build script"
    );

    // Nothing changed at all: nothing reruns.
    assert!(!build_ok(&dir), "a no-op build reran the build script");

    // The spec itself.
    edit(
        &dir.join("spec/inventory.yaml"),
        "Units in stock.",
        "Units in stock in all warehouses.",
    );
    assert!(
        build_ok(&dir),
        "an edit of the spec did not rerun the build script"
    );
    assert!(generated_text().contains("Units in stock in all warehouses."));

    // A file reached only through an external `$ref`.
    edit(
        &dir.join("spec/shared/errors.yaml"),
        "message: {type: string}",
        "message: {type: string, description: What went wrong.}",
    );
    assert!(
        build_ok(&dir),
        "an edit of a $ref'd file did not rerun the build script"
    );
    assert!(generated_text().contains("What went wrong."));

    // A broken spec fails the build with the command line's located diagnostic.
    edit(
        &dir.join("spec/inventory.yaml"),
        "{name: id, in: path",
        "{name: ident, in: path",
    );
    let output = cargo_build(&dir);
    assert!(!output.status.success());
    let build_log = String::from_utf8_lossy(&output.stderr);
    let cli = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(["run", "--quiet", "-p", "clientgen", "--", "check", "--spec"])
        .arg(dir.join("spec/inventory.yaml"))
        .arg("--out")
        .arg(dir.join("nowhere"))
        .output()
        .expect("cargo runs");
    let cli_log = String::from_utf8_lossy(&cli.stderr);
    let located = "error: path parameter `id` in `/items/{id}` is not declared";
    let cli_line = cli_log
        .lines()
        .find(|l| l.contains(located))
        .unwrap_or_else(|| panic!("the CLI reports the reference:\n{cli_log}"));
    // Same line and column, same message; the build names the file as build.rs does.
    let position = cli_line
        .split(": error:")
        .next()
        .and_then(|p| p.rsplit_once("inventory.yaml:"))
        .map(|(_, lc)| lc)
        .expect("a file:line:column prefix");
    assert!(
        build_log.contains(&format!("spec/inventory.yaml:{position}: {located}")),
        "the build does not report `spec/inventory.yaml:{position}: {located}`:\n{build_log}"
    );
    assert!(build_log.contains("help:"), "{build_log}");

    std::fs::remove_dir_all(&dir).unwrap();
}

/// The lines of the README's fenced block that starts with `first`.
fn readme_block(first: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let start = readme
        .find(first)
        .unwrap_or_else(|| panic!("the README has a block starting with {first:?}"));
    readme[start..]
        .lines()
        .take_while(|l| !l.starts_with("```"))
        .map(str::to_owned)
        .collect()
}

fn section(text: &str, header: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_shows_the_downstream_crate_as_it_is() {
    let root = workspace_root();
    let downstream =
        |p: &str| std::fs::read_to_string(root.join("tests/downstream").join(p)).unwrap();
    // build.rs and the include, line for line.
    let build = downstream("build.rs");
    for line in readme_block("// build.rs").iter().skip(1) {
        assert!(
            build.contains(line.as_str()),
            "build.rs lacks the README's line {line:?}"
        );
    }
    let lib = downstream("src/lib.rs");
    for line in readme_block("// src/lib.rs").iter().skip(1) {
        assert!(
            lib.contains(line.as_str()),
            "src/lib.rs lacks the README's line {line:?}"
        );
    }
    // The dependencies: the README's, the downstream crate's and the generated crate's agree.
    let readme_toml = readme_block("# Cargo.toml: the runtime's dependencies").join("\n");
    let manifest = downstream("Cargo.toml");
    assert_eq!(
        section(&readme_toml, "[dependencies]"),
        section(&manifest, "[dependencies]")
    );
    assert_eq!(
        section(&readme_toml, "[build-dependencies]"),
        section(&manifest, "[build-dependencies]")
    );
    // A crate with the runtime inline (the committed one uses the shared runtime crate); the
    // optional dependencies are the `mock` feature's, which an included file goes without.
    let inline = clientgen::generate_from_files(&root, &clientgen::Config::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let generated = &inline
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .expect("a manifest")
        .contents;
    let required: Vec<String> = section(generated, "[dependencies]")
        .into_iter()
        .filter(|l| !l.contains("optional = true"))
        .collect();
    assert_eq!(
        section(&manifest, "[dependencies]"),
        required,
        "a crate including the client needs exactly the runtime's dependencies"
    );
}
