//! YAML text to a JSON value, in one pass over the events of one parser (`saphyr-parser`,
//! YAML 1.2, whose events carry their spans), so every error has a line and column of its own.
//!
//! Scalars are read as `serde_yaml` 0.9 read them before (the YAML 1.2 core schema: `yes`,
//! `on`, `0777` and dates are strings; `1e3` a number; `<<` an ordinary key), and every limit
//! is checked as the events arrive: nesting at most [`MAX_DEPTH`] levels, aliases copying at
//! most [`MAX_ALIAS_NODES`] nodes in all, one document, no repeated key. Nothing recurses, so
//! no input can exhaust the stack.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, StrInput, Tag};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// The deepest nesting of sequences and mappings read (`serde_yaml` and `serde_json` stop at
/// the same depth; the parser itself refuses flow nesting deeper than 255 levels).
pub const MAX_DEPTH: usize = 128;

/// The most nodes that aliases may copy in one document: a few thousand in real specs, while
/// the "billion laughs" (aliases of aliases, each doubling) would copy billions.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// Why the text is not a document, and where (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl YamlError {
    fn at(mark: Marker, message: impl Into<String>) -> YamlError {
        YamlError {
            message: message.into(),
            line: mark.line(),
            column: mark.col() + 1,
        }
    }

    /// A problem with a value, prefixed with where it is (`components.schemas.A`), as
    /// `serde_yaml` wrote it.
    fn in_value(mark: Marker, path: String, message: impl Into<String>) -> YamlError {
        let message = message.into();
        if path.is_empty() {
            YamlError::at(mark, message)
        } else {
            YamlError::at(mark, format!("{path}: {message}"))
        }
    }
}

/// The message for nesting past [`MAX_DEPTH`] (the words `serde_yaml` and `serde_json` use).
pub fn too_deep_message() -> String {
    format!("recursion limit exceeded: nesting deeper than {MAX_DEPTH} levels")
}

/// A node that an alias may copy.
struct Anchored {
    /// `Err` for a key whose text is no value (`!!int x: 1`), an error only where an alias
    /// uses it as a value.
    value: Result<Value, String>,
    /// A scalar's text as written, for an alias used as a mapping key.
    text: Option<String>,
    nodes: usize,
    /// Levels of collections in the value (0 for a scalar).
    height: usize,
}

enum Open {
    Sequence(Vec<Value>),
    /// `key` is the key whose value comes next.
    Mapping {
        members: Map<String, Value>,
        key: Option<String>,
    },
}

struct Frame {
    open: Open,
    anchor: usize,
    /// Nodes in the collection so far, itself included.
    nodes: usize,
    height: usize,
}

/// Reads `text` (one YAML document; JSON is YAML too) into a JSON value.
pub fn to_value(text: &str) -> Result<Value, YamlError> {
    if let Some(error) = unprintable(text) {
        return Err(error);
    }
    let source = Source::new(text);
    let mut reader = Reader::default();
    if source.shift > 0 && reader.read(&source).is_err() {
        // Errors as the text reads without `--- ` (where `[a]: b` has a key to refuse).
        reader = Reader::default();
        reader.read(&Source::as_written(text))?;
    } else if source.shift == 0 {
        reader.read(&source)?;
    }
    Ok(reader.root.unwrap_or(Value::Null))
}

/// The text as the parser reads it. A document whose first line starts with `{` or `[` (JSON,
/// or YAML in flow style) is read as if `--- ` preceded it on that line: the parser cannot tell
/// whether a collection that starts a line is a key (`{a: 1}: b`) until the collection ends,
/// so it would hold every token of the document until the last; after `--- ` no key starts
/// there, and it reads as it goes (on a 47 MB JSON spec, 95 MB at most instead of 810 MB, and
/// in 60% of the time). Positions on the first line are given back as written; a document that
/// does not read so is read again as written, for its error.
pub struct Source<'t> {
    text: std::borrow::Cow<'t, str>,
    shift: usize,
}

