//! What changed between two versions of a spec, for the users of the generated client:
//! operations, parameters, request bodies, statuses, types, fields, enum values, waiters and
//! paginators, each classed breaking (code using the client may stop compiling or behave
//! differently) or compatible.
//!
//! The comparison runs on the model, so it sees what the generated code sees: renames that
//! change no Rust name are invisible, a new `operationId` is a removal and an addition.

use crate::model::{
    Api, Body, Constraints, Conventions, Field, JsonStyle, Operation, Param, RequestBodyKind, Type,
    TypeDef, TypeKind,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Whether a change can break code that uses the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Breaking,
    Compatible,
}

/// Every kind of change `diff` reports: its key, its class, and why. The README's table
/// ("What regeneration guarantees") is checked against this list, and the test below checks
/// the list against the kinds this module reports.
pub const KINDS: &[(&str, &str, &str)] = &[
    ("module-added", "compatible", "a spec (module) added"),
    ("module-removed", "breaking", "a spec (module) removed"),
    ("operation-added", "compatible", "an operation added: a new method"),
    ("operation-removed", "breaking", "an operation removed: its method and types go"),
    ("operation-moved", "compatible", "another method or path: the method is the same"),
    ("operation-deprecated", "compatible", "the method gains `#[deprecated]` (a warning)"),
    ("parameter-added", "breaking when required, else compatible", "a required parameter is a new argument; an optional one a new setter"),
    ("parameter-removed", "breaking", "an argument or setter goes"),
    ("parameter-type-changed", "breaking", "an argument's or setter's type changes"),
    ("parameter-now-required", "breaking", "a setter becomes an argument"),
    ("parameter-now-optional", "breaking", "an argument becomes a setter"),
    ("parameter-constraints-changed", "breaking when tightened, else compatible", "values accepted before may be refused before sending (no signature changes)"),
    ("body-added", "breaking when required, else compatible", "a required body is a new argument; an optional one a setter"),
    ("body-removed", "breaking", "the body's argument or setter goes"),
    ("body-type-changed", "breaking", "the body's type changes"),
    ("body-requirement-changed", "breaking", "the body moves between argument and setter"),
    ("status-added", "breaking for a success status, else compatible", "a second success status changes the type `send` returns; an error status is a new variant of a `#[non_exhaustive]` enum"),
    ("status-removed", "breaking", "a variant of the operation's outcome goes"),
    ("status-body-changed", "breaking", "a variant's payload type changes"),
    ("type-added", "compatible", "a new type"),
    ("type-removed", "breaking", "a type goes"),
    ("type-kind-changed", "breaking", "a struct becomes an enum, an alias..."),
    ("type-changed", "breaking", "an alias names another type"),
    ("field-added", "breaking when required, else compatible", "structs are `#[non_exhaustive]`: an optional member is a new `with_` setter; a required one a new argument of `new` (and responses without it fail to decode)"),
    ("field-removed", "breaking", "a field and its setter go"),
    ("field-type-changed", "breaking", "a field's type changes"),
    ("field-requirement-changed", "breaking", "a field becomes or stops being an `Option`"),
    ("constructor-arguments-reordered", "breaking", "`new` takes the required members in another order (same-typed ones would swap silently)"),
    ("enum-value-added", "compatible", "string enums are `#[non_exhaustive]`; the value decoded as `Unknown` before"),
    ("enum-value-removed", "breaking", "a variant goes"),
    ("enum-case-changed", "compatible", "values now match in any case, or exactly"),
    ("variants-changed", "breaking", "a `oneOf`'s alternatives change"),
    ("waiter-added", "compatible", "a new `wait_until_` method"),
    ("waiter-removed", "breaking", "a `wait_until_` method goes"),
    ("paginator-added", "compatible", "new `pages()` and `items()` methods"),
    ("paginator-removed", "breaking", "`pages()` and `items()` go"),
    ("paginator-changed", "breaking", "the paged items' type changes"),
    ("credentials-added", "compatible", "an operation accepts another credential"),
    ("credentials-dropped", "compatible", "an operation no longer requires credentials"),
    ("credentials-required", "breaking", "an anonymous call now fails before sending without credentials"),
    ("credentials-removed", "breaking", "a credential the configuration may hold is no longer accepted"),
    ("conventions-changed", "compatible", "the service's declared conventions (request id headers, error members, bodiless `Content-Type`, JSON style): the client follows the server"),
];

