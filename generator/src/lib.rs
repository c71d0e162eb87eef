//! `clientgen`: OpenAPI 3.0 and 3.1 specs in, an async Rust client crate out.
//!
//! The pipeline is visible in the modules, each feeding the next:
//! [`load`] (YAML/JSON, `$ref`s) -> [`model`] (a plain description of the client) ->
//! [`emit`] (tokens, one emitter per concern) -> [`mod@write`] (formatting, headers, files).
//! [`generate`] runs the pure middle of it: loaded specs in, file contents out, no I/O. The
//! command line (`clientgen`) and build scripts ([`build`]) are thin layers over it, sharing
//! one [`Config`].

pub mod build;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod escape;
pub mod lint;
pub mod load;
mod media;
pub mod model;
pub mod report;
pub mod write;

pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics};
pub use write::GeneratedFile;

use load::LoadedSpec;
use std::collections::BTreeMap;

/// What one run produced: the files, what was approximated, and what was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Generation {
    /// Every file's path (relative to the crate folder) and text.
    pub files: Vec<GeneratedFile>,
    /// What the specs needed a fallback for (a `serde_json::Value`, a renamed module...),
    /// located: worth showing to the user, never a reason to stop unless [`Config::strict`].
    pub warnings: Vec<Diagnostic>,
    /// Every file read (the specs and the files their `$ref`s reach), relative to the base
    /// folder: what a build script must watch. Empty when nothing was read ([`generate`]).
    pub read: Vec<std::path::PathBuf>,
}

/// Generates the crate for `specs`: every file's path (relative to the crate folder) and text.
/// Warnings are left out: [`generate_reporting`] returns them.
///
/// Pure: reads nothing and writes nothing, so the same specs always give the same files.
pub fn generate(config: &Config, specs: &[LoadedSpec]) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate_reporting(config, specs).map(|generation| generation.files)
}

