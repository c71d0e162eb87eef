//! `$ref` wherever OpenAPI allows one: local pointers to any node, other files (a component,
//! any node, a whole file), chains, cycles, data that only looks like a reference, and the
//! references that are refused (with the file and JSON pointer of the `$ref`).

use clientgen::load::{load_spec_with, LoadedSpec};
use clientgen::{generate, Config};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Refs, version: '1'}\n";

/// Loads `files[0]` (the spec), reading the others from memory only.
fn load(files: &[(&str, &str)]) -> Result<LoadedSpec, clientgen::Diagnostics> {
    let map: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    load_spec_with(Path::new(files[0].0), &mut |p: &Path| {
        map.get(p)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"))
    })
}

/// Every generated file's text, after loading and generating.
fn generated(files: &[(&str, &str)]) -> String {
    let spec = load(files).unwrap_or_else(|e| panic!("{e}"));
    let config = Config {
        crate_name: "refs-client".into(),
        ..Config::default()
    };
    let out = generate(&config, &[spec]).unwrap_or_else(|e| panic!("{e}"));
    let stem = Path::new(files[0].0)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    // The spec's own module (not the client runtime, which is the same for every spec).
    out.iter()
        .filter(|f| f.path.contains(&stem))
        .map(|f| format!("// {}\n{}", f.path, f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What refuses the spec, strict generation included (a dangling reference is a warning,
/// with a `serde_json::Value` in its place, unless generation is strict).
fn refused(files: &[(&str, &str)]) -> String {
    match load(files) {
        Err(e) => e.to_string(),
        Ok(spec) => {
            let config = Config {
                strict: true,
                ..Config::default()
            };
            match generate(&config, &[spec]) {
                Err(e) => e.to_string(),
                Ok(_) => panic!("the spec is refused"),
            }
        }
    }
}

fn has(text: &str, needle: &str) {
    if !text.contains(needle) {
        panic!("`{needle}` not in:\n{text}");
    }
}

#[test]
fn local_pointers_inside_schemas() {
    let text = format!(
        "{HEAD}paths:
  /disks:
    get:
      operationId: listDisks
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Disk'}}
components:
  schemas:
    Disk:
      type: object
      properties:
        filesystem: {{type: string, enum: [raw, ext4]}}
        tags: {{type: array, items: {{type: object, properties: {{label: {{type: string}}}}}}}}
    Tag:
      allOf:
        - {{type: object, properties: {{name: {{type: string}}}}}}
        - {{type: object, properties: {{color: {{type: string}}}}}}
    Copy:
      type: object
      properties:
        fs: {{$ref: '#/components/schemas/Disk/properties/filesystem'}}
        tag: {{$ref: '#/components/schemas/Disk/properties/tags/items'}}
        first: {{$ref: '#/components/schemas/Tag/allOf/0'}}
"
    );
    let out = generated(&[("disks.yaml", &text)]);
    has(&out, "pub enum DiskFilesystem");
    has(&out, "pub fs: Option<DiskFilesystem>");
    has(&out, "pub tag: Option<DiskTagsItems>");
    has(&out, "pub struct TagAllOf0");
    has(&out, "fn list_disks");
}

#[test]
fn local_pointers_into_paths_parameters_responses_and_headers() {
    let text = format!(
        "{HEAD}paths:
  /authn/{{account}}:
    post:
      operationId: authenticate
      parameters:
        - {{name: account, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          headers:
            ratelimit-limit: {{schema: {{type: integer}}}}
          content:
            application/json:
              schema: {{type: object, properties: {{token: {{type: string}}}}}}
  /again/{{account}}:
    post:
      operationId: authenticateAgain
      parameters:
        - $ref: '#/paths/~1authn~1%7Baccount%7D/post/parameters/0'
      responses:
        '200':
          $ref: '#/paths/~1authn~1{{account}}/post/responses/200'
        '201':
          description: created
          headers:
            ratelimit-limit: {{$ref: '#/paths/~1authn~1%7Baccount%7D/post/responses/200/headers/ratelimit-limit'}}
          content:
            application/json:
              schema: {{$ref: '#/paths/~1authn~1%7Baccount%7D/post/responses/200/content/application~1json/schema'}}
"
    );
    let out = generated(&[("authn.yaml", &text)]);
    has(&out, "fn authenticate_again");
    has(&out, "pub struct AuthnAccountPost200");
    has(&out, "pub token: Option<String>");
}

#[test]
fn path_items_by_reference_are_inlined() {
    let text = format!(
        "{HEAD}paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{type: array, items: {{type: string}}}}}}}}}}
  /animals: {{$ref: '#/paths/~1pets'}}
"
    );
    let spec = load(&[("pets.yaml", &text)]).unwrap();
    assert_eq!(spec.document.paths.paths.len(), 2);
    assert!(spec
        .document
        .paths
        .paths
        .values()
        .all(|item| matches!(item, openapiv3::ReferenceOr::Item(_))));
    let config = Config::default();
    // The same operation id twice is the generator's call (not the loader's): both paths
    // are there, as written.
    let _ = generate(&config, &[spec]);
}

#[test]
fn other_files_whole_and_by_pointer() {
    let root = format!(
        "{HEAD}paths:
  /pets: {{$ref: 'paths/pets.yaml'}}
components:
  schemas:
    Pet: {{$ref: 'schemas/Pet.yaml'}}
    Owner: {{$ref: 'shared/defs.yaml#/Owner'}}
    Legacy: {{$ref: 'shared/defs.yaml#/components/schemas/Legacy'}}
"
    );
    let out = generated(&[
        ("spec/pets.yaml", &root),
        (
            "spec/paths/pets.yaml",
            "get:
  operationId: listPets
  parameters: [{$ref: '../parameters/limit.yaml'}]
  responses:
    '200':
      description: ok
      content: {application/json: {schema: {type: array, items: {$ref: '../schemas/Pet.yaml'}}}}
    '404': {$ref: '../responses/NotFound.yaml'}
",
        ),
        ("spec/parameters/limit.yaml", "name: limit\nin: query\nschema: {type: integer, format: int32}\n"),
        (
            "spec/responses/NotFound.yaml",
            "description: not found\ncontent: {application/json: {schema: {$ref: '../schemas/Problem.yaml'}}}\n",
        ),
        (
            "spec/schemas/Pet.yaml",
            "type: object\nproperties:\n  name: {type: string}\n  parent: {$ref: 'Pet.yaml'}\n  owner: {$ref: '../shared/defs.yaml#/Owner'}\n  kind: {$ref: '#/properties/name'}\n",
        ),
        ("spec/schemas/Problem.yaml", "type: object\nproperties: {detail: {type: string}}\n"),
        (
            "spec/shared/defs.yaml",
            "Owner: {type: object, properties: {pets: {type: array, items: {$ref: '../schemas/Pet.yaml'}}}}\ncomponents:\n  schemas:\n    Legacy: {type: object, properties: {id: {type: integer}}}\n",
        ),
    ]);
    has(&out, "pub struct Pet ");
    has(&out, "pub parent: Option<Box<Pet>>");
    has(&out, "pub struct Owner ");
    has(&out, "pub pets: Option<Vec<Pet>>");
    has(&out, "pub struct Legacy ");
    has(&out, "pub struct Problem ");
    has(&out, "fn list_pets");
    has(&out, "limit");
}

#[test]
fn imported_components_keep_their_names_and_origins() {
    let root = format!(
        "{HEAD}paths:
  /x:
    get:
      operationId: getX
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: 'shared.yaml#/components/schemas/Thing/properties/inner'}}}}}}}}
        default: {{$ref: 'shared.yaml#/components/responses/Error'}}
