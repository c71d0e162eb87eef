//! Parameters that are not plain text (objects, arrays of objects, free-form values, and any
//! value in the deepObject, label, matrix or JSON styles), written as the parameter's OpenAPI
//! `style` says. The value is serialized with serde first, so one writer serves every type.
//!
//! What OpenAPI leaves undefined is written the common way, as the README documents: nested
//! objects and arrays below the top level are sent as their JSON text, except in deepObject,
//! where keys nest in brackets (`filter[created][gte]=1`) and array items take their index
//! (`ids[0]=a`), as Rails, qs and Stripe read them. `null` members are left out. An object's
//! members are written in the order of their names, whether or not serde_json keeps the
//! order of insertion (its `preserve_order` feature, which any crate in a build can turn on).

use super::error::ConstructionError;
use super::signing::{QueryValue, ENCODE};
use percent_encoding::utf8_percent_encode;
use serde_json::Value;

/// OpenAPI's `style` of a parameter, plus `Json` for a parameter described by
/// `content: application/json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
    Label,
    Matrix,
    Json,
}

impl Style {
    fn separator(self) -> &'static str {
        match self {
            Style::SpaceDelimited => " ",
            Style::PipeDelimited => "|",
            _ => ",",
        }
    }
}

/// A serialized value in the three shapes the styles define.
enum Flat {
    Absent,
    One(String),
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

/// Serializes a parameter's value, naming the argument when that fails (a map with non-text
/// keys, a float that is not finite).
#[doc(hidden)]
pub fn to_value<T: serde::Serialize + ?Sized>(
    argument: &'static str,
    value: &T,
) -> Result<Value, ConstructionError> {
    serde_json::to_value(value).map_err(|e| {
        ConstructionError::new(argument, format!("cannot be written as a parameter: {e}"))
    })
}

/// A scalar as its text; an object or array below the top level as its JSON text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An object's members by name.
fn sorted(members: &serde_json::Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    let mut members: Vec<_> = members.iter().collect();
    members.sort_by(|a, b| a.0.cmp(b.0));
    members.into_iter()
}

fn flatten(value: &Value) -> Flat {
    match value {
        Value::Null => Flat::Absent,
        Value::Array(items) => {
            Flat::List(items.iter().filter(|v| !v.is_null()).map(text).collect())
        }
        Value::Object(members) => Flat::Pairs(
            sorted(members)
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), text(v)))
                .collect(),
        ),
        scalar => Flat::One(text(scalar)),
    }
}

/// A parameter's value serialized, as the `name=value` pairs of [`query_pairs`].
#[doc(hidden)]
pub fn pairs<T: serde::Serialize + ?Sized>(
    argument: &'static str,
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<Vec<(String, String)>, ConstructionError> {
    Ok(query_pairs(
        name,
        &to_value(argument, value)?,
        style,
        explode,
    ))
}

/// The `name=value` pairs a query (or cookies) carries for one parameter, not yet encoded.
#[doc(hidden)]
pub fn query_pairs(
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
) -> Vec<(String, String)> {
    query_values(name, value, style, explode)
        .into_iter()
        .map(|(key, value)| (key, value.text().into_owned()))
        .collect()
}

/// The pairs of [`query_pairs`], each scalar keeping its type (so that repeated values of one
/// key are ordered as the vendor's SDK orders them, integers numerically); a joined or nested
/// value is text.
#[doc(hidden)]
pub fn query_values(
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
) -> Vec<(String, QueryValue)> {
    let mut pairs = Vec::new();
    match style {
        Style::Json => {
            if !value.is_null() {
                pairs.push((name.to_owned(), QueryValue::Text(value.to_string())));
            }
        }
        Style::DeepObject => deep(name.to_owned(), value, &mut pairs),
        _ => match value {
            Value::Null => {}
            Value::Array(items) if explode => pairs.extend(
                items
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|item| (name.to_owned(), QueryValue::from_json(item))),
            ),
            Value::Object(members) if explode => pairs.extend(
                sorted(members)
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), QueryValue::from_json(v))),
            ),
            Value::Array(_) | Value::Object(_) => match flatten(value) {
                Flat::List(items) => {
                    pairs.push((
                        name.to_owned(),
                        QueryValue::Text(items.join(style.separator())),
                    ));
                }
                Flat::Pairs(members) => {
                    let joined: Vec<String> =
                        members.into_iter().flat_map(|(k, v)| [k, v]).collect();
                    pairs.push((
                        name.to_owned(),
                        QueryValue::Text(joined.join(style.separator())),
                    ));
                }
                Flat::Absent | Flat::One(_) => {}
            },
            scalar => pairs.push((name.to_owned(), QueryValue::from_json(scalar))),
        },
    }
    pairs
}

