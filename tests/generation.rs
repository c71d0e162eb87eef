//! The generator on this project's specs and fixtures, without building anything: snapshots
//! of the generated code, the committed `generated/` crate's freshness, and the located
//! errors for malformed specs.

#[path = "generation/generated_code.rs"]
mod generated_code;
#[path = "generation/malformed.rs"]
mod malformed;
