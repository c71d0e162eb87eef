//! Schemas as JSON Schema reads them, before they are typed.
//!
//! Published specs often give a schema keywords that do not apply to its `type`
//! (`{type: string, minimum: 1}`, `{type: boolean, uniqueItems: true}`, `{type: string, items:
//! ...}`). JSON Schema ignores such a keyword (`minimum` constrains numbers only), but the
//! typed OpenAPI model cannot hold it and would read the schema as untyped. Removing it keeps
//! the schema's meaning exactly, so it is done silently. Enum values of another type than the
//! schema's (`{type: string, enum: [1, 2]}`, a schema no value satisfies) are converted when
//! the conversion is lossless and dropped otherwise; both are fallbacks and reported as
//! warnings. Integer bounds that are not whole numbers are rounded inwards, which keeps the
//! set of valid integers the same.
//!
//! Values under `example`, `examples`, `default`, `enum`, `const` and `x-` extensions are data
//! and never touched; names under `properties`, `schemas` and other maps of names are names,
//! not keywords.

use crate::diagnostics::{pointer_token, Diagnostic};
use serde_json::{Map, Value};

const NUMERIC: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const STRING: &[&str] = &["minLength", "maxLength", "pattern"];
const ARRAY: &[&str] = &["items", "minItems", "maxItems", "uniqueItems"];
const OBJECT: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// Normalizes every schema of `document` (in `file`), returning warnings for what changed
/// meaning. Operations' `callbacks` are removed first: they are requests the server makes,
/// which a client never sends, and specs write them in shapes the typed model refuses.
pub fn normalize_schemas(file: &str, document: &mut Value) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for item in paths.values_mut() {
            if let Value::Object(item) = item {
                for operation in item.values_mut() {
                    if let Value::Object(operation) = operation {
                        operation.remove("callbacks");
                    }
                }
            }
        }
    }
    super::walk::objects(document, |map, at| {
        normalize_one(file, map, at, &mut warnings)
    });
    warnings.sort_by_key(|w| w.location.to_string());
    warnings
}

/// What the value of a keyword must be, for the keywords whose wrong values published specs
/// write (`pattern: 0`, `maxLength: "10"`).
fn valid_value(keyword: &str, value: &Value) -> Option<bool> {
    let non_negative = || value.as_u64().is_some();
    Some(match keyword {
        "pattern" | "format" | "title" | "description" => value.is_string(),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            non_negative()
        }
        "minimum" | "maximum" | "multipleOf" => value.is_number(),
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" | "nullable" | "readOnly"
        | "writeOnly" | "deprecated" => value.is_boolean(),
        "required" => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        "type" => value.is_string(),
        _ => return None,
    })
}

/// Removes keyword values of the wrong type, each a warning: the keyword cannot mean what
/// its author wanted, so it is ignored.
fn drop_invalid_keywords(
    file: &str,
    map: &mut Map<String, Value>,
    at: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    let invalid: Vec<String> = map
        .iter()
        .filter(|(k, v)| valid_value(k, v) == Some(false))
        .map(|(k, _)| k.clone())
        .collect();
    for keyword in invalid {
        let value = map.remove(&keyword).unwrap_or_default();
        let shown: String = value.to_string().chars().take(40).collect();
        warnings.push(
            Diagnostic::at(
                file,
                format!("{at}/{}", pointer_token(&keyword)),
                format!("`{keyword}: {shown}` is not a valid value for `{keyword}`; the keyword is ignored"),
            )
            .help("fix the value's type (OpenAPI 3.0, Schema Object)")
            .warning(),
        );
    }
}

/// The keyword set of a schema: the node has a `type`, or keywords only schemas have.
fn is_schema(map: &Map<String, Value>) -> bool {
    map.contains_key("type")
        || [
            "properties",
            "allOf",
            "oneOf",
            "anyOf",
            "items",
            "pattern",
            "enum",
        ]
        .iter()
        .any(|k| map.contains_key(*k))
}

fn normalize_one(
    file: &str,
    map: &mut Map<String, Value>,
    at: &str,
    warnings: &mut Vec<Diagnostic>,
) {
    if !is_schema(map) {
        return;
    }
    drop_invalid_keywords(file, map, at, warnings);
    unique_enum_values(map);
    all_of_siblings(map);
    let Some(Value::String(ty)) = map.get("type") else {
        return;
    };
    let ty = ty.clone();
    let applies: &[&[&str]] = match ty.as_str() {
        "string" => &[STRING],
        "integer" | "number" => &[NUMERIC],
        "array" => &[ARRAY],
        "object" => &[OBJECT],
        "boolean" => &[],
        _ => return,
    };
    for keywords in [NUMERIC, STRING, ARRAY, OBJECT] {
        if !applies.contains(&keywords) {
            for keyword in keywords {
                map.remove(*keyword);
            }
        }
    }
    if ty == "integer" {
        round_bound(map, "minimum", f64::ceil);
        round_bound(map, "maximum", f64::floor);
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        if let Some(message) = convert_enum(&ty, values) {
            if values.is_empty() {
                map.remove("enum");
            }
            warnings.push(
                Diagnostic::at(file, format!("{at}/enum"), message)
                    .help(format!(
                        "write the enum's values as the schema's type (`{ty}`), or change the type"
                    ))
                    .warning(),
            );
        }
    }
}

