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
///
/// Indentation is dropped, so the lines that continue a list item are indented again by the
/// width of the item's marker: the continuation is then the item's by indentation, not by
/// CommonMark's laziness, which clippy's `doc_lazy_continuation` warns about.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The column the text of the list item being continued starts at.
    let mut item: Option<usize> = None;
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
            item = None;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        // Leading indentation would start an (executable) indented code block.
        let escaped = escape_line(trimmed);
        if escaped.is_empty() || interrupts_paragraph(&escaped) {
            item = None;
            out.push(escaped);
        } else if let Some(width) = list_item_width(&escaped) {
            item = Some(width);
            out.push(escaped);
        } else if let Some(width) = item {
            out.push(format!("{:width$}{escaped}", ""));
        } else {
            out.push(escaped);
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out
}

/// The width of the list marker `line` starts with and the spaces after it (`- `, `* `, `+ `,
/// `1. `, `1) `), which is where the item's text starts; `None` when it is no list item.
fn list_item_width(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits)
            && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) =>
        {
            digits + 1
        }
        _ => return None,
    };
    let rest = &line[marker..];
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    if spaces == 0 || spaces == rest.len() {
        // No space after the marker, or nothing after it: not an item that takes lines.
        return None;
    }
    // Five spaces or more: the text is an indented code block after one space.
    Some(marker + if spaces > 4 { 1 } else { spaces })
}

/// Whether `line` starts a block that ends a paragraph, so that it continues no list item: an
/// ATX heading or a thematic break (fences are handled apart; `>` and `<` are escaped).
fn interrupts_paragraph(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), None | Some(b' ')) {
        return true;
    }
    let marks: String = line.chars().filter(|c| *c != ' ').collect();
    marks.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| marks.chars().all(|c| c.to_string() == *m))
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

    #[test]
    fn list_item_continuations_are_indented() {
        assert_eq!(
            sanitize("Formed by:\n1. joining the name\nand the password.\n2. encoding it\n   in base64.\n\nThen"),
            vec![
                "Formed by:",
                "1. joining the name",
                "   and the password.",
                "2. encoding it",
                "   in base64.",
                "",
                "Then"
            ]
        );
        assert_eq!(
            sanitize("- a\n  - b\n    c\n10)  d\ne\n*   f\ng"),
            vec!["- a", "- b", "  c", "10)  d", "     e", "*   f", "    g"]
        );
        // Headings and thematic breaks end the item; text that only looks like a marker does
        // not start one.
        assert_eq!(
            sanitize("- a\n# H\nb\n- c\n---\nd\n-1 e\n*f*\n2019.\n-\n* x\n* * *\ny"),
            vec![
                "- a", "# H", "b", "- c", "---", "d", "-1 e", "*f*", "2019.", "-", "* x", "* * *",
                "y"
            ]
        );
    }
}
