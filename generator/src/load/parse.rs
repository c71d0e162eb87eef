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
                    column: char_column(text, e.line(), e.column()),
                };
                Diagnostic::new(
                    file,
                    location,
                    format!("invalid JSON: {}", strip_position(&e.to_string())),
                )
                .help("fix the JSON at that position")
            });
    }
    super::yaml::to_value(text).map_err(|e| {
        let help = if e.message.starts_with("recursion limit") {
            "no OpenAPI document nests this deep; check for unbalanced `[` or `{`"
        } else if e.message.starts_with("repetition limit") {
            "aliases (`*name`) copy their anchor's node each time; refer to a component with `$ref` instead"
        } else {
            "fix the YAML at that position (indentation, quoting of `:`, `{` or `%`, repeated keys)"
        };
        let location = Location::LineColumn {
            line: e.line,
            column: e.column,
        };
        Diagnostic::new(file, location, format!("invalid YAML: {}", e.message)).help(help)
    })
}

/// A JSON value read without losing anything silently: `serde_json` would keep the last of
/// two equal keys, which hides a mistake, so a duplicate key is an error here (as in YAML).
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

    /// Integers beyond 64 bits (JSON Schema allows any number) are kept as the nearest `f64`,
    /// as JSON parsers do.
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

/// `serde_json`'s column counts bytes; YAML's, editors' and the caret under a shown line count
/// characters, so a line with `é` before the error is not misplaced.
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(written) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let mut end = byte_column.saturating_sub(1).min(written.len());
    while !written.is_char_boundary(end) {
        end -= 1;
    }
    if byte_column == 0 {
        0
    } else {
        written[..end].chars().count() + 1
    }
}

/// `serde_json` appends " at line L column C" to its messages; the location is shown apart.
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
    fn json_columns_count_characters() {
        let err = parse_document("a.json", "{\n  \"é日\": 3,,\n}").unwrap_err();
        assert_eq!(
            err.location,
            Location::LineColumn {
                line: 2,
                column: 11
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
    fn pathological_nesting_is_refused_where_it_passes_the_limit() {
        let at = |text: &str| {
            let err = parse_document("a.yaml", text).unwrap_err();
            assert!(err.message.contains("recursion limit exceeded"), "{err}");
            match err.location {
                Location::LineColumn { line, column } => (line, column),
                other => panic!("{other:?}"),
            }
        };
        // The parser stops flow nesting at its 256th level, before reading further, so the
        // rest of a huge input costs nothing.
        assert_eq!(at(&format!("a: {}", "[".repeat(100_000))), (1, 259));
        // The reader stops any nesting at its 129th level, as `serde_yaml` did (the mapping
        // holding `a` is the first).
        assert_eq!(at(&format!("a: {}", "[".repeat(200))), (1, 131));
        assert_eq!(at(&"- ".repeat(200)), (1, 257));
        let mut block = String::new();
        for level in 0..200 {
            block.push_str(&format!("{}k:\n", " ".repeat(level)));
        }
        assert_eq!(at(&block), (129, 129));
        // 128 levels are read.
        let text = format!("a: {}{}", "[".repeat(127), "]".repeat(127));
        assert!(parse_document("a.yaml", &text).is_ok());
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
