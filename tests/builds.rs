//! Tests that build crates with cargo: generated crates compile warning-free, `clientgen diff`
//! agrees with cargo-semver-checks, a build script regenerates exactly when it should, the
//! example program runs, and two clients share one runtime. Each builds in its own target
//! folder under `target/`, so none waits on the lock of the build that runs the tests.

#[path = "builds/build_script.rs"]
mod build_script;
#[path = "builds/compile_check.rs"]
mod compile_check;
#[path = "builds/example_program.rs"]
mod example_program;
#[path = "builds/shared_runtime.rs"]
mod shared_runtime;
