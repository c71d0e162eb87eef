//! Workflows declared on operations: waiters (`x-clientgen-waiters`) and offset/limit paging
//! (`x-clientgen-paginator`).
//!
//! They are read after every type is lowered, because they name members of response bodies
//! by their wire names and those members must be found, with their Rust names and types.

use super::Context;
use crate::diagnostics::pointer_token;
use crate::model::naming::{self, Scope};
use crate::model::{
    Acceptor, Body, FieldPath, OffsetUnit, Operation, Paginator, ParamLocation, Type, TypeKind,
    WaitState, Waiter,
};
use serde_json::{Map, Value};

/// Extension declaring the waiters that poll an operation.
pub const WAITERS: &str = "x-clientgen-waiters";
/// Extension declaring an operation's offset/limit paging.
pub const PAGINATOR: &str = "x-clientgen-paginator";

/// Waiter timing when the declaration does not give one, in milliseconds.
const DEFAULT_MIN_DELAY_MS: u64 = 2_000;
const DEFAULT_MAX_DELAY_MS: u64 = 30_000;
const DEFAULT_MAX_WAIT_MS: u64 = 600_000;

/// A workflow extension found on an operation, read once all types exist.
pub(super) struct Pending {
    pub operation: usize,
    pub extension: &'static str,
    pub value: Value,
    /// JSON pointer of the extension.
    pub at: String,
}

/// Collects the workflow extensions of one operation.
pub(super) fn pending(
    operation: usize,
    extensions: &indexmap::IndexMap<String, Value>,
    at: &str,
) -> Vec<Pending> {
    [WAITERS, PAGINATOR]
        .into_iter()
        .filter_map(|extension| {
            extensions.get(extension).map(|value| Pending {
                operation,
                extension,
                value: value.clone(),
                at: format!("{at}/{extension}"),
            })
        })
        .collect()
}

/// Reads every pending declaration into its operation; `methods` holds the client's method
/// names, which waiter methods must not collide with.
pub(super) fn lower_workflows(
    cx: &mut Context,
    operations: &mut [Operation],
    pending: Vec<Pending>,
    methods: &mut Scope,
) {
    for item in pending {
        let op = &operations[item.operation];
        if item.extension == WAITERS {
            let waiters = lower_waiters(cx, op, &item.value, &item.at, methods);
            operations[item.operation].waiters = waiters;
        } else {
            let paginator = lower_paginator(cx, op, &item.value, &item.at);
            operations[item.operation].paginator = paginator;
        }
    }
}

fn lower_waiters(
    cx: &mut Context,
    op: &Operation,
    value: &Value,
    at: &str,
    methods: &mut Scope,
) -> Vec<Waiter> {
    let Some(declarations) = value.as_object() else {
        cx.error(
            at,
            "expected a mapping from waiter names to waiter declarations",
            "write for example `x-clientgen-waiters: {completed: {success: [{field: status, values: [done]}]}}`",
        );
        return Vec::new();
    };
    let Some(body) = json_success_body(cx, op, at) else {
        return Vec::new();
    };
    let mut waiters = Vec::new();
    for (name, declaration) in declarations {
        let here = format!("{at}/{}", pointer_token(name));
        let Some(entries) = declaration.as_object() else {
            cx.error(
                &here,
                "expected a mapping",
                "give `success`, and optionally `failure`, `description`, `min-delay`, `max-delay`, `max-wait`, `case-insensitive`",
            );
            continue;
        };
        let keys = [
            "description",
            "success",
            "failure",
            "min-delay",
            "max-delay",
            "max-wait",
            "case-insensitive",
        ];
        if !known_keys(cx, entries, &keys, &here) {
            continue;
        }
        let mut acceptors = Vec::new();
        // Failures first: a response that matches both is not a success.
        for (key, state) in [
            ("failure", WaitState::Failure),
            ("success", WaitState::Success),
        ] {
            if let Some(list) = entries.get(key) {
                acceptors.extend(lower_acceptors(
                    cx,
                    &body,
                    list,
                    state,
                    &format!("{here}/{key}"),
                ));
            }
        }
        let declared = entries
            .get("success")
            .and_then(Value::as_array)
            .is_some_and(|list| !list.is_empty());
        if !declared {
            cx.error(
                &here,
                "a waiter needs at least one `success` acceptor",
                "add `success: [{field: <member>, values: [<value>]}]`",
            );
            continue;
        }
        if !acceptors.iter().any(|a| a.state == WaitState::Success) {
            // The declared ones are wrong, and reported.
            continue;
        }
        let Some(min_delay_ms) = millis(cx, entries, "min-delay", DEFAULT_MIN_DELAY_MS, &here)
        else {
            continue;
        };
        let Some(max_delay_ms) = millis(cx, entries, "max-delay", DEFAULT_MAX_DELAY_MS, &here)
        else {
            continue;
        };
        let Some(max_wait_ms) = millis(cx, entries, "max-wait", DEFAULT_MAX_WAIT_MS, &here) else {
            continue;
        };
        if min_delay_ms > max_delay_ms {
            cx.error(
                format!("{here}/min-delay"),
                format!(
                    "min-delay ({min_delay_ms} ms) is longer than max-delay ({max_delay_ms} ms)"
                ),
                "make min-delay at most max-delay",
            );
            continue;
        }
        let case_insensitive = match entries.get("case-insensitive") {
            None => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => {
                cx.error(
                    format!("{here}/case-insensitive"),
                    "expected true or false",
                    "write `case-insensitive: true`",
                );
                continue;
            }
        };
        let doc = entries
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        waiters.push(Waiter {
            method_name: methods.claim(format!("wait_until_{}", naming::value_name(name))),
            doc,
            body: body.clone(),
            acceptors,
            case_insensitive,
            min_delay_ms,
            max_delay_ms,
            max_wait_ms,
        });
    }
    waiters
}

