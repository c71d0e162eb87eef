//! Makes every `$ref` of a spec point at a component of the root document.
//!
//! Lowering only looks up `#/components/<kind>/<Name>`, so after bundling every reference
//! has that form, with `<kind>` the kind its position expects:
//!
//! - A reference to a component of another file (`shared.yaml#/components/schemas/Error`)
//!   imports the component under its own name (`#/components/schemas/Error`).
//! - A reference to any other node, local (`#/components/schemas/Disk/properties/fs`,
//!   `#/paths/~1a/get/responses/200`) or in another file (`schemas/Pet.yaml`,
//!   `common.yaml#/Pet`), copies that node into the root's components under a synthesized
//!   name (see [`synthesized_name`]) and points there. One copy per target node, however
//!   many references reach it; the node itself stays where it is.
//! - A path item written as `$ref` (and a `$ref` where OpenAPI allows none, such as a
//!   `content` map) is replaced by its target, rewritten in turn.
//!
//! The kind a reference needs comes from its position in the OpenAPI object model: under
//! `schema`, `items`, `properties/<n>`, `additionalProperties`, `allOf/<i>`, `oneOf/<i>`,
//! `anyOf/<i>`, `not` a schema; in a `parameters` list a parameter; under `responses/<code>`
//! a response; `requestBody` a request body; `headers/<n>` a header; `examples/<n>` an
//! example; `links/<n>` a link; `callbacks/<n>` a callback (inlined); `paths/<p>` a path
//! item (inlined);
//! `components/<kind>/<n>` that kind. Positions the model does not describe take schemas.
//! Callbacks are inlined like path items (an operation's callbacks cannot be references in
//! the typed model).
//! A `$ref` inside data (`example`, `examples/<n>/value`, `default`, `enum`, `const`, `x-...`
//! extensions, links' parameters) is data and stays as written.
//!
//! References inside a copied node are resolved relative to the file it came from; chains
//! (a reference to a reference) are followed to their end, at most [`MAX_HOPS`] steps.
//! Only the injected [`ReadFile`] reads files.
//!
//! A Swagger 2.0 document (its root has `swagger`) is bundled the same way before it is
//! converted (`swagger2.rs`): its `definitions`, `parameters` and `responses` are its
//! component sections (`#/definitions/Pet` becomes `#/components/schemas/Pet`, the name the
//! conversion gives it), and a response's `schema` is a schema. Bundling it first keeps every
//! problem found here at the 2.0 document's own pointers.

use crate::diagnostics::{pointer, pointer_token, Diagnostic, Diagnostics};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// Reads a file's text; the only I/O bundling does, injected so bundling itself stays pure.
pub type ReadFile<'a> = dyn FnMut(&Path) -> std::io::Result<String> + 'a;

/// A document with every reference made local.
pub struct Bundled {
    pub value: Value,
    pub files_read: Vec<PathBuf>,
    /// Where the copied and inlined nodes of the bundle are written.
    pub origins: Vec<Origin>,
    /// What was followed to something near what it names, located.
    pub warnings: Vec<Diagnostic>,
}

/// A node of the bundle written elsewhere: a problem found in it is reported where it is
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Its JSON pointer in the bundle.
    pub at: String,
    /// The file it is written in (as the user would name it).
    pub file: String,
    /// Its JSON pointer in that file.
    pub pointer: String,
}

/// The component kinds a `$ref` may point at.
const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Swagger 2.0's component sections (at its root, or at the top of a file it refers to) and
/// the kind each becomes.
const SWAGGER2_SECTIONS: &[(&str, &str)] = &[
    ("definitions", "schemas"),
    ("parameters", "parameters"),
    ("responses", "responses"),
];

/// The component kind of a Swagger 2.0 section.
fn swagger2_kind(section: &str) -> Option<&'static str> {
    SWAGGER2_SECTIONS
        .iter()
        .find(|(s, _)| *s == section)
        .map(|(_, kind)| *kind)
}

/// Steps a chain of references (`$ref` to a `$ref`, or through one inside a pointer) may take.
const MAX_HOPS: usize = 32;
/// Path items inlined inside path items (through callbacks), at most.
const MAX_INLINE_DEPTH: usize = 32;
/// JSON nodes that inlining path items may add in all, against references that multiply.
const MAX_INLINED_NODES: usize = 2_000_000;

/// What sits at a place of an OpenAPI document.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Node {
    Root,
    Components,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    MediaType,
    Encoding,
    Response,
    Link,
    Callback,
    Example,
    Schema,
    SecurityScheme,
    /// A place the object model does not describe (vendor keys, JSON Schema keywords
    /// OpenAPI 3.0 lacks): references there are followed, as schemas.
    Unknown,
}

impl Node {
    /// The component kind of this node, if it can be a component.
    fn kind(self) -> Option<&'static str> {
        Some(match self {
            Node::Schema => "schemas",
            Node::Parameter => "parameters",
            Node::Header => "headers",
            Node::RequestBody => "requestBodies",
            Node::Response => "responses",
            Node::Example => "examples",
            Node::Link => "links",
            Node::Callback => "callbacks",
            Node::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    fn of_kind(kind: &str) -> Node {
        match kind {
            "schemas" => Node::Schema,
            "parameters" => Node::Parameter,
            "headers" => Node::Header,
            "requestBodies" => Node::RequestBody,
            "responses" => Node::Response,
            "examples" => Node::Example,
            "links" => Node::Link,
            "callbacks" => Node::Callback,
            "securitySchemes" => Node::SecurityScheme,
            _ => Node::Unknown,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Node::Root => "the whole document",
            Node::Components => "the components",
            Node::PathItem => "a path item",
            Node::Operation => "an operation",
            Node::Parameter => "a parameter",
            Node::Header => "a header",
            Node::RequestBody => "a request body",
            Node::MediaType => "a media type",
            Node::Encoding => "an encoding",
            Node::Response => "a response",
            Node::Link => "a link",
            Node::Callback => "a callback",
            Node::Example => "an example",
            Node::Schema => "a schema",
            Node::SecurityScheme => "a security scheme",
            Node::Unknown => "a node",
        }
    }
}

/// The place a value sits in: one node, a mapping of names to nodes, a list of nodes, data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Ctx {
    Node(Node),
    /// Every key is a name (`properties`, `content`, `components/schemas`).
    Map(Node),
    /// Keys are names, except `x-` extensions (`paths`, `responses`).
    MapExt(Node),
    List(Node),
    /// Example values, defaults, extensions: a `$ref` there is data.
    Data,
}

impl Ctx {
    /// The place of the value under `key`.
    fn child(self, key: &str) -> Ctx {
        use Node::*;
        let node = match self {
            Ctx::Data => return Ctx::Data,
            Ctx::Map(n) | Ctx::List(n) => return Ctx::Node(n),
            Ctx::MapExt(_) if key.starts_with("x-") => return Ctx::Data,
            Ctx::MapExt(n) => return Ctx::Node(n),
            Ctx::Node(node) => node,
        };
        if key.starts_with("x-") {
            return Ctx::Data;
        }
        match (node, key) {
            (Root, "paths") => Ctx::MapExt(PathItem),
            (Root, "components") => Ctx::Node(Components),
            (Root, "info" | "servers" | "security" | "tags" | "externalDocs" | "openapi") => {
                Ctx::Data
            }
            (Components, _) if COMPONENT_KINDS.contains(&key) => Ctx::Map(Node::of_kind(key)),
            (PathItem, _) if METHODS.contains(&key) => Ctx::Node(Operation),
            (PathItem | Operation, "parameters") => Ctx::List(Parameter),
            (Operation, "requestBody") => Ctx::Node(RequestBody),
            (Operation, "responses") => Ctx::MapExt(Response),
            (Operation, "callbacks") => Ctx::Map(Callback),
            (Parameter | Header | MediaType, "schema") => Ctx::Node(Schema),
            (Parameter | Header | RequestBody | Response, "content") => Ctx::Map(MediaType),
            (Parameter | Header | MediaType, "examples") => Ctx::Map(Example),
            (MediaType, "encoding") => Ctx::Map(Encoding),
            (Encoding | Response, "headers") => Ctx::Map(Header),
            (Response, "links") => Ctx::Map(Link),
            (Callback, _) => Ctx::Node(PathItem),
            (
                Schema | Unknown,
                "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas",
            ) => Ctx::Map(Schema),
            (
                Schema | Unknown,
                "items"
                | "additionalProperties"
                | "not"
                | "additionalItems"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "schema",
            ) => Ctx::Node(Schema),
            (Schema | Unknown, "allOf" | "oneOf" | "anyOf" | "prefixItems") => Ctx::List(Schema),
            (Schema | Unknown, "example" | "default" | "enum" | "const" | "examples") => Ctx::Data,
            (
                Schema,
                "discriminator" | "xml" | "externalDocs" | "required" | "type" | "format"
                | "description" | "title" | "pattern",
            ) => Ctx::Data,
            (Root | Components | Schema | Unknown, _) => Ctx::Node(Unknown),
            _ => Ctx::Data,
        }
    }

