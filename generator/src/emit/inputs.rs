//! What a request builder holds (each parameter, then the body) and how it is given: the
//! one input model that the builder (`operations`), the client's methods (`client`) and the
//! waiter shorthands (`workflows`) all read, so that none of them imports another.

use super::docs::spec_text;
use super::rust::{ident, rust_type, Scope};
use crate::model::{ConfigValue, Constraints, Operation, Param, RequestBodyKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// A value the request builder holds: a parameter or the body.
pub struct Input {
    pub name: proc_macro2::Ident,
    /// The type the builder holds (inside an `Option` unless it is an argument).
    pub held: TokenStream,
    /// The type a method or setter takes.
    pub arg: TokenStream,
    /// Whether the taken value goes through `.into()`.
    pub into: bool,
    /// Passed to the client method ([`crate::model::Param::is_argument`]); else a setter.
    pub argument: bool,
    /// Rustdoc of the setter, or of the argument in the method's docs.
    pub doc: String,
    pub deprecated: bool,
}

/// The builder's inputs: parameters in spec order, then the body.
pub fn inputs(op: &Operation) -> Vec<Input> {
    let mut inputs: Vec<Input> = op
        .params
        .iter()
        .map(|p| Input {
            name: ident(&p.name),
            held: rust_type(&p.ty, Scope::Sibling),
            arg: argument_type(&p.ty),
            into: takes_into(&p.ty),
            argument: p.is_argument(),
            doc: param_doc(p),
            deprecated: p.deprecated,
        })
        .collect();
    if let Some(body) = &op.body {
        let (held, into) = match &body.kind {
            RequestBodyKind::Json(ty) | RequestBodyKind::Form(ty) => {
                (rust_type(ty, Scope::Sibling), takes_into(ty))
            }
            RequestBodyKind::Multipart { .. } => (quote!(crate::Multipart), false),
            RequestBodyKind::Text => (quote!(String), true),
            RequestBodyKind::Binary => (quote!(bytes::Bytes), true),
        };
        let arg = if into {
            quote!(impl Into<#held>)
        } else {
            held.clone()
        };
        let mut doc = body.doc.as_deref().map(spec_text).unwrap_or_default();
        doc.push_str(&format!(
            "\n\nThe request body, sent as `{}`.",
            body.media_type
        ));
        if let RequestBodyKind::Multipart { parts } = &body.kind {
            if !parts.is_empty() {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| format!("`{}`", p.replace('`', "'")))
                    .collect();
                doc.push_str(&format!(
                    " The spec describes the parts {}.",
                    parts.join(", ")
                ));
            }
        }
        inputs.push(Input {
            name: ident("body"),
            held,
            arg,
            into,
            argument: body.is_argument(),
            doc: doc.trim_start().to_owned(),
            deprecated: false,
        });
    }
    inputs
}

fn takes_into(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Named(_))
}

/// The type a method or setter takes for a value of `ty`.
fn argument_type(ty: &Type) -> TokenStream {
    let rust = rust_type(ty, Scope::Sibling);
    if takes_into(ty) {
        quote!(impl Into<#rust>)
    } else {
        rust
    }
}

fn param_doc(param: &Param) -> String {
    let mut text = param.doc.as_deref().map(spec_text).unwrap_or_default();
    if let Some(default) = &param.default {
        text.push_str(&format!("\n\nThe service's default: `{default}`."));
    }
    if let Some(ConfigValue::ProjectId) = param.from_config {
        text.push_str(
            "\n\nDefaults to the configured project id ([`Config::project_id`](crate::Config::project_id)).",
        );
    }
    let limits = describe(&param.constraints);
    if !limits.is_empty() {
        text.push_str(&format!("\n\nChecked before sending: {limits}."));
    }
    text.trim_start().to_owned()
}

/// A readable summary of the limits, for rustdoc.
fn describe(c: &Constraints) -> String {
    let mut parts = Vec::new();
    if let Some(min) = c.minimum {
        parts.push(format!(
            "{} {min}",
            if c.exclusive_minimum {
                "greater than"
            } else {
                "at least"
            }
        ));
    }
    if let Some(max) = c.maximum {
        parts.push(format!(
            "{} {max}",
            if c.exclusive_maximum {
                "less than"
            } else {
                "at most"
            }
        ));
    }
    match c.min_length {
        Some(1) => parts.push("not empty".to_owned()),
        Some(min) => parts.push(format!("at least {min} characters")),
        None => {}
    }
    if let Some(max) = c.max_length {
        parts.push(format!("at most {max} characters"));
    }
    if let Some(min) = c.min_items {
        parts.push(format!("at least {min} items"));
    }
    if let Some(max) = c.max_items {
        parts.push(format!("at most {max} items"));
    }
    parts.join(", ")
}
