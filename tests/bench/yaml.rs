//! YAML reading: the loader's reader (`saphyr-parser`: values, errors and their positions in
//! one pass) against `serde_yaml` 0.9 (libyaml, the parser it replaced) reading the same text
//! into JSON values; and placing a problem found after parsing (the file read again by the
//! same parser, positions kept on the way to one node), against `serde_json` reading the same
//! JSON.
//!
//! The large YAML inputs are JSON specs written out as YAML by `serde_yaml` (block style), so
//! no YAML file needs downloading: GitHub's spec (when fetched) and a synthetic one.

use crate::measure::{median, seconds};
use std::path::Path;
use std::time::{Duration, Instant};

/// The median times of `baseline` and `ours` over `runs` runs each, taken in turns so that
/// whatever else the machine does weighs on both alike.
fn time(runs: usize, mut baseline: impl FnMut(), mut ours: impl FnMut()) -> (Duration, Duration) {
    let timed = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        f();
        started.elapsed()
    };
    let (mut theirs, mut mine) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        theirs.push(timed(&mut baseline));
        mine.push(timed(&mut ours));
    }
    (median(theirs), median(mine))
}

/// The same JSON document written as block-style YAML.
fn as_yaml(json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).expect("the JSON parses");
    serde_yaml::to_string(&value).expect("any JSON value is YAML")
}

pub fn reading(runs: usize, github: Option<&Path>) {
    println!(
        "\n== YAML reading (median of {runs} runs, in turns with the baseline: serde_yaml 0.9 \
         into JSON values; serde_json for placing)"
    );
    println!(
        "{:<36} {:>8} {:>10} {:>10} {:>7}",
        "text", "MB", "baseline", "clientgen", "ratio"
    );
    let row = |label: &str, bytes: usize, baseline: Duration, ours: Duration| {
        println!(
            "{:<36} {:>8.1} {:>10} {:>10} {:>6.2}x",
            label,
            bytes as f64 / 1e6,
            seconds(baseline),
            seconds(ours),
            ours.as_secs_f64() / baseline.as_secs_f64()
        );
    };

    let mut texts: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let ours = crate::spec_files(&crate::workspace_root().join("spec"))
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("the spec is readable");
            (path.display().to_string(), text)
        })
        .collect();
    texts.push(("this repository's spec/ (YAML)".into(), ours));
    let synthetic = as_yaml(&crate::synthetic::spec(5000));
    texts.push((
        "synthetic, 5000 operations (YAML)".into(),
        vec![("synthetic.yaml".into(), synthetic)],
    ));
    let github_json = github.map(|path| std::fs::read_to_string(path).expect("readable"));
    if let Some(json) = &github_json {
        texts.push((
            "GitHub's spec (YAML)".into(),
            vec![("github.yaml".into(), as_yaml(json))],
        ));
    }
    for (label, files) in &texts {
        let bytes = files.iter().map(|(_, text)| text.len()).sum();
        let (baseline, ours) = time(
            runs,
            || {
                for (_, text) in files {
                    let value: serde_json::Value =
                        serde_yaml::from_str(text).expect("serde_yaml reads it");
                    std::hint::black_box(value);
                }
            },
            || {
                for (name, text) in files {
                    let value = clientgen::load::parse_document(name, text).expect("it reads");
                    std::hint::black_box(value);
                }
            },
        );
        row(label, bytes, baseline, ours);
    }
    if let Some(json) = &github_json {
        // What placing a problem costs: the file read again, positions kept on the way to
        // the problem's node only.
        let (baseline, ours) = time(
            runs,
            || {
                let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
                std::hint::black_box(value);
            },
            || {
                let wanted = ["/components/schemas/repository/properties/name"];
                let positions =
                    clientgen::load::Positions::index_for(json, &wanted).expect("indexes");
                std::hint::black_box(positions);
            },
        );
        row("GitHub's spec (JSON), placing", json.len(), baseline, ours);
    }
}
