//! Lint: checks of a spec beyond what generation needs.
//!
//! Generation only looks at what it uses; lint looks at the whole document: every `$ref`,
//! operationIds that collide, and every example against its schema. A place where the spec
//! must break a rule on purpose (a document that contradicts itself) says so with
//! `x-clientgen-lint-allow: [rule, ...]` on that element or an ancestor, beside an
//! `x-clientgen-note` explaining why.

mod validate;

use crate::diagnostics::{pointer_token, Diagnostic};
use crate::load::LoadedSpec;
use serde_json::Value;
use std::collections::BTreeMap;
use validate::Validator;

/// The extension that excuses an element (and everything inside it) from rules.
pub const ALLOW: &str = "x-clientgen-lint-allow";

/// The rules, by the names `x-clientgen-lint-allow` takes.
pub const RULES: &[&str] = &["unresolved-ref", "duplicate-operation-id", "example"];

/// Lints one bundled document.
pub fn lint_document(spec: &LoadedSpec, document: &Value) -> Vec<Diagnostic> {
    let mut linter = Linter {
        file: &spec.file,
        document,
        validator: Validator::new(document),
        operation_ids: BTreeMap::new(),
        problems: Vec::new(),
    };
    linter.walk(document, &mut String::new(), Context::default());
    linter.problems
}

#[derive(Clone, Default)]
struct Context<'a> {
    /// The node is a schema object.
    schema: bool,
    /// Rules excused here.
    allowed: Vec<&'a str>,
}