/// The breaking kinds that leave every signature as it was: code using the client still
/// compiles, and behaves differently (a value refused before sending, a call that now needs
/// credentials). A checker of signatures such as cargo-semver-checks cannot see them;
/// `tests/builds/compile_check.rs` holds `diff` to agreeing with it on everything else.
pub const BEHAVIOURAL_KINDS: &[&str] = &[
    "parameter-constraints-changed",
    "credentials-required",
    "credentials-removed",
];

/// One change, located by module and item (an operation or a type).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub class: Class,
    /// The module (one per spec).
    pub module: String,
    /// The operation (`operationId`) or type (`types::Name`) it is in.
    pub item: String,
    /// What changed, as a stable key (`operation-removed`, `field-added`, ...).
    pub kind: &'static str,
    /// A sentence for people.
    pub detail: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let class = match self.class {
            Class::Breaking => "breaking  ",
            Class::Compatible => "compatible",
        };
        write!(f, "{class}  {} {}: {}", self.module, self.item, self.detail)
    }
}

/// The report of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub breaking: usize,
    pub compatible: usize,
    /// Breaking changes first, then by module and item.
    pub changes: Vec<Change>,
}

impl Report {
    pub fn is_breaking(&self) -> bool {
        self.breaking > 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        write!(
            f,
            "{} breaking, {} compatible change(s)",
            self.breaking, self.compatible
        )
    }
}

/// Compares two versions of a set of specs, module by module. When each side is a single
/// spec, the two are compared whatever their file names.
pub fn diff(old: &[Api], new: &[Api]) -> Report {
    let mut out = Changes::default();
    if let ([old], [new]) = (old, new) {
        diff_api(&mut out, &new.module, old, new);
    } else {
        let old_modules: BTreeMap<&str, &Api> =
            old.iter().map(|a| (a.module.as_str(), a)).collect();
        let new_modules: BTreeMap<&str, &Api> =
            new.iter().map(|a| (a.module.as_str(), a)).collect();
        for (name, api) in &old_modules {
            match new_modules.get(name) {
                Some(new_api) => diff_api(&mut out, name, api, new_api),
                None => out.push(
                    Class::Breaking,
                    "module-removed",
                    name,
                    "(module)",
                    format!("module `{name}` ({}) removed", api.source),
                ),
            }
        }
        for (name, api) in &new_modules {
            if !old_modules.contains_key(name) {
                out.push(
                    Class::Compatible,
                    "module-added",
                    name,
                    "(module)",
                    format!("module `{name}` ({}) added", api.source),
                );
            }
        }
    }
    let mut changes = out.0;
    changes.sort();
    changes.dedup();
    Report {
        breaking: changes
            .iter()
            .filter(|c| c.class == Class::Breaking)
            .count(),
        compatible: changes
            .iter()
            .filter(|c| c.class == Class::Compatible)
            .count(),
        changes,
    }
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, class: Class, kind: &'static str, module: &str, item: &str, detail: String) {
        self.0.push(Change {
            class,
            kind,
            module: module.to_owned(),
            item: item.to_owned(),
            detail,
        });
    }
}

