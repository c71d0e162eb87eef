//! A crate with its own OpenAPI spec, whose client is generated at build time (see
//! `build.rs`) and used here like any other module.

/// The clients generated from `spec/inventory.yaml` and `spec/events.yaml`.
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/inventory_api.rs"));
}

use api::inventory::{types::Item, Client};

/// The names of every item, across all pages.
pub async fn item_names(client: &Client) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let items: Vec<Item> = client.list_items().limit(2).items().try_collect().await?;
    Ok(items.into_iter().map(|item| item.name).collect())
}
