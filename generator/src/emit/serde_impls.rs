//! `Serialize` and `Deserialize` for generated structs and untagged `oneOf`s, written out
//! rather than derived.
//!
//! serde's derives are general (sequences, field identifiers as integers or bytes, content
//! buffering for untagged enums); for a crate with thousands of types they are most of its
//! compile time (GitHub's spec: about 110 of 125 seconds of `cargo check`). The generated
//! impls do only what a JSON object needs: one map visitor, keys compared as text, unknown
//! members skipped (or collected when the schema allows extra members).

use super::rust::{ident, rust_type, Scope};
use crate::model::{Additional, Field, Variant};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust type of a member as the struct holds it.
fn held_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty, Scope::Types);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    ty
}

/// `Serialize` and `Deserialize` for a struct: absent optional members are left out when
/// writing and read as `None`; a required member missing from the input is an error naming it.
pub fn struct_impls(name: &str, fields: &[Field], additional: Option<&Additional>) -> TokenStream {
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
    // An optional member's slot is the member itself; a required one's is filled or missing.
    let slots = fields.iter().enumerate().map(|(i, f)| {
        let slot = format_ident!("slot{}", i);
        let ty = held_type(f);
        quote!(let mut #slot: Option<#ty> = None;)
    });
    let reads = fields.iter().enumerate().map(|(i, f)| {
        let slot = format_ident!("slot{}", i);
        let wire = &f.wire_name;
        if f.is_optional() {
            // `null` and absence both read as `None`.
            quote!(#wire => #slot = map.next_value()?,)
        } else {
            quote!(#wire => #slot = Some(map.next_value()?),)
        }
    });
    let (extra_slot, other_arm, extra_init) = match additional {
        Some(a) => {
            let member = ident(&a.name);
            let ty = rust_type(&a.ty, Scope::Types);
            (
                quote!(let mut extra: std::collections::BTreeMap<String, #ty> = std::collections::BTreeMap::new();),
                quote!(other => {
                    extra.insert(other.to_owned(), map.next_value()?);
                }),
                quote!(#member: extra,),
            )
        }
        None => (
            quote!(),
            quote!(_ => {
                map.next_value::<serde::de::IgnoredAny>()?;
            }),
            quote!(),
        ),
    };
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let slot = format_ident!("slot{}", i);
        let member = ident(&f.name);
        let wire = &f.wire_name;
        if f.is_optional() {
            quote!(#member: #slot,)
        } else {
            quote!(#member: #slot.ok_or_else(|| serde::de::Error::missing_field(#wire))?,)
        }
    });
    let expecting = format!("an object ({name})");
    let map_binding = if fields.is_empty() && additional.is_none() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    quote! {
        impl serde::Serialize for #type_name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let #map_binding = serializer.serialize_map(None)?;
                #(#writes)*
                #write_extra
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for #type_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #type_name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#type_name, A::Error> {
                        #(#slots)*
                        #extra_slot
                        while let Some(key) = map.next_key::<crate::de::Key<'de>>()? {
                            match key.as_str() {
                                #(#reads)*
                                #other_arm
                            }
                        }
                        Ok(#type_name {
                            #(#inits)*
                            #extra_init
                        })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// `Serialize` for a `oneOf`: each alternative writes itself (`Unknown` writes the value kept).
pub fn one_of_serialize(name: &str, variants: &[Variant], unknown: bool) -> TokenStream {
    let type_name = ident(name);
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote!(#type_name::#variant(value) => value.serialize(serializer),)
    });
    let unknown =
        unknown.then(|| quote!(#type_name::Unknown(value) => value.serialize(serializer),));
    quote! {
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
pub fn untagged_deserialize(name: &str, variants: &[Variant]) -> TokenStream {
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
        impl<'de> serde::Deserialize<'de> for #type_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #(#attempts)*
                Err(serde::de::Error::custom(#message))
            }
        }
    }
}
