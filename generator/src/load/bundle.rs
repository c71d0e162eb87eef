//! Brings components that other files define into the root document.
//!
//! A `$ref` such as `shared/common.yaml#/components/schemas/ErrorResponse` is replaced by a
//! local `#/components/schemas/ErrorResponse`, and the component is copied into the root's
//! components (with its own references handled the same way, relative to its own file). After
//! bundling, every reference is local, so lowering only ever looks inside one document.

use crate::diagnostics::{pointer, pointer_token, Diagnostic, Diagnostics};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Reads a file's text; the only I/O bundling does, injected so bundling itself stays pure.
pub type ReadFile<'a> = dyn FnMut(&Path) -> std::io::Result<String> + 'a;

/// A document with every reference made local.
pub struct Bundled {
    pub value: Value,
    pub files_read: Vec<PathBuf>,
    /// (JSON pointer of an imported component, the file it came from).
    pub origins: Vec<(String, String)>,
}

/// The component kinds a `$ref` may point at.
const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

pub struct Bundler<'r> {
    read: &'r mut ReadFile<'r>,
    root_path: PathBuf,
    /// Parsed documents other than the root, by normalised path.
    documents: BTreeMap<PathBuf, Value>,
    /// (file, kind, name) already imported, to the local name they got.
    imported: BTreeMap<(PathBuf, String, String), String>,
    /// Local components added to the root, by kind and name, with the file they came from.
    added: BTreeMap<(String, String), PathBuf>,
    diagnostics: Vec<Diagnostic>,
    /// Every file read, root first, for build scripts' `rerun-if-changed`.
    pub files_read: Vec<PathBuf>,
}

impl<'r> Bundler<'r> {
    pub fn new(root_path: &Path, read: &'r mut ReadFile<'r>) -> Self {
        Bundler {
            read,
            root_path: normalize(root_path),
            documents: BTreeMap::new(),
            imported: BTreeMap::new(),
            added: BTreeMap::new(),
            diagnostics: Vec::new(),
            files_read: vec![normalize(root_path)],
        }
    }

