//! The client runtime: signing, retries, timeouts, endpoints, redaction, tracing.
//!
//! Every server is a wiremock server on 127.0.0.1; nothing else is contacted.

mod common;
mod endpoints;
mod hostile;
mod redaction;
mod retries;
mod signing_e2e;
mod timeouts;
mod vectors;
