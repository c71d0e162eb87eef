//! OpenAPI 3.2's `itemSchema` carried into the typed document.
//!
//! A sequential media type (`text/event-stream`, `application/jsonl`, `application/json-seq`)
//! may describe each item of its sequence with `itemSchema`. The typed document
//! (`openapiv3`) drops keys it does not know, so each response media type's `itemSchema` is
//! moved to its `schema` and marked with [`ITEM_SCHEMA`]: lowering then reads it as any other
//! schema (references, inline types, warnings) and knows it describes one item, not the
//! whole body. An origin is recorded for the moved node, so a problem inside it is reported
//! where the `itemSchema` is written.
//!
//! Server-sent events are modelled by 3.2 as objects with the fields `event`, `data`, `id`
//! and `retry`; what a client wants typed is the data. When an event's item schema has a
//! `data` property, the data's schema is the one kept: its `contentSchema` when it has one
//! (a JSON text described by `contentMediaType`), else the property's own schema.
//!
//! Runs on the bundled document, after the 3.1 rewrite: every `$ref` is local, and the item
//! schema's 3.1 keywords have been read already (the walk reaches `itemSchema` like any
//! schema).

use super::Origin;
use crate::diagnostics::pointer;
use crate::media::essence;
use serde_json::Value;

/// The marker of a media type whose `schema` describes one item of a sequence (what
/// `itemSchema` says in OpenAPI 3.2). A 3.0 or 3.1 document may write it itself.
pub const ITEM_SCHEMA: &str = "x-clientgen-item-schema";

/// References followed when looking for an event's `data` (a longer chain is left alone).
const MAX_REFERENCES: usize = 32;

/// Moves the `itemSchema` of every response's media types to their `schema` (see the module
/// docs); `file` is the spec, `origins` where the document's nodes are written.
pub(super) fn carry_item_schemas(file: &str, document: &mut Value, origins: &mut Vec<Origin>) {
    for media_at in media_types_with_item_schema(document) {
        let item_at = format!("{media_at}/itemSchema");
        let is_event_stream = media_at
            .rsplit('/')
            .next()
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .is_some_and(|media| essence(&media) == "text/event-stream");
        let data = if is_event_stream {
            event_data(document, &item_at)
        } else {
            None
        };
        let (schema, from) = match data {
            Some(found) => found,
            None => match document.pointer(&item_at) {
                Some(item) => (item.clone(), item_at.clone()),
                None => continue,
            },
        };
        let to = format!("{media_at}/schema");
        relocate(file, origins, &from, &item_at, &to);
        if let Some(Value::Object(media)) = document.pointer_mut(&media_at) {
            media.remove("itemSchema");
            media.insert("schema".to_owned(), schema);
            media.insert(ITEM_SCHEMA.to_owned(), Value::Bool(true));
        }
    }
}

/// The JSON pointers of the response media types holding an `itemSchema`, in document order:
/// those of the operations' responses and of `components.responses` (a response elsewhere is
/// a `$ref` to one of them once bundled).
fn media_types_with_item_schema(document: &Value) -> Vec<String> {
    let mut responses: Vec<(String, &Value)> = Vec::new();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, operation) in item {
                if let Some(Value::Object(map)) = operation.get("responses") {
                    for (code, response) in map {
                        let at = pointer(["paths", path, method, "responses", code]);
                        responses.push((at, response));
                    }
                }
            }
        }
    }
    if let Some(Value::Object(map)) = document.pointer("/components/responses") {
        for (name, response) in map {
            responses.push((pointer(["components", "responses", name]), response));
        }
    }
    let mut found = Vec::new();
    for (at, response) in responses {
        if let Some(Value::Object(content)) = response.get("content") {
            for (media_type, media) in content {
                if media.get("itemSchema").is_some() {
                    found.push(format!("{at}/content{}", pointer([media_type.as_str()])));
                }
            }
        }
    }
    found
}

/// The schema of an event's data, and where it is written, when the event's item schema
/// (at `item_at`, through local references) has a `data` property.
fn event_data(document: &Value, item_at: &str) -> Option<(Value, String)> {
    let mut at = item_at.to_owned();
    let mut node = document.pointer(&at)?;
    for _ in 0..MAX_REFERENCES {
        match node.get("$ref") {
            Some(Value::String(reference)) => {
                at = reference.strip_prefix('#')?.to_owned();
                node = document.pointer(&at)?;
            }
            Some(_) => return None,
            None => break,
        }
    }
    let data = node.get("properties")?.get("data")?;
    let data_at = format!("{at}/properties/data");
    match data.get("contentSchema") {
        Some(content) if content.is_object() || content.is_boolean() => {
            Some((content.clone(), format!("{data_at}/contentSchema")))
        }
        _ => Some((data.clone(), data_at)),
    }
}