"
    );
    let spec = load(&[
        ("a.yaml", &root),
        (
            "shared.yaml",
            "components:\n  schemas:\n    Thing: {type: object, properties: {inner: {type: object, properties: {v: {$ref: '#/components/schemas/V'}}}}}\n    V: {type: string}\n  responses:\n    Error: {description: e}\n",
        ),
    ])
    .unwrap();
    let origins = &spec.origins;
    for (at, file, written) in [
        (
            "/components/schemas/Thing_inner",
            "shared.yaml",
            "/components/schemas/Thing/properties/inner",
        ),
        (
            "/components/schemas/V",
            "shared.yaml",
            "/components/schemas/V",
        ),
        (
            "/components/responses/Error",
            "shared.yaml",
            "/components/responses/Error",
        ),
    ] {
        assert!(
            origins
                .iter()
                .any(|o| o.at == at && o.file == file && o.pointer == written),
            "{origins:?}"
        );
    }
    // A problem inside the copy is reported where it is written.
    let (file, pointer) = spec.source_of("/components/schemas/Thing_inner/properties/v");
    assert_eq!(
        (file, pointer.as_ref()),
        (
            "shared.yaml",
            "/components/schemas/Thing/properties/inner/properties/v"
        )
    );
    let out = generate(&Config::default(), &[spec]).unwrap();
    let all: String = out.iter().map(|f| f.contents.as_str()).collect();
    has(&all, "pub struct ThingInner");
}

