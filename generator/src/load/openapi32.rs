//! OpenAPI 3.2 documents: what 3.2 adds over 3.1, read into the 3.0 shape before the 3.1
//! rewrite (which 3.2's schemas, JSON Schema 2020-12 too, go through unchanged).
//!
//! - The `QUERY` method and `additionalOperations` (methods outside the fixed list) have no
//!   call in the client yet: they are left out, with a warning each.
//! - A `querystring` parameter (the whole query string as one serialized value) is left out,
//!   with a warning; an operation that requires one cannot be called correctly without it,
//!   so its warning says so.
//! - `style: cookie` is the `form` style the client already writes for cookies.
//! - Everything else 3.2 adds is either annotation the client has no use for (`$self`, tag
//!   `parent`/`kind`, response `summary`, server `name`, an example's `dataValue` and
//!   `serializedValue`, `oauth2MetadataUrl`, the device authorization flow) and is ignored, or
//!   handled elsewhere: `itemSchema` (streams) by `streams`, `components.mediaTypes` by the
//!   bundler, which inlines every `$ref` to them.

use crate::diagnostics::{pointer_token, Diagnostic};
use serde_json::{Map, Value};

/// The methods a path item holds operations under (3.2 keeps 3.0's, `query` aside).
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether `document` is OpenAPI 3.2.
pub fn is_32(document: &Value) -> bool {
    matches!(document.get("openapi"), Some(Value::String(v)) if v.starts_with("3.2"))
}

/// Rewrites what is new in 3.2 in place; returns the warnings, located in `file`.
pub fn to_31(file: &str, document: &mut Value) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return warnings;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let at = format!("/paths/{}", pointer_token(path));
        left_out_methods(file, &at, item, &mut warnings);
        parameters(file, &format!("{at}/parameters"), item, &mut warnings);
        for (method, operation) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Value::Object(operation) = operation {
                let at = format!("{at}/{}", pointer_token(method));
                parameters(file, &format!("{at}/parameters"), operation, &mut warnings);
            }
        }
    }
    warnings
}

/// `query` and `additionalOperations`: no client call yet.
fn left_out_methods(
    file: &str,
    at: &str,
    item: &mut Map<String, Value>,
    warnings: &mut Vec<Diagnostic>,
) {
    if item.shift_remove("query").is_some() {
        warnings.push(
            Diagnostic::at(
                file,
                format!("{at}/query"),
                "the QUERY method has no call in the client yet; the operation is left out",
            )
            .help("call it with your own HTTP client, or describe it as a POST if the server accepts one")
            .warning(),
        );
    }
    if let Some(Value::Object(others)) = item.shift_remove("additionalOperations") {
        for method in others.keys() {
            warnings.push(
                Diagnostic::at(
                    file,
                    format!("{at}/additionalOperations/{}", pointer_token(method)),
                    format!("the {method} method has no call in the client yet; the operation is left out"),
                )
                .help("call it with your own HTTP client")
                .warning(),
            );
        }
    }
}

/// `in: querystring` left out; `style: cookie` read as `form`.
fn parameters(
    file: &str,
    at: &str,
    holder: &mut Map<String, Value>,
    warnings: &mut Vec<Diagnostic>,
) {
    let Some(Value::Array(parameters)) = holder.get_mut("parameters") else {
        return;
    };
    let mut index = 0;
    parameters.retain_mut(|parameter| {
        let here = format!("{at}/{index}");
        index += 1;
        let Value::Object(parameter) = parameter else {
            return true;
        };
        if parameter.get("style").is_some_and(|s| s == "cookie") {
            parameter.insert("style".into(), "form".into());
        }
        if parameter.get("in").is_some_and(|s| s == "querystring") {
            let required = parameter.get("required").is_some_and(|r| r == true);
            let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
            let consequence = if required {
                "; the operation requires it, so its calls will be refused by a strict server"
            } else {
                ""
            };
            warnings.push(
                Diagnostic::at(
                    file,
                    format!("{here}/in"),
                    format!("the query-string parameter `{name}` is left out: the client cannot write a whole query string from one value yet{consequence}"),
                )
                .help("describe the query's members as `in: query` parameters, one each")
                .warning(),
            );
            return false;
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn what_32_adds_is_read_or_left_out_with_a_warning() {
        let mut document = json!({"openapi": "3.2.0", "paths": {"/a": {
            "parameters": [{"name": "s", "in": "cookie", "style": "cookie", "schema": {"type": "string"}}],
            "query": {"responses": {}},
            "additionalOperations": {"LINK": {"responses": {}}},
            "get": {"parameters": [
                {"name": "q", "in": "querystring", "required": true, "content": {"application/x-www-form-urlencoded": {}}},
                {"name": "n", "in": "query", "schema": {"type": "integer"}},
            ], "responses": {}},
        }}});
        let warnings: Vec<String> = to_31("a.yaml", &mut document)
            .iter()
            .map(ToString::to_string)
            .collect();
        let item = &document["paths"]["/a"];
        assert!(item.get("query").is_none() && item.get("additionalOperations").is_none());
        assert_eq!(item["parameters"][0]["style"], "form");
        assert_eq!(item["get"]["parameters"].as_array().map(Vec::len), Some(1));
        assert_eq!(item["get"]["parameters"][0]["name"], "n");
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("/paths/~1a/query: warning: the QUERY method"));
        assert!(
            warnings[1].contains("/paths/~1a/additionalOperations/LINK: warning: the LINK method")
        );
        assert!(warnings[2]
            .contains("/paths/~1a/get/parameters/0/in: warning: the query-string parameter `q`"));
        assert!(warnings[2].contains("the operation requires it"));
    }
}
