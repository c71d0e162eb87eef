//! Diagnostics as text: for a person at a terminal (each problem's first line as before, then
//! the source line with a caret under the place) and for a program (JSON Lines).
//!
//! Pure: diagnostics and the texts of their files in, a `String` out. Reading the files
//! ([`Sources::read_for`]) and deciding where the text goes and whether it is coloured are
//! the caller's, so the same problems always render the same way.

use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::escape::{is_unsafe, printable};
use annotate_snippets::renderer::{
    Style, DEFAULT_ERROR_STYLE, DEFAULT_NOTE_STYLE, DEFAULT_WARNING_STYLE,
};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

/// The texts of the files diagnostics name, by the name they give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    texts: BTreeMap<String, String>,
}

impl Sources {
    pub fn new() -> Self {
        Sources::default()
    }

    pub fn insert(&mut self, file: impl Into<String>, text: impl Into<String>) {
        self.texts.insert(file.into(), text.into());
    }

    pub fn get(&self, file: &str) -> Option<&str> {
        self.texts.get(file).map(String::as_str)
    }

    /// Reads (relative to `base`, each at most `max_bytes`) the files of the diagnostics and
    /// notes that have a line to show. Only those: a line and column come from a text the
    /// loader parsed, so nothing is read that the loader's read policy refused (a problem
    /// with a file it refused is located at the file as a whole). A file that cannot be read
    /// now is shown without its line.
    pub fn read_for(diagnostics: &[Diagnostic], base: &Path, max_bytes: u64) -> Sources {
        let mut files = Vec::new();
        each(diagnostics, &mut |d| {
            if d.line_column().is_some() {
                files.push(d.file.as_str());
            }
        });
        files.sort_unstable();
        files.dedup();
        let mut sources = Sources::new();
        for file in files {
            if let Ok(text) = crate::load::read::read_bounded(&base.join(file), max_bytes) {
                sources.insert(file, text);
            }
        }
        sources
    }
}

/// Calls `f` on every diagnostic and, after each, on its notes.
fn each<'d>(diagnostics: &'d [Diagnostic], f: &mut impl FnMut(&'d Diagnostic)) {
    for d in diagnostics {
        f(d);
        each(d.notes(), f);
    }
}

/// Whether human output uses the terminal's colours (only a terminal that wants them: the
/// caller checks, so this module stays deterministic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Never,
    Always,
}

/// The problems as the command line has always printed them, without source lines: what
/// `Display` of a [`Diagnostic`] shows (build scripts, tests, library users).
pub fn plain(diagnostics: &[Diagnostic]) -> String {
    human(diagnostics, &Sources::new(), Colour::Never)
}

/// Every problem (and its notes) for a person: the first line `file:line:column: severity:
/// message` (or `file:#pointer: ...`, `file: ...` when that is all that is known), then, where
/// the file's text is in `sources`, its line with the place underlined, then what to do; a
/// count ends a list of several problems. Everything quoted from a spec is escaped, and a
/// long line is shown around the place only.
pub fn human(diagnostics: &[Diagnostic], sources: &Sources, colour: Colour) -> String {
    let mut out = String::new();
    let mut writer = Writer {
        sources,
        lines: BTreeMap::new(),
        checkpoints: BTreeMap::new(),
        colour,
        renderer: match colour {
            Colour::Never => Renderer::plain(),
            Colour::Always => Renderer::styled(),
        },
    };
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        writer.write(&mut out, diagnostic);
    }
    let counted: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .collect();
    if counted.len() > 1 {
        let warnings = counted.iter().filter(|d| d.is_warning()).count();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let _ = match warnings {
            0 => write!(out, "\n{} problems found", counted.len()),
            w if w == counted.len() => write!(out, "\n{w} warnings"),
            w => write!(
                out,
                "\n{} problems found ({w} warning{})",
                counted.len(),
                plural(w)
            ),
        };
    }
    out
}