/// An enum's values are a set: a value written twice (`[preview, development, preview]`)
/// allows nothing more, and would be two variants of one wire value. Later copies go,
/// silently, since the meaning is the same.
fn unique_enum_values(map: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = map.get_mut("enum") else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    values.retain(|value| seen.insert(value.to_string()));
}

/// `allOf` beside other keywords (`{type: object, allOf: [A], properties: {b: ..}}`, `{allOf:
/// [N], maxLength: 5}`): JSON Schema applies them all, but the typed model reads such a node
/// by one of its parts only (the object, dropping `allOf`, or none, an untyped value). The
/// keywords that shape the value move into one more `allOf` member, so the node is an `allOf`
/// and lowering merges or refines it; annotations (a description, `nullable`, a
/// discriminator...) stay on the node, which they describe. The meaning is the same, so this
/// is silent.
fn all_of_siblings(map: &mut Map<String, Value>) {
    /// Keywords about the node as a whole, and the alternatives, which stay where they are.
    const STAY: &[&str] = &[
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "description",
        "title",
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "externalDocs",
        "example",
        "examples",
        "default",
        "discriminator",
        "xml",
        "$ref",
    ];
    if !matches!(map.get("allOf"), Some(Value::Array(members)) if !members.is_empty()) {
        return;
    }
    let moving: Vec<String> = map
        .keys()
        .filter(|k| !STAY.contains(&k.as_str()) && !k.starts_with("x-"))
        .cloned()
        .collect();
    if moving.is_empty() {
        return;
    }
    let member: Map<String, Value> = moving
        .iter()
        .filter_map(|k| map.shift_remove(k).map(|v| (k.clone(), v)))
        .collect();
    if let Some(Value::Array(members)) = map.get_mut("allOf") {
        members.push(Value::Object(member));
    }
}

/// An integer bound written as a fraction (`minimum: 1.5`) is the nearest whole number inside
/// it; a bound beyond what 64 bits hold constrains nothing a 64-bit integer can be.
fn round_bound(map: &mut Map<String, Value>, key: &str, round: fn(f64) -> f64) {
    let Some(Value::Number(n)) = map.get(key) else {
        return;
    };
    if n.is_i64() {
        return;
    }
    let rounded = n.as_f64().map(round);
    match rounded {
        Some(v) if v >= i64::MIN as f64 && v <= i64::MAX as f64 => {
            map.insert(key.to_owned(), Value::from(v as i64));
        }
        _ => {
            map.remove(key);
        }
    }
}

