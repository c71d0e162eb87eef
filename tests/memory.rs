//! Peak heap memory, measured by a counting allocator: a 200 MiB download to file
//! (`downloads/memory.rs`) and huge hostile response bodies (`runtime/body_memory.rs`).
//!
//! A binary of its own, because the allocator counts the whole process: nothing else may
//! allocate while a measurement runs, and the measurements take turns
//! ([`counting_alloc::one_at_a_time`]).

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/hostile_server.rs"]
mod hostile_server;

#[path = "runtime/body_memory.rs"]
mod body_memory;
#[path = "downloads/memory.rs"]
mod download_memory;

#[global_allocator]
static ALLOCATOR: counting_alloc::Counting = counting_alloc::Counting;
