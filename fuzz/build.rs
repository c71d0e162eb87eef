//! Generates this repository's client (`../spec`) into `OUT_DIR` as one file, exactly as a
//! user's build script would, so `src/lib.rs` compiles the runtime and the generated modules
//! as part of this crate and its fuzz targets can call what they keep crate-private.

fn main() {
    clientgen::build::Builder::new("client")
        .spec("../spec")
        .mount("crate::client")
        .run();
}