struct Writer<'s> {
    sources: &'s Sources,
    /// Where each line starts, per file, computed for the first problem shown in the file.
    lines: BTreeMap<&'s str, Vec<usize>>,
    /// Per long line, the byte offset of every [`CHECKPOINT`]th character.
    checkpoints: BTreeMap<(&'s str, usize), Vec<usize>>,
    colour: Colour,
    renderer: Renderer,
}

impl<'s> Writer<'s> {
    fn write(&mut self, out: &mut String, d: &Diagnostic) {
        let file = printable(&d.file);
        let message = printable(&d.message);
        let label = self.label(d.severity);
        let _ = match (&d.location, d.line_column) {
            (Location::File, _) => write!(out, "{file}: {label}: {message}"),
            (Location::Pointer(pointer), Some((line, column))) => write!(
                out,
                "{file}:{line}:{column}: {label}: {message}\n  at: #{}",
                printable(pointer)
            ),
            (location, _) => write!(
                out,
                "{file}:{}: {label}: {message}",
                printable(&location.to_string())
            ),
        };
        if let Some(snippet) = self.snippet(d) {
            out.push('\n');
            out.push_str(&snippet);
        }
        if let Some(help) = &d.help {
            let _ = write!(out, "\n  help: {}", printable(help));
        }
        for note in d.notes() {
            out.push('\n');
            self.write(out, note);
        }
    }

    fn label(&self, severity: Severity) -> String {
        let label = severity.label();
        match self.colour {
            Colour::Never => label.to_owned(),
            Colour::Always => {
                let style: Style = match severity {
                    Severity::Error => DEFAULT_ERROR_STYLE,
                    Severity::Warning => DEFAULT_WARNING_STYLE,
                    Severity::Note => DEFAULT_NOTE_STYLE,
                };
                format!("{style}{label}{style:#}")
            }
        }
    }

    /// The problem's line with the place underlined, when the file's text is known and has
    /// that line.
    fn snippet(&mut self, d: &Diagnostic) -> Option<String> {
        let (line, column) = d.line_column()?;
        let (name, text) = self.sources.texts.get_key_value(&d.file)?;
        let starts = self
            .lines
            .entry(name.as_str())
            .or_insert_with(|| line_starts(text));
        let start = *starts.get(line.checked_sub(1)?)?;
        let end = starts.get(line).map_or(text.len(), |next| next - 1);
        let source_line = text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end]);
        // A node found by pointer starts a token (a key, a value) worth underlining whole;
        // a parser's position is one character.
        let whole_token = matches!(d.location, Location::Pointer(_));
        // On a long line (minified JSON), start from the last checkpoint before what is shown
        // rather than counting every character before it, for every problem on the line.
        let (skipped, from) = if source_line.len() > CHECKPOINT {
            let checkpoints = self
                .checkpoints
                .entry((name.as_str(), line))
                .or_insert_with(|| checkpoints(source_line));
            let shown_from = column.saturating_sub(1).saturating_sub(SHOWN);
            let k = (shown_from / CHECKPOINT).min(checkpoints.len() - 1);
            (k * CHECKPOINT, checkpoints[k])
        } else {
            (0, 0)
        };
        let excerpt = excerpt(
            &source_line[from..],
            column - skipped,
            whole_token,
            skipped > 0,
        );
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let report = [Group::with_level(level).element(
            Snippet::source(excerpt.text.as_str())
                .line_start(line)
                .fold(false)
                .annotation(AnnotationKind::Primary.span(excerpt.span)),
        )];
        Some(self.renderer.render(&report))
    }
}

/// The byte offset where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Characters between two checkpoints of a long line.
const CHECKPOINT: usize = 1024;

/// The byte offsets of characters 0, [`CHECKPOINT`], 2 × [`CHECKPOINT`]... of `line`.
fn checkpoints(line: &str) -> Vec<usize> {
    line.char_indices()
        .step_by(CHECKPOINT)
        .map(|(i, _)| i)
        .collect()
}

