//! Swagger 2.0 documents, read into the OpenAPI 3.0 shape the rest of the pipeline reads.
//!
//! The document is bundled first, as a 2.0 document (`bundle.rs` knows where 2.0 keeps its
//! components), so every `$ref` is already local and every node of another file is already
//! in the bundle; the conversion then rewrites the bundle in place:
//!
//! - `definitions`, `parameters`, `responses`, `securityDefinitions` become components
//!   (body parameters request bodies; formData parameters have no 3.0 component and are
//!   inlined where they are used);
//! - `host`, `basePath` and `schemes` become `servers`;
//! - an operation's `in: body` parameter becomes its `requestBody`, its `in: formData`
//!   parameters one form body (`multipart/form-data` when a parameter is a file or the
//!   operation consumes only that), in every media type it `consumes`;
//! - a parameter's or a header's type keywords become its `schema`, `collectionFormat` its
//!   `style` and `explode`;
//! - a response's `schema` and `examples` become its `content`, in every media type the
//!   operation `produces`;
//! - in schemas, `type: file` is binary, `x-nullable` is `nullable`, and a `discriminator`
//!   names its property.
//!
//! Every node the conversion moves is recorded as an [`Origin`] (its new place, where it is
//! written), so a problem inside it is reported at the 2.0 file's own line. What 3.0 cannot
//! say exactly (`collectionFormat: tsv`, say) is converted to the nearest 3.0 form with a
//! warning. Nodes of the wrong shape are left as they are, for the 3.0 reader to report.

use super::Origin;
use crate::diagnostics::{pointer_token, Diagnostic, Diagnostics};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";
const JSON_MEDIA: &str = "application/json";

/// The keywords of a 2.0 parameter, header or items object that describe its value: its
/// 3.0 `schema`.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// Whether `document` is a Swagger 2.0 document (`check_version` has refused any other
/// `swagger` version by then).
pub fn is_20(document: &Value) -> bool {
    document.get("openapi").is_none() && document.get("swagger").is_some()
}

/// Whether a `swagger` field names version 2.0: the string, or the number YAML reads from
/// an unquoted `2.0`.
pub fn is_version_20(value: &Value) -> bool {
    match value {
        Value::String(v) => v == "2.0",
        Value::Number(n) => n.as_f64() == Some(2.0),
        _ => false,
    }
}

/// What converting a document found out besides the document itself.
#[derive(Debug, Default)]
pub struct Converted {
    /// The bundle's origins, and one for every node the conversion moved.
    pub origins: Vec<Origin>,
    pub warnings: Vec<Diagnostic>,
}

/// Rewrites the bundled 2.0 document `document` (of `file`; `origins` are the bundle's) into
/// OpenAPI 3.0. Fails only on what has no 3.0 reading at all (a component defined twice).
pub fn to_30(
    file: &str,
    document: &mut Value,
    origins: Vec<Origin>,
) -> Result<Converted, Diagnostics> {
    let mut converter = Converter {
        file,
        moves: Vec::new(),
        warnings: Vec::new(),
        left_out: Vec::new(),
        errors: Vec::new(),
        consumes: vec![JSON_MEDIA.to_owned()],
        produces: vec![JSON_MEDIA.to_owned()],
        parameters: BTreeMap::new(),
        host: None,
    };
    if let Value::Object(root) = document {
        converter.root(root);
    }
    super::walk::objects(document, rewrite_schema);
    let Converter {
        moves,
        mut warnings,
        mut left_out,
        mut errors,
        ..
    } = converter;
    // Parts left out have no place in the result: located where the bundle has them.
    relocate(&mut left_out, file, &origins);
    let mut all = origins.clone();
    for (at, old) in moves {
        let (written_file, pointer) = trace(&origins, file, &old);
        if written_file != file || pointer != at {
            all.push(Origin {
                at,
                file: written_file,
                pointer,
            });
        }
    }
    relocate(&mut warnings, file, &all);
    warnings.append(&mut left_out);
    warnings.sort_by_key(|w| (w.file.clone(), w.location.to_string()));
    if !errors.is_empty() {
        // Located in the bundle, like the parts left out.
        relocate(&mut errors, file, &origins);
        return Err(Diagnostics(errors));
    }
    Ok(Converted {
        origins: all,
        warnings,
    })
}

/// The file and pointer where the node at `pointer` of the bundle of `file` is written:
/// the innermost origin holding it decides (as `LoadedSpec::source_of`).
pub fn trace(origins: &[Origin], file: &str, pointer: &str) -> (String, String) {
    let inside = |origin: &&Origin| {
        pointer == origin.at
            || pointer
                .strip_prefix(origin.at.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    };
    match origins.iter().filter(inside).max_by_key(|o| o.at.len()) {
        Some(origin) => (
            origin.file.clone(),
            format!("{}{}", origin.pointer, &pointer[origin.at.len()..]),
        ),
        None => (file.to_owned(), pointer.to_owned()),
    }
}

/// Points the diagnostics located in the converted bundle of `file` where the nodes are
/// written (problems found before a spec is loaded never reach `LoadedSpec::source_of`).
pub fn relocate(diagnostics: &mut [Diagnostic], file: &str, origins: &[Origin]) {
    for diagnostic in diagnostics.iter_mut().filter(|d| d.file == file) {
        if let crate::diagnostics::Location::Pointer(pointer) = &diagnostic.location {
            let (written_file, written) = trace(origins, file, pointer);
            diagnostic.file = written_file;
            diagnostic.location = crate::diagnostics::Location::Pointer(written);
        }
    }
}

/// A parameter component, by what it becomes.
#[derive(Clone)]
enum Shared {
    /// A 3.0 parameter component, referred to as it is.
    Plain,
    /// A request body component of the same name (the document's `consumes`).
    Body { parameter: Value, at: String },
    /// A member of the form body of each operation using it.
    Form { parameter: Value, at: String },
}

struct Converter<'f> {
    file: &'f str,
    /// (new pointer, pointer in the bundle) of every node moved.
    moves: Vec<(String, String)>,
    /// Located in the converted document.
    warnings: Vec<Diagnostic>,
    /// About parts left out, located in the bundle.
    left_out: Vec<Diagnostic>,
    /// Located in the bundle.
    errors: Vec<Diagnostic>,
    consumes: Vec<String>,
    produces: Vec<String>,
    /// Parameter components, by name.
    parameters: BTreeMap<String, Shared>,
    host: Option<String>,
}

