//! Checks a JSON value against an OpenAPI 3.0 schema object, as written in the document
//! (references resolved inside the bundled document). Used to check a spec's examples.

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Deeper than any sensible schema; guards against reference cycles.
const MAX_DEPTH: usize = 64;

pub struct Validator<'d> {
    document: &'d Value,
    patterns: HashMap<String, Option<Regex>>,
}

impl<'d> Validator<'d> {
    pub fn new(document: &'d Value) -> Self {
        Validator {
            document,
            patterns: HashMap::new(),
        }
    }

    /// The ways `value` breaks `schema`, each as `at <instance pointer>: <what>`.
    pub fn check(&mut self, schema: &'d Value, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.validate(schema, value, "", 0, &mut problems);
        problems
    }

    fn resolve(&self, schema: &'d Value) -> Result<&'d Value, String> {
        let mut current = schema;
        for _ in 0..MAX_DEPTH {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let pointer = reference
                        .strip_prefix('#')
                        .ok_or_else(|| format!("external reference `{reference}`"))?;
                    current = self
                        .document
                        .pointer(pointer)
                        .ok_or_else(|| format!("unresolved reference `{reference}`"))?;
                }
                None => return Ok(current),
            }
        }
        Err("reference chain too long".to_owned())
    }

    fn validate(
        &mut self,
        schema: &'d Value,
        value: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if depth > MAX_DEPTH {
            out.push(format!(
                "at {}: the schema nests too deeply to check",
                show(at)
            ));
            return;
        }
        let schema = match self.resolve(schema) {
            Ok(schema) => schema,
            Err(problem) => {
                out.push(format!("at {}: {problem}", show(at)));
                return;
            }
        };
        let Some(keywords) = schema.as_object() else {
            return;
        };
        if value.is_null() && keywords.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if let Some(Value::Array(allowed)) = keywords.get("enum") {
            let insensitive = keywords
                .get("x-clientgen-case-insensitive")
                .and_then(Value::as_bool)
                == Some(true);
            let found = allowed.iter().any(|candidate| match (candidate, value) {
                (Value::String(a), Value::String(b)) if insensitive => a.eq_ignore_ascii_case(b),
                (a, b) => a == b,
            });
            if !found {
                out.push(format!(
                    "at {}: {} is not one of {}",
                    show(at),
                    value,
                    Value::Array(allowed.clone())
                ));
            }
        }
        if let Some(kind) = keywords.get("type").and_then(Value::as_str) {
            if !has_type(value, kind) {
                out.push(format!(
                    "at {}: expected {kind}, found {}",
                    show(at),
                    describe(value)
                ));
                return;
            }
        }
        match value {
            Value::String(text) => self.string(keywords, text, at, out),
            Value::Number(_) => number(keywords, value, at, out),
            Value::Array(items) => self.array(keywords, items, at, depth, out),
            Value::Object(members) => self.object(keywords, members, at, depth, out),
            _ => {}
        }
        self.combinators(keywords, value, at, depth, out);
    }

    fn string(
        &mut self,
        keywords: &Map<String, Value>,
        text: &str,
        at: &str,
        out: &mut Vec<String>,
    ) {
        let length = text.chars().count() as u64;
        if let Some(min) = keywords.get("minLength").and_then(Value::as_u64) {
            if length < min {
                out.push(format!("at {}: shorter than {min} characters", show(at)));
            }
        }
        if let Some(max) = keywords.get("maxLength").and_then(Value::as_u64) {
            if length > max {
                out.push(format!("at {}: longer than {max} characters", show(at)));
            }
        }
        if let Some(pattern) = keywords.get("pattern").and_then(Value::as_str) {
            let compiled = self
                .patterns
                .entry(pattern.to_owned())
                .or_insert_with(|| Regex::new(pattern).ok());
            match compiled {
                Some(regex) if !regex.is_match(text) => out.push(format!(
                    "at {}: {text:?} does not match the pattern `{pattern}`",
                    show(at)
                )),
                Some(_) => {}
                None => out.push(format!(
                    "at {}: the pattern `{pattern}` is not a regular expression this tool reads",
                    show(at)
                )),
            }
        }
    }

    fn array(
        &mut self,
        keywords: &'d Map<String, Value>,
        items: &[Value],
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let count = items.len() as u64;
        if keywords
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|min| count < min)
        {
            out.push(format!("at {}: fewer items than minItems", show(at)));
        }
        if keywords
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|max| count > max)
        {
            out.push(format!("at {}: more items than maxItems", show(at)));
        }
        if keywords.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].contains(item) {
                    out.push(format!(
                        "at {}/{i}: a duplicate item where items must be unique",
                        show(at)
                    ));
                }
            }
        }
        if let Some(schema) = keywords.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.validate(schema, item, &format!("{at}/{i}"), depth + 1, out);
            }
        }
    }

    fn object(
        &mut self,
        keywords: &'d Map<String, Value>,
        members: &Map<String, Value>,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if let Some(Value::Array(required)) = keywords.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !members.contains_key(name) {
                    out.push(format!(
                        "at {}: the required member `{name}` is missing",
                        show(at)
                    ));
                }
            }
        }
        let properties = keywords.get("properties").and_then(Value::as_object);
        for (name, member) in members {
            let here = format!("{at}/{}", crate::diagnostics::pointer_token(name));
            match properties.and_then(|p| p.get(name)) {
                Some(schema) => self.validate(schema, member, &here, depth + 1, out),
                None => match keywords.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(format!(
                        "at {}: the member `{name}` is not allowed",
                        show(at)
                    )),
                    Some(schema @ Value::Object(_)) => {
                        self.validate(schema, member, &here, depth + 1, out)
                    }
                    _ => {}
                },
            }
        }
    }

    fn combinators(
        &mut self,
        keywords: &'d Map<String, Value>,
        value: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if let Some(Value::Array(all)) = keywords.get("allOf") {
            for schema in all {
                self.validate(schema, value, at, depth + 1, out);
            }
        }
        let matching = |this: &mut Self, schemas: &'d [Value]| {
            schemas
                .iter()
                .filter(|schema| {
                    let mut problems = Vec::new();
                    this.validate(schema, value, at, depth + 1, &mut problems);
                    problems.is_empty()
                })
                .count()
        };
        if let Some(Value::Array(any)) = keywords.get("anyOf") {
            if matching(self, any) == 0 {
                out.push(format!(
                    "at {}: matches none of the `anyOf` schemas",
                    show(at)
                ));
            }
        }
        if let Some(Value::Array(one)) = keywords.get("oneOf") {
            match matching(self, one) {
                1 => {}
                0 => out.push(format!(
                    "at {}: matches none of the `oneOf` schemas",
                    show(at)
                )),
                n => out.push(format!(
                    "at {}: matches {n} of the `oneOf` schemas, where exactly one must match",
                    show(at)
                )),
            }
        }
        if let Some(not) = keywords.get("not") {
            let mut problems = Vec::new();
            self.validate(not, value, at, depth + 1, &mut problems);
            if problems.is_empty() {
                out.push(format!("at {}: matches the `not` schema", show(at)));
            }
        }
    }
}

