//! The generated types agree with the OpenAPI document (`openapi/core.json`), which another
//! emitter writes from the same model: every record reads an instance of its `…ForResponse`
//! schema (values, and nulls where the schema allows them) and writes back exactly its
//! properties; an empty create input sends exactly the schema's `required` fields.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use twenty_sdk::*;

const DOCUMENT: &str = include_str!("../../openapi/core.json");

fn schemas() -> Map<String, Value> {
    let document: Value = serde_json::from_str(DOCUMENT).unwrap();
    document["components"]["schemas"]
        .as_object()
        .unwrap()
        .clone()
}

/// A property that holds related records (present at depth 1 only).
fn is_relation(schema: &Value) -> bool {
    let text = schema.to_string();
    text.contains("ForResponse\"")
}

fn nullable(schema: &Value) -> bool {
    schema["type"]
        .as_array()
        .is_some_and(|t| t.contains(&json!("null")))
        || schema["oneOf"]
            .as_array()
            .is_some_and(|v| v.iter().any(|s| s["type"] == "null"))
}

/// A value the schema accepts (not null).
fn sample(schema: &Value) -> Value {
    if let Some(values) = schema["enum"].as_array() {
        return values
            .iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null);
    }
    if schema.get("$ref").is_some() {
        return json!({});
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let first = options.iter().find(|s| s["type"] != "null").unwrap();
        return sample(first);
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ => "any".to_owned(),
    };
    match (kind.as_str(), schema["format"].as_str()) {
        ("string", Some("uuid")) => json!("00000000-0000-4000-8000-000000000001"),
        ("string", _) => json!("2025-01-01T00:00:00Z"),
        ("number", _) => json!(1.5),
        ("integer", _) => json!(2),
        ("boolean", _) => json!(true),
        ("array", _) => json!([sample(&schema["items"])]),
        ("object", _) => json!({}),
        _ => json!({"any": 1}),
    }
}

fn check_record<R: DeserializeOwned + Serialize>(schemas: &Map<String, Value>, name: &str) {
    let schema = &schemas[&format!("{name}ForResponse")];
    let properties = schema["properties"].as_object().unwrap();
    let own: Map<String, Value> = properties
        .iter()
        .filter(|(_, s)| !is_relation(s))
        .map(|(k, s)| (k.clone(), sample(s)))
        .collect();
    let record: R = serde_json::from_value(Value::Object(own.clone()))
        .unwrap_or_else(|e| panic!("{name} does not read its schema's values: {e}"));
    let written = serde_json::to_value(&record).unwrap();
    let keys: BTreeSet<&String> = written.as_object().unwrap().keys().collect();
    assert_eq!(keys, own.keys().collect(), "{name}: the record's fields");
    let nulls: Map<String, Value> = properties
        .iter()
        .filter(|(_, s)| !is_relation(s))
        .map(|(k, s)| (k.clone(), if nullable(s) { Value::Null } else { sample(s) }))
        .collect();
    serde_json::from_value::<R>(Value::Object(nulls))
        .unwrap_or_else(|e| panic!("{name} does not read the nulls its schema allows: {e}"));
}

fn check_create<C: Default + Serialize>(schemas: &Map<String, Value>, name: &str) {
    let required: BTreeSet<String> = schemas[name]["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let sent = serde_json::to_value(C::default()).unwrap();
    let sent: BTreeSet<String> = sent.as_object().unwrap().keys().cloned().collect();
    assert_eq!(sent, required, "{name}: the create input's required fields");
}

macro_rules! check_objects {
    ($($object:ident $create:ident),* $(,)?) => {{
        let schemas = schemas();
        let mut names = BTreeSet::new();
        $(
            check_record::<$object>(&schemas, stringify!($object));
            check_create::<$create>(&schemas, stringify!($object));
            names.insert(stringify!($object).to_owned());
        )*
        names
    }};
}

#[test]
fn the_records_and_inputs_agree_with_the_openapi_document() {
    let checked = check_objects!(
        Company CompanyCreate,
        Person PersonCreate,
        Opportunity OpportunityCreate,
        Note NoteCreate,
        Task TaskCreate,
        NoteTarget NoteTargetCreate,
        TaskTarget TaskTargetCreate,
        Attachment AttachmentCreate,
        Favorite FavoriteCreate,
        TimelineActivity TimelineActivityCreate,
        WorkspaceMember WorkspaceMemberCreate,
        ConnectedAccount ConnectedAccountCreate,
        Message MessageCreate,
        MessageThread MessageThreadCreate,
        MessageParticipant MessageParticipantCreate,
        CalendarEvent CalendarEventCreate,
        CalendarEventParticipant CalendarEventParticipantCreate,
        Workflow WorkflowCreate,
    );
    let documented: BTreeSet<String> = schemas()
        .keys()
        .filter_map(|k| k.strip_suffix("ForResponse").map(str::to_owned))
        .collect();
    assert_eq!(
        checked, documented,
        "every object of the document is checked here"
    );
}
