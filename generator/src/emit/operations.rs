//! The module's `operations.rs`, returned as its text: per operation a request builder, its
//! `send`, and the types of its outcomes.

use super::docs::{doc_lines, spec_text};
use super::inputs::{inputs, Input};
use super::rust::rooted;
use super::rust::{deprecated_attr, ident, rust_type, Scope};
use crate::model::ValueShape;
use crate::model::{
    Api, Body, ConfigValue, Framing, Operation, Param, ParamLocation, PathPart, RequestBodyKind,
    Response, Status, Type,
};
use crate::write::render_items;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The module's `operations.rs`.
pub fn render_operations(api: &Api, root: &str) -> String {
    let service_error = api.service_error.as_ref().map(|s| s.name.as_str());
    render_items(
        &api.source,
        rooted(operations_head(api), root),
        &api.operations,
        &|op| rooted(emit_operation(op, service_error), root),
    )
}

/// The module's inner attributes and the imports its operations use. Every type name
/// imported here is reserved by lowering ([`crate::model::lower::OPERATIONS_MODULE_NAMES`]),
/// so no operation shadows it.
fn operations_head(api: &Api) -> TokenStream {
    let doc = quote! {
        //! One request builder per operation, with the types of its outcomes.
    };
    if api.operations.is_empty() {
        return doc;
    }
    // `ResponseValue` carries a success; a spec may document only failures (`default`).
    let response_value = if api
        .operations
        .iter()
        .any(|op| op.success_responses().next().is_some() || stream_range(op).is_some())
    {
        quote!(ResponseValue,)
    } else {
        quote!()
    };
    quote! {
        #doc
        // Outcome types are the spec's (a list of maps of lists...), named or not, and an
        // error holds its operation's error inline, to be matched (`result_large_err`); a
        // builder's constructor takes each required input, which may well be more than seven.
        #![allow(
            clippy::large_enum_variant,
            clippy::result_large_err,
            clippy::enum_variant_names,
            clippy::type_complexity,
            clippy::too_many_arguments
        )]

        #[allow(unused_imports)]
        use super::types;
        use crate::error::ConstructionError;
        use crate::request::Request;
        use crate::transport::{Reply, Transport};
        use crate::{Error, #response_value};
    }
}

/// Every item of one operation, in the file's order: the one place they are put together.
/// `service_error`: the service's error type, which the operation's error converts into.
fn emit_operation(op: &Operation, service_error: Option<&str>) -> TokenStream {
    let builder = emit_builder(op);
    let workflows = super::workflows::emit_builder_methods(op);
    let success_enum = emit_success_enum(op);
    let error_type = emit_error_type(op, service_error);
    quote! {
        #builder
        #workflows
        #success_enum
        #error_type
    }
}

/// The operation's error type: its own enum, or an alias of the one it shares
/// ([`Operation::error_alias_of`]).
fn emit_error_type(op: &Operation, service_error: Option<&str>) -> TokenStream {
    let error = ident(&op.error_type);
    match &op.error_alias_of {
        Some(target) => {
            let target = ident(target);
            let doc = doc_lines(&format!(
                "The documented error responses of `{}`: the same as [`{target}`]'s.",
                op.operation_id
            ));
            quote! {
                #doc
                pub type #error = #target;
            }
        }
        None => emit_error_enum(op, &error, service_error),
    }
}

