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

/// The header comment, in the comment syntax `comment` (`//` or `#`). `from` names the specs;
/// it is escaped to one printable line, so no file name can end the comment.
pub fn header(comment: &str, from: &str) -> String {
    let from = crate::escape::printable(from);
    format!(
        "{comment} {MARKER} by clientgen from {from}.\n{comment} Do not edit by hand: change the spec and run `clientgen generate`.\n\n"
    )
}

/// The header of the one file a build script includes (see [`header`]).
pub fn include_header(from: &str) -> String {
    let from = crate::escape::printable(from);
    format!(
        "// {MARKER} by clientgen from {from}.\n// Do not edit by hand: change the spec; the build script regenerates this file.\n\n"
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
    // Not cloned for the message: a shared token stream is copied again when parsed.
    let file: syn::File = match syn::parse2(tokens) {
        Ok(file) => file,
        Err(e) => panic!(
            "clientgen emitted invalid Rust for {from} ({e}); please report this with the spec"
        ),
    };
    prettyplease::unparse(&file)
}

/// The file, at the crate's root, that lists every file generation wrote: the only files a
/// later run may remove. A file merely carrying the `@generated` marker is never enough.
pub const MANIFEST: &str = ".clientgen-manifest";

/// The manifest's text for `files`: the header, then one path per line, sorted.
pub fn file_manifest(from: &str, files: &[GeneratedFile]) -> GeneratedFile {
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    paths.sort_unstable();
    let mut contents = header("#", from);
    for path in paths {
        contents.push_str(path);
        contents.push('\n');
    }
    GeneratedFile {
        path: MANIFEST.to_owned(),
        contents,
    }
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
/// their modification time stays and Cargo does not rebuild), and removing the files an
/// earlier run wrote (its [`MANIFEST`]) that the specs no longer produce.
///
/// Only regular files inside `out_dir` are written: a symbolic link (or anything but a
/// folder) planted where the crate's folders or files go is an error, never followed, and
/// each file is replaced by a rename, which never writes through a link.
pub fn write_files(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<WriteReport> {
    let mut report = WriteReport::default();
    // The folder itself is the user's choice (a link there is theirs to make); below it,
    // everything is checked.
    std::fs::create_dir_all(out_dir)?;
    let orphans = orphans(out_dir, files)?;
    for file in files {
        let path = place_in(out_dir, &file.path)?;
        if same_contents(&path, file.contents.as_bytes())? {
            report.unchanged.push(file.path.clone());
            continue;
        }
        replace(&path, file.contents.as_bytes())?;
        report.written.push(file.path.clone());
    }
    for orphan in orphans {
        std::fs::remove_file(out_dir.join(&orphan))?;
        report.removed.push(orphan);
    }
    Ok(report)
}

/// Compares the files under `out_dir` with `files`; empty when everything is fresh.
pub fn check_files(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<Stale>> {
    let mut stale = Vec::new();
    for file in files {
        let path = out_dir.join(&file.path);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                stale.push(Stale::Missing(file.path.clone()))
            }
            Err(e) => return Err(e),
            Ok(_) if same_contents(&path, file.contents.as_bytes())? => {}
            Ok(_) => stale.push(Stale::Differs(file.path.clone())),
        }
    }
    stale.extend(orphans(out_dir, files)?.into_iter().map(Stale::Extra));
    Ok(stale)
}

/// Whether `path` is a regular file holding exactly `contents`. Reads nothing unless the
/// sizes agree, and never follows a link (a link to `/dev/zero` is simply "different").
fn same_contents(path: &Path, contents: &[u8]) -> std::io::Result<bool> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if !metadata.is_file() || metadata.len() != contents.len() as u64 {
        return Ok(false);
    }
    Ok(std::fs::read(path)? == contents)
}

/// `out_dir/relative`, with every folder on the way created or checked to be a real folder
/// (not a link), and the file itself absent or a regular file.
fn place_in(out_dir: &Path, relative: &str) -> std::io::Result<PathBuf> {
    walk_inside(out_dir, relative, true)
}

/// `out_dir/relative` when every part of `relative` is a plain name, every folder on the way
/// a real folder (created when `create` says so) and the file, if present, a regular file:
/// an error otherwise (a link anywhere on the way is one).
fn walk_inside(out_dir: &Path, relative: &str, create: bool) -> std::io::Result<PathBuf> {
    let mut path = out_dir.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if matches!(*part, "" | "." | "..") || part.contains(['\\', ':']) {
            return Err(refused(format!(
                "`{relative}` is not a plain relative path"
            )));
        }
        path.push(part);
        let last = i + 1 == parts.len();
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refused(format!(
                    "{} is a symbolic link; refusing to write through it (remove it, or generate into another folder)",
                    crate::escape::path(&path)
                )))
            }
            Ok(m) if last && !m.is_file() => {
                return Err(refused(format!(
                    "{} is not a regular file; refusing to replace it",
                    crate::escape::path(&path)
                )))
            }
            Ok(m) if !last && !m.is_dir() => {
                return Err(refused(format!(
                    "{} is not a folder",
                    crate::escape::path(&path)
                )))
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !last {
                    if !create {
                        return Err(e);
                    }
                    std::fs::create_dir(&path)?;
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(path)
}

/// Writes a sibling temporary file (created new, so a planted link there fails) and renames
/// it over `path`: readers never see half a file, and a link is replaced, not followed.
fn replace(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.clientgen-tmp"));
    match std::fs::remove_file(&temporary) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| file.write_all(contents));
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(e);
    }
    Ok(())
}

fn refused(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, message)
}

/// The files the previous run's manifest lists that `files` no longer holds and that are
/// still regular files starting with the generated header (an edited-over file is kept).
fn orphans(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<String>> {
    let listed = match read_small(&out_dir.join(MANIFEST))? {
        Some(text) => text,
        None => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for line in listed.lines() {
        let relative = line.trim_end();
        if relative.is_empty()
            || relative.starts_with('#')
            || relative == MANIFEST
            || files.iter().any(|f| f.path == relative)
        {
            continue;
        }
        // Only a regular file reached through real folders inside `out_dir`.
        let Ok(path) = walk_inside(out_dir, relative, false) else {
            continue;
        };
        let first_line = read_small(&path)?.and_then(|t| t.lines().next().map(str::to_owned));
        let ours = first_line.is_some_and(|l| {
            l.starts_with(&format!("// {MARKER} by clientgen from "))
                || l.starts_with(&format!("# {MARKER} by clientgen from "))
        });
        if ours && !out.iter().any(|o| o == relative) {
            out.push(relative.to_owned());
        }
    }
    out.sort();
    Ok(out)
}

/// A regular file's text, at most 1 MiB of it; `None` when absent or not a regular file.
fn read_small(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::Read;
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(1 << 20)
        .read_to_end(&mut bytes)?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}
