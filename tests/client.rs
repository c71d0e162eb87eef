//! The generated client `cloud_logs_client` against real HTTP servers on 127.0.0.1: one test
//! binary, because each binary links the whole client and every link costs time on a 2-core
//! machine. The folders are its modules; `tests/README.md` says what each covers.

#[path = "support/hostile_server.rs"]
mod hostile_server;

#[path = "downloads/mod.rs"]
mod downloads;
#[path = "e2e/mod.rs"]
mod e2e;
#[path = "runtime/mod.rs"]
mod runtime;
#[path = "workflows/mod.rs"]
mod workflows;
