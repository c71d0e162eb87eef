//! The module's `types.rs`, returned as its text: a Rust type per schema.

use super::docs::{doc_attrs, doc_lines, doc_opt, inner_doc_lines, spec_text};
use super::rust::rooted;
use super::rust::{ident, rust_type, Scope};
use crate::model::{
    Additional, Api, Field, SizeEncoding, StringEnum, Type, TypeDef, TypeKind, Usage, Variant,
};
use crate::write::render_items;
use proc_macro2::TokenStream;
use quote::quote;

/// The module's `types.rs`.
/// `serde_feature` is the Cargo feature that gives every type both serde traits.
/// `root`: where the runtime is mounted ([`super::rust::rooted`]).
pub fn render_types(api: &Api, serde_feature: Option<&str>, root: &str) -> String {
    // String enums, and aliases of them (identical enums are merged into aliases).
    let by_name: std::collections::BTreeMap<&str, &TypeKind> = api
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.kind))
        .collect();
    let is_enum = |name: &str| {
        let mut name = name;
        for _ in 0..64 {
            match by_name.get(name).copied() {
                Some(TypeKind::Enum(_)) => return true,
                Some(TypeKind::Alias(Type::Named(target))) => name = target,
                _ => return false,
            }
        }
        false
    };
    let enums: Vec<&str> = api
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Enum(_) | TypeKind::Alias(Type::Named(_))))
        .map(|t| t.name.as_str())
        .filter(|name| is_enum(name))
        .collect();
    let mut text = String::from(
        "Request and response types of the API, one per schema.\n\n\
         A type implements `Deserialize` when it is received (in a response, or used by no\n\
         operation) and `Serialize` when it is sent (in a request); string enums implement both.",
    );
    if let Some(feature) = serde_feature {
        text.push_str(&format!(
            "\n\nWith the Cargo feature `{feature}` on, every type implements both, so values can be\n\
             logged, stored and made up in tests: the added direction uses the same wire names, so\n\
             what one writes the other reads back. Serializing writes sensitive members (hidden\n\
             from `Debug`) as they are."
        ));
    }
    let doc = inner_doc_lines(&text);
    // The proof an enum's conversions give to make its `UnknownValue`: a type no code outside
    // this module can build (its module is private, its field too).
    let proof = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Enum(_)))
        .then(|| {
            quote! {
                mod proof {
                    /// Made only by this module's enums, for their unknown values.
                    #[derive(Debug)]
                    pub struct Proof(pub(super) ());
                }
            }
        });
    let head = quote! {
        #doc
        #![allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        #proof
    };
    render_items(&api.source, rooted(head, root), &api.types, &|def| {
        rooted(emit_type(def, &enums, serde_feature), root)
    })
}

