//! `build.rs` gives every type both serde traits under this crate's feature `serde-both`: a
//! received type serializes and a sent one deserializes, with the wire names, and each reads
//! back what it wrote.
#![cfg(feature = "serde-both")]

use downstream_example::api::inventory::types::{Item, SearchItemsFilter, SearchItemsFilterPrice};
use serde_json::json;

#[test]
fn received_and_sent_types_round_trip() {
    // Received only (a response): `Serialize` comes from the feature.
    let wire = json!({"id": "1", "name": "bolt", "stock": 3});
    let item: Item = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(serde_json::to_value(&item).unwrap(), wire);
    // Sent only (a parameter): `Deserialize` comes from the feature.
    let filter = SearchItemsFilter::new()
        .with_name("bolt")
        .with_price(SearchItemsFilterPrice::new().with_gte(1.5))
        .with_tags(vec!["a".to_owned()]);
    let written = serde_json::to_value(&filter).unwrap();
    assert_eq!(
        written,
        json!({"name": "bolt", "price": {"gte": 1.5}, "tags": ["a"]})
    );
    let read: SearchItemsFilter = serde_json::from_value(written).unwrap();
    assert_eq!(read, filter);
}
