//! Multi-file specs with hostile file names: the input is several (file name, text) pairs,
//! served from memory to the loader (`load_spec_with`), whose `$ref`s may reach each other;
//! the first file is the spec. Then `generate`.
//!
//!     cargo fuzz run specs -- -max_total_time=60 -rss_limit_mb=2048
//!
//! Asserted beyond "no panic": when generation succeeds, the files hold the invariants of
//! `clientgen_fuzz::invariants::check_files` (plain paths inside the crate, no raw control
//! character, the header intact, every `.rs` parses, `Cargo.toml` holds only the fixed
//! dependency list), whatever the file names.
//!
//! Input: a flags byte, then records separated by 0x00, each `name 0x01 text`. The flags pick
//! the output (a crate, or the one file of a build script) and a hostile folder put in front
//! of every name (newlines, `..`, absolute, quotes, control characters, unicode, ...), so
//! relative `$ref`s still resolve.
#![no_main]

use clientgen::config::Output;
use clientgen::load::{load_spec_with, normalize};
use clientgen::{generate, Config};
use clientgen_fuzz::invariants::check_files;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FOLDERS: &[&str] = &[
    "",
    "../",
    "/abs/",
    "new\nline/",
    "quo\"te'/",
    "ctl\u{7}\u{1b}[31m/",
    "ünï cödé/",
    "\u{202e}bidi\u{2066}/",
    "cr\r/",
    "*/ /* `x` {} #[/",
    "tab\t/",
    "..\n/",
    "a\n[dependencies]\nevil = \"1\"\n/",
    "\u{2028}sep\u{85}/",
    "x\u{0}y/",
    "./.././",
];

fuzz_target!(|data: &[u8]| {
    let Some((flags, rest)) = data.split_first() else {
        return;
    };
    let folder = FOLDERS[usize::from(flags >> 4) % FOLDERS.len()];
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for record in rest.split(|&b| b == 0).take(8) {
        let (name, text) = match record.iter().position(|&b| b == 1) {
            Some(at) => (&record[..at], &record[at + 1..]),
            None => (record, &[][..]),
        };
        let name = format!("{folder}{}", String::from_utf8_lossy(name));
        files.push((
            PathBuf::from(name),
            String::from_utf8_lossy(text).into_owned(),
        ));
    }
    let Some((root, _)) = files.first().cloned() else {
        return;
    };
    // As a file system would: the loader asks for normalized paths.
    let disk: BTreeMap<PathBuf, String> = files
        .into_iter()
        .rev()
        .map(|(name, text)| (normalize(&name), text))
        .collect();
    let mut read = |path: &Path| {
        disk.get(path).cloned().ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file in the input")
        })
    };
    let Ok(spec) = load_spec_with(&root, &mut read) else {
        return;
    };
    let config = Config {
        output: if flags & 1 == 0 {
            Output::Crate
        } else {
            Output::Module {
                mount: "crate::api".to_owned(),
            }
        },
        ..Config::default()
    };
    if let Ok(files) = generate(&config, &[spec]) {
        check_files(&files, &config.crate_name);
    }
});
