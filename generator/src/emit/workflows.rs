//! Waiters and paginators: methods on an operation's request builder that repeat it, and the
//! client shorthands for waiters.

use super::docs::{doc_lines, spec_text};
use super::inputs::Input;
use super::rust::{ident, rust_type, Scope};
use crate::model::{FieldPath, OffsetUnit, Operation, Paginator, Type, WaitState, Waiter};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The `wait_until_...`, `pages` and `items` methods of an operation's builder.
pub fn emit_builder_methods(op: &Operation) -> TokenStream {
    if op.waiters.is_empty() && op.paginator.is_none() {
        return TokenStream::new();
    }
    let builder = ident(&op.type_name);
    let error = ident(&op.error_type);
    let waiters = op.waiters.iter().map(|w| emit_waiter(op, w, &error));
    let paginator = op.paginator.as_ref().map(|p| emit_paginator(op, p, &error));
    quote! {
        impl #builder {
            #(#waiters)*
            #paginator
        }
    }
}

/// The client's shorthand for each waiter: the operation's arguments, then the waiter.
pub fn emit_client_waiters(op: &Operation, arguments: &[&Input]) -> TokenStream {
    let method = ident(&op.method_name);
    let error = ident(&op.error_type);
    let args: Vec<TokenStream> = arguments
        .iter()
        .map(|i| {
            let (name, arg) = (&i.name, &i.arg);
            quote!(#name: #arg)
        })
        .collect();
    let names: Vec<&proc_macro2::Ident> = arguments.iter().map(|i| &i.name).collect();
    let waiters = op.waiters.iter().map(|w| {
        let name = ident(&w.method_name);
        let body = rust_type(&w.body, Scope::Sibling);
        let doc = doc_lines(&format!(
            "{}\n\nShorthand for `self.{}(..).{}()`: see [`operations::{}::{}`].",
            waiter_summary(op, w),
            op.method_name,
            w.method_name,
            op.type_name,
            w.method_name
        ));
        quote! {
            #doc
            pub fn #name(&self, #(#args),*) -> crate::Waiter<#body, operations::#error> {
                self.#method(#(#names),*).#name()
            }
        }
    });
    quote!(#(#waiters)*)
}

fn waiter_summary(op: &Operation, w: &Waiter) -> String {
    match &w.doc {
        Some(doc) => spec_text(doc),
        None => format!("Waits until `{}` reports success.", op.operation_id),
    }
}

fn emit_waiter(op: &Operation, w: &Waiter, error: &proc_macro2::Ident) -> TokenStream {
    let name = ident(&w.method_name);
    let body = rust_type(&w.body, Scope::Sibling);
    let label = w.method_name.trim_start_matches("wait_until_");
    let checks = w.acceptors.iter().map(|a| {
        let values = a.values.iter().map(|v| Literal::string(v));
        let ci = w.case_insensitive;
        let verdict = match a.state {
            WaitState::Success => quote!(crate::waiter::Verdict::Success),
            WaitState::Failure => {
                let field = &a.path.wire;
                quote!(crate::waiter::Verdict::Failure { field: #field, state: value })
            }
        };
        let test = quote! {
            let value = value.to_string();
            if crate::waiter::matches(&value, &[#(#values),*], #ci) {
                return Some(#verdict);
            }
        };
        match borrow_path(&a.path, quote!(body)) {
            Access::Direct(expr) => quote! { { let value = &#expr; #test } },
            Access::Optional(expr) => quote! { if let Some(value) = #expr { #test } },
        }
    });
    let describe = |state: WaitState| {
        let parts: Vec<String> = w
            .acceptors
            .iter()
            .filter(|a| a.state == state)
            .map(|a| {
                let values: Vec<String> = a.values.iter().map(|v| format!("`{v}`")).collect();
                format!("`{}` is {}", a.path.wire, values.join(" or "))
            })
            .collect();
        parts.join(", or ")
    };
    let mut text = format!(
        "{}\n\nPolls `{}` until it reports success: when {}",
        waiter_summary(op, w),
        op.operation_id,
        describe(WaitState::Success)
    );
    let failures = describe(WaitState::Failure);
    if !failures.is_empty() {
        text.push_str(&format!(
            ". It fails ([`WaitError::Failure`](crate::WaitError::Failure)) when {failures}"
        ));
    }
    if w.case_insensitive {
        text.push_str(" (values compared ignoring ASCII case)");
    }
    let pace = if w.min_delay_ms == w.max_delay_ms {
        format!("every {}", seconds(w.min_delay_ms))
    } else {
        format!(
            "{} to {} apart (jittered, doubling)",
            seconds(w.min_delay_ms),
            seconds(w.max_delay_ms)
        )
    };
    text.push_str(&format!(
        ".\n\nPolls {pace}, for at most {} in all; change these on the returned [`Waiter`](crate::Waiter), then await it.",
        seconds(w.max_wait_ms)
    ));
    let doc = doc_lines(&text);
    let (min, max, wait) = (w.min_delay_ms, w.max_delay_ms, w.max_wait_ms);
    quote! {
        #doc
        pub fn #name(self) -> crate::Waiter<#body, #error> {
            fn classify(body: &#body) -> Option<crate::waiter::Verdict> {
                #(#checks)*
                None
            }
            crate::Waiter::new(
                #label,
                move || Box::pin(self.clone().send()),
                classify,
                [#min, #max, #wait],
            )
        }
    }
}

fn seconds(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{} ms", ms)
    }
}

fn emit_paginator(op: &Operation, p: &Paginator, error: &proc_macro2::Ident) -> TokenStream {
    let body = rust_type(&p.body, Scope::Sibling);
    let item = rust_type(&p.item_ty, Scope::Sibling);
    let offset = ident(&p.offset);
    let first = Literal::i64_unsuffixed(p.first);
    let items = match borrow_path(&p.items, quote!(body)) {
        Access::Direct(expr) => quote!(&#expr),
        Access::Optional(expr) => quote! {
            match #expr {
                Some(items) => items,
                None => &[],
            }
        },
    };
    let take = match owned_path(&p.items, quote!(body)) {
        Access::Direct(expr) => expr,
        Access::Optional(expr) => quote!(#expr.unwrap_or_default()),
    };
    let total = match &p.total {
        None => quote!(None),
        Some(path) => match (borrow_path(path, quote!(body)), &path.ty) {
            (Access::Direct(expr), Type::I64) => quote!(Some(#expr)),
            (Access::Direct(expr), _) => quote!(Some(i64::from(#expr))),
            (Access::Optional(expr), Type::I64) => quote!(#expr.copied()),
            (Access::Optional(expr), _) => quote!(#expr.map(|v| i64::from(*v))),
        },
    };
    // Named `_body` when unused, so the function still documents what it would read.
    let total_arg = if p.total.is_some() {
        quote!(body)
    } else {
        quote!(_body)
    };
    let start = match p.offset_ty {
        Type::I64 => quote!(self.#offset.unwrap_or(#first)),
        _ => quote!(self.#offset.map(i64::from).unwrap_or(#first)),
    };
    let page_size = match &p.limit {
        None => quote!(None),
        Some(limit) => {
            let limit = ident(limit);
            let default = match p.limit_default {
                Some(d) => {
                    let d = Literal::i64_unsuffixed(d);
                    quote!(.or(Some(#d)))
                }
                None => quote!(),
            };
            quote!(self.#limit #default.and_then(|size| u64::try_from(size).ok()))
        }
    };
    let unit = match p.unit {
        OffsetUnit::Items => quote!(crate::paginate::OffsetUnit::Items),
        OffsetUnit::Pages => quote!(crate::paginate::OffsetUnit::Pages),
    };
    let offset_name = &p.offset;
    let set_offset = match p.offset_ty {
        Type::I64 => quote! {
            call.#offset = Some(offset);
            Box::pin(call.send())
        },
        _ => quote! {
            match i32::try_from(offset) {
                Ok(offset) => {
                    call.#offset = Some(offset);
                    Box::pin(call.send())
                }
                Err(_) => Box::pin(std::future::ready(Err(Error::Construction(
                    ConstructionError::new(#offset_name, "the next page's offset does not fit in 32 bits"),
                )))),
            }
        },
    };
    let unit_text = match p.unit {
        OffsetUnit::Items => "by the number of items received",
        OffsetUnit::Pages => "by one",
    };
    let mut text = format!(
        "The pages of `{}`, fetched one by one as the stream is polled.\n\n`{}` starts where this builder's says (else at {}) and moves on {unit_text}",
        op.operation_id, p.offset, p.first
    );
    match (&p.limit, p.limit_default) {
        (Some(limit), Some(d)) => {
            text.push_str(&format!("; `{limit}` is the page size (default {d})"))
        }
        (Some(limit), None) => text.push_str(&format!("; `{limit}` is the page size")),
        _ => {}
    }
    match &p.total {
        Some(total) => text.push_str(&format!(
            ". Paging ends after an empty page, or once `{}` items have been received (or a page shorter than the page size, when a response has no `{}`)",
            total.wire, total.wire
        )),
        None => text.push_str(
            ". Paging ends after an empty page or a page shorter than the page size",
        ),
    }
    text.push_str("; a page that repeats the previous one ends it with [`PageError::NotAdvancing`](crate::PageError::NotAdvancing).");
    let pages_doc = doc_lines(&text);
    let items_doc = doc_lines(&format!(
        "The items (`{}`) of every page of `{}`, in order; see [`pages`]({}::pages) for how paging moves and ends.",
        p.items.wire, op.operation_id, op.type_name
    ));
    quote! {
        #pages_doc
        pub fn pages(self) -> crate::Pages<#body, #item, #error> {
            fn items(body: &#body) -> &[#item] {
                #items
            }
            fn total(#total_arg: &#body) -> Option<i64> {
                #total
            }
            let paging = crate::paginate::Paging {
                start: #start,
                first: #first,
                unit: #unit,
                page_size: #page_size,
            };
            crate::Pages::new(
                paging,
                move |offset| {
                    let mut call = self.clone();
                    #set_offset
                },
                items,
                total,
            )
        }

        #items_doc
        pub fn items(self) -> crate::Items<#body, #item, #error> {
            fn take(body: #body) -> Vec<#item> {
                #take
            }
            crate::Items::new(self.pages(), take)
        }
    }
}

/// How a member is reached: a plain place, or an `Option` of a reference to it.
enum Access {
    Direct(TokenStream),
    Optional(TokenStream),
}

/// A reference to the member at `path` in `root` (a reference).
fn borrow_path(path: &FieldPath, root: TokenStream) -> Access {
    let mut access = Access::Direct(root);
    for (name, optional) in &path.steps {
        let field = ident(name);
        access = match (access, optional) {
            (Access::Direct(e), false) => Access::Direct(quote!(#e.#field)),
            (Access::Direct(e), true) => Access::Optional(quote!(#e.#field.as_ref())),
            (Access::Optional(e), false) => Access::Optional(quote!(#e.map(|v| &v.#field))),
            (Access::Optional(e), true) => {
                Access::Optional(quote!(#e.and_then(|v| v.#field.as_ref())))
            }
        };
    }
    access
}

/// The member at `path`, moved out of `root` (owned).
fn owned_path(path: &FieldPath, root: TokenStream) -> Access {
    let mut access = Access::Direct(root);
    for (name, optional) in &path.steps {
        let field = ident(name);
        access = match (access, optional) {
            (Access::Direct(e), false) => Access::Direct(quote!(#e.#field)),
            (Access::Direct(e), true) => Access::Optional(quote!(#e.#field)),
            (Access::Optional(e), false) => Access::Optional(quote!(#e.map(|v| v.#field))),
            (Access::Optional(e), true) => Access::Optional(quote!(#e.and_then(|v| v.#field))),
        };
    }
    access
}
