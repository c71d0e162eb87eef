//! Swagger 2.0 documents, converted into OpenAPI 3.0 on load (`load/swagger2.rs`): what each
//! 2.0 construct becomes, multi-file documents, and problems reported at the 2.0 file's own
//! lines.

use clientgen::load::{load_spec_and_json_with, LoadedSpec};
use clientgen::{generate, Config};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HEAD: &str = "swagger: '2.0'\ninfo: {title: Two, version: '1'}\n";

/// Loads `files[0]` (the spec), reading the others from memory only.
fn load(files: &[(&str, &str)]) -> Result<(LoadedSpec, Value), clientgen::Diagnostics> {
    let map: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    load_spec_and_json_with(Path::new(files[0].0), &mut |p: &Path| {
        map.get(p)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    })
}

/// The converted document of one 2.0 file, and its warnings.
fn converted(text: &str) -> (Value, Vec<String>) {
    let (spec, value) = load(&[("a.yaml", text)]).unwrap_or_else(|e| panic!("{e}"));
    let warnings = spec.warnings.iter().map(ToString::to_string).collect();
    (value, warnings)
}

/// Writes `files` under a fresh folder and returns it, for the tests that need line numbers
/// (they are read back from the files).
fn on_disk(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let base =
        std::env::temp_dir().join(format!("clientgen-swagger2-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    for (path, text) in files {
        let path = base.join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("temp folder");
        std::fs::write(path, text).expect("temp file");
    }
    base
}

/// Every warning and error of generating `spec` (in `base`), as the command line shows them.
fn reported(base: &Path, spec: &str) -> String {
    let config = Config {
        specs: vec![PathBuf::from(spec)],
        crate_name: "two".into(),
        ..Config::default()
    };
    match clientgen::generate_from_files_reporting(base, &config) {
        Ok(generation) => clientgen::Diagnostics(generation.warnings).to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn sections_become_components() {
    let (doc, warnings) = converted(&format!(
        "{HEAD}paths: {{}}\n\
         definitions:\n  Pet: {{type: object, discriminator: kind, properties: {{kind: {{type: string}}, nick: {{type: string, x-nullable: true}}, photo: {{type: file}}}}}}\n\
         parameters:\n  limit: {{name: limit, in: query, type: integer, maximum: 9}}\n  body: {{name: b, in: body, required: true, description: d, schema: {{$ref: '#/definitions/Pet'}}}}\n\
         responses:\n  Gone: {{description: gone, schema: {{$ref: '#/definitions/Pet'}}}}\n"
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc.get("swagger").is_none() && doc.get("definitions").is_none());
    let c = &doc["components"];
    assert_eq!(
        c["schemas"]["Pet"]["discriminator"],
        json!({"propertyName": "kind"})
    );
    assert_eq!(
        c["schemas"]["Pet"]["properties"]["nick"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        c["schemas"]["Pet"]["properties"]["photo"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        c["parameters"]["limit"],
        json!({"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 9}})
    );
    assert!(c["parameters"].get("body").is_none());
    assert_eq!(
        c["requestBodies"]["body"],
        json!({"description": "d", "required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}})
    );
    assert_eq!(
        c["responses"]["Gone"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Pet"
    );
}

#[test]
fn operations_bodies_responses_and_media_types() {
    let (doc, warnings) = converted(&format!(
        "{HEAD}consumes: [application/json]\nproduces: [application/json, application/xml]\n\
         parameters:\n  body: {{name: b, in: body, schema: {{type: string}}}}\n\
         paths:\n  /a/{{id}}:\n    parameters: [{{name: id, in: path, required: true, type: string}}]\n\
         \x20   put:\n      consumes: [text/plain]\n      parameters: [{{$ref: '#/parameters/body'}}]\n      responses: {{'204': {{description: ok}}}}\n\
         \x20   post:\n      parameters: [{{$ref: '#/parameters/body'}}, {{name: q, in: query, type: string}}]\n\
         \x20     responses:\n        '200':\n          description: ok\n          schema: {{type: integer}}\n          headers: {{X-Rate: {{type: integer, description: left}}}}\n          examples: {{application/json: 3, text/csv: 'n\\n3'}}\n"
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    let item = &doc["paths"]["/a/{id}"];
    assert_eq!(
        item["parameters"][0],
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}})
    );
    // The operation consumes what the document does: the shared body, by reference.
    assert_eq!(
        item["post"]["requestBody"],
        json!({"$ref": "#/components/requestBodies/body"})
    );
    assert_eq!(item["post"]["parameters"][0]["name"], "q");
    // Other media types: the body inline, in those.
    assert_eq!(
        item["put"]["requestBody"],
        json!({"content": {"text/plain": {"schema": {"type": "string"}}}})
    );
    assert!(item["put"].get("parameters").is_none());
    let ok = &item["post"]["responses"]["200"];
    assert_eq!(
        ok["headers"]["X-Rate"],
        json!({"description": "left", "schema": {"type": "integer"}})
    );
    assert_eq!(
        ok["content"],
        json!({
            "application/json": {"schema": {"type": "integer"}, "example": 3},
            "application/xml": {"schema": {"type": "integer"}},
            "text/csv": {"schema": {"type": "integer"}, "example": "n\\n3"},
        })
    );
    assert!(ok.get("schema").is_none() && ok.get("examples").is_none());
}

#[test]
fn each_collection_format_becomes_a_style() {
    let param = |name: &str, place: &str, format: &str| {
        format!("{{name: {name}, in: {place}, required: true, type: array, items: {{type: string}}, collectionFormat: {format}}}")
    };
    let params = [
        param("c", "query", "csv"),
        param("s", "query", "ssv"),
        param("t", "query", "tsv"),
        param("p", "query", "pipes"),
        param("m", "query", "multi"),
        param("x", "path", "csv"),
        param("h", "header", "csv"),
        param("hp", "header", "pipes"),
        "{name: d, in: query, type: array, items: {type: integer}}".to_owned(),
    ];
    let (doc, warnings) = converted(&format!(
        "{HEAD}paths:\n  /a/{{x}}:\n    get:\n      parameters: [{}]\n      responses: {{'204': {{description: ok}}}}\n",
        params.join(", ")
    ));
    let list = doc["paths"]["/a/{x}"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let style = |i: usize| (list[i]["style"].clone(), list[i]["explode"].clone());
    assert_eq!(style(0), (json!("form"), json!(false)));
    assert_eq!(style(1), (json!("spaceDelimited"), json!(false)));
    assert_eq!(style(2), (json!("form"), json!(false)));
    assert_eq!(style(3), (json!("pipeDelimited"), json!(false)));
    assert_eq!(style(4), (json!("form"), json!(true)));
    assert_eq!(style(5), (json!("simple"), json!(false)));
    assert_eq!(style(6), (json!("simple"), json!(false)));
    assert_eq!(style(7), (json!("simple"), json!(false)));
    // 2.0's default is csv, where 3.0's query default explodes.
    assert_eq!(style(8), (json!("form"), json!(false)));
    assert_eq!(
        list[0]["schema"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("a.yaml:#/paths/~1a~1{x}/get/parameters/2/collectionFormat: warning: `collectionFormat: tsv`: OpenAPI 3.0 has no tab-delimited style"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("a.yaml:#/paths/~1a~1{x}/get/parameters/7/collectionFormat: warning: `collectionFormat: pipes`: OpenAPI 3.0 has no such style for a header parameter"),
        "{warnings:?}"
    );
}

#[test]
fn form_data_becomes_a_form_body() {
    let (doc, warnings) = converted(&format!(
        "{HEAD}parameters:\n  shared: {{name: note, in: formData, type: string}}\n\
         paths:\n\
         \x20 /form:\n    post:\n      consumes: [application/x-www-form-urlencoded]\n      parameters:\n        - {{name: a, in: formData, type: string, required: true, description: first}}\n        - {{name: n, in: formData, type: array, items: {{type: integer}}, collectionFormat: multi}}\n        - {{$ref: '#/parameters/shared'}}\n      responses: {{'204': {{description: ok}}}}\n\
         \x20 /file:\n    post:\n      parameters:\n        - {{name: f, in: formData, type: file}}\n      responses: {{'204': {{description: ok}}}}\n\
         \x20 /multi:\n    post:\n      consumes: [multipart/form-data]\n      parameters:\n        - {{name: t, in: formData, type: string}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    let paths = &doc["paths"];
    assert_eq!(
        paths["/form"]["post"]["requestBody"],
        json!({"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object",
            "properties": {
                "a": {"type": "string", "description": "first"},
                "n": {"type": "array", "items": {"type": "integer"}},
                "note": {"type": "string"},
            },
            "required": ["a"],
        }}}})
    );
    // A file makes it multipart, whatever the operation consumes.
    assert_eq!(
        paths["/file"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
            ["properties"]["f"],
        json!({"type": "string", "format": "binary"})
    );
    assert!(paths["/multi"]["post"]["requestBody"]["content"]
        .get("multipart/form-data")
        .is_some());
    assert!(doc["components"].get("parameters").is_none());
}

#[test]
fn security_definitions_become_security_schemes() {
    let flow = |flow: &str| {
        format!("{{type: oauth2, flow: {flow}, authorizationUrl: 'https://a/auth', tokenUrl: 'https://a/token', scopes: {{r: read}}}}")
    };
    let (doc, warnings) = converted(&format!(
        "{HEAD}paths: {{}}\nsecurityDefinitions:\n  b: {{type: basic, description: d}}\n  k: {{type: apiKey, name: key, in: query}}\n  i: {}\n  p: {}\n  a: {}\n  c: {}\n",
        flow("implicit"),
        flow("password"),
        flow("application"),
        flow("accessCode")
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    let s = &doc["components"]["securitySchemes"];
    assert_eq!(
        s["b"],
        json!({"type": "http", "description": "d", "scheme": "basic"})
    );
    assert_eq!(
        s["k"],
        json!({"type": "apiKey", "name": "key", "in": "query"})
    );
    assert_eq!(
        s["i"]["flows"],
        json!({"implicit": {"authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {"r": "read"}}})
    );
    for (name, flow) in [
        ("p", "password"),
        ("a", "clientCredentials"),
        ("c", "authorizationCode"),
    ] {
        assert!(s[name]["flows"].get(flow).is_some(), "{name}: {}", s[name]);
        assert!(s[name].get("flow").is_none());
    }
    assert!(doc.get("securityDefinitions").is_none());
}

#[test]
fn host_base_path_and_schemes_become_servers() {
    let servers =
        |extra: &str| converted(&format!("{HEAD}{extra}paths: {{}}\n")).0["servers"].clone();
    assert_eq!(
        servers("host: api.x.com\nbasePath: /v1/\nschemes: [http, https]\n"),
        json!([{"url": "https://api.x.com/v1"}, {"url": "http://api.x.com/v1"}])
    );
    assert_eq!(
        servers("host: api.x.com:8443\n"),
        json!([{"url": "https://api.x.com:8443"}])
    );
    assert_eq!(servers("basePath: /v1\n"), json!([{"url": "/v1"}]));
    assert_eq!(servers(""), Value::Null);
    // An operation's own schemes: its own servers.
    let (doc, _) = converted(&format!(
        "{HEAD}host: h\nschemes: [https]\npaths:\n  /a:\n    get:\n      schemes: [http]\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert_eq!(
        doc["paths"]["/a"]["get"]["servers"],
        json!([{"url": "http://h"}])
    );
    // Without a host, schemes say nothing a server can hold: a warning.
    let (_, warnings) = converted(&format!(
        "{HEAD}schemes: [https]\nbasePath: /b\npaths: {{}}\n"
    ));
    assert!(
        warnings[0].starts_with("a.yaml:#/schemes: warning: `schemes` without a `host`"),
        "{warnings:?}"
    );
}

#[test]
fn versions() {
    // YAML reads an unquoted 2.0 as a number: the same version.
    assert!(load(&[(
        "a.yaml",
        "swagger: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
    )])
    .is_ok());
    let err = load(&[(
        "a.yaml",
        "swagger: '3.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
    )])
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("a.yaml:#/swagger: error: unsupported Swagger version \"3.0\""),
        "{err}"
    );
}

#[test]
fn multi_file_documents() {
    let files = [
        (
            "spec/swagger.yaml",
            concat!(
                "swagger: '2.0'\ninfo: {title: Pets, version: '1'}\n",
                "paths:\n",
                "  /pets:\n",
                "    get:\n",
                "      parameters:\n",
                "        - $ref: 'parameters.yaml#/tagsParam'\n",
                "      responses:\n",
                "        '200':\n",
                "          description: ok\n",
                "          schema: {type: array, items: {$ref: 'Pet.yaml'}}\n",
                "        default:\n",
                "          description: error\n",
                "          schema: {$ref: '../common/Error.yaml'}\n",
                "    post:\n",
                "      parameters:\n",
                "        - $ref: 'parameters.yaml#/petBody'\n",
                "      responses:\n",
                "        '404': {$ref: 'responses.yaml#/NotFound'}\n",
                "  /pets/photo:\n",
                "    $ref: 'paths/photo.yaml'\n",
                "definitions:\n",
                "  Pet: {$ref: 'Pet.yaml'}\n",
                "  Owner: {$ref: 'defs.yaml#/definitions/Owner'}\n",
            ),
        ),
        (
            "spec/Pet.yaml",
            "type: object\nproperties:\n  name: {type: string}\n  owner: {$ref: 'defs.yaml#/definitions/Owner'}\n",
        ),
        (
            "spec/defs.yaml",
            "swagger: '2.0'\ndefinitions:\n  Owner: {type: object, properties: {name: {type: string, x-nullable: true}}}\n",
        ),
        (
            "spec/parameters.yaml",
            concat!(
                "tagsParam: {name: tags, in: query, type: array, items: {type: string}, collectionFormat: pipes}\n",
                "petBody: {name: pet, in: body, required: true, schema: {$ref: 'Pet.yaml'}}\n",
                "photo: {name: photo, in: formData, type: file}\n",
            ),
        ),
        (
            "spec/responses.yaml",
            "NotFound: {description: gone, schema: {$ref: '../common/Error.yaml'}, headers: {X-Id: {type: string}}}\n",
        ),
        (
            "spec/paths/photo.yaml",
            concat!(
                "post:\n",
                "  parameters: [{$ref: '../parameters.yaml#/photo'}]\n",
                "  responses:\n",
                "    '200': {description: ok, schema: {$ref: '../Pet.yaml'}}\n",
            ),
        ),
        (
            "common/Error.yaml",
            "type: object\nproperties: {message: {type: string}}\n",
        ),
    ];
    let (spec, doc) = load(&files).unwrap_or_else(|e| panic!("{e}"));
    let c = &doc["components"];
    let mut schemas: Vec<&String> = c["schemas"].as_object().expect("schemas").keys().collect();
    schemas.sort();
    assert_eq!(schemas, ["Error", "Owner", "Pet"]);
    assert_eq!(
        c["schemas"]["Pet"]["properties"]["owner"]["$ref"],
        "#/components/schemas/Owner"
    );
    assert_eq!(
        c["schemas"]["Owner"]["properties"]["name"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        c["parameters"]["tagsParam"],
        json!({"name": "tags", "in": "query", "style": "pipeDelimited", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}})
    );
    let pets = &doc["paths"]["/pets"];
    assert_eq!(
        pets["post"]["requestBody"],
        json!({"$ref": "#/components/requestBodies/petBody"})
    );
    assert_eq!(
        c["requestBodies"]["petBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Pet"
    );
    assert_eq!(
        c["responses"]["NotFound"],
        json!({"description": "gone", "headers": {"X-Id": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    );
    // A path item of another file, converted like the document's own.
    let photo = &doc["paths"]["/pets/photo"]["post"];
    assert_eq!(
        photo["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]["photo"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        photo["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Pet"
    );
    // Each node is reported where it is written.
    for (at, file, pointer) in [
        (
            "/components/schemas/Pet/properties/name",
            "spec/Pet.yaml",
            "/properties/name",
        ),
        (
            "/components/schemas/Owner/properties/name",
            "spec/defs.yaml",
            "/definitions/Owner/properties/name",
        ),
        (
            "/components/requestBodies/petBody/content/application~1json/schema",
            "spec/parameters.yaml",
            "/petBody/schema",
        ),
        (
            "/components/responses/NotFound/content/application~1json/schema",
            "spec/responses.yaml",
            "/NotFound/schema",
        ),
        (
            "/components/parameters/tagsParam/schema/items",
            "spec/parameters.yaml",
            "/tagsParam/items",
        ),
        (
            "/paths/~1pets~1photo/post/responses/200/content/application~1json/schema",
            "spec/paths/photo.yaml",
            "/post/responses/200/schema",
        ),
    ] {
        let (f, p) = spec.source_of(at);
        assert_eq!((f, p.as_ref()), (file, pointer), "{at}");
    }
    let config = Config::default();
    generate(&config, &[spec]).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn problems_are_reported_at_the_20_lines() {
    let spec = concat!(
        "swagger: '2.0'\n",                                // 1
        "info: {title: t, version: '1'}\n",                // 2
        "paths:\n",                                        // 3
        "  /a:\n",                                         // 4
        "    post:\n",                                     // 5
        "      parameters:\n",                             // 6
        "        - name: q\n",                             // 7
        "          in: query\n",                           // 8
        "          type: string\n",                        // 9
        "        - name: body\n",                          // 10
        "          in: body\n",                            // 11
        "          schema:\n",                             // 12
        "            type: string\n",                      // 13
        "            pattern: 0\n",                        // 14
        "        - name: t\n",                             // 15
        "          in: query\n",                           // 16
        "          type: array\n",                         // 17
        "          items: {type: string}\n",               // 18
        "          collectionFormat: tsv\n",               // 19
        "      responses:\n",                              // 20
        "        '200':\n",                                // 21
        "          description: ok\n",                     // 22
        "          schema: {$ref: '#/definitions/Pet'}\n", // 23
        "definitions:\n",                                  // 24
        "  Pet:\n",                                        // 25
        "    type: object\n",                              // 26
        "    properties:\n",                               // 27
        "      name:\n",                                   // 28
        "        type: string\n",                          // 29
        "        maxLength: '9'\n",                        // 30
    );
    let base = on_disk("warnings", &[("a.yaml", spec)]);
    let text = reported(&base, "a.yaml");
    for expected in [
        "a.yaml:14:13: warning: `pattern: 0` is not a valid value",
        "a.yaml:19:11: warning: `collectionFormat: tsv`",
        "a.yaml:30:9: warning: `maxLength: \"9\"` is not a valid value",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    // Errors: an invalid schema in `definitions`, and in a body parameter's schema.
    let broken = spec
        .replace(
            "    properties:\n      name:\n        type: string\n        maxLength: '9'\n",
            "    properties: 7\n",
        )
        .replace("            pattern: 0\n", "");
    let base = on_disk("errors", &[("a.yaml", &broken)]);
    let text = reported(&base, "a.yaml");
    // (One line less above: `pattern: 0` is gone.)
    assert!(
        text.contains("a.yaml:24:3: error: not a valid OpenAPI 3.0 element: invalid type: integer `7`, expected a map\n  at: #/definitions/Pet\n"),
        "{text}"
    );
    let broken = spec.replace(
        "            type: string\n            pattern: 0\n",
        "            type: object\n            properties: [1]\n",
    );
    let base = on_disk("body", &[("a.yaml", &broken)]);
    let text = reported(&base, "a.yaml");
    // The body parameter that became the request body.
    assert!(
        text.contains("a.yaml:10:11: error: not a valid OpenAPI 3.0 element: invalid type: sequence, expected a map\n  at: #/paths/~1a/post/parameters/1\n"),
        "{text}"
    );
}

#[test]
fn problems_in_other_files_are_reported_there() {
    let base = on_disk(
        "files",
        &[
            (
                "a.yaml",
                "swagger: '2.0'\ninfo: {title: t, version: '1'}\nparameters:\n  p: {$ref: 'p.yaml#/P'}\npaths:\n  /a:\n    post:\n      parameters: [{$ref: '#/parameters/p'}]\n      responses: {'204': {description: ok}}\n",
            ),
            ("p.yaml", "P:\n  name: p\n  in: body\n  schema:\n    type: string\n    maxLength: x\n"),
        ],
    );
    let text = reported(&base, "a.yaml");
    assert!(
        text.contains("p.yaml:6:5: warning: `maxLength: \"x\"`"),
        "{text}"
    );
}

#[test]
fn left_out_parts_and_conflicts_are_located() {
    let (_, warnings) = converted(&format!(
        "{HEAD}paths:\n  /a:\n    post:\n      parameters:\n        - {{name: b, in: body, schema: {{type: string}}}}\n        - {{name: f, in: formData, type: string}}\n        - {{name: c, in: body, schema: {{type: string}}}}\n      responses: {{'204': {{description: ok}}}}\n"
    ));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("a.yaml:#/paths/~1a/post/parameters/1: warning: a formData parameter beside a body parameter"), "{warnings:?}");
    assert!(
        warnings[1]
            .starts_with("a.yaml:#/paths/~1a/post/parameters/2: warning: a second body parameter"),
        "{warnings:?}"
    );
    let err = load(&[
        ("a.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions:\n  E: {type: string}\n  F: {$ref: 'b.yaml#/definitions/E'}\n"),
        ("b.yaml", "definitions:\n  E: {type: integer}\n"),
    ])
    .unwrap_err()
    .to_string();
    assert!(err.contains("a.yaml:#/definitions/E: error: component `E` is defined here and also imported from another file"), "{err}");
}

#[test]
fn malformed_documents_never_panic() {
    let bodies = [
        "paths: 7\n",
        "paths: {/a: 7}\n",
        "paths: {/a: {get: 7}}\n",
        "paths: {/a: {get: {parameters: 7, responses: 7}}}\n",
        "paths: {/a: {get: {parameters: [7, {in: 7}, {in: body}, {in: formData}, {$ref: 7}], responses: {'200': 7}}}}\n",
        "paths: {/a: {parameters: [{in: body, name: x}], get: {consumes: 7, produces: [7], responses: {'200': {schema: 7, headers: 7, examples: 7}}}}}\n",
        "paths: {}\ndefinitions: 7\nparameters: [1]\nresponses: 'x'\nsecurityDefinitions: 4\n",
        "paths: {}\nsecurityDefinitions: {a: 7, b: {type: oauth2}, c: {type: oauth2, flow: 7}}\nhost: 7\nbasePath: 8\nschemes: 9\n",
        "paths: {}\ncomponents: 7\ndefinitions: {A: {discriminator: 7, x-nullable: 3, type: file}}\n",
        "paths: {/a: {get: {parameters: [{name: f, in: formData, type: array, items: {collectionFormat: ssv, items: 7}}], responses: {}}}}\n",
    ];
    for body in bodies {
        let text = format!("{HEAD}{body}");
        // Either outcome is fine; a panic fails the test.
        let _ = load(&[("a.yaml", &text)]);
    }
}
