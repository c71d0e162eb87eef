//! The walk the in-place rewrites of a document share (`normalize`, `openapi31`): every
//! object that can be a schema or hold one, skipping data and telling names from keywords.

use crate::diagnostics::pointer_token;
use serde_json::{Map, Value};

/// Keys whose value is data, not a schema or part of one: a `$ref` or a `type` there is a
/// value like any other. (A schema's `examples` is a list of values, a media type's or a
/// parameter's a map of Example objects: data either way.)
const DATA: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Keys whose value maps names (of properties, components, paths, media types...) to objects:
/// a child's key there is a name, even when it reads like a keyword.
const NAMED_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "schemas",
    "definitions",
    "$defs",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "content",
    "encoding",
    "variables",
    "mapping",
    "dependentRequired",
    "dependentSchemas",
    "pathItems",
    "webhooks",
];

/// Calls `visit` with every object of `document` outside data and maps of names, and its JSON
/// pointer; `visit` runs before the object's children are walked, so what it rewrites is what
/// the walk goes on with. Depth is bounded by the parsers' nesting limit; the walk itself
/// keeps an explicit stack.
pub(super) fn objects(document: &mut Value, mut visit: impl FnMut(&mut Map<String, Value>, &str)) {
    // (node, its JSON pointer, whether its keys are names).
    let mut stack: Vec<(&mut Value, String, bool)> = vec![(document, String::new(), false)];
    while let Some((node, at, names)) = stack.pop() {
        match node {
            Value::Object(map) => {
                if !names {
                    visit(map, &at);
                }
                for (key, child) in map.iter_mut() {
                    if !names && (DATA.contains(&key.as_str()) || key.starts_with("x-")) {
                        continue;
                    }
                    let child_names = !names && NAMED_MAPS.contains(&key.as_str());
                    stack.push((child, format!("{at}/{}", pointer_token(key)), child_names));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    stack.push((child, format!("{at}/{i}"), false));
                }
            }
            _ => {}
        }
    }
}