fn diff_api(out: &mut Changes, module: &str, old: &Api, new: &Api) {
    diff_conventions(out, module, &old.conventions, &new.conventions);
    let old_ops: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|o| (o.operation_id.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|o| (o.operation_id.as_str(), o))
        .collect();
    for (id, op) in &old_ops {
        match new_ops.get(id) {
            Some(new_op) => {
                diff_operation(out, module, op, new_op);
                diff_security(out, module, (op, old), (new_op, new));
            }
            None => out.push(
                Class::Breaking,
                "operation-removed",
                module,
                id,
                format!("operation removed (method `{}`)", op.method_name),
            ),
        }
    }
    for (id, op) in &new_ops {
        if !old_ops.contains_key(id) {
            out.push(
                Class::Compatible,
                "operation-added",
                module,
                id,
                format!("operation added (method `{}`)", op.method_name),
            );
        }
    }
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for (name, def) in &old_types {
        let item = format!("types::{name}");
        match new_types.get(name) {
            Some(new_def) => diff_type(out, module, &item, def, new_def),
            None => out.push(
                Class::Breaking,
                "type-removed",
                module,
                &item,
                "type removed".to_owned(),
            ),
        }
    }
    for name in new_types.keys() {
        if !old_types.contains_key(name) {
            out.push(
                Class::Compatible,
                "type-added",
                module,
                &format!("types::{name}"),
                "type added".to_owned(),
            );
        }
    }
}

fn diff_operation(out: &mut Changes, module: &str, old: &Operation, new: &Operation) {
    let item = old.operation_id.as_str();
    if (old.http_method, &old.path) != (new.http_method, &new.path) {
        out.push(
            Class::Compatible,
            "operation-moved",
            module,
            item,
            format!(
                "now `{} {}` (was `{} {}`)",
                new.http_method.as_str(),
                new.path,
                old.http_method.as_str(),
                old.path
            ),
        );
    }
    if !old.deprecated && new.deprecated {
        out.push(
            Class::Compatible,
            "operation-deprecated",
            module,
            item,
            "operation deprecated".to_owned(),
        );
    }
    diff_params(out, module, item, &old.params, &new.params);
    diff_body(out, module, item, old, new);
    diff_responses(out, module, item, old, new);
    let old_waiters: Vec<&str> = old.waiters.iter().map(|w| w.method_name.as_str()).collect();
    let new_waiters: Vec<&str> = new.waiters.iter().map(|w| w.method_name.as_str()).collect();
    for name in &old_waiters {
        if !new_waiters.contains(name) {
            out.push(
                Class::Breaking,
                "waiter-removed",
                module,
                item,
                format!("waiter `{name}` removed"),
            );
        }
    }
    for name in &new_waiters {
        if !old_waiters.contains(name) {
            out.push(
                Class::Compatible,
                "waiter-added",
                module,
                item,
                format!("waiter `{name}` added"),
            );
        }
    }
    match (&old.paginator, &new.paginator) {
        (Some(_), None) => out.push(
            Class::Breaking,
            "paginator-removed",
            module,
            item,
            "paging (`pages()`, `items()`) removed".to_owned(),
        ),
        (None, Some(_)) => out.push(
            Class::Compatible,
            "paginator-added",
            module,
            item,
            "paging (`pages()`, `items()`) added".to_owned(),
        ),
        (Some(a), Some(b)) if a.item_ty != b.item_ty || a.body != b.body => out.push(
            Class::Breaking,
            "paginator-changed",
            module,
            item,
            "the paged items' type changed".to_owned(),
        ),
        _ => {}
    }
}

