//! Spec descriptions to rustdoc that renders as written and never warns.
//!
//! Descriptions are CommonMark, which rustdoc also speaks, but a few things in them mean
//! something else to rustdoc: `[x]` is an intra-doc link, `<SN>` an HTML tag, an indented or
//! untagged fenced block a Rust doctest, and a bare URL a lint warning. Characters rustc or a
//! reviewer must not see raw (line breaks inside a line, `\r`, bidi overrides) are escaped.

use crate::escape::printable;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for text from the spec, made safe for rustdoc.
pub fn doc_attrs(text: &str) -> TokenStream {
    doc_lines(&spec_text(text))
}

/// Doc attributes for an optional spec text; nothing when absent or blank.
pub fn doc_opt(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) if !t.trim().is_empty() => doc_attrs(t),
        _ => TokenStream::new(),
    }
}

/// `#[doc]` attributes for text the generator wrote (already rustdoc: links stay links),
/// possibly with spec text inside that went through [`spec_text`].
pub fn doc_lines(text: &str) -> TokenStream {
    let attrs = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", printable(line))
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Like [`doc_lines`], as inner attributes (`#![doc]`) documenting the enclosing module.
pub fn inner_doc_lines(text: &str) -> TokenStream {
    let attrs = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", printable(line))
        };
        quote!(#![doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Spec text made safe for rustdoc, to embed in generator-written docs.
pub fn spec_text(text: &str) -> String {
    sanitize(text).join("\n")
}

/// Spec text on one line (for a list item or a sentence), made safe for rustdoc.
pub fn spec_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    spec_text(&words.join(" "))
}

/// The lines of `text`, made safe for rustdoc.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        // Control and direction-changing characters become visible escapes first (rustc
        // refuses a bare `\r` or a bidi override in a doc comment).
        let raw = printable(raw);
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if !in_fence && trimmed.len() == 3 {
                // An untagged fence would be compiled as a Rust doctest.
                out.push(format!("{}text", &trimmed[..3]));
            } else if !in_fence {
                out.push("```text".to_owned());
            } else {
                out.push(trimmed[..3].to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
        } else {
            // Leading indentation would start an (executable) indented code block.
            out.push(escape_line(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code
            && (rest.starts_with("http://") || rest.starts_with("https://"))
            && !out.ends_with('<')
        {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
            if url.contains(['<', '>']) {
                out.push_str(&escape_text(url));
            } else {
                out.push('<');
                out.push_str(url);
                out.push('>');
            }
            rest = &rest[url.len()..];
            continue;
        }
        if in_code {
            out.push(c);
        } else {
            out.push_str(&escape_text(&c.to_string()));
        }
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unbalanced backtick: escape it so the rest of the text renders as text.
        return escape_text(&line.replace('`', "\u{2018}"));
    }
    out
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_links_tags_and_urls() {
        assert_eq!(
            sanitize("filename=<SN>-dump [x]"),
            vec!["filename=\\<SN\\>-dump \\[x\\]"]
        );
        assert_eq!(
            sanitize("see https://a.b/c?d=1. Then"),
            vec!["see <https://a.b/c?d=1>. Then"]
        );
        assert_eq!(
            sanitize("keep `<T>` and `[i]`"),
            vec!["keep `<T>` and `[i]`"]
        );
        assert_eq!(sanitize("x `unbalanced"), vec!["x \u{2018}unbalanced"]);
    }

    #[test]
    fn control_and_direction_characters_are_escaped() {
        assert_eq!(
            sanitize("a\u{202e}b\rc\u{1b}[2J"),
            vec!["a\\\\u{202e}b\\\\u{d}c\\\\u{1b}\\[2J"]
        );
        assert_eq!(
            sanitize("```\n\u{2066}x\n```"),
            vec!["```text", "\\u{2066}x", "```"]
        );
    }

    #[test]
    fn fences_become_text_and_indentation_is_dropped() {
        assert_eq!(
            sanitize("a\n```\nlet x;\n```\n    b"),
            vec!["a", "```text", "let x;", "```", "b"]
        );
        assert_eq!(sanitize("```json\n{}"), vec!["```text", "{}", "```"]);
    }
}
