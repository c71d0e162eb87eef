//! OpenAPI 3.1 documents read into the 3.0 shape the rest of the generator knows.
//!
//! 3.1's schemas are JSON Schema 2020-12. The keywords published 3.1 specs use are rewritten
//! in place to their 3.0 equivalents, so every JSON pointer still names the same node and
//! diagnostics point at the 3.1 document's own lines:
//!
//! - `type: [T, "null"]` is `type: T` with `nullable: true`; `type: ["null"]` is a nullable
//!   value of any type; several non-null types have no Rust shape (a `serde_json::Value`,
//!   with a warning);
//! - `const: v` is `enum: [v]`;
//! - `examples: [a, ...]` in a schema is `example: a`;
//! - numeric `exclusiveMinimum: n` is `minimum: n` with `exclusiveMinimum: true` (and the
//!   same for the maximum);
//! - `contentEncoding: base64` is `format: byte`; `contentMediaType` of a string without an
//!   encoding is `format: binary`.
//!
//! JSON Schema keywords without a Rust shape (`patternProperties`, `unevaluatedProperties`,
//! `if`/`then`/`else`, `dependentRequired`, `dependentSchemas`, `prefixItems`, `contains`,
//! `propertyNames`) are left to the server to check, with a warning, never dropped silently.
//! `webhooks` and `components.pathItems` describe requests the server makes: no client code.

use crate::diagnostics::{pointer_token, Diagnostic};
use serde_json::{Map, Value};

/// Keywords the model has no shape for: checked by the server, not the client.
const UNMODELLED: &[&str] = &[
    "patternProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "prefixItems",
    "contains",
    "propertyNames",
];

/// Whether `document`'s schemas are JSON Schema 2020-12: OpenAPI 3.1 and 3.2.
pub fn is_31(document: &Value) -> bool {
    matches!(document.get("openapi"), Some(Value::String(v)) if v.starts_with("3.1") || v.starts_with("3.2"))
}

/// Rewrites a 3.1 document (in `file`) in place; returns the warnings.
pub fn to_30(file: &str, document: &mut Value) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    if let Value::Object(root) = document {
        // Requests the server makes; nothing a client sends.
        root.remove("webhooks");
        summary_into_description(root);
        mutual_tls(root);
        if let Some(Value::Object(components)) = root.get_mut("components") {
            components.remove("pathItems");
        }
        // 3.1 makes `paths` and an operation's `responses` optional.
        let paths = root
            .entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(paths) = paths {
            for item in paths.values_mut() {
                let Value::Object(item) = item else { continue };
                for (method, operation) in item.iter_mut() {
                    let is_method = [
                        "get", "put", "post", "delete", "options", "head", "patch", "trace",
                    ]
                    .contains(&method.as_str());
                    if let (true, Value::Object(operation)) = (is_method, operation) {
                        operation
                            .entry("responses")
                            .or_insert_with(|| Value::Object(Map::new()));
                    }
                }
            }
        }
    }
    super::walk::objects(document, |map, at| {
        rewrite_schema(file, map, at, &mut warnings)
    });
    warnings.sort_by_key(|w| w.location.to_string());
    warnings
}