    /// Rewrites every external reference in `root` and adds the referenced components to it.
    /// Returns the bundled document, the files read, and for each imported component the
    /// pointer it has in the bundle (the same it has in its own file) and that file.
    pub fn bundle(mut self, mut root: Value) -> Result<Bundled, Diagnostics> {
        let mut additions: Vec<(String, String, Value)> = Vec::new();
        let root_path = self.root_path.clone();
        self.rewrite(&root_path, &mut root, &mut String::new(), &mut additions);
        if !self.diagnostics.is_empty() {
            return Err(Diagnostics(self.diagnostics));
        }
        if !additions.is_empty() {
            let Some(object) = root.as_object_mut() else {
                return Ok(self.finish(root));
            };
            let components = object
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(components) = components.as_object_mut() else {
                let file = display(&root_path);
                return Err(
                    Diagnostic::at(file, "/components", "`components` must be an object")
                        .help("write `components` as a mapping of component kinds")
                        .into(),
                );
            };
            for (kind, name, value) in additions {
                let section = components
                    .entry(kind.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(section) = section.as_object_mut() {
                    // `Name: {$ref: 'shared.yaml#/components/<kind>/Name'}` was rewritten to point
                    // at itself; the imported definition takes its place.
                    let self_reference = serde_json::json!({ "$ref": format!("#/components/{kind}/{}", pointer_token(&name)) });
                    if section.get(&name) == Some(&self_reference) {
                        section.insert(name, value);
                    } else if section.contains_key(&name) {
                        let file = display(&root_path);
                        self.diagnostics.push(
                            Diagnostic::at(
                                file,
                                pointer(["components", kind.as_str(), name.as_str()]),
                                format!("component `{name}` is defined here and also imported from another file"),
                            )
                            .help("rename one of them, or reference the shared one instead of defining it locally"),
                        );
                    } else {
                        section.insert(name, value);
                    }
                }
            }
        }
        if self.diagnostics.is_empty() {
            Ok(self.finish(root))
        } else {
            Err(Diagnostics(self.diagnostics))
        }
    }

    fn finish(self, value: Value) -> Bundled {
        let origins = self
            .added
            .iter()
            .map(|((kind, name), file)| {
                (
                    pointer(["components", kind.as_str(), name.as_str()]),
                    display(file),
                )
            })
            .collect();
        Bundled {
            value,
            files_read: self.files_read,
            origins,
        }
    }

    /// Walks `value` (inside `file`), replacing references that leave the root document.
    fn rewrite(
        &mut self,
        file: &Path,
        value: &mut Value,
        at: &mut String,
        additions: &mut Vec<(String, String, Value)>,
    ) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    let here = at.clone();
                    if let Some(local) = self.localize(file, &reference, &here, additions) {
                        map.insert("$ref".to_owned(), Value::String(local));
                    }
                    return;
                }
                for (key, child) in map.iter_mut() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer_token(key));
                    self.rewrite(file, child, at, additions);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    self.rewrite(file, child, at, additions);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Returns the local form of `reference` found in `file`, or `None` to leave it as it is.
    fn localize(
        &mut self,
        file: &Path,
        reference: &str,
        at: &str,
        additions: &mut Vec<(String, String, Value)>,
    ) -> Option<String> {
        let (target_file, fragment) = match reference.split_once('#') {
            Some((f, frag)) => (f, frag),
            None => (reference, ""),
        };
        let target = if target_file.is_empty() {
            if file == self.root_path {
                return None; // a local reference in the root stays as it is
            }
            file.to_path_buf()
        } else {
            if target_file.contains("://") {
                self.diagnostics.push(
                    Diagnostic::at(display(file), at, format!("remote reference `{reference}` is not supported"))
                        .help("download the referenced document next to the spec and refer to it by relative path"),
                );
                return None;
            }
            normalize(&file.parent().unwrap_or(Path::new("")).join(target_file))
        };
        let Some((kind, name)) = component_target(fragment) else {
            self.diagnostics.push(
                Diagnostic::at(
                    display(file),
                    at,
                    format!("reference `{reference}` does not point at a component"),
                )
                .help("a reference into another file must have the form `file.yaml#/components/<kind>/<Name>`"),
            );
            return None;
        };
        if target == self.root_path {
            return Some(format!("#/components/{kind}/{}", pointer_token(&name)));
        }
        let local = self.import(&target, &kind, &name, file, at, additions)?;
        Some(format!("#/components/{kind}/{}", pointer_token(&local)))
    }

    fn import(
        &mut self,
        file: &Path,
        kind: &str,
        name: &str,
        from: &Path,
        at: &str,
        additions: &mut Vec<(String, String, Value)>,
    ) -> Option<String> {
        let key = (file.to_path_buf(), kind.to_owned(), name.to_owned());
        if let Some(local) = self.imported.get(&key) {
            return Some(local.clone());
        }
        let document = self.document(file, from, at)?;
        let Some(component) = document
            .get("components")
            .and_then(|c| c.get(kind))
            .and_then(|c| c.get(name))
        else {
            self.diagnostics.push(
                Diagnostic::at(
                    display(from),
                    at,
                    format!(
                        "`{}` has no component `#/components/{kind}/{name}`",
                        display(file)
                    ),
                )
                .help("check the component's name and kind in the referenced file"),
            );
            return None;
        };
        let mut component = component.clone();
        if let Some(previous) = self.added.get(&(kind.to_owned(), name.to_owned())) {
            self.diagnostics.push(
                Diagnostic::at(
                    display(from),
                    at,
                    format!(
                        "component `{name}` is imported from both `{}` and `{}`",
                        display(previous),
                        display(file)
                    ),
                )
                .help("give the two components different names"),
            );
            return None;
        }
        self.added
            .insert((kind.to_owned(), name.to_owned()), file.to_path_buf());
        // Registered before its own references are followed, so cycles end here.
        self.imported.insert(key, name.to_owned());
        let mut inner_at = pointer(["components", kind, name]);
        self.rewrite(file, &mut component, &mut inner_at, additions);
        additions.push((kind.to_owned(), name.to_owned(), component));
        Some(name.to_owned())
    }

    fn document(&mut self, file: &Path, from: &Path, at: &str) -> Option<&Value> {
        if !self.documents.contains_key(file) {
            let text = match (self.read)(file) {
                Ok(text) => text,
                Err(e) => {
                    self.diagnostics.push(
                        Diagnostic::at(
                            display(from),
                            at,
                            format!("cannot read referenced file `{}`: {e}", display(file)),
                        )
                        .help(
                            super::read::help_for(&e)
                                .unwrap_or("check the relative path of the reference"),
                        ),
                    );
                    return None;
                }
            };
            self.files_read.push(file.to_path_buf());
            match super::parse::parse_document(&display(file), &text) {
                Ok(value) => {
                    self.documents.insert(file.to_path_buf(), value);
                }
                Err(diagnostic) => {
                    self.diagnostics.push(diagnostic);
                    return None;
                }
            }
        }
        self.documents.get(file)
    }
}

