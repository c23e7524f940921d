//! The Zapier connector's table: the whole file as a snapshot, and the rules the connector
//! relies on.

use twenty_codegen::emit::zapier;
use twenty_codegen::model::{COMPOSITES, FieldType};

fn model_json() -> String {
    let files = zapier::files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].0.to_str(), Some("src/generated/model.json"));
    files[0].1.clone()
}

#[test]
fn the_zapier_model_table() {
    insta::assert_snapshot!("zapier_model", model_json());
}

#[test]
fn every_composite_sub_field_a_client_may_write_is_an_input() {
    let table: serde_json::Value = serde_json::from_str(&model_json()).unwrap();
    for composite in &COMPOSITES {
        let entry = &table["fieldTypes"][composite.field_type.as_str()];
        if composite.field_type == FieldType::Actor {
            assert_eq!(entry["kind"], "serverSet");
            continue;
        }
        let names: Vec<&str> = entry["subFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let writable: Vec<&str> = composite
            .sub_fields
            .iter()
            .filter(|s| !s.read_only)
            .map(|s| s.name)
            .collect();
        assert_eq!(names, writable, "{}", composite.field_type);
    }
}
