//! Downloads to file (operation bodies and pre-signed links) against servers on 127.0.0.1.

mod common;
mod failures;
#[path = "../support/hostile_server.rs"]
mod hostile_server;
mod limits;
mod links;
mod raw;
mod saving;