    /// The place of the value under `key`, in a Swagger 2.0 document when `swagger2`.
    fn child_in(self, key: &str, swagger2: bool) -> Ctx {
        if swagger2 {
            match (self, key) {
                (Ctx::Node(Node::Root), _) if swagger2_kind(key).is_some() => {
                    return swagger2_kind(key).map_or(Ctx::Data, |k| Ctx::Map(Node::of_kind(k)))
                }
                (
                    Ctx::Node(Node::Root),
                    "swagger"
                    | "host"
                    | "basePath"
                    | "schemes"
                    | "consumes"
                    | "produces"
                    | "securityDefinitions",
                ) => return Ctx::Data,
                // 2.0 responses hold their schema directly, not in `content`.
                (Ctx::Node(Node::Response), "schema") => return Ctx::Node(Node::Schema),
                _ => {}
            }
        }
        self.child(key)
    }

    /// The place of an array's elements.
    fn element(self) -> Ctx {
        match self {
            Ctx::List(n) => Ctx::Node(n),
            Ctx::Node(Node::Schema) => Ctx::Node(Node::Schema),
            Ctx::Node(Node::Unknown) => Ctx::Node(Node::Unknown),
            _ => Ctx::Data,
        }
    }

    fn describe(self) -> String {
        match self {
            Ctx::Node(n) => n.describe().to_owned(),
            Ctx::Map(n) | Ctx::MapExt(n) => format!("a mapping of names to {}", n.describe()),
            Ctx::List(n) => format!("a list of {}", n.describe()),
            Ctx::Data => "data (an example, a default, an extension)".to_owned(),
        }
    }
}

/// What a `$ref` at some place needs its target to be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Want {
    /// A component of this kind.
    Component(&'static str),
    /// Any component (a place the object model does not describe): copied as a schema.
    Any,
    /// The node itself, in place of the reference (path items).
    Inline(Ctx),
}

fn want(ctx: Ctx) -> Want {
    match ctx {
        Ctx::Node(Node::Unknown) => Want::Any,
        // The typed model has no reference in an operation's callbacks: they are inlined.
        Ctx::Node(Node::Callback) => Want::Inline(ctx),
        Ctx::Node(node) => match node.kind() {
            Some(kind) => Want::Component(kind),
            None => Want::Inline(ctx),
        },
        other => Want::Inline(other),
    }
}

/// A reference as it ends up in the bundle.
#[derive(Clone, Debug)]
enum RefTo {
    /// Written out already (a component of the root).
    Fixed(String),
    /// A component added to the root, named once every name is known.
    Copy(usize),
}

#[derive(Clone, Debug)]
enum Edit {
    /// Set the `$ref` of the object at this place.
    Ref(RefTo),
    /// Replace the object at this place by an inlined node.
    Replace(usize),
}

/// A node of some document, with the edits that make its references local.
struct Piece {
    file: PathBuf,
    tokens: Vec<String>,
    /// (JSON pointer relative to the node, edit), in document order.
    edits: Vec<(String, Edit)>,
}

struct CopyEntry {
    file: PathBuf,
    tokens: Vec<String>,
    kind: &'static str,
    /// The name a `file#/components/<kind>/<Name>` import keeps.
    fixed: Option<String>,
    /// The name of a root component that is only a `$ref` to this node: the copy takes its
    /// place.
    adopted: Option<String>,
    edits: Option<Vec<(String, Edit)>>,
}

struct Inlined {
    piece: Piece,
    /// JSON nodes it expands to, inlined path items inside it included.
    size: usize,
}

/// Where a `$ref` is written: its file and the JSON pointer of the object holding it.
#[derive(Clone)]
struct Site {
    file: PathBuf,
    at: String,
}

pub struct Bundler<'r> {
    read: &'r mut ReadFile<'r>,
    root_path: PathBuf,
    /// Parsed documents, the root included, by normalised path.
    documents: BTreeMap<PathBuf, Rc<Value>>,
    copies: Vec<CopyEntry>,
    copy_ids: HashMap<(PathBuf, Vec<String>, &'static str), usize>,
    /// (kind, name) of imports keeping their name, to the file they come from.
    fixed_names: BTreeMap<(String, String), PathBuf>,
    inlined: Vec<Inlined>,
    inline_ids: HashMap<(PathBuf, Vec<String>, Ctx), usize>,
    /// Path items being inlined, innermost last: a cycle among them is refused.
    inlining: Vec<(PathBuf, Vec<String>, Ctx)>,
    inlined_nodes: usize,
    /// Inlined path items of the root document: (pointer in the bundle, file, pointer there).
    inline_origins: Vec<(String, PathBuf, String)>,
    /// True while walking the root document itself (not a copy of one of its nodes).
    walking_root: bool,
    /// The root is a Swagger 2.0 document: its component sections and places are 2.0's.
    swagger2: bool,
    diagnostics: Vec<Diagnostic>,
    /// References followed to something near what they name (a schema inside the parameter
    /// named where a schema is expected).
    warnings: Vec<Diagnostic>,
    /// Every file read, root first, for build scripts' `rerun-if-changed`.
    pub files_read: Vec<PathBuf>,
}

/// What a reference becomes.
enum Resolved {
    Ref(RefTo),
    Inline(usize),
}

impl<'r> Bundler<'r> {
    pub fn new(root_path: &Path, read: &'r mut ReadFile<'r>) -> Self {
        Bundler {
            read,
            root_path: normalize(root_path),
            documents: BTreeMap::new(),
            copies: Vec::new(),
            copy_ids: HashMap::new(),
            fixed_names: BTreeMap::new(),
            inlined: Vec::new(),
            inline_ids: HashMap::new(),
            inlining: Vec::new(),
            inlined_nodes: 0,
            inline_origins: Vec::new(),
            walking_root: false,
            swagger2: false,
            diagnostics: Vec::new(),
            warnings: Vec::new(),
            files_read: vec![normalize(root_path)],
        }
    }