/// Like [`generate`], also returning the warnings: what the specs needed a fallback for.
/// With [`Config::strict`], any warning fails generation instead.
pub fn generate_reporting(
    config: &Config,
    specs: &[LoadedSpec],
) -> Result<Generation, Diagnostics> {
    if let Err(message) = config.validate() {
        return Err(Diagnostic::new("<config>", diagnostics::Location::File, message)
            .help("fix the generator's configuration (the CLI's flags or the build script's settings)")
            .into());
    }
    let mut apis = Vec::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for spec in specs {
        let mut module = model::naming::value_name(&spec.stem);
        if emit::is_reserved_module(&module) {
            let renamed = format!("{module}_api");
            warnings.push(
                Diagnostic::new(
                    &spec.file,
                    diagnostics::Location::File,
                    format!("module name `{module}` is used by the client runtime; the module is `{renamed}`"),
                )
                .help("rename the spec file to choose the module's name")
                .warning(),
            );
            module = renamed;
        }
        if let Some(previous) = modules.insert(module.clone(), spec.file.clone()) {
            problems.push(
                Diagnostic::new(
                    &spec.file,
                    diagnostics::Location::File,
                    format!("module `{module}` is also generated from `{previous}`"),
                )
                .help("give the spec files names that differ after conversion to snake case")
                .note(Diagnostic::new(
                    previous,
                    diagnostics::Location::File,
                    format!("module `{module}` is first generated from this file"),
                )),
            );
            continue;
        }
        // A crate's features are its modules' and the serde feature: one name cannot be both.
        if matches!(config.output, config::Output::Crate)
            && config.serde_feature.as_deref() == Some(module.as_str())
        {
            problems.push(
                Diagnostic::new(
                    &spec.file,
                    diagnostics::Location::File,
                    format!("module `{module}` has the name of the serde feature, and each module is a Cargo feature"),
                )
                .help("rename the spec file, or choose another name for the serde feature"),
            );
            continue;
        }
        match model::lower_within(spec, &module, &config.limits) {
            Ok(mut api) => {
                warnings.append(&mut api.warnings);
                apis.push(api);
            }
            Err(diagnostics) => problems.extend(diagnostics.0.into_iter().map(|d| {
                if config.strict && d.is_warning() {
                    strict_error(d)
                } else {
                    d
                }
            })),
        }
    }
    if config.strict {
        problems.extend(warnings.drain(..).map(strict_error));
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    apis.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(Generation {
        files: emit::emit_crate(config, &apis),
        warnings,
        read: Vec::new(),
    })
}

/// A warning as the error `strict` makes it.
fn strict_error(mut warning: Diagnostic) -> Diagnostic {
    warning.severity = diagnostics::Severity::Error;
    let help = warning.help.take().unwrap_or_default();
    warning.help(format!(
        "{help}{}(an error because generation is strict: without `--strict` this generates with the fallback)",
        if help.is_empty() { "" } else { " " }
    ))
}

/// Loads every spec that `config` names from the file system, reporting all failures at once.
pub fn load_specs(config: &Config) -> Result<Vec<LoadedSpec>, Diagnostics> {
    load_specs_in(std::path::Path::new(""), config)
}

/// Like [`load_specs`], with the config's relative paths taken from `base` (a build script's
/// manifest folder, a test's workspace root). Messages and generated headers keep the paths as
/// the config writes them, so the output does not depend on where it was generated.
pub fn load_specs_in(
    base: &std::path::Path,
    config: &Config,
) -> Result<Vec<LoadedSpec>, Diagnostics> {
    let (specs, mut problems) = load_what_loads(base, config)?;
    if problems.is_empty() {
        Ok(specs)
    } else {
        place(&mut problems, &specs, base);
        Err(Diagnostics(problems))
    }
}

/// Loads the specs `config` names (relative to `base`) and generates the crate: the whole
/// job of the CLI and of build scripts. Specs that fail to load do not stop the others from
/// being checked, so one run reports every problem of every file.
pub fn generate_from_files(
    base: &std::path::Path,
    config: &Config,
) -> Result<Vec<GeneratedFile>, Diagnostics> {
    generate_from_files_reporting(base, config).map(|generation| generation.files)
}

/// Like [`generate_from_files`], also returning the warnings and every file read (the specs
/// and the files their `$ref`s reach, relative to `base`: what a build script must watch).
/// Warnings are located (file, line and column) like errors.
pub fn generate_from_files_reporting(
    base: &std::path::Path,
    config: &Config,
) -> Result<Generation, Diagnostics> {
    let (specs, mut problems) = load_what_loads(base, config)?;
    match generate_reporting(config, &specs) {
        Ok(mut generation) if problems.is_empty() => {
            let mut read: Vec<std::path::PathBuf> = specs
                .iter()
                .flat_map(|s| s.files_read.iter().cloned())
                .collect();
            read.sort();
            read.dedup();
            generation.read = read;
            settle(&mut generation.warnings, &specs, base);
            return Ok(generation);
        }
        Ok(_) => {}
        Err(more) => problems.extend(more.0),
    }
    place(&mut problems, &specs, base);
    Err(Diagnostics(problems))
}

/// Loads and lowers the specs `paths` name (relative to `base`): the model of each, as
/// generation would build it, for comparing versions ([`diff`]).
pub fn lower_files(
    base: &std::path::Path,
    paths: &[std::path::PathBuf],
) -> Result<Vec<model::Api>, Diagnostics> {
    lower_specs(
        base,
        &Config {
            specs: paths.to_vec(),
            ..Config::default()
        },
    )
}

/// Like [`lower_files`], for the specs `config` names, read as its [`config::ReadPolicy`] allows.
pub fn lower_specs(
    base: &std::path::Path,
    config: &Config,
) -> Result<Vec<model::Api>, Diagnostics> {
    let (specs, mut problems) = load_what_loads(base, config)?;
    let mut apis = Vec::new();
    for spec in &specs {
        match model::lower_within(spec, &model::naming::value_name(&spec.stem), &config.limits) {
            Ok(api) => apis.push(api),
            Err(more) => problems.extend(more.0),
        }
    }
    if problems.is_empty() {
        return Ok(apis);
    }
    place(&mut problems, &specs, base);
    Err(Diagnostics(problems))
}

/// Places warnings where they are written, in the order of the files (as a reader goes
/// through them), each once: a node copied to several places of the bundled document (a
/// `$defs` schema a reference points at) is one place in the spec.
fn settle(warnings: &mut Vec<Diagnostic>, specs: &[LoadedSpec], base: &std::path::Path) {
    place(warnings, specs, base);
    warnings.sort_by_key(|w| (w.file.clone(), w.line_column, w.location.to_string()));
    warnings.dedup_by(|a, b| a == b);
}

/// Gives every problem located by a JSON pointer its file (a component imported from another
/// file is reported there) and its line and column, reading each file once and indexing only
/// the way to the problems' nodes.
pub fn place(problems: &mut [Diagnostic], specs: &[LoadedSpec], base: &std::path::Path) {
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    each_mut(problems, &mut |problem| {
        let diagnostics::Location::Pointer(pointer) = &problem.location else {
            return;
        };
        if let Some(spec) = specs.iter().find(|s| s.file == problem.file) {
            let (file, written) = spec.source_of(pointer);
            let (file, written) = (file.to_owned(), written.into_owned());
            problem.file = file;
            problem.location = diagnostics::Location::Pointer(written);
        }
        let diagnostics::Location::Pointer(pointer) = &problem.location else {
            return;
        };
        wanted
            .entry(problem.file.clone())
            .or_default()
            .push(pointer.clone());
    });
    let indexed: BTreeMap<String, Option<load::Positions>> = wanted
        .into_iter()
        .map(|(file, pointers)| {
            // Only files the loader has read reach here; bounded all the same.
            let text = load::read::read_bounded(&base.join(&file), config::DEFAULT_MAX_FILE_BYTES);
            let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
            let positions = text
                .ok()
                .and_then(|text| load::Positions::index_for(&text, &pointers));
            (file, positions)
        })
        .collect();
    each_mut(problems, &mut |problem| {
        if let diagnostics::Location::Pointer(pointer) = &problem.location {
            problem.line_column = indexed
                .get(&problem.file)
                .and_then(Option::as_ref)
                .and_then(|p| p.locate(pointer))
                .map(|(line, column)| {
                    let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                    (narrow(line), narrow(column))
                });
        }
    });
}

/// Calls `f` on every problem and on the notes inside it, which are placed the same way.
fn each_mut(problems: &mut [Diagnostic], f: &mut impl FnMut(&mut Diagnostic)) {
    for problem in problems {
        f(problem);
        each_mut(problem.notes_mut(), f);
    }
}

/// The specs that load, and the problems of those that do not. Fails outright only when the
/// spec paths themselves are wrong.
fn load_what_loads(
    base: &std::path::Path,
    config: &Config,
) -> Result<(Vec<LoadedSpec>, Vec<Diagnostic>), Diagnostics> {
    let paths = load::expand_spec_paths(base, &config.specs)?;
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    for path in &paths {
        let reader = load::FileReader::for_spec(base, path, &config.reading);
        let read = &mut |p: &std::path::Path| reader.read(p);
        match load::load_spec_within(path, read, Some(&config.limits)) {
            Ok((spec, _)) => specs.push(spec),
            Err(d) => problems.extend(d.0),
        }
    }
    Ok((specs, problems))
}

/// What linting found short of an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Linted {
    /// How many specs were checked.
    pub checked: usize,
    /// What generation would approximate (located).
    pub warnings: Vec<Diagnostic>,
}