impl<'t> Source<'t> {
    const START: &'static str = "--- ";

    pub fn new(text: &'t str) -> Source<'t> {
        if text.trim_start_matches(' ').starts_with(['{', '[']) {
            Source {
                text: format!("{}{text}", Source::START).into(),
                shift: Source::START.len(),
            }
        } else {
            Source::as_written(text)
        }
    }

    fn as_written(text: &'t str) -> Source<'t> {
        Source {
            text: text.into(),
            shift: 0,
        }
    }

    pub fn parser(&self) -> Parser<'_, StrInput<'_>> {
        Parser::new_from_str(&self.text)
    }

    /// The 1-based column in the text as written of a 1-based column the parser reported.
    pub fn column(&self, line: usize, column: usize) -> usize {
        if line == 1 {
            column.saturating_sub(self.shift).max(1)
        } else {
            column
        }
    }
}

/// The parser's message, with what to do where its words are terse.
fn scan_error(error: saphyr_parser::ScanError) -> YamlError {
    let mark = *error.marker();
    let info = error.info();
    let message = if info == "recursion limit exceeded" {
        too_deep_message()
    } else if info == "invalid indentation in quoted scalar" {
        format!(
            "{info}: the string quoted here goes on to a line indented no more than its key; \
             close the quote, or indent its next lines further"
        )
    } else if info.starts_with("invalid indentation") {
        format!(
            "{info}: a line inside `[ ]` or `{{ }}` must be indented more than the key it \
             belongs to (or a bracket is left open)"
        )
    } else if info == "illegal placement of ':' indicator" {
        format!("{info} (is a `[` or `{{` before it left open?)")
    } else if info == "':' must be followed by a valid YAML whitespace" {
        format!("{info}: the tab after `:` must be a space")
    } else {
        info.to_owned()
    };
    YamlError::at(mark, message)
}

/// The first character YAML does not allow in a file (control characters other than tab and
/// line breaks), as `serde_yaml` refused them; escapes such as `"\0"` remain allowed.
fn unprintable(text: &str) -> Option<YamlError> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}')
            || matches!(c, '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
    };
    let at = text
        .bytes()
        .position(|b| !(b' '..=b'~').contains(&b) && !matches!(b, b'\t' | b'\n' | b'\r'))?;
    let (at, c) = text[at..]
        .char_indices()
        .find(|&(_, c)| !printable(c))
        .map(|(i, c)| (at + i, c))?;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    Some(YamlError {
        message: format!(
            "control characters are not allowed (U+{:04X}); write it as an escape in a \
             double-quoted string",
            c as u32
        ),
        line,
        column,
    })
}

#[derive(Default)]
struct Reader {
    frames: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    root: Option<Value>,
    documents: usize,
    copied: usize,
}

impl Reader {
    fn read(&mut self, source: &Source<'_>) -> Result<(), YamlError> {
        for event in source.parser() {
            let (event, span) = event.map_err(scan_error)?;
            if self.event(event, span)? {
                break;
            }
        }
        Ok(())
    }

