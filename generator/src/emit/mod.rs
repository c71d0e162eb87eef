//! Emit: the model to Rust tokens, one emitter per concern.
//!
//! `types` (schemas), `operations` (request builders and outcomes), `client` (the service
//! client and module root), `manifest` (the crate around them), `runtime` (support code
//! copied as it is). Emitters read only the model.

mod client;
mod docs;
mod manifest;
mod operations;
mod runtime;
mod rust;
mod types;
mod workflows;

use crate::model::Api;
use crate::write::{header, render_rust, GeneratedFile};
use crate::Config;

/// Module names the crate root uses for the runtime.
pub const RESERVED_MODULES: &[&str] = &[
    "body",
    "config",
    "download",
    "error",
    "paginate",
    "response",
    "retry",
    "signing",
    "transport",
    "waiter",
];

/// Every file of the crate, in a fixed order.
pub fn emit_crate(config: &Config, apis: &[Api]) -> Vec<GeneratedFile> {
    let sources: Vec<&str> = apis.iter().map(|a| a.source.as_str()).collect();
    let from_specs = sources.join(", ");
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            contents: manifest::cargo_toml(config, apis, &header("#", &from_specs)),
        },
        GeneratedFile {
            path: "src/lib.rs".into(),
            contents: render_rust(&from_specs, manifest::lib_rs(apis)),
        },
        // The layout is prettyplease's, and `clientgen check` guards it; rustfmt keeps out.
        GeneratedFile {
            path: "rustfmt.toml".into(),
            contents: format!(
                "{}disable_all_formatting = true\n",
                header("#", &from_specs)
            ),
        },
    ];
    for (name, source) in runtime::FILES {
        files.push(GeneratedFile {
            path: format!("src/{name}"),
            contents: format!("{}{source}", header("//", "the clientgen runtime")),
        });
    }
    type Emitter = fn(&Api) -> proc_macro2::TokenStream;
    let per_module: [(&str, Emitter); 4] = [
        ("mod.rs", client::emit_module_root),
        ("client.rs", client::emit_client),
        ("operations.rs", operations::emit_operations),
        ("types.rs", types::emit_types),
    ];
    for api in apis {
        for (file, emitter) in per_module {
            files.push(GeneratedFile {
                path: format!("src/{}/{file}", api.module),
                contents: render_rust(&api.source, emitter(api)),
            });
        }
    }
    files
}
