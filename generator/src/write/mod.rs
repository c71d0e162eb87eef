//! Write: formatting, headers, files.

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate folder, with forward slashes.
    pub path: String,
    pub contents: String,
}