/// The credentials an operation accepts: an alternative removed, or credentials required
/// where none were, is breaking (calls that worked are refused); an alternative added, or
/// none required any more, is compatible. A scheme keeps its identity by name and kind.
fn diff_security(
    out: &mut Changes,
    module: &str,
    (old, old_api): (&Operation, &Api),
    (new, new_api): (&Operation, &Api),
) {
    let item = old.operation_id.as_str();
    let alternatives = |op: &Operation, api: &Api| -> BTreeMap<String, String> {
        op.security
            .iter()
            .map(|requirement| {
                let mut key: Vec<String> = requirement
                    .schemes
                    .iter()
                    .map(|used| {
                        let kind = api
                            .security_schemes
                            .iter()
                            .find(|s| s.name == used.scheme)
                            .map(|s| s.kind.describe())
                            .unwrap_or_default();
                        format!("{}={kind}", used.scheme)
                    })
                    .collect();
                key.sort();
                (key.join("&"), requirement.describe(&api.security_schemes))
            })
            .collect()
    };
    let (before, after) = (alternatives(old, old_api), alternatives(new, new_api));
    if before.is_empty() || after.is_empty() {
        if before.is_empty() && !after.is_empty() && !after.contains_key("") {
            let accepted: Vec<&String> = after.values().collect();
            out.push(
                Class::Breaking,
                "credentials-required",
                module,
                item,
                format!("credentials now required: {}", join_or(&accepted)),
            );
        } else if !before.is_empty() && after.is_empty() {
            out.push(
                Class::Compatible,
                "credentials-dropped",
                module,
                item,
                "credentials no longer required".to_owned(),
            );
        }
        return;
    }
    for (key, text) in &before {
        if !after.contains_key(key) {
            out.push(
                Class::Breaking,
                "credentials-removed",
                module,
                item,
                format!("no longer accepts {text}"),
            );
        }
    }
    for (key, text) in &after {
        if !before.contains_key(key) {
            out.push(
                Class::Compatible,
                "credentials-added",
                module,
                item,
                format!("also accepts {text}"),
            );
        }
    }
}

fn join_or(texts: &[&String]) -> String {
    texts
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(", or ")
}

fn diff_params(out: &mut Changes, module: &str, item: &str, old: &[Param], new: &[Param]) {
    let key = |p: &Param| (p.wire_name.to_ascii_lowercase(), p.location as u8);
    let where_ = |p: &Param| format!("{:?}", p.location).to_ascii_lowercase();
    for p in old {
        let Some(n) = new.iter().find(|n| key(n) == key(p)) else {
            let role = if p.is_argument() {
                "argument"
            } else {
                "setter"
            };
            out.push(
                Class::Breaking,
                "parameter-removed",
                module,
                item,
                format!(
                    "{} parameter `{}` removed (the {role} `{}` disappears)",
                    where_(p),
                    p.wire_name,
                    p.name
                ),
            );
            continue;
        };
        if p.ty != n.ty {
            out.push(
                Class::Breaking,
                "parameter-type-changed",
                module,
                item,
                format!(
                    "{} parameter `{}`: type {} -> {}",
                    where_(p),
                    p.wire_name,
                    type_text(&p.ty),
                    type_text(&n.ty)
                ),
            );
        }
        match (p.is_argument(), n.is_argument()) {
            (false, true) => out.push(
                Class::Breaking,
                "parameter-now-required",
                module,
                item,
                format!(
                    "{} parameter `{}` is now required (a new argument of `{}`)",
                    where_(p),
                    p.wire_name,
                    item
                ),
            ),
            (true, false) => out.push(
                Class::Breaking,
                "parameter-now-optional",
                module,
                item,
                format!(
                    "{} parameter `{}` is now optional (an argument becomes a setter)",
                    where_(p),
                    p.wire_name
                ),
            ),
            _ => {}
        }
        if p.constraints != n.constraints {
            let (class, how) = if tighter(&p.constraints, &n.constraints) {
                (
                    Class::Breaking,
                    "tightened: values accepted before may now be refused before sending",
                )
            } else {
                (Class::Compatible, "loosened")
            };
            out.push(
                class,
                "parameter-constraints-changed",
                module,
                item,
                format!(
                    "{} parameter `{}`: constraints {how}",
                    where_(p),
                    p.wire_name
                ),
            );
        }
    }
    for n in new {
        if !old.iter().any(|p| key(p) == key(n)) {
            if n.is_argument() {
                out.push(
                    Class::Breaking,
                    "parameter-added",
                    module,
                    item,
                    format!(
                        "required {} parameter `{}` added (a new argument)",
                        where_(n),
                        n.wire_name
                    ),
                );
            } else {
                out.push(
                    Class::Compatible,
                    "parameter-added",
                    module,
                    item,
                    format!(
                        "optional {} parameter `{}` added (a new setter)",
                        where_(n),
                        n.wire_name
                    ),
                );
            }
        }
    }
}