/// `/components/schemas/Name` to (`schemas`, `Name`).
fn component_target(fragment: &str) -> Option<(String, String)> {
    let rest = fragment.strip_prefix("/components/")?;
    let (kind, name) = rest.split_once('/')?;
    if !COMPONENT_KINDS.contains(&kind) || name.is_empty() || name.contains('/') {
        return None;
    }
    Some((kind.to_owned(), unescape_token(name)))
}

fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Resolves `.` and `..` without touching the file system (so the result is reproducible).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let ends_in_name =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if ends_in_name {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A path as shown in messages: forward slashes on every platform.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        entries
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    fn bundle(root: &str, fs: &BTreeMap<PathBuf, String>) -> Result<Value, Diagnostics> {
        let mut read = |p: &Path| {
            fs.get(p)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
        };
        let value = super::super::parse::parse_document(root, &fs[Path::new(root)]).unwrap();
        Bundler::new(Path::new(root), &mut read)
            .bundle(value)
            .map(|b| b.value)
    }

    #[test]
    fn imports_component_and_its_dependencies() {
        let fs = files(&[
            ("spec/a.yaml", "paths: {}\nx:\n  $ref: 'shared/c.yaml#/components/schemas/Err'\n"),
            (
                "spec/shared/c.yaml",
                "components:\n  schemas:\n    Err:\n      properties:\n        d: {$ref: '#/components/schemas/Detail'}\n    Detail: {type: string}\n",
            ),
        ]);
        let value = bundle("spec/a.yaml", &fs).unwrap();
        assert_eq!(value["x"], json!({"$ref": "#/components/schemas/Err"}));
        assert_eq!(
            value["components"]["schemas"]["Err"]["properties"]["d"]["$ref"],
            "#/components/schemas/Detail"
        );
        assert_eq!(value["components"]["schemas"]["Detail"]["type"], "string");
    }

    #[test]
    fn local_alias_of_same_name_is_replaced_by_the_import() {
        let fs = files(&[
            ("a.yaml", "components:\n  securitySchemes:\n    token: {$ref: 'c.yaml#/components/securitySchemes/token'}\n"),
            ("c.yaml", "components:\n  securitySchemes:\n    token: {type: apiKey, in: header, name: X-Auth-Token}\n"),
        ]);
        let value = bundle("a.yaml", &fs).unwrap();
        assert_eq!(
            value["components"]["securitySchemes"]["token"]["name"],
            "X-Auth-Token"
        );
    }

    #[test]
    fn cycles_between_files_terminate() {
        let fs = files(&[
            ("a.yaml", "x: {$ref: 'b.yaml#/components/schemas/B'}\n"),
            ("b.yaml", "components:\n  schemas:\n    B:\n      properties:\n        next: {$ref: '#/components/schemas/B'}\n"),
        ]);
        let value = bundle("a.yaml", &fs).unwrap();
        assert_eq!(
            value["components"]["schemas"]["B"]["properties"]["next"]["$ref"],
            "#/components/schemas/B"
        );
    }

    #[test]
    fn missing_file_and_component_are_located() {
        let fs = files(&[(
            "a.yaml",
            "x: {$ref: 'nope.yaml#/components/schemas/B'}\ny: {$ref: 'a.yaml#/paths/x'}\n",
        )]);
        let err = bundle("a.yaml", &fs).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        assert!(
            err.to_string()
                .contains("a.yaml:#/x: error: cannot read referenced file `nope.yaml`"),
            "{err}"
        );
        assert!(
            err.to_string().contains("does not point at a component"),
            "{err}"
        );
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("spec/./shared/../a.yaml")),
            PathBuf::from("spec/a.yaml")
        );
        assert_eq!(
            normalize(Path::new("../x/../../y.yaml")),
            PathBuf::from("../../y.yaml")
        );
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }
}