/// `base/key`, a JSON pointer one level down.
fn under(base: &str, key: &str) -> String {
    format!("{base}/{}", pointer_token(key))
}

impl Converter<'_> {
    fn moved(&mut self, new: impl Into<String>, old: impl Into<String>) {
        let (new, old) = (new.into(), old.into());
        if new != old {
            self.moves.push((new, old));
        }
    }

    fn warn(&mut self, at: impl Into<String>, message: impl Into<String>, help: &str) {
        self.warnings
            .push(Diagnostic::at(self.file, at, message).help(help).warning());
    }

    fn root(&mut self, root: &mut Map<String, Value>) {
        if let Some(list) = self.media_types(root, "consumes", "") {
            self.consumes = list;
        }
        if let Some(list) = self.media_types(root, "produces", "") {
            self.produces = list;
        }
        root.shift_remove("swagger");
        let servers = self.servers(root);
        if !matches!(root.get("components"), None | Some(Value::Object(_))) {
            // Not a 3.0 field in 2.0 either: left for the 3.0 reader to report.
            return;
        }
        let mut components = match root.shift_remove("components") {
            Some(Value::Object(components)) => components,
            _ => Map::new(),
        };
        self.definitions(root, &mut components);
        self.parameter_components(root, &mut components);
        self.response_components(root, &mut components);
        self.security_definitions(root, &mut components);
        self.header_components(&mut components);
        if let Some(Value::Object(paths)) = root.get_mut("paths") {
            for (path, item) in paths.iter_mut() {
                if let (false, Value::Object(item)) = (path.starts_with("x-"), item) {
                    self.path_item(item, &under("/paths", path));
                }
            }
        }
        // `openapi` first and `servers` after `info`, as 3.0 documents are written.
        let mut out = Map::new();
        out.insert("openapi".into(), "3.0.3".into());
        for (key, value) in std::mem::take(root) {
            let info = key == "info";
            out.insert(key, value);
            if info && !servers.is_empty() {
                out.insert("servers".into(), Value::Array(servers.clone()));
            }
        }
        if !servers.is_empty() && !out.contains_key("servers") {
            out.insert("servers".into(), Value::Array(servers));
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        *root = out;
    }

    /// A `consumes` or `produces` list, removed from `holder` (at `at`); `None` when absent,
    /// or not a list of strings (a warning).
    fn media_types(
        &mut self,
        holder: &mut Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<Vec<String>> {
        let value = holder.shift_remove(key)?;
        let list: Option<Vec<String>> = value.as_array().and_then(|items| {
            items
                .iter()
                .map(|m| m.as_str().map(str::to_owned))
                .collect()
        });
        match list {
            // An empty list says nothing either: the default applies.
            Some(list) if !list.is_empty() => Some(list),
            Some(_) => None,
            None => {
                self.warn(
                    under(at, key),
                    format!("`{key}` is not a list of media types; it is ignored"),
                    "write the media types as a list of strings, e.g. `[application/json]`",
                );
                None
            }
        }
    }

    /// `servers` from `host`, `basePath` and `schemes`: one server per scheme, `https` first;
    /// without a host, the base path alone (relative to wherever the client is pointed).
    fn servers(&mut self, root: &mut Map<String, Value>) -> Vec<Value> {
        let host = root.shift_remove("host");
        let base = root.shift_remove("basePath");
        let schemes = root.shift_remove("schemes");
        let host = match host {
            Some(Value::String(h)) if !h.is_empty() => Some(h),
            Some(other) => {
                root.insert("x-swagger-host".into(), other);
                self.warn(
                    "/host",
                    "`host` is not a string; it is ignored",
                    "write the host name (and port) as a string, e.g. `api.example.com`",
                );
                None
            }
            None => None,
        };
        let base = match base {
            Some(Value::String(b)) => b.trim_end_matches('/').to_owned(),
            Some(_) => {
                self.warn(
                    "/basePath",
                    "`basePath` is not a string; it is ignored",
                    "write the base path as a string starting with `/`, e.g. `/v1`",
                );
                String::new()
            }
            None => String::new(),
        };
        self.host = host.clone().map(|h| format!("{h}{base}"));
        let Some(host) = host else {
            if schemes.is_some() {
                self.warn("/schemes", "`schemes` without a `host` cannot make a server URL; the server is the base path alone", "add `host`, or configure the endpoint in the client");
            }
            return if base.is_empty() {
                Vec::new()
            } else {
                vec![json!({ "url": base })]
            };
        };
        self.scheme_urls(schemes.as_ref(), "/schemes", &format!("{host}{base}"))
            .into_iter()
            .map(|url| json!({ "url": url }))
            .collect()
    }

    /// `scheme://rest` for each scheme (`https` first; `https` alone when none is given).
    fn scheme_urls(&mut self, schemes: Option<&Value>, at: &str, rest: &str) -> Vec<String> {
        let mut list: Vec<String> = match schemes {
            None => vec!["https".to_owned()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .filter(|s| s == "http" || s == "https")
                .collect(),
            Some(_) => Vec::new(),
        };
        if let Some(Value::Array(items)) = schemes {
            if items
                .iter()
                .any(|s| !matches!(s.as_str(), Some("http" | "https")))
            {
                self.warn(at, "only the `http` and `https` schemes make server URLs; the others (`ws`, `wss`, ...) are left out", "a client for other protocols needs its own transport");
            }
        }
        if list.is_empty() {
            list.push("https".to_owned());
        }
        list.sort_by_key(|s| s != "https");
        list.dedup();
        list.into_iter().map(|s| format!("{s}://{rest}")).collect()
    }

    /// Merges `definitions` into `components.schemas`, where the bundle put the schemas of
    /// other files.
    fn definitions(&mut self, root: &mut Map<String, Value>, components: &mut Map<String, Value>) {
        let Some(definitions) = root.shift_remove("definitions") else {
            return;
        };
        let Value::Object(definitions) = definitions else {
            root.insert("definitions".into(), definitions);
            return;
        };
        let mut schemas = take_section(components, "schemas");
        for (name, schema) in definitions {
            let old = under("/definitions", &name);
            let new = format!("/components/schemas/{}", pointer_token(&name));
            if self.add_component(&mut schemas, "schemas", name, schema, &old) {
                self.moved(new, old);
            }
        }
        put_section(components, "schemas", schemas);
    }

    /// Adds `value` (at `old` in the bundle) as `kind` component `name`, unless it is only
    /// a reference to the copy the bundle made of what it referred to, under that name.
    /// Returns whether it was added.
    fn add_component(
        &mut self,
        into: &mut Map<String, Value>,
        kind: &str,
        name: String,
        value: Value,
        old: &str,
    ) -> bool {
        if into.contains_key(&name) {
            if !is_alias(&value, kind, &name) {
                self.errors.push(
                    Diagnostic::at(
                        self.file,
                        old,
                        format!("component `{name}` is defined here and also imported from another file"),
                    )
                    .help("rename one of them, or reference the shared one instead of defining it locally"),
                );
            }
            return false;
        }
        into.insert(name, value);
        true
    }

    /// The document's parameters (`parameters`, and the parameter components the bundle
    /// imported) to 3.0 parameters, request bodies, or form members kept for the
    /// operations.
    fn parameter_components(
        &mut self,
        root: &mut Map<String, Value>,
        components: &mut Map<String, Value>,
    ) {
        let mut all: Vec<(String, Value, String)> = Vec::new();
        if let Some(Value::Object(imported)) = components.shift_remove("parameters") {
            for (name, p) in imported {
                let at = format!("/components/parameters/{}", pointer_token(&name));
                all.push((name, p, at));
            }
        }
        match root.shift_remove("parameters") {
            Some(Value::Object(own)) => {
                for (name, p) in own {
                    let at = under("/parameters", &name);
                    all.push((name, p, at));
                }
            }
            Some(other) => {
                root.insert("parameters".into(), other);
            }
            None => {}
        }
        let mut plain = Map::new();
        let mut bodies = take_section(components, "requestBodies");
        for (name, mut parameter, at) in all {
            if is_alias(&parameter, "parameters", &name) {
                // `p: {$ref: other.yaml#/P}`: the bundle's copy of `P` is `p` already.
                continue;
            }
            let new = format!("/components/parameters/{}", pointer_token(&name));
            match location(&parameter) {
                Some("body") => {
                    let shared = Shared::Body {
                        parameter: parameter.clone(),
                        at: at.clone(),
                    };
                    self.parameters.insert(name.clone(), shared);
                    let consumes = self.consumes.clone();
                    let new = format!("/components/requestBodies/{}", pointer_token(&name));
                    let body = self.body(parameter, &at, &consumes, &new);
                    self.add_component(&mut bodies, "requestBodies", name, body, &at);
                }
                Some("formData") => {
                    self.parameters.insert(name, Shared::Form { parameter, at });
                }
                _ => {
                    if let Value::Object(p) = &mut parameter {
                        self.parameter(p, &new, &at);
                    }
                    if self.add_component(&mut plain, "parameters", name.clone(), parameter, &at) {
                        self.moved(new, at);
                        self.parameters.insert(name, Shared::Plain);
                    }
                }
            }
        }
        put_section(components, "parameters", plain);
        put_section(components, "requestBodies", bodies);
    }

    /// The document's `responses` (and the response components the bundle imported) to 3.0
    /// responses, in the document's `produces`.
    fn response_components(
        &mut self,
        root: &mut Map<String, Value>,
        components: &mut Map<String, Value>,
    ) {
        let imported = take_section(components, "responses");
        let mut all: Vec<(String, Value, String)> = imported
            .into_iter()
            .map(|(name, r)| {
                let at = format!("/components/responses/{}", pointer_token(&name));
                (name, r, at)
            })
            .collect();
        match root.shift_remove("responses") {
            Some(Value::Object(own)) => {
                for (name, response) in own {
                    let at = under("/responses", &name);
                    all.push((name, response, at));
                }
            }
            Some(other) => {
                root.insert("responses".into(), other);
            }
            None => {}
        }
        let produces = self.produces.clone();
        let mut responses = Map::new();
        for (name, mut response, old) in all {
            let new = format!("/components/responses/{}", pointer_token(&name));
            if let Value::Object(response) = &mut response {
                self.response(response, &new, &old, &produces);
            }
            if self.add_component(&mut responses, "responses", name, response, &old) {
                self.moved(new, old);
            }
        }
        put_section(components, "responses", responses);
    }

    /// Header components the bundle imported (a response header written as a `$ref`).
    fn header_components(&mut self, components: &mut Map<String, Value>) {
        if let Some(Value::Object(headers)) = components.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                let at = format!("/components/headers/{}", pointer_token(name));
                self.header(header, &at, &at);
            }
        }
    }

    /// `securityDefinitions` to `components.securitySchemes`.
    fn security_definitions(
        &mut self,
        root: &mut Map<String, Value>,
        components: &mut Map<String, Value>,
    ) {
        let Some(definitions) = root.shift_remove("securityDefinitions") else {
            return;
        };
        let Value::Object(definitions) = definitions else {
            root.insert("securityDefinitions".into(), definitions);
            return;
        };
        let mut schemes = take_section(components, "securitySchemes");
        for (name, scheme) in definitions {
            let at = under("/securityDefinitions", &name);
            let converted = self.security_scheme(scheme, &at);
            self.moved(
                format!("/components/securitySchemes/{}", pointer_token(&name)),
                at,
            );
            schemes.insert(name, converted);
        }
        put_section(components, "securitySchemes", schemes);
    }

    /// One security definition: `basic` is HTTP basic, `apiKey` the same, `oauth2`'s one
    /// flow its 3.0 flow (`application` is `clientCredentials`, `accessCode`
    /// `authorizationCode`).
    fn security_scheme(&mut self, scheme: Value, at: &str) -> Value {
        let Value::Object(mut scheme) = scheme else {
            return scheme;
        };
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                scheme.insert("type".into(), "http".into());
                scheme.insert("scheme".into(), "basic".into());
            }
            Some("oauth2") => {
                let flow = scheme.shift_remove("flow");
                let mut body = Map::new();
                for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                    if let Some(value) = scheme.shift_remove(key) {
                        body.insert(key.into(), value);
                    }
                }
                body.entry("scopes").or_insert_with(|| json!({}));
                let name = match flow.as_ref().and_then(Value::as_str) {
                    Some("implicit") => "implicit",
                    Some("password") => "password",
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    _ => {
                        self.warn(
                            under(at, "flow"),
                            "an `oauth2` security definition without a known `flow` (`implicit`, `password`, `application`, `accessCode`) describes no flow",
                            "name the flow the server uses",
                        );
                        scheme.insert("flows".into(), json!({}));
                        return Value::Object(scheme);
                    }
                };
                let mut flows = Map::new();
                flows.insert(name.into(), Value::Object(body));
                scheme.insert("flows".into(), Value::Object(flows));
            }
            _ => {}
        }
        Value::Object(scheme)
    }

    fn path_item(&mut self, item: &mut Map<String, Value>, at: &str) {
        // Body and form parameters of the path item belong to each operation in 3.0.
        let shared_bodies = self.split_parameters(item, at);
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(*method) {
                self.operation(operation, &under(at, method), &shared_bodies);
            }
        }
    }

    /// Takes the body and form members out of `holder`'s (a path item's or an operation's)
    /// `parameters`, returning them with their 2.0 pointers, and converts the others in
    /// place, each recorded where it was written.
    fn split_parameters(
        &mut self,
        holder: &mut Map<String, Value>,
        at: &str,
    ) -> Vec<(Value, String)> {
        let mut bodies = Vec::new();
        let Some(Value::Array(list)) = holder.get_mut("parameters") else {
            return bodies;
        };
        let here = under(at, "parameters");
        let mut kept = Vec::new();
        for (i, parameter) in std::mem::take(list).into_iter().enumerate() {
            let old = format!("{here}/{i}");
            if self.is_request_body(&parameter) {
                bodies.push((parameter, old));
                continue;
            }
            let mut parameter = parameter;
            let new = format!("{here}/{}", kept.len());
            if let Value::Object(p) = &mut parameter {
                self.parameter(p, &new, &old);
            }
            self.moved(new, old);
            kept.push(parameter);
        }
        *list = kept;
        if list.is_empty() {
            holder.shift_remove("parameters");
        }
        bodies
    }

    /// Whether a parameter (or a reference to one) is a body or a form member.
    fn is_request_body(&self, parameter: &Value) -> bool {
        match self.shared(parameter) {
            Some(Shared::Body { .. } | Shared::Form { .. }) => true,
            Some(Shared::Plain) => false,
            None => matches!(location(parameter), Some("body" | "formData")),
        }
    }

    /// The parameter component a `$ref` names.
    fn shared(&self, parameter: &Value) -> Option<&Shared> {
        let reference = parameter.get("$ref")?.as_str()?;
        let name = reference.strip_prefix("#/components/parameters/")?;
        self.parameters.get(&unescape(name))
    }

    fn operation(
        &mut self,
        operation: &mut Map<String, Value>,
        at: &str,
        path_bodies: &[(Value, String)],
    ) {
        let consumes = self
            .media_types(operation, "consumes", at)
            .unwrap_or_else(|| self.consumes.clone());
        let produces = self
            .media_types(operation, "produces", at)
            .unwrap_or_else(|| self.produces.clone());
        self.operation_servers(operation, at);
        let mut body = self.split_parameters(operation, at);
        // The path item's body and form members, unless the operation has its own.
        for (parameter, old) in path_bodies {
            let overridden = body.iter().any(|(own, _)| {
                let (a, b) = (self.resolved(own), self.resolved(parameter));
                location(&a) == location(&b)
                    && (location(&a) == Some("body") || a.get("name") == b.get("name"))
            });
            if !overridden {
                body.push((parameter.clone(), old.clone()));
            }
        }
        if !body.is_empty() {
            let request = self.request_body(body, at, &consumes);
            if let Some(request) = request {
                operation.insert("requestBody".into(), request);
            }
        }
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            for (code, response) in responses.iter_mut() {
                if let (false, Value::Object(response)) = (code.starts_with("x-"), response) {
                    let here = under(&under(at, "responses"), code);
                    self.response(response, &here, &here, &produces);
                }
            }
        }
    }

    /// An operation's own `schemes` as its `servers`.
    fn operation_servers(&mut self, operation: &mut Map<String, Value>, at: &str) {
        let Some(schemes) = operation.shift_remove("schemes") else {
            return;
        };
        match self.host.clone() {
            Some(rest) => {
                let urls = self.scheme_urls(Some(&schemes), &under(at, "schemes"), &rest);
                let servers = urls.into_iter().map(|url| json!({ "url": url })).collect();
                operation.insert("servers".into(), Value::Array(servers));
            }
            None => self.warn(
                under(at, "schemes"),
                "`schemes` without a `host` cannot make a server URL; the operation uses the document's server",
                "add `host` to the document, or configure the endpoint in the client",
            ),
        }
    }

    /// The parameter itself, or the component a `$ref` names.
    fn resolved(&self, parameter: &Value) -> Value {
        match self.shared(parameter) {
            Some(Shared::Body { parameter, .. } | Shared::Form { parameter, .. }) => {
                parameter.clone()
            }
            _ => parameter.clone(),
        }
    }

    /// The request body made of an operation's body parameter or form members.
    fn request_body(
        &mut self,
        members: Vec<(Value, String)>,
        at: &str,
        consumes: &[String],
    ) -> Option<Value> {
        let new = under(at, "requestBody");
        let bodies: Vec<&(Value, String)> = members
            .iter()
            .filter(|(p, _)| location(&self.resolved(p)) == Some("body"))
            .collect();
        if let Some((first, old)) = bodies.first() {
            for (_, extra) in bodies.iter().skip(1) {
                self.warn_old(
                    extra,
                    "a second body parameter; only the first is the request body",
                    "an operation has one body: describe it with one schema",
                );
            }
            for (p, extra) in &members {
                if location(&self.resolved(p)) == Some("formData") {
                    self.warn_old(extra, "a formData parameter beside a body parameter; it is left out (the body is the request body)", "an operation sends either a body or form members, not both");
                }
            }
            if let (Some(Shared::Body { .. }), Some(reference)) = (
                self.shared(first),
                first.get("$ref").and_then(Value::as_str),
            ) {
                // The shared request body has the document's media types.
                if consumes == self.consumes.as_slice() {
                    let name = reference.trim_start_matches("#/components/parameters/");
                    return Some(json!({ "$ref": format!("#/components/requestBodies/{name}") }));
                }
            }
            let (parameter, origin) = match self.shared(first) {
                Some(Shared::Body { parameter, at }) => (parameter.clone(), at.clone()),
                _ => ((*first).clone(), old.clone()),
            };
            return Some(self.body(parameter, &origin, consumes, &new));
        }
        Some(self.form(members, &new, consumes))
    }

    /// A warning about a part left out: it has no place in the converted document, so it
    /// is located where the bundle has it (`old`).
    fn warn_old(&mut self, old: &str, message: &str, help: &str) {
        self.left_out
            .push(Diagnostic::at(self.file, old, message).help(help).warning());
    }

    /// A body parameter (written at `old`) as a request body at `new`.
    fn body(&mut self, parameter: Value, old: &str, media_types: &[String], new: &str) -> Value {
        let Value::Object(parameter) = parameter else {
            return parameter;
        };
        let mut request = Map::new();
        let mut schema = None;
        for (key, value) in parameter {
            match key.as_str() {
                "name" | "in" => {}
                "schema" => schema = Some(value),
                _ => {
                    request.insert(key, value);
                }
            }
        }
        self.moved(new, old);
        let mut content = Map::new();
        for media in media_types {
            let mut entry = Map::new();
            if let Some(schema) = &schema {
                entry.insert("schema".into(), schema.clone());
                let here = format!("{new}/content/{}/schema", pointer_token(media));
                self.moved(here, under(old, "schema"));
            }
            content.insert(media.clone(), Value::Object(entry));
        }
        request.insert("content".into(), Value::Object(content));
        Value::Object(request)
    }

    /// formData parameters as one form body at `new`: an object of one member per
    /// parameter, multipart when a member is a file or the operation consumes only
    /// multipart.
    fn form(&mut self, members: Vec<(Value, String)>, new: &str, consumes: &[String]) -> Value {
        let resolved: Vec<(Value, String)> = members
            .iter()
            .map(|(p, old)| match self.shared(p) {
                Some(Shared::Form { parameter, at }) => (parameter.clone(), at.clone()),
                _ => (p.clone(), old.clone()),
            })
            .collect();
        let files = resolved
            .iter()
            .any(|(p, _)| p.get("type").and_then(Value::as_str) == Some("file"));
        let forms: Vec<String> = consumes
            .iter()
            .filter(|m| is_media(m, URLENCODED) || is_media(m, MULTIPART))
            .cloned()
            .collect();
        let media_types = if files {
            vec![MULTIPART.to_owned()]
        } else if forms.is_empty() {
            vec![URLENCODED.to_owned()]
        } else {
            forms
        };
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut required_body = false;
        let mut encoding = Map::new();
        // (name, schema, old pointer)
        let mut placed: Vec<(String, String)> = Vec::new();
        for (parameter, old) in resolved {
            let Value::Object(mut parameter) = parameter else {
                continue;
            };
            let Some(name) = parameter
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                self.warn_old(
                    &old,
                    "a formData parameter without a `name`; it is left out",
                    "name the form member",
                );
                continue;
            };
            if parameter.get("required") == Some(&Value::Bool(true)) {
                required.push(Value::String(name.clone()));
                required_body = true;
            }
            let format = parameter.shift_remove("collectionFormat");
            let (mut schema, nested) = schema_of(&mut parameter);
            let here = format!(
                "{new}/content/{}/schema/properties/{}",
                pointer_token(&media_types[0]),
                pointer_token(&name)
            );
            self.nested_formats(nested, &here);
            if let Some(description) = parameter.shift_remove("description") {
                schema.insert("description".into(), description);
            }
            if schema.get("type").and_then(Value::as_str) == Some("array") {
                let style = match format.as_ref().and_then(Value::as_str).unwrap_or("csv") {
                    "multi" => None,
                    "ssv" => Some(("spaceDelimited", "ssv")),
                    "pipes" => Some(("pipeDelimited", "pipes")),
                    "tsv" => Some(("form", "tsv")),
                    _ => Some(("form", "csv")),
                };
                if let Some((style, written)) = style {
                    encoding.insert(name.clone(), json!({"style": style, "explode": false}));
                    if media_types.iter().any(|m| m == URLENCODED) {
                        self.warn(
                            under(&here, "collectionFormat"),
                            format!("form member `{name}` is an array in one value (`collectionFormat: {written}`); the client sends each item as its own `{name}=` pair, as `multi` does"),
                            "use `collectionFormat: multi` if the server accepts it, or send the joined text as a string",
                        );
                    }
                }
            }
            placed.push((name.clone(), old));
            properties.insert(name, Value::Object(schema));
        }
        let mut content = Map::new();
        for media in &media_types {
            for (name, old) in &placed {
                let here = format!(
                    "{new}/content/{}/schema/properties/{}",
                    pointer_token(media),
                    pointer_token(name)
                );
                self.moved(here, old.clone());
            }
            let mut schema = Map::new();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), Value::Object(properties.clone()));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required.clone()));
            }
            let mut entry = Map::new();
            entry.insert("schema".into(), Value::Object(schema));
            if !encoding.is_empty() && is_media(media, URLENCODED) {
                entry.insert("encoding".into(), Value::Object(encoding.clone()));
            }
            content.insert(media.clone(), Value::Object(entry));
        }
        let mut request = Map::new();
        if required_body {
            request.insert("required".into(), Value::Bool(true));
        }
        request.insert("content".into(), Value::Object(content));
        Value::Object(request)
    }

    /// A non-body parameter (at `at`, from `old` in the bundle) to 3.0: its value keywords
    /// become its `schema`, its `collectionFormat` its style.
    fn parameter(&mut self, parameter: &mut Map<String, Value>, at: &str, old: &str) {
        if parameter.contains_key("$ref")
            || parameter.contains_key("schema")
            || parameter.contains_key("content")
        {
            return;
        }
        let Some(place) = parameter
            .get("in")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return;
        };
        let format = parameter.shift_remove("collectionFormat");
        let (schema, nested) = schema_of(parameter);
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            self.style(parameter, &place, format.as_ref(), at);
        }
        self.nested_formats(nested, at);
        parameter.insert("schema".into(), Value::Object(schema));
        self.moved(under(at, "schema"), old.to_owned());
    }

    /// The 3.0 style and explode of an array parameter in `place`, from its
    /// `collectionFormat` (`csv` when none).
    fn style(
        &mut self,
        parameter: &mut Map<String, Value>,
        place: &str,
        format: Option<&Value>,
        at: &str,
    ) {
        let query = place == "query";
        let written = format.and_then(Value::as_str).unwrap_or("csv");
        let plain = if query { "form" } else { "simple" };
        let (style, explode) = match (written, query) {
            ("csv", _) => (plain, false),
            ("multi", true) => ("form", true),
            ("ssv", true) => ("spaceDelimited", false),
            ("pipes", true) => ("pipeDelimited", false),
            _ => {
                let why = if written == "tsv" {
                    "OpenAPI 3.0 has no tab-delimited style".to_owned()
                } else if ["multi", "ssv", "pipes"].contains(&written) {
                    format!("OpenAPI 3.0 has no such style for a {place} parameter")
                } else {
                    "it is not a 2.0 collection format".to_owned()
                };
                self.warn(
                    under(at, "collectionFormat"),
                    format!("`collectionFormat: {written}`: {why}; the items are sent comma-separated (`csv`)"),
                    "use `csv` (or, in a query, `ssv`, `pipes` or `multi`) if the server accepts it",
                );
                (plain, false)
            }
        };
        parameter.insert("style".into(), style.into());
        parameter.insert("explode".into(), explode.into());
    }

    /// Nested arrays in one value can only be comma-separated in 3.0: a warning for each
    /// other `collectionFormat` of nested items (`nested`: their pointers under `at`).
    fn nested_formats(&mut self, nested: Vec<(String, Value)>, at: &str) {
        for (inner, format) in nested {
            let written = format.as_str().unwrap_or("?");
            if written != "csv" {
                self.warn(
                    format!("{at}{inner}/collectionFormat"),
                    format!("`collectionFormat: {written}` of nested items: OpenAPI 3.0 writes nested arrays one way only; the items are sent comma-separated (`csv`)"),
                    "flatten the parameter, or use `csv`",
                );
            }
        }
    }

    /// A response (at `at`, from `old` in the bundle) to 3.0: its `schema` and `examples`
    /// in `content`, its headers with schemas.
    fn response(
        &mut self,
        response: &mut Map<String, Value>,
        at: &str,
        old: &str,
        produces: &[String],
    ) {
        if response.contains_key("$ref") || response.contains_key("content") {
            return;
        }
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                let here = under(&under(at, "headers"), name);
                let there = under(&under(old, "headers"), name);
                self.header(header, &here, &there);
            }
        }
        let schema = response.shift_remove("schema");
        let examples = match response.shift_remove("examples") {
            Some(Value::Object(examples)) => examples,
            Some(other) => {
                response.insert("examples".into(), other);
                Map::new()
            }
            None => Map::new(),
        };
        let mut content = Map::new();
        if let Some(schema) = &schema {
            for media in produces {
                let here = format!("{at}/content/{}/schema", pointer_token(media));
                self.moved(here, under(old, "schema"));
                content.insert(media.clone(), json!({ "schema": schema }));
            }
        }
        for (media, example) in examples {
            let here = format!("{at}/content/{}/example", pointer_token(&media));
            self.moved(here, under(&under(old, "examples"), &media));
            let entry = content.entry(media.clone()).or_insert_with(|| json!({}));
            if let Value::Object(entry) = entry {
                if let (Some(schema), false) = (&schema, entry.contains_key("schema")) {
                    let here = format!("{at}/content/{}/schema", pointer_token(&media));
                    self.moved(here, under(old, "schema"));
                    entry.insert("schema".into(), schema.clone());
                }
                entry.insert("example".into(), example);
            }
        }
        if !content.is_empty() {
            response.insert("content".into(), Value::Object(content));
        }
    }

    /// A 2.0 header (at `at`, from `old` in the bundle) to 3.0: its value keywords become
    /// its schema.
    fn header(&mut self, header: &mut Value, at: &str, old: &str) {
        let Value::Object(header) = header else {
            return;
        };
        if header.contains_key("$ref")
            || header.contains_key("schema")
            || header.contains_key("content")
        {
            return;
        }
        let format = header.shift_remove("collectionFormat");
        if let Some(written) = format
            .as_ref()
            .and_then(Value::as_str)
            .filter(|f| *f != "csv")
        {
            self.warn(
                under(at, "collectionFormat"),
                format!("`collectionFormat: {written}` in a header: OpenAPI 3.0 headers are comma-separated; the value is read as `csv`"),
                "use `csv`",
            );
        }
        let (schema, nested) = schema_of(header);
        self.nested_formats(nested, at);
        header.insert("schema".into(), Value::Object(schema));
        self.moved(under(at, "schema"), old.to_owned());
    }
}

