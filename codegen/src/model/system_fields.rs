//! The fields every object gets (id, createdAt, updatedAt, deletedAt, position, createdBy,
//! updatedBy, and searchVector on searchable objects). Owns their definitions and ids only.

use super::{DefaultValue, Field, FieldType, Object};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Names no declared field may take, because every object already has them.
pub const SYSTEM_FIELD_NAMES: [&str; 8] = [
    "id",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "position",
    "createdBy",
    "updatedBy",
    "searchVector",
];

/// A stable id for a system field, derived from the object's id and the field's name,
/// so it never changes and never needs to be written down.
fn system_field_id(object_id: Uuid, name: &str) -> Uuid {
    let mut hasher = Sha256::new();
    hasher.update(object_id.as_bytes());
    hasher.update(b"/");
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

fn system_field(
    object: &Object,
    name: &str,
    field_type: FieldType,
    label: &str,
    icon: &str,
    is_nullable: bool,
    default: Option<DefaultValue>,
) -> Field {
    Field {
        id: system_field_id(object.id, name),
        name: name.to_owned(),
        field_type,
        label: label.to_owned(),
        description: None,
        icon: Some(icon.to_owned()),
        is_nullable,
        is_unique: false,
        is_indexed: false,
        is_sort_key: matches!(name, "createdAt" | "position"),
        is_system: true,
        default,
        options: Vec::new(),
        relation: None,
        settings: None,
    }
}

fn actor_default() -> Option<DefaultValue> {
    Some(DefaultValue::Value(
        json!({ "source": "MANUAL", "name": "System" }),
    ))
}

/// Adds the system fields an object lacks: `id` first, the others after the declared
/// fields. Idempotent, so a complete object passes through unchanged.
pub(super) fn complete(object: &mut Object) {
    let has = |o: &Object, name: &str| o.fields.iter().any(|f| f.name == name && f.is_system);
    if !has(object, "id") {
        let id = system_field(
            object,
            "id",
            FieldType::Uuid,
            "Id",
            "Icon123",
            false,
            Some(DefaultValue::Uuid),
        );
        object.fields.insert(0, id);
    }
    let mut tail = vec![
        system_field(
            object,
            "createdAt",
            FieldType::DateTime,
            "Creation date",
            "IconCalendar",
            false,
            Some(DefaultValue::Now),
        ),
        system_field(
            object,
            "updatedAt",
            FieldType::DateTime,
            "Last update",
            "IconCalendarClock",
            false,
            Some(DefaultValue::Now),
        ),
        system_field(
            object,
            "deletedAt",
            FieldType::DateTime,
            "Deleted at",
            "IconCalendarMinus",
            true,
            None,
        ),
        system_field(
            object,
            "position",
            FieldType::Position,
            "Position",
            "IconHierarchy2",
            false,
            Some(DefaultValue::Value(json!(0))),
        ),
        system_field(
            object,
            "createdBy",
            FieldType::Actor,
            "Created by",
            "IconCreativeCommonsSa",
            false,
            actor_default(),
        ),
        system_field(
            object,
            "updatedBy",
            FieldType::Actor,
            "Updated by",
            "IconUserCircle",
            false,
            actor_default(),
        ),
    ];
    if object.is_searchable() {
        tail.push(system_field(
            object,
            "searchVector",
            FieldType::TsVector,
            "Search vector",
            "IconUser",
            true,
            None,
        ));
    }
    for field in tail {
        if !has(object, &field.name) {
            object.fields.push(field);
        }
    }
    // An object that stopped being searchable loses its search vector.
    if !object.is_searchable() {
        object
            .fields
            .retain(|f| !(f.is_system && f.field_type == FieldType::TsVector));
    }
}
