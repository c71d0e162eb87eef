//! Schemas to types.
//!
//! A component schema becomes a named type. An inline schema that needs a type of its own
//! (an object with members, a string enum, a `oneOf`) is named after where it appears
//! (`ClusterLogRecord` + `status` -> `ClusterLogRecordStatus`), so names stay readable and
//! stable as long as the document's structure is.

use super::Context;
use crate::diagnostics::pointer_token;
use crate::model::naming::{self, Scope};
use crate::model::{
    Additional, Constraints, DownloadLink, EnumValue, Field, SizeEncoding, StringEnum, Type,
    TypeDef, TypeKind, Variant,
};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};

/// Extension marking a member whose value must never be printed.
pub const SENSITIVE: &str = "x-clientgen-sensitive";
/// Extension marking a member as a pre-signed download link, naming its size and file name.
pub const DOWNLOAD_LINK: &str = "x-clientgen-download-link";
/// Extension making a string enum match its values regardless of ASCII case.
pub const CASE_INSENSITIVE: &str = "x-clientgen-case-insensitive";

fn flag(schema: &Schema, extension: &str) -> bool {
    schema
        .schema_data
        .extensions
        .get(extension)
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn doc_of(schema: &Schema) -> Option<String> {
    schema
        .schema_data
        .description
        .clone()
        .or_else(|| schema.schema_data.title.clone())
}

impl Context<'_> {
    /// Defines the component schema `schema` as the type `name`.
    pub(super) fn define_named(&mut self, name: String, schema: &ReferenceOr<Schema>, at: &str) {
        let doc = match schema {
            ReferenceOr::Reference { .. } => None,
            ReferenceOr::Item(item) => doc_of(item),
        };
        let slot = self.reserve(&name, doc);
        let kind = match schema {
            ReferenceOr::Reference { .. } => TypeKind::Alias(self.type_of(schema, &name, at)),
            ReferenceOr::Item(item) => self.definition(&name, item, at),
        };
        self.types[slot].kind = kind;
    }

    /// Puts a type in the list before its members are lowered, so a type comes before the
    /// inline types it contains.
    fn reserve(&mut self, name: &str, doc: Option<String>) -> usize {
        self.types.push(TypeDef {
            usage: Default::default(),
            name: name.to_owned(),
            doc,
            kind: TypeKind::Alias(Type::Any),
        });
        self.type_index
            .insert(name.to_owned(), self.types.len() - 1);
        self.types.len() - 1
    }

    /// The type of a schema used in place (a member, an item, a parameter, a body).
    pub fn type_of(&mut self, schema: &ReferenceOr<Schema>, hint: &str, at: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.named_reference(reference, at),
            ReferenceOr::Item(item) => self.inline_type(item, hint, at),
        }
    }

    fn type_of_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, hint: &str, at: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.named_reference(reference, at),
            ReferenceOr::Item(item) => self.inline_type(item, hint, at),
        }
    }

    fn named_reference(&mut self, reference: &str, at: &str) -> Type {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .map(|n| n.replace("~1", "/").replace("~0", "~"))
            .and_then(|n| self.schema_names.get(&n).cloned());
        match name {
            Some(name) => Type::Named(name),
            None => {
                // A spec broken in one place still gives a client for the rest.
                self.warn(
                    at,
                    format!("unresolved schema reference `{reference}`; the value is a `serde_json::Value`"),
                    "define the schema under `#/components/schemas` or fix the reference",
                );
                Type::Any
            }
        }
    }

    fn inline_type(&mut self, schema: &Schema, hint: &str, at: &str) -> Type {
        let sole = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => sole_member(all_of),
            _ => None,
        };
        let ty = if let Some((i, member)) = sole {
            self.type_of(member, hint, &format!("{at}/allOf/{i}"))
        } else if needs_definition(schema) || open_enum(self.doc, schema).is_some() {
            let name = self.type_scope.claim(naming::type_name(hint));
            let slot = self.reserve(&name, doc_of(schema));
            self.types[slot].kind = self.definition(&name, schema, at);
            Type::Named(name)
        } else {
            self.plain_type(schema, hint, at)
        };
        // `allOf: [{$ref: X}, {nullable: true}]` is the 3.0 way to write a nullable reference.
        let annotated_nullable = sole.is_some()
            && matches!(&schema.schema_kind, SchemaKind::AllOf { all_of }
                if all_of.iter().any(|m| matches!(m, ReferenceOr::Item(s) if s.schema_data.nullable)));
        // An open enum allows `null` when one of its members does.
        let open_nullable = open_enum(self.doc, schema).is_some_and(|open| open.nullable);
        if schema.schema_data.nullable || annotated_nullable || open_nullable {
            Type::Option(Box::new(ty))
        } else {
            ty
        }
    }

    /// The kind of a type defined for `schema`.
    fn definition(&mut self, name: &str, schema: &Schema, at: &str) -> TypeKind {
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(object)) if !object.properties.is_empty() => {
                let fields = self.fields(name, &object.properties, &object.required, at);
                let additional =
                    self.additional(name, object.additional_properties.as_ref(), &fields, at);
                TypeKind::Struct { fields, additional }
            }
            SchemaKind::Any(any)
                if !any.properties.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty() =>
            {
                let fields = self.fields(name, &any.properties, &any.required, at);
                let additional =
                    self.additional(name, any.additional_properties.as_ref(), &fields, at);
                TypeKind::Struct { fields, additional }
            }
            SchemaKind::Type(openapiv3::Type::String(string)) if !string.enumeration.is_empty() => {
                string_enum(
                    string.enumeration.iter().flatten().cloned(),
                    flag(schema, CASE_INSENSITIVE),
                )
            }
            _ if open_enum(self.doc, schema).is_some() => {
                self.open_enum_definition(name, schema, at)
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                let here = format!("{at}/{keyword}");
                match &schema.schema_data.discriminator {
                    Some(discriminator) => {
                        self.discriminated(name, members, discriminator, &here, at)
                    }
                    None => self.variants(name, members, &here),
                }
            }
            SchemaKind::AllOf { all_of } if sole_member(all_of).is_some() => {
                let (i, member) = sole_member(all_of).expect("checked by the guard");
                TypeKind::Alias(self.type_of(member, name, &format!("{at}/allOf/{i}")))
            }
            SchemaKind::AllOf { all_of } => {
                let mut properties = indexmap::IndexMap::new();
                let mut required = Vec::new();
                let here = format!("{at}/allOf");
                if self.merge_all_of(all_of, &here, 0, &mut properties, &mut required) {
                    TypeKind::Struct {
                        fields: self.fields(name, &properties, &required, at),
                        additional: None,
                    }
                } else {
                    TypeKind::Alias(Type::Any)
                }
            }
            _ => TypeKind::Alias(self.plain_type(schema, name, at)),
        }
    }

    /// The type of an open enum ([`open_enum`]): the enum it generates for a closed one, with
    /// its `Unknown` catch-all. Matched regardless of case when the schema or its enum member
    /// says `x-clientgen-case-insensitive`. A member that refers to an enum component stands
    /// for that component (already forward compatible), unless the open enum adds case
    /// insensitivity the component lacks: then its values are copied into an enum of its own.
    fn open_enum_definition(&mut self, name: &str, schema: &Schema, at: &str) -> TypeKind {
        let open = open_enum(self.doc, schema).expect("checked by the caller");
        let outer = flag(schema, CASE_INSENSITIVE);
        if let ReferenceOr::Reference { .. } = open.known {
            if !outer || open.case_insensitive {
                let here = format!("{at}/{}/{}", open.keyword, open.known_index);
                return TypeKind::Alias(self.type_of(open.known, name, &here));
            }
        }
        string_enum(open.values, outer || open.case_insensitive)
    }

    /// Collects the members of every object in an `allOf` (following references and nested
    /// `allOf`s): the value must satisfy all of them, so it has all their members.
    fn merge_all_of(
        &mut self,
        members: &[ReferenceOr<Schema>],
        at: &str,
        depth: usize,
        properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &mut Vec<String>,
    ) -> bool {
        if depth > 32 {
            self.error(
                at,
                "`allOf` nests too deeply or refers to itself",
                "break the cycle of `allOf` references",
            );
            return false;
        }
        let doc = self.doc;
        for (i, member) in members.iter().enumerate() {
            let here = format!("{at}/{i}");
            let Some(schema) = resolve_schema(doc, member) else {
                self.warn(
                    &here,
                    "unresolved schema reference in `allOf`; the type is a `serde_json::Value`",
                    "define the referenced schema",
                );
                return false;
            };
            match &schema.schema_kind {
                SchemaKind::Type(openapiv3::Type::Object(object)) => {
                    properties.extend(
                        object
                            .properties
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone())),
                    );
                    required.extend(object.required.iter().cloned());
                }
                SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                    properties.extend(any.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
                    required.extend(any.required.iter().cloned());
                    if !any.all_of.is_empty()
                        && !self.merge_all_of(
                            &any.all_of,
                            &format!("{here}/allOf"),
                            depth + 1,
                            properties,
                            required,
                        )
                    {
                        return false;
                    }
                }
                SchemaKind::AllOf { all_of } => {
                    if !self.merge_all_of(
                        all_of,
                        &format!("{here}/allOf"),
                        depth + 1,
                        properties,
                        required,
                    ) {
                        return false;
                    }
                }
                SchemaKind::OneOf { one_of: variants } | SchemaKind::AnyOf { any_of: variants }
                    if variants
                        .iter()
                        .all(|v| resolve_schema(doc, v).is_some_and(is_object)) =>
                {
                    // Every variant's members, none required: the struct holds any of them.
                    for variant in variants {
                        if let Some(variant) = resolve_schema(doc, variant) {
                            properties.extend(object_properties(variant));
                        }
                    }
                    self.warn(
                        &here,
                        "an `allOf` member is a `oneOf`/`anyOf` of objects; the members of every alternative are merged in, none of them required",
                        "move the alternatives out of the `allOf` (a `oneOf` of complete objects) for a type per alternative",
                    );
                }
                _ => {
                    self.warn(
                        &here,
                        "an `allOf` member is not an object, so the members cannot be merged into a struct; the type is a `serde_json::Value`",
                        "combine objects with `allOf`; for a single schema with extra keywords, use that schema alone",
                    );
                    return false;
                }
            }
        }
        true
    }

    fn fields(
        &mut self,
        owner: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &str,
    ) -> Vec<Field> {
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        let mut links = Vec::new();
        let required: std::collections::BTreeSet<&str> =
            required.iter().map(String::as_str).collect();
        for (wire_name, property) in properties {
            let here = format!("{at}/properties/{}", pointer_token(wire_name));
            let hint = format!("{owner}_{wire_name}");
            let mut ty = self.type_of_boxed(property, &hint, &here);
            let (doc, sensitive, read_only, write_only, default, link) = match property {
                ReferenceOr::Item(item) => (
                    doc_of(item),
                    flag(item, SENSITIVE),
                    item.schema_data.read_only,
                    item.schema_data.write_only,
                    item.schema_data.default.clone(),
                    item.schema_data.extensions.get(DOWNLOAD_LINK),
                ),
                ReferenceOr::Reference { .. } => (None, false, false, false, None, None),
            };
            if let Some(declaration) = link {
                links.push((fields.len(), declaration, here.clone()));
            }
            let mut nullable = false;
            if let Type::Option(inner) = ty {
                nullable = true;
                ty = *inner;
            }
            fields.push(Field {
                wire_name: wire_name.clone(),
                name: scope.claim(naming::value_name(wire_name)),
                doc,
                ty,
                required: required.contains(wire_name.as_str()),
                nullable,
                sensitive,
                boxed: false,
                read_only,
                write_only,
                default,
                download_link: None,
            });
        }
        for (index, declaration, here) in links {
            fields[index].download_link = self.download_link(&fields, index, declaration, &here);
        }
        fields
    }

    /// Reads `x-clientgen-download-link`: `true`, or `{size: <member>, file-name: <member>}`
    /// naming siblings of the link.
    fn download_link(
        &mut self,
        fields: &[Field],
        index: usize,
        declaration: &serde_json::Value,
        here: &str,
    ) -> Option<DownloadLink> {
        let at = format!("{here}/{DOWNLOAD_LINK}");
        if fields[index].ty != Type::String || !fields[index].sensitive {
            self.error(
                &at,
                "a download link must be a string member marked `x-clientgen-sensitive: true`",
                "a pre-signed link is a credential: declare `type: string` and `x-clientgen-sensitive: true`",
            );
            return None;
        }
        let mut link = DownloadLink {
            size: None,
            file_name: None,
        };
        let entries = match declaration {
            serde_json::Value::Bool(true) => return Some(link),
            serde_json::Value::Object(entries) => entries,
            _ => {
                self.error(
                    &at,
                    "expected `true` or a mapping with `size` and `file-name`",
                    "write for example `x-clientgen-download-link: {size: file_size, file-name: file_name}`",
                );
                return None;
            }
        };
        for (key, value) in entries {
            let here = format!("{at}/{}", pointer_token(key));
            if key != "size" && key != "file-name" {
                self.error(
                    here,
                    format!("unknown key `{key}`"),
                    "use `size` and `file-name`",
                );
                continue;
            }
            let wire = value.as_str().unwrap_or_default();
            let Some(sibling) = fields.iter().find(|f| f.wire_name == wire) else {
                self.error(
                    here,
                    format!("`{wire}` is not a member of this object"),
                    "name a sibling member of the link by its name in the spec",
                );
                continue;
            };
            match (key.as_str(), &sibling.ty) {
                ("size", Type::String) => {
                    link.size = Some((sibling.name.clone(), SizeEncoding::Text))
                }
                ("size", Type::I32 | Type::I64) => {
                    link.size = Some((sibling.name.clone(), SizeEncoding::Integer))
                }
                ("file-name", Type::String) => link.file_name = Some(sibling.name.clone()),
                _ => self.error(
                    here,
                    format!(
                        "member `{}` has a type that cannot hold a {key}",
                        sibling.wire_name
                    ),
                    "a size is an integer or a string of digits; a file name is a string",
                ),
            }
        }
        Some(link)
    }

    fn variants(&mut self, owner: &str, members: &[ReferenceOr<Schema>], at: &str) -> TypeKind {
        let mut scope = Scope::new();
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let here = format!("{at}/{i}");
            let ty = self.type_of(member, &format!("{owner}_variant{i}"), &here);
            let name = match &ty {
                Type::Named(n) => n.clone(),
                Type::Bool => "Boolean".to_owned(),
                Type::I32 | Type::I64 => "Integer".to_owned(),
                Type::F32 | Type::F64 => "Number".to_owned(),
                Type::String => "String".to_owned(),
                Type::Array(_) => "Array".to_owned(),
                Type::Map(_) | Type::Any => "Object".to_owned(),
                Type::Option(_) => "Nullable".to_owned(),
            };
            variants.push(Variant {
                name: scope.claim(name),
                ty,
                boxed: false,
                tags: Vec::new(),
            });
        }
        if variants.is_empty() {
            self.error(
                at,
                "an empty `oneOf`/`anyOf` has no value",
                "list at least one schema",
            );
        }
        TypeKind::OneOf {
            variants,
            discriminator: None,
        }
    }

    /// A `oneOf` told apart by a property: each member must be a reference, selected by the
    /// mapping's values for it or, without one, by its schema name.
    fn discriminated(
        &mut self,
        owner: &str,
        members: &[ReferenceOr<Schema>],
        discriminator: &openapiv3::Discriminator,
        at: &str,
        schema_at: &str,
    ) -> TypeKind {
        if let Some(i) = members
            .iter()
            .position(|m| matches!(m, ReferenceOr::Item(_)))
        {
            self.warn(
                format!("{at}/{i}"),
                "a member of a `oneOf` with a `discriminator` is not a `$ref`, so it has no name to be told apart by; the alternatives are told apart by their shape, as without a discriminator",
                "move the member into `#/components/schemas` and refer to it",
            );
            return self.variants(owner, members, at);
        }
        let TypeKind::OneOf { mut variants, .. } = self.variants(owner, members, at) else {
            unreachable!("variants() makes a oneOf")
        };
        for (variant, member) in variants.iter_mut().zip(members) {
            let ReferenceOr::Reference { reference } = member else {
                continue;
            };
            let schema_name = reference.rsplit('/').next().unwrap_or(reference);
            variant.tags = discriminator
                .mapping
                .iter()
                .filter(|(_, target)| *target == reference || *target == schema_name)
                .map(|(tag, _)| tag.clone())
                .collect();
            if variant.tags.is_empty() {
                variant.tags.push(schema_name.to_owned());
            }
        }
        if variants.iter().any(|v| v.name == "Unknown") {
            self.error(
                format!("{schema_at}/discriminator"),
                "a member named `Unknown` collides with the variant for unknown discriminator values",
                "rename that schema",
            );
        }
        TypeKind::OneOf {
            variants,
            discriminator: Some(discriminator.property_name.clone()),
        }
    }

    /// The map for members beyond the named ones, if the schema allows them explicitly.
    fn additional(
        &mut self,
        owner: &str,
        additional: Option<&AdditionalProperties>,
        fields: &[Field],
        at: &str,
    ) -> Option<Additional> {
        let ty = match additional? {
            AdditionalProperties::Any(true) => Type::Any,
            AdditionalProperties::Any(false) => return None,
            AdditionalProperties::Schema(schema) => self.type_of(
                schema,
                &format!("{owner}_additional"),
                &format!("{at}/additionalProperties"),
            ),
        };
        let mut scope = Scope::with_taken(fields.iter().map(|f| f.name.as_str()));
        Some(Additional {
            name: scope.claim("additional_properties".to_owned()),
            ty,
        })
    }

    /// Types that need no definition of their own.
    fn plain_type(&mut self, schema: &Schema, hint: &str, at: &str) -> Type {
        use openapiv3::Type as T;
        match &schema.schema_kind {
            SchemaKind::Type(T::Boolean(_)) => Type::Bool,
            SchemaKind::Type(T::Integer(integer)) => match &integer.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                    Type::I32
                }
                _ => Type::I64,
            },
            SchemaKind::Type(T::Number(number)) => match &number.format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => {
                    Type::F32
                }
                _ => Type::F64,
            },
            SchemaKind::Type(T::String(_)) => Type::String,
            SchemaKind::Type(T::Array(array)) => match &array.items {
                Some(items) => {
                    let item =
                        self.type_of_boxed(items, &format!("{hint}_item"), &format!("{at}/items"));
                    Type::Array(Box::new(item))
                }
                None => Type::Array(Box::new(Type::Any)),
            },
            SchemaKind::Type(T::Object(object)) => {
                self.map_type(object.additional_properties.as_ref(), hint, at)
            }
            SchemaKind::Any(any) if any.properties.is_empty() => self.map_type_or_any(
                any.additional_properties.as_ref(),
                any.typ.as_deref(),
                hint,
                at,
            ),
            _ => Type::Any,
        }
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        at: &str,
    ) -> Type {
        match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let value = self.type_of(
                    value,
                    &format!("{hint}_value"),
                    &format!("{at}/additionalProperties"),
                );
                Type::Map(Box::new(value))
            }
            _ => Type::Map(Box::new(Type::Any)),
        }
    }

    fn map_type_or_any(
        &mut self,
        additional: Option<&AdditionalProperties>,
        typ: Option<&str>,
        hint: &str,
        at: &str,
    ) -> Type {
        if additional.is_some() || typ == Some("object") {
            self.map_type(additional, hint, at)
        } else {
            Type::Any
        }
    }
}

