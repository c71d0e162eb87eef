//! The module's `security` constants: each scheme of the spec as the runtime's
//! `auth::Scheme`, which operations list and users may name when configuring credentials.

use super::docs::{doc_lines, spec_text};
use super::rust::ident;
use crate::model::{Api, ApiKeyLocation, SchemeKind, SecurityRequirement, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `pub mod security { ... }` for the module root, or nothing when the spec has no scheme.
pub fn emit_security_module(api: &Api) -> TokenStream {
    if api.security_schemes.is_empty() {
        return quote!();
    }
    let constants = api.security_schemes.iter().map(scheme_constant);
    quote! {
        /// The spec's security schemes (`components.securitySchemes`). Configure credentials
        /// for one by its name (`ConfigBuilder::credential_for(TOKEN.name, ...)`), or for every
        /// scheme of a kind (`ConfigBuilder::token`, `bearer_token`, `basic`...).
        // A spec named `security` has a `security::security`.
        #[allow(clippy::module_inception)]
        pub mod security {
            #(#constants)*
        }
    }
}

fn scheme_constant(scheme: &SecurityScheme) -> TokenStream {
    let name = &scheme.name;
    let constant = ident(&scheme.const_name);
    let mut text = format!("`{}`: {}.", name.replace('`', "'"), scheme.kind.describe());
    if let Some(description) = &scheme.description {
        text.push_str("\n\n");
        text.push_str(&spec_text(description));
    }
    let doc = doc_lines(&text);
    let kind = match &scheme.kind {
        SchemeKind::ApiKey { location, name } => {
            let location = match location {
                ApiKeyLocation::Header => quote!(Header),
                ApiKeyLocation::Query => quote!(Query),
                ApiKeyLocation::Cookie => quote!(Cookie),
            };
            quote!(ApiKey { location: crate::auth::KeyLocation::#location, name: #name })
        }
        SchemeKind::Basic => quote!(Basic),
        SchemeKind::Bearer { .. }
        | SchemeKind::OAuth2 { .. }
        | SchemeKind::OpenIdConnect { .. } => quote!(Bearer),
        SchemeKind::Http { scheme } => quote!(Http { scheme: #scheme }),
        SchemeKind::MutualTls => quote!(MutualTls),
        SchemeKind::Signed { .. } => quote!(Signed),
    };
    let token_url = match &scheme.kind {
        SchemeKind::OAuth2 {
            client_credentials_token_url: Some(url),
            ..
        } => {
            let constant = format_ident!("{}_TOKEN_URL", scheme.const_name);
            quote! {
                /// The token URL of the scheme's client-credentials flow, as the spec gives it
                /// (for `auth::ClientCredentials::new`, if you trust it).
                pub const #constant: &str = #url;
            }
        }
        _ => quote!(),
    };
    quote! {
        #doc
        pub const #constant: crate::auth::Scheme = crate::auth::Scheme {
            name: #name,
            kind: crate::auth::SchemeKind::#kind,
        };
        #token_url
    }
}

/// `request.security(...)`: the alternatives an operation accepts, or nothing when it
/// accepts no credentials.
pub fn emit_requirements(security: &[SecurityRequirement]) -> TokenStream {
    if security.is_empty() {
        return quote!();
    }
    let alternatives = security.iter().map(|requirement| {
        let members = requirement.schemes.iter().map(|used| {
            let constant = ident(&used.const_name);
            quote!(&super::security::#constant)
        });
        quote!(&[#(#members),*])
    });
    quote!(request.security(&[#(#alternatives),*]);)
}
