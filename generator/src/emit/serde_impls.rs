//! `Serialize` and `Deserialize` for generated structs and untagged `oneOf`s, written out
//! rather than derived.
//!
//! serde's derives are general (sequences, field identifiers as integers or bytes, content
//! buffering for untagged enums); for a crate with thousands of types they are most of its
//! compile time (GitHub's spec: about 110 of 125 seconds of `cargo check`). The generated
//! impls do only what a JSON object needs, in as little code per type as possible: a struct
//! is read as a map of members, then built with one call per member (`crate::de::Object`);
//! unknown members are skipped (or collected when the schema allows extra members).
//!
//! A type gets only the traits its direction needs; the other direction, when the crate has a
//! serde feature (`Config::serde_feature`), is generated too behind `#[cfg(feature)]`.

use super::rust::{ident, rust_type, Scope};
use crate::model::{Additional, Field, Usage, Variant};
use proc_macro2::TokenStream;
use quote::quote;

/// The attributes of one direction's impl: none when the type travels that way (`needed`),
/// the serde feature's `#[cfg]` when it does not; `None` (no impl at all) when there is no
/// such feature either.
pub fn gate(needed: bool, feature: Option<&str>) -> Option<TokenStream> {
    if needed {
        Some(TokenStream::new())
    } else {
        feature.map(|feature| quote!(#[cfg(feature = #feature)]))
    }
}

/// `Serialize` and `Deserialize` for a struct: absent optional members are left out when
/// writing and read as `None`; a required member missing from the input is an error naming it.
pub fn struct_impls(
    name: &str,
    fields: &[Field],
    additional: Option<&Additional>,
    usage: Usage,
    feature: Option<&str>,
) -> TokenStream {
    let type_name = ident(name);
    let writes = fields.iter().map(|f| {
        let member = ident(&f.name);
        let wire = &f.wire_name;
        if f.required {
            // A required member is written even when null.
            quote!(map.serialize_entry(#wire, &self.#member)?;)
        } else {
            quote! {
                if let Some(value) = &self.#member {
                    map.serialize_entry(#wire, value)?;
                }
            }
        }
    });
    let write_extra = additional.map(|a| {
        let member = ident(&a.name);
        quote! {
            for (key, value) in &self.#member {
                map.serialize_entry(key, value)?;
            }
        }
    });
    let takes = fields.iter().map(|f| {
        let member = ident(&f.name);
        let wire = &f.wire_name;
        if f.is_optional() {
            quote!(#member: object.optional(#wire)?,)
        } else {
            quote!(#member: object.required(#wire)?,)
        }
    });
    let rest = additional.map(|a| {
        let member = ident(&a.name);
        quote!(#member: object.rest()?,)
    });
    let map_binding = if fields.is_empty() && additional.is_none() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    let object_binding = if fields.is_empty() && additional.is_none() {
        quote!(_object)
    } else {
        quote!(object)
    };
    let serialize = gate(usage.sent, feature).map(|cfg| {
        quote! {
        #cfg
        impl serde::Serialize for #type_name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let #map_binding = serializer.serialize_map(None)?;
                #(#writes)*
                #write_extra
                map.end()
            }
        }

        }
    });
    let deserialize = gate(usage.received, feature).map(|cfg| {
        quote! {
        #cfg
        impl<'de> serde::Deserialize<'de> for #type_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                fn build(#object_binding: &mut crate::de::Object) -> Result<#type_name, crate::de::Invalid> {
                    Ok(#type_name {
                        #(#takes)*
                        #rest
                    })
                }
                crate::de::object(deserializer, build)
            }
        }
        }
    });
    quote! {
        #serialize
        #deserialize
    }
}

/// `Serialize` for a `oneOf`: each alternative writes itself (`Unknown` writes the value kept).
pub fn one_of_serialize(
    name: &str,
    variants: &[Variant],
    unknown: bool,
    cfg: TokenStream,
) -> TokenStream {
    let type_name = ident(name);
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(#type_name::#variant(value) => value.serialize(serializer),)
    });
    let unknown =
        unknown.then(|| quote!(#type_name::Unknown(value) => value.serialize(serializer),));
    quote! {
        #cfg
        impl serde::Serialize for #type_name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                    #unknown
                }
            }
        }
    }
}

/// `Deserialize` for an untagged `oneOf`: the value is read once, then each alternative is
/// tried in order on it.
pub fn untagged_deserialize(name: &str, variants: &[Variant], cfg: TokenStream) -> TokenStream {
    let type_name = ident(name);
    let attempts = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let mut ty = rust_type(&v.ty, Scope::Types);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote! {
            if let Ok(value) = <#ty as serde::Deserialize>::deserialize(&value) {
                return Ok(#type_name::#variant(value));
            }
        }
    });
    let message = format!("the value matches none of the alternatives of {name}");
    quote! {
        #cfg
        impl<'de> serde::Deserialize<'de> for #type_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #(#attempts)*
                Err(serde::de::Error::custom(#message))
            }
        }
    }
}
