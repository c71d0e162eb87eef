//! End-to-end tests of the generated client `cloud_logs_client`: every operation against a
//! wiremock server on 127.0.0.1.

mod common;
mod decoding;
mod download;
mod examples;
mod paths;
mod redaction;
mod redirects;
mod requests;
mod undocumented;
mod validation;