struct Linter<'d> {
    file: &'d str,
    document: &'d Value,
    validator: Validator<'d>,
    operation_ids: BTreeMap<&'d str, String>,
    problems: Vec<Diagnostic>,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl<'d> Linter<'d> {
    fn report(&mut self, cx: &Context, rule: &str, at: &str, message: String, help: &str) {
        if !cx.allowed.contains(&rule) {
            let help = format!("{help} (or excuse it with `{ALLOW}: [{rule}]` and an `x-clientgen-note` saying why)");
            self.problems
                .push(Diagnostic::at(self.file, at, format!("[{rule}] {message}")).help(help));
        }
    }

    fn walk(&mut self, node: &'d Value, at: &mut String, mut cx: Context<'d>) {
        match node {
            Value::Object(members) => {
                if let Some(Value::Array(rules)) = members.get(ALLOW) {
                    cx.allowed.extend(rules.iter().filter_map(Value::as_str));
                }
                self.check_object(members, at, &cx);
                for (key, child) in members {
                    // Example values and defaults are data, not spec structure.
                    if matches!(
                        key.as_str(),
                        "example" | "default" | "enum" | "x-clientgen-note"
                    ) {
                        continue;
                    }
                    let child_cx = Context {
                        schema: child_is_schema(at, key, cx.schema),
                        allowed: cx.allowed.clone(),
                    };
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer_token(key));
                    if key == "examples" && !cx.schema {
                        self.walk_examples(child, at, &child_cx);
                    } else {
                        self.walk(child, at, child_cx);
                    }
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    let child_cx = Context {
                        schema: cx.schema && is_schema_list(at),
                        allowed: cx.allowed.clone(),
                    };
                    self.walk(child, at, child_cx);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// `examples` maps names to Example objects; only their structure is walked, not values.
    fn walk_examples(&mut self, node: &'d Value, at: &mut String, cx: &Context<'d>) {
        let Some(examples) = node.as_object() else {
            return;
        };
        for (name, example) in examples {
            let len = at.len();
            at.push('/');
            at.push_str(&pointer_token(name));
            if let Some(reference) = example.get("$ref").and_then(Value::as_str) {
                self.check_reference(reference, at, cx);
            }
            at.truncate(len);
        }
    }

    fn check_object(
        &mut self,
        members: &'d serde_json::Map<String, Value>,
        at: &str,
        cx: &Context<'d>,
    ) {
        if let Some(Value::String(reference)) = members.get("$ref") {
            self.check_reference(reference, at, cx);
        }
        if let Some(id) = members.get("operationId").and_then(Value::as_str) {
            let is_operation =
                at.starts_with("/paths/") && METHODS.iter().any(|m| at.ends_with(&format!("/{m}")));
            if is_operation {
                match self.operation_ids.get(id) {
                    Some(first) => {
                        let first = first.clone();
                        let message = format!("operationId `{id}` is also used at #{first}");
                        let reported = self.problems.len();
                        self.report(
                            cx,
                            "duplicate-operation-id",
                            at,
                            message,
                            "give every operation its own operationId",
                        );
                        let note = Diagnostic::at(
                            self.file,
                            format!("{first}/operationId"),
                            format!("operationId `{id}` is first used here"),
                        );
                        if let Some(problem) = self.problems.get_mut(reported) {
                            problem.push_note(note);
                        }
                    }
                    None => {
                        self.operation_ids.insert(id, at.to_owned());
                    }
                }
            }
        }
        if cx.schema {
            if let Some(example) = members.get("example") {
                let schema = self.document_node(at);
                self.check_example(
                    schema,
                    example,
                    &format!("{at}/example"),
                    "the schema's example",
                    cx,
                );
            }
        } else if let Some(schema) = members.get("schema") {
            // A media type, parameter or header: its examples against its schema.
            if let Some(example) = members.get("example") {
                self.check_example(schema, example, &format!("{at}/example"), "the example", cx);
            }
            if let Some(Value::Object(examples)) = members.get("examples") {
                for (name, example) in examples {
                    let example = self.resolve_example(example);
                    if let Some(value) = example.and_then(|e| e.get("value")) {
                        let here = format!("{at}/examples/{}/value", pointer_token(name));
                        self.check_example(schema, value, &here, &format!("example `{name}`"), cx);
                    }
                }
            }
        }
    }

    fn document_node(&self, at: &str) -> &'d Value {
        self.document.pointer(at).unwrap_or(&Value::Null)
    }

    fn resolve_example(&self, example: &'d Value) -> Option<&'d Value> {
        match example.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|p| self.document.pointer(p)),
            None => Some(example),
        }
    }

    fn check_reference(&mut self, reference: &str, at: &str, cx: &Context) {
        let resolved = reference
            .strip_prefix('#')
            .is_some_and(|pointer| self.document.pointer(pointer).is_some());
        if !resolved {
            let message = format!("`$ref: {reference}` does not resolve");
            self.report(
                cx,
                "unresolved-ref",
                at,
                message,
                "point the reference at an existing element",
            );
        }
    }

    fn check_example(
        &mut self,
        schema: &'d Value,
        value: &Value,
        at: &str,
        what: &str,
        cx: &Context,
    ) {
        let problems = self.validator.check(schema, value);
        if !problems.is_empty() {
            let message = format!("{what} does not match its schema: {}", problems.join("; "));
            self.report(cx, "example", at, message, "fix the example or the schema");
        }
    }
}

/// Whether the member `key` of a node at `at` is a schema object.
fn child_is_schema(at: &str, key: &str, parent_is_schema: bool) -> bool {
    if key == "schema" && !parent_is_schema {
        return true;
    }
    if at == "/components/schemas" {
        return true;
    }
    if parent_is_schema {
        return matches!(key, "items" | "additionalProperties" | "not");
    }
    // A member of a schema's `properties` map.
    at.ends_with("/properties") && is_schema_path(at)
}

/// `.../allOf/3` and the like inside a schema.
fn is_schema_list(at: &str) -> bool {
    let parent = at.rsplit_once('/').map_or("", |(p, _)| p);
    parent.ends_with("/allOf") || parent.ends_with("/oneOf") || parent.ends_with("/anyOf")
}

/// Whether the `properties` map at `at` belongs to a schema (as opposed to, say, a path
/// named `/properties`).
fn is_schema_path(at: &str) -> bool {
    at.starts_with("/components/schemas/") || at.contains("/schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_spec_and_json_with;
    use std::path::Path;

    fn lint(text: &str) -> Vec<String> {
        let text = text.to_owned();
        let (spec, json) =
            load_spec_and_json_with(Path::new("a.yaml"), &mut |_| Ok(text.clone())).unwrap();
        lint_document(&spec, &json)
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn finds_bad_examples_everywhere() {
        let found = lint(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - {{name: n, in: query, schema: {{type: integer, maximum: 5}}, example: 9}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/S'}}\n              examples:\n                one: {{value: {{id: 7}}}}\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties:\n        id: {{type: string, example: 3}}\n"
        ));
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("a.yaml:#/paths/~1a/get/parameters/0/example: error: [example] the example does not match its schema: at the top: 9 is above the maximum 5"), "{found:#?}");
        assert!(found[1].contains("#/paths/~1a/get/responses/200/content/application~1json/examples/one/value: error: [example] example `one` does not match its schema: at /id: expected string, found number 7"), "{found:#?}");
        assert!(found[2].contains("#/components/schemas/S/properties/id/example: error: [example] the schema's example"), "{found:#?}");
    }

    #[test]
    fn finds_dangling_references_and_duplicate_ids() {
        let found = lint(&format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: same, responses: {{'200': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: same, responses: {{'200': {{description: ok}}}}}}\ncomponents:\n  schemas:\n    Unused: {{$ref: '#/components/schemas/Gone'}}\n"
        ));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("#/paths/~1b/get: error: [duplicate-operation-id] operationId `same` is also used at #/paths/~1a/get"), "{found:#?}");
        // Where the first one is, as a note of the problem (not a problem of its own).
        assert!(
            found[0].ends_with(
                "\na.yaml:#/paths/~1a/get/operationId: note: operationId `same` is first used here"
            ),
            "{found:#?}"
        );
        assert!(found[1].contains("#/components/schemas/Unused: error: [unresolved-ref] `$ref: #/components/schemas/Gone` does not resolve"), "{found:#?}");
    }

    #[test]
    fn allowed_rules_are_excused_below_the_marker() {
        let found = lint(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    S:\n      x-clientgen-lint-allow: [example]\n      type: object\n      properties:\n        id: {{type: string, example: 3}}\n"
        ));
        assert!(found.is_empty(), "{found:#?}");
    }
}
