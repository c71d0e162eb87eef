//! Emit: the model to the output's files, one emitter per concern.
//!
//! `types` (schemas), `operations` (request builders and outcomes), `workflows` (waiters and
//! paginators on the builders), `client` (the service client and module root), `errors` (the
//! service's error type, in the module root), `security` (the schemes), `manifest` (the crate
//! around them), `runtime` (support code copied as it is); `inputs` is what a builder holds,
//! read by `operations`, `client` and `workflows`. Emitters read only the model.
//!
//! Items are built as tokens, but a module's file (`render_*` of `types`, `operations`,
//! `client`) is returned as its text, formatted item by item as it is emitted (through
//! [`crate::write::render_items`]), so a large file is never held as one token stream.
//! `manifest` returns `Cargo.toml` as text and `lib.rs` as tokens; this module gathers the
//! files.

mod client;
mod docs;
mod errors;
mod inputs;
mod manifest;
mod operations;
mod runtime;
mod rust;
mod security;
mod serde_impls;
mod types;
mod workflows;

use crate::config::Output;
use crate::model::Api;
use crate::write::{bundle, file_manifest, header, include_header, render_rust, GeneratedFile};
use crate::Config;

/// Whether a spec's module cannot be called `name`: the runtime's modules take their names
/// from its files (so a new runtime file reserves its name with no second list to update),
/// and `lib` and `main` name files (`src/lib.rs`, `src/main.rs`) that mean something else to
/// Cargo.
pub fn is_reserved_module(name: &str) -> bool {
    matches!(name, "lib" | "main")
        || runtime::FILES
            .iter()
            .chain([&runtime::STREAM])
            .any(|(file, _)| file.strip_suffix(".rs") == Some(name))
}

/// Every file of the output, in a fixed order: the crate's files, or the one file to include.
pub fn emit_crate(config: &Config, apis: &[Api]) -> Vec<GeneratedFile> {
    match &config.output {
        Output::Crate => crate_files(config, apis),
        Output::Module { .. } => {
            let files = source_files(config, apis, true);
            let from_specs = specs_of(apis);
            vec![GeneratedFile {
                path: format!("{}.rs", config.crate_ident()),
                contents: bundle(&include_header(&from_specs), &files),
            }]
        }
    }
}

fn specs_of(apis: &[Api]) -> String {
    let sources: Vec<&str> = apis.iter().map(|a| a.source.as_str()).collect();
    sources.join(", ")
}

fn crate_files(config: &Config, apis: &[Api]) -> Vec<GeneratedFile> {
    let from_specs = specs_of(apis);
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".into(),
            contents: manifest::cargo_toml(config, apis, &header("#", &from_specs)),
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
    files.extend(source_files(config, apis, false));
    files.push(file_manifest(&from_specs, &files));
    files
}

