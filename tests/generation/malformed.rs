//! Malformed specs, one failure mode per file under `tests/malformed/`: each file states in
//! `# expect:` lines what the diagnostics must contain (file, line and column, message).
//! Generation is strict here: what is otherwise a warning with a fallback (a dangling
//! reference, a construct without a Rust shape) is an error, at the same place.

use clientgen::Config;
use clientgen_tests::workspace_root;
use std::path::{Path, PathBuf};

fn diagnostics_for(relative: &str) -> String {
    let config = Config {
        specs: vec![PathBuf::from(relative)],
        strict: true,
        ..Config::default()
    };
    match clientgen::generate_from_files(&workspace_root(), &config) {
        Ok(_) => panic!("{relative} generated without error"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

#[test]
fn every_malformed_spec_is_reported_where_it_is_wrong() {
    let dir = workspace_root().join("tests/malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut checked = 0;
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
    {
        let text = std::fs::read_to_string(file).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{} states no `# expect:` line",
            file.display()
        );
        let relative = format!(
            "tests/malformed/{}",
            file.file_name().unwrap().to_string_lossy()
        );
        let printed = diagnostics_for(&relative);
        for line in expected {
            assert!(
                printed.contains(line),
                "{relative}: expected\n  {line}\nin\n{printed}"
            );
        }
        assert!(
            printed.contains("help: "),
            "{relative}: no help in\n{printed}"
        );
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} malformed specs");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for (name, text) in [
        (
            "deep.yaml",
            format!("openapi: 3.0.3\ninfo: {}\n", "[".repeat(100_000)),
        ),
        (
            "deep.json",
            format!(
                "{{\"openapi\": \"3.0.3\", \"info\": {}",
                "[".repeat(100_000)
            ),
        ),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
        let config = Config {
            specs: vec![dir.join(name)],
            ..Config::default()
        };
        let err = clientgen::generate_from_files(Path::new(""), &config)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("recursion limit exceeded")
                || err.contains("nesting deeper than 1000 levels"),
            "{name}: {err}"
        );
    }
}