    /// Takes one event; `true` at the end of the stream.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, YamlError> {
        let mark = span.start;
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError::at(
                        mark,
                        "the file holds more than one YAML document (a second `---`)",
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if self.wants_key() {
                    // A key is its text, whatever it looks like (`200`, `true`, `~`).
                    let text = text.into_owned();
                    if anchor != 0 {
                        // An alias of it as a value reads it as a value.
                        let value = resolve(&text, style, tag.as_deref());
                        self.remember(anchor, value, Some(text.clone()), 1, 0);
                    }
                    return self.key(text, mark).map(|()| false);
                }
                let value = resolve(&text, style, tag.as_deref())
                    .map_err(|message| YamlError::in_value(mark, self.path(), message))?;
                if anchor != 0 {
                    self.remember(anchor, Ok(value.clone()), Some(text.into_owned()), 1, 0);
                }
                self.add(value, 1, 0);
            }
            Event::Alias(anchor) => {
                let Some(anchored) = self.anchors.get(&anchor) else {
                    // An alias inside the node its anchor names: a cycle.
                    return Err(YamlError::in_value(
                        mark,
                        self.path(),
                        "an alias refers to the node that contains it",
                    ));
                };
                if self.wants_key() {
                    let Some(text) = anchored.text.clone() else {
                        return Err(YamlError::in_value(
                            mark,
                            self.mapping_path(),
                            format!("invalid type: {}, expected a string", kind(&anchored.value)),
                        ));
                    };
                    return self.key(text, mark).map(|()| false);
                }
                if self.frames.len() + anchored.height > MAX_DEPTH {
                    return Err(YamlError::at(mark, too_deep_message()));
                }
                self.copied += anchored.nodes;
                if self.copied > MAX_ALIAS_NODES {
                    return Err(YamlError::at(
                        mark,
                        format!(
                            "repetition limit exceeded: aliases copy more than {MAX_ALIAS_NODES} nodes"
                        ),
                    ));
                }
                let (value, nodes, height) =
                    (anchored.value.clone(), anchored.nodes, anchored.height);
                let value =
                    value.map_err(|message| YamlError::in_value(mark, self.path(), message))?;
                self.add(value, nodes, height);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let mapping = matches!(event, Event::MappingStart(..));
                if self.wants_key() {
                    let what = if mapping { "map" } else { "sequence" };
                    return Err(YamlError::in_value(
                        mark,
                        self.mapping_path(),
                        format!("invalid type: {what}, expected a string"),
                    ));
                }
                if tag.as_deref().is_some_and(is_local) {
                    return Err(YamlError::in_value(mark, self.path(), TAGGED));
                }
                if self.frames.len() >= MAX_DEPTH {
                    return Err(YamlError::at(mark, too_deep_message()));
                }
                let open = if mapping {
                    Open::Mapping {
                        members: Map::new(),
                        key: None,
                    }
                } else {
                    Open::Sequence(Vec::new())
                };
                self.frames.push(Frame {
                    open,
                    anchor,
                    nodes: 1,
                    height: 1,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.frames.pop() else {
                    return Ok(false);
                };
                let value = match frame.open {
                    Open::Sequence(items) => Value::Array(items),
                    Open::Mapping { members, .. } => Value::Object(members),
                };
                if frame.anchor != 0 {
                    let copy = Ok(value.clone());
                    self.remember(frame.anchor, copy, None, frame.nodes, frame.height);
                }
                self.add(value, frame.nodes, frame.height);
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(false)
    }

    fn remember(
        &mut self,
        anchor: usize,
        value: Result<Value, String>,
        text: Option<String>,
        nodes: usize,
        height: usize,
    ) {
        self.anchors.insert(
            anchor,
            Anchored {
                value,
                text,
                nodes,
                height,
            },
        );
    }

    fn wants_key(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame {
                open: Open::Mapping { key: None, .. },
                ..
            })
        )
    }

    /// A mapping's next key: refused when the mapping has it already (both parsers before
    /// kept the last of two equal keys, which hides a mistake).
    fn key(&mut self, key: String, mark: Marker) -> Result<(), YamlError> {
        if let Some(Frame {
            open: Open::Mapping { members, .. },
            ..
        }) = self.frames.last()
        {
            if members.contains_key(&key) {
                let message = format!("duplicate key `{key}`");
                return Err(YamlError::in_value(mark, self.mapping_path(), message));
            }
        }
        if let Some(Frame {
            open: Open::Mapping { key: slot, .. },
            ..
        }) = self.frames.last_mut()
        {
            *slot = Some(key);
        }
        Ok(())
    }

    /// Places a finished node in its collection, or as the document.
    fn add(&mut self, value: Value, nodes: usize, height: usize) {
        let Some(frame) = self.frames.last_mut() else {
            self.root = Some(value);
            return;
        };
        frame.nodes += nodes;
        frame.height = frame.height.max(height + 1);
        match &mut frame.open {
            Open::Sequence(items) => items.push(value),
            Open::Mapping { members, key } => {
                if let Some(key) = key.take() {
                    members.insert(key, value);
                }
            }
        }
    }

