//! Text from a spec or its file names, made harmless wherever it lands: comments, doc text,
//! TOML, terminal output and Cargo's build-script directives.
//!
//! Specs and their file names are untrusted. A line break in a file name would end a `#`
//! comment in `Cargo.toml` and start a `[dependencies]` table; a `\r` ends a doc comment's
//! line for rustc; bidirectional-override characters are a deny-by-default lint in Rust
//! source and make a reviewed diff show something other than what is compiled; escape
//! sequences rewrite a terminal. Every such character is written as a visible `\u{..}` escape
//! instead, so the text stays readable and reviewable, and nothing it holds becomes syntax.

use std::borrow::Cow;

/// Whether `c` must not appear raw in generated files or output: control characters (line
/// breaks, `\r`, escape, NUL...), the Unicode line and paragraph separators, and the
/// invisible characters that change the direction or joining of text around them.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'               // Arabic letter mark
            | '\u{200B}'..='\u{200F}' // zero-width space, joiners, direction marks
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{202A}'..='\u{202E}' // direction embeddings and overrides
            | '\u{2060}'..='\u{206F}' // word joiner, direction isolates, invisible operators
            | '\u{FEFF}'              // byte order mark
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        )
}

/// `text` with every [unsafe](is_unsafe) character written as `\u{hex}`: one line, printable,
/// and free of anything that reorders what is around it. Borrowed when there is nothing to do.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` as a TOML basic string, quotes included: `"`, `\` and [unsafe](is_unsafe) characters
/// escaped, so it always parses back to `text` and never ends early.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A path for a generated file's header or a message: forward slashes, one printable line.
pub fn path(path: &std::path::Path) -> String {
    printable(&path.to_string_lossy().replace('\\', "/")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_breaks_controls_and_direction_overrides() {
        assert_eq!(printable("a.yaml"), Cow::Borrowed("a.yaml"));
        assert_eq!(
            printable("x\n[dependencies.e]\r\u{1b}[31m\u{202e}é"),
            "x\\u{a}[dependencies.e]\\u{d}\\u{1b}[31m\\u{202e}é"
        );
        assert!(!printable("\u{2028}\u{85}\0").chars().any(is_unsafe));
    }

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_breaks() {
        assert_eq!(toml_string("plain"), "\"plain\"");
        assert_eq!(
            toml_string("T \\ \"q\"\n[x]\u{7}\u{202e}"),
            "\"T \\\\ \\\"q\\\"\\u000A[x]\\u0007\\u202E\""
        );
    }
}
