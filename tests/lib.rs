//! The project's test suite lives in this crate's test targets; `tests/README.md` lists them
//! and what each covers. This library holds what they share.
//!
//! The README is included below, so its Rust examples are compiled as doc tests and cannot
//! drift from the generated client's API.
#![doc = include_str!("../README.md")]

/// The workspace's root folder, where the specs, fixtures and `generated/` are.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}