#[test]
fn refs_in_data_are_data() {
    let text = format!(
        "{HEAD}paths:
  /a:
    get:
      operationId: getA
      parameters:
        - {{name: q, in: query, schema: {{type: string}}, example: {{$ref: 'not-a-file.yaml'}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/A'}}
              examples:
                one: {{value: {{$ref: '#/nowhere'}}}}
x-vendor: {{$ref: 'https://example.com/nope.json'}}
components:
  schemas:
    A:
      type: object
      example: {{$ref: '#/nowhere'}}
      default: {{$ref: '#/nowhere'}}
      x-note: {{$ref: '#/nowhere'}}
      properties:
        example: {{type: string}}
        default: {{$ref: '#/components/schemas/A/properties/example'}}
"
    );
    let out = generated(&[("data.yaml", &text)]);
    has(&out, "pub struct A ");
    has(&out, "fn get_a");
}

#[test]
fn cycles_terminate() {
    // Recursion through a component stays a reference; a pointer into an ancestor is a copy
    // that refers to itself.
    let text = format!(
        "{HEAD}paths:
  /tree:
    get:
      operationId: getTree
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Node'}}}}}}}}
components:
  schemas:
    Node:
      type: object
      properties:
        children: {{type: array, items: {{$ref: '#/components/schemas/Node'}}}}
        branch:
          type: object
          properties:
            next: {{$ref: '#/components/schemas/Node/properties/branch'}}
"
    );
    let out = generated(&[("tree.yaml", &text)]);
    has(&out, "pub children: Option<Vec<Node>>");
    has(&out, "pub struct NodeBranch");
    // Files that refer to each other.
    let root = format!(
        "{HEAD}paths:
  /a:
    get:
      operationId: getA
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: 'a.yaml'}}}}}}}}
"
    );
    let out = generated(&[
        ("spec.yaml", &root),
        (
            "a.yaml",
            "type: object\nproperties: {b: {$ref: 'b.yaml'}}\n",
        ),
        (
            "b.yaml",
            "type: object\nproperties: {a: {$ref: 'a.yaml#'}}\n",
        ),
    ]);
    has(&out, "pub struct A ");
    has(&out, "pub struct B ");
}

#[test]
fn loops_of_references_are_refused_where_they_are_written() {
    let text = format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    A:
      type: object
      properties:
        x: {{$ref: '#/components/schemas/B/properties/y'}}
        self: {{$ref: '#/components/schemas/A/properties/self'}}
    B:
      type: object
      properties:
        y: {{$ref: '#/components/schemas/A/properties/x'}}
"
    );
    let err = refused(&[("loop.yaml", &text)]);
    has(&err, "loop.yaml:#/components/schemas/A/properties/x: error: reference `#/components/schemas/B/properties/y` is circular");
    has(&err, "loop.yaml:#/components/schemas/A/properties/self: error: reference `#/components/schemas/A/properties/self` is circular");
    has(&err, "help: point one of the references at a definition");
    // Across files.
    let err = refused(&[
        (
            "spec.yaml",
            &format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'a.yaml#/X'}}\n"),
        ),
        ("a.yaml", "X: {$ref: 'b.yaml#/Y'}\n"),
        ("b.yaml", "Y: {$ref: 'a.yaml#/X'}\n"),
    ]);
    has(
        &err,
        "spec.yaml:#/components/schemas/A: error: reference `a.yaml#/X` is circular",
    );
}

