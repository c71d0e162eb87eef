//! Any bytes, as a YAML or JSON spec, through load and generate: the generator must end in
//! files or diagnostics, never a panic, a hang or unbounded memory; files that hold the
//! invariants of `clientgen_fuzz::invariants::check_files`.
//!
//!     cargo fuzz run generate -- -max_total_time=60 -rss_limit_mb=2048
//!
//! The first byte picks the format, so the fuzzer explores both parsers.
#![no_main]

use clientgen::load::load_spec_with;
use clientgen::{generate, Config};
use clientgen_fuzz::invariants::check_files;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let name = if first % 2 == 0 {
        "fuzz.yaml"
    } else {
        "fuzz.json"
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let spec = load_spec_with(Path::new(name), &mut |p: &Path| {
        if p == Path::new(name) {
            Ok(text.clone())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the fuzzer gives one file",
            ))
        }
    });
    if let Ok(spec) = spec {
        let config = Config::default();
        if let Ok(files) = generate(&config, &[spec]) {
            check_files(&files, &config.crate_name);
        }
    }
});
