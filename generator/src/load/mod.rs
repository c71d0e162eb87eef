//! Load: spec files to typed OpenAPI documents, every `$ref` made local.
//!
//! The only stage that touches files, and only through an injected reader
//! ([`load_spec_with`]), so tests and build scripts can feed it from memory.

mod bundle;
mod normalize;
mod openapi31;
mod openapi32;
mod parse;
mod position;
pub mod read;
pub mod streams;
mod swagger2;
mod walk;
mod yaml;

pub use position::Positions;
pub use read::FileReader;

pub use bundle::{display, normalize, Origin};
pub use parse::parse_document;

use crate::diagnostics::{pointer_token, Diagnostic, Diagnostics, Location};
use std::path::{Path, PathBuf};

/// One spec, parsed and bundled, ready to be lowered.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The spec file as the user named it (forward slashes), used in messages and headers.
    pub file: String,
    /// The file's stem, from which the generated module takes its name.
    pub stem: String,
    pub document: openapiv3::OpenAPI,
    /// Every file read to build this spec, the spec itself first.
    pub files_read: Vec<PathBuf>,
    /// Nodes of the document written elsewhere (components imported from other files,
    /// nodes copied from other places), so a problem inside one is reported where it is
    /// written.
    pub origins: Vec<Origin>,
    /// What loading read differently from what is written (enum values of another type than
    /// their schema's), located: lowering passes them on.
    pub warnings: Vec<Diagnostic>,
}

impl LoadedSpec {
    /// The file and JSON pointer where the node at `pointer` of this spec is written.
    pub fn source_of<'p>(&'p self, pointer: &'p str) -> (&'p str, std::borrow::Cow<'p, str>) {
        let inside = |origin: &&Origin| {
            pointer == origin.at
                || pointer
                    .strip_prefix(origin.at.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        // The innermost origin wins (a path item inlined inside a copied one).
        match self
            .origins
            .iter()
            .filter(inside)
            .max_by_key(|o| o.at.len())
        {
            Some(origin) => (
                &origin.file,
                std::borrow::Cow::Owned(format!(
                    "{}{}",
                    origin.pointer,
                    &pointer[origin.at.len()..]
                )),
            ),
            None => (&self.file, std::borrow::Cow::Borrowed(pointer)),
        }
    }
}

/// Loads one spec, reading files (the spec and any it references) through `read`.
pub fn load_spec_with(
    path: &Path,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
) -> Result<LoadedSpec, Diagnostics> {
    load_spec_and_json_with(path, read).map(|(spec, _)| spec)
}

/// Like [`load_spec_with`], also returning the bundled document as JSON, for checks that
/// look at what the typed form leaves out (examples, unused components).
pub fn load_spec_and_json_with(
    path: &Path,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
) -> Result<(LoadedSpec, serde_json::Value), Diagnostics> {
    load_spec_within(path, read, None)
}

/// Like [`load_spec_and_json_with`], refusing a document whose counts of component schemas
/// or operations exceed `limits` as soon as it is parsed: before bundling and typing, which
/// cost several times the parse (lowering checks every limit again, in full).
pub fn load_spec_within(
    path: &Path,
    read: &mut dyn FnMut(&Path) -> std::io::Result<String>,
    limits: Option<&crate::config::Limits>,
) -> Result<(LoadedSpec, serde_json::Value), Diagnostics> {
    let path = normalize(path);
    let file = display(&path);
    let text = read(&path).map_err(|e| {
        Diagnostic::new(&file, Location::File, format!("cannot read the spec: {e}"))
            .help(read::help_for(&e).unwrap_or("check that the path exists and is readable"))
    })?;
    let value = parse_document(&file, &text)?;
    // Large specs: the text is not needed any more, and the peak comes next.
    drop(text);
    check_version(&file, &value)?;
    if let Some(limits) = limits {
        check_counts(&file, &value, limits)?;
    }
    let mut bundled = bundle::Bundler::new(&path, read).bundle(value)?;
    let mut warnings = std::mem::take(&mut bundled.warnings);
    let swagger2 = swagger2::is_20(&bundled.value);
    if swagger2 {
        let origins = std::mem::take(&mut bundled.origins);
        let converted = swagger2::to_30(&file, &mut bundled.value, origins)?;
        bundled.origins = converted.origins;
        warnings.extend(converted.warnings);
    }
    if openapi32::is_32(&bundled.value) {
        warnings.extend(openapi32::to_31(&file, &mut bundled.value));
    }
    if openapi31::is_31(&bundled.value) {
        warnings.extend(openapi31::to_30(&file, &mut bundled.value));
    }
    streams::carry_item_schemas(&file, &mut bundled.value, &mut bundled.origins);
    warnings.extend(normalize::normalize_schemas(&file, &mut bundled.value));
    let document = deserialize(&file, &bundled.value).map_err(|mut e| {
        if swagger2 {
            // Converted nodes are reported where the 2.0 document has them.
            swagger2::relocate(std::slice::from_mut(&mut e), &file, &bundled.origins);
        }
        e
    })?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let spec = LoadedSpec {
        file,
        stem,
        document,
        files_read: bundled.files_read,
        origins: bundled.origins,
        warnings,
    };
    Ok((spec, bundled.value))
}

/// Expands folders into the spec files they hold, sorted by name for stable output. Paths
/// are taken relative to `base` and returned as written (not joined with `base`).
pub fn expand_spec_paths(base: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let on_disk = base.join(path);
        if on_disk.is_dir() {
            let entries = match std::fs::read_dir(&on_disk) {
                Ok(entries) => entries,
                Err(e) => {
                    problems.push(
                        Diagnostic::new(
                            display(path),
                            Location::File,
                            format!("cannot list the folder: {e}"),
                        )
                        .help("check that the folder exists and is readable"),
                    );
                    continue;
                }
            };
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file() && is_spec_file(&e.path()))
                .map(|e| path.join(e.file_name()))
                .collect();
            found.sort();
            if found.is_empty() {
                problems.push(
                    Diagnostic::new(display(path), Location::File, "the folder holds no spec file")
                        .help("put `*.yaml`, `*.yml` or `*.json` OpenAPI documents in it, or name the files"),
                );
            }
            out.extend(found);
        } else if on_disk.exists() {
            out.push(path.clone());
        } else {
            problems.push(
                Diagnostic::new(display(path), Location::File, "no such file or folder")
                    .help("pass --spec with a spec file or a folder of them"),
            );
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics(problems))
    }
}

fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json")
    )
}

fn check_version(file: &str, value: &serde_json::Value) -> Result<(), Diagnostic> {
    if value.is_null() {
        return Err(Diagnostic::new(
            file,
            Location::File,
            "the file holds no document, only comments or blank lines",
        )
        .help("a spec must be an OpenAPI 3.0 document in YAML or JSON"));
    }
    if !value.is_object() {
        return Err(Diagnostic::at(file, "", "the document is not an object")
            .help("a spec must be an OpenAPI 3.0 document: a mapping with `openapi`, `info` and `paths`"));
    }
    match value.get("openapi") {
        Some(serde_json::Value::String(v))
            if ["3.0", "3.1", "3.2"]
                .iter()
                .any(|minor| v == minor || v.starts_with(&format!("{minor}."))) =>
        {
            Ok(())
        }
        Some(other) => Err(Diagnostic::at(
            file,
            "/openapi",
            format!("unsupported OpenAPI version {other}"),
        )
        .help("this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x: set `openapi: 3.0.3`, `3.1.1` or `3.2.0`")),
        None if value.get("swagger").is_some_and(swagger2::is_version_20) => Ok(()),
        None if value.get("swagger").is_some() => Err(Diagnostic::at(
            file,
            "/swagger",
            format!(
                "unsupported Swagger version {}",
                value.get("swagger").unwrap_or(&serde_json::Value::Null)
            ),
        )
        .help("this generator reads Swagger 2.0 (`swagger: \"2.0\"`) and OpenAPI 3.0, 3.1 and 3.2")),
        None => Err(Diagnostic::at(file, "", "missing `openapi` version field")
            .help("an OpenAPI 3.0 document starts with `openapi: 3.0.3`")),
    }
}

/// The counts that can be had from the raw document in no time: component schemas and
/// operations (the methods of each path item).
fn check_counts(
    file: &str,
    value: &serde_json::Value,
    limits: &crate::config::Limits,
) -> Result<(), Diagnostics> {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    // Swagger 2.0 keeps its schemas in `definitions`.
    let schemas: usize = ["/components/schemas", "/definitions"]
        .iter()
        .filter_map(|at| value.pointer(at).and_then(|s| s.as_object()))
        .map(|s| s.len())
        .sum();
    let operations: usize = value
        .get("paths")
        .and_then(|p| p.as_object())
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count())
                .sum()
        });
    let split = "split the spec into several files (each is a module of its own)";
    let problems: Vec<Diagnostic> = [
        (
            "/components/schemas",
            schemas,
            limits.max_schemas,
            "component schemas",
            "schemas",
        ),
        (
            "/paths",
            operations,
            limits.max_operations,
            "operations",
            "operations",
        ),
    ]
    .into_iter()
    .filter(|(_, found, limit, ..)| found > limit)
    .map(|(at, found, limit, what, name)| {
        crate::config::Limits::exceeded(file, at.to_owned(), (found, limit), what, name, split)
    })
    .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(problems))
    }
}

fn deserialize(file: &str, value: &serde_json::Value) -> Result<openapiv3::OpenAPI, Diagnostic> {
    match typed::<openapiv3::OpenAPI>(value) {
        Ok(document) => Ok(document),
        Err((mut at, mut message)) => {
            // `openapiv3` buffers untagged and flattened elements, which cuts the path short;
            // re-reading the elements below that point one by one finds the real culprit.
            if let Some((deeper, deeper_message)) = refine(value, &at) {
                at = deeper;
                message = deeper_message;
            }
            Err(Diagnostic::at(
                file,
                at,
                format!("not a valid OpenAPI 3.0 element: {message}"),
            )
            .help("compare this element with the OpenAPI 3.0.3 specification"))
        }
    }
}

