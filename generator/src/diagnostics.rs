//! Located, actionable errors.
//!
//! Every problem the generator reports names the file, a location inside it and what to do,
//! so a user with a 10,000-line spec can go straight to the fix. Problems are collected rather
//! than returned one at a time, so one run reports everything wrong with a file.

use crate::escape::printable;
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
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
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
}

impl fmt::Display for Diagnostic {
    /// One problem, every part escaped to printable text: file names, pointers and messages
    /// quote the spec, and a spec must not write to the terminal or forge lines of output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = printable(&self.file);
        let message = printable(&self.message);
        let label = self.severity.label();
        match (&self.location, self.line_column) {
            (Location::File, _) => write!(f, "{file}: {label}: {message}")?,
            (Location::Pointer(pointer), Some((line, column))) => {
                write!(f, "{file}:{line}:{column}: {label}: {message}")?;
                write!(f, "\n  at: #{}", printable(pointer))?;
            }
            (location, _) => write!(
                f,
                "{file}:{}: {label}: {message}",
                printable(&location.to_string())
            )?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", printable(help))?;
        }
        Ok(())
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        if self.0.len() > 1 {
            let warnings = self.0.iter().filter(|d| d.is_warning()).count();
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            match warnings {
                0 => write!(f, "\n{} problems found", self.0.len())?,
                w if w == self.0.len() => write!(f, "\n{w} warnings")?,
                w => write!(
                    f,
                    "\n{} problems found ({w} warning{})",
                    self.0.len(),
                    plural(w)
                )?,
            }
        }
        Ok(())
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