/// The most characters of a source line shown: enough to read the place in its context, few
/// enough that a minified one-line JSON spec does not flood the terminal.
const SHOWN: usize = 100;

/// What is shown of a source line, and the bytes of it to underline.
#[derive(Debug, PartialEq, Eq)]
struct Excerpt {
    text: String,
    span: Range<usize>,
}

/// The part of `line` around 1-based character `column`, escaped (a tab as a space, which
/// keeps every column where it was; every other unsafe character as a visible `\u{..}`), cut
/// to [`SHOWN`] characters with `...` where it is cut (`cut_before`: `line` is already the
/// end of a longer one). Reads no further into `line` than what it shows.
fn excerpt(line: &str, column: usize, whole_token: bool, cut_before: bool) -> Excerpt {
    let wanted = column.saturating_sub(1);
    let lo = wanted.saturating_sub(SHOWN);
    let mut rest = line.chars().skip(lo);
    let raw: Vec<char> = rest.by_ref().take(wanted - lo + 2 * SHOWN).collect();
    let more_after = rest.next().is_some();
    let at = (wanted - lo).min(raw.len());
    let token = if whole_token {
        token_length(&raw[at..]).min(SHOWN)
    } else {
        1
    };
    let token_end = (at + token).min(raw.len());
    // `starts[i]`: where raw character `lo + i` begins in the escaped characters.
    let mut escaped: Vec<char> = Vec::with_capacity(raw.len());
    let mut starts = Vec::with_capacity(raw.len() + 1);
    for &c in &raw {
        starts.push(escaped.len());
        match c {
            '\t' => escaped.push(' '),
            c if is_unsafe(c) => escaped.extend(format!("\\u{{{:x}}}", c as u32).chars()),
            c => escaped.push(c),
        }
    }
    starts.push(escaped.len());
    let (caret_start, caret_end) = (starts[at], starts[token_end]);
    let (begin, end) = if escaped.len() <= SHOWN {
        (0, escaped.len())
    } else {
        let begin = caret_start
            .saturating_sub(SHOWN / 3)
            .min(escaped.len() - SHOWN);
        (begin, begin + SHOWN)
    };
    let mut text = String::new();
    if cut_before || lo > 0 || begin > 0 {
        text.push_str("...");
    }
    let shown_start = text.len();
    let byte_at = |chars: &[char]| chars.iter().map(|c| c.len_utf8()).sum::<usize>();
    text.extend(&escaped[begin..end]);
    let span_start = shown_start + byte_at(&escaped[begin..caret_start.clamp(begin, end)]);
    let span_end = shown_start + byte_at(&escaped[begin..caret_end.clamp(begin, end)]);
    if more_after || end < escaped.len() {
        text.push_str("...");
    }
    Excerpt {
        text,
        span: span_start..span_end,
    }
}

/// How many characters the token starting `chars` takes: a quoted string to its closing
/// quote, else up to a space, a `,` or a `:` ending a key, and up to a bracket closing one the
/// token did not open (`/pets/{id}:` is one key, `b}` in `{a: b}` is `b`); at least one.
fn token_length(chars: &[char]) -> usize {
    let Some(&first) = chars.first() else {
        return 0;
    };
    if first == '"' || first == '\'' {
        let close = chars[1..]
            .iter()
            .position(|&c| c == first)
            .map_or(chars.len(), |i| i + 2);
        return close;
    }
    if first == '{' || first == '[' {
        return 1;
    }
    let mut depth = 0usize;
    let mut length = 0;
    for (i, &c) in chars.iter().enumerate() {
        let ends_key = c == ':' && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        match c {
            c if c.is_whitespace() || c == ',' || ends_key => break,
            '{' | '[' => depth += 1,
            '}' | ']' if depth == 0 => break,
            '}' | ']' => depth -= 1,
            _ => {}
        }
        length = i + 1;
    }
    length.max(1)
}