/// The schema a reference points at (following chains), for reading constraints and
/// extensions; `None` for a dangling reference, which `type_of` reports.
pub fn resolve_schema<'d>(
    doc: &'d openapiv3::OpenAPI,
    schema: &'d ReferenceOr<Schema>,
) -> Option<&'d Schema> {
    let mut current = schema;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .map(crate::diagnostics::unescape_pointer_token)?;
                current = doc.components.as_ref()?.schemas.get(&name)?;
            }
        }
    }
    None
}

/// The one member an `allOf` stands for when every other member only annotates or constrains
/// it (`description`, `nullable`, `pattern`, `maxLength`...: no keyword that shapes the
/// value), with its index. `allOf: [{$ref: X}, {description: ..}]` is how OpenAPI 3.0
/// documents a reference: it means `X` itself (its type, recursion included), not a copy of
/// `X`'s members. Beside one reference, a member that only restates a plain type
/// (`{type: string}`, `{type: object}`) shapes nothing either. Constraints of the other members are not checked
/// by the client (the server still does).
pub(super) fn sole_member(all_of: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    use openapiv3::Type as T;
    let shapes_nothing = |member: &ReferenceOr<Schema>| match member {
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(any) => {
                any.typ.is_none()
                    && any.properties.is_empty()
                    && any.items.is_none()
                    && any.enumeration.is_empty()
                    && any.one_of.is_empty()
                    && any.all_of.is_empty()
                    && any.any_of.is_empty()
                    && any.not.is_none()
                    && any.additional_properties.is_none()
            }
            _ => false,
        },
        ReferenceOr::Reference { .. } => false,
    };
    let plain_type = |member: &ReferenceOr<Schema>| {
        matches!(member, ReferenceOr::Item(s) if match &s.schema_kind {
            SchemaKind::Type(T::String(t)) => t.enumeration.is_empty(),
            SchemaKind::Type(T::Integer(t)) => t.enumeration.is_empty(),
            SchemaKind::Type(T::Number(t)) => t.enumeration.is_empty(),
            SchemaKind::Type(T::Boolean(_)) => true,
            // `{type: object}` beside a reference restates that it is an object.
            SchemaKind::Type(T::Object(o)) => o.properties.is_empty() && o.additional_properties.is_none(),
            _ => false,
        })
    };
    let shaping: Vec<(usize, &ReferenceOr<Schema>)> = all_of
        .iter()
        .enumerate()
        .filter(|(_, m)| !shapes_nothing(m))
        .collect();
    if let [only] = shaping.as_slice() {
        return Some(*only);
    }
    let mut references = shaping.iter().filter(|(_, m)| !plain_type(m));
    match (references.next(), references.next()) {
        (Some(only @ (_, ReferenceOr::Reference { .. })), None) => Some(*only),
        _ => None,
    }
}

