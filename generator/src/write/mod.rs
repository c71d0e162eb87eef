//! Write: formatting and headers (pure), then files on disk, touched only when their content
//! changes, or compared with them in check mode.

mod bundle;

pub use bundle::bundle;
use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the crate folder, with forward slashes.
    pub path: String,
    pub contents: String,
}

/// The marker every generated file starts with; tools and reviewers recognise it.
pub const MARKER: &str = "@generated";

/// The header comment, in the comment syntax `comment` (`//` or `#`).
pub fn header(comment: &str, from: &str) -> String {
    format!(
        "{comment} {MARKER} by clientgen from {from}.\n{comment} Do not edit by hand: change the spec and run `clientgen generate`.\n\n"
    )
}

/// Formats tokens as a Rust file with the header.
///
/// Tokens that do not parse are a generator bug, never a user error, hence the panic message
/// asking for a report.
pub fn render_rust(from: &str, tokens: TokenStream) -> String {
    format!("{}{}", header("//", from), unparse(from, tokens))
}

/// Renders a file made of `head` (inner attributes, imports) and one item chunk per element
/// of `items`, emitted by `emit`. Chunks are emitted and formatted independently, on every
/// core for large files, and joined in order: the text is the one formatting the whole file
/// at once would give, without ever holding the whole file's tokens.
pub fn render_items<T: Sync>(
    from: &str,
    head: TokenStream,
    items: &[T],
    emit: &(dyn Fn(&T) -> TokenStream + Sync),
) -> String {
    let mut out = header("//", from);
    if !head.is_empty() {
        out.push_str(&unparse(from, head));
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len() / 64)
        .max(1);
    let render = |chunk: &[T]| {
        let mut text = String::new();
        for item in chunk {
            text.push_str(&unparse(from, emit(item)));
        }
        text
    };
    if threads == 1 {
        out.push_str(&render(items));
        return out;
    }
    // Contiguous slices keep the order; token streams never cross threads.
    let per_thread = items.len().div_ceil(threads);
    let parts: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || render(chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for part in parts {
        out.push_str(&part);
    }
    out
}

fn unparse(from: &str, tokens: TokenStream) -> String {
    let file: syn::File = match syn::parse2(tokens.clone()) {
        Ok(file) => file,
        Err(e) => panic!("clientgen emitted invalid Rust for {from} ({e}); please report this with the spec:\n{tokens}"),
    };
    prettyplease::unparse(&file)
}

/// What writing changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

/// How a file on disk differs from what the specs produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    Missing(String),
    Differs(String),
    /// A generated file the specs no longer produce.
    Extra(String),
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::Missing(p) => write!(f, "{p}: missing"),
            Stale::Differs(p) => write!(f, "{p}: differs from what the specs produce"),
            Stale::Extra(p) => write!(f, "{p}: generated earlier but no longer produced"),
        }
    }
}

/// Writes the files under `out_dir`, leaving files whose content is unchanged untouched (so
/// their modification time stays and Cargo does not rebuild), and removing generated files
/// the specs no longer produce.
pub fn write_files(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<WriteReport> {
    let mut report = WriteReport::default();
    for file in files {
        let path = out_dir.join(&file.path);
        match std::fs::read(&path) {
            Ok(existing) if existing == file.contents.as_bytes() => {
                report.unchanged.push(file.path.clone())
            }
            _ => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(&path, &file.contents)?;
                report.written.push(file.path.clone());
            }
        }
    }
    for orphan in orphans(out_dir, files)? {
        std::fs::remove_file(out_dir.join(&orphan))?;
        report.removed.push(orphan);
    }
    Ok(report)
}

/// Compares the files under `out_dir` with `files`; empty when everything is fresh.
pub fn check_files(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for file in files {
        match std::fs::read(out_dir.join(&file.path)) {
            Ok(existing) if existing == file.contents.as_bytes() => {}
            Ok(_) => stale.push(Stale::Differs(file.path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(file.path.clone()))
            }
            Err(e) => return Err(e),
        }
    }
    stale.extend(orphans(out_dir, files)?.into_iter().map(Stale::Extra));
    Ok(stale)
}

/// Files under `out_dir/src` that carry the generated marker but are not in `files`.
fn orphans(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let src = out_dir.join("src");
    if src.is_dir() {
        collect_rs(&src, &mut found)?;
    }
    found.sort();
    let mut out = Vec::new();
    for path in found {
        let relative = path
            .strip_prefix(out_dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if files.iter().any(|f| f.path == relative) {
            continue;
        }
        let head = std::fs::read_to_string(&path).unwrap_or_default();
        if head.lines().next().is_some_and(|l| l.contains(MARKER)) {
            out.push(relative);
        }
    }
    Ok(out)
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}
