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

/// The workspace's target folder (`CARGO_TARGET_DIR` when set, as CI sets it to a folder kept
/// between runs): where the tests that run cargo write and build their crates, so that what
/// they build is kept with the rest.
pub fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .filter(|dir| !dir.is_empty())
        .map(std::path::PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}
