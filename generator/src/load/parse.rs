//! Text to a JSON value, with line and column on syntax errors.

use crate::diagnostics::{Diagnostic, Location};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Parses a YAML or JSON document. JSON is chosen by the `.json` extension (its errors then
/// speak JSON); everything else is read as YAML, which also accepts JSON.
pub fn parse_document(file: &str, text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::new(file, Location::File, "the file is empty")
            .help("a spec must be an OpenAPI 3.0 document in YAML or JSON"));
    }
    if file.to_ascii_lowercase().ends_with(".json") {
        return serde_json::from_str::<Strict>(text)
            .map(|s| s.0)
            .map_err(|e| {
                let location = Location::LineColumn {
                    line: e.line(),
                    column: e.column(),
                };
                Diagnostic::new(
                    file,
                    location,
                    format!("invalid JSON: {}", strip_position(&e.to_string())),
                )
                .help("fix the JSON at that position")
            });
    }
    if let Some((line, column)) = too_deep(text) {
        return Err(Diagnostic::new(
            file,
            Location::LineColumn { line, column },
            format!("invalid YAML: nesting deeper than {MAX_FLOW_DEPTH} levels"),
        )
        .help("no OpenAPI document nests this deep; check for unbalanced `[` or `{`"));
    }
    serde_yaml::from_str::<Strict>(text).map(|s| s.0).map_err(|e| {
        let message = strip_position(&e.to_string());
        let mut location = match e.location() {
            Some(l) => Location::LineColumn { line: l.line(), column: l.column() },
            None => Location::File,
        };
        // serde_yaml places errors raised while building a value at the mapping's start; the
        // event index knows where the repeated key is.
        if message.contains("duplicate key") {
            let index = super::Positions::index(text);
            if let Some((_, (line, column))) = index.as_ref().and_then(|p| p.duplicate_key()) {
                location = Location::LineColumn { line, column };
            }
        }
        Diagnostic::new(file, location, format!("invalid YAML: {message}"))
            .help("fix the YAML at that position (indentation, quoting of `:`, `{` or `%`, repeated keys)")
    })
}

/// Far beyond any real document (the parser's own limit is 128), low enough that the YAML
/// parser, whose time grows with the square of flow nesting, never sees a pathological input.
const MAX_FLOW_DEPTH: usize = 1000;

/// Where flow collections (`[`, `{`) first nest deeper than [`MAX_FLOW_DEPTH`], found in one
/// linear pass that skips quoted text and comments.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let (mut single, mut double, mut comment, mut escaped) = (false, false, false, false);
    let mut previous = '\n';
    for c in text.chars() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
                comment = false;
            }
            _ if comment => {}
            _ if escaped => escaped = false,
            '\\' if double => escaped = true,
            '"' if !single => double = !double,
            '\'' if !double => single = !single,
            '#' if !single && !double && previous.is_whitespace() => comment = true,
            '[' | '{' if !single && !double => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            ']' | '}' if !single && !double => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

/// A JSON value read without losing anything silently: both parsers would keep the last of
/// two equal keys, which hides a mistake, so a duplicate key is an error here.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-compatible value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    /// Integers beyond 64 bits (YAML reads them; JSON Schema allows any number) are kept as
    /// the nearest `f64`, as JSON parsers do.
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("{v} is not a number JSON can hold")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = access.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if members.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let Strict(value) = access.next_value()?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// Both parsers append " at line L column C" to their messages; the location is shown apart.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_error_has_line_and_column() {
        let err =
            parse_document("a.yaml", "openapi: 3.0.3\ninfo:\n  title: [unclosed\n").unwrap_err();
        assert!(
            matches!(err.location, Location::LineColumn { line: 4, .. }),
            "{err}"
        );
        assert!(err.message.starts_with("invalid YAML"), "{err}");
    }

    #[test]
    fn json_error_has_line_and_column() {
        let err = parse_document("a.json", "{\n  \"openapi\": 3,,\n}").unwrap_err();
        assert_eq!(
            err.location,
            Location::LineColumn {
                line: 2,
                column: 16
            }
        );
    }

    #[test]
    fn yaml_integer_keys_become_strings() {
        let value = parse_document("a.yaml", "responses:\n  200:\n    description: ok\n").unwrap();
        assert!(value["responses"]["200"].is_object());
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_position() {
        let err = parse_document("a.yaml", "openapi: 3.0.3\ninfo: {}\ninfo: {}\n").unwrap_err();
        assert!(err.message.contains("duplicate key `info`"), "{err}");
        assert!(
            matches!(err.location, Location::LineColumn { line: 3, .. }),
            "{err}"
        );
        let err = parse_document("a.json", "{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert!(err.message.contains("duplicate key `a`"), "{err}");
        assert!(
            matches!(err.location, Location::LineColumn { line: 2, .. }),
            "{err}"
        );
    }

    #[test]
    fn pathological_nesting_is_refused_before_parsing() {
        let text = format!("a: {}", "[".repeat(5000));
        let err = parse_document("a.yaml", &text).unwrap_err();
        assert_eq!(
            err.location,
            Location::LineColumn {
                line: 1,
                column: 1004
            }
        );
        // Brackets in quotes and comments do not count.
        let text = format!("a: '{}' # {}\n", "[".repeat(2000), "{".repeat(2000));
        assert!(parse_document("a.yaml", &text).is_ok());
    }

    #[test]
    fn empty_file_is_reported() {
        let err = parse_document("a.yaml", "  \n").unwrap_err();
        assert_eq!(err.location, Location::File);
    }
}
