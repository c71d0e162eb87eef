//! Downloads to file (operation bodies and pre-signed links) against servers on 127.0.0.1.

mod common;
mod failures;
mod limits;
mod links;
mod operations;
mod raw;
mod saving;