/// `src/lib.rs`, the runtime and the modules: the Rust files of the crate. `serde_feature`
/// gives every type both serde traits.
fn source_files(config: &Config, apis: &[Api], for_include: bool) -> Vec<GeneratedFile> {
    let serde_feature = config.serde_feature.as_deref();
    let shared = config.runtime.is_shared();
    // Where the runtime is mounted: the crate root, or where the file is included.
    let root = match &config.output {
        Output::Module { mount } => mount.as_str(),
        Output::Crate => "crate",
    };
    let from_specs = specs_of(apis);
    let mut files = vec![GeneratedFile {
        path: "src/lib.rs".into(),
        contents: render_rust(
            &from_specs,
            manifest::lib_rs(apis, for_include, serde_feature, shared),
        ),
    }];
    let stream = apis
        .iter()
        .any(Api::has_streams)
        .then_some(&runtime::STREAM);
    // A shared runtime is a dependency: nothing of it is copied.
    let copied = if shared { &[][..] } else { runtime::FILES };
    for (name, source) in copied.iter().chain(stream.filter(|_| !shared)) {
        files.push(GeneratedFile {
            path: format!("src/{name}"),
            contents: format!(
                "{}{}",
                header("//", "the clientgen runtime"),
                runtime::without_unit_tests(source)
            ),
        });
    }
    type Renderer<'a> = &'a dyn Fn(&Api) -> String;
    let per_module: [(&str, Renderer); 4] = [
        ("mod.rs", &|api| {
            render_rust(
                &api.source,
                rust::rooted(client::emit_module_root(api), root),
            )
        }),
        ("client.rs", &|api| client::render_client(api, root)),
        ("operations.rs", &|api| {
            operations::render_operations(api, root)
        }),
        ("types.rs", &|api| {
            types::render_types(api, serde_feature, root)
        }),
    ];
    for api in apis {
        for (file, render) in per_module {
            files.push(GeneratedFile {
                path: format!("src/{}/{file}", api.module),
                contents: render(api),
            });
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use crate::config::{Output, Runtime};
    use crate::Config;

    fn api() -> crate::model::Api {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n";
        let spec = crate::load::load_spec_with(std::path::Path::new("t.yaml"), &mut |_| {
            Ok(text.to_owned())
        })
        .unwrap();
        crate::model::lower(&spec, "t").unwrap()
    }

    fn include_file(runtime: Runtime) -> String {
        let config = Config {
            output: Output::Module {
                mount: "crate::api".into(),
            },
            crate_name: "t".into(),
            runtime,
            ..Config::default()
        };
        let files = super::emit_crate(&config, &[api()]);
        assert_eq!(files.len(), 1);
        files[0].contents.clone()
    }

    /// Every runtime module's name is reserved, the ones split out of the transport included,
    /// and a spec's own names are not.
    #[test]
    fn the_runtime_modules_names_are_reserved() {
        for name in [
            "lib",
            "main",
            "auth",
            "endpoint",
            "mock",
            "request",
            "stream",
            "transport",
            "validate",
        ] {
            assert!(super::is_reserved_module(name), "{name}");
        }
        for name in ["css", "requests", "transport_api", ""] {
            assert!(!super::is_reserved_module(name), "{name}");
        }
        for (name, _) in super::manifest::RUNTIME_MODULES {
            assert!(super::is_reserved_module(name), "{name}");
        }
    }

    /// The inline runtime declares a module for each file it copies, and copies a file for
    /// each module it declares.
    #[test]
    fn the_runtime_files_and_modules_agree() {
        let mut files: Vec<&str> = super::runtime::FILES
            .iter()
            .map(|(file, _)| file.strip_suffix(".rs").unwrap())
            .collect();
        files.sort();
        let mut modules: Vec<&str> = super::manifest::RUNTIME_MODULES
            .iter()
            .map(|(name, _)| *name)
            .chain(["mock"])
            .collect();
        modules.sort();
        assert_eq!(files, modules);
    }

    /// An included file names the runtime from its mount, inline or shared, and nothing of
    /// its text is rewritten.
    #[test]
    fn an_included_file_is_rooted_at_its_mount() {
        let inline = include_file(Runtime::Inline);
        assert!(inline.contains("mod transport {"), "{inline}");
        assert!(inline.contains("crate::api::transport::"), "{inline}");
        assert!(!inline.contains("clientgen_runtime"));
        let shared = include_file(Runtime::Crate);
        assert!(!shared.contains("mod transport"), "{shared}");
        assert!(shared.contains("use ::clientgen_runtime::{"), "{shared}");
        assert!(shared.contains("crate::api::transport::"), "{shared}");
        for text in [inline, shared] {
            let runtime_paths = text.matches("crate::").count();
            let rooted = text.matches("crate::api::").count();
            assert_eq!(
                runtime_paths, rooted,
                "every crate:: path is rooted:\n{text}"
            );
        }
    }

    /// A crate on the shared runtime copies none of it and asks for exactly this version.
    #[test]
    fn a_crate_on_the_shared_runtime_depends_on_it_pinned() {
        let config = Config {
            runtime: Runtime::Path("runtime".into()),
            ..Config::default()
        };
        let files = super::emit_crate(&config, &[api()]);
        assert!(!files.iter().any(|f| f.path == "src/transport.rs"));
        let manifest = &files
            .iter()
            .find(|f| f.path == "Cargo.toml")
            .unwrap()
            .contents;
        assert!(manifest.contains(&format!(
            "clientgen-runtime = {{ version = \"={}\", path = \"../runtime\" }}",
            crate::config::RUNTIME_VERSION
        )));
        let config = Config {
            runtime: Runtime::Crate,
            ..config
        };
        let files = super::emit_crate(&config, &[api()]);
        let manifest = &files
            .iter()
            .find(|f| f.path == "Cargo.toml")
            .unwrap()
            .contents;
        assert!(manifest.contains(&format!(
            "clientgen-runtime = {{ version = \"={}\" }}",
            crate::config::RUNTIME_VERSION
        )));
        let lib = &files
            .iter()
            .find(|f| f.path == "src/lib.rs")
            .unwrap()
            .contents;
        assert!(lib.contains("__private::version_is(\""), "{lib}");
    }
}