    /// Where the next node goes, as `serde_yaml` wrote it in messages.
    fn path(&self) -> String {
        path_of(&self.frames)
    }

    /// Where the innermost collection (a mapping, when a key is read) is.
    fn mapping_path(&self) -> String {
        path_of(&self.frames[..self.frames.len().saturating_sub(1)])
    }
}

/// `paths./a.get.parameters[0]`: keys joined by dots, indexes in brackets (`.[0]` for the
/// first item of a document that is a sequence).
fn path_of(frames: &[Frame]) -> String {
    let mut path = String::new();
    for frame in frames {
        match &frame.open {
            Open::Sequence(items) => {
                if path.is_empty() {
                    path.push('.');
                }
                path.push_str(&format!("[{}]", items.len()));
            }
            Open::Mapping { key, .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key.as_deref().unwrap_or("?"));
            }
        }
    }
    path
}

fn kind(value: &Result<Value, String>) -> &'static str {
    match value {
        Ok(Value::Array(_)) => "sequence",
        Ok(Value::Object(_)) => "map",
        _ => "scalar",
    }
}

const CORE: &str = "tag:yaml.org,2002:";
const TAGGED: &str = "invalid type: enum, expected a JSON-compatible value";

/// A local tag (`!Ref`, CloudFormation style): no JSON value has one.
fn is_local(tag: &Tag) -> bool {
    tag.handle.starts_with('!') || (tag.handle.is_empty() && tag.suffix.starts_with('!'))
}

/// A scalar's value: plain scalars by the YAML 1.2 core schema, quoted and block ones
/// strings, `!!bool`, `!!int`, `!!float` and `!!null` checked, other core tags strings.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        if is_local(tag) {
            return Err(TAGGED.into());
        }
        let invalid =
            |expected: &str| format!("invalid value: string {text:?}, expected {expected}");
        let full = format!("{}{}", tag.handle, tag.suffix);
        return match full.strip_prefix(CORE) {
            Some("bool") => parse_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| invalid("a boolean")),
            Some("int") => parse_int(text).ok_or_else(|| invalid("an integer"))?,
            Some("float") => parse_f64(text)
                .map(float)
                .ok_or_else(|| invalid("a float"))?,
            Some("null") => is_null(text)
                .then_some(Value::Null)
                .ok_or_else(|| invalid("null")),
            // `!!str`, `!!timestamp`, `!!binary`, any other global tag: the text.
            _ => Ok(Value::String(text.to_owned())),
        };
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_owned()));
    }
    if text.is_empty() || is_null(text) {
        return Ok(Value::Null);
    }
    if let Some(boolean) = parse_bool(text) {
        return Ok(Value::Bool(boolean));
    }
    if let Some(int) = parse_int(text) {
        return int;
    }
    if !digits_but_not_number(text) {
        if let Some(number) = parse_f64(text) {
            return float(number);
        }
    }
    Ok(Value::String(text.to_owned()))
}

/// A float as a JSON number; integers beyond 64 bits come here too, as JSON parsers keep them.
fn float(v: f64) -> Result<Value, String> {
    Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| format!("{v} is not a number JSON can hold"))
}