/// Takes a parameter's, header's or items object's value keywords out as a schema, with
/// the `collectionFormat`s of nested items (their pointers relative to `holder`), which a
/// schema has no place for.
fn schema_of(holder: &mut Map<String, Value>) -> (Map<String, Value>, Vec<(String, Value)>) {
    let mut schema = Map::new();
    for keyword in SCHEMA_KEYWORDS {
        if let Some(value) = holder.shift_remove(*keyword) {
            schema.insert((*keyword).to_owned(), value);
        }
    }
    let mut nested = Vec::new();
    // Items nest as deep as the document does: walked iteratively.
    let mut level = schema.get_mut("items");
    let mut at = String::from("/items");
    while let Some(Value::Object(items)) = level {
        if let Some(format) = items.shift_remove("collectionFormat") {
            nested.push((at.clone(), format));
        }
        level = items.get_mut("items");
        at.push_str("/items");
    }
    (schema, nested)
}

/// The 2.0 schema keywords 3.0 writes otherwise, in one schema object.
fn rewrite_schema(map: &mut Map<String, Value>, _at: &str) {
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), "string".into());
        map.insert("format".into(), "binary".into());
    }
    if let Some(nullable) = map.shift_remove("x-nullable") {
        if nullable.is_boolean() {
            map.insert("nullable".into(), nullable);
        } else {
            map.insert("x-nullable".into(), nullable);
        }
    }
    if let Some(Value::String(property)) = map.get("discriminator") {
        let property = property.clone();
        map.insert("discriminator".into(), json!({ "propertyName": property }));
    }
}

