//! The project's test suite lives in this crate's test targets:
//! - `generated_code`: insta snapshots of the code generated from each spec, and the check
//!   that the committed `generated/` crate is what the specs produce;
//! - `e2e`: every operation of the generated client against a real HTTP server on 127.0.0.1.
//!
//! The README is included below, so its Rust examples are compiled as doc tests and cannot
//! drift from the generated client's API.
#![doc = include_str!("../README.md")]
