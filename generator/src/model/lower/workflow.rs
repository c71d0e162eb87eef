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
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Extension declaring the waiters that poll an operation.
pub const WAITERS: &str = "x-clientgen-waiters";
/// Extension declaring an operation's offset/limit paging.
pub const PAGINATOR: &str = "x-clientgen-paginator";

/// Waiter timing when the declaration does not give one, in milliseconds.
const DEFAULT_MIN_DELAY_MS: u64 = 2_000;
const DEFAULT_MAX_DELAY_MS: u64 = 30_000;
const DEFAULT_MAX_WAIT_MS: u64 = 600_000;

/// A waiter as declared: `success` and the optional rest.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct WaiterDeclaration {
    description: Member<String>,
    success: Member<Vec<AcceptorEntry>>,
    failure: Member<Vec<AcceptorEntry>>,
    min_delay: Member<f64>,
    max_delay: Member<f64>,
    max_wait: Member<f64>,
    case_insensitive: Member<bool>,
}

/// The keys of a waiter, as the help for an unknown one lists them.
const WAITER_KEYS: &[&str] = &[
    "description",
    "success",
    "failure",
    "min-delay",
    "max-delay",
    "max-wait",
    "case-insensitive",
];

/// One entry of `success` or `failure`: wrong on its own, without hiding its siblings.
type AcceptorEntry = Member<Mapping<AcceptorDeclaration>>;

/// Other keys of an acceptor are let through, as they always were.
#[derive(Deserialize)]
struct AcceptorDeclaration {
    field: String,
    /// Checked one by one: a value that is no text is reported at `values`.
    values: Vec<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct PaginatorDeclaration {
    offset: Member<String>,
    limit: Member<String>,
    items: Member<String>,
    total: Member<String>,
    first: Member<i64>,
    unit: Member<UnitDeclaration>,
}

/// The keys of a paginator, as the help for an unknown one lists them.
const PAGINATOR_KEYS: &[&str] = &["offset", "limit", "items", "total", "first", "unit"];

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum UnitDeclaration {
    Items,
    Pages,
}

/// A member of a declaration, read on its own: a wrong value fails neither the declaration
/// nor its siblings, so that one run reports every problem, each where it is and in the
/// declaration's own words. Present but `null` is wrong, not absent.
#[derive(Default)]
enum Member<T> {
    #[default]
    Absent,
    Read(T),
    Wrong(Value),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Member<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(match T::deserialize(&value) {
            Ok(read) => Member::Read(read),
            Err(_) => Member::Wrong(value),
        })
    }
}

/// A struct read only from a mapping: serde also builds one from a list of its members in
/// order, which no declaration means.
struct Mapping<T>(T);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Mapping<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::deserialize(deserializer)?;
        T::deserialize(Value::Object(map))
            .map(Mapping)
            .map_err(serde::de::Error::custom)
    }
}