/// Whether `new` refuses some value `old` accepted.
fn tighter(old: &Constraints, new: &Constraints) -> bool {
    let raised = |o: Option<f64>, n: Option<f64>| match (o, n) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(o), Some(n)) => n > o,
    };
    let lowered = |o: Option<f64>, n: Option<f64>| match (o, n) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(o), Some(n)) => n < o,
    };
    let len = |v: Option<usize>| v.map(|v| v as f64);
    raised(old.minimum, new.minimum)
        || lowered(old.maximum, new.maximum)
        || (new.exclusive_minimum && !old.exclusive_minimum)
        || (new.exclusive_maximum && !old.exclusive_maximum)
        || raised(len(old.min_length), len(new.min_length))
        || lowered(len(old.max_length), len(new.max_length))
        || raised(len(old.min_items), len(new.min_items))
        || lowered(len(old.max_items), len(new.max_items))
        || (new.pattern.is_some() && new.pattern != old.pattern)
}

fn diff_body(out: &mut Changes, module: &str, item: &str, old: &Operation, new: &Operation) {
    match (&old.body, &new.body) {
        (None, Some(b)) if b.is_argument() => out.push(
            Class::Breaking,
            "body-added",
            module,
            item,
            "a required request body added (a new argument)".to_owned(),
        ),
        (None, Some(_)) => out.push(
            Class::Compatible,
            "body-added",
            module,
            item,
            "an optional request body added (a new setter)".to_owned(),
        ),
        (Some(_), None) => out.push(
            Class::Breaking,
            "body-removed",
            module,
            item,
            "the request body removed".to_owned(),
        ),
        (Some(a), Some(b)) => {
            if a.kind != b.kind {
                out.push(
                    Class::Breaking,
                    "body-type-changed",
                    module,
                    item,
                    format!(
                        "request body: {} -> {}",
                        body_kind_text(&a.kind),
                        body_kind_text(&b.kind)
                    ),
                );
            }
            if a.is_argument() != b.is_argument() {
                out.push(
                    Class::Breaking,
                    "body-requirement-changed",
                    module,
                    item,
                    format!(
                        "the request body is now {}",
                        if b.required { "required" } else { "optional" }
                    ),
                );
            }
        }
        (None, None) => {}
    }
}

fn diff_responses(out: &mut Changes, module: &str, item: &str, old: &Operation, new: &Operation) {
    for r in &old.responses {
        let label = r.status.spec_key();
        match new.responses.iter().find(|n| n.status == r.status) {
            None => out.push(
                Class::Breaking,
                "status-removed",
                module,
                item,
                format!("response {label} removed (variant `{}`)", r.variant),
            ),
            Some(n) if n.body != r.body => out.push(
                Class::Breaking,
                "status-body-changed",
                module,
                item,
                format!(
                    "response {label}: body {} -> {}",
                    body_text(&r.body),
                    body_text(&n.body)
                ),
            ),
            Some(_) => {}
        }
    }
    for n in &new.responses {
        if old.responses.iter().any(|r| r.status == n.status) {
            continue;
        }
        let label = n.status.spec_key();
        if n.status.is_success() {
            // The success type is the body of the only 2xx, or an enum of them: it changes.
            out.push(
                Class::Breaking,
                "status-added",
                module,
                item,
                format!("success response {label} added (the type `send` returns changes)"),
            );
        } else {
            // The operation's error enum is `#[non_exhaustive]`.
            out.push(
                Class::Compatible,
                "status-added",
                module,
                item,
                format!("error response {label} added"),
            );
        }
    }
}