/// Deserializes `value`, returning the JSON pointer and message of a failure.
fn typed<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut at = String::new();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => at.push_str(&format!("/{index}")),
                Segment::Map { key } => {
                    at.push('/');
                    at.push_str(&pointer_token(key));
                }
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        (at, e.inner().to_string())
    })
}

/// Finds the innermost failing element under the containers that `openapiv3` buffers.
fn refine(document: &serde_json::Value, at: &str) -> Option<(String, String)> {
    use openapiv3::{Operation, Parameter, ReferenceOr, Response, Schema};
    let prefixed =
        |base: String, (inner, message): (String, String)| (format!("{base}{inner}"), message);
    if at == "/paths" || at.is_empty() {
        for (path, item) in document.get("paths")?.as_object()? {
            let base = format!("/paths/{}", pointer_token(path));
            for (method, operation) in item.as_object()? {
                if matches!(
                    method.as_str(),
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                ) {
                    let here = format!("{base}/{method}");
                    if let Err(e) = typed::<Operation>(operation) {
                        return Some(refine_operation(operation, here, e));
                    }
                } else if method == "parameters" {
                    for (i, p) in operation.as_array()?.iter().enumerate() {
                        if let Err(e) = typed::<ReferenceOr<Parameter>>(p) {
                            return Some(prefixed(format!("{base}/parameters/{i}"), e));
                        }
                    }
                }
            }
        }
    }
    if at.starts_with("/components") || at.is_empty() {
        let components = document.get("components")?.as_object()?;
        for (kind, section) in components {
            for (name, element) in section.as_object()? {
                let base = format!("/components/{kind}/{}", pointer_token(name));
                let failure = match kind.as_str() {
                    "schemas" => typed::<ReferenceOr<Schema>>(element).err(),
                    "parameters" => typed::<ReferenceOr<Parameter>>(element).err(),
                    "responses" => typed::<ReferenceOr<Response>>(element).err(),
                    _ => None,
                };
                if let Some(e) = failure {
                    return Some(prefixed(base, e));
                }
            }
        }
    }
    None
}

fn refine_operation(
    operation: &serde_json::Value,
    at: String,
    failure: (String, String),
) -> (String, String) {
    use openapiv3::{Parameter, ReferenceOr, Response};
    let inside = |key: &str| operation.get(key).and_then(|v| v.as_object().cloned());
    if let Some(responses) = inside("responses") {
        for (code, response) in &responses {
            if let Err((inner, message)) = typed::<ReferenceOr<Response>>(response) {
                return (
                    format!("{at}/responses/{}{inner}", pointer_token(code)),
                    message,
                );
            }
        }
    }
    if let Some(parameters) = operation.get("parameters").and_then(|v| v.as_array()) {
        for (i, p) in parameters.iter().enumerate() {
            if let Err((inner, message)) = typed::<ReferenceOr<Parameter>>(p) {
                return (format!("{at}/parameters/{i}{inner}"), message);
            }
        }
    }
    (format!("{at}{}", failure.0), failure.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn load(files: &[(&str, &str)]) -> Result<LoadedSpec, Diagnostics> {
        let map: BTreeMap<PathBuf, String> = files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect();
        let root = PathBuf::from(files[0].0);
        load_spec_with(&root, &mut |p: &Path| {
            map.get(p)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
        })
    }

    #[test]
    fn rejects_other_versions_with_help() {
        let err = load(&[(
            "a.yaml",
            "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )])
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("a.yaml:#/openapi: error: unsupported OpenAPI version \"4.0.0\""),
            "{err}"
        );
        // 3.1 is read, into the 3.0 shape.
        let spec = load(&[(
            "a.yaml",
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    N: {type: [string, 'null']}\n",
        )])
        .unwrap();
        let schema = &spec.document.components.unwrap().schemas["N"];
        assert!(matches!(schema, openapiv3::ReferenceOr::Item(s) if s.schema_data.nullable));
        // 2.0 is read too (swagger2.rs); other Swagger versions are refused.
        let err = load(&[("a.yaml", "swagger: '1.2'\n")]).unwrap_err();
        assert!(
            err.to_string()
                .contains("a.yaml:#/swagger: error: unsupported Swagger version \"1.2\""),
            "{err}"
        );
    }

    #[test]
    fn type_errors_carry_a_pointer() {
        let err = load(&[("a.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: 7\n")])
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.yaml:#/paths/~1x/get/responses: error:"),
            "{err}"
        );
    }

    #[test]
    fn loads_and_records_files_read() {
        let spec = load(&[
            ("spec/a.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'shared/b.yaml#/components/schemas/B'}\n"),
            ("spec/shared/b.yaml", "components:\n  schemas:\n    B: {type: string}\n"),
        ])
        .unwrap();
        assert_eq!(spec.stem, "a");
        assert_eq!(
            spec.files_read,
            vec![
                PathBuf::from("spec/a.yaml"),
                PathBuf::from("spec/shared/b.yaml")
            ]
        );
        assert!(spec.document.components.unwrap().schemas.contains_key("B"));
    }
}
