//! What every set of generated files must satisfy, whatever the specs and their file names:
//! checked by the `generate` and `specs` targets whenever generation succeeds.

use clientgen::GeneratedFile;

/// The dependencies every generated `Cargo.toml` declares (the generator's fixed list, in
/// `generator/src/emit/manifest.rs`): a spec must never add one.
pub const DEPENDENCIES: &[&str] = &[
    "bytes",
    "fastrand",
    "futures-core",
    "hmac",
    // Optional: the `mock` feature's.
    "http",
    "httpdate",
    "percent-encoding",
    "reqwest",
    "serde",
    "serde_json",
    "sha2",
    "tokio",
    "tracing",
];
pub const DEV_DEPENDENCIES: &[&str] = &["tokio"];
/// The crate's own features beside one per module, and what each enables.
pub const OPTIONAL_FEATURES: &[(&str, &[&str])] = &[("mock", &["dep:http"]), ("serde-both", &[])];
/// The list of generated files a crate folder keeps (a later run removes only those).
pub const MANIFEST: &str = ".clientgen-manifest";

/// Code points rustc rejects in comments and literals (`text_direction_codepoint_in_comment`
/// and `_in_literal`, deny by default): a generated crate holding one does not compile.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Panics, naming the file and the broken invariant, unless `files` is a sound crate (or
/// module file) named `crate_name`:
/// - every path is relative, below the crate folder, plain ASCII (`Cargo.toml`,
///   `rustfmt.toml`, `.clientgen-manifest`, `src/**.rs`, or the one `<crate>.rs` of a build
///   script);
/// - no text holds a raw control character but `\n` (and `\t` in Rust files), nor, in Rust
///   files, a bidirectional override (rustc refuses them);
/// - every file starts with the two-line `@generated` header, whatever the spec's file name;
/// - every `.rs` file parses (`syn::parse_file`);
/// - `Cargo.toml` parses and holds only what the generator writes: the package, the lib, one
///   feature per module plus the fixed optional ones, and the fixed dependency list; `rustfmt.toml` only its one setting;
///   `.clientgen-manifest` lists exactly the other files.
pub fn check_files(files: &[GeneratedFile], crate_name: &str) {
    assert!(!files.is_empty(), "generation succeeded with no file");
    for file in files {
        check_path(&file.path, crate_name);
        let rust = file.path.ends_with(".rs");
        if let Some((at, c)) = file
            .contents
            .char_indices()
            .find(|&(_, c)| c.is_control() && c != '\n' && !(rust && c == '\t'))
        {
            panic!(
                "{}: raw control character {c:?} at byte {at}: {:?}",
                file.path,
                context(&file.contents, at)
            );
        }
        let comment = if rust { "//" } else { "#" };
        check_header(file, comment);
        if rust {
            if let Some((at, c)) = file
                .contents
                .char_indices()
                .find(|&(_, c)| is_bidi_control(c))
            {
                panic!(
                    "{}: bidirectional override {c:?} at byte {at} (rustc refuses it): {:?}",
                    file.path,
                    context(&file.contents, at)
                );
            }
            if let Err(e) = syn::parse_file(&file.contents) {
                panic!("{}: does not parse: {e}\n{}", file.path, file.contents);
            }
        } else if file.path == "Cargo.toml" {
            check_manifest(&file.contents, crate_name);
        } else if file.path == MANIFEST {
            let mut listed: Vec<&str> = file.contents.lines().skip(3).collect();
            let mut expected: Vec<&str> = files
                .iter()
                .map(|f| f.path.as_str())
                .filter(|p| *p != MANIFEST)
                .collect();
            listed.sort_unstable();
            expected.sort_unstable();
            assert_eq!(
                listed, expected,
                "{MANIFEST} does not list exactly the generated files"
            );
        } else if file.path == "rustfmt.toml" {
            let table: toml::Table = file
                .contents
                .parse()
                .unwrap_or_else(|e| panic!("rustfmt.toml does not parse: {e}\n{}", file.contents));
            assert_eq!(
                table.into_iter().collect::<Vec<_>>(),
                [(
                    "disable_all_formatting".to_owned(),
                    toml::Value::Boolean(true)
                )],
                "rustfmt.toml holds more than the generator writes\n{}",
                file.contents
            );
        } else {
            panic!(
                "{}: a generated file that is neither Rust nor Cargo.toml",
                file.path
            );
        }
    }
}

