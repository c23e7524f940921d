//! The Zapier connector's table (`zapier/src/generated/model.json`): how a field of each type,
//! and each sub-field of a composite, becomes a Zapier input field, which fields a search can
//! match on, and the record actions a trigger can subscribe to. The connector reads a
//! workspace's objects and fields from the metadata API at run time (custom ones included)
//! and asks this table how to present each one, so a new field type or action is a compile
//! error here rather than a field the connector silently drops.

use crate::model::zapier_input::{
    Choices, Input, RELATION_INPUT, lookup, scalar_input, sub_field_input,
};
use crate::model::{FieldType, Items, RecordAction, SubField, upper_first};
use serde_json::{Map, Value, json};
use std::path::PathBuf;

/// Where the connector lives in the repository.
pub const PACKAGE_DIR: &str = "zapier";

/// The generated files, relative to [`PACKAGE_DIR`].
pub fn files() -> Vec<(PathBuf, String)> {
    let mut text = serde_json::to_string_pretty(&table()).expect("JSON values serialize");
    text.push('\n');
    vec![(PathBuf::from("src/generated/model.json"), text)]
}

/// The whole table as JSON.
pub fn table() -> Value {
    let operations: Vec<Value> = RecordAction::ALL
        .iter()
        .map(|action| {
            json!({
                "key": action.as_str(),
                "label": upper_first(action.as_str()),
                "listsUpdatedFields": action.lists_updated_fields(),
                "carriesRecordBefore": action.carries_record_before(),
            })
        })
        .collect();
    let mut types = Map::new();
    for field_type in FieldType::ALL {
        types.insert(field_type.as_str().to_owned(), field_type_entry(field_type));
    }
    json!({
        "operations": operations,
        "fieldTypes": types,
    })
}

/// `kind` says how the connector treats a field of the type: `scalar` (one `input`),
/// `composite` (one input per `subFields` entry, keyed `<field>__<subField>`), `relation`
/// (a many-to-one relation written as the related record's id under `<field>Id`; the
/// connector reads the relation's kind from the metadata and skips one-to-many ones) or
/// `serverSet` (never an input).
fn field_type_entry(field_type: FieldType) -> Value {
    match field_type {
        FieldType::Actor | FieldType::TsVector => json!({"kind": "serverSet"}),
        FieldType::Relation => json!({
            "kind": "relation",
            "keySuffix": "Id",
            "input": render(&RELATION_INPUT, true),
        }),
        _ => match field_type.composite() {
            Some(composite) => {
                let subs: Vec<Value> = composite
                    .sub_fields
                    .iter()
                    .filter(|s| !s.read_only)
                    .map(sub_field_entry)
                    .collect();
                json!({"kind": "composite", "subFields": subs})
            }
            None => {
                let scalar = scalar_input(field_type).expect("a scalar type has an input");
                json!({"kind": "scalar", "input": render(&scalar, lookup(field_type))})
            }
        },
    }
}

fn sub_field_entry(sub: &SubField) -> Value {
    let input = sub_field_input(sub);
    let mut out = Map::new();
    out.insert("name".into(), sub.name.into());
    out.insert("label".into(), words(sub.name).into());
    out.extend(render(&input, lookup(sub.field_type)));
    if let Some(Items::Records { keys, .. }) = sub.items {
        let example: Map<String, Value> =
            keys.iter().map(|k| ((*k).to_owned(), "".into())).collect();
        out.insert(
            "placeholder".into(),
            Value::Object(example).to_string().into(),
        );
    }
    out.into()
}

/// An input's keys in the table.
fn render(input: &Input, lookup: bool) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("type".into(), input.zapier_type.into());
    out.insert("list".into(), input.list.into());
    out.insert("convert".into(), input.convert.as_str().into());
    match input.choices {
        Choices::None => {}
        Choices::Options => {
            out.insert("choices".into(), "options".into());
        }
        Choices::Values(values) => {
            out.insert("choices".into(), json!(values));
        }
    }
    out.insert("lookup".into(), lookup.into());
    out
}

/// `primaryLinkUrl` → `Primary Link Url`.
fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else if c.is_uppercase() {
            out.push(' ');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_type_and_action_is_in_the_table() {
        let table = table();
        for t in FieldType::ALL {
            assert!(table["fieldTypes"][t.as_str()].is_object(), "{t}");
        }
        let actions: Vec<&str> = table["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["key"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            RecordAction::ALL.map(RecordAction::as_str).to_vec()
        );
    }

    #[test]
    fn composites_list_their_writable_sub_fields_and_item_shapes() {
        let table = table();
        let links = &table["fieldTypes"]["LINKS"]["subFields"];
        assert_eq!(links[1]["name"], "primaryLinkUrl");
        assert_eq!(links[1]["lookup"], true);
        assert_eq!(links[2]["convert"], "jsonObject");
        assert_eq!(links[2]["list"], true);
        assert_eq!(links[2]["placeholder"], r#"{"label":"","url":""}"#);
        assert_eq!(table["fieldTypes"]["ACTOR"]["kind"], "serverSet");
        assert_eq!(table["fieldTypes"]["DATE"]["input"]["convert"], "date");
        assert_eq!(
            words("primaryPhoneCountryCode"),
            "Primary Phone Country Code"
        );
    }
}