/// `enums` names the module's string enums, which display as text like primitives do.
fn emit_type(def: &TypeDef, enums: &[&str], serde_feature: Option<&str>) -> TokenStream {
    let doc = doc_opt(def.doc.as_deref());
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional } => emit_struct(
            &def.name,
            doc,
            fields,
            additional.as_ref(),
            def.usage,
            serde_feature,
        ),
        TypeKind::Enum(e) => emit_enum(&def.name, doc, e),
        TypeKind::OneOf {
            variants,
            discriminator,
        } => emit_one_of(
            doc,
            &def.name,
            variants,
            discriminator.as_deref(),
            enums,
            def.usage,
            serde_feature,
        ),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty, Scope::Types);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty, Scope::Types);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.is_optional() {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

fn emit_struct(
    name: &str,
    doc: TokenStream,
    fields: &[Field],
    additional: Option<&Additional>,
    usage: Usage,
    serde_feature: Option<&str>,
) -> TokenStream {
    let ident_name = ident(name);
    let sensitive = fields.iter().any(|f| f.sensitive);
    // Without a required member, `new()` takes nothing: `Default` says the same.
    let default = fields
        .iter()
        .all(Field::is_optional)
        .then(|| quote!(Default,));
    let derives = if sensitive {
        quote!(#[derive(Clone, PartialEq, #default)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, #default)])
    };
    let members = fields.iter().map(|field| {
        let doc = field_doc(field);
        let name = ident(&field.name);
        let ty = field_type(field);
        quote! {
            #doc
            pub #name: #ty,
        }
    });
    let extra = additional.map(|a| {
        let name = ident(&a.name);
        let ty = rust_type(&a.ty, Scope::Types);
        quote! {
            /// Members beyond the named ones, by wire name.
            pub #name: std::collections::BTreeMap<String, #ty>,
        }
    });
    let debug = if sensitive {
        emit_redacting_debug(name, fields, additional)
    } else {
        quote!()
    };
    let serde = super::serde_impls::struct_impls(name, fields, additional, usage, serde_feature);
    let links = emit_link_methods(name, fields);
    let constructors = emit_constructors(name, fields, additional);
    quote! {
        #doc
        ///
        /// Built with [`new`](Self::new) (its required members) and the `with_` setters (the
        /// optional ones), never with a struct literal: a member the spec adds later is then no
        /// breaking change.
        #derives
        #[non_exhaustive]
        pub struct #ident_name {
            #(#members)*
            #extra
        }
        #constructors
        #debug
        #serde
        #links
    }
}

/// `new` with the required members, in the spec's order, and a `with_<member>` setter per
/// optional one: the struct is `#[non_exhaustive]`, so these are how code outside the crate
/// builds it (a request body, or a response made up in a test), and adding an optional member
/// to the spec breaks nobody. A required member added is a new argument of `new`, breaking, as
/// `clientgen diff` says.
fn emit_constructors(name: &str, fields: &[Field], additional: Option<&Additional>) -> TokenStream {
    let ident_name = ident(name);
    let required: Vec<&Field> = fields.iter().filter(|f| !f.is_optional()).collect();
    let params = required.iter().map(|f| {
        let name = ident(&f.name);
        let ty = field_type(f);
        quote!(#name: impl Into<#ty>)
    });
    let inits = fields.iter().map(|f| {
        let name = ident(&f.name);
        if f.is_optional() {
            quote!(#name: None,)
        } else {
            quote!(#name: #name.into(),)
        }
    });
    let extra = additional.map(|a| {
        let name = ident(&a.name);
        quote!(#name: std::collections::BTreeMap::new(),)
    });
    let setters = fields.iter().filter(|f| f.is_optional()).map(|f| {
        let member = ident(&f.name);
        let setter = quote::format_ident!("with_{}", f.name);
        let mut ty = rust_type(&f.ty, Scope::Types);
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        let doc = doc_lines(&format!("Sets `{}`.", f.wire_name));
        quote! {
            #doc
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#member = Some(value.into());
                self
            }
        }
    });
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let new_doc = if required.is_empty() {
        doc_lines(&format!("A `{name}` with no member set."))
    } else {
        doc_lines(&format!(
            "A `{name}` with its required members ({}); the others are unset.",
            required
                .iter()
                .map(|f| format!("`{}`", f.wire_name))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    quote! {
        impl #ident_name {
            #new_doc
            #many
            pub fn new(#(#params),*) -> Self {
                #ident_name {
                    #(#inits)*
                    #extra
                }
            }
            #(#setters)*
        }
    }
}

/// `presigned_<member>()` for each member declared a download link.
fn emit_link_methods(name: &str, fields: &[Field]) -> TokenStream {
    let methods: Vec<TokenStream> = fields
        .iter()
        .filter_map(|field| {
            let link = field.download_link.as_ref()?;
            let sibling = |rust: &str| fields.iter().find(|f| f.name == rust);
            let member = ident(&field.name);
            let method = quote::format_ident!("presigned_{}", field.name);
            let url = if field.is_optional() {
                quote!(self.#member.as_ref()?)
            } else {
                quote!(&self.#member)
            };
            let mut doc = format!(
                "The pre-signed link in `{}`, to download with [`PresignedLink::save_to`](crate::PresignedLink::save_to) or [`save_into`](crate::PresignedLink::save_into), which send no credential to the link's host.",
                field.wire_name
            );
            let size = match link.size.as_ref().and_then(|(s, enc)| Some((sibling(s)?, *enc))) {
                None => quote!(None),
                Some((size, encoding)) => {
                    doc.push_str(&format!(
                        " The download must have the size in `{}`.",
                        size.wire_name
                    ));
                    let m = ident(&size.name);
                    match (encoding, size.is_optional()) {
                        (SizeEncoding::Text, true) => {
                            quote!(self.#m.as_deref().and_then(|v| v.trim().parse().ok()))
                        }
                        (SizeEncoding::Text, false) => quote!(self.#m.trim().parse().ok()),
                        (SizeEncoding::Integer, true) => {
                            quote!(self.#m.and_then(|v| u64::try_from(v).ok()))
                        }
                        (SizeEncoding::Integer, false) => quote!(u64::try_from(self.#m).ok()),
                    }
                }
            };
            let file_name = match link.file_name.as_deref().and_then(sibling) {
                None => quote!(None),
                Some(f) => {
                    doc.push_str(&format!(
                        " Saved into a folder, it is named after `{}`.",
                        f.wire_name
                    ));
                    let m = ident(&f.name);
                    if f.is_optional() {
                        quote!(self.#m.clone())
                    } else {
                        quote!(Some(self.#m.clone()))
                    }
                }
            };
            let doc = doc_lines(&doc);
            Some(quote! {
                #doc
                pub fn #method(&self) -> Option<crate::PresignedLink> {
                    let url = #url;
                    Some(
                        crate::PresignedLink::new(url.clone())
                            .with_expected_size(#size)
                            .with_file_name(#file_name),
                    )
                }
            })
        })
        .collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    let ident_name = ident(name);
    quote! {
        impl #ident_name {
            #(#methods)*
        }
    }
}

fn field_doc(field: &Field) -> TokenStream {
    let mut paragraphs: Vec<String> = field.doc.as_deref().map(spec_text).into_iter().collect();
    if let Some(default) = &field.default {
        paragraphs.push(format!(
            "The service's default: `{}`.",
            default.to_string().replace('`', "'")
        ));
    }
    if field.read_only {
        paragraphs.push("Read-only: set by the service; leave it unset in requests.".to_owned());
    }
    if field.write_only {
        paragraphs.push("Write-only: sent in requests; the service does not return it.".to_owned());
    }
    if field.sensitive {
        paragraphs.push(
            "Sensitive: `Debug` output shows a redaction marker instead of the value (serializing writes the value itself).".to_owned(),
        );
    }
    doc_lines(&paragraphs.join("\n\n"))
}

/// `Debug` that prints a marker in place of sensitive members.
fn emit_redacting_debug(
    name: &str,
    fields: &[Field],
    additional: Option<&Additional>,
) -> TokenStream {
    let ident_name = ident(name);
    let entries = fields.iter().map(|field| {
        let member = ident(&field.name);
        let label = &field.name;
        match (field.sensitive, field.is_optional()) {
            (false, _) => quote!(.field(#label, &self.#member)),
            (true, true) => {
                quote!(.field(#label, &self.#member.as_ref().map(|_| crate::config::REDACTED)))
            }
            (true, false) => quote!(.field(#label, &crate::config::REDACTED)),
        }
    });
    let extra = additional.map(|a| {
        let member = ident(&a.name);
        let label = &a.name;
        quote!(.field(#label, &self.#member))
    });
    quote! {
        impl std::fmt::Debug for #ident_name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name)
                    #(#entries)*
                    #extra
                    .finish()
            }
        }
    }
}

/// A forward-compatible string enum: known values plus `Unknown`, so a value the service
/// adds later decodes instead of failing the whole response. `Unknown` holds an opaque
/// [`UnknownValue`] that only the enum's own conversions make, and only for a text the enum
/// does not list: a known value is always its variant.
fn emit_enum(name: &str, doc: TokenStream, e: &StringEnum) -> TokenStream {
    let ident_name = ident(name);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = doc_attrs(&format!("`{}`", v.wire.replace('`', "'")));
        quote!(#doc #variant,)
    });
    let as_str = e.values.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote!(#ident_name::#variant => #wire,)
    });
    let wires = e.values.iter().map(|v| &v.wire);
    let from_str = if e.case_insensitive {
        let arms = e.values.iter().map(|v| {
            let variant = ident(&v.name);
            let wire = &v.wire;
            quote!(if value.eq_ignore_ascii_case(#wire) { return #ident_name::#variant; })
        });
        quote! {
            #(#arms)*
            #ident_name::Unknown(crate::UnknownValue::new(value, proof::Proof(())))
        }
    } else {
        let arms = e.values.iter().map(|v| {
            let variant = ident(&v.name);
            let wire = &v.wire;
            quote!(#wire => #ident_name::#variant,)
        });
        quote! {
            match value {
                #(#arms)*
                other => #ident_name::Unknown(crate::UnknownValue::new(other, proof::Proof(()))),
            }
        }
    };
    let case_note = if e.case_insensitive {
        quote!(#[doc = ""] #[doc = " Values are recognised regardless of ASCII case."])
    } else {
        quote!()
    };
    let forward = doc_lines(&format!(
        "Forward compatible: a value not listed here decodes as `Unknown`, holding an opaque\n\
         [`UnknownValue`](crate::UnknownValue) that can be read and compared as text but not\n\
         built: the ways from text to a value (`From<&str>`, `FromStr`, `Deserialize`) give the\n\
         variant for every listed value, so `Unknown` never holds one.\n\
         \n\
         To act on a value this client does not know yet, match on [`as_str`]({name}::as_str),\n\
         not on `Unknown`: `match value.as_str() {{ \"NEW\" => .., _ => .. }}` keeps working\n\
         when a later spec adds `NEW`, where an arm on `Unknown` would stop matching."
    ));
    quote! {
        #doc
        #[doc = ""]
        #forward
        #case_note
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident_name {
            #(#variants)*
            /// A value this client does not know (yet): read it with `as_str()`; to act on
            /// it, match on `as_str()` rather than on this variant.
            Unknown(crate::UnknownValue<#ident_name>),
        }

        impl #ident_name {
            /// The values the spec documents.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #ident_name::Unknown(value) => value.as_str(),
                }
            }
        }

        impl crate::enums::OpaqueEnum for #ident_name {
            type Proof = proof::Proof;
        }

        impl From<&str> for #ident_name {
            fn from(value: &str) -> Self {
                #from_str
            }
        }

        impl std::str::FromStr for #ident_name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(#ident_name::from(value))
            }
        }

        impl std::fmt::Display for #ident_name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #ident_name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(#ident_name::from(value.as_str()))
            }
        }
    }
}

/// A value of one of several shapes, tried in the order the spec lists them, or chosen by
/// its discriminator property.
fn emit_one_of(
    doc: TokenStream,
    name: &str,
    variants: &[Variant],
    discriminator: Option<&str>,
    enums: &[&str],
    usage: Usage,
    serde_feature: Option<&str>,
) -> TokenStream {
    let gate = super::serde_impls::gate;
    let ident_name = ident(name);
    let members = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut ty = rust_type(&v.ty, Scope::Types);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote!(#variant(#ty),)
    });
    let displayable = discriminator.is_none()
        && variants.iter().all(|v| {
            matches!(
                v.ty,
                Type::Bool | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::String
            )
        });
    let display = if displayable {
        let arms = variants.iter().map(|v| {
            let variant = ident(&v.name);
            quote!(#ident_name::#variant(value) => value.fmt(f),)
        });
        quote! {
            impl std::fmt::Display for #ident_name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    } else {
        quote!()
    };
    let Some(property) = discriminator else {
        let values = emit_to_values(&ident_name, variants, enums);
        let serialize = gate(usage.sent, serde_feature)
            .map(|cfg| super::serde_impls::one_of_serialize(name, variants, false, cfg));
        let deserialize = gate(usage.received, serde_feature)
            .map(|cfg| super::serde_impls::untagged_deserialize(name, variants, cfg));
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #ident_name {
                #(#members)*
            }
            #serialize
            #deserialize
            #display
            #values
        };
    };
    // Each variant's own type carries the discriminator member, so writing is untagged;
    // reading looks at the member first and keeps values it does not know.
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let tags = &v.tags;
        let wrap = if v.boxed { quote!(|v| #ident_name::#variant(Box::new(v))) } else { quote!(#ident_name::#variant) };
        quote!(Some(#(#tags)|*) => serde_json::from_value(value).map(#wrap).map_err(D::Error::custom),)
    });
    let doc_note = format!(" Chosen by the `{property}` member; a value with another or no `{property}` is kept as `Unknown`.");
    let serialize = gate(usage.sent, serde_feature)
        .map(|cfg| super::serde_impls::one_of_serialize(name, variants, true, cfg));
    let deserialize = gate(usage.received, serde_feature).map(|cfg| {
        quote! {
            #cfg
            impl<'de> serde::Deserialize<'de> for #ident_name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    use serde::de::Error as _;
                    let value = serde_json::Value::deserialize(deserializer)?;
                    let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                    match tag.as_deref() {
                        #(#arms)*
                        _ => Ok(#ident_name::Unknown(value)),
                    }
                }
            }
        }
    });
    quote! {
        #doc
        #[doc = ""]
        #[doc = #doc_note]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #ident_name {
            #(#members)*
            /// A value whose discriminator this client does not know (yet).
            Unknown(serde_json::Value),
        }

        #serialize
        #deserialize
    }
}

/// For a `oneOf` of scalars and arrays of scalars (a parameter given as one value or several),
/// the values as texts, which is how parameters send it.
fn emit_to_values(
    ident_name: &proc_macro2::Ident,
    variants: &[Variant],
    enums: &[&str],
) -> TokenStream {
    let text = |ty: &Type| {
        ty.is_primitive() || matches!(ty, Type::Named(n) if enums.contains(&n.as_str()))
    };
    let many = |ty: &Type| matches!(ty, Type::Array(item) if text(item));
    if !variants.iter().any(|v| many(&v.ty)) || !variants.iter().all(|v| many(&v.ty) || text(&v.ty))
    {
        return quote!();
    }
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        if many(&v.ty) {
            quote!(#ident_name::#variant(items) => items.iter().map(ToString::to_string).collect(),)
        } else {
            quote!(#ident_name::#variant(value) => vec![value.to_string()],)
        }
    });
    quote! {
        impl #ident_name {
            /// The value as texts: one for a single value, one per item for several.
            pub fn to_values(&self) -> Vec<String> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}