/// Makes an enum's values the schema's type where that loses nothing (`1` for a string is
/// `"1"`, `"2"` for an integer is `2`), dropping the others. Returns what was done, if
/// anything.
fn convert_enum(ty: &str, values: &mut Vec<Value>) -> Option<String> {
    let fits = |v: &Value| match (ty, v) {
        (_, Value::Null) => true,
        ("string", Value::String(_)) => true,
        // The model's integers are 64-bit and signed.
        ("integer", Value::Number(n)) => n.is_i64(),
        ("number", Value::Number(_)) => true,
        ("boolean", Value::Bool(_)) => true,
        ("array", Value::Array(_)) | ("object", Value::Object(_)) => true,
        _ => false,
    };
    if values.iter().all(fits) {
        return None;
    }
    let before = values.len();
    let converted: Vec<Value> = values
        .iter()
        .filter_map(|v| {
            if fits(v) {
                return Some(v.clone());
            }
            match (ty, v) {
                ("string", Value::Number(_) | Value::Bool(_)) => Some(Value::String(v.to_string())),
                ("integer", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
                ("number", Value::String(s)) => s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
                ("boolean", Value::String(s)) => s.parse::<bool>().ok().map(Value::Bool),
                _ => None,
            }
        })
        .collect();
    let kept = converted.len();
    *values = converted;
    Some(if kept == before {
        format!("the enum's values are not all of the schema's type `{ty}`; they are read as `{ty}` values")
    } else {
        format!(
            "the enum's values are not all of the schema's type `{ty}`; {} of {before} cannot be read as `{ty}` and are left out{}",
            before - kept,
            if kept == 0 { " (so is the enum)" } else { "" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalized(mut value: Value) -> (Value, Vec<String>) {
        let warnings = normalize_schemas("a.json", &mut value);
        (value, warnings.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn enum_values_written_twice_are_one() {
        let (value, warnings) = normalized(json!({"components": {"schemas": {
            "T": {"type": "string", "enum": ["production", "preview", "development", "preview"]},
            "U": {"enum": [1, 2, 1]},
        }}}));
        let s = &value["components"]["schemas"];
        assert_eq!(
            s["T"]["enum"],
            json!(["production", "preview", "development"])
        );
        assert_eq!(s["U"]["enum"], json!([1, 2]));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn all_of_siblings_that_shape_the_value_become_a_member() {
        let (value, warnings) = normalized(json!({"components": {"schemas": {
            "B": {"type": "object", "description": "d", "x-a": 1,
                  "allOf": [{"$ref": "#/components/schemas/A"}],
                  "properties": {"b": {"type": "integer"}}, "required": ["b"]},
            "N": {"allOf": [{"$ref": "#/components/schemas/S"}], "maxLength": 5, "nullable": true},
            "P": {"allOf": [{"$ref": "#/components/schemas/S"}], "description": "only annotations"},
        }}}));
        let s = &value["components"]["schemas"];
        assert_eq!(
            s["B"],
            json!({"description": "d", "x-a": 1, "allOf": [
                {"$ref": "#/components/schemas/A"},
                {"type": "object", "properties": {"b": {"type": "integer"}}, "required": ["b"]},
            ]})
        );
        assert_eq!(
            s["N"],
            json!({"allOf": [{"$ref": "#/components/schemas/S"}, {"maxLength": 5}], "nullable": true})
        );
        assert_eq!(
            s["P"],
            json!({"allOf": [{"$ref": "#/components/schemas/S"}], "description": "only annotations"})
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn keywords_of_other_types_are_removed_silently() {
        let (value, warnings) = normalized(json!({"components": {"schemas": {
            "A": {"type": "string", "minimum": 1, "items": {"type": "string"}, "maxLength": 3},
            "B": {"type": "boolean", "uniqueItems": true, "format": "boolean"},
            "C": {"type": "integer", "minLength": 0, "minimum": 0.5, "maximum": 1e300},
        }}}));
        let schemas = &value["components"]["schemas"];
        assert_eq!(schemas["A"], json!({"type": "string", "maxLength": 3}));
        assert_eq!(
            schemas["B"],
            json!({"type": "boolean", "format": "boolean"})
        );
        assert_eq!(schemas["C"], json!({"type": "integer", "minimum": 1}));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn enum_values_of_another_type_are_converted_or_dropped_with_a_warning() {
        let (value, warnings) = normalized(json!({"components": {"schemas": {
            "S": {"type": "string", "enum": [1, 2, "3"]},
            "I": {"type": "integer", "enum": ["BASIC", "FULL"]},
        }}}));
        let schemas = &value["components"]["schemas"];
        assert_eq!(schemas["S"]["enum"], json!(["1", "2", "3"]));
        assert_eq!(schemas["I"], json!({"type": "integer"}));
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("a.json:#/components/schemas/I/enum: warning: the enum's values are not all of the schema's type `integer`; 2 of 2"), "{warnings:?}");
        assert!(
            warnings[1].contains("schemas/S/enum: warning:"),
            "{warnings:?}"
        );
    }

    #[test]
    fn keyword_values_of_the_wrong_type_are_ignored_with_a_warning() {
        let (value, warnings) = normalized(json!({"components": {"schemas": {
            "T": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "pattern": 0, "maxLength": "9"}}},
        }}}));
        assert_eq!(
            value["components"]["schemas"]["T"]["properties"]["a"],
            json!({"type": "string"})
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].contains(
                "properties/a/maxLength: warning: `maxLength: \"9\"` is not a valid value"
            ),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("properties/a/pattern: warning: `pattern: 0`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn operation_callbacks_are_removed() {
        let (value, _) = normalized(
            json!({"paths": {"/a": {"get": {"callbacks": {"x": {"$ref": "#/components/callbacks/y"}}, "responses": {}}}}}),
        );
        assert_eq!(value["paths"]["/a"]["get"], json!({"responses": {}}));
    }

    #[test]
    fn data_and_names_are_left_alone() {
        let input = json!({"components": {"schemas": {"P": {
            "type": "object",
            "example": {"type": "string", "minimum": 1},
            "default": {"type": "string", "items": 1},
            "x-extra": {"type": "string", "minimum": 1},
            "properties": {
                "minimum": {"type": "integer"},
                "example": {"type": "string", "minimum": 2},
            },
        }}}});
        let (value, _) = normalized(input.clone());
        let p = &value["components"]["schemas"]["P"];
        assert_eq!(p["example"], input["components"]["schemas"]["P"]["example"]);
        assert_eq!(p["default"], input["components"]["schemas"]["P"]["default"]);
        assert_eq!(p["x-extra"], input["components"]["schemas"]["P"]["x-extra"]);
        assert_eq!(p["properties"]["minimum"], json!({"type": "integer"}));
        // A property named `example` is a schema, and normalized as one.
        assert_eq!(p["properties"]["example"], json!({"type": "string"}));
    }
}
