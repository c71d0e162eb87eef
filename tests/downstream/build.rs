//! Generates the inventory client into `OUT_DIR` from this crate's own spec; Cargo runs this
//! again only when a file the client was made from changes.

fn main() {
    clientgen::build::Builder::new("inventory_api")
        .spec("spec/inventory.yaml")
        .mount("crate::api")
        .run();
}