fn diff_type(out: &mut Changes, module: &str, item: &str, old: &TypeDef, new: &TypeDef) {
    match (&old.kind, &new.kind) {
        (TypeKind::Struct { fields: a, .. }, TypeKind::Struct { fields: b, .. }) => {
            diff_fields(out, module, item, a, b)
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            for v in &a.values {
                if !b.values.iter().any(|n| n.wire == v.wire) {
                    out.push(
                        Class::Breaking,
                        "enum-value-removed",
                        module,
                        item,
                        format!("value `{}` removed (variant `{}`)", v.wire, v.name),
                    );
                }
            }
            for v in &b.values {
                if !a.values.iter().any(|o| o.wire == v.wire) {
                    // Enums are `#[non_exhaustive]` with `Unknown`: old code keeps compiling.
                    out.push(
                        Class::Compatible,
                        "enum-value-added",
                        module,
                        item,
                        format!("value `{}` added", v.wire),
                    );
                }
            }
            if a.case_insensitive != b.case_insensitive {
                out.push(
                    Class::Compatible,
                    "enum-case-changed",
                    module,
                    item,
                    format!(
                        "values now compared {}",
                        if b.case_insensitive {
                            "ignoring case"
                        } else {
                            "exactly"
                        }
                    ),
                );
            }
        }
        (TypeKind::OneOf { variants: a, .. }, TypeKind::OneOf { variants: b, .. }) => {
            let names = |v: &[crate::model::Variant]| {
                v.iter()
                    .map(|v| (v.name.clone(), v.ty.clone()))
                    .collect::<Vec<_>>()
            };
            if names(a) != names(b) {
                out.push(
                    Class::Breaking,
                    "variants-changed",
                    module,
                    item,
                    "the alternatives (`oneOf`) changed".to_owned(),
                );
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) if a != b => {
            out.push(
                Class::Breaking,
                "type-changed",
                module,
                item,
                format!("now {} (was {})", type_text(b), type_text(a)),
            );
        }
        (TypeKind::Alias(_), TypeKind::Alias(_)) => {}
        (a, b) => out.push(
            Class::Breaking,
            "type-kind-changed",
            module,
            item,
            format!("now {} (was {})", kind_text(b), kind_text(a)),
        ),
    }
}

fn diff_fields(out: &mut Changes, module: &str, item: &str, old: &[Field], new: &[Field]) {
    for f in old {
        let Some(n) = new.iter().find(|n| n.wire_name == f.wire_name) else {
            out.push(
                Class::Breaking,
                "field-removed",
                module,
                item,
                format!("field `{}` removed", f.wire_name),
            );
            continue;
        };
        if f.ty != n.ty {
            out.push(
                Class::Breaking,
                "field-type-changed",
                module,
                item,
                format!(
                    "field `{}`: type {} -> {}",
                    f.wire_name,
                    type_text(&f.ty),
                    type_text(&n.ty)
                ),
            );
        }
        if f.is_optional() != n.is_optional() {
            let now = if n.is_optional() {
                "optional (an `Option`)"
            } else {
                "required (no longer an `Option`)"
            };
            out.push(
                Class::Breaking,
                "field-requirement-changed",
                module,
                item,
                format!("field `{}` is now {now}", f.wire_name),
            );
        }
    }
    for n in new {
        if !old.iter().any(|f| f.wire_name == n.wire_name) {
            if n.is_optional() {
                out.push(
                    Class::Compatible,
                    "field-added",
                    module,
                    item,
                    format!("optional field `{}` added", n.wire_name),
                );
            } else {
                out.push(Class::Breaking, "field-added", module, item, format!("required field `{}` added (a new argument of `new`; responses without it fail to decode)", n.wire_name));
            }
        }
    }
    // `new` takes the required members in the spec's order: the same members in another
    // order still compile when their types agree, and then swap values silently.
    let required_order = |fields: &[Field], other: &[Field]| -> Vec<String> {
        fields
            .iter()
            .filter(|f| !f.is_optional())
            .filter(|f| {
                other
                    .iter()
                    .any(|o| o.wire_name == f.wire_name && !o.is_optional())
            })
            .map(|f| f.wire_name.clone())
            .collect()
    };
    let (before, after) = (required_order(old, new), required_order(new, old));
    if before != after {
        out.push(
            Class::Breaking,
            "constructor-arguments-reordered",
            module,
            item,
            format!(
                "the arguments of `new` are now in the order {} (were {})",
                after.join(", "),
                before.join(", ")
            ),
        );
    }
}

fn type_text(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::I32 => "i32".into(),
        Type::I64 => "i64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::String => "String".into(),
        Type::Any => "any JSON".into(),
        Type::Array(t) => format!("Vec<{}>", type_text(t)),
        Type::Map(t) => format!("map of {}", type_text(t)),
        Type::Option(t) => format!("Option<{}>", type_text(t)),
        Type::Named(n) => n.clone(),
    }
}

