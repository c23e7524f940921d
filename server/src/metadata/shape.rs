//! Objects and fields of a workspace's catalog as the metadata API answers them, in
//! Twenty's shapes (the same JSON for REST and GraphQL), and the one paging and filtering
//! both transports apply to their lists.
use super::change::twenty_default;
use crate::error::ApiError;
use crate::query::time::format_ms;
use crate::store::metadata::{Catalog, is_custom_field};
use serde_json::{Value, json};
use twenty_codegen::model::{Field, Object, RelationKind};
use uuid::Uuid;

/// `createdAt` and `updatedAt` of the object or field `id`, in RFC 3339.
fn times(catalog: &Catalog, id: uuid::Uuid) -> (String, String) {
    let (created, updated) = catalog.times(id);
    (format_ms(created), format_ms(updated))
}

/// An object: its own keys and, under `fields`, its fields.
pub fn object(catalog: &Catalog, object: &Object) -> Value {
    let label_identifier = object.field(&object.label_identifier).map(|f| f.id);
    let (created, updated) = times(catalog, object.id);
    json!({
        "id": object.id,
        "universalIdentifier": object.id,
        "dataSourceId": Value::Null,
        "applicationId": Value::Null,
        "createdAt": created,
        "updatedAt": updated,
        "nameSingular": object.name_singular,
        "namePlural": object.name_plural,
        "labelSingular": object.label_singular,
        "labelPlural": object.label_plural,
        "description": object.description,
        "icon": object.icon,
        "isCustom": object.is_custom,
        "isRemote": false,
        "isActive": catalog.is_active(object.id),
        "isSystem": object.is_system,
        "isSearchable": object.is_searchable(),
        "isLabelSyncedWithName": false,
        "shortcut": Value::Null,
        "labelIdentifierFieldMetadataId": label_identifier,
        "imageIdentifierFieldMetadataId": Value::Null,
        "fields": object.fields.iter().map(|f| field(catalog, object, f)).collect::<Vec<_>>(),
    })
}

/// A field, with its relation's both ends when it is one.
pub fn field(catalog: &Catalog, object: &Object, field: &Field) -> Value {
    let relation = field.relation.as_ref().and_then(|r| {
        let target = catalog.all.object(&r.target)?;
        let inverse = target.field(&r.inverse)?;
        let end = |o: &Object| json!({"id": o.id, "nameSingular": o.name_singular, "namePlural": o.name_plural});
        let kind = match r.kind {
            RelationKind::ManyToOne => "MANY_TO_ONE",
            RelationKind::OneToMany => "ONE_TO_MANY",
        };
        Some(json!({
            "type": kind,
            "sourceObjectMetadata": end(object),
            "targetObjectMetadata": end(target),
            "sourceFieldMetadata": {"id": field.id, "name": field.name},
            "targetFieldMetadata": {"id": inverse.id, "name": inverse.name},
        }))
    });
    let options = match field.options.is_empty() {
        true => Value::Null,
        false => json!(field.options),
    };
    let (created, updated) = times(catalog, field.id);
    json!({
        "id": field.id,
        "universalIdentifier": field.id,
        "createdAt": created,
        "updatedAt": updated,
        "isUIReadOnly": !field.is_writable(),
        "morphRelations": [],
        "type": field.field_type.as_str(),
        "name": field.name,
        "label": field.label,
        "description": field.description,
        "icon": field.icon,
        "isCustom": is_custom_field(field.id),
        "isActive": catalog.is_active(field.id),
        "isSystem": field.is_system,
        "isNullable": field.is_nullable,
        "isUnique": field.is_unique,
        "isLabelSyncedWithName": false,
        "defaultValue": twenty_default(field.default.as_ref()),
        "options": options,
        "settings": field.settings,
        "objectMetadataId": object.id,
        "relation": relation,
    })
}

/// Every object of the catalog, in order.
pub fn objects(catalog: &Catalog) -> Vec<Value> {
    catalog
        .all
        .objects
        .iter()
        .map(|o| object(catalog, o))
        .collect()
}

/// Every field of the catalog, object by object.
pub fn fields(catalog: &Catalog) -> Vec<Value> {
    catalog
        .all
        .objects
        .iter()
        .flat_map(|o| o.fields.iter().map(move |f| field(catalog, o, f)))
        .collect()
}

/// The object with `id`, or a 404.
pub fn object_by_id(catalog: &Catalog, id: Uuid) -> Result<Value, ApiError> {
    catalog
        .all
        .object_by_id(id)
        .map(|o| object(catalog, o))
        .ok_or_else(|| ApiError::not_found(format!("no object with id {id} in this workspace")))
}

/// The field with `id`, or a 404.
pub fn field_by_id(catalog: &Catalog, id: Uuid) -> Result<Value, ApiError> {
    for o in &catalog.all.objects {
        if let Some(f) = o.field_by_id(id) {
            return Ok(field(catalog, o, f));
        }
    }
    Err(ApiError::not_found(format!(
        "no field with id {id} in this workspace"
    )))
}

/// A filter of a metadata list: keys compared for equality (`id`, `isActive`, `isCustom`,
/// `isSystem`, `objectMetadataId`, …).
pub type Filter = Vec<(String, Value)>;

/// One page of `items` (each with an `id`) after the filter: at most `first`, after the
/// item whose id is `after`. Answers the page and whether more follow.
pub fn page(
    items: Vec<Value>,
    filter: &Filter,
    first: usize,
    after: Option<&str>,
) -> Result<(Vec<Value>, bool, usize), ApiError> {
    let matching: Vec<Value> = items
        .into_iter()
        .filter(|item| {
            filter
                .iter()
                .all(|(key, value)| item.get(key) == Some(value))
        })
        .collect();
    let total = matching.len();
    let start = match after {
        None => 0,
        Some(cursor) => {
            let at = matching
                .iter()
                .position(|i| i.get("id").and_then(Value::as_str) == Some(cursor))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "INVALID_CURSOR",
                        format!("cursor {cursor:?} is not the id of an item of this list"),
                    )
                })?;
            at + 1
        }
    };
    let rest: Vec<Value> = matching.into_iter().skip(start).collect();
    let more = rest.len() > first;
    Ok((rest.into_iter().take(first).collect(), more, total))
}
