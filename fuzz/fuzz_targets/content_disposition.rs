//! `Content-Disposition` values to the file name a download is saved under
//! (`response::content_disposition_file_name`, and `ByteStream::file_name` on a whole
//! response when the value is a valid header).
//!
//!     cargo fuzz run content_disposition -- -max_total_time=60 -rss_limit_mb=2048
//!
//! Asserted: the runtime's promise that the name "can never point outside a chosen folder".
//! A name, when there is one, is non-empty, trimmed, one plain path component (no `/` or `\`,
//! not `.` or `..`, no `:` as in the drive prefix `C:`), and holds no control character;
//! joined to a folder, it names a file directly in that folder.
#![no_main]

use clientgen_fuzz::client::hooks;
use libfuzzer_sys::fuzz_target;
use std::path::{Component, Path};

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    let name = hooks::content_disposition_file_name(&value);
    if let Some(name) = &name {
        check_name(name, &value);
    }
    // Through a response, as downloads see it: the same answer whenever the header is valid
    // text (`reqwest` gives the runtime only visible ASCII).
    if let Ok(header) = http::HeaderValue::from_bytes(data) {
        let response = http::Response::builder()
            .header("content-disposition", header.clone())
            .body(Vec::new())
            .expect("a valid header");
        let streamed = hooks::stream_file_name(reqwest::Response::from(response));
        let expected = header
            .to_str()
            .ok()
            .and_then(hooks::content_disposition_file_name);
        assert_eq!(
            streamed, expected,
            "ByteStream::file_name disagrees for {value:?}"
        );
    }
});

fn check_name(name: &str, value: &str) {
    let fail = |why: &str| panic!("{why}: {name:?} from {value:?}");
    if name.is_empty() {
        fail("empty file name");
    }
    if name.trim() != name {
        fail("file name not trimmed");
    }
    if name.contains(['/', '\\']) {
        fail("file name with a path separator");
    }
    if name == "." || name == ".." {
        fail("file name is a directory");
    }
    if name.chars().any(char::is_control) {
        fail("file name with a control character");
    }
    // A drive prefix (`C:x`) makes `folder.join(name)` leave the folder on Windows: the
    // runtime splits on `:` as on `/` and `\`.
    if name.contains(':') {
        fail("file name with a `:` (a drive prefix on Windows)");
    }
    let folder = Path::new("/downloads");
    let joined = folder.join(name);
    if joined.parent() != Some(folder)
        || !matches!(
            Path::new(name).components().collect::<Vec<_>>()[..],
            [Component::Normal(_)]
        )
    {
        fail("file name is not one component");
    }
}