/// Records that the node now at `to` is written where the node at `from` is, as are the
/// nodes inside it; origins of the removed node at `removed` and of what `to` replaces go.
fn relocate(file: &str, origins: &mut Vec<Origin>, from: &str, removed: &str, to: &str) {
    let (source_file, source_pointer) = source_of(file, origins, from);
    let inside: Vec<Origin> = origins
        .iter()
        .filter(|o| under(&o.at, from) && o.at != from)
        .map(|o| Origin {
            at: format!("{to}{}", &o.at[from.len()..]),
            file: o.file.clone(),
            pointer: o.pointer.clone(),
        })
        .collect();
    origins.retain(|o| !under(&o.at, removed) && !under(&o.at, to));
    origins.push(Origin {
        at: to.to_owned(),
        file: source_file,
        pointer: source_pointer,
    });
    origins.extend(inside);
}

/// Whether `at` is `prefix` or a node inside it.
fn under(at: &str, prefix: &str) -> bool {
    at == prefix
        || at
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The file and pointer where the node at `at` is written: the innermost origin holding it
/// (as [`super::LoadedSpec::source_of`] finds it), else the spec itself.
fn source_of(file: &str, origins: &[Origin], at: &str) -> (String, String) {
    match origins
        .iter()
        .filter(|o| under(at, &o.at))
        .max_by_key(|o| o.at.len())
    {
        Some(origin) => (
            origin.file.clone(),
            format!("{}{}", origin.pointer, &at[origin.at.len()..]),
        ),
        None => (file.to_owned(), at.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn item_schemas_move_to_the_schema_marked() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {
                "application/jsonl": {"itemSchema": {"$ref": "#/components/schemas/Row"}},
                "text/event-stream": {"itemSchema": {
                    "type": "object",
                    "properties": {"data": {
                        "type": "string",
                        "contentSchema": {"$ref": "#/components/schemas/Row"}
                    }, "event": {"type": "string"}}
                }}
            }}}}}},
            "components": {
                "schemas": {
                    "Row": {"type": "object"},
                    "Event": {"properties": {"data": {"type": "integer"}}}
                },
                "responses": {"Events": {"content": {"text/event-stream": {
                    "schema": {"type": "array"},
                    "itemSchema": {"$ref": "#/components/schemas/Event"}
                }}}}
            }
        });
        let mut origins = Vec::new();
        carry_item_schemas("s.yaml", &mut doc, &mut origins);
        let content = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            content["application/jsonl"],
            json!({"schema": {"$ref": "#/components/schemas/Row"}, ITEM_SCHEMA: true})
        );
        assert_eq!(
            content["text/event-stream"]["schema"],
            json!({"$ref": "#/components/schemas/Row"})
        );
        assert_eq!(
            doc["components"]["responses"]["Events"]["content"]["text/event-stream"],
            json!({"schema": {"type": "integer"}, ITEM_SCHEMA: true})
        );
        let find = |at: &str| {
            origins
                .iter()
                .find(|o| o.at == at)
                .map(|o| (o.file.as_str(), o.pointer.as_str()))
        };
        assert_eq!(
            find("/paths/~1a/get/responses/200/content/text~1event-stream/schema"),
            Some((
                "s.yaml",
                "/paths/~1a/get/responses/200/content/text~1event-stream/itemSchema/properties/data/contentSchema"
            ))
        );
        assert_eq!(
            find("/components/responses/Events/content/text~1event-stream/schema"),
            Some(("s.yaml", "/components/schemas/Event/properties/data"))
        );
    }

    #[test]
    fn origins_of_imported_nodes_follow_them() {
        let mut doc = json!({"components": {"responses": {"R": {"content": {
            "application/json-seq": {"itemSchema": {"type": "object"}}
        }}}}});
        let mut origins = vec![Origin {
            at: "/components/responses/R".into(),
            file: "shared/r.yaml".into(),
            pointer: "/R".into(),
        }];
        carry_item_schemas("s.yaml", &mut doc, &mut origins);
        let moved = origins
            .iter()
            .find(|o| o.at.ends_with("/schema"))
            .expect("an origin for the moved schema");
        assert_eq!(moved.file, "shared/r.yaml");
        assert_eq!(moved.pointer, "/R/content/application~1json-seq/itemSchema");
    }
}