/// Lints the specs `paths` name (relative to `base`): everything generation would report,
/// plus [`lint`]'s rules. Returns how many specs were checked when there is no error
/// (warnings are not errors here; [`lint_specs`] returns them).
pub fn lint_files(
    base: &std::path::Path,
    paths: &[std::path::PathBuf],
) -> Result<usize, Diagnostics> {
    lint_specs(
        base,
        &Config {
            specs: paths.to_vec(),
            ..Config::default()
        },
    )
    .map(|linted| linted.checked)
}

/// Like [`lint_files`], for the specs `config` names, read as its [`config::ReadPolicy`]
/// allows; with [`Config::strict`], warnings are errors.
pub fn lint_specs(base: &std::path::Path, config: &Config) -> Result<Linted, Diagnostics> {
    let files = load::expand_spec_paths(base, &config.specs)?;
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut specs = Vec::new();
    for path in &files {
        let reader = load::FileReader::for_spec(base, path, &config.reading);
        let read = &mut |p: &std::path::Path| reader.read(p);
        let loaded = load::load_spec_within(path, read, Some(&config.limits));
        match loaded {
            Ok((spec, json)) => {
                problems.extend(lint::lint_document(&spec, &json));
                let module = model::naming::value_name(&spec.stem);
                match model::lower_within(&spec, &module, &config.limits) {
                    Ok(mut api) => warnings.append(&mut api.warnings),
                    Err(more) => problems.extend(more.0),
                }
                specs.push(spec);
            }
            Err(more) => problems.extend(more.0),
        }
    }
    if config.strict {
        problems.extend(warnings.drain(..).map(strict_error));
    }
    if problems.is_empty() {
        settle(&mut warnings, &specs, base);
        return Ok(Linted {
            checked: files.len(),
            warnings,
        });
    }
    problems.append(&mut warnings);
    place(&mut problems, &specs, base);
    Err(Diagnostics(problems))
}
