//! Waiters and paginators of the generated client against wiremock on 127.0.0.1.
//!
//! Every test runs with delays of milliseconds and inside a time bound
//! ([`common::TEST_LIMIT`]), so a waiter or paginator that never ends fails instead of hanging.

mod common;
mod paginators;
mod waiters;