/// deepObject: every scalar under its bracketed key path. Depth is the value's own, which
/// serde built from a Rust value (no input controls it).
fn deep(key: String, value: &Value, pairs: &mut Vec<(String, QueryValue)>) {
    match value {
        Value::Null => {}
        Value::Object(members) => {
            for (k, v) in sorted(members) {
                deep(format!("{key}[{k}]"), v, pairs);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                deep(format!("{key}[{i}]"), v, pairs);
            }
        }
        scalar => pairs.push((key, QueryValue::from_json(scalar))),
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODE).to_string()
}

/// A path parameter's text, already percent-encoded: the values are encoded, the style's
/// delimiters (`,` `=` `.` `;`) are not (RFC 6570 simple, label and matrix expansion).
#[doc(hidden)]
pub fn path_text(name: &str, value: &Value, style: Style, explode: bool) -> String {
    if style == Style::Json {
        return encode(&value.to_string());
    }
    let (prefix, separator) = match style {
        Style::Label => (".".to_owned(), if explode { "." } else { "," }),
        Style::Matrix => (
            format!(";{}", encode(name)),
            if explode { ";" } else { "," },
        ),
        _ => (String::new(), ","),
    };
    let named = |text: &str| {
        if text.is_empty() {
            format!(";{}", encode(name))
        } else {
            format!(";{}={}", encode(name), encode(text))
        }
    };
    match (style, flatten(value)) {
        (_, Flat::Absent) => prefix,
        (Style::Matrix, Flat::One(text)) => named(&text),
        (Style::Matrix, Flat::List(items)) if explode => items.iter().map(|i| named(i)).collect(),
        (Style::Matrix, Flat::Pairs(members)) if explode => members
            .iter()
            .map(|(k, v)| format!(";{}={}", encode(k), encode(v)))
            .collect(),
        (Style::Matrix, flat) => format!("{prefix}={}", joined(flat, ",", explode)),
        (_, flat) => format!("{prefix}{}", joined(flat, separator, explode)),
    }
}