fn check_path(path: &str, crate_name: &str) {
    let plain = !path.is_empty()
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./".contains(&b))
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    let placed = path == "Cargo.toml"
        || path == "rustfmt.toml"
        || path == MANIFEST
        || (path.starts_with("src/") && path.ends_with(".rs"))
        || path == format!("{}.rs", crate_name.replace('-', "_"));
    assert!(
        plain && placed,
        "generated file path {path:?} is not a plain path inside the crate"
    );
}

/// The `@generated` header is exactly two comment lines and a blank line: a spec's file name
/// (which it quotes) cannot end the comment or add a line.
fn check_header(file: &GeneratedFile, comment: &str) {
    let mut lines = file.contents.split('\n');
    let first = lines.next().unwrap_or_default();
    let second = lines.next().unwrap_or_default();
    let third = lines.next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("{comment} @generated by clientgen from "))
            && second.starts_with(&format!("{comment} Do not edit by hand: change the spec"))
            && third.is_empty(),
        "{}: the header is not two comment lines: {:?}",
        file.path,
        file.contents.split('\n').take(4).collect::<Vec<_>>()
    );
}

fn check_manifest(text: &str, crate_name: &str) {
    let manifest: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => panic!("Cargo.toml does not parse: {e}\n{text}"),
    };
    let keys = |table: &toml::Table| table.keys().cloned().collect::<Vec<_>>();
    let table = |key: &str| -> &toml::Table {
        match manifest.get(key) {
            Some(toml::Value::Table(t)) => t,
            other => panic!("Cargo.toml: `[{key}]` is {other:?}\n{text}"),
        }
    };
    let mut top = keys(&manifest);
    top.sort();
    assert_eq!(
        top,
        [
            "dependencies",
            "dev-dependencies",
            "features",
            "lib",
            "package"
        ],
        "Cargo.toml: unexpected tables\n{text}"
    );
    let package = table("package");
    let mut package_keys = keys(package);
    package_keys.sort();
    assert_eq!(
        package_keys,
        ["description", "edition", "name", "publish", "version"],
        "Cargo.toml: unexpected [package] keys\n{text}"
    );
    assert_eq!(
        package.get("name").and_then(|v| v.as_str()),
        Some(crate_name)
    );
    assert_eq!(
        package.get("publish").and_then(|v| v.as_bool()),
        Some(false)
    );
    assert_eq!(
        keys(table("lib")),
        ["path"],
        "Cargo.toml: unexpected [lib]\n{text}"
    );
    assert_eq!(
        table("lib").get("path").and_then(|v| v.as_str()),
        Some("src/lib.rs")
    );
    let mut dependencies = keys(table("dependencies"));
    dependencies.sort();
    assert_eq!(
        dependencies, DEPENDENCIES,
        "Cargo.toml: [dependencies] changed\n{text}"
    );
    assert_eq!(
        keys(table("dev-dependencies")),
        DEV_DEPENDENCIES,
        "Cargo.toml: [dev-dependencies] changed\n{text}"
    );
    let features = table("features");
    let Some(toml::Value::Array(default)) = features.get("default") else {
        panic!("Cargo.toml: no default feature list\n{text}");
    };
    let mut default: Vec<&str> = default
        .iter()
        .map(|v| v.as_str().expect("default features are names"))
        .collect();
    default.sort();
    for (name, enables) in OPTIONAL_FEATURES {
        let listed: Option<Vec<&str>> = features
            .get(*name)
            .and_then(|v| v.as_array())
            .map(|items| items.iter().filter_map(|i| i.as_str()).collect());
        assert_eq!(
            listed.as_deref(),
            Some(*enables),
            "Cargo.toml: feature `{name}` differs\n{text}"
        );
    }
    let mut modules: Vec<&str> = features
        .iter()
        .filter(|(name, _)| name.as_str() != "default")
        .filter(|(name, _)| !OPTIONAL_FEATURES.iter().any(|(f, _)| f == name))
        .map(|(name, value)| {
            assert_eq!(
                value.as_array().map(Vec::len),
                Some(0),
                "Cargo.toml: feature `{name}` enables something\n{text}"
            );
            name.as_str()
        })
        .collect();
    modules.sort();
    assert_eq!(
        default, modules,
        "Cargo.toml: default features differ from the modules\n{text}"
    );
}

fn context(text: &str, at: usize) -> &str {
    let mut start = at.saturating_sub(80);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 80).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}