/// One diagnostic for a program, as one line of [`json_lines`].
#[derive(serde::Serialize)]
struct JsonDiagnostic<'d> {
    severity: &'static str,
    file: &'d str,
    line: Option<usize>,
    column: Option<usize>,
    pointer: Option<&'d str>,
    message: &'d str,
    help: Option<&'d str>,
}

/// Every diagnostic as one JSON object per line (JSON Lines), each note on the line after
/// what it belongs to: `{"severity", "file", "line", "column", "pointer", "message", "help"}`,
/// every field always present (`null` when unknown). `pointer` is RFC 6901 (`/paths/~1a`,
/// without `#`), `line` and `column` 1-based characters. Strings are exact, and the line is
/// printable ASCII punctuation around them: every character a terminal would act on is a
/// `\uXXXX` escape, which JSON reads back as the character.
pub fn json_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    each(diagnostics, &mut |d| {
        let (line, column) = d.line_column().unzip();
        let json = JsonDiagnostic {
            severity: d.severity.label(),
            file: &d.file,
            line,
            column,
            pointer: match &d.location {
                Location::Pointer(pointer) => Some(pointer),
                _ => None,
            },
            message: &d.message,
            help: d.help.as_deref(),
        };
        let text = serde_json::to_string(&json).expect("a diagnostic serializes");
        for c in text.chars() {
            if is_unsafe(c) {
                // Every unsafe character is in the Basic Multilingual Plane: one escape.
                let _ = write!(out, "\\u{:04x}", c as u32);
            } else {
                out.push(c);
            }
        }
        out.push('\n');
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(excerpt: &Excerpt) -> (&str, &str) {
        (&excerpt.text, &excerpt.text[excerpt.span.clone()])
    }

    #[test]
    fn underlines_a_key_or_one_character() {
        let e = excerpt("  /pets/{id}:", 3, true, false);
        assert_eq!(shown(&e), ("  /pets/{id}:", "/pets/{id}"));
        let e = excerpt("    schema: {type: string, enum: [1, 2]}", 35, true, false);
        assert_eq!(shown(&e).1, "1");
        let e = excerpt("  name: \"a b\"", 9, true, false);
        assert_eq!(shown(&e).1, "\"a b\"");
        let e = excerpt("  title: [unclosed", 10, false, false);
        assert_eq!(shown(&e).1, "[");
    }

    #[test]
    fn a_place_past_the_end_is_an_empty_span_at_the_end() {
        let e = excerpt("info: [", 9, false, false);
        assert_eq!(e.span, 7..7);
    }

    #[test]
    fn escapes_what_the_terminal_would_act_on_and_keeps_the_caret_in_place() {
        let e = excerpt("a: \u{1b}[2J\tb\u{202e}c: x", 9, true, false);
        assert_eq!(e.text, "a: \\u{1b}[2J b\\u{202e}c: x");
        assert_eq!(&e.text[e.span.clone()], "b\\u{202e}c");
    }

    #[test]
    fn long_lines_are_cut_around_the_place() {
        let line = format!(
            "{{\"a\": {}, \"key\": 1, {}}}",
            "1,".repeat(5000),
            "2,".repeat(5000)
        );
        let column = line.find("\"key\"").unwrap() + 1;
        let e = excerpt(&line, column, true, false);
        assert!(
            e.text.starts_with("...") && e.text.ends_with("..."),
            "{}",
            e.text
        );
        assert_eq!(e.text.chars().count(), SHOWN + 6);
        assert_eq!(&e.text[e.span.clone()], "\"key\"");
        // Near the start, nothing is cut on the left.
        let e = excerpt(&line, 2, true, false);
        assert!(!e.text.starts_with("...") && e.text.ends_with("..."));
        assert_eq!(&e.text[e.span.clone()], "\"a\"");
    }

    #[test]
    fn a_long_line_shows_the_same_from_its_checkpoints() {
        let line: String = (0..20_000).map(|i| format!("\"k{i}\": \"é\", ")).collect();
        let mut sources = Sources::new();
        sources.insert("a.json", format!("{{{line}}}\n"));
        for column in [2, 1500, 1024 * 7 + 3, 200_000, line.chars().count() + 1] {
            let mut d = Diagnostic::at("a.json", "/x", "m");
            d.line_column = Some((1, column as u32));
            let shown = human(&[d], &sources, Colour::Never);
            let whole = excerpt(&format!("{{{line}}}"), column, true, false);
            assert!(
                shown.contains(&format!("1 | {}\n", whole.text)),
                "{column}: {shown}"
            );
        }
    }

    #[test]
    fn human_output_shows_the_line_under_the_first_line() {
        let d = Diagnostic::new(
            "a.yaml",
            Location::LineColumn { line: 2, column: 7 },
            "invalid YAML: bad",
        )
        .help("fix it");
        let mut sources = Sources::new();
        sources.insert("a.yaml", "openapi: 3.0.3\ninfo: [\n");
        assert_eq!(
            human(std::slice::from_ref(&d), &sources, Colour::Never),
            "a.yaml:2:7: error: invalid YAML: bad\n  |\n2 | info: [\n  |       ^\n  help: fix it"
        );
        // Without the text, the lines as before.
        assert_eq!(
            human(&[d], &Sources::new(), Colour::Never),
            "a.yaml:2:7: error: invalid YAML: bad\n  help: fix it"
        );
    }

    #[test]
    fn notes_follow_their_problem_and_are_not_counted() {
        let mut first = Diagnostic::at("a.yaml", "/paths/~1a/get", "first use");
        first.line_column = Some((3, 5));
        let mut d = Diagnostic::at("a.yaml", "/paths/~1b/get", "duplicate").note(first);
        d.line_column = Some((5, 5));
        let other = Diagnostic::new("b.yaml", Location::File, "other");
        let mut sources = Sources::new();
        sources.insert("a.yaml", "paths:\n  /a:\n    get: {}\n  /b:\n    get: {}\n");
        let text = human(&[d.clone(), other], &sources, Colour::Never);
        assert_eq!(
            text,
            "a.yaml:5:5: error: duplicate\n  at: #/paths/~1b/get\n  |\n5 |     get: {}\n  |     ^^^\n\
             a.yaml:3:5: note: first use\n  at: #/paths/~1a/get\n  |\n3 |     get: {}\n  |     ^^^\n\
             b.yaml: error: other\n2 problems found"
        );
        let json = json_lines(&[d]);
        let lines: Vec<serde_json::Value> = json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["severity"], "note");
        assert_eq!(lines[1]["line"], 3);
        assert_eq!(lines[1]["pointer"], "/paths/~1a/get");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::new("a.yaml", Location::File, "x").warning();
        assert!(
            !human(std::slice::from_ref(&d), &Sources::new(), Colour::Never).contains('\u{1b}')
        );
        assert!(human(&[d], &Sources::new(), Colour::Always).contains("\u{1b}["));
    }

    #[test]
    fn json_keeps_every_field_and_escapes_what_a_terminal_acts_on() {
        let d = Diagnostic::at("a\u{1b}.yaml", "/x", "bad \u{202e}\u{7f}é")
            .help("h")
            .warning();
        let json = json_lines(&[d]);
        assert!(json.ends_with("}\n") && json.lines().count() == 1, "{json}");
        assert!(!json.trim_end().chars().any(is_unsafe), "{json}");
        let value: serde_json::Value = serde_json::from_str(json.trim_end()).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "severity": "warning", "file": "a\u{1b}.yaml", "line": null, "column": null,
                "pointer": "/x", "message": "bad \u{202e}\u{7f}é", "help": "h"
            })
        );
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["severity", "file", "line", "column", "pointer", "message", "help"]
        );
    }
}
