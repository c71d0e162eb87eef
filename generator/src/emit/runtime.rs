//! The runtime every generated crate carries: ordinary Rust source, compiled and tested as
//! part of the generated crate, so the crate depends on well-known crates only.

/// (file under `src/`, source).
pub const FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../../runtime/src/auth.rs")),
    ("body.rs", include_str!("../../../runtime/src/body.rs")),
    ("config.rs", include_str!("../../../runtime/src/config.rs")),
    (
        "conventions.rs",
        include_str!("../../../runtime/src/conventions.rs"),
    ),
    ("de.rs", include_str!("../../../runtime/src/de.rs")),
    (
        "download.rs",
        include_str!("../../../runtime/src/download.rs"),
    ),
    (
        "endpoint.rs",
        include_str!("../../../runtime/src/endpoint.rs"),
    ),
    ("enums.rs", include_str!("../../../runtime/src/enums.rs")),
    ("error.rs", include_str!("../../../runtime/src/error.rs")),
    // Declared behind the `mock` feature, and only in crates (see `manifest::lib_rs`).
    ("mock.rs", include_str!("../../../runtime/src/mock.rs")),
    (
        "paginate.rs",
        include_str!("../../../runtime/src/paginate.rs"),
    ),
    ("params.rs", include_str!("../../../runtime/src/params.rs")),
    (
        "request.rs",
        include_str!("../../../runtime/src/request.rs"),
    ),
    (
        "response.rs",
        include_str!("../../../runtime/src/response.rs"),
    ),
    ("retry.rs", include_str!("../../../runtime/src/retry.rs")),
    (
        "signing.rs",
        include_str!("../../../runtime/src/signing.rs"),
    ),
    (
        "transport.rs",
        include_str!("../../../runtime/src/transport.rs"),
    ),
    (
        "validate.rs",
        include_str!("../../../runtime/src/validate.rs"),
    ),
    ("waiter.rs", include_str!("../../../runtime/src/waiter.rs")),
];

/// The decoders of streamed items, carried only by crates whose specs stream (its types
/// would otherwise be unused).
pub const STREAM: (&str, &str) = ("stream.rs", include_str!("../../../runtime/src/stream.rs"));

/// Where a runtime file's unit tests begin: by convention they are its last item.
const UNIT_TESTS: &str = "\n#[cfg(test)]\nmod tests {";

/// The part of a runtime file a client with the runtime inline copies: all but its unit
/// tests. They run in the runtime crate; copied, they would run again in every such client
/// and ask its crate for the runtime's dev-dependencies.
pub fn without_unit_tests(source: &str) -> &str {
    match source.find(UNIT_TESTS) {
        Some(at) => &source[..at + 1],
        None => source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cutting at the marker is right only if the test module is the file's last item: after
    /// the marker, the one line that closes a top-level block is the file's last.
    #[test]
    fn unit_tests_are_each_runtime_file_s_last_item() {
        for (name, source) in FILES.iter().chain([&STREAM]) {
            let Some(at) = source.find(UNIT_TESTS) else {
                continue;
            };
            let tests = &source[at + 1..];
            let closing: Vec<&str> = tests.lines().filter(|l| l.starts_with('}')).collect();
            assert_eq!(
                closing,
                ["}"],
                "{name}: the unit tests are not the last item"
            );
            assert!(tests.trim_end().ends_with('}'), "{name}");
            assert!(without_unit_tests(source).ends_with('\n'), "{name}");
        }
    }

    #[test]
    fn a_file_without_unit_tests_is_copied_whole() {
        assert_eq!(without_unit_tests("pub fn f() {}\n"), "pub fn f() {}\n");
        assert_eq!(
            without_unit_tests(
                "pub fn f() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n"
            ),
            "pub fn f() {}\n\n"
        );
    }
}
