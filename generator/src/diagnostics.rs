//! Located, actionable errors.
//!
//! Every problem the generator reports names the file, a location inside it and what to do,
//! so a user with a 10,000-line spec can go straight to the fix. Problems are collected rather
//! than returned one at a time, so one run reports everything wrong with a file.

use std::fmt;

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// 1-based line and column, known when the text itself failed to parse.
    LineColumn { line: usize, column: usize },
    /// A JSON pointer (RFC 6901) into the document, known for problems found after parsing.
    Pointer(String),
    /// The file as a whole (it could not be read, or it is empty).
    File,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::LineColumn { line, column } => write!(f, "{line}:{column}"),
            Location::Pointer(pointer) if pointer.is_empty() => f.write_str("#"),
            Location::Pointer(pointer) => write!(f, "#{pointer}"),
            Location::File => Ok(()),
        }
    }
}

/// Whether a problem stops generation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing is generated: the spec is broken or asks for something with no sensible
    /// fallback.
    #[default]
    Error,
    /// Generation goes on with a documented fallback (a `serde_json::Value`, bytes, a
    /// string, a renamed item); `--strict` turns these into errors.
    Warning,
    /// Not a problem of its own: where the error or warning it belongs to has its other half
    /// (the first of two duplicates), so the user sees both places. Never counted, never made
    /// an error by `--strict`.
    Note,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One problem in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user named it (never made absolute, so output stays reproducible).
    pub file: String,
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Line and column of a pointer location, once the file has been indexed (32 bits each:
    /// files are far smaller than 4 GiB, and a smaller diagnostic is cheaper to pass around).
    pub line_column: Option<(u32, u32)>,
    /// Other places the problem involves, each a [`Severity::Note`] located like a problem
    /// (and placed with it), shown right after it: kept inside it so sorting and deduplicating
    /// problems never separates a note from what it explains. Boxed, as few problems have
    /// one, to keep every diagnostic small (one pointer; a `Vec` is three, and diagnostics
    /// travel in `Result`s).
    #[allow(clippy::box_collection)]
    notes: Option<Box<Vec<Diagnostic>>>,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            location,
            message: message.into(),
            help: None,
            line_column: None,
            notes: None,
        }
    }

    /// A problem at a JSON pointer.
    pub fn at(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::new(file, Location::Pointer(pointer.into()), message)
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same problem as a warning: generation goes on with a fallback.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Adds `note` (made a [`Severity::Note`]) as another place this problem involves.
    pub fn note(mut self, note: Diagnostic) -> Self {
        self.push_note(note);
        self
    }

    /// [`note`](Diagnostic::note) for a problem already among others.
    pub fn push_note(&mut self, mut note: Diagnostic) {
        note.severity = Severity::Note;
        self.notes.get_or_insert_default().push(note);
    }

    /// The other places this problem involves, in the order they were added.
    pub fn notes(&self) -> &[Diagnostic] {
        self.notes.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The notes, to locate them as their problem is located.
    pub fn notes_mut(&mut self) -> &mut [Diagnostic] {
        self.notes.as_deref_mut().map_or(&mut [], Vec::as_mut_slice)
    }

    /// The 1-based line and column, when known: written by the parser for a syntax error, or
    /// found for a pointer once [`place`](crate::place)d.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match (&self.location, self.line_column) {
            (Location::LineColumn { line, column }, _) => Some((*line, *column)),
            (Location::Pointer(_), Some((line, column))) => Some((line as usize, column as usize)),
            _ => None,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// One problem and its notes, every part escaped to printable text: file names, pointers
    /// and messages quote the spec, and a spec must not write to the terminal or forge lines
    /// of output. The same text as [`report::human`](crate::report::human) without sources.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::report::plain(std::slice::from_ref(self)))
    }
}

/// All problems found in one run; never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn single(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    /// Every problem as [`Diagnostic`] shows it, then a count when there are several.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::report::plain(&self.0))
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics::single(diagnostic)
    }
}

/// Escapes one JSON pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reads one escaped JSON pointer token back (`~1` is `/`, then `~0` is `~`).
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Joins tokens into a JSON pointer, escaping each.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", pointer_token(t)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_slashes_and_tildes() {
        assert_eq!(pointer(["paths", "/a/{b}", "get"]), "/paths/~1a~1{b}/get");
        assert_eq!(pointer(["x~y"]), "/x~0y");
    }

    #[test]
    fn display_names_file_location_and_help() {
        let d = Diagnostic::at("spec/a.yaml", "/paths", "bad").help("fix it");
        assert_eq!(
            d.to_string(),
            "spec/a.yaml:#/paths: error: bad\n  help: fix it"
        );
        let d = Diagnostic::new(
            "a.json",
            Location::LineColumn { line: 3, column: 7 },
            "oops",
        );
        assert_eq!(d.to_string(), "a.json:3:7: error: oops");
    }

    #[test]
    fn warnings_say_so() {
        let d = Diagnostic::at("a.yaml", "/x", "approximated").warning();
        assert!(d.is_warning());
        assert_eq!(d.to_string(), "a.yaml:#/x: warning: approximated");
        let all = Diagnostics(vec![d.clone(), d]);
        assert!(all.to_string().ends_with("\n2 warnings"), "{all}");
    }

    #[test]
    fn display_escapes_what_the_spec_wrote() {
        let d = Diagnostic::at("a\nb.yaml", "/x\u{1b}[2J", "bad `\r\u{202e}`").help("h\n");
        assert_eq!(
            d.to_string(),
            "a\\u{a}b.yaml:#/x\\u{1b}[2J: error: bad `\\u{d}\\u{202e}`\n  help: h\\u{a}"
        );
    }
}
