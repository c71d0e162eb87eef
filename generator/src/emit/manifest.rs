//! The crate around the modules: `Cargo.toml`, returned as its text, and `lib.rs`, as
//! tokens.

use super::docs::{doc_attrs, inner_doc_lines, spec_line};
use crate::config::{Runtime, RUNTIME_VERSION};
use crate::model::Api;
use crate::Config;
use proc_macro2::TokenStream;
use quote::quote;
use std::path::{Component, Path, PathBuf};

/// Dependencies of every generated crate: well-known crates only, never the generator.
const DEPENDENCIES: &str = r#"[dependencies]
bytes = "1"
fastrand = "2"
futures-core = "0.3"
hmac = "0.12"
http = { version = "1", optional = true }
httpdate = "1"
percent-encoding = "2"
reqwest = { version = "0.13", default-features = false, features = ["multipart", "rustls", "stream"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
sha2 = "0.10"
tokio = { version = "1", features = ["fs", "io-util", "time"] }
tracing = "0.1"

[dev-dependencies]
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

/// Dependencies of a crate that uses the shared runtime: the runtime, at exactly the
/// generator's version, and the crates the generated code names itself.
fn shared_dependencies(config: &Config) -> String {
    let path = match &config.runtime {
        Runtime::Path(dir) => format!(
            ", path = {}",
            crate::escape::toml_string(&relative_path(&config.out_dir, dir))
        ),
        _ => String::new(),
    };
    format!(
        r#"[dependencies]
clientgen-runtime = {{ version = "={RUNTIME_VERSION}"{path} }}
reqwest = {{ version = "0.13", default-features = false }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"

[dev-dependencies]
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}
"#
    )
}

/// `dir` as a path from `out_dir`, with forward slashes: relative when both are relative
/// (`generated`, `runtime` -> `../runtime`), absolute otherwise.
fn relative_path(out_dir: &Path, dir: &Path) -> String {
    let absolute = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        }
    };
    let plain = |p: &Path| {
        p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    };
    let path: PathBuf = if out_dir.is_relative() && dir.is_relative() && plain(out_dir) {
        let out: Vec<_> = out_dir
            .components()
            .filter(|c| *c != Component::CurDir)
            .collect();
        let to: Vec<_> = dir
            .components()
            .filter(|c| *c != Component::CurDir)
            .collect();
        let common = out.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut path = PathBuf::new();
        for _ in common..out.len() {
            path.push("..");
        }
        for c in &to[common..] {
            path.push(c);
        }
        if path.as_os_str().is_empty() {
            path.push(".");
        }
        path
    } else {
        absolute(dir)
    };
    path.to_string_lossy().replace('\\', "/")
}

pub fn cargo_toml(config: &Config, apis: &[Api], header: &str) -> String {
    let modules: Vec<&str> = apis.iter().map(|a| a.module.as_str()).collect();
    let titles: Vec<&str> = apis.iter().map(|a| a.title.as_str()).collect();
    // Titles are spec text: escaped as a TOML string, they can hold nothing but a description.
    let description =
        crate::escape::toml_string(&format!("Async client for: {}", titles.join("; ")));
    let default = modules
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut features: String = modules.iter().map(|m| format!("{m} = []\n")).collect();
    if let Some(feature) = &config.serde_feature {
        features.push_str(&format!(
            "# Every type implements both Serialize and Deserialize, not only the direction it\n\
             # travels in (off by default: the other directions cost compile time).\n\
             {feature} = []\n"
        ));
    }
    format!(
        "{header}\
[package]
name = {name}
version = {version}
edition = \"2021\"
description = {description}
publish = false

[lib]
{lib_name}path = \"src/lib.rs\"

[features]
default = [{default}]
{features}# Test doubles (`mock::Mock`): calls answered without a network, for your tests only.
mock = [{mock}]

{dependencies}",
        mock = if config.runtime.is_shared() {
            "\"clientgen-runtime/mock\""
        } else {
            "\"dep:http\""
        },
        dependencies = if config.runtime.is_shared() {
            shared_dependencies(config)
        } else {
            DEPENDENCIES.to_owned()
        },
        name = crate::escape::toml_string(&config.crate_name),
        version = crate::escape::toml_string(&config.crate_version),
        lib_name = lib_name(&config.crate_name)
            .map(|n| format!("name = {}\n", crate::escape::toml_string(&n)))
            .unwrap_or_default(),
    )
}

