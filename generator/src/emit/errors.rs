//! The service's error type, at the module's root: the error of any of its operations, each
//! operation's `Error` converting into it.

use super::docs::doc_lines;
use super::rust::ident;
use crate::model::{ServiceErrorType, ServiceErrorVariant};
use proc_macro2::TokenStream;
use quote::quote;

/// The enum, its `From` impls, its accessors, `Display` and `std::error::Error`.
pub fn emit_service_error(service: &ServiceErrorType) -> TokenStream {
    let name = ident(&service.name);
    let doc = doc_lines(&format!(
        "Any error of this service's operations: the [`Error`](crate::Error) of one of them, in \
         the variant of its error type (operations documenting the same errors share one).\n\n\
         The error of every operation converts into it (`From`), so one function returning \
         `Result<_, {name}>` can call any of them with `?`. Its accessors read the error it \
         holds; to handle a documented error, match the variant and the error in it: \
         `{name}::{example}(Error::Service(ServiceError {{ kind: {example_error}::.., .. }}))`. \
         [`into_untyped`](Self::into_untyped) makes it the error of any operation of any \
         service.",
        example = service.variants[0].name,
        example_error = service.variants[0].error_type,
    ));
    let variants = service.variants.iter().map(|v| {
        let (variant, error) = (ident(&v.name), ident(&v.error_type));
        let doc = doc_lines(&variant_doc(v));
        quote! {
            #doc
            #variant(crate::Error<operations::#error>),
        }
    });
    let froms = service.variants.iter().map(|v| {
        let (variant, error) = (ident(&v.name), ident(&v.error_type));
        quote! {
            impl From<crate::Error<operations::#error>> for #name {
                fn from(error: crate::Error<operations::#error>) -> Self {
                    #name::#variant(error)
                }
            }
        }
    });
    let each = |body: TokenStream| {
        let arms = service.variants.iter().map(|v| {
            let variant = ident(&v.name);
            quote!(#name::#variant(error) => #body,)
        });
        quote!(match self { #(#arms)* })
    };
    let any = each(quote!(error));
    let untyped = each(quote!(error.into_untyped()));
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        // Each variant holds its operation's error inline, to be matched: their sizes differ.
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        pub enum #name {
            #(#variants)*
        }

        #(#froms)*

        impl #name {
            /// The error held, whichever the variant, through the accessors every `Error` has.
            fn any(&self) -> &dyn crate::error::AnyError {
                #any
            }

            /// The HTTP status, when there was a response.
            pub fn status(&self) -> Option<reqwest::StatusCode> {
                self.any().status()
            }

            /// The service's error code, where the spec's conventions say ([`CONVENTIONS`]).
            pub fn code(&self) -> Option<&str> {
                self.any().code()
            }

            /// The service's error message, where the spec's conventions say.
            pub fn message(&self) -> Option<&str> {
                self.any().message()
            }

            /// The request id the service gave the call, for support requests.
            pub fn request_id(&self) -> Option<&str> {
                self.any().request_id()
            }

            /// The response, when there was one.
            pub fn raw_response(&self) -> Option<&crate::RawResponse> {
                self.any().raw_response()
            }

            /// The operation that answered with a documented error status (its
            /// `operationId`); `None` for the other kinds of error.
            pub fn operation(&self) -> Option<&'static str> {
                self.any().operation()
            }

            /// Whether the failure is worth another call, as the runtime's default retry
            /// classifier says ([`Error::is_retryable`](crate::Error::is_retryable)).
            pub fn is_retryable(&self) -> bool {
                self.any().is_retryable()
            }

            /// Whether the service throttled the call (HTTP 429).
            pub fn is_throttling(&self) -> bool {
                self.any().is_throttling()
            }

            /// The error with its operation's error type erased
            /// ([`Error::into_untyped`](crate::Error::into_untyped)).
            pub fn into_untyped(self) -> crate::UntypedError {
                #untyped
            }
        }

        /// As the error held.
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.any(), f)
            }
        }

        /// Transparent: the source is the error held's.
        impl std::error::Error for #name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                std::error::Error::source(self.any())
            }
        }
    }
}

fn variant_doc(variant: &ServiceErrorVariant) -> String {
    let names: Vec<String> = variant
        .operations
        .iter()
        .map(|id| format!("`{}`", id.replace('`', "'")))
        .collect();
    match names.as_slice() {
        [only] => format!("An error of {only}."),
        [rest @ .., last] => format!(
            "An error of {} or {last}, which document the same errors.",
            rest.join(", ")
        ),
        [] => String::new(),
    }
}
