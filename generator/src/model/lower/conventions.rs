//! The service's conventions, declared at the document's root by `x-clientgen-conventions`:
//! where responses name the request id, where error bodies keep their code and message, the
//! `Content-Type` of a bodiless request, how JSON bodies are written. Decided here once; the
//! module carries them as its `CONVENTIONS` constant, which every request passes to the
//! runtime.
//!
//! A spec that declares nothing gets [`Conventions::default`]. A declared key replaces its
//! default (an empty list: none); a key left out keeps it. A value of the wrong shape is a
//! located warning, and that key keeps its default.

use super::Context;
use crate::model::{Conventions, JsonStyle};
use serde_json::Value;

/// The extension, at the document's root.
pub const CONVENTIONS: &str = "x-clientgen-conventions";

const KEYS: &[&str] = &[
    "request-id-headers",
    "error-code",
    "error-message",
    "bodiless-content-type",
    "json-style",
];

pub(super) fn lower_conventions(cx: &mut Context) -> Conventions {
    let mut conventions = Conventions::default();
    let Some(declared) = cx.doc.extensions.get(CONVENTIONS) else {
        return conventions;
    };
    let at = format!("/{CONVENTIONS}");
    let Some(object) = declared.as_object() else {
        cx.warn(
            at,
            format!("`{CONVENTIONS}` is not an object; the default conventions are used"),
            format!("write an object with some of: {}", KEYS.join(", ")),
        );
        return conventions;
    };
    for (key, value) in object {
        let here = format!("{at}/{}", crate::diagnostics::pointer_token(key));
        match key.as_str() {
            "request-id-headers" => {
                if let Some(names) = texts(cx, value, &here, header_name, "header names") {
                    conventions.request_id_headers = names;
                }
            }
            "error-code" => {
                if let Some(paths) = texts(cx, value, &here, member_path, "member paths") {
                    conventions.error_code = paths;
                }
            }
            "error-message" => {
                if let Some(paths) = texts(cx, value, &here, member_path, "member paths") {
                    conventions.error_message = paths;
                }
            }
            "bodiless-content-type" => match value {
                Value::Null => conventions.bodiless_content_type = None,
                Value::String(media) if header_value(media) => {
                    conventions.bodiless_content_type = Some(media.trim().to_owned())
                }
                _ => cx.warn(
                    here,
                    "`bodiless-content-type` is not a media type that can be sent in a header; \
                     requests without a body carry no `Content-Type`",
                    "write a media type such as `application/json`, or null for none",
                ),
            },
            "json-style" => match value.as_str() {
                Some("compact") => conventions.json_style = JsonStyle::Compact,
                Some("python") => conventions.json_style = JsonStyle::Python,
                _ => cx.warn(
                    here,
                    "`json-style` names no JSON style the client has; JSON is written compact",
                    "write `compact` (serde_json) or `python` (Python's `json.dumps` defaults)",
                ),
            },
            _ => cx.warn(
                here,
                format!("`{CONVENTIONS}` has no key `{key}`; it is ignored"),
                format!("the keys are: {}", KEYS.join(", ")),
            ),
        }
    }
    conventions
}

/// A list of texts (or one text) each `valid`; anything else is a warning and `None` (the
/// key keeps its default).
fn texts(
    cx: &mut Context,
    value: &Value,
    at: &str,
    valid: fn(&str) -> bool,
    what: &str,
) -> Option<Vec<String>> {
    let items: Vec<&Value> = match value {
        Value::String(_) => vec![value],
        Value::Array(items) => items.iter().collect(),
        _ => {
            cx.warn(
                at,
                format!("expected a list of {what}; the default is used"),
                format!("write a list of {what}, e.g. `[{}]`", example(what)),
            );
            return None;
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_str().filter(|text| valid(text)) {
            Some(text) => out.push(text.to_owned()),
            None => {
                let at = match value {
                    Value::Array(_) => format!("{at}/{i}"),
                    _ => at.to_owned(),
                };
                cx.warn(
                    at,
                    format!("not one of the {what} expected here; the default is used"),
                    format!("write {what} such as `{}`", example(what)),
                );
                return None;
            }
        }
    }
    Some(out)
}

fn example(what: &str) -> &'static str {
    if what == "header names" {
        "X-Request-Id"
    } else {
        "error.code"
    }
}

/// An HTTP header name (an RFC 9110 token).
fn header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Member names joined by `.`, none empty.
fn member_path(path: &str) -> bool {
    !path.is_empty() && path.split('.').all(|name| !name.is_empty())
}

/// Visible ASCII and spaces, not blank.
fn header_value(value: &str) -> bool {
    !value.trim().is_empty() && value.bytes().all(|b| (b' '..=b'~').contains(&b))
}
