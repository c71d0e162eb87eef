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
