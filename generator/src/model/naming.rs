//! Every Rust name the generator makes, in one place: case conversion, keyword escaping,
//! collision resolution and stable names for inline schemas.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words that cannot be identifiers (2021 edition, strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated `types` module relies on from the prelude or its own code; a schema
/// with one of these names is renamed rather than shadowing it.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Self", "BTreeMap",
    "Value",
];

/// Splits a name into ASCII words: other scripts are transliterated (`Nämé` -> `Name`,
/// `名前` -> `Ming Qian`), everything that is not a letter or digit separates words.
fn words(raw: &str) -> String {
    let ascii = if raw.is_ascii() {
        raw.to_owned()
    } else {
        deunicode::deunicode(raw)
    };
    ascii
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn prefix_digit(name: String, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

/// A type or variant name: `clusterLogRecord` -> `ClusterLogRecord`.
pub fn type_name(raw: &str) -> String {
    let name = words(raw).to_upper_camel_case();
    let name = if name.is_empty() {
        "Value".to_owned()
    } else {
        prefix_digit(name, "V")
    };
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// A field, argument, method or module name: `totalSize` -> `total_size`, `type` -> `type_`.
pub fn value_name(raw: &str) -> String {
    let name = words(raw).to_snake_case();
    let name = if name.is_empty() {
        "value".to_owned()
    } else {
        prefix_digit(name, "v")
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A constant's name: `apiKeyHeader` -> `API_KEY_HEADER`, `2fa` -> `V2FA`.
pub fn const_name(raw: &str) -> String {
    use heck::ToShoutySnakeCase;
    let name = words(raw).to_shouty_snake_case();
    if name.is_empty() {
        "SCHEME".to_owned()
    } else {
        prefix_digit(name, "V")
    }
}

/// An enum variant for a wire value: `NOT_FAIL` -> `NotFail`, `30%` -> `V30`.
pub fn variant_name(raw: &str) -> String {
    let name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        "Empty".to_owned()
    } else if KEYWORDS.contains(&name.as_str()) {
        // `SELF` -> `Self`, the one keyword a camel-case name can be.
        format!("{name}Value")
    } else {
        prefix_digit(name, "V")
    }
}

/// Hands out names unique within one scope, suffixing `2`, `3`... on collision, in the order
/// asked (so the result depends only on document order).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// The next number to try for each base name, so that n names alike cost n claims, not
    /// n squared (a spec may hold any number of names that convert to the same identifier).
    next: std::collections::BTreeMap<String, usize>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    /// A scope in which `names` are already taken.
    pub fn with_taken<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Scope {
            taken: names.into_iter().map(str::to_owned).collect(),
            next: Default::default(),
        }
    }

    pub fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let base = wanted.trim_end_matches('_').to_owned();
        let next = self.next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Reason-phrase names for the statuses APIs document most, used as variant names.
pub fn status_variant(code: u16) -> String {
    let name = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        206 => "PartialContent",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        422 => "UnprocessableEntity",
        423 => "Locked",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_case() {
        assert_eq!(type_name("clusterLogRecord"), "ClusterLogRecord");
        assert_eq!(type_name("error-response"), "ErrorResponse");
        assert_eq!(value_name("totalSize"), "total_size");
        assert_eq!(value_name("X-Language"), "x_language");
        assert_eq!(value_name("createAt"), "create_at");
    }

    #[test]
    fn escapes_keywords_and_reserved_names() {
        assert_eq!(value_name("type"), "type_");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("ref"), "ref_");
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(variant_name("SELF"), "SelfValue");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(type_name("string"), "StringType");
    }

    #[test]
    fn handles_digits_punctuation_and_empty() {
        assert_eq!(type_name("200_response"), "V200Response");
        assert_eq!(value_name("1st"), "v1st");
        assert_eq!(variant_name("30%"), "V30");
        assert_eq!(variant_name("NOT_FAIL"), "NotFail");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(value_name("$$"), "value");
        assert_eq!(type_name("données"), "Donnees");
        assert_eq!(type_name("Ünïcödé Nämé"), "UnicodeName");
        assert_eq!(value_name("é"), "e");
    }

    #[test]
    fn scope_resolves_collisions_in_order() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("FooBar".into()), "FooBar");
        assert_eq!(scope.claim("FooBar".into()), "FooBar2");
        assert_eq!(scope.claim("FooBar".into()), "FooBar3");
        let mut scope = Scope::with_taken(["type_"]);
        assert_eq!(scope.claim("type_".into()), "type2");
    }

    #[test]
    fn status_variants() {
        assert_eq!(status_variant(429), "TooManyRequests");
        assert_eq!(status_variant(499), "Status499");
    }
}