    /// Makes every reference in `root` point at a component of `root`, adding the components
    /// that copies need. Returns the bundled document, the files read, and for each component
    /// (or path item) from another file its pointer in the bundle and that file.
    pub fn bundle(mut self, root: Value) -> Result<Bundled, Diagnostics> {
        let root_path = self.root_path.clone();
        self.swagger2 = super::swagger2::is_20(&root);
        let root = Rc::new(root);
        self.documents.insert(root_path.clone(), Rc::clone(&root));
        let mut edits = Vec::new();
        self.walking_root = true;
        self.walk(
            &root_path,
            &root,
            Ctx::Node(Node::Root),
            &mut String::new(),
            0,
            None,
            &mut edits,
        );
        self.walking_root = false;
        // Copies found while copying join the queue; each target is copied once.
        let mut next = 0;
        while next < self.copies.len() {
            self.process_copy(next);
            next += 1;
        }
        if !self.diagnostics.is_empty() {
            return Err(Diagnostics(self.diagnostics));
        }
        let names = self.assign_names(&root);
        // Inlined nodes only hold inlined nodes made before them.
        let mut inline_values: Vec<Value> = Vec::with_capacity(self.inlined.len());
        for inlined in &self.inlined {
            let value = self.build(
                &inlined.piece.file,
                &inlined.piece.tokens,
                &inlined.piece.edits,
                &names,
                &inline_values,
            );
            inline_values.push(value);
        }
        let mut additions: Vec<(&'static str, String, Value, (String, String))> = Vec::new();
        for id in self.order(&edits) {
            let copy = &self.copies[id];
            let value = self.build(
                &copy.file,
                &copy.tokens,
                copy.edits.as_deref().unwrap_or_default(),
                &names,
                &inline_values,
            );
            // Where the import is written, for a note if its name is taken.
            let origin = (display(&copy.file), pointer_of(&copy.tokens));
            additions.push((copy.kind, names[id].clone(), value, origin));
        }
        self.documents.clear();
        let mut root = Rc::try_unwrap(root).unwrap_or_else(|shared| (*shared).clone());
        self.apply(&mut root, &edits, &names, &inline_values);
        if !additions.is_empty() {
            let Some(object) = root.as_object_mut() else {
                return Ok(self.finish(root, &names));
            };
            let components = object
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(components) = components.as_object_mut() else {
                let file = display(&root_path);
                return Err(
                    Diagnostic::at(file, "/components", "`components` must be an object")
                        .help("write `components` as a mapping of component kinds")
                        .into(),
                );
            };
            for (kind, name, value, (origin_file, origin_pointer)) in additions {
                let section = components
                    .entry(kind.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                let Some(section) = section.as_object_mut() else {
                    continue;
                };
                // `Name: {$ref: ...}` was rewritten to point at itself; what it referred to
                // takes its place.
                let self_reference = local_ref(kind, &name);
                let aliased = section
                    .get(&name)
                    .and_then(|v| v.get("$ref"))
                    .is_some_and(|r| r.as_str() == Some(self_reference.as_str()));
                if aliased || !section.contains_key(&name) {
                    section.insert(name, value);
                } else {
                    let file = display(&root_path);
                    self.diagnostics.push(
                        Diagnostic::at(
                            file,
                            pointer(["components", kind, name.as_str()]),
                            format!("component `{name}` is defined here and also imported from another file"),
                        )
                        .help("rename one of them, or reference the shared one instead of defining it locally")
                        .note(Diagnostic::at(
                            origin_file,
                            origin_pointer,
                            format!("the imported component `{name}` is defined here"),
                        )),
                    );
                }
            }
        }
        if self.diagnostics.is_empty() {
            Ok(self.finish(root, &names))
        } else {
            Err(Diagnostics(self.diagnostics))
        }
    }

    fn finish(self, value: Value, names: &[String]) -> Bundled {
        // Every node the bundle holds somewhere else than where it is written: copies (from
        // other files, or from elsewhere in the root) and inlined path items.
        let mut copied: BTreeMap<(&str, &str), (&Path, String)> = BTreeMap::new();
        for (copy, name) in self.copies.iter().zip(names) {
            let at = pointer(["components", copy.kind, name.as_str()]);
            let written = pointer_of(&copy.tokens);
            if copy.file != self.root_path || written != at {
                copied.insert((copy.kind, name.as_str()), (&copy.file, written));
            }
        }
        let mut origins: Vec<Origin> = copied
            .into_iter()
            .map(|((kind, name), (file, written))| Origin {
                at: pointer(["components", kind, name]),
                file: display(file),
                pointer: written,
            })
            .collect();
        origins.extend(
            self.inline_origins
                .iter()
                .map(|(at, file, written)| Origin {
                    at: at.clone(),
                    file: display(file),
                    pointer: written.clone(),
                }),
        );
        Bundled {
            value,
            files_read: self.files_read,
            origins,
            warnings: self.warnings,
        }
    }

    /// Walks `value` (at `at` in `file`, a node of kind `ctx`), recording in `edits` (at
    /// pointers relative to `at[..rel]`) what each reference becomes. `adopt` is the name of
    /// the root component `value` is, when it is one.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        file: &Path,
        value: &Value,
        ctx: Ctx,
        at: &mut String,
        rel: usize,
        adopt: Option<&str>,
        edits: &mut Vec<(String, Edit)>,
    ) {
        if ctx == Ctx::Data {
            return;
        }
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let site = Site {
                        file: file.to_path_buf(),
                        at: at.clone(),
                    };
                    let adopt = adopt.filter(|_| self.walking_root);
                    match self.resolve(&site, reference, want(ctx), adopt) {
                        Some(Resolved::Ref(RefTo::Fixed(local))) if local == *reference => {}
                        Some(Resolved::Ref(to)) => {
                            edits.push((at[rel..].to_owned(), Edit::Ref(to)))
                        }
                        Some(Resolved::Inline(id)) => {
                            let piece = &self.inlined[id].piece;
                            if self.walking_root {
                                let written = pointer_of(&piece.tokens);
                                if piece.file != self.root_path || written != *at {
                                    self.inline_origins.push((
                                        at.clone(),
                                        piece.file.clone(),
                                        written,
                                    ));
                                }
                            }
                            edits.push((at[rel..].to_owned(), Edit::Replace(id)));
                        }
                        None => {}
                    }
                    return;
                }
                let section = self.walking_root
                    && matches!(ctx, Ctx::Map(_))
                    && (at
                        .strip_prefix("/components/")
                        .is_some_and(|kind| COMPONENT_KINDS.contains(&kind))
                        || (self.swagger2
                            && at
                                .strip_prefix('/')
                                .is_some_and(|s| swagger2_kind(s).is_some())));
                for (key, child) in map {
                    let inner = ctx.child_in(key, self.swagger2);
                    if inner == Ctx::Data || !(child.is_object() || child.is_array()) {
                        continue;
                    }
                    let len = at.len();
                    at.push('/');
                    at.push_str(&pointer_token(key));
                    let adopt = section.then_some(key.as_str());
                    self.walk(file, child, inner, at, rel, adopt, edits);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                let inner = ctx.element();
                if inner == Ctx::Data {
                    return;
                }
                for (i, child) in items.iter().enumerate() {
                    if !(child.is_object() || child.is_array()) {
                        continue;
                    }
                    let len = at.len();
                    at.push_str(&format!("/{i}"));
                    self.walk(file, child, inner, at, rel, None, edits);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// What the reference `reference`, written at `site` where `want` is needed, becomes;
    /// `None` after reporting why it cannot be followed.
    fn resolve(
        &mut self,
        site: &Site,
        reference: &str,
        want: Want,
        adopt: Option<&str>,
    ) -> Option<Resolved> {
        let mut from = site.clone();
        let mut current = reference.to_owned();
        let mut seen: HashSet<(PathBuf, Vec<String>)> = HashSet::new();
        // A schema written under another component kind.
        let mut misplaced_schema = false;
        for _ in 0..MAX_HOPS {
            let (file, tokens) = self.parse_reference(&from, &current)?;
            if let Some((kind, name)) = component_of(&tokens, self.swagger2) {
                if file == self.root_path {
                    match want {
                        Want::Any => {
                            return Some(Resolved::Ref(RefTo::Fixed(local_ref(kind, name))))
                        }
                        Want::Component(wanted) if wanted == kind => {
                            return Some(Resolved::Ref(RefTo::Fixed(local_ref(kind, name))))
                        }
                        // A schema written under another kind is copied as a schema; anything
                        // else is left for lowering to report where it is used.
                        Want::Component("schemas") if self.schema_like(&tokens) => {
                            misplaced_schema = true;
                        }
                        Want::Component(_) => {
                            return Some(Resolved::Ref(RefTo::Fixed(local_ref(kind, name))))
                        }
                        Want::Inline(_) => {}
                    }
                } else if !matches!(want, Want::Inline(_)) {
                    let name = name.to_owned();
                    return self
                        .import(&from, file, kind, &name, tokens.clone())
                        .map(|id| Resolved::Ref(RefTo::Copy(id)));
                }
            }
            let (file, tokens, document) = self.locate(&from, &current, file, tokens)?;
            let at = pointer_of(&tokens);
            if !seen.insert((file.clone(), tokens.clone())) {
                self.diagnostics.push(
                    Diagnostic::at(
                        display(&site.file),
                        &site.at,
                        format!(
                            "reference `{reference}` is circular: following it comes back to `{}#{at}`",
                            display(&file)
                        ),
                    )
                    .help("point one of the references at a definition rather than at another reference"),
                );
                return None;
            }
            let node = document.pointer(&at).unwrap_or(&Value::Null);
            if let Some(Value::String(next)) = node.get("$ref") {
                current = next.clone();
                from = Site { file, at };
                continue;
            }
            let place = place_of(&self.root_path, &file, &tokens, &document, self.swagger2);
            let wanted = match want {
                Want::Component(kind) => Ctx::Node(Node::of_kind(kind)),
                Want::Any => Ctx::Node(Node::Unknown),
                Want::Inline(ctx) => ctx,
            };
            if let Some(place) = place.filter(|p| !misplaced_schema && mismatched(*p, wanted)) {
                // A parameter, response or body named where a schema is expected: the one
                // schema it holds is what the author meant.
                if let (Some(inner), Ctx::Node(Node::Schema)) = (schema_inside(node), wanted) {
                    self.warnings.push(
                        Diagnostic::at(
                            display(&from.file),
                            &from.at,
                            format!(
                                "reference `{current}` points at {}, where a schema is expected; the schema inside it (`{inner}`) is used",
                                place.describe()
                            ),
                        )
                        .help(format!(
                            "point the reference at the schema inside it: `{}#{at}{inner}`",
                            reference_file(&current)
                        ))
                        .warning(),
                    );
                    current = format!("{}#{at}{inner}", reference_file(&current));
                    continue;
                }
                let mut diagnostic = Diagnostic::at(
                    display(&from.file),
                    &from.at,
                    format!(
                        "reference `{current}` points at {}, where {} is expected",
                        place.describe(),
                        wanted.describe()
                    ),
                );
                diagnostic = match schema_inside(node) {
                    Some(inner) if wanted == Ctx::Node(Node::Schema) => diagnostic.help(format!(
                        "point the reference at the schema inside it: `{}#{at}{inner}`",
                        reference_file(&current)
                    )),
                    _ => diagnostic.help(format!(
                        "point the reference at {} (for instance one under `#/components/{}`)",
                        wanted.describe(),
                        match wanted {
                            Ctx::Node(n) => n.kind().unwrap_or("schemas"),
                            _ => "schemas",
                        }
                    )),
                };
                self.diagnostics.push(diagnostic);
                return None;
            }
            return match want {
                Want::Component(kind) => Some(Resolved::Ref(RefTo::Copy(
                    self.copy(file, tokens, kind, adopt),
                ))),
                Want::Any => Some(Resolved::Ref(RefTo::Copy(
                    self.copy(file, tokens, "schemas", None),
                ))),
                Want::Inline(ctx) => self
                    .inline(&from, &current, file, tokens, ctx, &document)
                    .map(Resolved::Inline),
            };
        }
        self.diagnostics.push(
            Diagnostic::at(
                display(&site.file),
                &site.at,
                format!(
                    "reference `{reference}` starts a chain of more than {MAX_HOPS} references"
                ),
            )
            .help("point the reference at the definition itself"),
        );
        None
    }

    /// Splits `reference` (written at `from`) into the normalised file it names and the
    /// unescaped tokens of its JSON pointer.
    fn parse_reference(&mut self, from: &Site, reference: &str) -> Option<(PathBuf, Vec<String>)> {
        let (target_file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if target_file.contains("://") || target_file.starts_with("//") {
            self.diagnostics.push(
                Diagnostic::at(display(&from.file), &from.at, format!("remote reference `{reference}` is not supported"))
                    .help("download the referenced document next to the spec and refer to it by relative path"),
            );
            return None;
        }
        let file = if target_file.is_empty() {
            from.file.clone()
        } else {
            let decoded = percent_decode(target_file).unwrap_or_else(|_| target_file.to_owned());
            normalize(&from.file.parent().unwrap_or(Path::new("")).join(decoded))
        };
        match parse_pointer(fragment) {
            Ok(tokens) => Some((file, tokens)),
            Err(why) => {
                self.diagnostics.push(
                    Diagnostic::at(
                        display(&from.file),
                        &from.at,
                        format!("reference `{reference}` is not a valid JSON pointer: {why}"),
                    )
                    .help("write the part after `#` as an RFC 6901 JSON pointer, such as `#/components/schemas/Name` (`~1` stands for `/` and `~0` for `~` inside a name)"),
                );
                None
            }
        }
    }

    /// Finds the node `tokens` name in `file`, going through references on the way (a
    /// pointer into a node that is only a `$ref`), and returns where it really is.
    fn locate(
        &mut self,
        from: &Site,
        reference: &str,
        mut file: PathBuf,
        tokens: Vec<String>,
    ) -> Option<(PathBuf, Vec<String>, Rc<Value>)> {
        let mut document = self.document(&file, from)?;
        let mut pending: std::collections::VecDeque<String> = tokens.into();
        let mut found: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(token) = pending.pop_front() {
            let here = pointer_of(&found);
            let node = document.pointer(&here).unwrap_or(&Value::Null);
            if step(node, &token).is_some() {
                found.push(token);
                continue;
            }
            if let Some(Value::String(inner)) = node.get("$ref") {
                hops += 1;
                if hops > MAX_HOPS {
                    self.diagnostics.push(
                        Diagnostic::at(
                            display(&from.file),
                            &from.at,
                            format!("reference `{reference}` goes through more than {MAX_HOPS} references"),
                        )
                        .help("point the reference at the definition itself"),
                    );
                    return None;
                }
                let site = Site {
                    file: file.clone(),
                    at: here,
                };
                let inner = inner.clone();
                let (next_file, next_tokens) = self.parse_reference(&site, &inner)?;
                document = self.document(&next_file, &site)?;
                file = next_file;
                pending.push_front(token);
                for t in next_tokens.into_iter().rev() {
                    pending.push_front(t);
                }
                found.clear();
                continue;
            }
            let shown = if here.is_empty() {
                "the document's top level".to_owned()
            } else {
                format!("`#{here}`")
            };
            self.diagnostics.push(
                Diagnostic::at(
                    display(&from.file),
                    &from.at,
                    format!(
                        "reference `{reference}` names nothing: `{}` has no `{token}` at {shown}",
                        display(&file)
                    ),
                )
                .help("fix the reference's JSON pointer so it names a node that exists (`~1` stands for `/` and `~0` for `~` inside a name)"),
            );
            return None;
        }
        Some((file, found, document))
    }

    /// Whether the root's component at `tokens` reads as a schema.
    fn schema_like(&self, tokens: &[String]) -> bool {
        let Some(node) = self
            .documents
            .get(&self.root_path)
            .and_then(|d| d.pointer(&pointer_of(tokens)))
            .and_then(Value::as_object)
        else {
            return false;
        };
        const SHAPING: &[&str] = &[
            "type",
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
            "enum",
            "additionalProperties",
            "format",
        ];
        SHAPING.iter().any(|k| node.contains_key(*k))
            && !["content", "in", "$ref", "schema"]
                .iter()
                .any(|k| node.contains_key(*k))
    }

    /// The copy of `file#/components/<kind>/<name>` (`tokens`; in a Swagger 2.0 bundle also
    /// `file#/definitions/<name>` and the like), keeping its name.
    fn import(
        &mut self,
        from: &Site,
        file: PathBuf,
        kind: &'static str,
        name: &str,
        tokens: Vec<String>,
    ) -> Option<usize> {
        let document = self.document(&file, from)?;
        if document.pointer(&pointer_of(&tokens)).is_none() {
            self.diagnostics.push(
                Diagnostic::at(
                    display(&from.file),
                    &from.at,
                    format!(
                        "`{}` has no component `#{}`",
                        display(&file),
                        pointer_of(&tokens)
                    ),
                )
                .help("check the component's name and kind in the referenced file"),
            );
            return None;
        }
        let key_name = (kind.to_owned(), name.to_owned());
        if let Some(previous) = self.fixed_names.get(&key_name) {
            if *previous != file {
                self.diagnostics.push(
                    Diagnostic::at(
                        display(&from.file),
                        &from.at,
                        format!(
                            "component `{name}` is imported from both `{}` and `{}`",
                            display(previous),
                            display(&file)
                        ),
                    )
                    .help("give the two components different names"),
                );
                return None;
            }
        }
        self.fixed_names.insert(key_name, file.clone());
        let id = self.copy(file, tokens, kind, None);
        self.copies[id].fixed = Some(name.to_owned());
        self.copies[id].adopted = None;
        Some(id)
    }

    /// The one copy of the node at `file#tokens` as a `kind` component.
    fn copy(
        &mut self,
        file: PathBuf,
        tokens: Vec<String>,
        kind: &'static str,
        adopt: Option<&str>,
    ) -> usize {
        let key = (file, tokens, kind);
        if let Some(&id) = self.copy_ids.get(&key) {
            let copy = &mut self.copies[id];
            if copy.fixed.is_none() && copy.adopted.is_none() {
                copy.adopted = adopt.map(str::to_owned);
            }
            return id;
        }
        let id = self.copies.len();
        self.copies.push(CopyEntry {
            file: key.0.clone(),
            tokens: key.1.clone(),
            kind,
            fixed: None,
            adopted: adopt.map(str::to_owned),
            edits: None,
        });
        self.copy_ids.insert(key, id);
        id
    }

    fn process_copy(&mut self, id: usize) {
        let (file, tokens, kind) = {
            let copy = &self.copies[id];
            (copy.file.clone(), copy.tokens.clone(), copy.kind)
        };
        let Some(document) = self.documents.get(&file).cloned() else {
            return;
        };
        let mut at = pointer_of(&tokens);
        let Some(node) = document.pointer(&at) else {
            return;
        };
        let rel = at.len();
        let mut edits = Vec::new();
        self.walk(
            &file,
            node,
            Ctx::Node(Node::of_kind(kind)),
            &mut at,
            rel,
            None,
            &mut edits,
        );
        self.copies[id].edits = Some(edits);
    }

    /// The node at `file#tokens`, rewritten, to put in place of a reference (a path item).
    fn inline(
        &mut self,
        from: &Site,
        reference: &str,
        file: PathBuf,
        tokens: Vec<String>,
        ctx: Ctx,
        document: &Rc<Value>,
    ) -> Option<usize> {
        let key = (file, tokens, ctx);
        if let Some(&id) = self.inline_ids.get(&key) {
            return self.count_inlined(id, from);
        }
        if self.inlining.contains(&key) || self.inlining.len() >= MAX_INLINE_DEPTH {
            self.diagnostics.push(
                Diagnostic::at(
                    display(&from.file),
                    &from.at,
                    format!("reference `{reference}` includes the node that holds it (or nests {MAX_INLINE_DEPTH} deep)"),
                )
                .help("a path item cannot contain itself; share the repeated operations through components instead"),
            );
            return None;
        }
        let mut at = pointer_of(&key.1);
        let node = document.pointer(&at).unwrap_or(&Value::Null);
        let rel = at.len();
        let mut edits = Vec::new();
        self.inlining.push(key.clone());
        let walking_root = std::mem::replace(&mut self.walking_root, false);
        self.walk(&key.0, node, ctx, &mut at, rel, None, &mut edits);
        self.walking_root = walking_root;
        self.inlining.pop();
        let size = count_nodes(node)
            + edits
                .iter()
                .map(|(_, edit)| match edit {
                    Edit::Replace(j) => self.inlined[*j].size,
                    Edit::Ref(_) => 0,
                })
                .sum::<usize>();
        let id = self.inlined.len();
        self.inlined.push(Inlined {
            piece: Piece {
                file: key.0.clone(),
                tokens: key.1.clone(),
                edits,
            },
            size,
        });
        self.inline_ids.insert(key, id);
        self.count_inlined(id, from)
    }

    fn count_inlined(&mut self, id: usize, from: &Site) -> Option<usize> {
        let before = self.inlined_nodes;
        self.inlined_nodes = before.saturating_add(self.inlined[id].size);
        if self.inlined_nodes > MAX_INLINED_NODES {
            if before <= MAX_INLINED_NODES {
                self.diagnostics.push(
                    Diagnostic::at(
                        display(&from.file),
                        &from.at,
                        format!("the path items that `$ref`s repeat add up to more than {MAX_INLINED_NODES} nodes"),
                    )
                    .help("share repeated parts through components instead of referring to whole path items"),
                );
            }
            return None;
        }
        Some(id)
    }

    fn document(&mut self, file: &Path, from: &Site) -> Option<Rc<Value>> {
        if let Some(document) = self.documents.get(file) {
            return Some(Rc::clone(document));
        }
        let text = match (self.read)(file) {
            Ok(text) => text,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::at(
                        display(&from.file),
                        &from.at,
                        format!("cannot read referenced file `{}`: {e}", display(file)),
                    )
                    .help(
                        super::read::help_for(&e)
                            .unwrap_or("check the relative path of the reference"),
                    ),
                );
                return None;
            }
        };
        self.files_read.push(file.to_path_buf());
        match super::parse::parse_document(&display(file), &text) {
            Ok(value) => {
                let value = Rc::new(value);
                self.documents.insert(file.to_path_buf(), Rc::clone(&value));
                Some(value)
            }
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// Names every copy: imports keep theirs, a copy that a root component only refers to
    /// takes that component's name, the others get [`synthesized_name`], made unique.
    fn assign_names(&self, root: &Value) -> Vec<String> {
        let mut taken: HashMap<&str, HashSet<String>> = HashMap::new();
        if let Some(components) = root.get("components").and_then(Value::as_object) {
            for kind in COMPONENT_KINDS {
                if let Some(section) = components.get(*kind).and_then(Value::as_object) {
                    let set = taken.entry(kind).or_default();
                    set.extend(section.keys().map(|n| name_key(n)));
                }
            }
        }
        if self.swagger2 {
            for (section, kind) in SWAGGER2_SECTIONS {
                if let Some(section) = root.get(*section).and_then(Value::as_object) {
                    let set = taken.entry(kind).or_default();
                    set.extend(section.keys().map(|n| name_key(n)));
                }
            }
        }
        for (kind, name) in self.fixed_names.keys() {
            let kind = COMPONENT_KINDS
                .iter()
                .find(|k| **k == kind)
                .copied()
                .unwrap_or("schemas");
            taken.entry(kind).or_default().insert(name_key(name));
        }
        let mut names = Vec::with_capacity(self.copies.len());
        for copy in &self.copies {
            if let Some(name) = copy.fixed.as_ref().or(copy.adopted.as_ref()) {
                names.push(name.clone());
                continue;
            }
            // A 2.0 section says no more than `components/<kind>` does.
            let tokens = match copy.tokens.as_slice() {
                [section, rest @ ..]
                    if self.swagger2 && !rest.is_empty() && swagger2_kind(section).is_some() =>
                {
                    rest
                }
                all => all,
            };
            let base = synthesized_name(&copy.file, tokens, copy.file == self.root_path);
            let set = taken.entry(copy.kind).or_default();
            let mut name = base.clone();
            let mut n = 2;
            while set.contains(&name_key(&name)) {
                name = format!("{base}_{n}");
                n += 1;
            }
            set.insert(name_key(&name));
            names.push(name);
        }
        names
    }

    /// The copies in the order they are added: each after the copies it refers to, first
    /// reached first (as a depth-first import would add them).
    fn order(&self, root_edits: &[(String, Edit)]) -> Vec<usize> {
        let children = |edits: &[(String, Edit)]| {
            let mut out = Vec::new();
            // Inlined nodes' edits are visited in place, in document order.
            let mut frames: Vec<(usize, &[(String, Edit)])> = vec![(0, edits)];
            while let Some((i, list)) = frames.pop() {
                if let Some((_, edit)) = list.get(i) {
                    frames.push((i + 1, list));
                    match edit {
                        Edit::Ref(RefTo::Copy(id)) => out.push(*id),
                        Edit::Ref(RefTo::Fixed(_)) => {}
                        Edit::Replace(j) => frames.push((0, &self.inlined[*j].piece.edits)),
                    }
                }
            }
            out
        };
        let mut visited = vec![false; self.copies.len()];
        let mut out = Vec::with_capacity(self.copies.len());
        let tops = children(root_edits).into_iter().chain(0..self.copies.len());
        for top in tops {
            if visited[top] {
                continue;
            }
            visited[top] = true;
            let mut frames: Vec<(usize, Vec<usize>, usize)> = vec![(
                top,
                children(self.copies[top].edits.as_deref().unwrap_or_default()),
                0,
            )];
            while let Some((id, kids, i)) = frames.last_mut() {
                if let Some(&kid) = kids.get(*i) {
                    *i += 1;
                    if !visited[kid] {
                        visited[kid] = true;
                        let grandkids =
                            children(self.copies[kid].edits.as_deref().unwrap_or_default());
                        frames.push((kid, grandkids, 0));
                    }
                } else {
                    out.push(*id);
                    frames.pop();
                }
            }
        }
        out
    }

    /// A copy of the node at `file#tokens` with `edits` applied.
    fn build(
        &self,
        file: &Path,
        tokens: &[String],
        edits: &[(String, Edit)],
        names: &[String],
        inline_values: &[Value],
    ) -> Value {
        let mut value = self
            .documents
            .get(file)
            .and_then(|d| d.pointer(&pointer_of(tokens)))
            .cloned()
            .unwrap_or(Value::Null);
        self.apply(&mut value, edits, names, inline_values);
        value
    }

    fn apply(
        &self,
        value: &mut Value,
        edits: &[(String, Edit)],
        names: &[String],
        inline_values: &[Value],
    ) {
        for (at, edit) in edits {
            let Some(slot) = value.pointer_mut(at) else {
                continue;
            };
            match edit {
                Edit::Ref(to) => {
                    let reference = match to {
                        RefTo::Fixed(reference) => reference.clone(),
                        RefTo::Copy(id) => local_ref(self.copies[*id].kind, &names[*id]),
                    };
                    if let Some(object) = slot.as_object_mut() {
                        object.insert("$ref".to_owned(), Value::String(reference));
                    }
                }
                Edit::Replace(id) => {
                    if let Some(inlined) = inline_values.get(*id) {
                        *slot = inlined.clone();
                    }
                }
            }
        }
    }
}

/// The place the node at `tokens` of `document` has in the OpenAPI object model, when known:
/// `None` for a whole file other than the root, which is what its reference says it is.
fn place_of(
    root: &Path,
    file: &Path,
    tokens: &[String],
    document: &Value,
    swagger2: bool,
) -> Option<Ctx> {
    let openapi = file == root
        || ["openapi", "swagger", "paths", "components"]
            .iter()
            .any(|k| document.get(*k).is_some());
    if tokens.is_empty() && file != root {
        return None;
    }
    let mut ctx = if openapi {
        Ctx::Node(Node::Root)
    } else {
        Ctx::Node(Node::Unknown)
    };
    let mut node = document;
    for token in tokens {
        ctx = if node.is_array() {
            ctx.element()
        } else {
            ctx.child_in(token, swagger2)
        };
        node = step(node, token)?;
    }
    Some(ctx)
}

/// Whether a node at `place` cannot stand where `wanted` is expected.
fn mismatched(place: Ctx, wanted: Ctx) -> bool {
    !(place == wanted
        || matches!(place, Ctx::Node(Node::Unknown) | Ctx::Data)
        || wanted == Ctx::Node(Node::Unknown))
}

/// The pointer (relative) of the schema a response, request body or parameter holds.
fn schema_inside(node: &Value) -> Option<String> {
    if node.get("schema").is_some() {
        return Some("/schema".to_owned());
    }
    let (media, _) = node
        .get("content")?
        .as_object()?
        .iter()
        .find(|(_, m)| m.get("schema").is_some())?;
    Some(format!("/content/{}/schema", pointer_token(media)))
}

fn reference_file(reference: &str) -> &str {
    reference.split_once('#').map_or(reference, |(f, _)| f)
}

/// The child `token` names in `node` (RFC 6901: array indexes without leading zeros).
fn step<'v>(node: &'v Value, token: &str) -> Option<&'v Value> {
    match node {
        Value::Object(map) => map.get(token),
        Value::Array(items) => {
            let valid = !token.is_empty()
                && token.bytes().all(|b| b.is_ascii_digit())
                && (token == "0" || !token.starts_with('0'));
            if valid {
                items.get(token.parse::<usize>().ok()?)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn count_nodes(value: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        count += 1;
        match v {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    count
}

fn pointer_of(tokens: &[String]) -> String {
    pointer(tokens.iter().map(String::as_str))
}

fn local_ref(kind: &str, name: &str) -> String {
    format!("#/components/{kind}/{}", pointer_token(name))
}

/// `[components, schemas, Name]` to (`schemas`, `Name`); in a Swagger 2.0 bundle also
/// `[definitions, Name]` (and `parameters`, `responses`).
fn component_of(tokens: &[String], swagger2: bool) -> Option<(&'static str, &str)> {
    match tokens {
        [components, kind, name] if components == "components" && !name.is_empty() => {
            let kind = COMPONENT_KINDS.iter().find(|k| **k == kind.as_str())?;
            Some((kind, name.as_str()))
        }
        [section, name] if swagger2 && !name.is_empty() => {
            swagger2_kind(section).map(|kind| (kind, name.as_str()))
        }
        _ => None,
    }
}

/// The tokens of an RFC 6901 pointer written as a URI fragment (percent-encoding allowed).
fn parse_pointer(fragment: &str) -> Result<Vec<String>, String> {
    let decoded = percent_decode(fragment)?;
    if decoded.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = decoded.strip_prefix('/') else {
        return Err(format!("`#{decoded}` does not start with `/`"));
    };
    rest.split('/').map(unescape_token).collect()
}

fn unescape_token(token: &str) -> Result<String, String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('~'),
            Some('1') => out.push('/'),
            other => {
                return Err(format!(
                    "`~{}` in `{token}` is not an escape (`~0` stands for `~`, `~1` for `/`)",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
    }
    Ok(out)
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> Result<String, String> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("`{text}` percent-encodes bytes that are not UTF-8"))
}

/// The name of a copied node: the meaningful tokens of its pointer (component and property
/// names, path, method, status code, `items`, `allOf` and its index...), without the
/// structural ones (`components`, the kind, `paths`, `properties`, `content` and its media
/// type, `schema`...), joined by `_`, each reduced to letters, digits, `-` and `_`. A whole
/// file is named after its stem; a pointer into a file that holds one schema starts with the
/// stem. `#/components/schemas/Disk/properties/filesystem` is `Disk_filesystem`,
/// `#/paths/~1pets/get/responses/200/content/application~1json/schema` is `pets_get_200`,
/// `schemas/Pet.yaml` is `Pet`. Made unique by `_2`, `_3`...
pub fn synthesized_name(file: &Path, tokens: &[String], in_root: bool) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    let schema_keyword = |t: &str| {
        matches!(
            t,
            "properties" | "items" | "allOf" | "oneOf" | "anyOf" | "not" | "additionalProperties"
        )
    };
    if tokens.is_empty() || (!in_root && schema_keyword(&tokens[0])) {
        parts.push(stem);
    }
    let mut previous: Option<&str> = None;
    for token in tokens {
        let keep = match previous {
            Some("components") | Some("content") => false,
            Some("properties") | Some("paths") => true,
            _ => !matches!(
                token.as_str(),
                "components"
                    | "paths"
                    | "properties"
                    | "content"
                    | "schema"
                    | "schemas"
                    | "parameters"
                    | "responses"
                    | "requestBody"
                    | "requestBodies"
                    | "headers"
                    | "examples"
                    | "links"
                    | "callbacks"
                    | "securitySchemes"
            ),
        };
        if keep {
            parts.push(token.clone());
        }
        previous = Some(token.as_str());
    }
    let cleaned: Vec<String> = parts
        .iter()
        .map(|p| {
            let mapped: String = p
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            mapped
                .split('_')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("_")
        })
        .filter(|p| !p.is_empty())
        .collect();
    if cleaned.is_empty() {
        "Ref".to_owned()
    } else {
        cleaned.join("_")
    }
}

/// Names that would give the same Rust name compare equal here.
fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Resolves `.` and `..` without touching the file system (so the result is reproducible).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let ends_in_name =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if ends_in_name {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A path as shown in messages: forward slashes on every platform.
pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        entries
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.to_string()))
            .collect()
    }

    fn bundle(root: &str, fs: &BTreeMap<PathBuf, String>) -> Result<Value, Diagnostics> {
        let mut read = |p: &Path| {
            fs.get(p)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
        };
        let value = super::super::parse::parse_document(root, &fs[Path::new(root)]).unwrap();
        Bundler::new(Path::new(root), &mut read)
            .bundle(value)
            .map(|b| b.value)
    }

    #[test]
    fn imports_component_and_its_dependencies() {
        let fs = files(&[
            ("spec/a.yaml", "paths: {}\nx:\n  $ref: 'shared/c.yaml#/components/schemas/Err'\n"),
            (
                "spec/shared/c.yaml",
                "components:\n  schemas:\n    Err:\n      properties:\n        d: {$ref: '#/components/schemas/Detail'}\n    Detail: {type: string}\n",
            ),
        ]);
        let value = bundle("spec/a.yaml", &fs).unwrap();
        assert_eq!(value["x"], json!({"$ref": "#/components/schemas/Err"}));
        assert_eq!(
            value["components"]["schemas"]["Err"]["properties"]["d"]["$ref"],
            "#/components/schemas/Detail"
        );
        assert_eq!(value["components"]["schemas"]["Detail"]["type"], "string");
    }

    #[test]
    fn local_alias_of_same_name_is_replaced_by_the_import() {
        let fs = files(&[
            ("a.yaml", "components:\n  securitySchemes:\n    token: {$ref: 'c.yaml#/components/securitySchemes/token'}\n"),
            ("c.yaml", "components:\n  securitySchemes:\n    token: {type: apiKey, in: header, name: X-Auth-Token}\n"),
        ]);
        let value = bundle("a.yaml", &fs).unwrap();
        assert_eq!(
            value["components"]["securitySchemes"]["token"]["name"],
            "X-Auth-Token"
        );
    }

    #[test]
    fn cycles_between_files_terminate() {
        let fs = files(&[
            ("a.yaml", "x: {$ref: 'b.yaml#/components/schemas/B'}\n"),
            ("b.yaml", "components:\n  schemas:\n    B:\n      properties:\n        next: {$ref: '#/components/schemas/B'}\n"),
        ]);
        let value = bundle("a.yaml", &fs).unwrap();
        assert_eq!(
            value["components"]["schemas"]["B"]["properties"]["next"]["$ref"],
            "#/components/schemas/B"
        );
    }

    #[test]
    fn missing_file_and_component_are_located() {
        let fs = files(&[(
            "a.yaml",
            "x: {$ref: 'nope.yaml#/components/schemas/B'}\ny: {$ref: 'a.yaml#/paths/x'}\n",
        )]);
        let err = bundle("a.yaml", &fs).unwrap_err();
        assert_eq!(err.0.len(), 2, "{err}");
        assert!(
            err.to_string()
                .contains("a.yaml:#/x: error: cannot read referenced file `nope.yaml`"),
            "{err}"
        );
        assert!(
            err.to_string().contains(
                "a.yaml:#/y: error: reference `a.yaml#/paths/x` names nothing: `a.yaml` has no `paths` at the document's top level"
            ),
            "{err}"
        );
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    fn root(text: &str) -> Result<Value, Diagnostics> {
        let fs = files(&[("a.yaml", &format!("{HEAD}{text}"))]);
        bundle("a.yaml", &fs)
    }

    #[test]
    fn local_pointer_into_a_schema_is_copied_once() {
        let value = root(
            "paths: {}\ncomponents:\n  schemas:\n    Disk:\n      properties:\n        filesystem: {type: string, enum: [raw, ext4]}\n    Other:\n      properties:\n        a: {$ref: '#/components/schemas/Disk/properties/filesystem'}\n        b: {$ref: '#/components/schemas/Disk/properties/filesystem'}\n",
        )
        .unwrap();
        let schemas = &value["components"]["schemas"];
        assert_eq!(
            schemas["Other"]["properties"]["a"]["$ref"],
            "#/components/schemas/Disk_filesystem"
        );
        assert_eq!(
            schemas["Other"]["properties"]["b"]["$ref"],
            "#/components/schemas/Disk_filesystem"
        );
        assert_eq!(schemas["Disk_filesystem"]["enum"], json!(["raw", "ext4"]));
        // The original stays where it is.
        assert_eq!(
            schemas["Disk"]["properties"]["filesystem"]["type"],
            "string"
        );
        assert_eq!(schemas.as_object().unwrap().len(), 3);
    }

    #[test]
    fn synthesized_names_never_collide() {
        let value = root(
            "paths: {}\ncomponents:\n  schemas:\n    DiskFilesystem: {type: integer}\n    Disk:\n      properties:\n        filesystem: {type: string}\n    Other:\n      properties:\n        a: {$ref: '#/components/schemas/Disk/properties/filesystem'}\n",
        )
        .unwrap();
        let schemas = &value["components"]["schemas"];
        assert_eq!(
            schemas["Other"]["properties"]["a"]["$ref"],
            "#/components/schemas/Disk_filesystem_2"
        );
        assert_eq!(schemas["Disk_filesystem_2"]["type"], "string");
        assert_eq!(schemas["DiskFilesystem"]["type"], "integer");
    }

    #[test]
    fn pointers_into_paths_take_the_kind_of_their_position() {
        let value = root(concat!(
            "paths:\n",
            "  /a/{id}:\n",
            "    get:\n",
            "      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n",
            "      responses:\n",
            "        '200':\n",
            "          description: ok\n",
            "          headers: {limit: {schema: {type: integer}}}\n",
            "          content: {application/json: {schema: {type: object, properties: {n: {type: integer}}}}}\n",
            "  /b:\n",
            "    get:\n",
            "      parameters: [{$ref: '#/paths/~1a~1%7Bid%7D/get/parameters/0'}]\n",
            "      responses:\n",
            "        '200': {$ref: '#/paths/~1a~1{id}/get/responses/200'}\n",
            "        '201':\n",
            "          description: ok\n",
            "          headers: {limit: {$ref: '#/paths/~1a~1{id}/get/responses/200/headers/limit'}}\n",
            "          content: {application/json: {schema: {$ref: '#/paths/~1a~1{id}/get/responses/200/content/application~1json/schema'}}}\n",
        ))
        .unwrap();
        let b = &value["paths"]["/b"]["get"];
        assert_eq!(
            b["parameters"][0]["$ref"],
            "#/components/parameters/a_id_get_0"
        );
        assert_eq!(
            b["responses"]["200"]["$ref"],
            "#/components/responses/a_id_get_200"
        );
        assert_eq!(
            b["responses"]["201"]["headers"]["limit"]["$ref"],
            "#/components/headers/a_id_get_200_limit"
        );
        assert_eq!(
            b["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/a_id_get_200"
        );
        let components = &value["components"];
        assert_eq!(components["parameters"]["a_id_get_0"]["name"], "id");
        assert_eq!(components["responses"]["a_id_get_200"]["description"], "ok");
        assert_eq!(
            components["headers"]["a_id_get_200_limit"]["schema"]["type"],
            "integer"
        );
        assert_eq!(components["schemas"]["a_id_get_200"]["type"], "object");
    }

    #[test]
    fn chains_resolve_to_their_end_and_loops_are_refused() {
        let value = root(
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        x: {$ref: '#/components/schemas/B/properties/y'}\n        s: {$ref: '#/components/schemas/A/properties/x'}\n    B:\n      properties:\n        y: {$ref: '#/components/schemas/C'}\n    C: {type: string}\n",
        )
        .unwrap();
        let a = &value["components"]["schemas"]["A"]["properties"];
        assert_eq!(a["x"]["$ref"], "#/components/schemas/C");
        assert_eq!(a["s"]["$ref"], "#/components/schemas/C");
        let err = root(
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        x: {$ref: '#/components/schemas/B/properties/y'}\n    B:\n      properties:\n        y: {$ref: '#/components/schemas/A/properties/x'}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("a.yaml:#/components/schemas/A/properties/x: error: reference `#/components/schemas/B/properties/y` is circular"), "{err}");
        assert!(err.contains("help: "), "{err}");
    }

    #[test]
    fn recursion_through_components_stays_a_reference() {
        let value = root(
            "paths: {}\ncomponents:\n  schemas:\n    Node:\n      properties:\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n        again: {$ref: '#/components/schemas/Node/properties/children'}\n",
        )
        .unwrap();
        let schemas = &value["components"]["schemas"];
        assert_eq!(
            schemas["Node"]["properties"]["children"]["items"]["$ref"],
            "#/components/schemas/Node"
        );
        assert_eq!(
            schemas["Node"]["properties"]["again"]["$ref"],
            "#/components/schemas/Node_children"
        );
        assert_eq!(
            schemas["Node_children"]["items"]["$ref"],
            "#/components/schemas/Node"
        );
    }

    #[test]
    fn refs_inside_data_are_data() {
        let value = root(concat!(
            "paths: {}\n",
            "x-tool: {$ref: 'nope.yaml#/not/followed'}\n",
            "components:\n",
            "  schemas:\n",
            "    A:\n",
            "      type: object\n",
            "      example: {$ref: 'nope.yaml'}\n",
            "      default: {$ref: '#/nowhere'}\n",
            "      enum: [{$ref: '#/nowhere'}]\n",
            "      x-meta: {$ref: '#/nowhere'}\n",
            "      properties:\n",
            "        example: {$ref: '#/components/schemas/A/properties/default'}\n",
            "        default: {type: string}\n",
            "  examples:\n",
            "    E: {value: {$ref: '#/nowhere'}}\n",
        ))
        .unwrap();
        let a = &value["components"]["schemas"]["A"];
        assert_eq!(a["example"]["$ref"], "nope.yaml");
        assert_eq!(a["default"]["$ref"], "#/nowhere");
        // A property named `example` is a schema, not data.
        assert_eq!(
            a["properties"]["example"]["$ref"],
            "#/components/schemas/A_default"
        );
    }

    #[test]
    fn bad_pointers_are_located() {
        let err = root(
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        x: {$ref: '#/components/schemas/B/properties/nope'}\n        y: {$ref: '#/components/schemas/B/pro~2perties'}\n        z: {$ref: 'https://example.com/a.yaml#/B'}\n        w: {$ref: '#components'}\n    B: {type: object, properties: {a: {type: string}}}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("a.yaml:#/components/schemas/A/properties/x: error: reference `#/components/schemas/B/properties/nope` names nothing: `a.yaml` has no `nope` at `#/components/schemas/B/properties`"), "{err}");
        assert!(err.contains("a.yaml:#/components/schemas/A/properties/y: error: reference `#/components/schemas/B/pro~2perties` is not a valid JSON pointer: `~2`"), "{err}");
        assert!(
            err.contains("a.yaml:#/components/schemas/A/properties/z: error: remote reference"),
            "{err}"
        );
        assert!(err.contains("a.yaml:#/components/schemas/A/properties/w: error: reference `#components` is not a valid JSON pointer"), "{err}");
    }

    #[test]
    fn a_response_used_as_a_schema_is_left_to_lowering_unless_it_is_one() {
        let value = root(
            "paths: {}\ncomponents:\n  responses:\n    Status: {description: d}\n    Shaped: {type: object, properties: {a: {type: string}}}\n  schemas:\n    A:\n      properties:\n        x: {$ref: '#/components/responses/Status'}\n        y: {$ref: '#/components/responses/Shaped'}\n",
        )
        .unwrap();
        let a = &value["components"]["schemas"]["A"]["properties"];
        assert_eq!(a["x"]["$ref"], "#/components/responses/Status");
        assert_eq!(a["y"]["$ref"], "#/components/schemas/Shaped");
        let err = root(
            "paths: {}\ncomponents:\n  responses:\n    R: {description: d, content: {application/json: {schema: {type: string}}}}\n  schemas:\n    A: {$ref: '#/components/responses/R/content'}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("a.yaml:#/components/schemas/A: error: reference `#/components/responses/R/content` points at a mapping of names to a media type, where a schema is expected"), "{err}");
    }

    #[test]
    fn whole_files_and_path_items() {
        let fs = files(&[
            ("spec/a.yaml", "openapi: 3.0.3\npaths:\n  /pets: {$ref: 'paths/pets.yaml'}\n  /again: {$ref: '#/paths/~1pets'}\ncomponents:\n  schemas:\n    Pet: {$ref: 'schemas/Pet.yaml'}\n"),
            ("spec/paths/pets.yaml", "get:\n  parameters: [{$ref: '../parameters/limit.yaml'}]\n  responses:\n    '200':\n      description: ok\n      content: {application/json: {schema: {type: array, items: {$ref: '../schemas/Pet.yaml'}}}}\n    '404': {$ref: '../responses/NotFound.yaml'}\n"),
            ("spec/parameters/limit.yaml", "name: limit\nin: query\nschema: {type: integer}\n"),
            ("spec/responses/NotFound.yaml", "description: not found\ncontent: {application/json: {schema: {$ref: '../schemas/Error.yaml'}}}\n"),
            ("spec/schemas/Pet.yaml", "type: object\nproperties:\n  name: {type: string}\n  parent: {$ref: 'Pet.yaml'}\n  tag: {$ref: '#/properties/name'}\n"),
            ("spec/schemas/Error.yaml", "type: object\nproperties: {message: {type: string}}\n"),
        ]);
        let mut read = |p: &Path| {
            fs.get(p)
                .cloned()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
        };
        let value =
            super::super::parse::parse_document("spec/a.yaml", &fs[Path::new("spec/a.yaml")])
                .unwrap();
        let bundled = Bundler::new(Path::new("spec/a.yaml"), &mut read)
            .bundle(value)
            .unwrap();
        let value = &bundled.value;
        let get = &value["paths"]["/pets"]["get"];
        assert_eq!(
            get["parameters"][0]["$ref"],
            "#/components/parameters/limit"
        );
        assert_eq!(
            get["responses"]["404"]["$ref"],
            "#/components/responses/NotFound"
        );
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(value["paths"]["/again"], value["paths"]["/pets"]);
        let schemas = &value["components"]["schemas"];
        // `Pet` adopts the file it referred to.
        assert_eq!(
            schemas["Pet"]["properties"]["parent"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(
            schemas["Pet"]["properties"]["tag"]["$ref"],
            "#/components/schemas/Pet_name"
        );
        assert_eq!(schemas["Pet_name"]["type"], "string");
        assert_eq!(schemas["Error"]["properties"]["message"]["type"], "string");
        // Whole files: the node is the file's root.
        for (at, file) in [
            ("/components/schemas/Error", "spec/schemas/Error.yaml"),
            ("/paths/~1pets", "spec/paths/pets.yaml"),
            ("/components/schemas/Pet", "spec/schemas/Pet.yaml"),
        ] {
            let origin = Origin {
                at: at.into(),
                file: file.into(),
                pointer: String::new(),
            };
            assert!(bundled.origins.contains(&origin), "{:?}", bundled.origins);
        }
    }

    #[test]
    fn path_items_that_contain_themselves_are_refused() {
        let err = root(concat!(
            "paths:\n",
            "  /a:\n",
            "    post:\n",
            "      responses: {'200': {description: ok}}\n",
            "      callbacks:\n",
            "        done:\n",
            "          '{$request.body#/url}': {$ref: '#/paths/~1a'}\n",
            "  /b: {$ref: '#/paths/~1b'}\n",
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("includes the node that holds it"), "{err}");
        assert!(
            err.contains("a.yaml:#/paths/~1b: error: reference `#/paths/~1b` is circular"),
            "{err}"
        );
    }

    #[test]
    fn repeated_references_copy_each_target_once() {
        // Each level refers to the one below twice: copying per reference would be 2^40.
        let mut text = String::from("paths: {}\ncomponents:\n  schemas:\n");
        for i in 0..40 {
            text.push_str(&format!(
                "    S{i}:\n      properties:\n        v: {{type: object, properties: {{a: {{$ref: '#/components/schemas/S{n}/properties/v'}}, b: {{$ref: '#/components/schemas/S{n}/properties/v'}}}}}}\n",
                n = i + 1
            ));
        }
        text.push_str("    S40:\n      properties:\n        v: {type: string}\n");
        let value = root(&text).unwrap();
        assert_eq!(
            value["components"]["schemas"].as_object().unwrap().len(),
            41 + 40
        );
    }

    #[test]
    fn names_read_well() {
        let t = |s: &str| {
            s.split('/')
                .skip(1)
                .map(|t| unescape_token(t).unwrap())
                .collect::<Vec<_>>()
        };
        let root = Path::new("a.yaml");
        assert_eq!(
            synthesized_name(root, &t("/components/schemas/Tag/allOf/0"), true),
            "Tag_allOf_0"
        );
        assert_eq!(
            synthesized_name(
                root,
                &t("/paths/~1v2~11-clicks/get/responses/200/headers/ratelimit-limit"),
                true
            ),
            "v2_1-clicks_get_200_ratelimit-limit"
        );
        assert_eq!(
            synthesized_name(
                root,
                &t("/components/schemas/A/properties/properties"),
                true
            ),
            "A_properties"
        );
        assert_eq!(synthesized_name(Path::new("s/Pet.yaml"), &[], false), "Pet");
        assert_eq!(
            synthesized_name(Path::new("s/Pet.yaml"), &t("/properties/name"), false),
            "Pet_name"
        );
        assert_eq!(
            synthesized_name(Path::new("s/defs.yaml"), &t("/Pet"), false),
            "Pet"
        );
        assert_eq!(
            parse_pointer("/paths/~1authn~1%7Baccount%7D/post").unwrap(),
            vec!["paths", "/authn/{account}", "post"]
        );
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("spec/./shared/../a.yaml")),
            PathBuf::from("spec/a.yaml")
        );
        assert_eq!(
            normalize(Path::new("../x/../../y.yaml")),
            PathBuf::from("../../y.yaml")
        );
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }
}
