//! Model types to Rust type and identifier tokens.

use crate::model::Type;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from a name the naming module made (never a keyword).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Where named types are reached from the code being emitted.
#[derive(Clone, Copy)]
pub enum Scope {
    /// Inside the module's `types`.
    Types,
    /// Inside a sibling module, which reaches them as `types::Name`.
    Sibling,
}

/// The Rust type for `ty`.
pub fn rust_type(ty: &Type, scope: Scope) -> TokenStream {
    match ty {
        Type::Bool => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F32 => quote!(f32),
        Type::F64 => quote!(f64),
        Type::String => quote!(String),
        Type::Any => quote!(serde_json::Value),
        Type::Array(item) => {
            let item = rust_type(item, scope);
            quote!(Vec<#item>)
        }
        Type::Map(value) => {
            let value = rust_type(value, scope);
            quote!(std::collections::BTreeMap<String, #value>)
        }
        Type::Option(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Option<#inner>)
        }
        Type::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Sibling => quote!(types::#name),
            }
        }
    }
}

/// `#[deprecated]` when the spec deprecates the item.
pub fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote!(#[deprecated])
    } else {
        TokenStream::new()
    }
}
