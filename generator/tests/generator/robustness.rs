//! Bad input never panics or hangs: thousands of deterministic mutations of real specs (ours,
//! the fixtures, the OAI corpus) go through load and generate. Every input must end in files
//! or diagnostics, quickly. A failing input is saved under the target folder to reproduce.
//!
//! The same property is what the cargo-fuzz target in `fuzz/` explores without bounds.
//!
//! The default run is short (10 mutations per seed, seconds); `CLIENTGEN_ROBUSTNESS=full` runs
//! 100 per seed (a few thousand inputs, under a minute on two cores), as CI does. Seeds run
//! on all cores. The count of
//! inputs is fixed either way, never cut by a clock, so a busy machine runs the same inputs.

use clientgen::load::load_spec_with;
use clientgen::{generate, Config};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mutations per seed spec: the full run's and the default's.
const FULL_ROUNDS: usize = 100;
const QUICK_ROUNDS: usize = 10;
/// No single input may take longer: a guard against a hang or a blow-up, a thousand times
/// what an input takes, so no busy machine reaches it.
const PER_INPUT: Duration = Duration::from_secs(30);

fn rounds() -> usize {
    match std::env::var("CLIENTGEN_ROBUSTNESS").as_deref() {
        Ok("full") => FULL_ROUNDS,
        _ => QUICK_ROUNDS,
    }
}

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "- ",
    ": ",
    "\n",
    "\t",
    "'",
    "\"",
    "~",
    "&a ",
    "*a",
    "!!binary ",
    "? ",
    "$ref: '#/components/schemas/Node'",
    "$ref: 'missing.yaml#/components/schemas/X'",
    "$ref: '#'",
    "type: array",
    "type: object",
    "nullable: true",
    "oneOf: []",
    "allOf: [{$ref: '#/components/schemas/Zoo'}]",
    "discriminator: {propertyName: x}",
    "enum: []",
    "in: cookie",
    "style: deepObject",
    "required: [a]",
    "additionalProperties: false",
    "{name}",
    "/{x}",
    "format: binary",
    "é",
    "\u{0}",
    "99999999999999999999",
];

fn seeds() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut folders = vec![
        root.join("spec"),
        root.join("tests/fixtures"),
        root.join("tests/fixtures/lowering"),
        root.join("../shared/corpus/oai"),
    ];
    folders.retain(|f| f.is_dir());
    let mut out = Vec::new();
    for folder in folders {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
        {
            out.push((
                file.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&file).unwrap(),
            ));
        }
    }
    out
}

fn mutate_text(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(bytes.len());
        match rng.below(4) {
            0 => {
                let end = (at + 1 + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                bytes.splice(at..at, snippet.bytes());
            }
            2 => {
                let start = bytes[..at]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = bytes[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(bytes.len(), |i| at + i + 1);
                let line = bytes[start..end].to_vec();
                bytes.splice(end..end, line);
            }
            _ => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = b" :-[]{}'\"#&*!|>\n"[rng.below(16)];
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Replaces one node of the document with a value of another type.
fn mutate_tree(rng: &mut Rng, value: &mut Value) {
    // Choose the node on a shared borrow, then replace it through its pointer.
    let mut pointer = String::new();
    let mut node: &Value = value;
    for _ in 0..rng.below(12) {
        let next = match node {
            Value::Object(map) if !map.is_empty() => {
                let (key, child) = map.iter().nth(rng.below(map.len())).unwrap();
                pointer.push_str(&format!("/{}", key.replace('~', "~0").replace('/', "~1")));
                child
            }
            Value::Array(items) if !items.is_empty() => {
                let i = rng.below(items.len());
                pointer.push_str(&format!("/{i}"));
                &items[i]
            }
            _ => break,
        };
        node = next;
    }
    let replacement = match rng.below(7) {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => Value::from(-1),
        3 => Value::from("#/components/schemas/Zoo"),
        4 => Value::Array(vec![Value::from(1)]),
        5 => serde_json::json!({"$ref": "#/components/schemas/Node"}),
        _ => serde_json::json!({}),
    };
    if let Some(target) = value.pointer_mut(&pointer) {
        *target = replacement;
    }
}

/// Loads and generates `text` as `name`, panicking only if the generator does.
fn run(name: &str, text: &str) -> Result<usize, usize> {
    let owned = text.to_owned();
    let spec = load_spec_with(Path::new(name), &mut |p: &Path| {
        if p == Path::new(name) {
            Ok(owned.clone())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "not in this test",
            ))
        }
    });
    match spec {
        Ok(spec) => generate(&Config::default(), &[spec])
            .map(|f| f.len())
            .map_err(|d| d.0.len()),
        Err(d) => Err(d.0.len()),
    }
}

/// What one seed's mutations ended in.
#[derive(Default)]
struct Tally {
    cases: usize,
    generated: usize,
    rejected: usize,
}

/// Runs `rounds` mutations of one seed, each from the seed's own random sequence, so a seed's
/// inputs are the same whichever thread runs it.
fn mutate_seed(index: usize, name: &str, text: &str, rounds: usize) -> Tally {
    let failures = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut rng =
        Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let mut tally = Tally::default();
    let tree: Option<Value> = clientgen::load::parse_document(name, text).ok();
    for round in 0..rounds {
        let (input_name, input) = if round % 2 == 0 {
            (name.to_owned(), mutate_text(&mut rng, text))
        } else if let Some(tree) = &tree {
            let mut tree = tree.clone();
            mutate_tree(&mut rng, &mut tree);
            (
                name.replace(".yaml", ".json"),
                serde_json::to_string_pretty(&tree).unwrap(),
            )
        } else {
            continue;
        };
        tally.cases += 1;
        let begin = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&input_name, &input)));
        let took = begin.elapsed();
        let saved = failures.join(format!("robustness-failure-{index}-{round}-{input_name}"));
        match outcome {
            Ok(Ok(_)) => tally.generated += 1,
            Ok(Err(problems)) => {
                assert!(problems > 0, "an error without diagnostics");
                tally.rejected += 1;
            }
            Err(_) => {
                std::fs::write(&saved, &input).unwrap();
                panic!(
                    "the generator panicked on a mutation of {name}; input saved at {}",
                    saved.display()
                );
            }
        }
        if took > PER_INPUT {
            std::fs::write(&saved, &input).unwrap();
            panic!(
                "{input_name} took {took:?}; input saved at {}",
                saved.display()
            );
        }
    }
    tally
}

#[test]
fn mutated_specs_never_panic_or_hang() {
    let started = Instant::now();
    let rounds = rounds();
    let seeds = seeds();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Seeds are dealt to the threads in turn; each thread returns its tallies.
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let seeds = &seeds;
                scope.spawn(move || {
                    seeds
                        .iter()
                        .enumerate()
                        .skip(worker)
                        .step_by(threads)
                        .map(|(index, (name, text))| mutate_seed(index, name, text, rounds))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e))
            })
            .collect()
    });
    let cases: usize = tallies.iter().map(|t| t.cases).sum();
    let generated: usize = tallies.iter().map(|t| t.generated).sum();
    let rejected: usize = tallies.iter().map(|t| t.rejected).sum();
    eprintln!(
        "{cases} mutated specs from {} seeds: {generated} generated, {rejected} rejected with \
         diagnostics, in {:?} on {threads} threads",
        seeds.len(),
        started.elapsed()
    );
    // Every text mutation runs; tree mutations need a seed that parses.
    assert!(
        cases >= seeds.len() * rounds / 2,
        "{cases} cases for {} seeds of {rounds} rounds",
        seeds.len()
    );
}