fn is_null(text: &str) -> bool {
    matches!(text, "null" | "Null" | "NULL" | "~")
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `Some` for an integer (decimal, `0x`, `0o`, `0b`, signed): a `u64` or `i64`, or beyond
/// them a float (or its error).
fn parse_int(text: &str) -> Option<Result<Value, String>> {
    if let Some(int) = parse_unsigned(text, u64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_negative(text, i64::from_str_radix) {
        return Some(Ok(Value::Number(int.into())));
    }
    if let Some(int) = parse_unsigned(text, u128::from_str_radix) {
        return Some(float(int as f64));
    }
    if let Some(int) = parse_negative(text, i128::from_str_radix) {
        return Some(float(int as f64));
    }
    None
}

type Radix<T> = fn(&str, u32) -> Result<T, std::num::ParseIntError>;

fn parse_unsigned<T>(text: &str, from_str_radix: Radix<T>) -> Option<T> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unsigned.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unsigned.starts_with(['+', '-']) || digits_but_not_number(text) {
        return None;
    }
    from_str_radix(unsigned, 10).ok()
}

fn parse_negative<T>(text: &str, from_str_radix: Radix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if let Ok(int) = from_str_radix(&format!("-{rest}"), radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(text) {
        return None;
    }
    from_str_radix(text, 10).ok()
}

fn parse_f64(text: &str) -> Option<f64> {
    let unsigned = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    if let ".inf" | ".Inf" | ".INF" = unsigned {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = text {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = text {
        return Some(f64::NAN);
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits (`0777`): a string in YAML 1.2, not an octal number.
fn digits_but_not_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flow_documents_keep_their_columns() {
        let e = refused("{\"a\": 1, \"a\": 2}");
        assert_eq!((e.line, e.column), (1, 10));
        let e = refused("  [1, .nan]");
        assert_eq!((e.line, e.column), (1, 7));
        let e = refused("{\"a\": [1,,]}");
        assert_eq!(e.line, 1);
        assert_eq!(read("[1, {\"b\": [true]}]\n"), json!([1, {"b": [true]}]));
    }

    fn read(text: &str) -> Value {
        to_value(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    fn refused(text: &str) -> YamlError {
        to_value(text).expect_err(text)
    }

    #[test]
    fn plain_scalars_follow_the_yaml_1_2_core_schema() {
        // What `serde_yaml` 0.9 read for each: YAML 1.1's booleans, octals, sexagesimals and
        // dates stay strings.
        for (text, expected) in [
            ("on", json!("on")),
            ("yes", json!("yes")),
            ("No", json!("No")),
            ("y", json!("y")),
            ("0777", json!("0777")),
            ("00", json!("00")),
            ("2001-12-14", json!("2001-12-14")),
            ("12:30:00", json!("12:30:00")),
            ("1_000", json!("1_000")),
            ("1e400", json!("1e400")),
            ("inf", json!("inf")),
            ("0x", json!("0x")),
            ("true", json!(true)),
            ("FALSE", json!(false)),
            ("~", json!(null)),
            ("Null", json!(null)),
            ("", json!(null)),
            ("12", json!(12)),
            ("+12", json!(12)),
            ("-0", json!(0)),
            ("0x1F", json!(31)),
            ("-0x1F", json!(-31)),
            ("0o17", json!(15)),
            ("0b101", json!(5)),
            ("1e3", json!(1000.0)),
            ("1.0", json!(1.0)),
            (".5", json!(0.5)),
            ("-.5", json!(-0.5)),
            ("012.5", json!(12.5)),
            ("18446744073709551616", json!(1.8446744073709552e19)),
        ] {
            assert_eq!(read(&format!("a: {text}\n"))["a"], expected, "{text:?}");
        }
        // Quoted and block scalars are strings.
        let value = read("a: 'true'\nb: \"12\"\nc: |\n  0x1F\n");
        assert_eq!(value, json!({"a": "true", "b": "12", "c": "0x1F\n"}));
    }

    #[test]
    fn numbers_json_cannot_hold_are_refused_where_they_are() {
        let e = refused("components:\n  schemas:\n    N: {maximum: .nan}\n");
        assert_eq!((e.line, e.column), (3, 18));
        assert_eq!(
            e.message,
            "components.schemas.N.maximum: NaN is not a number JSON can hold"
        );
        let e = refused("- a: 1\n- [1, -.inf]\n");
        assert_eq!(e.message, ".[1][1]: -inf is not a number JSON can hold");
    }

    #[test]
    fn keys_are_their_text_in_order() {
        let value = read("200: a\ntrue: b\n~: c\n1.50: d\n'q': e\n<<: f\n");
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "true", "~", "1.50", "q", "<<"]);
        let e = refused("a: 1\n[b]: 2\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.message, "invalid type: sequence, expected a string");
    }

    #[test]
    fn tags() {
        let value = read("a: !!str 123\nb: !!int '42'\nc: !!binary aGk=\nd: !!float 1\n");
        assert_eq!(value, json!({"a": "123", "b": 42, "c": "aGk=", "d": 1.0}));
        let e = refused("a: !!int x\n");
        assert_eq!(
            e.message,
            "a: invalid value: string \"x\", expected an integer"
        );
        // A local tag has no JSON form.
        let e = refused("a:\n  b: !Ref c\n");
        assert_eq!((e.line, e.column), (2, 6));
        assert_eq!(
            e.message,
            "a.b: invalid type: enum, expected a JSON-compatible value"
        );
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let value = read("a: &x {k: [1, 2]}\nb: *x\nc: &y v\nd: *y\n*y : w\n");
        assert_eq!(
            value,
            json!({"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": "v", "d": "v", "v": "w"})
        );
        // A merge key is an ordinary key, as it was with `serde_yaml` 0.9.
        let value = read("a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\n");
        assert_eq!(value["b"], json!({"<<": {"k": 1}, "j": 2}));
        let e = refused("a: &x [1, *x]\n");
        assert_eq!((e.line, e.column), (1, 11));
        let e = refused("a: *nowhere\n");
        assert_eq!((e.line, e.column), (1, 4));
    }

    #[test]
    fn the_billion_laughs_is_refused_before_it_grows() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let aliases = vec![format!("*{}", pair[0]); 9].join(", ");
            text.push_str(&format!("{}: &{} [{aliases}]\n", pair[1], pair[1]));
        }
        let e = refused(&text);
        assert!(e.message.starts_with("repetition limit exceeded"), "{e:?}");
        // Found at the first alias past the limit: level `g` copies 9 of 597,871 nodes.
        assert_eq!(e.line, 7);
    }

    #[test]
    fn aliases_count_towards_the_depth() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let text = format!(
            "a: &x {deep}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
        );
        let e = refused(&text);
        assert_eq!(e.line, 2);
        assert!(e.message.starts_with("recursion limit exceeded"), "{e:?}");
    }

    #[test]
    fn one_document_only() {
        let e = refused("a: 1\n---\nb: 2\n");
        assert_eq!((e.line, e.column), (2, 1));
        // An explicit start, an end, comments alone.
        assert_eq!(read("---\na: 1\n...\n"), json!({"a": 1}));
        assert_eq!(read("# nothing\n"), Value::Null);
    }

    #[test]
    fn duplicate_keys_are_refused_at_the_second() {
        let e = refused("a: 1\nb:\n  c: 1\n  d: {c: 1, c: 2}\n");
        assert_eq!((e.line, e.column), (4, 13));
        assert_eq!(e.message, "b.d: duplicate key `c`");
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let e = refused("a: 1\nb: x\u{1}y\n");
        assert_eq!((e.line, e.column), (2, 5));
        assert!(e.message.contains("U+0001"), "{e:?}");
        // Escaped, they are text; tabs, line breaks, a byte order mark and any Unicode are fine.
        let value = read("\u{feff}a: \"\\0\"\r\nb: \"é\tx\"\r\n");
        assert_eq!(value, json!({"a": "\u{0}", "b": "é\tx"}));
    }

    #[test]
    fn terse_parser_errors_say_what_to_do() {
        let e = refused("a:\n  b: [\n    x,\n  y\n  ]\n");
        assert_eq!((e.line, e.column), (4, 3));
        assert!(e.message.contains("indented more than the key"), "{e:?}");
        let e = refused("a:\tb\n");
        assert!(e.message.contains("must be a space"), "{e:?}");
    }
}
