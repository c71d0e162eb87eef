//! The runtime every generated crate carries: ordinary Rust source, compiled and tested as
//! part of the generated crate, so the crate depends on well-known crates only.

/// (file under `src/`, source).
pub const FILES: &[(&str, &str)] = &[
    ("auth.rs", include_str!("../../runtime/auth.rs")),
    ("body.rs", include_str!("../../runtime/body.rs")),
    ("config.rs", include_str!("../../runtime/config.rs")),
    (
        "conventions.rs",
        include_str!("../../runtime/conventions.rs"),
    ),
    ("de.rs", include_str!("../../runtime/de.rs")),
    ("download.rs", include_str!("../../runtime/download.rs")),
    ("enums.rs", include_str!("../../runtime/enums.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    // Declared behind the `mock` feature, and only in crates (see `manifest::lib_rs`).
    ("mock.rs", include_str!("../../runtime/mock.rs")),
    ("paginate.rs", include_str!("../../runtime/paginate.rs")),
    ("params.rs", include_str!("../../runtime/params.rs")),
    ("response.rs", include_str!("../../runtime/response.rs")),
    ("retry.rs", include_str!("../../runtime/retry.rs")),
    ("signing.rs", include_str!("../../runtime/signing.rs")),
    ("transport.rs", include_str!("../../runtime/transport.rs")),
    ("waiter.rs", include_str!("../../runtime/waiter.rs")),
];

/// The decoders of streamed items, carried only by crates whose specs stream (its types
/// would otherwise be unused).
pub const STREAM: (&str, &str) = ("stream.rs", include_str!("../../runtime/stream.rs"));