fn lower_acceptors(
    cx: &mut Context,
    body: &Type,
    list: &Value,
    state: WaitState,
    at: &str,
) -> Vec<Acceptor> {
    let Some(list) = list.as_array() else {
        cx.error(
            at,
            "expected a list of acceptors",
            "write `- {field: <member>, values: [<value>, ...]}`",
        );
        return Vec::new();
    };
    let mut acceptors = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let here = format!("{at}/{i}");
        let field = item.get("field").and_then(Value::as_str);
        let values: Option<Vec<String>> = item
            .get("values")
            .and_then(Value::as_array)
            .map(|values| values.iter().filter_map(text_of).collect());
        let (Some(field), Some(values)) = (field, values) else {
            cx.error(
                &here,
                "an acceptor needs `field` (a member name) and `values` (a list)",
                "write `{field: status, values: [completed]}`",
            );
            continue;
        };
        if values.is_empty()
            || item.get("values").and_then(Value::as_array).map(Vec::len) != Some(values.len())
        {
            cx.error(
                format!("{here}/values"),
                "`values` must list strings, numbers or booleans, at least one",
                "write the values as the response carries them, for example `[100, '100%']`",
            );
            continue;
        }
        let Some(path) = field_path(cx, body, field, &format!("{here}/field")) else {
            continue;
        };
        if !is_textual(cx, &path.ty) {
            cx.error(
                format!("{here}/field"),
                format!("member `{field}` is not a string, number, boolean or string enum"),
                "point a waiter at a member whose value can be compared as text",
            );
            continue;
        }
        acceptors.push(Acceptor {
            state,
            path,
            values,
        });
    }
    acceptors
}