#[test]
fn missing_targets_and_bad_pointers_are_refused_with_their_place() {
    let text = format!(
        "{HEAD}paths:
  /a:
    get:
      responses:
        '200': {{$ref: '#/paths/~1a/get/responses/404'}}
components:
  schemas:
    A:
      type: object
      properties:
        bad: {{$ref: '#/components/schemas/A/properties/nope'}}
        escape: {{$ref: '#/components/schemas/A/~2'}}
        remote: {{$ref: 'https://example.com/schemas.yaml#/A'}}
        file: {{$ref: 'other.yaml#/components/schemas/Missing'}}
        gone: {{$ref: 'nowhere.yaml'}}
"
    );
    let err = refused(&[
        ("bad.yaml", &text),
        ("other.yaml", "components: {schemas: {}}\n"),
    ]);
    has(&err, "bad.yaml:#/paths/~1a/get/responses/200: error: reference `#/paths/~1a/get/responses/404` names nothing: `bad.yaml` has no `404` at `#/paths/~1a/get/responses`");
    has(&err, "bad.yaml:#/components/schemas/A/properties/bad: error: reference `#/components/schemas/A/properties/nope` names nothing: `bad.yaml` has no `nope` at `#/components/schemas/A/properties`");
    has(&err, "bad.yaml:#/components/schemas/A/properties/escape: error: reference `#/components/schemas/A/~2` is not a valid JSON pointer");
    has(&err, "bad.yaml:#/components/schemas/A/properties/remote: error: remote reference `https://example.com/schemas.yaml#/A` is not supported");
    has(&err, "bad.yaml:#/components/schemas/A/properties/file: error: `other.yaml` has no component `#/components/schemas/Missing`");
    has(&err, "bad.yaml:#/components/schemas/A/properties/gone: error: cannot read referenced file `nowhere.yaml`");
    // Problems in another file are reported there.
    let err = refused(&[
        (
            "spec.yaml",
            &format!(
                "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'defs.yaml#/A'}}\n"
            ),
        ),
        (
            "defs.yaml",
            "A:\n  type: object\n  properties:\n    b: {$ref: '#/B'}\n",
        ),
    ]);
    has(&err, "defs.yaml:#/A/properties/b: error: reference `#/B` names nothing: `defs.yaml` has no `B` at the document's top level");
}

#[test]
fn a_response_used_as_a_schema_is_located_and_refused_when_strict() {
    let text = format!(
        "{HEAD}paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/responses/StatusMessage'}}
components:
  responses:
    StatusMessage: {{description: Summary of operation results}}
"
    );
    let err = refused(&[("rumble.yaml", &text)]);
    has(
        &err,
        "rumble.yaml:#/paths/~1a/get/responses/200/content/application~1json/schema: error:",
    );
    has(&err, "#/components/responses/StatusMessage");
    // A pointer at a node of the wrong kind is refused by the loader, with what to do.
    let text = format!(
        "{HEAD}paths:
  /a:
    get:
      responses:
        '200': {{$ref: '#/components/schemas/S'}}
        '201': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/responses/R/content'}}}}}}}}
        '202': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/responses/R'}}}}}}}}
components:
  schemas:
    S: {{type: string}}
  responses:
    R: {{description: r, content: {{application/json: {{schema: {{type: string}}}}}}}}
"
    );
    let err = refused(&[("kinds.yaml", &text)]);
    has(&err, "kinds.yaml:#/paths/~1a/get/responses/201/content/application~1json/schema: error: reference `#/components/responses/R/content` points at a mapping of names to a media type, where a schema is expected");
}

#[test]
fn repeated_references_do_not_multiply() {
    // Every level refers twice to the level below, by pointer: one copy per target node.
    let mut text = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..60 {
        text.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        v:\n          type: object\n          properties:\n            a: {{$ref: '#/components/schemas/S{n}/properties/v'}}\n            b: {{$ref: '#/components/schemas/S{n}/properties/v'}}\n",
            n = i + 1
        ));
    }
    text.push_str("    S60:\n      type: object\n      properties:\n        v: {type: string}\n");
    let spec = load(&[("wide.yaml", &text)]).unwrap();
    assert_eq!(spec.document.components.unwrap().schemas.len(), 61 + 60);
    // Path items referring to path items through callbacks, each twice.
    let mut text = format!("{HEAD}paths:\n");
    for i in 0..40 {
        text.push_str(&format!(
            "  /p{i}:\n    post:\n      responses: {{'200': {{description: ok}}}}\n      callbacks:\n        c:\n          a: {{$ref: '#/paths/~1p{n}'}}\n          b: {{$ref: '#/paths/~1p{n}'}}\n",
            n = i + 1
        ));
    }
    text.push_str("  /p40:\n    get:\n      responses: {'200': {description: ok}}\n");
    let err = load(&[("calls.yaml", &text)]).unwrap_err().to_string();
    has(&err, "add up to more than");
}

