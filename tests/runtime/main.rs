//! The client runtime: signing, retries, timeouts, endpoints, redaction, tracing.