/// 3.1's `mutualTLS` scheme has no 3.0 type: it is read as an `http` scheme marked with
/// `x-clientgen-mutual-tls`, which lowering reads back as mutual TLS.
fn mutual_tls(root: &mut Map<String, Value>) {
    let Some(Value::Object(schemes)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    else {
        return;
    };
    for scheme in schemes.values_mut() {
        if let Value::Object(scheme) = scheme {
            if scheme.get("type").is_some_and(|t| t == "mutualTLS") {
                scheme.insert("type".into(), "http".into());
                scheme.insert("scheme".into(), "mutualTLS".into());
                scheme.insert("x-clientgen-mutual-tls".into(), Value::Bool(true));
            }
        }
    }
}

/// 3.1's `info.summary` opens the API's documentation: the model documents an API by its
/// description, so the summary becomes that description's first paragraph.
fn summary_into_description(root: &mut Map<String, Value>) {
    let Some(Value::Object(info)) = root.get_mut("info") else {
        return;
    };
    let Some(Value::String(summary)) = info.get("summary").cloned() else {
        return;
    };
    let description = match info.get("description") {
        Some(Value::String(d)) if !d.trim().is_empty() => format!("{summary}\n\n{d}"),
        _ => summary,
    };
    info.insert("description".into(), Value::String(description));
}

/// JSON Schema's boolean schemas, which 3.0 has no place for: `true` accepts anything (`{}`),
/// `false` nothing (`{not: {}}`); a property whose schema is `false` can never be present and
/// is left out, with a warning.
fn boolean_schemas(
    file: &str,
    map: &mut Map<String, Value>,
    at: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    let schema_of = |b: bool| {
        if b {
            serde_json::json!({})
        } else {
            serde_json::json!({"not": {}})
        }
    };
    for key in ["items", "not"] {
        if let Some(Value::Bool(b)) = map.get(key) {
            let b = *b;
            map.insert(key.into(), schema_of(b));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            for member in members.iter_mut() {
                if let Value::Bool(b) = member {
                    *member = schema_of(*b);
                }
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        let never: Vec<String> = properties
            .iter()
            .filter(|(_, v)| **v == Value::Bool(false))
            .map(|(k, _)| k.clone())
            .collect();
        for name in never {
            properties.shift_remove(&name);
            warnings.push(
                Diagnostic::at(
                    file,
                    format!("{at}/properties/{}", pointer_token(&name)),
                    format!("property `{name}` has the schema `false`: it can never be present, and is left out"),
                )
                .help("remove the property (to forbid other members, write `additionalProperties: false` on the object)")
                .warning(),
            );
        }
        for value in properties.values_mut() {
            if *value == Value::Bool(true) {
                *value = serde_json::json!({});
            }
        }
    }
}

/// In 2020-12 a schema's `$ref` sits beside other keywords and both apply, where 3.0 ignores
/// a reference's siblings: `{$ref: X, description: d, minLength: 1}` is `{allOf: [{$ref: X}],
/// description: d, minLength: 1}`, which `normalize` then reads as every `allOf` with
/// siblings (`X` documented by `d`; an object's extra `properties` merged with `X`'s). Only
/// references to schemas (every schema reference points into `components/schemas` once
/// bundled): a 3.1 Reference Object elsewhere may carry a `summary` or `description`, which
/// 3.0 ignores too.
fn ref_with_siblings(map: &mut Map<String, Value>) {
    let to_schema = map
        .get("$ref")
        .and_then(Value::as_str)
        .is_some_and(|r| r.starts_with("#/components/schemas/"));
    if !to_schema || map.len() == 1 {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let member = Value::Object(Map::from_iter([("$ref".to_owned(), reference)]));
    match map.get_mut("allOf") {
        Some(Value::Array(existing)) => existing.insert(0, member),
        _ => {
            map.insert("allOf".into(), Value::Array(vec![member]));
        }
    }
}

/// `anyOf: [X, {type: "null"}]` (the way 2020-12 writes an optional value, and what FastAPI
/// and pydantic emit for every `Optional` field) is `X` made nullable: the null alternatives
/// are removed and the schema marked `nullable`; one alternative left is `allOf: [X]`, which
/// lowering reads as `X` itself.
fn null_alternatives(map: &mut Map<String, Value>) {
    let is_null = |member: &Value| {
        let Value::Object(member) = member else {
            return false;
        };
        let null_type = match member.get("type") {
            Some(Value::String(t)) => t == "null",
            Some(Value::Array(types)) => types.iter().all(|t| t == "null") && !types.is_empty(),
            _ => false,
        };
        let null_value = member.get("const") == Some(&Value::Null)
            || member.get("enum") == Some(&Value::Array(vec![Value::Null]));
        (null_type || null_value)
            && member
                .keys()
                .all(|k| ["type", "const", "enum", "title", "description"].contains(&k.as_str()))
    };
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else {
            continue;
        };
        let nulls = members.iter().filter(|m| is_null(m)).count();
        if nulls == 0 || nulls == members.len() {
            continue;
        }
        members.retain(|m| !is_null(m));
        if members.len() == 1 && !map.contains_key("allOf") {
            if let Some(Value::Array(only)) = map.shift_remove(key) {
                map.insert("allOf".into(), Value::Array(only));
            }
        }
        map.insert("nullable".into(), Value::Bool(true));
    }
}

fn rewrite_schema(
    file: &str,
    map: &mut Map<String, Value>,
    at: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    boolean_schemas(file, map, at, warnings);
    ref_with_siblings(map);
    null_alternatives(map);
    if map.get("type").is_some_and(|t| t == "null") {
        // `type: "null"`: only null, like `type: ["null"]`.
        map.insert("type".into(), Value::Array(vec!["null".into()]));
    }
    if let Some(Value::Array(types)) = map.get("type") {
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match others.as_slice() {
            [one] => {
                map.insert("type".into(), one.clone());
            }
            [] => {
                map.remove("type");
            }
            several => {
                let names: Vec<String> = several.iter().map(ToString::to_string).collect();
                warnings.push(
                    Diagnostic::at(
                        file,
                        format!("{at}/type"),
                        format!(
                            "a value of several types ({}) has no Rust shape; it is a `serde_json::Value`",
                            names.join(", ")
                        ),
                    )
                    .help("describe the alternatives with `oneOf`, one schema each")
                    .warning(),
                );
                map.remove("type");
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
    if let Some(value) = map.remove("const") {
        // A constant says its type too: `const: note` is a string.
        let ty = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let (Some(ty), false) = (ty, map.contains_key("type")) {
            map.insert("type".into(), ty.into());
        }
        map.entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    }
    if let Some(Value::Array(examples)) = map.get("examples") {
        if let Some(first) = examples.first().cloned() {
            map.entry("example").or_insert(first);
        }
        map.remove("examples");
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive) {
            let n = n.clone();
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    let encoded = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.get("type").is_some_and(|t| t == "string") && !map.contains_key("format") {
        match (encoded.as_ref().and_then(Value::as_str), media) {
            (Some("base64"), _) => {
                map.insert("format".into(), "byte".into());
            }
            (None, Some(_)) => {
                map.insert("format".into(), "binary".into());
            }
            _ => {}
        }
    }
    for keyword in UNMODELLED {
        if map.contains_key(*keyword) {
            warnings.push(
                Diagnostic::at(
                    file,
                    format!("{at}/{}", pointer_token(keyword)),
                    format!("`{keyword}` has no Rust shape; the client does not check it (the server does)"),
                )
                .help("nothing to do unless the client must check it: then describe the value with properties, `items` or `oneOf`")
                .warning(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn converted(mut value: Value) -> (Value, Vec<String>) {
        let warnings = to_30("a.json", &mut value);
        (value, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn json_schema_keywords_become_their_30_equivalents() {
        let (value, warnings) = converted(json!({"openapi": "3.1.0", "components": {"schemas": {
            "N": {"type": ["string", "null"], "examples": ["a", "b"]},
            "C": {"const": "fixed"},
            "E": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
            "B": {"type": "string", "contentEncoding": "base64"},
            "F": {"type": "string", "contentMediaType": "image/png"},
            "Z": {"type": ["null"]},
        }}}));
        let s = &value["components"]["schemas"];
        assert_eq!(
            s["N"],
            json!({"type": "string", "nullable": true, "example": "a"})
        );
        assert_eq!(s["C"], json!({"type": "string", "enum": ["fixed"]}));
        assert_eq!(
            s["E"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
        );
        assert_eq!(s["B"], json!({"type": "string", "format": "byte"}));
        assert_eq!(s["F"], json!({"type": "string", "format": "binary"}));
        assert_eq!(s["Z"], json!({"nullable": true}));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn references_with_siblings_and_null_alternatives() {
        let (value, warnings) = converted(json!({"openapi": "3.1.0",
        "info": {"title": "T", "version": "1", "summary": "S.", "description": "D."},
        "components": {"schemas": {
            "R": {"$ref": "#/components/schemas/X", "description": "d", "minLength": 1},
            "Q": {"$ref": "#/components/schemas/X"},
            "O": {"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}], "default": null},
            "M": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
            "Z": {"anyOf": [{"type": "null"}]},
        }},
        "paths": {"/a": {"parameters": [{"$ref": "#/components/parameters/P", "description": "kept"}]}}}));
        let s = &value["components"]["schemas"];
        assert_eq!(value["info"]["description"], "S.\n\nD.");
        assert_eq!(
            s["R"],
            json!({"description": "d", "minLength": 1, "allOf": [{"$ref": "#/components/schemas/X"}]})
        );
        assert_eq!(s["Q"], json!({"$ref": "#/components/schemas/X"}));
        assert_eq!(
            s["O"],
            json!({"default": null, "allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
        );
        assert_eq!(
            s["M"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
        assert_eq!(
            s["Z"],
            json!({"anyOf": [{"nullable": true}]}),
            "only null: left as it is"
        );
        assert_eq!(
            value["paths"]["/a"]["parameters"][0],
            json!({"$ref": "#/components/parameters/P", "description": "kept"}),
            "a Reference Object outside schemas keeps its annotations"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn boolean_schemas_become_objects() {
        let (value, warnings) = converted(json!({"openapi": "3.1.0", "components": {"schemas": {
            "O": {"type": "object", "properties": {"gone": false, "any": true}, "additionalProperties": false},
            "A": {"type": "array", "items": true},
            "U": {"anyOf": [true, false]},
        }}}));
        let s = &value["components"]["schemas"];
        assert_eq!(
            s["O"],
            json!({"type": "object", "properties": {"any": {}}, "additionalProperties": false})
        );
        assert_eq!(s["A"], json!({"type": "array", "items": {}}));
        assert_eq!(s["U"], json!({"anyOf": [{}, {"not": {}}]}));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains(
                "schemas/O/properties/gone: warning: property `gone` has the schema `false`"
            ),
            "{warnings:?}"
        );
    }

    #[test]
    fn what_has_no_shape_is_a_warning() {
        let (value, warnings) = converted(json!({"openapi": "3.1.0",
        "webhooks": {"w": {}},
        "components": {"pathItems": {}, "schemas": {
            "M": {"type": ["string", "integer"]},
            "P": {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
        }}}));
        assert!(value.get("webhooks").is_none());
        assert_eq!(value["paths"], json!({}), "`paths` is optional in 3.1");
        assert!(value["components"].get("pathItems").is_none());
        assert_eq!(value["components"]["schemas"]["M"], json!({}));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains(
                "schemas/M/type: warning: a value of several types (\"string\", \"integer\")"
            ),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains(
                "schemas/P/patternProperties: warning: `patternProperties` has no Rust shape"
            ),
            "{warnings:?}"
        );
    }

    #[test]
    fn data_and_example_maps_are_left_alone() {
        let input = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {
                "schema": {"type": "object", "properties": {"const": {"type": ["integer", "null"]}}},
                "examples": {"one": {"value": {"type": ["a", "null"], "const": 1}}},
            }},
        }}}}}});
        let (value, _) = converted(input.clone());
        let media = &value["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            media["examples"],
            input["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
                ["examples"]
        );
        assert_eq!(
            media["schema"]["properties"]["const"],
            json!({"type": "integer", "nullable": true})
        );
    }
}
