//! Emit: the model to Rust tokens, one emitter per concern.
use crate::model::Api;
use crate::{Config, GeneratedFile};

/// Module names the crate root uses for the runtime.
pub const RESERVED_MODULES: &[&str] = &["config", "error", "response", "transport"];

pub fn emit_crate(_config: &Config, _apis: &[Api]) -> Vec<GeneratedFile> {
    Vec::new()
}
