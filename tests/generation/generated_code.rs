//! The generated code, pinned once each:
//! - this project's client is the committed `generated/` crate, which must be exactly what the
//!   specs produce now (`committed_client_is_fresh`, what `clientgen check` sees); a spec
//!   edit shows as the diff of `generated/` itself;
//! - the fixtures' code, which nothing commits, as insta snapshots (`cargo insta review`
//!   accepts a change).

use clientgen::{load_specs_in, write, Config, GeneratedFile};
use clientgen_tests::workspace_root;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The committed crate's files, generated in memory with the CLI's default configuration.
/// What `clientgen generate` writes with no flags: this repository's client, on the
/// workspace's runtime crate.
fn generate() -> Vec<GeneratedFile> {
    let config = Config {
        runtime: clientgen::config::Runtime::Path(PathBuf::from("runtime")),
        ..Config::default()
    };
    let specs = load_specs_in(&workspace_root(), &config)
        .unwrap_or_else(|e| panic!("specs do not load:\n{e}"));
    clientgen::generate(&config, &specs).unwrap_or_else(|e| panic!("specs do not generate:\n{e}"))
}

/// The files `select` picks, concatenated with a banner naming each.
fn concatenated(files: &[GeneratedFile], select: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    for file in files.iter().filter(|f| select(&f.path)) {
        out.push_str(&format!("===== {} =====\n{}\n", file.path, file.contents));
    }
    out
}

/// The fixture specs' crate: every construct issue #3 lists, one theme per spec. Generated
/// once for all the snapshot tests.
fn generate_fixtures() -> &'static [GeneratedFile] {
    static FILES: OnceLock<Vec<GeneratedFile>> = OnceLock::new();
    FILES.get_or_init(|| {
        let config = Config {
            specs: vec![PathBuf::from("tests/fixtures")],
            crate_name: "fixtures".into(),
            ..Config::default()
        };
        clientgen::generate_from_files(&workspace_root(), &config)
            .unwrap_or_else(|e| panic!("fixtures do not generate:\n{e}"))
    })
}

fn snapshot_fixture(module: &str) {
    let files = generate_fixtures();
    let prefix = format!("src/{module}/");
    let text = concatenated(files, |p| p.starts_with(&prefix));
    assert!(
        !text.is_empty(),
        "no fixture module `{module}` was generated"
    );
    insta::assert_snapshot!(format!("fixture_{module}"), text);
}

#[test]
fn snapshot_fixture_clash() {
    snapshot_fixture("clash");
}

#[test]
fn snapshot_fixture_openapi31() {
    snapshot_fixture("openapi31");
}

/// Streamed responses with a plain `schema` (OpenAPI 3.0 and 3.1).
#[test]
fn snapshot_fixture_streams() {
    snapshot_fixture("streams");
}

/// Streamed responses with OpenAPI 3.2's `itemSchema`.
#[test]
fn snapshot_fixture_streams32() {
    snapshot_fixture("streams32");
}

#[test]
fn snapshot_fixture_declared_conventions() {
    snapshot_fixture("declared_conventions");
}

#[test]
fn snapshot_fixture_security_api_key() {
    snapshot_fixture("security_api_key");
}

#[test]
fn snapshot_fixture_security_basic() {
    snapshot_fixture("security_basic");
}

#[test]
fn snapshot_fixture_security_bearer() {
    snapshot_fixture("security_bearer");
}

#[test]
fn snapshot_fixture_security_http_scheme() {
    snapshot_fixture("security_http_scheme");
}

#[test]
fn snapshot_fixture_security_oauth2() {
    snapshot_fixture("security_oauth2");
}

#[test]
fn snapshot_fixture_security_openid() {
    snapshot_fixture("security_openid");
}

#[test]
fn snapshot_fixture_security_mutual_tls() {
    snapshot_fixture("security_mutual_tls");
}

#[test]
fn snapshot_fixture_security_signed() {
    snapshot_fixture("security_signed");
}

#[test]
fn snapshot_fixture_fastapi31() {
    snapshot_fixture("fastapi31");
}

#[test]
fn snapshot_fixture_openapi32() {
    snapshot_fixture("openapi32");
}

/// A Swagger 2.0 document, converted on load: body and form parameters, collection formats,
/// produces and consumes, securityDefinitions, host and schemes (compiled by `compile_check`).
#[test]
fn snapshot_fixture_swagger2() {
    snapshot_fixture("swagger2");
}

#[test]
fn snapshot_fixture_styles() {
    snapshot_fixture("styles");
}

/// The fallbacks the fixtures need, located: each warning is a decision users see.
#[test]
fn fixtures_warnings() {
    let config = Config {
        specs: vec![PathBuf::from("tests/fixtures")],
        crate_name: "fixtures".into(),
        ..Config::default()
    };
    let generation = clientgen::generate_from_files_reporting(&workspace_root(), &config)
        .unwrap_or_else(|e| panic!("fixtures do not generate:\n{e}"));
    insta::assert_snapshot!(
        "fixtures_warnings",
        clientgen::Diagnostics(generation.warnings).to_string()
    );
    // The one spec of ours is modelled exactly.
    let ours = clientgen::generate_from_files_reporting(&workspace_root(), &Config::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ours.warnings.is_empty(), "{:?}", ours.warnings);
}

#[test]
fn snapshot_fixture_composition() {
    snapshot_fixture("composition");
}

#[test]
fn snapshot_fixture_requests() {
    snapshot_fixture("requests");
}

#[test]
fn snapshot_fixture_naming() {
    snapshot_fixture("naming");
}

#[test]
fn snapshot_fixture_external() {
    snapshot_fixture("external");
}

/// Names that shadow the runtime's imports, text with line breaks, escapes and direction
/// overrides: all escaped or renamed (compiled by `compile_check`).
#[test]
fn snapshot_fixture_hostile() {
    snapshot_fixture("hostile");
}

#[test]
fn committed_client_is_fresh() {
    let files = generate();
    let out = workspace_root().join(Config::default().out_dir);
    let stale = write::check_files(&out, &files).expect("generated/ is readable");
    assert!(
        stale.is_empty(),
        "generated/ is stale:\n{}\nrun `cargo run -p clientgen -- generate` and commit the result",
        stale
            .iter()
            .map(|s| format!("  {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate(), generate());
}

#[test]
fn our_specs_and_fixtures_pass_lint() {
    for folder in ["spec", "tests/fixtures"] {
        let checked = clientgen::lint_files(&workspace_root(), &[PathBuf::from(folder)])
            .unwrap_or_else(|e| panic!("`clientgen lint --spec {folder}` reports problems:\n{e}"));
        assert!(checked >= 4, "{folder}: only {checked} specs checked");
    }
}

#[test]
fn snapshot_fixture_workflows() {
    snapshot_fixture("workflows");
}

/// A spec of schemas only: a client without methods, still warning-free.
#[test]
fn snapshot_fixture_schemas() {
    snapshot_fixture("schemas");
}

/// `anyOf`/`oneOf` of a string enum and a plain string: the same forward-compatible enums as
/// closed ones (compiled by `compile_check`).
#[test]
fn snapshot_fixture_open_enums() {
    snapshot_fixture("open_enums");
}
