//! The module's root (`mod.rs`, with the service's servers), returned as tokens, and its
//! `client.rs`, returned as its text.

use super::docs::{doc_lines, inner_doc_lines, spec_line, spec_text};
use super::inputs::{inputs, Input};
use super::rust::rooted;
use super::rust::{deprecated_attr, ident};
use crate::model::{Api, Conventions, JsonStyle, Operation};
use crate::write::render_items;
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit_module_root(api: &Api) -> TokenStream {
    let mut text = spec_text(&api.title);
    if let Some(description) = &api.description {
        text.push_str("\n\n");
        text.push_str(&spec_text(description));
    }
    text.push_str(&format!(
        "\n\nAPI version {}; generated from `{}`.",
        spec_line(&api.version),
        api.source
    ));
    let inner = inner_doc_lines(&text);
    let mut servers_text =
        String::from("The servers the spec lists, as URL templates. Requests go to the endpoint of the [`Config`](crate::Config).");
    for s in &api.servers {
        servers_text.push_str(&format!("\n\n- `{}`", s.url));
        if let Some(d) = &s.description {
            servers_text.push_str(&format!(": {}", spec_line(d)));
        }
        for v in &s.variables {
            servers_text.push_str(&format!(" `{{{}}}` defaults to `{}`.", v.name, v.default));
        }
    }
    let servers_doc = doc_lines(&servers_text);
    let servers = api.servers.iter().map(|s| &s.url);
    // The first server is the default endpoint, with its variables (`{region}`) filled in.
    let (server, endpoint_fn) = match api.servers.first() {
        Some(first) => {
            let url = &first.url;
            let names = first.variables.iter().map(|v| &v.name);
            let defaults = first.variables.iter().map(|v| &v.default);
            (
                quote! {
                    /// The server requests go to when the configuration names no endpoint.
                    pub(crate) const SERVER: Option<crate::endpoint::Server> = Some(crate::endpoint::Server {
                        url: #url,
                        defaults: &[#((#names, #defaults)),*],
                    });
                },
                quote! {
                    /// The endpoint used for `region` when the configuration names no endpoint.
                    pub fn endpoint_for_region(region: &str) -> String {
                        SERVER.map(|s| s.resolve(Some(region))).unwrap_or_default()
                    }
                },
            )
        }
        None => (
            quote! {
                /// The spec lists no server: the configuration must name an endpoint.
                pub(crate) const SERVER: Option<crate::endpoint::Server> = None;
            },
            quote!(),
        ),
    };
    let security = super::security::emit_security_module(api);
    let conventions = emit_conventions(&api.conventions);
    let service_error = api
        .service_error
        .as_ref()
        .map(super::errors::emit_service_error);
    // `client` and `operations` allow their own lints as inner attributes: an outer one
    // here and a module doc there would mix attribute styles once a build script inlines them.
    quote! {
        #inner

        pub mod client;
        pub mod operations;
        pub mod types;

        pub use client::Client;

        #servers_doc
        pub const SERVERS: &[&str] = &[#(#servers),*];

        #server
        #endpoint_fn

        #conventions

        #security

        #service_error
    }
}

/// `CONVENTIONS`: the spec's `x-clientgen-conventions`, or the runtime's defaults.
fn emit_conventions(conventions: &Conventions) -> TokenStream {
    if *conventions == Conventions::default() {
        return quote! {
            /// The service's conventions: the spec declares none (`x-clientgen-conventions`),
            /// so the defaults (request id and error fields from the common shapes, no
            /// `Content-Type` without a body, compact JSON).
            pub const CONVENTIONS: crate::conventions::Conventions =
                crate::conventions::Conventions::DEFAULT;
        };
    }
    let Conventions {
        request_id_headers,
        error_code,
        error_message,
        bodiless_content_type,
        json_style,
    } = conventions;
    let bodiless = match bodiless_content_type {
        Some(media) => quote!(Some(#media)),
        None => quote!(None),
    };
    let style = match json_style {
        JsonStyle::Compact => quote!(Compact),
        JsonStyle::Python => quote!(Python),
    };
    quote! {
        /// The service's conventions, as the spec declares them (`x-clientgen-conventions`).
        pub const CONVENTIONS: crate::conventions::Conventions = crate::conventions::Conventions {
            request_id_headers: &[#(#request_id_headers),*],
            error_code: &[#(#error_code),*],
            error_message: &[#(#error_message),*],
            bodiless_content_type: #bodiless,
            json_style: crate::conventions::JsonStyle::#style,
        };
    }
}

/// The module's `client.rs`: the client, then an `impl` block per operation.
/// `root`: where the runtime is mounted ([`super::rust::rooted`]).
pub fn render_client(api: &Api, root: &str) -> String {
    let doc = doc_lines(&format!(
        "Client of {}.\n\nCheap to clone; every method returns a request builder whose `send` performs the call.",
        spec_text(&api.title)
    ));
    // A spec without operations has no method to return a builder of `operations`.
    let operations = if api.operations.is_empty() {
        quote!()
    } else {
        quote!(
            use super::operations;
        )
    };
    let head = quote! {
        //! The service client: one method per operation.
        // A method takes each required input as an argument: an operation may well have more
        // than clippy's seven.
        #![allow(clippy::too_many_arguments)]

        #operations
        #[allow(unused_imports)]
        use super::types;
        use crate::transport::Transport;

        #doc
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: Transport,
        }

        impl Client {
            /// A client sending to the endpoint and with the credentials of `config`.
            pub fn new(config: &crate::Config) -> Self {
                Client { transport: Transport::new(config, super::SERVER) }
            }

            /// The configuration this client uses.
            pub fn config(&self) -> &crate::Config {
                self.transport.config()
            }
        }
    };
    render_items(&api.source, rooted(head, root), &api.operations, &|op| {
        let method = emit_method(op, &api.security_schemes);
        rooted(
            quote! {
                impl Client {
                    #method
                }
            },
            root,
        )
    })
}

fn emit_method(op: &Operation, schemes: &[crate::model::SecurityScheme]) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = ident(&op.type_name);
    let inputs = inputs(op);
    let arguments: Vec<&Input> = inputs.iter().filter(|i| i.argument).collect();
    let args = arguments.iter().map(|i| {
        let (name, arg) = (&i.name, &i.arg);
        quote!(#name: #arg)
    });
    let names = arguments.iter().map(|i| &i.name);
    let doc = method_doc(op, &arguments, schemes);
    let deprecated = deprecated_attr(op.deprecated);
    let waiters = super::workflows::emit_client_waiters(op, &arguments);
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> operations::#builder {
            operations::#builder::new(self.transport.clone(), #(#names),*)
        }

        #waiters
    }
}

fn method_doc(
    op: &Operation,
    arguments: &[&Input],
    schemes: &[crate::model::SecurityScheme],
) -> TokenStream {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(&spec_text(summary));
        text.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        text.push_str(&spec_text(description));
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}` (operation `{}`); returns [`operations::{}`].",
        op.http_method.as_str(),
        op.path,
        op.operation_id,
        op.type_name
    ));
    if !arguments.is_empty() {
        text.push_str("\n\nArguments:");
        for input in arguments {
            let about = input
                .doc
                .split("\n\n")
                .next()
                .unwrap_or("")
                .replace('\n', " ");
            text.push_str(&format!("\n- `{}`: {}", input.name, about.trim()));
        }
    }
    if !op.responses.is_empty() {
        text.push_str("\n\nResponses:");
        for r in &op.responses {
            let status = r.status.label().unwrap_or_else(|| "other".to_owned());
            let first = r.description.lines().next().unwrap_or("").trim();
            text.push_str(&format!("\n- {status}: {}", spec_text(first)));
        }
    }
    match op.security.as_slice() {
        [] => {}
        [only] => text.push_str(&format!(
            "\n\nCredentials: {}.",
            spec_line(&only.describe(schemes))
        )),
        several => {
            text.push_str("\n\nCredentials, any one of:");
            for requirement in several {
                text.push_str(&format!(
                    "\n- {}",
                    spec_line(&requirement.describe(schemes))
                ));
            }
        }
    }
    for r in op.success_responses() {
        if let crate::model::Body::Stream { framing, item } = &r.body {
            let item = super::rust::rust_type(item, super::rust::Scope::Sibling)
                .to_string()
                .replace(' ', "");
            let (runtime, unit) = match framing {
                crate::model::Framing::EventStream => ("EventStream", "each event's data"),
                _ => ("JsonStream", "each item"),
            };
            text.push_str(&format!(
                "\n\nThe response streams {} (`{}`), {unit} decoded as `{item}` as it arrives \
                 ([`{runtime}`](crate::{runtime}); one item is at most 1 MiB unless set otherwise).",
                framing.describe(),
                r.media_type.as_deref().unwrap_or_default(),
            ));
        }
    }
    doc_lines(&text)
}