/// A string enum type: `Unknown` is the catch-all variant every generated enum has.
fn string_enum(values: impl IntoIterator<Item = String>, case_insensitive: bool) -> TypeKind {
    let mut scope = Scope::with_taken(["Unknown"]);
    let values = values
        .into_iter()
        .map(|wire| EnumValue {
            name: scope.claim(naming::variant_name(&wire)),
            wire,
        })
        .collect();
    TypeKind::Enum(StringEnum {
        values,
        case_insensitive,
    })
}

/// An open enum: "these values, or any other string", written in standard OpenAPI.
pub(super) struct OpenEnum<'d> {
    /// The member listing the known values (a string enum, or a reference to one).
    pub known: &'d ReferenceOr<Schema>,
    /// `oneOf` or `anyOf`, and the known member's index there.
    pub keyword: &'static str,
    pub known_index: usize,
    /// The known values, in order.
    pub values: Vec<String>,
    /// The enum member (or what it refers to) is marked `x-clientgen-case-insensitive`.
    pub case_insensitive: bool,
    /// A member allows `null` (`nullable: true`).
    pub nullable: bool,
}

/// Reads the open-enum idiom: a `oneOf` or `anyOf` (without a discriminator) of exactly two
/// members, a string enum and a plain string, in either order, each inline or a `$ref` (the
/// enum may itself be an open enum), beside at most `type: string`.
/// `anyOf: [{type: string, enum: [a, b]}, {type: string}]` is how standard OpenAPI says what
/// a closed enum with a catch-all means to this generator, so both give the same
/// forward-compatible enum. Descriptions, titles and string constraints on the members
/// change nothing.
pub(super) fn open_enum<'d>(
    doc: &'d openapiv3::OpenAPI,
    schema: &'d Schema,
) -> Option<OpenEnum<'d>> {
    open_enum_within(doc, schema, 0)
}

