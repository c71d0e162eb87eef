//! The project's test suite lives in this crate's test targets:
//! - `generated_code`: insta snapshots of the code generated from each spec, and the check
//!   that the committed `generated/` crate is what the specs produce;
//! - `e2e`: every operation of the generated client against a real HTTP server on 127.0.0.1.