/// The library's name when the package's would not be snake case (`MyClient` -> `my_client`):
/// rustc warns about a crate name with capitals (`non_snake_case`). `None` keeps Cargo's,
/// the package name with `-` as `_`.
fn lib_name(package: &str) -> Option<String> {
    if package.chars().any(|c| c.is_ascii_uppercase()) {
        Some(crate::model::naming::value_name(package))
    } else {
        None
    }
}

/// The crate root; `for_include` drops what only a crate root may hold (inner attributes,
/// crate docs) and the per-spec Cargo features, for a file that is `include!`d.
pub fn lib_rs(
    apis: &[Api],
    for_include: bool,
    serde_feature: Option<&str>,
    shared: bool,
) -> TokenStream {
    let mut text = String::from("Async clients generated by clientgen, one module per spec (each behind a Cargo feature of the same name):\n");
    for api in apis {
        // Not `- [`x`]: title`: a one-word title would read as a link reference definition.
        text.push_str(&format!(
            "\n- [`{}`] \u{2014} {} (from `{}`)",
            api.module,
            spec_line(&api.title),
            api.source
        ));
    }
    text.push_str(
        "\n\nEvery service client is built from one shared [`Config`] (endpoint, credentials); each method returns a request builder whose `send` checks the arguments, sends the request and decodes the documented responses.",
    );
    text.push_str(
        "\n\nThe `mock` feature (off by default, for tests) adds `mock::Mock`, which answers calls in place of the network.",
    );
    if shared {
        text.push_str(
            "\n\nThe runtime is the `clientgen-runtime` crate, shared with every client generated for it: this crate's `Config`, `Credentials` and `Error` are `clientgen_runtime`'s, so one `Config` builds them all and one function handles all their errors.",
        );
    }
    if let Some(feature) = serde_feature {
        text.push_str(&format!(
            "\n\nA type of a module's `types` implements `Deserialize` when it is received and `Serialize` when it is sent (string enums both); the feature `{feature}` (off by default) gives every type both, to log, store or make up values."
        ));
    }
    let modules = apis.iter().map(|a| {
        let m = super::rust::ident(&a.module);
        let feature = &a.module;
        // Inline, the module's own inner docs say it; an outer doc beside them is refused.
        let (doc, cfg) = if for_include {
            (quote!(), quote!())
        } else {
            (doc_attrs(&a.title), quote!(#[cfg(feature = #feature)]))
        };
        quote! {
            #doc
            #cfg
            pub mod #m;
        }
    });
    let head = if for_include {
        quote!()
    } else {
        let doc = inner_doc_lines(&text);
        quote! {
            #doc
            #![forbid(unsafe_code)]
            #![warn(missing_debug_implementations)]
        }
    };
    let runtime = if shared {
        shared_runtime(apis, for_include)
    } else {
        inline_runtime(apis, for_include)
    };
    quote! {
        #head

        #runtime

        #(#modules)*
    }
}

/// The runtime's modules at the crate root: (name, public). Private ones are `pub` but hidden
/// in `clientgen-runtime` (`runtime/src/lib.rs`, which a test holds to this list).
pub const RUNTIME_MODULES: &[(&str, bool)] = &[
    ("auth", true),
    ("body", false),
    ("config", false),
    ("conventions", true),
    ("de", false),
    ("download", false),
    ("endpoint", false),
    ("enums", false),
    ("error", false),
    ("paginate", false),
    ("params", false),
    ("request", false),
    ("response", false),
    ("retry", true),
    ("signing", true),
    ("transport", false),
    ("validate", false),
    ("waiter", false),
];

/// What the crate root re-exports from the runtime's modules, for every crate.
pub const RUNTIME_REEXPORTS: &[(&str, &[&str])] = &[
    ("body", &["Multipart"]),
    (
        "config",
        &[
            "Clock",
            "Config",
            "ConfigBuilder",
            "ConfigError",
            "Credentials",
            "Hook",
            "HookContext",
            "Secret",
            "Timeouts",
        ],
    ),
    (
        "download",
        &[
            "DownloadError",
            "PresignedLink",
            "Progress",
            "Save",
            "Saved",
        ],
    ),
    ("enums", &["UnknownValue"]),
    (
        "error",
        &[
            "ConstructionError",
            "DispatchError",
            "Error",
            "RawResponse",
            "ResponseError",
            "ResponseErrorKind",
            "ServiceError",
            "TimeoutError",
            "TimeoutKind",
            "Untyped",
            "UntypedError",
        ],
    ),
    ("response", &["ByteStream", "Outcome", "ResponseValue"]),
    ("paginate", &["Items", "PageError", "Pages"]),
    ("retry", &["RetryConfig"]),
    ("waiter", &["WaitError", "Waiter"]),
];

/// The re-exports of the stream decoders, for crates whose specs stream.
pub const STREAM_REEXPORTS: (&str, &[&str]) = (
    "stream",
    &[
        "Event",
        "EventStream",
        "JsonStream",
        "StreamError",
        "StreamErrorKind",
    ],
);

fn reexports(prefix: &TokenStream, streams: bool) -> TokenStream {
    let stream = streams.then_some(&STREAM_REEXPORTS);
    let uses = RUNTIME_REEXPORTS
        .iter()
        .chain(stream)
        .map(|(module, items)| {
            let stream = (*module == STREAM_REEXPORTS.0 && prefix.is_empty()).then(|| {
                // Only crates that stream carry the stream decoders: unused, they would be dead
                // code.
                quote! {
                    #[allow(dead_code)]
                    mod stream;
                }
            });
            let module = super::rust::ident(module);
            let items = items.iter().map(|i| super::rust::ident(i));
            quote!(#stream pub use #prefix #module::{#(#items),*};)
        });
    quote!(#(#uses)*)
}

/// The runtime's files as modules of the crate.
fn inline_runtime(apis: &[Api], for_include: bool) -> TokenStream {
    // The test doubles, behind the crate's `mock` feature. A crate that includes the file
    // has no such feature of ours: it goes without.
    let mock = if for_include {
        quote!()
    } else {
        quote! {
            #[cfg(feature = "mock")]
            pub mod mock;
        }
    };
    let modules = RUNTIME_MODULES.iter().map(|(name, public)| {
        let after = (*name == "error").then_some(&mock);
        let name = super::rust::ident(name);
        if *public {
            quote!(pub mod #name; #after)
        } else {
            quote! {
                #[allow(dead_code)]
                mod #name;
                #after
            }
        }
    });
    let reexports = reexports(&quote!(), apis.iter().any(Api::has_streams));
    quote! {
        // The runtime supports every kind of parameter and response; a crate's specs may
        // not use them all.
        #(#modules)*

        #reexports
    }
}

/// The shared runtime, `clientgen-runtime`: its modules imported where the generated code
/// expects them (`crate::transport`), its public items re-exported, its version checked.
fn shared_runtime(apis: &[Api], for_include: bool) -> TokenStream {
    let public = RUNTIME_MODULES
        .iter()
        .filter(|(_, public)| *public)
        .map(|(name, _)| super::rust::ident(name));
    let private = RUNTIME_MODULES
        .iter()
        .filter(|(_, public)| !*public)
        .map(|(name, _)| super::rust::ident(name));
    let streams = apis.iter().any(Api::has_streams);
    let mock = if for_include {
        quote!()
    } else {
        quote! {
            #[cfg(feature = "mock")]
            pub use ::clientgen_runtime::mock;
        }
    };
    let reexports = reexports(&quote!(::clientgen_runtime::), streams);
    let version = RUNTIME_VERSION;
    let message = format!(
        "this code was generated for clientgen-runtime {version}: depend on clientgen-runtime =\"{version}\", or regenerate it with the clientgen of the runtime's version"
    );
    quote! {
        // The runtime is the `clientgen-runtime` crate, shared with every client generated
        // for it: one `Config` builds them all, one `Error` type answers for them all.
        #[allow(unused_imports)]
        use ::clientgen_runtime::{#(#private,)* stream};
        pub use ::clientgen_runtime::{#(#public),*};
        #mock
        // Generated code and runtime are pinned to each other.
        const _: () = assert!(::clientgen_runtime::__private::version_is(#version), #message);

        #reexports
    }
}

#[cfg(test)]
mod tests {
    use super::{lib_name, lib_rs};

    /// The test doubles exist in crates, behind their `mock` feature; an included file, whose
    /// crate has no such feature of ours, goes without.
    #[test]
    fn the_mock_module_is_declared_behind_the_feature_in_crates_only() {
        let in_crate = lib_rs(&[], false, None, false).to_string();
        assert!(
            in_crate.contains(r#"# [cfg (feature = "mock")] pub mod mock ;"#),
            "{in_crate}"
        );
        assert!(!lib_rs(&[], true, None, false)
            .to_string()
            .contains("mod mock"));
        let manifest = super::cargo_toml(&crate::Config::default(), &[], "");
        assert!(manifest.contains("\nmock = [\"dep:http\"]\n"), "{manifest}");
        assert!(manifest.contains("\nhttp = { version = \"1\", optional = true }\n"));
    }

    /// The shared runtime crate declares the modules and re-exports an inline runtime gets,
    /// and has the generator's version, which generated code asks for exactly.
    #[test]
    fn the_runtime_crate_agrees_with_the_inline_runtime() {
        let lib: syn::File = syn::parse_str(include_str!("../../../runtime/src/lib.rs")).unwrap();
        let mut modules = Vec::new();
        let mut reexports = Vec::new();
        for item in &lib.items {
            match item {
                syn::Item::Mod(m) if m.content.is_none() => {
                    let hidden = m.attrs.iter().any(|a| {
                        a.path().is_ident("doc") && quote::quote!(#a).to_string().contains("hidden")
                    });
                    modules.push((m.ident.to_string(), !hidden));
                }
                syn::Item::Use(u) => {
                    let syn::UseTree::Path(path) = &u.tree else {
                        panic!("unexpected use")
                    };
                    let items: Vec<String> = match &*path.tree {
                        syn::UseTree::Group(g) => g
                            .items
                            .iter()
                            .map(|t| quote::quote!(#t).to_string())
                            .collect(),
                        other => vec![quote::quote!(#other).to_string()],
                    };
                    reexports.push((path.ident.to_string(), items));
                }
                _ => {}
            }
        }
        let mut expected: Vec<(String, bool)> = super::RUNTIME_MODULES
            .iter()
            .map(|(m, p)| (m.to_string(), *p))
            .collect();
        expected.extend([("mock".to_owned(), true), ("stream".to_owned(), false)]);
        expected.sort();
        modules.sort();
        assert_eq!(modules, expected);
        let mut expected: Vec<(String, Vec<String>)> = super::RUNTIME_REEXPORTS
            .iter()
            .chain([&super::STREAM_REEXPORTS])
            .map(|(m, items)| (m.to_string(), items.iter().map(|i| i.to_string()).collect()))
            .collect();
        expected.sort();
        reexports.sort();
        assert_eq!(reexports, expected);
        let manifest = include_str!("../../../runtime/Cargo.toml");
        let dependencies = |text: &str| -> Vec<String> {
            text.lines()
                .skip_while(|l| *l != "[dependencies]")
                .take_while(|l| !l.starts_with("[dev-dependencies]"))
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(
            dependencies(manifest),
            dependencies(super::DEPENDENCIES),
            "the runtime crate needs what an inline runtime needs"
        );
        assert!(
            manifest.contains(&format!(
                "\nversion = \"{}\"\n",
                crate::config::RUNTIME_VERSION
            )),
            "the runtime's version is the generator's"
        );
    }

    #[test]
    fn runtime_paths_are_written_from_the_output_folder() {
        use std::path::Path;
        assert_eq!(
            super::relative_path(Path::new("generated"), Path::new("runtime")),
            "../runtime"
        );
        assert_eq!(
            super::relative_path(Path::new("a/b"), Path::new("a/rt")),
            "../rt"
        );
        assert_eq!(
            super::relative_path(Path::new("./x"), Path::new("x/rt")),
            "rt"
        );
        assert_eq!(
            super::relative_path(Path::new("x"), Path::new("/abs/rt")),
            "/abs/rt"
        );
    }

    #[test]
    fn a_package_name_with_capitals_gets_a_snake_case_library_name() {
        assert_eq!(lib_name("cloud-logs-client"), None);
        assert_eq!(lib_name("cloud_logs"), None);
        assert_eq!(lib_name("MyClient").as_deref(), Some("my_client"));
        assert_eq!(lib_name("Cloud-Logs2").as_deref(), Some("cloud_logs2"));
        assert_eq!(lib_name("Self").as_deref(), Some("self_"));
    }
}