fn lower_paginator(cx: &mut Context, op: &Operation, value: &Value, at: &str) -> Option<Paginator> {
    let Some(entries) = value.as_object() else {
        cx.error(
            at,
            "expected a mapping",
            "write for example `x-clientgen-paginator: {offset: offset, limit: limit, items: records, total: total}`",
        );
        return None;
    };
    let keys = ["offset", "limit", "items", "total", "first", "unit"];
    if !known_keys(cx, entries, &keys, at) {
        return None;
    }
    // Every part is read, so that one run reports every problem of the declaration.
    let body = json_success_body(cx, op, at);
    let offset = paging_param(cx, op, entries, "offset", at);
    let limit = paging_param(cx, op, entries, "limit", at);
    let unit = paging_unit(cx, entries, at);
    let items = body
        .as_ref()
        .and_then(|body| paging_items(cx, body, entries, at));
    let total = body
        .as_ref()
        .and_then(|body| paging_total(cx, body, entries, at));
    let (Some(body), Some(offset), Some(limit), Some(unit), Some((items, item_ty)), Some(total)) =
        (body, offset, limit, unit, items, total)
    else {
        return None;
    };
    let Some(offset) = offset else {
        cx.error(
            at,
            "`offset` is missing",
            "name the query parameter that moves through the pages",
        );
        return None;
    };
    let first = match entries.get("first") {
        None => offset.default.unwrap_or(0),
        Some(first) => match first.as_i64() {
            Some(first) if first >= 0 => first,
            _ => {
                cx.error(
                    format!("{at}/first"),
                    "expected a non-negative integer",
                    "give the offset of the first record or page",
                );
                return None;
            }
        },
    };
    let (limit, limit_ty, limit_default) = match limit {
        Some(limit) => (Some(limit.name), limit.ty, limit.default),
        None => (None, Type::I64, None),
    };
    Some(Paginator {
        offset: offset.name,
        offset_ty: offset.ty,
        limit,
        limit_ty,
        limit_default,
        first,
        unit,
        body,
        items,
        item_ty,
        total,
    })
}

fn paging_unit(cx: &mut Context, entries: &Map<String, Value>, at: &str) -> Option<OffsetUnit> {
    match entries.get("unit").map(|u| u.as_str()) {
        None | Some(Some("items")) => Some(OffsetUnit::Items),
        Some(Some("pages")) => Some(OffsetUnit::Pages),
        Some(_) => {
            cx.error(
                format!("{at}/unit"),
                "expected `items` or `pages`",
                "say what the offset counts: records (`items`) or pages (`pages`)",
            );
            None
        }
    }
}

/// The array member listing a page's items, and the item type.
fn paging_items(
    cx: &mut Context,
    body: &Type,
    entries: &Map<String, Value>,
    at: &str,
) -> Option<(FieldPath, Type)> {
    let Some(name) = entries.get("items").and_then(Value::as_str) else {
        cx.error(
            at,
            "`items` is missing",
            "name the array member listing a page's items",
        );
        return None;
    };
    let here = format!("{at}/items");
    let path = field_path(cx, body, name, &here)?;
    match resolve_alias(cx, &path.ty) {
        Type::Array(item) => Some((path, *item)),
        _ => {
            cx.error(
                here,
                format!("member `{name}` is not an array"),
                "name the array member listing a page's items",
            );
            None
        }
    }
}

/// The integer member counting all items; `Some(None)` when not declared.
fn paging_total(
    cx: &mut Context,
    body: &Type,
    entries: &Map<String, Value>,
    at: &str,
) -> Option<Option<FieldPath>> {
    let Some(name) = entries.get("total") else {
        return Some(None);
    };
    let here = format!("{at}/total");
    let Some(name) = name.as_str() else {
        cx.error(
            here,
            "expected a member name",
            "name the integer member counting all items",
        );
        return None;
    };
    let path = field_path(cx, body, name, &here)?;
    if !matches!(resolve_alias(cx, &path.ty), Type::I32 | Type::I64) {
        cx.error(
            here,
            format!("member `{name}` is not an integer"),
            "name the integer member counting all items",
        );
        return None;
    }
    Some(Some(path))
}

/// A query parameter a paginator sets.
struct PagingParam {
    /// The builder field.
    name: String,
    ty: Type,
    default: Option<i64>,
}

/// The integer query parameter named by `key`; `Some(None)` when the key is absent.
fn paging_param(
    cx: &mut Context,
    op: &Operation,
    entries: &Map<String, Value>,
    key: &str,
    at: &str,
) -> Option<Option<PagingParam>> {
    let Some(name) = entries.get(key) else {
        return Some(None);
    };
    let here = format!("{at}/{key}");
    let found = name.as_str().and_then(|name| {
        op.params
            .iter()
            .find(|p| p.wire_name == name && p.location == ParamLocation::Query)
    });
    match found {
        Some(p) if p.required => {
            cx.error(
                here,
                format!("query parameter `{}` is required", p.wire_name),
                "a paginator sets it itself: make it `required: false`",
            );
            None
        }
        Some(p) if matches!(p.ty, Type::I32 | Type::I64) => Some(Some(PagingParam {
            name: p.name.clone(),
            ty: p.ty.clone(),
            default: p.default.as_ref().and_then(Value::as_i64),
        })),
        Some(p) => {
            cx.error(
                here,
                format!("query parameter `{}` is not an integer", p.wire_name),
                "page with integer query parameters",
            );
            None
        }
        None => {
            cx.error(
                here,
                format!("{name} is not a query parameter of {}", op.operation_id),
                "name one of the operation's query parameters",
            );
            None
        }
    }
}

