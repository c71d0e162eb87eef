//! Text to a JSON value, with line and column on syntax errors.

use crate::diagnostics::{Diagnostic, Location};
use serde_json::Value;

/// Parses a YAML or JSON document. JSON is chosen by the `.json` extension (its errors then
/// speak JSON); everything else is read as YAML, which also accepts JSON.
pub fn parse_document(file: &str, text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::new(file, Location::File, "the file is empty")
            .help("a spec must be an OpenAPI 3.0 document in YAML or JSON"));
    }
    if file.to_ascii_lowercase().ends_with(".json") {
        serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(
                file,
                Location::LineColumn {
                    line: e.line(),
                    column: e.column(),
                },
                format!("invalid JSON: {}", strip_position(&e.to_string())),
            )
            .help("fix the JSON syntax at that position")
        })
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let location = match e.location() {
                Some(l) => Location::LineColumn {
                    line: l.line(),
                    column: l.column(),
                },
                None => Location::File,
            };
            Diagnostic::new(
                file,
                location,
                format!("invalid YAML: {}", strip_position(&e.to_string())),
            )
            .help("fix the YAML syntax at that position (indentation, quoting of `:`, `{` or `%`)")
        })
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
    fn empty_file_is_reported() {
        let err = parse_document("a.yaml", "  \n").unwrap_err();
        assert_eq!(err.location, Location::File);
    }
}