/// Whether `value` is only a reference to the `kind` component `name` (which the bundle
/// made of what a component of that name in the document referred to).
fn is_alias(value: &Value, kind: &str, name: &str) -> bool {
    let own = format!("#/components/{kind}/{}", pointer_token(name));
    value.get("$ref").and_then(Value::as_str) == Some(own.as_str())
}

/// A parameter's `in`.
fn location(parameter: &Value) -> Option<&str> {
    parameter.get("in").and_then(Value::as_str)
}

/// Whether `media` (parameters and case aside) is `wanted`.
fn is_media(media: &str, wanted: &str) -> bool {
    media
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(wanted))
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Removes a section of `components` as an object (an empty one when absent or not one).
fn take_section(components: &mut Map<String, Value>, kind: &str) -> Map<String, Value> {
    match components.shift_remove(kind) {
        Some(Value::Object(section)) => section,
        Some(other) => {
            components.insert(kind.to_owned(), other);
            Map::new()
        }
        None => Map::new(),
    }
}

fn put_section(components: &mut Map<String, Value>, kind: &str, section: Map<String, Value>) {
    if !section.is_empty() && !components.contains_key(kind) {
        components.insert(kind.to_owned(), Value::Object(section));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(mut value: Value) -> (Value, Converted) {
        let converted = to_30("a.yaml", &mut value, Vec::new()).unwrap_or_else(|e| panic!("{e}"));
        (value, converted)
    }

    #[test]
    fn versions_are_told_apart() {
        assert!(is_version_20(&json!("2.0")));
        assert!(is_version_20(&json!(2.0)));
        assert!(!is_version_20(&json!("2")));
        assert!(!is_version_20(&json!(3)));
        assert!(is_20(&json!({"swagger": "2.0"})));
        assert!(!is_20(&json!({"swagger": "2.0", "openapi": "3.0.3"})));
    }

    #[test]
    fn the_document_is_written_as_30_with_openapi_first() {
        let (doc, converted) = convert(json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "host": "h",
            "paths": {},
            "definitions": {"A": {"type": "string"}},
        }));
        let keys: Vec<&String> = doc.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["openapi", "info", "servers", "paths", "components"]);
        assert_eq!(
            converted.origins,
            [Origin {
                at: "/components/schemas/A".into(),
                file: "a.yaml".into(),
                pointer: "/definitions/A".into()
            }]
        );
    }

    #[test]
    fn moved_nodes_are_traced_through_the_bundles_origins() {
        // A body parameter imported from `p.yaml` by the bundle, used by an operation.
        let mut doc = json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {
                "consumes": ["text/plain"],
                "parameters": [{"$ref": "#/components/parameters/B"}],
                "responses": {},
            }}},
            "components": {"parameters": {"B": {"name": "b", "in": "body", "schema": {"type": "string"}}}},
        });
        let bundled = vec![Origin {
            at: "/components/parameters/B".into(),
            file: "p.yaml".into(),
            pointer: "/B".into(),
        }];
        let converted = to_30("a.yaml", &mut doc, bundled).expect("converts");
        // Another media type than the document's: inlined, written in `p.yaml`.
        let at = "/paths/~1a/post/requestBody/content/text~1plain/schema/maxLength";
        assert_eq!(
            trace(&converted.origins, "a.yaml", at),
            ("p.yaml".to_owned(), "/B/schema/maxLength".to_owned())
        );
        assert_eq!(
            trace(
                &converted.origins,
                "a.yaml",
                "/components/requestBodies/B/content/application~1json/schema"
            ),
            ("p.yaml".to_owned(), "/B/schema".to_owned())
        );
    }

    #[test]
    fn parameter_keywords_become_a_schema() {
        let mut parameter = json!({
            "name": "n", "in": "query", "description": "d", "required": true,
            "type": "array", "items": {"type": "string", "enum": ["a"], "collectionFormat": "pipes", "items": {"type": "string"}},
            "maxItems": 3, "x-nullable": true, "x-ext": 1,
        });
        let mut converter = Converter {
            file: "a.yaml",
            moves: Vec::new(),
            warnings: Vec::new(),
            left_out: Vec::new(),
            errors: Vec::new(),
            consumes: Vec::new(),
            produces: Vec::new(),
            parameters: BTreeMap::new(),
            host: None,
        };
        if let Value::Object(p) = &mut parameter {
            converter.parameter(p, "/p", "/p");
        }
        assert_eq!(
            parameter,
            json!({
                "name": "n", "in": "query", "description": "d", "required": true, "x-ext": 1,
                "style": "form", "explode": false,
                "schema": {"type": "array", "items": {"type": "string", "enum": ["a"], "items": {"type": "string"}}, "maxItems": 3, "x-nullable": true},
            })
        );
        assert_eq!(converter.moves, [("/p/schema".to_owned(), "/p".to_owned())]);
        assert_eq!(converter.warnings.len(), 1);
        assert!(converter.warnings[0].to_string().contains(
            "a.yaml:#/p/items/collectionFormat: warning: `collectionFormat: pipes` of nested items"
        ));
    }

    #[test]
    fn schema_keywords_of_20() {
        let mut schema = json!({"type": "file", "x-nullable": true, "discriminator": "kind"});
        if let Value::Object(map) = &mut schema {
            rewrite_schema(map, "");
        }
        assert_eq!(
            schema,
            json!({"type": "string", "format": "binary", "nullable": true, "discriminator": {"propertyName": "kind"}})
        );
    }

    #[test]
    fn media_types_compare_without_parameters() {
        assert!(is_media("multipart/form-data; boundary=x", MULTIPART));
        assert!(is_media("Application/X-WWW-Form-Urlencoded", URLENCODED));
        assert!(!is_media("application/json", URLENCODED));
    }
}