fn body_text(body: &Body) -> String {
    match body {
        Body::Empty => "none".into(),
        Body::Json(t) => type_text(t),
        Body::Text => "text".into(),
        Body::Binary => "bytes".into(),
        Body::Stream { framing, item } => {
            format!("stream of {} ({})", type_text(item), framing.describe())
        }
    }
}

fn body_kind_text(kind: &RequestBodyKind) -> String {
    match kind {
        RequestBodyKind::Json(t) => format!("JSON {}", type_text(t)),
        RequestBodyKind::Form(t) => format!("form {}", type_text(t)),
        RequestBodyKind::Multipart { .. } => "multipart".into(),
        RequestBodyKind::Text => "text".into(),
        RequestBodyKind::Binary => "bytes".into(),
    }
}

/// The service's declared conventions (`x-clientgen-conventions`). They describe the server
/// (where it names the request id, how it writes errors, what it expects without a body), so
/// following a change is what keeps the client right: compatible, but worth a reviewer's eye,
/// since what is read from errors or written on the wire changes with no change of code.
fn diff_conventions(out: &mut Changes, module: &str, old: &Conventions, new: &Conventions) {
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let content_type =
        |c: &Option<String>| c.as_ref().map_or("none".to_owned(), |c| format!("`{c}`"));
    let style = |s: JsonStyle| match s {
        JsonStyle::Compact => "compact",
        JsonStyle::Python => "python",
    };
    let fields = [
        (
            "request id headers",
            list(&old.request_id_headers),
            list(&new.request_id_headers),
        ),
        (
            "error code members",
            list(&old.error_code),
            list(&new.error_code),
        ),
        (
            "error message members",
            list(&old.error_message),
            list(&new.error_message),
        ),
        (
            "Content-Type without a body",
            content_type(&old.bodiless_content_type),
            content_type(&new.bodiless_content_type),
        ),
        (
            "JSON style",
            style(old.json_style).to_owned(),
            style(new.json_style).to_owned(),
        ),
    ];
    for (what, before, after) in fields {
        if before != after {
            out.push(
                Class::Compatible,
                "conventions-changed",
                module,
                "(conventions)",
                format!("{what}: {before} -> {after}"),
            );
        }
    }
}