#[test]
fn problems_inside_referenced_files_are_located_in_them_on_disk() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("refs-on-disk");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("spec/schemas")).unwrap();
    std::fs::write(
        dir.join("spec/api.yaml"),
        format!("{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: 'schemas/Thing.yaml'}}}}}}}}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("spec/schemas/Thing.yaml"),
        "type: object\nproperties:\n  other: {$ref: 'Missing.yaml#/properties/x'}\n",
    )
    .unwrap();
    let config = Config {
        specs: vec![PathBuf::from("spec/api.yaml")],
        out_dir: dir.join("client"),
        crate_name: "refs-client".into(),
        ..Config::default()
    };
    let err = clientgen::generate_from_files(&dir, &config)
        .unwrap_err()
        .to_string();
    has(&err, "spec/schemas/Thing.yaml:3:3: error: cannot read referenced file `spec/schemas/Missing.yaml`");
    // Fixed: the generated crate holds the type.
    std::fs::write(
        dir.join("spec/schemas/Missing.yaml"),
        "properties:\n  x: {type: integer}\n",
    )
    .unwrap();
    let files = clientgen::generate_from_files(&dir, &config).unwrap_or_else(|e| panic!("{e}"));
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    has(&all, "pub struct Thing ");
    has(&all, "pub other: Option<MissingX>");
}

#[test]
fn callbacks_by_reference_are_inlined() {
    let text = format!(
        "{HEAD}paths:
  /search:
    get:
      operationId: search
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{type: string}}}}}}}}
      callbacks:
        index: {{$ref: '#/components/callbacks/searchIndex'}}
components:
  callbacks:
    searchIndex:
      'https://example.org/search':
        post:
          responses: {{'200': {{description: ok}}}}
"
    );
    let out = generated(&[("search.yaml", &text)]);
    has(&out, "fn search");
}

#[test]
fn a_parameter_named_where_a_schema_is_expected_gives_its_schema_with_a_warning() {
    let text = format!(
        "{HEAD}paths:
  /v/{{id}}:
    get:
      operationId: getV
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string, enum: [a, b]}}}}
        - {{name: other, in: query, schema: {{$ref: '#/paths/~1v~1%7Bid%7D/get/parameters/0'}}}}
      responses: {{'204': {{description: ok}}}}
"
    );
    let spec = load(&[("enode.yaml", &text)]).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = spec.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    has(&warnings[0], "enode.yaml:#/paths/~1v~1{id}/get/parameters/1/schema: warning: reference `#/paths/~1v~1%7Bid%7D/get/parameters/0` points at a parameter, where a schema is expected; the schema inside it (`/schema`) is used");
    let code = generated(&[("enode.yaml", &text)]);
    has(&code, "pub enum");
    // Strict generation refuses it, at the same place.
    has(
        &refused(&[("enode.yaml", &text)]),
        "parameters/1/schema: error: reference",
    );
}

/// A component defined in the spec under the name of one it imports: the error is at the
/// local one, with a note at the imported one, each placed in its own file.
#[test]
fn a_name_taken_twice_notes_where_the_import_is_defined() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("refs-name-taken");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    std::fs::write(
        dir.join("api.yaml"),
        format!("{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'shared/defs.yaml#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet: {{type: string}}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("shared/defs.yaml"),
        "components:\n  schemas:\n    Pet:\n      type: object\n",
    )
    .unwrap();
    let config = Config {
        specs: vec![PathBuf::from("api.yaml")],
        ..Config::default()
    };
    let problems = clientgen::generate_from_files(&dir, &config).unwrap_err();
    let [problem] = problems.0.as_slice() else {
        panic!("{problems}");
    };
    assert_eq!(
        (problem.file.as_str(), problem.line_column),
        ("api.yaml", Some((14, 5))),
        "{problems}"
    );
    let [note] = problem.notes() else {
        panic!("{problems}");
    };
    assert_eq!(note.severity, clientgen::diagnostics::Severity::Note);
    assert_eq!(
        (note.file.as_str(), note.line_column),
        ("shared/defs.yaml", Some((3, 5))),
        "{problems}"
    );
    assert!(
        problems.to_string().contains("shared/defs.yaml:3:5: note: the imported component `Pet` is defined here\n  at: #/components/schemas/Pet"),
        "{problems}"
    );
}
