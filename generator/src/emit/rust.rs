//! Model types to Rust type and identifier tokens.

use crate::model::Type;
use proc_macro2::{Group, Ident, Literal, Spacing, Span, TokenStream, TokenTree};
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

/// Emitted code with its runtime paths rooted at `root`, the module the runtime is mounted in:
/// `crate` in a crate, `crate::api` in a file included in `mod api`. Generated code names the
/// runtime, and only the runtime, from the crate root (`crate::request::Request`,
/// `crate::Error`; its own modules are `super::`), so every `crate::` path and every doc
/// link target `](crate::` becomes `root::`. Tokens only: no other text is touched.
pub fn rooted(tokens: TokenStream, root: &str) -> TokenStream {
    if root == "crate" {
        return tokens;
    }
    let prefix: TokenStream = match root.parse() {
        Ok(prefix) => prefix,
        // The configuration checks the mount path; a bad one here is a generator bug.
        Err(e) => panic!("clientgen: mount path {root:?} is not a path ({e}); please report this"),
    };
    rooted_in(tokens, &prefix, root)
}

fn rooted_in(tokens: TokenStream, prefix: &TokenStream, root: &str) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        match token {
            // `crate::`, not `pub(crate)`.
            TokenTree::Ident(ident)
                if ident == "crate"
                    && matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint) =>
            {
                out.extend(prefix.clone());
            }
            TokenTree::Group(group) => {
                let mut inner =
                    Group::new(group.delimiter(), rooted_in(group.stream(), prefix, root));
                inner.set_span(group.span());
                out.push(TokenTree::Group(inner));
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                if text.contains("](crate::") {
                    let text = text.replace("](crate::", &format!("]({root}::"));
                    match text.parse::<Literal>() {
                        Ok(literal) => out.push(TokenTree::Literal(literal)),
                        Err(e) => panic!(
                            "clientgen: a doc link did not re-root ({e}); please report this"
                        ),
                    }
                } else {
                    out.push(token.clone());
                }
            }
            other => out.push(other.clone()),
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn runtime_paths_and_doc_links_are_rooted_at_the_mount() {
        let tokens = quote! {
            /// See [`Error`](crate::Error); crate::Error in prose stays.
            pub(crate) fn f(x: crate::request::Request) -> my_crate::X {
                let s = "crate::not_a_path";
            }
        };
        let text = super::rooted(tokens.clone(), "crate::api").to_string();
        assert!(text.contains("(crate::api::Error)"), "{text}");
        assert!(text.contains("crate::Error in prose"), "{text}");
        assert!(text.contains("pub (crate) fn f"), "{text}");
        assert!(
            text.contains("x : crate :: api :: request :: Request"),
            "{text}"
        );
        assert!(text.contains("my_crate :: X"), "{text}");
        assert!(text.contains("\"crate::not_a_path\""), "{text}");
        assert_eq!(
            super::rooted(tokens.clone(), "crate").to_string(),
            tokens.to_string()
        );
    }
}