fn kind_text(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::Enum(_) => "a string enum",
        TypeKind::OneOf { .. } => "a oneOf",
        TypeKind::Alias(_) => "an alias",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(security: &str) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: S, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: A\n{security}      responses: {{'204': {{description: ok}}}}\ncomponents:\n  securitySchemes:\n    key: {{type: apiKey, in: header, name: X-Key}}\n    bearer: {{type: http, scheme: bearer}}\n"
        );
        let spec =
            crate::load::load_spec_with(std::path::Path::new("s.yaml"), &mut |_| Ok(text.clone()))
                .unwrap_or_else(|e| panic!("{e}"));
        crate::model::lower(&spec, "s").unwrap_or_else(|e| panic!("{e}"))
    }

    fn changes(old: &str, new: &str) -> Vec<String> {
        diff(&[api(old)], &[api(new)])
            .changes
            .iter()
            .map(|c| format!("{:?} {}: {}", c.class, c.kind, c.detail))
            .collect()
    }

    /// Every kind pushed in this file is listed in `KINDS`, and every listed kind is pushed.
    #[test]
    fn kinds_are_listed() {
        let source = include_str!("diff.rs");
        let code = &source[..source.find("#[cfg(test)]").expect("tests at the end")];
        let listed: std::collections::BTreeSet<&str> = KINDS.iter().map(|k| k.0).collect();
        // The code after the two lists: every `"word-word"` literal there is a kind pushed.
        let lists = code.find("pub const BEHAVIOURAL_KINDS").expect("the lists");
        let code = &code[lists + code[lists..].find("];").expect("the list's end")..];
        let literal = regress::Regex::new(r#""([a-z]+(?:-[a-z]+)+)""#).expect("a regex");
        let pushed: std::collections::BTreeSet<&str> = literal
            .find_iter(code)
            .filter_map(|m| m.group(1).map(|range| &code[range]))
            .collect();
        let behavioural: std::collections::BTreeSet<&str> =
            BEHAVIOURAL_KINDS.iter().copied().collect();
        assert!(behavioural.is_subset(&listed));
        assert_eq!(pushed, listed, "KINDS and the kinds pushed differ");
    }

    #[test]
    fn declared_conventions() {
        let api_with = |conventions: &str| {
            let text = format!(
                "openapi: 3.0.3\ninfo: {{title: S, version: '1'}}\n{conventions}paths: {{}}\n"
            );
            let spec = crate::load::load_spec_with(std::path::Path::new("s.yaml"), &mut |_| {
                Ok(text.clone())
            })
            .unwrap_or_else(|e| panic!("{e}"));
            crate::model::lower(&spec, "s").unwrap_or_else(|e| panic!("{e}"))
        };
        let old = api_with("");
        let new = api_with(
            "x-clientgen-conventions: {request-id-headers: [X-Trace], bodiless-content-type: application/json}\n",
        );
        let report = diff(std::slice::from_ref(&old), &[new]);
        let details: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("{:?} {}: {}", c.class, c.kind, c.detail))
            .collect();
        assert_eq!(
            details,
            [
                "Compatible conventions-changed: Content-Type without a body: none -> `application/json`",
                "Compatible conventions-changed: request id headers: `x-request-id`, `request-id`, `x-amzn-requestid`, `x-amz-request-id`, `x-ms-request-id` -> `X-Trace`",
            ]
        );
        assert!(diff(std::slice::from_ref(&old), std::slice::from_ref(&old))
            .changes
            .is_empty());
    }

    #[test]
    fn required_members_in_another_order() {
        let api_with = |properties: &str| {
            let text = format!(
                "openapi: 3.0.3\ninfo: {{title: S, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    P:\n      type: object\n      required: [a, b]\n      properties: {properties}\n"
            );
            let spec = crate::load::load_spec_with(std::path::Path::new("s.yaml"), &mut |_| {
                Ok(text.clone())
            })
            .unwrap_or_else(|e| panic!("{e}"));
            crate::model::lower(&spec, "s").unwrap_or_else(|e| panic!("{e}"))
        };
        let ab = api_with("{a: {type: string}, b: {type: string}}");
        let ba = api_with("{b: {type: string}, a: {type: string}}");
        let kinds: Vec<&str> = diff(std::slice::from_ref(&ab), std::slice::from_ref(&ba))
            .changes
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(kinds, ["constructor-arguments-reordered"]);
    }

    #[test]
    fn credentials_an_operation_accepts() {
        let key = "      security: [{key: []}]\n";
        let key_or_bearer = "      security: [{key: []}, {bearer: []}]\n";
        let key_or_none = "      security: [{key: []}, {}]\n";
        assert!(changes(key, key).is_empty());
        assert_eq!(
            changes(key, key_or_bearer),
            ["Compatible credentials-added: also accepts `bearer` (a bearer token)"]
        );
        assert_eq!(
            changes(key_or_bearer, key),
            ["Breaking credentials-removed: no longer accepts `bearer` (a bearer token)"]
        );
        assert_eq!(
            changes("", key),
            ["Breaking credentials-required: credentials now required: `key` (an API key in the header `X-Key`)"]
        );
        assert!(
            changes("", key_or_none).is_empty(),
            "anonymous still allowed"
        );
        assert_eq!(
            changes(key, ""),
            ["Compatible credentials-dropped: credentials no longer required"]
        );
    }
}