fn open_enum_within<'d>(
    doc: &'d openapiv3::OpenAPI,
    schema: &'d Schema,
    depth: usize,
) -> Option<OpenEnum<'d>> {
    if depth > 8 || schema.schema_data.discriminator.is_some() {
        return None;
    }
    let (keyword, members) = match &schema.schema_kind {
        SchemaKind::OneOf { one_of } => ("oneOf", one_of),
        SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
        // `{type: string, anyOf: [..]}`: the parser keeps such a node untyped.
        SchemaKind::Any(any)
            if matches!(any.typ.as_deref(), None | Some("string"))
                && any.properties.is_empty()
                && any.additional_properties.is_none()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.all_of.is_empty()
                && any.not.is_none()
                && any.one_of.is_empty() != any.any_of.is_empty() =>
        {
            if any.one_of.is_empty() {
                ("anyOf", &any.any_of)
            } else {
                ("oneOf", &any.one_of)
            }
        }
        _ => return None,
    };
    let [first, second] = members.as_slice() else {
        return None;
    };
    let resolved = |m| resolve_schema(doc, m);
    let (known_index, known, other) = if is_plain_string(resolved(second)?) {
        (0, first, second)
    } else {
        (1, second, first)
    };
    let other = resolved(other)?;
    if !is_plain_string(other) {
        return None;
    }
    let target = resolved(known)?;
    let (values, case_insensitive, nullable) = match &target.schema_kind {
        SchemaKind::Type(openapiv3::Type::String(string)) if !string.enumeration.is_empty() => (
            string.enumeration.iter().flatten().cloned().collect(),
            flag(target, CASE_INSENSITIVE),
            target.schema_data.nullable,
        ),
        _ => {
            let inner = open_enum_within(doc, target, depth + 1)?;
            let case_insensitive = inner.case_insensitive || flag(target, CASE_INSENSITIVE);
            (inner.values, case_insensitive, inner.nullable)
        }
    };
    Some(OpenEnum {
        known,
        keyword,
        known_index,
        values,
        case_insensitive,
        nullable: nullable || other.schema_data.nullable,
    })
}