/// The JSON body of the operation's only success response.
fn json_success_body(cx: &mut Context, op: &Operation, at: &str) -> Option<Type> {
    let successes: Vec<_> = op.success_responses().collect();
    match successes.as_slice() {
        [only] => match &only.body {
            Body::Json(ty) => Some(ty.clone()),
            _ => {
                cx.error(
                    at,
                    format!("the success response of {} is not JSON", op.operation_id),
                    "declare waiters and paginators on operations answering JSON",
                );
                None
            }
        },
        _ => {
            cx.error(
                at,
                format!(
                    "{} has {} success responses; a waiter or paginator needs exactly one",
                    op.operation_id,
                    successes.len()
                ),
                "declare it on an operation with a single 2xx response",
            );
            None
        }
    }
}

/// Follows `a.b.c` (wire names) from `body` through object members.
fn field_path(cx: &mut Context, body: &Type, wire: &str, at: &str) -> Option<FieldPath> {
    let mut steps = Vec::new();
    let mut ty = body.clone();
    for segment in wire.split('.') {
        let found = struct_fields(cx, &ty).and_then(|fields| {
            fields
                .iter()
                .find(|f| f.wire_name == segment)
                .map(|f| (f.name.clone(), f.is_optional(), f.ty.clone()))
        });
        let Some((name, optional, next)) = found else {
            cx.error(
                at,
                format!("the response has no member `{wire}` (`{segment}` not found)"),
                "name a member of the success response body, nested members joined with `.`",
            );
            return None;
        };
        steps.push((name, optional));
        ty = next;
    }
    Some(FieldPath {
        wire: wire.to_owned(),
        steps,
        ty,
    })
}

fn struct_fields(cx: &Context, ty: &Type) -> Option<Vec<crate::model::Field>> {
    match resolve_alias(cx, ty) {
        Type::Named(name) => match &cx.type_named(&name)?.kind {
            TypeKind::Struct { fields, .. } => Some(fields.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Looks through aliases (`type X = Y`) to the type itself.
fn resolve_alias(cx: &Context, ty: &Type) -> Type {
    let mut ty = ty.clone();
    for _ in 0..32 {
        let Type::Named(name) = &ty else {
            break;
        };
        match cx.type_named(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => ty = inner.clone(),
            _ => break,
        }
    }
    ty
}

/// Whether the generated type of `ty` has a `Display` that gives the wire text.
fn is_textual(cx: &Context, ty: &Type) -> bool {
    match resolve_alias(cx, ty) {
        ty if ty.is_primitive() => true,
        Type::Named(name) => match cx.type_named(&name).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::OneOf {
                variants,
                discriminator: None,
            }) => variants.iter().all(|v| v.ty.is_primitive()),
            _ => false,
        },
        _ => false,
    }
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A duration in seconds (fractions allowed), in milliseconds.
fn millis(
    cx: &mut Context,
    entries: &Map<String, Value>,
    key: &str,
    default: u64,
    at: &str,
) -> Option<u64> {
    let Some(value) = entries.get(key) else {
        return Some(default);
    };
    match value.as_f64() {
        Some(seconds) if seconds > 0.0 && seconds <= 86_400.0 * 30.0 => {
            Some(((seconds * 1000.0).round() as u64).max(1))
        }
        _ => {
            cx.error(
                format!("{at}/{key}"),
                format!("`{key}` must be a number of seconds, above 0 and at most 30 days"),
                "write for example `min-delay: 2`",
            );
            None
        }
    }
}

fn known_keys(cx: &mut Context, entries: &Map<String, Value>, keys: &[&str], at: &str) -> bool {
    let mut ok = true;
    for key in entries.keys() {
        if !keys.contains(&key.as_str()) {
            cx.error(
                format!("{at}/{}", pointer_token(key)),
                format!("unknown key `{key}`"),
                format!("use one of: {}", keys.join(", ")),
            );
            ok = false;
        }
    }
    ok
}
