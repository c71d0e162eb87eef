//! Media types as the loader and lowering compare them.

/// A media type without its parameters, in lower case (`Application/JSON; charset=utf-8` is
/// `application/json`): what decides how a body is read.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}