fn number(keywords: &Map<String, Value>, value: &Value, at: &str, out: &mut Vec<String>) {
    let Some(n) = value.as_f64() else { return };
    let bound = |key: &str| keywords.get(key).and_then(Value::as_f64);
    let flag = |key: &str| keywords.get(key).and_then(Value::as_bool) == Some(true);
    if let Some(min) = bound("minimum") {
        if n < min || (flag("exclusiveMinimum") && n == min) {
            out.push(format!(
                "at {}: {value} is below the minimum {min}",
                show(at)
            ));
        }
    }
    if let Some(max) = bound("maximum") {
        if n > max || (flag("exclusiveMaximum") && n == max) {
            out.push(format!(
                "at {}: {value} is above the maximum {max}",
                show(at)
            ));
        }
    }
    if let Some(step) = bound("multipleOf") {
        if step > 0.0 && (n / step).fract().abs() > 1e-9 {
            out.push(format!(
                "at {}: {value} is not a multiple of {step}",
                show(at)
            ));
        }
    }
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn show(at: &str) -> &str {
    if at.is_empty() {
        "the top"
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(document: Value, schema: Value, value: Value) -> Vec<String> {
        let leaked: &'static Value = Box::leak(Box::new(document));
        let schema: &'static Value = Box::leak(Box::new(schema));
        Validator::new(leaked).check(schema, &value)
    }

    #[test]
    fn checks_types_bounds_and_members() {
        let schema = json!({"type": "object", "required": ["id"], "additionalProperties": false,
            "properties": {"id": {"type": "string", "minLength": 1}, "n": {"type": "integer", "maximum": 3}}});
        assert!(problems(json!({}), schema.clone(), json!({"id": "a", "n": 3})).is_empty());
        let found = problems(json!({}), schema, json!({"n": 4, "x": 1}));
        assert_eq!(
            found,
            [
                "at the top: the required member `id` is missing",
                "at /n: 4 is above the maximum 3",
                "at the top: the member `x` is not allowed"
            ]
        );
    }

    #[test]
    fn follows_references_and_combinators() {
        let document = json!({"components": {"schemas": {"P": {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+%$"}]}}}});
        let schema = json!({"$ref": "#/components/schemas/P"});
        assert!(problems(document.clone(), schema.clone(), json!("30%")).is_empty());
        assert!(problems(document.clone(), schema.clone(), json!(30)).is_empty());
        assert_eq!(
            problems(document, schema, json!("x")),
            ["at the top: matches none of the `oneOf` schemas"]
        );
    }

    #[test]
    fn honours_nullable_and_case_insensitive_enums() {
        let schema = json!({"type": "string", "enum": ["FINISH"], "nullable": true, "x-clientgen-case-insensitive": true});
        assert!(problems(json!({}), schema.clone(), json!("finish")).is_empty());
        assert!(problems(json!({}), schema.clone(), Value::Null).is_empty());
        assert_eq!(problems(json!({}), schema, json!("done")).len(), 1);
    }
}
