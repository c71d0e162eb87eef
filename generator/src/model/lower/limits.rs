//! [`Limits`], checked on the parsed document before lowering does any work that grows with
//! it.
//!
//! The walk counts what lowering would produce, use by use: a response, parameter or request
//! body defined once in `#/components` and referred to by many operations is lowered for
//! each of them, and so is every object an `allOf` merges in, so it is counted for each. The
//! walk stops as soon as the total exceeds [`Limits::max_items`], so its own cost is bounded
//! by the limit too (an `allOf` that doubles at every level is refused, not expanded).

use crate::config::Limits;
use crate::diagnostics::{pointer, pointer_token, Diagnostic};
use openapiv3::{
    AdditionalProperties, Components, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent,
    ReferenceOr, Response, Schema, SchemaKind, Type,
};
use std::collections::BTreeSet;

/// How deep `allOf` references are followed, as lowering does.
const MAX_ALL_OF_DEPTH: usize = 32;

/// Every limit the document exceeds, located; empty when it is within all of them.
pub(super) fn check(file: &str, doc: &OpenAPI, limits: &Limits) -> Vec<Diagnostic> {
    let mut walk = Walk {
        file,
        doc,
        limits,
        items: 0,
        over: false,
        reported: BTreeSet::new(),
        problems: Vec::new(),
    };
    walk.document();
    if walk.over {
        walk.problems.push(
            Diagnostic::at(
                file,
                "",
                format!(
                    "the spec describes more than {} items, the limit `items` (schemas, properties, enum values, members, operations, parameters and responses, a shared component counted at each use)",
                    limits.max_items
                ),
            )
            .help(
                "split the spec into several files (each becomes a module of its own), or raise the limit (`--limit items=N`, `Limits::max_items`) if the machine can afford it (each item costs time and memory)",
            ),
        );
    }
    walk.problems
}

struct Walk<'a> {
    file: &'a str,
    doc: &'a OpenAPI,
    limits: &'a Limits,
    items: usize,
    /// The total exceeded the limit: the walk stops.
    over: bool,
    /// Pointers already reported, so a shared component over a limit is reported once.
    reported: BTreeSet<String>,
    problems: Vec<Diagnostic>,
}

impl<'a> Walk<'a> {
    /// Counts `n` more items; false once the total exceeds the limit.
    fn count(&mut self, n: usize) -> bool {
        self.items = self.items.saturating_add(n);
        if self.items > self.limits.max_items {
            self.over = true;
        }
        !self.over
    }

    /// Reports `found` things at `at` when more than `limit` (the limit named `name`).
    fn bound(&mut self, at: String, found: usize, limit: usize, what: &str, name: &str, fix: &str) {
        if found <= limit || !self.reported.insert(at.clone()) {
            return;
        }
        self.problems.push(Limits::exceeded(
            self.file,
            at,
            (found, limit),
            what,
            name,
            fix,
        ));
    }