/// The request builder: its fields, constructor, setters and `send`.
fn emit_builder(op: &Operation) -> TokenStream {
    let builder = ident(&op.type_name);
    let error = ident(&op.error_type);
    let output = success_type(op);
    let inputs = inputs(op);

    let fields = inputs.iter().map(|i| {
        let (name, held) = (&i.name, &i.held);
        if i.argument {
            quote!(#name: #held,)
        } else {
            quote!(#name: Option<#held>,)
        }
    });
    let args = inputs.iter().filter(|i| i.argument).map(|i| {
        let (name, arg) = (&i.name, &i.arg);
        quote!(#name: #arg)
    });
    let inits = inputs.iter().map(|i| {
        let name = &i.name;
        match (i.argument, i.into) {
            (true, true) => quote!(#name: #name.into(),),
            (true, false) => quote!(#name,),
            (false, _) => quote!(#name: None,),
        }
    });
    let setters = inputs.iter().filter(|i| !i.argument).map(emit_setter);
    let request = emit_build_request(op);
    let decode = emit_decode(op, &error, &output);
    let stream = match stream_range(op) {
        Some((lo, hi)) => {
            let (lo, hi) = (Literal::u16_unsuffixed(lo), Literal::u16_unsuffixed(hi));
            quote!(Some((#lo, #hi)))
        }
        None => quote!(None),
    };
    let (operation_id, method_name, path_template) =
        (&op.operation_id, op.http_method.as_str(), &op.path);
    let doc = doc_lines(&format!(
        "Request builder for `{}` (`{} {}`): set optional parameters, then call [`send`]({}::send).",
        op.operation_id,
        op.http_method.as_str(),
        op.path,
        op.type_name
    ));
    let id_doc = doc_lines(
        "The operation's id in the spec: what hooks see (`HookContext::operation`), and what a test double's rule matches (`mock::Mock::on`, with the `mock` feature).",
    );
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until `send` is awaited"]
        pub struct #builder {
            transport: Transport,
            #(#fields)*
        }

        impl #builder {
            #id_doc
            pub const OPERATION_ID: &'static str = #operation_id;

            pub(crate) fn new(transport: Transport, #(#args),*) -> Self {
                #builder { transport, #(#inits)* }
            }

            #(#setters)*

            /// Checks every argument, then sends the request, retrying and timing it as the
            /// [`Config`](crate::Config) says.
            ///
            /// Nothing is sent when an argument is invalid: the error is then
            /// [`Error::Construction`], naming the argument.
            pub fn send(self) -> impl std::future::Future<Output = crate::Outcome<#output, #error>> {
                let request = self.build_request();
                self.transport.execute(#operation_id, #method_name, #path_template, request, #stream, #decode)
            }

            fn build_request(&self) -> Result<Request, ConstructionError> {
                #request
            }
        }
    }
}

fn emit_setter(input: &Input) -> TokenStream {
    let (name, arg) = (&input.name, &input.arg);
    let value = if input.into {
        quote!(value.into())
    } else {
        quote!(value)
    };
    let doc = doc_lines(&input.doc);
    let deprecated = deprecated_attr(input.deprecated);
    quote! {
        #doc
        #deprecated
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

/// Statements that check one value (`value`, a reference) against its limits.
fn checks(param: &Param) -> TokenStream {
    let arg = &param.name;
    let c = &param.constraints;
    match &param.ty {
        Type::String => {
            let min = opt_usize(c.min_length);
            let max = opt_usize(c.max_length);
            if c.min_length.is_none() && c.max_length.is_none() {
                quote!()
            } else {
                quote!(crate::validate::check_length(#arg, value, #min, #max)?;)
            }
        }
        Type::I32 | Type::I64 | Type::F32 | Type::F64 => {
            if c.minimum.is_none() && c.maximum.is_none() {
                return quote!();
            }
            let bound = |v: Option<f64>, exclusive: bool| match v {
                None => quote!(None),
                Some(v) => {
                    let lit = number_literal(&param.ty, v);
                    quote!(Some((#lit, #exclusive)))
                }
            };
            let min = bound(c.minimum, c.exclusive_minimum);
            let max = bound(c.maximum, c.exclusive_maximum);
            quote!(crate::validate::check_range(#arg, *value, #min, #max)?;)
        }
        Type::Array(_) => {
            if c.min_items.is_none() && c.max_items.is_none() {
                return quote!();
            }
            let min = opt_usize(c.min_items);
            let max = opt_usize(c.max_items);
            quote!(crate::validate::check_items(#arg, value.len(), #min, #max)?;)
        }
        _ => quote!(),
    }
}

fn opt_usize(v: Option<usize>) -> TokenStream {
    match v {
        Some(v) => {
            let lit = Literal::usize_unsuffixed(v);
            quote!(Some(#lit))
        }
        None => quote!(None),
    }
}

/// A bound as a literal of the parameter's type (integer bounds are integral by schema).
fn number_literal(ty: &Type, v: f64) -> TokenStream {
    match ty {
        Type::I32 => {
            let lit = Literal::i32_suffixed(v.clamp(i32::MIN as f64, i32::MAX as f64) as i32);
            quote!(#lit)
        }
        Type::I64 => {
            let lit = Literal::i64_suffixed(v as i64);
            quote!(#lit)
        }
        Type::F32 => {
            let lit = Literal::f32_suffixed(v as f32);
            quote!(#lit)
        }
        _ => {
            let lit = Literal::f64_suffixed(v);
            quote!(#lit)
        }
    }
}

fn emit_build_request(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.http_method.as_str());
    let accept = &op.accept;
    let (operation_id, path_template, retry_safe) = (&op.operation_id, &op.path, op.retry_safe);
    // Values filled from the configuration are bound first, so the path can use them.
    let config_values = op.params.iter().filter(|p| p.from_config.is_some()).map(|p| {
        let name = ident(&p.name);
        let arg = &p.name;
        let getter = match p.from_config {
            Some(ConfigValue::ProjectId) | None => quote!(project_id),
        };
        let message = format!("not set: configure it with `Config::builder().{arg}(..)` or set it on this call");
        quote! {
            let #name: &str = match &self.#name {
                Some(value) => value,
                None => self.transport.config().#getter().ok_or_else(|| ConstructionError::new(#arg, #message))?,
            };
        }
    });
    // The project id a path uses is also what signing sends as `X-Project-Id`.
    let project_ids = op
        .params
        .iter()
        .filter(|p| p.from_config == Some(ConfigValue::ProjectId))
        .map(|p| {
            let name = ident(&p.name);
            quote!(request.project_id(#name);)
        });
    let path = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(request.literal(#text);),
        PathPart::Param(name) => {
            let param = op
                .params
                .iter()
                .find(|p| &p.name == name)
                .expect("lowering links path parts to parameters");
            let value = param_value(param);
            let check = checks(param);
            let arg = &param.name;
            let segment = match (param.shape, &param.ty) {
                (ValueShape::Many, _) => {
                    quote!(request.segment(#arg, &crate::request::join(value, ","))?;)
                }
                (ValueShape::Either, _) => {
                    quote!(request.segment(#arg, &crate::request::join(&value.to_values(), ","))?;)
                }
                (ValueShape::One, Type::String) => quote!(request.segment(#arg, value)?;),
                (ValueShape::One, _) => quote!(request.segment(#arg, &value.to_string())?;),
                (ValueShape::Structured, _) => {
                    let (wire, style, explode) = styled(param);
                    quote!(request.segment_styled(#arg, #wire, value, #style, #explode)?;)
                }
            };
            quote! {
                {
                    let value = #value;
                    #check
                    #segment
                }
            }
        }
    });
    let others = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| {
            let name = ident(&p.name);
            let arg = &p.name;
            let wire = &p.wire_name;
            let check = checks(p);
            // The texts of a value that has several: the array itself or the `oneOf`'s list.
            let many = match p.shape {
                ValueShape::One | ValueShape::Structured => None,
                ValueShape::Many => Some(quote!(value)),
                ValueShape::Either => Some(quote!(&value.to_values())),
            };
            let text = match &many {
                Some(values) => {
                    let separator = p.style.separator();
                    quote!(crate::request::join(#values, #separator))
                }
                None => quote!(value),
            };
            let (_, style, explode) = styled(p);
            let send = match p.location {
                ParamLocation::Query if p.shape == ValueShape::Structured => {
                    quote!(request.query_styled(#arg, #wire, value, #style, #explode)?;)
                }
                ParamLocation::Cookie if p.shape == ValueShape::Structured => {
                    quote!(request.cookie_styled(#arg, #wire, value, #style, #explode)?;)
                }
                ParamLocation::Header if p.shape == ValueShape::Structured => {
                    let header = wire.to_ascii_lowercase();
                    quote!(request.header_styled(#arg, #header, value, #style, #explode)?;)
                }
                // Each item keeps its type (the order of repeated values depends on it); a
                // value given as one or several is serialized as it is (a scalar or an array).
                ParamLocation::Query if p.shape == ValueShape::Either && p.explode => {
                    quote!(request.query_styled(#arg, #wire, value, #style, #explode)?;)
                }
                ParamLocation::Query if many.is_some() && p.explode => quote! {
                    for item in #many {
                        request.query(#wire, item)?;
                    }
                },
                ParamLocation::Query if many.is_some() => quote!(request.query(#wire, &#text)?;),
                ParamLocation::Query => quote!(request.query(#wire, #text)?;),
                ParamLocation::Cookie => quote!(request.cookie(#wire, #text);),
                ParamLocation::Header | ParamLocation::Path => {
                    let header = wire.to_ascii_lowercase();
                    quote!(request.header(#arg, #header, #text)?;)
                }
            };
            if p.is_argument() {
                quote! {
                    {
                        let value = &self.#name;
                        #check
                        #send
                    }
                }
            } else {
                quote! {
                    if let Some(value) = &self.#name {
                        #check
                        #send
                    }
                }
            }
        });
    let fixed = op
        .fixed_query
        .iter()
        .map(|(name, value)| quote!(request.query(#name, #value)?;));
    let body = op.body.as_ref().map(|body| {
        let media = &body.media_type;
        let send = match &body.kind {
            RequestBodyKind::Json(_) => quote!(request.json_body(#media, value)?;),
            RequestBodyKind::Form(_) => quote!(request.form_body(value)?;),
            RequestBodyKind::Multipart { .. } => quote!(request.multipart_body(value)?;),
            RequestBodyKind::Text => quote!(request.raw_body(#media, value.as_bytes());),
            RequestBodyKind::Binary => quote!(request.raw_body(#media, value.to_vec());),
        };
        if body.is_argument() {
            quote! {
                let value = &self.body;
                #send
            }
        } else {
            quote! {
                if let Some(value) = &self.body {
                    #send
                }
            }
        }
    });
    let security = super::security::emit_requirements(&op.security);
    quote! {
        #(#config_values)*
        let mut request = Request::new(reqwest::Method::#method, #accept, #operation_id, #path_template, #retry_safe);
        request.conventions(&super::CONVENTIONS);
        #security
        #(#project_ids)*
        #(#path)*
        #(#fixed)*
        #(#others)*
        #body
        Ok(request)
    }
}

/// A structured parameter's wire name, runtime style and `explode`, as the runtime's
/// `*_styled` methods take them.
fn styled(param: &Param) -> (&str, TokenStream, bool) {
    let style = format_ident!("{}", param.style.runtime_name());
    (
        &param.wire_name,
        quote!(crate::params::Style::#style),
        param.explode,
    )
}

/// The expression for a path parameter's value (a reference).
fn param_value(param: &Param) -> TokenStream {
    let name = ident(&param.name);
    if param.from_config.is_some() {
        quote!(#name)
    } else if param.ty == Type::String {
        quote!(self.#name.as_str())
    } else {
        quote!(&self.#name)
    }
}

/// The Rust type of a response body.
fn body_type(body: &Body) -> TokenStream {
    match body {
        Body::Empty => quote!(()),
        Body::Json(ty) => rust_type(ty, Scope::Sibling),
        Body::Text => quote!(String),
        Body::Binary => quote!(bytes::Bytes),
        Body::Stream { framing, item } => {
            let item = rust_type(item, Scope::Sibling);
            match framing {
                Framing::EventStream => quote!(crate::EventStream<#item>),
                Framing::JsonLines | Framing::JsonSeq => quote!(crate::JsonStream<#item>),
            }
        }
    }
}

/// The runtime's constructor of a streamed body from the response, by framing and item.
fn stream_constructor(body: &Body) -> TokenStream {
    match body {
        Body::Stream {
            framing: Framing::EventStream,
            item: Type::String,
        } => quote!(crate::EventStream::text(response)),
        Body::Stream {
            framing: Framing::EventStream,
            ..
        } => quote!(crate::EventStream::json(response)),
        Body::Stream {
            framing: Framing::JsonLines,
            ..
        } => quote!(crate::JsonStream::lines(response)),
        Body::Stream {
            framing: Framing::JsonSeq,
            ..
        } => quote!(crate::JsonStream::seq(response)),
        _ => quote!(crate::ByteStream::new(response)),
    }
}

fn success_type(op: &Operation) -> TokenStream {
    let successes: Vec<&Response> = op.success_responses().collect();
    match successes.as_slice() {
        [] => quote!(()),
        [only] if only.body == Body::Binary => quote!(crate::ByteStream),
        [only] => body_type(&only.body),
        _ => {
            let name = ident(&op.success_type);
            quote!(#name)
        }
    }
}

fn emit_success_enum(op: &Operation) -> TokenStream {
    let successes: Vec<&Response> = op.success_responses().collect();
    if successes.len() < 2 {
        return quote!();
    }
    let name = ident(&op.success_type);
    let variants = successes.iter().map(|r| response_variant(r));
    let doc = format!(
        "The documented successful responses of `{}`.",
        op.operation_id
    );
    response_enum(&name, &doc, variants)
}

/// An enum of documented responses, one variant per status.
fn response_enum(
    name: &proc_macro2::Ident,
    doc: &str,
    variants: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    let doc = doc_lines(doc);
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// An enum variant for one documented response, carrying its body.
fn response_variant(r: &Response) -> TokenStream {
    let variant = ident(&r.variant);
    let doc = doc_lines(&format!(
        "{}: {}",
        status_label(r.status),
        spec_text(&r.description)
    ));
    match &r.body {
        Body::Empty => quote!(#doc #variant,),
        body => {
            let ty = body_type(body);
            quote!(#doc #variant(#ty),)
        }
    }
}

fn status_label(status: Status) -> String {
    match status.label() {
        Some(label) => format!("HTTP {label}"),
        None => "Any other status".to_owned(),
    }
}

fn emit_error_enum(
    op: &Operation,
    name: &proc_macro2::Ident,
    service_error: Option<&str>,
) -> TokenStream {
    let errors: Vec<&Response> = op.error_responses().collect();
    let variants = errors.iter().map(|r| response_variant(r));
    let arms = errors.iter().map(|r| {
        let variant = ident(&r.variant);
        let text = format!("{} ({})", r.variant, status_label(r.status));
        match r.body {
            Body::Empty => quote!(#name::#variant => f.write_str(#text),),
            _ => quote!(#name::#variant(_) => f.write_str(#text),),
        }
    });
    // With no documented error the enum is empty and `fmt` can never run.
    let (formatter, display_body) = if errors.is_empty() {
        (quote!(_f), quote!(match *self {}))
    } else {
        (quote!(f), quote!(match self { #(#arms)* }))
    };
    let mut doc = format!(
        "The documented error responses of `{}` (and of the operations whose error type is an alias of this one), found in [`Error::Service`].",
        op.operation_id
    );
    if let Some(service) = service_error {
        doc.push_str(&format!(
            " An `Error<{name}>` converts into the service's [`{service}`](super::{service}) (`?`)."
        ));
    }
    let enumeration = response_enum(name, &doc, variants);
    quote! {
        #enumeration

        impl std::fmt::Display for #name {
            fn fmt(&self, #formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display_body
            }
        }

        impl std::error::Error for #name {}
    }
}

/// The only success response, when its body stays a stream (bytes, or items decoded as they
/// arrive).
fn streamed_success(op: &Operation) -> Option<&Response> {
    let mut successes = op.success_responses();
    let only = successes.next()?;
    let streamed = matches!(only.body, Body::Binary | Body::Stream { .. });
    (successes.next().is_none() && streamed).then_some(only)
}

/// The statuses whose body stays a stream: those of [`streamed_success`].
fn stream_range(op: &Operation) -> Option<(u16, u16)> {
    let only = streamed_success(op)?;
    match only.status {
        Status::Code(c) => Some((c, c)),
        Status::Range(h) => Some((h * 100, h * 100 + 99)),
        Status::Default => None,
    }
}

/// The operation's decoder: a plain function from the response to the outcome, so the async
/// machinery (retries, timeouts, reading) is the runtime's, compiled once for all operations.
fn emit_decode(op: &Operation, error: &proc_macro2::Ident, output: &TokenStream) -> TokenStream {
    let mut arms = emit_response_arms(op, error);
    if !op.responses.iter().any(|r| r.status == Status::Default) {
        arms.push((quote!(_), quote!(Err(Error::undocumented(raw)))));
    }
    let dispatch = match arms.as_slice() {
        // Nothing to tell apart (only `default`, or no status left after the stream).
        [(_, only)] => only.clone(),
        _ => {
            let arms = arms
                .iter()
                .map(|(pattern, body)| quote!(#pattern => #body,));
            quote! {
                match raw.status().as_u16() {
                    #(#arms)*
                }
            }
        }
    };
    let raw = if let Some(streamed) = streamed_success(op).filter(|_| stream_range(op).is_some()) {
        let body = stream_constructor(&streamed.body);
        quote! {
            let raw = match reply {
                Reply::Stream(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let conventions = crate::conventions::of(&response);
                    return Ok(ResponseValue::new(#body, status, headers, conventions));
                }
                Reply::Read(raw) => raw,
            };
        }
    } else {
        quote!(let raw = reply.into_read();)
    };
    quote! {
        {
            fn decode(reply: Reply) -> crate::Outcome<#output, #error> {
                #raw
                #dispatch
            }
            decode
        }
    }
}

/// (pattern, expression) per documented status, `default` (`_`) last.
fn emit_response_arms(
    op: &Operation,
    error: &proc_macro2::Ident,
) -> Vec<(TokenStream, TokenStream)> {
    let multiple_successes = op.success_responses().count() > 1;
    let success = ident(&op.success_type);
    let stream = stream_range(op);
    op.responses
        .iter()
        // The streamed status was answered before the match.
        .filter(|r| !(stream.is_some() && r.status.is_success()))
        .map(|r| {
            let pattern = match r.status {
                Status::Code(c) => {
                    let lit = Literal::u16_unsuffixed(c);
                    quote!(#lit)
                }
                Status::Range(h) => {
                    let lo = Literal::u16_unsuffixed(h * 100);
                    let hi = Literal::u16_unsuffixed(h * 100 + 99);
                    quote!(#lo..=#hi)
                }
                Status::Default => quote!(_),
            };
            let variant = ident(&r.variant);
            let decode = match &r.body {
                Body::Empty => quote!(),
                Body::Json(_) => {
                    let ty = body_type(&r.body);
                    quote!(let body: #ty = raw.json()?;)
                }
                Body::Text => quote!(let body = raw.text()?;),
                // A stream is only ever the streamed success, answered before the match.
                Body::Binary | Body::Stream { .. } => quote!(let body = raw.body().clone();),
            };
            let value = match r.body {
                Body::Empty if r.status.is_success() && !multiple_successes => quote!(()),
                Body::Empty if r.status.is_success() => quote!(#success::#variant),
                Body::Empty => quote!(#error::#variant),
                _ if r.status.is_success() && !multiple_successes => quote!(body),
                _ if r.status.is_success() => quote!(#success::#variant(body)),
                _ => quote!(#error::#variant(body)),
            };
            let result = if r.status.is_success() {
                quote!(Ok(ResponseValue::new(#value, raw.status(), raw.headers().clone(), raw.conventions())))
            } else {
                quote!(Err(Error::service(#value, raw)))
            };
            // A block only around a decoding step: `{ Err(..) }` alone is an unnecessary one.
            let body = if decode.is_empty() {
                result
            } else {
                quote! {
                    {
                        #decode
                        #result
                    }
                }
            };
            (pattern, body)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the module imports are the names lowering keeps operations away from.
    #[test]
    fn imported_names_are_reserved_for_the_module() {
        // An operation with a success: every import is in use.
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n";
        let spec = crate::load::load_spec_with(std::path::Path::new("t.yaml"), &mut |_| {
            Ok(text.to_owned())
        })
        .unwrap();
        let api = crate::model::lower(&spec, "t").unwrap();
        let file: syn::File = syn::parse2(operations_head(&api)).unwrap();
        let mut imported = Vec::new();
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                collect_names(&u.tree, &mut imported);
            }
        }
        imported.retain(|name| name != "types");
        assert!(!imported.is_empty());
        for name in imported {
            assert!(
                crate::model::lower::OPERATIONS_MODULE_NAMES.contains(&name.as_str()),
                "`{name}` is imported by the operations module but not reserved in lowering"
            );
        }
    }

    fn collect_names(tree: &syn::UseTree, out: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => collect_names(&p.tree, out),
            syn::UseTree::Name(n) => out.push(n.ident.to_string()),
            syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| collect_names(t, out)),
            syn::UseTree::Glob(_) => panic!("a glob import cannot be reserved name by name"),
        }
    }
}