/// Reads a declaration with a fixed set of keys; `None` once reported when it is not a
/// mapping (`help` shows one) or holds keys not among `keys`, each reported. Every member is
/// a [`Member`], so nothing else fails here.
fn read_declaration<T: DeserializeOwned>(
    cx: &mut Context,
    value: &Value,
    keys: &[&str],
    at: &str,
    help: &str,
) -> Option<T> {
    let Some(entries) = value.as_object() else {
        cx.error(at, "expected a mapping", help);
        return None;
    };
    let error = match serde_path_to_error::deserialize(value) {
        Ok(declaration) => return Some(declaration),
        Err(error) => error,
    };
    // Only an unknown key fails a mapping whose members are all `Member`s.
    let Some(serde_path_to_error::Segment::Map { key: first }) = error.path().iter().next() else {
        cx.error(at, error.inner().to_string(), help);
        return None;
    };
    // serde stops at the first unknown key; the others are as wrong.
    let unknown = entries
        .keys()
        .filter(|key| *key == first || !keys.contains(&key.as_str()));
    for key in unknown {
        cx.error(
            format!("{at}/{}", pointer_token(key)),
            format!("unknown key `{key}`"),
            format!("use one of: {}", keys.join(", ")),
        );
    }
    None
}

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
        let Some(declared) = read_declaration::<WaiterDeclaration>(
            cx,
            declaration,
            WAITER_KEYS,
            &here,
            "give `success`, and optionally `failure`, `description`, `min-delay`, `max-delay`, `max-wait`, `case-insensitive`",
        ) else {
            continue;
        };
        let mut acceptors = Vec::new();
        // Failures first: a response that matches both is not a success.
        for (key, state, list) in [
            ("failure", WaitState::Failure, &declared.failure),
            ("success", WaitState::Success, &declared.success),
        ] {
            let at = format!("{here}/{key}");
            match list {
                Member::Absent => {}
                Member::Read(list) => {
                    acceptors.extend(lower_acceptors(cx, &body, list, state, &at));
                }
                Member::Wrong(_) => cx.error(
                    at,
                    "expected a list of acceptors",
                    "write `- {field: <member>, values: [<value>, ...]}`",
                ),
            }
        }
        let declared_success = matches!(&declared.success, Member::Read(list) if !list.is_empty());
        if !declared_success {
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
        let min_delay = millis(
            cx,
            "min-delay",
            &declared.min_delay,
            DEFAULT_MIN_DELAY_MS,
            &here,
        );
        let Some(min_delay_ms) = min_delay else {
            continue;
        };
        let max_delay = millis(
            cx,
            "max-delay",
            &declared.max_delay,
            DEFAULT_MAX_DELAY_MS,
            &here,
        );
        let Some(max_delay_ms) = max_delay else {
            continue;
        };
        let max_wait = millis(
            cx,
            "max-wait",
            &declared.max_wait,
            DEFAULT_MAX_WAIT_MS,
            &here,
        );
        let Some(max_wait_ms) = max_wait else {
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
        let case_insensitive = match declared.case_insensitive {
            Member::Absent => false,
            Member::Read(flag) => flag,
            Member::Wrong(_) => {
                cx.error(
                    format!("{here}/case-insensitive"),
                    "expected true or false",
                    "write `case-insensitive: true`",
                );
                continue;
            }
        };
        // A description that is no text was always let go: it only documents.
        let doc = match declared.description {
            Member::Read(doc) => Some(doc),
            Member::Absent | Member::Wrong(_) => None,
        };
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
    list: &[AcceptorEntry],
    state: WaitState,
    at: &str,
) -> Vec<Acceptor> {
    let mut acceptors = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let here = format!("{at}/{i}");
        let Member::Read(Mapping(AcceptorDeclaration { field, values })) = item else {
            cx.error(
                &here,
                "an acceptor needs `field` (a member name) and `values` (a list)",
                "write `{field: status, values: [completed]}`",
            );
            continue;
        };
        let texts: Option<Vec<String>> = values.iter().map(text_of).collect();
        let Some(values) = texts.filter(|texts| !texts.is_empty()) else {
            cx.error(
                format!("{here}/values"),
                "`values` must list strings, numbers or booleans, at least one",
                "write the values as the response carries them, for example `[100, '100%']`",
            );
            continue;
        };
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
    let declared: PaginatorDeclaration = read_declaration(
        cx,
        value,
        PAGINATOR_KEYS,
        at,
        "write for example `x-clientgen-paginator: {offset: offset, limit: limit, items: records, total: total}`",
    )?;
    // Every part is read, so that one run reports every problem of the declaration.
    let body = json_success_body(cx, op, at);
    let offset = paging_param(cx, op, &declared.offset, "offset", at);
    let limit = paging_param(cx, op, &declared.limit, "limit", at);
    let unit = paging_unit(cx, &declared.unit, at);
    let items = body
        .as_ref()
        .and_then(|body| paging_items(cx, body, &declared.items, at));
    let total = body
        .as_ref()
        .and_then(|body| paging_total(cx, body, &declared.total, at));
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
    let first = match declared.first {
        Member::Absent => offset.default.unwrap_or(0),
        Member::Read(first) if first >= 0 => first,
        Member::Read(_) | Member::Wrong(_) => {
            cx.error(
                format!("{at}/first"),
                "expected a non-negative integer",
                "give the offset of the first record or page",
            );
            return None;
        }
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

fn paging_unit(cx: &mut Context, unit: &Member<UnitDeclaration>, at: &str) -> Option<OffsetUnit> {
    match unit {
        Member::Absent | Member::Read(UnitDeclaration::Items) => Some(OffsetUnit::Items),
        Member::Read(UnitDeclaration::Pages) => Some(OffsetUnit::Pages),
        Member::Wrong(_) => {
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
    items: &Member<String>,
    at: &str,
) -> Option<(FieldPath, Type)> {
    let Member::Read(name) = items else {
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
    total: &Member<String>,
    at: &str,
) -> Option<Option<FieldPath>> {
    let here = format!("{at}/total");
    let name = match total {
        Member::Absent => return Some(None),
        Member::Read(name) => name,
        Member::Wrong(_) => {
            cx.error(
                here,
                "expected a member name",
                "name the integer member counting all items",
            );
            return None;
        }
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
    declared: &Member<String>,
    key: &str,
    at: &str,
) -> Option<Option<PagingParam>> {
    // As the spec gives it (JSON), for the message when it names no parameter.
    let (name, found) = match declared {
        Member::Absent => return Some(None),
        Member::Read(name) => (
            Value::from(name.as_str()),
            op.params
                .iter()
                .find(|p| &p.wire_name == name && p.location == ParamLocation::Query),
        ),
        Member::Wrong(value) => (value.clone(), None),
    };
    let here = format!("{at}/{key}");
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

/// A duration in seconds (fractions allowed), in milliseconds; `default` when not declared.
fn millis(
    cx: &mut Context,
    key: &str,
    declared: &Member<f64>,
    default: u64,
    at: &str,
) -> Option<u64> {
    match *declared {
        Member::Absent => Some(default),
        Member::Read(seconds) if seconds > 0.0 && seconds <= 86_400.0 * 30.0 => {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The help for an unknown key lists keys the declaration takes.
    #[test]
    fn listed_keys_are_taken() {
        fn taken<T: DeserializeOwned>(keys: &[&str]) {
            for key in keys {
                let declaration = serde_json::json!({ *key: null });
                assert!(
                    serde_json::from_value::<T>(declaration).is_ok(),
                    "`{key}` is listed but not taken"
                );
            }
        }
        taken::<WaiterDeclaration>(WAITER_KEYS);
        taken::<PaginatorDeclaration>(PAGINATOR_KEYS);
    }
}