/// A string without values or a binary format: the "anything else" of an open enum.
fn is_plain_string(schema: &Schema) -> bool {
    use openapiv3::{StringFormat, VariantOrUnknownOrEmpty};
    matches!(&schema.schema_kind, SchemaKind::Type(openapiv3::Type::String(string))
    if string.enumeration.is_empty()
        && !matches!(
            string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Byte)
        ))
}

fn is_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(_)) => true,
        SchemaKind::Any(any) => {
            !any.properties.is_empty() && any.one_of.is_empty() && any.any_of.is_empty()
        }
        _ => false,
    }
}

/// An object schema's members (see [`is_object`]).
fn object_properties(
    schema: &Schema,
) -> impl Iterator<Item = (String, ReferenceOr<Box<Schema>>)> + '_ {
    let properties = match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(object)) => Some(&object.properties),
        SchemaKind::Any(any) => Some(&any.properties),
        _ => None,
    };
    properties
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
}

/// Whether an inline schema needs a named type of its own.
fn needs_definition(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::Type(openapiv3::Type::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
        SchemaKind::AllOf { all_of } => sole_member(all_of).is_none(),
        SchemaKind::Any(any) => !any.properties.is_empty(),
        _ => false,
    }
}

/// The limits a schema sets on a value.
pub fn constraints_of(schema: &Schema) -> Constraints {
    use openapiv3::Type as T;
    let mut c = Constraints::default();
    match &schema.schema_kind {
        SchemaKind::Type(T::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
            c.exclusive_minimum = i.exclusive_minimum;
            c.exclusive_maximum = i.exclusive_maximum;
        }
        SchemaKind::Type(T::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
        }
        SchemaKind::Type(T::String(s)) => {
            c.min_length = s.min_length;
            c.max_length = s.max_length;
            c.pattern = s.pattern.clone();
        }
        SchemaKind::Type(T::Array(a)) => {
            c.min_items = a.min_items;
            c.max_items = a.max_items;
        }
        _ => {}
    }
    c
}
