//! One runtime for many clients: two crates generated from two specs on the shared runtime
//! (`--runtime path:runtime`) and a third crate using both, with ONE `clientgen_runtime::Config`
//! building both clients and ONE function handling the errors of both. That the third crate
//! compiles proves the types are the same; running it proves the errors arrive.
//!
//! The crates are written under `target/shared-runtime/` and built in compile_check's target
//! folder (same dependencies), never waiting on the lock of the build that runs this test.

use clientgen::config::Runtime;
use clientgen::{write, Config};
use clientgen_tests::workspace_root;
use std::path::{Path, PathBuf};
use std::process::Command;

fn generate(root: &Path, spec: &str, name: &str) -> PathBuf {
    let config = Config {
        specs: vec![root.join(spec)],
        out_dir: root.join("target/shared-runtime").join(name),
        crate_name: name.to_owned(),
        runtime: Runtime::Path(root.join("runtime")),
        ..Config::default()
    };
    let files =
        clientgen::generate_from_files(Path::new(""), &config).unwrap_or_else(|e| panic!("{e}"));
    let manifest = &files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .expect("a manifest")
        .contents;
    assert!(
        manifest.contains(&format!(
            "clientgen-runtime = {{ version = \"={}\", path = ",
            clientgen::config::RUNTIME_VERSION
        )),
        "{manifest}"
    );
    assert!(
        !files.iter().any(|f| f.path == "src/transport.rs"),
        "nothing of the runtime is copied"
    );
    write::write_files(&config.out_dir, &files).expect("the crate is written");
    config.out_dir
}

/// `cargo args` in `dir`, with the workspace's versions (the dependencies built for the
/// workspace and compile_check are reused) and compile_check's target folder.
fn cargo(root: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    }
    Command::new(env!("CARGO"))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", root.join("target/compile-check/target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

const APP: &str = r##"
use clientgen_runtime::{Config, RetryConfig, UntypedError};
use std::io::{Read, Write};

/// ONE error handler for every client.
fn handle(error: UntypedError) -> String {
    assert!(matches!(error, clientgen_runtime::Error::Response(_)), "{error:?}");
    format!("status {}", error.status().map_or(0, |s| s.as_u16()))
}

/// Answers every request with 503 and a small JSON body.
fn serve() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut buffer = [0u8; 8192];
            let _ = stream.read(&mut buffer);
            let body = r#"{"message":"down"}"#;
            let _ = write!(
                stream,
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{address}")
}

#[tokio::main]
async fn main() {
    // ONE configuration for both clients.
    let config: Config = Config::builder()
        .endpoint(serve())
        .project_id("p")
        .token("t")
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    // The clients' own names for the runtime's types are the runtime's types.
    let _: &shop_client::Config = &config;
    let _: &css_client::Config = &config;
    let shop = shop_client::shop::Client::new(&config);
    let css = css_client::css::Client::new(&config);
    let a = shop.list_orders().send().await.unwrap_err();
    let b = css.list_logs_job("c1").send().await.unwrap_err();
    let handled = [handle(a.into_untyped()), handle(b.into_untyped())];
    println!("{handled:?}");
    assert_eq!(handled, ["status 503", "status 503"]);
}
"##;

#[test]
fn two_clients_share_one_config_and_one_error_type() {
    let root = workspace_root();
    let shop = generate(&root, "tests/diff/v1/shop.yaml", "shop-client");
    let css = generate(&root, "spec/css.yaml", "css-client");
    let app = root.join("target/shared-runtime/app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    let path = |p: &Path| p.display().to_string().replace('\\', "/");
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"two-clients\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n\
             [dependencies]\n\
             shop-client = {{ path = {shop:?} }}\n\
             css-client = {{ path = {css:?} }}\n\
             clientgen-runtime = {{ path = {runtime:?} }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
            shop = path(&shop),
            css = path(&css),
            runtime = path(&root.join("runtime")),
        ),
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), APP).unwrap();
    // Each generated crate on the shared runtime is warning-free on its own.
    for client in [&shop, &css] {
        let output = cargo(
            &root,
            client,
            &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
        );
        assert!(
            output.status.success(),
            "clippy on {}:\n{}",
            client.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = cargo(&root, &app, &["run", "--quiet"]);
    assert!(
        output.status.success(),
        "the crate using both clients failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(r#"["status 503", "status 503"]"#),
        "{stdout}"
    );
}
