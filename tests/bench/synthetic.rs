//! Synthetic specs of any size, shaped like real ones: per operation a path parameter, query
//! parameters, a component schema with scalar, enum, array and nested members, and a shared
//! error body.

use serde_json::{json, Map, Value};

/// A JSON spec with `operations` operations (and as many schemas).
pub fn spec(operations: usize) -> String {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}),
    );
    for i in 0..operations {
        let schema = format!("Resource{i}");
        paths.insert(
            format!("/resources{i}/{{id}}"),
            json!({
                "get": {
                    "operationId": format!("getResource{i}"),
                    "summary": format!("Returns resource {i}."),
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}},
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                        {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["open", "closed"]}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The resource.",
                            "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
                        },
                        "404": {
                            "description": "Not found.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                        }
                    }
                }
            }),
        );
        schemas.insert(
            schema,
            json!({
                "type": "object",
                "description": format!("Resource number {i}."),
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "size": {"type": "integer", "format": "int64"},
                    "active": {"type": "boolean"},
                    "kind": {"type": "string", "enum": [format!("kind{i}a"), format!("kind{i}b"), "other"]},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "owner": {"type": "object", "properties": {"login": {"type": "string"}, "id": {"type": "integer"}}}
                }
            }),
        );
    }
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": format!("Synthetic {operations}"), "version": "1"},
        "paths": Value::Object(paths),
        "components": {"schemas": Value::Object(schemas)}
    });
    serde_json::to_string(&document).expect("a JSON value serializes")
}
