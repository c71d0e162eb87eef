//! Generates the inventory and events clients into `OUT_DIR` from this crate's own specs;
//! Cargo runs this again only when a file the clients were made from changes.

fn main() {
    clientgen::build::Builder::new("inventory_api")
        .spec("spec/inventory.yaml")
        .spec("spec/events.yaml")
        .spec("spec/jobs.yaml")
        .spec("spec/secure.yaml")
        .spec("spec/problems.yaml")
        .mount("crate::api")
        .serde_feature("serde-both")
        .run();
}
