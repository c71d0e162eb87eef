//! The build-time client (`build.rs` generates it from `spec/`) against servers on 127.0.0.1:
//! one test binary for all but the memory-measuring `streams.rs`, since each binary links the
//! whole client.

mod auth;
mod client;
mod conventions;
mod http_client;
mod serde_both;
mod signing;
