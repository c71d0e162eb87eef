//! Checks a JSON value against an OpenAPI 3.0 schema object, as written in the document
//! (references resolved inside the bundled document). Used to check a spec's examples.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// Deeper than any sensible schema; guards against reference cycles.
const MAX_DEPTH: usize = 64;

/// The longest `pattern` read, in characters; a longer one is reported and not checked.
/// `regress` (ECMAScript's regular expressions, which JSON Schema's `pattern` is) sets no
/// bound of its own on what a pattern compiles to, as the `regex` crate's size limit did.
const MAX_PATTERN_CHARS: usize = 1_000;

/// How long one text may take to match. ECMAScript's regular expressions backtrack, and
/// `regress` with them: a short pattern such as `(a+)+$` takes time exponential in the
/// text's length (seconds for twenty `a`s and a `!`), where the `regex` crate took linear time. Nothing can
/// stop a match under way, so it runs on a thread of its own, abandoned when it overruns: it
/// spins until the process ends. After the first overrun no more patterns are matched, so
/// a spec costs at most one such thread.
const MATCH_TIME: Duration = Duration::from_secs(1);

pub struct Validator<'d> {
    document: &'d Value,
    patterns: HashMap<String, Pattern>,
    /// [`MATCH_TIME`], but for tests.
    match_time: Duration,
    /// A pattern overran [`MATCH_TIME`]: patterns are no longer matched.
    overran: bool,
}

/// A `pattern` keyword, read once per spec.
enum Pattern {
    Read(Arc<regress::Regex>),
    Unreadable,
    TooLong,
}

impl Pattern {
    /// With ECMAScript's `u` flag, as JSON Schema's validators read patterns (`\p{..}`
    /// classes, whole code points); a pattern that only the flagless syntax accepts (an
    /// escaped `\_`, say) is read without it.
    fn read(pattern: &str) -> Pattern {
        if pattern.chars().count() > MAX_PATTERN_CHARS {
            return Pattern::TooLong;
        }
        match regress::Regex::with_flags(pattern, "u").or_else(|_| regress::Regex::new(pattern)) {
            Ok(regex) => Pattern::Read(Arc::new(regex)),
            Err(_) => Pattern::Unreadable,
        }
    }
}

impl<'d> Validator<'d> {
    pub fn new(document: &'d Value) -> Self {
        Validator {
            document,
            patterns: HashMap::new(),
            match_time: MATCH_TIME,
            overran: false,
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
                .or_insert_with(|| Pattern::read(pattern));
            match compiled {
                Pattern::Read(_) if self.overran => {}
                Pattern::Read(regex) => match matches_within(regex, text, self.match_time) {
                    Some(true) => {}
                    Some(false) => out.push(format!(
                        "at {}: {text:?} does not match the pattern `{pattern}`",
                        show(at)
                    )),
                    None => {
                        self.overran = true;
                        out.push(format!(
                            "at {}: the pattern `{pattern}` took more than {:?} on {text:?}; no more patterns are checked",
                            show(at),
                            self.match_time
                        ));
                    }
                },
                Pattern::Unreadable => out.push(format!(
                    "at {}: the pattern `{pattern}` is not a regular expression this tool reads",
                    show(at)
                )),
                Pattern::TooLong => out.push(format!(
                    "at {}: the pattern is longer than the {MAX_PATTERN_CHARS} characters this tool reads",
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

/// Whether `regex` matches anywhere in `text` (unanchored, as JSON Schema says), or `None`
/// when the match takes longer than `limit` (see [`MATCH_TIME`]).
fn matches_within(regex: &Arc<regress::Regex>, text: &str, limit: Duration) -> Option<bool> {
    let (sender, receiver) = mpsc::channel();
    let (regex, text) = (Arc::clone(regex), text.to_owned());
    std::thread::spawn(move || {
        let _ = sender.send(regex.find(&text).is_some());
    });
    receiver.recv_timeout(limit).ok()
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

    /// ECMAScript's semantics, where they differ from the `regex` crate's: `\d` is ASCII
    /// digits only, and lookaheads and backreferences are read.
    #[test]
    fn patterns_are_ecmascript_regular_expressions() {
        let check = |pattern: &str, text: &str| {
            problems(
                json!({}),
                json!({"type": "string", "pattern": pattern}),
                json!(text),
            )
        };
        assert!(check(r"^\d+$", "123").is_empty());
        assert_eq!(
            check(r"^\d+$", "\u{661}\u{662}\u{663}"),
            ["at the top: \"\u{661}\u{662}\u{663}\" does not match the pattern `^\\d+$`"]
        );
        assert!(check(r"^(?=.*[A-Z]).{8,}$", "passWord").is_empty());
        assert_eq!(check(r"^(?=.*[A-Z]).{8,}$", "password").len(), 1);
        assert!(check(r"^(a|b)\1$", "bb").is_empty());
        assert_eq!(check(r"^(a|b)\1$", "ab").len(), 1);
        assert!(check(r"^\p{Lu}\p{Ll}+$", "\u{c9}t\u{e9}").is_empty());
        assert!(check(r"^[\w\_]+$", "a_b").is_empty());
        assert!(check("b", "abc").is_empty());
        assert_eq!(
            check("(", "x"),
            ["at the top: the pattern `(` is not a regular expression this tool reads"]
        );
    }

    #[test]
    fn long_patterns_are_not_read() {
        let check = |pattern: &str| {
            problems(
                json!({}),
                json!({"type": "string", "pattern": pattern}),
                json!("b"),
            )
        };
        assert_eq!(check(&"a".repeat(MAX_PATTERN_CHARS)).len(), 1);
        assert_eq!(
            check(&"a".repeat(MAX_PATTERN_CHARS + 1)),
            ["at the top: the pattern is longer than the 1000 characters this tool reads"]
        );
    }

    /// A match that overruns its time is abandoned, reported once, and no pattern is matched
    /// after it.
    #[test]
    fn a_runaway_match_stops_the_pattern_checks() {
        let document: &'static Value = Box::leak(Box::new(json!({})));
        let schema: &'static Value = Box::leak(Box::new(
            json!({"type": "array", "items": {"type": "string", "pattern": "(a+)+$"}}),
        ));
        let mut validator = Validator::new(document);
        validator.match_time = Duration::from_millis(100);
        // Seconds of backtracking (a debug build), then the abandoned thread ends.
        let hostile = format!("{}!", "a".repeat(20));
        let found = validator.check(schema, &json!(["aa", hostile, "!", hostile]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("at /1: the pattern `(a+)+$` took more than 100ms on"),
            "{found:?}"
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