/// Encoded values joined: objects as `k=v` pairs when exploded, `k,v` otherwise.
fn joined(flat: Flat, separator: &str, explode: bool) -> String {
    match flat {
        Flat::Absent => String::new(),
        Flat::One(text) => encode(&text),
        Flat::List(items) => items
            .iter()
            .map(|i| encode(i))
            .collect::<Vec<_>>()
            .join(separator),
        Flat::Pairs(members) if explode => members
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join(separator),
        Flat::Pairs(members) => members
            .iter()
            .flat_map(|(k, v)| [encode(k), encode(v)])
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// A header's text (simple style, not encoded: the transport refuses what a header cannot
/// carry).
#[doc(hidden)]
pub fn header_text(value: &Value, style: Style, explode: bool) -> String {
    if style == Style::Json {
        return value.to_string();
    }
    match flatten(value) {
        Flat::Absent => String::new(),
        Flat::One(text) => text,
        Flat::List(items) => items.join(","),
        Flat::Pairs(members) if explode => members
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Flat::Pairs(members) => members
            .into_iter()
            .flat_map(|(k, v)| [k, v])
            .collect::<Vec<_>>()
            .join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(value: Value, style: Style, explode: bool) -> Vec<(String, String)> {
        query_pairs("color", &value, style, explode)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // The examples of the OpenAPI specification's style table (3.0.3, "Style Examples").
    #[test]
    fn query_styles_follow_the_openapi_table() {
        let object = json!({"R": 100, "G": 200, "B": 150});
        let array = json!(["blue", "black", "brown"]);
        assert_eq!(
            query(json!("blue"), Style::Form, true),
            pairs(&[("color", "blue")])
        );
        assert_eq!(
            query(array.clone(), Style::Form, false),
            pairs(&[("color", "blue,black,brown")])
        );
        assert_eq!(
            query(array.clone(), Style::Form, true),
            pairs(&[("color", "blue"), ("color", "black"), ("color", "brown")])
        );
        assert_eq!(
            query(object.clone(), Style::Form, false),
            pairs(&[("color", "B,150,G,200,R,100")])
        );
        assert_eq!(
            query(object.clone(), Style::Form, true),
            pairs(&[("B", "150"), ("G", "200"), ("R", "100")])
        );
        assert_eq!(
            query(array.clone(), Style::SpaceDelimited, false),
            pairs(&[("color", "blue black brown")])
        );
        assert_eq!(
            query(array, Style::PipeDelimited, false),
            pairs(&[("color", "blue|black|brown")])
        );
        assert_eq!(
            query(object, Style::DeepObject, true),
            pairs(&[
                ("color[B]", "150"),
                ("color[G]", "200"),
                ("color[R]", "100")
            ])
        );
    }

    #[test]
    fn deep_objects_nest_in_brackets_and_number_array_items() {
        let value = json!({"created": {"gte": 1}, "ids": ["a", "b"], "skip": null});
        assert_eq!(
            query_pairs("filter", &value, Style::DeepObject, true),
            pairs(&[
                ("filter[created][gte]", "1"),
                ("filter[ids][0]", "a"),
                ("filter[ids][1]", "b")
            ])
        );
    }

    #[test]
    fn nested_values_in_form_are_json_text_and_nulls_are_left_out() {
        let value = json!([{"Key": "a", "Value": "b"}]);
        assert_eq!(
            query_pairs("Tags", &value, Style::Form, true),
            pairs(&[("Tags", r#"{"Key":"a","Value":"b"}"#)])
        );
        assert!(query_pairs("x", &Value::Null, Style::Form, true).is_empty());
        assert_eq!(
            query_pairs("q", &json!({"a": 1}), Style::Json, false),
            pairs(&[("q", r#"{"a":1}"#)])
        );
    }

    #[test]
    fn path_styles_follow_rfc_6570() {
        let object = json!({"R": 100, "G": 200});
        let array = json!(["blue", "black"]);
        let path = |v: &Value, s, e| path_text("color", v, s, e);
        assert_eq!(path(&json!("blue"), Style::Simple, false), "blue");
        assert_eq!(path(&array, Style::Simple, false), "blue,black");
        assert_eq!(path(&object, Style::Simple, false), "G,200,R,100");
        assert_eq!(path(&object, Style::Simple, true), "G=200,R=100");
        assert_eq!(path(&json!("blue"), Style::Label, false), ".blue");
        assert_eq!(path(&array, Style::Label, false), ".blue,black");
        assert_eq!(path(&array, Style::Label, true), ".blue.black");
        assert_eq!(path(&object, Style::Label, true), ".G=200.R=100");
        assert_eq!(path(&json!("blue"), Style::Matrix, false), ";color=blue");
        assert_eq!(path(&array, Style::Matrix, false), ";color=blue,black");
        assert_eq!(path(&array, Style::Matrix, true), ";color=blue;color=black");
        assert_eq!(path(&object, Style::Matrix, false), ";color=G,200,R,100");
        assert_eq!(path(&object, Style::Matrix, true), ";G=200;R=100");
    }

    #[test]
    fn path_values_are_encoded_but_delimiters_are_not() {
        let value = json!(["a,b", "c/d", "../"]);
        assert_eq!(
            path_text("x", &value, Style::Simple, false),
            "a%2Cb,c%2Fd,..%2F"
        );
        assert_eq!(
            path_text("x", &json!({"k": 1}), Style::Json, false),
            "%7B%22k%22%3A1%7D"
        );
    }

    #[test]
    fn header_objects_are_simple_style() {
        assert_eq!(
            header_text(&json!({"a": 1, "b": "x"}), Style::Simple, true),
            "a=1,b=x"
        );
        assert_eq!(header_text(&json!({"a": 1}), Style::Simple, false), "a,1");
        assert_eq!(header_text(&json!([1, 2]), Style::Simple, false), "1,2");
    }
}