    fn document(&mut self) {
        let doc = self.doc;
        let servers = doc.servers.iter().map(|s| {
            1 + s
                .variables
                .iter()
                .flatten()
                .map(|(_, v)| 1 + v.enumeration.len())
                .sum::<usize>()
        });
        if !self.count(servers.sum()) {
            return;
        }
        if let Some(components) = &doc.components {
            let schemas = components.schemas.len();
            self.bound(
                pointer(["components", "schemas"]),
                schemas,
                self.limits.max_schemas,
                "component schemas",
                "schemas",
                "split the spec into several files (each is a module of its own)",
            );
            if !self.count(schemas) {
                return;
            }
            for (name, schema) in &components.schemas {
                if let ReferenceOr::Item(schema) = schema {
                    if !self.schema(schema, pointer(["components", "schemas", name.as_str()])) {
                        return;
                    }
                }
            }
        }
        let operations: usize = doc
            .paths
            .paths
            .values()
            .map(|item| item.as_item().map_or(0, |item| item.iter().count()))
            .sum();
        self.bound(
            "/paths".to_owned(),
            operations,
            self.limits.max_operations,
            "operations",
            "operations",
            "split the spec into several files (each is a module of its own)",
        );
        for (path, item) in &doc.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let at_path = pointer(["paths", path.as_str()]);
            for (method, op) in item.iter() {
                let at = format!("{at_path}/{method}");
                let parameters = item.parameters.len() + op.parameters.len();
                self.bound(
                    format!("{at}/parameters"),
                    parameters,
                    self.limits.max_parameters,
                    "parameters (the operation's and its path's)",
                    "parameters",
                    "pass the values in a request body instead",
                );
                let responses =
                    op.responses.responses.len() + usize::from(op.responses.default.is_some());
                if !self.count(1 + parameters + responses) {
                    return;
                }
                let shared = item
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{at_path}/parameters/{i}")));
                let own = op
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{at}/parameters/{i}")));
                for (parameter, here) in shared.chain(own) {
                    if !self.parameter(parameter, here) {
                        return;
                    }
                }
                if let Some(body) = &op.request_body {
                    let here = format!("{at}/requestBody");
                    if let Some((body, here)) =
                        self.resolve(body, here, "requestBodies", |c| &c.request_bodies)
                    {
                        if !self.content(&body.content, &here) {
                            return;
                        }
                    }
                }
                let responses = op
                    .responses
                    .default
                    .iter()
                    .map(|r| (r, "default".to_owned()))
                    .chain(
                        op.responses
                            .responses
                            .iter()
                            .map(|(code, r)| (r, code.to_string())),
                    );
                for (response, code) in responses {
                    let here = format!("{at}/responses/{}", pointer_token(&code));
                    if !self.response(response, here) {
                        return;
                    }
                }
            }
        }
    }

    fn parameter(&mut self, parameter: &'a ReferenceOr<Parameter>, at: String) -> bool {
        let Some((parameter, at)) = self.resolve(parameter, at, "parameters", |c| &c.parameters)
        else {
            return true;
        };
        match &parameter.parameter_data_ref().format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                self.schema(schema, format!("{at}/schema"))
            }
            ParameterSchemaOrContent::Schema(ReferenceOr::Reference { .. }) => true,
            ParameterSchemaOrContent::Content(content) => self.content(content, &at),
        }
    }

    fn response(&mut self, response: &'a ReferenceOr<Response>, at: String) -> bool {
        let Some((response, at)) = self.resolve(response, at, "responses", |c| &c.responses) else {
            return true;
        };
        if !self.count(response.headers.len()) {
            return false;
        }
        for (name, header) in &response.headers {
            if let ReferenceOr::Item(header) = header {
                if let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &header.format
                {
                    let here = format!("{at}/headers/{}/schema", pointer_token(name));
                    if !self.schema(schema, here) {
                        return false;
                    }
                }
            }
        }
        self.content(&response.content, &at)
    }

    fn content(&mut self, content: &'a indexmap::IndexMap<String, MediaType>, at: &str) -> bool {
        for (media_type, media) in content {
            if let Some(ReferenceOr::Item(schema)) = &media.schema {
                let here = format!("{at}/content/{}/schema", pointer_token(media_type));
                if !self.schema(schema, here) {
                    return false;
                }
            }
        }
        true
    }

    /// Follows `#/components/<kind>/<name>` references (lowering reports the dangling ones).
    fn resolve<T>(
        &self,
        item: &'a ReferenceOr<T>,
        at: String,
        kind: &str,
        lookup: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let mut current = item;
        let mut here = at;
        for _ in 0..MAX_ALL_OF_DEPTH {
            match current {
                ReferenceOr::Item(value) => return Some((value, here)),
                ReferenceOr::Reference { reference } => {
                    let name = reference
                        .strip_prefix("#/components/")?
                        .strip_prefix(kind)?
                        .strip_prefix('/')
                        .map(crate::diagnostics::unescape_pointer_token)?;
                    current = lookup(self.doc.components.as_ref()?).get(&name)?;
                    here = pointer(["components", kind, name.as_str()]);
                }
            }
        }
        None
    }

    /// The component schema a reference names (following chains), for merging by `allOf`.
    fn component_schema(&self, reference: &'a str) -> Option<(&'a Schema, String)> {
        let schemas = &self.doc.components.as_ref()?.schemas;
        let mut reference = reference;
        for _ in 0..MAX_ALL_OF_DEPTH {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .map(crate::diagnostics::unescape_pointer_token)?;
            let (name, schema) = schemas.get_key_value(&name)?;
            match schema {
                ReferenceOr::Item(schema) => {
                    return Some((schema, pointer(["components", "schemas", name.as_str()])))
                }
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// Counts a schema and everything lowered with it; false once over the total.
    fn schema(&mut self, schema: &'a Schema, at: String) -> bool {
        // (schema, pointer, depth of `allOf` references followed to reach it)
        let mut stack: Vec<(&'a Schema, String, usize)> = vec![(schema, at, 0)];
        while let Some((schema, at, depth)) = stack.pop() {
            if !self.count(1) {
                return false;
            }
            let push_boxed = |stack: &mut Vec<_>, s: &'a ReferenceOr<Box<Schema>>, here: String| {
                if let ReferenceOr::Item(s) = s {
                    stack.push((&**s, here, depth));
                }
            };
            let (enumeration, properties, additional, items, members) = match &schema.schema_kind {
                SchemaKind::Type(Type::String(s)) => {
                    (s.enumeration.len(), None, None, None, Vec::new())
                }
                SchemaKind::Type(Type::Integer(i)) => {
                    (i.enumeration.len(), None, None, None, Vec::new())
                }
                SchemaKind::Type(Type::Number(n)) => {
                    (n.enumeration.len(), None, None, None, Vec::new())
                }
                SchemaKind::Type(Type::Boolean(b)) => {
                    (b.enumeration.len(), None, None, None, Vec::new())
                }
                SchemaKind::Type(Type::Object(o)) => (
                    0,
                    Some(&o.properties),
                    o.additional_properties.as_ref(),
                    None,
                    Vec::new(),
                ),
                SchemaKind::Type(Type::Array(a)) => (0, None, None, a.items.as_ref(), Vec::new()),
                SchemaKind::OneOf { one_of } => {
                    (0, None, None, None, vec![("oneOf", one_of, false)])
                }
                SchemaKind::AnyOf { any_of } => {
                    (0, None, None, None, vec![("anyOf", any_of, false)])
                }
                SchemaKind::AllOf { all_of } => {
                    (0, None, None, None, vec![("allOf", all_of, true)])
                }
                SchemaKind::Any(any) => {
                    let members = [
                        ("oneOf", &any.one_of, false),
                        ("anyOf", &any.any_of, false),
                        ("allOf", &any.all_of, true),
                    ]
                    .into_iter()
                    .filter(|(_, m, _)| !m.is_empty())
                    .collect();
                    (
                        any.enumeration.len(),
                        Some(&any.properties),
                        any.additional_properties.as_ref(),
                        any.items.as_ref(),
                        members,
                    )
                }
                SchemaKind::Not { .. } => (0, None, None, None, Vec::new()),
            };
            if enumeration > 0 {
                self.bound(
                    format!("{at}/enum"),
                    enumeration,
                    self.limits.max_enum_values,
                    "enum values",
                    "enum-values",
                    "declare a plain `type: string` and list the values in the description",
                );
                if !self.count(enumeration) {
                    return false;
                }
            }
            if let Some(properties) = properties.filter(|p| !p.is_empty()) {
                self.bound(
                    format!("{at}/properties"),
                    properties.len(),
                    self.limits.max_properties,
                    "properties",
                    "properties",
                    "group the properties into nested objects, or declare a map (`additionalProperties`)",
                );
                if !self.count(properties.len()) {
                    return false;
                }
                for (name, property) in properties {
                    push_boxed(
                        &mut stack,
                        property,
                        format!("{at}/properties/{}", pointer_token(name)),
                    );
                }
            }
            if let Some(AdditionalProperties::Schema(schema)) = additional {
                if let ReferenceOr::Item(schema) = &**schema {
                    stack.push((schema, format!("{at}/additionalProperties"), depth));
                }
            }
            if let Some(items) = items {
                push_boxed(&mut stack, items, format!("{at}/items"));
            }
            for (keyword, members, merged) in members {
                self.bound(
                    format!("{at}/{keyword}"),
                    members.len(),
                    self.limits.max_members,
                    &format!("`{keyword}` members"),
                    "members",
                    "group the members into nested schemas",
                );
                if !self.count(members.len()) {
                    return false;
                }
                // An `allOf` of several members (or one inside such an `allOf`) is merged:
                // lowering copies the members of what it refers to, for each use. A lone
                // member (others only annotating it) is an alias, lowered once.
                let merging =
                    merged && (super::schema::sole_member(members).is_none() || depth > 0);
                let inner = if merging { depth + 1 } else { depth };
                for (i, member) in members.iter().enumerate() {
                    match member {
                        ReferenceOr::Item(member) => {
                            stack.push((member, format!("{at}/{keyword}/{i}"), inner))
                        }
                        ReferenceOr::Reference { reference }
                            if merging && depth < MAX_ALL_OF_DEPTH =>
                        {
                            if let Some((schema, here)) = self.component_schema(reference) {
                                stack.push((schema, here, inner));
                            }
                        }
                        ReferenceOr::Reference { .. } => {}
                    }
                }
            }
        }
        true
    }
}
