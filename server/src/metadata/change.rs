//! The edits the metadata API makes to a workspace's catalog, from Twenty's input shapes:
//! each turns the current catalog into the next one (validated by `Schema::new`) with the
//! counts its data must pass. Pure: no store, no HTTP; the engine (`super`) plans and
//! applies what an edit answers.
use crate::error::ApiError;
use crate::store::metadata::Catalog;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeSet;
use twenty_codegen::emit::sql::{Dialect, literal, quote};
use twenty_codegen::model::{
    DefaultValue, Field, FieldType, Object, OnDelete, Relation, RelationKind, Schema, SelectOption,
};
use uuid::Uuid;

/// What an edit answers: the next catalog and what its data must pass.
#[derive(Debug)]
pub struct Edit {
    /// The catalog after the edit (its version is the store's to bump).
    pub to: Catalog,
    /// Counts that must be zero (SQL in the store's dialect, schema-agnostic), each with
    /// the refusal's text (`{count}` stands for the count).
    pub checks: Vec<(String, String)>,
    /// Whether the edit asks to drop data (deleting an object or a field): other edits
    /// whose plan would lose data are refused.
    pub drops_data: bool,
    /// The id of the object or field the answer is about.
    pub subject: Uuid,
    /// Statements rewriting records before the checks and the DDL (options replaced).
    pub rewrites: Vec<String>,
}

/// 400 `INVALID_METADATA`.
pub fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "INVALID_METADATA", message)
}

/// 409 `METADATA_REFUSED`.
pub fn refused(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "METADATA_REFUSED", message)
}

fn not_found(what: &str, id: Uuid) -> ApiError {
    ApiError::not_found(format!("no {what} with id {id} in this workspace"))
}

/// `createOneObject`'s `object`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateObject {
    pub id: Option<Uuid>,
    pub name_singular: String,
    pub name_plural: String,
    pub label_singular: String,
    pub label_plural: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    /// Whether records are full-text searchable (on their `name`); true by default.
    pub is_searchable: Option<bool>,
    /// Twenty's UI settings, accepted and not kept: labels are never synced to names
    /// here, and there are no keyboard shortcuts.
    pub is_label_synced_with_name: Option<bool>,
    pub shortcut: Option<String>,
    /// Remote objects do not exist here: only `false` is accepted.
    pub is_remote: Option<bool>,
}

/// `updateOneObject`'s `update`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateObject {
    pub name_singular: Option<String>,
    pub name_plural: Option<String>,
    pub label_singular: Option<String>,
    pub label_plural: Option<String>,
    #[serde(default, deserialize_with = "some")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub icon: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub label_identifier_field_metadata_id: Option<Uuid>,
    pub is_searchable: Option<bool>,
    pub is_label_synced_with_name: Option<bool>,
    pub shortcut: Option<String>,
}

/// One option of `createOneField` / `updateOneField`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OptionInput {
    pub id: Option<Uuid>,
    pub value: String,
    pub label: String,
    pub color: String,
    pub position: Option<u32>,
}

/// `createOneField`'s `relationCreationPayload`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationPayload {
    pub target_object_metadata_id: Uuid,
    pub target_field_label: String,
    pub target_field_icon: Option<String>,
    /// The other side's name; from `targetFieldLabel` in camelCase when absent.
    pub target_field_name: Option<String>,
    /// `MANY_TO_ONE` (this side holds `<name>Id`) or `ONE_TO_MANY`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `createOneField`'s `field`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateField {
    pub id: Option<Uuid>,
    pub object_metadata_id: Uuid,
    #[serde(rename = "type")]
    pub field_type: String,
    pub name: String,
    pub label: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub is_nullable: Option<bool>,
    pub is_unique: Option<bool>,
    pub default_value: Option<Value>,
    pub options: Option<Vec<OptionInput>>,
    pub settings: Option<Value>,
    pub relation_creation_payload: Option<RelationPayload>,
    pub is_active: Option<bool>,
    pub is_label_synced_with_name: Option<bool>,
}

/// `updateOneField`'s `update`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateField {
    pub name: Option<String>,
    pub label: Option<String>,
    #[serde(default, deserialize_with = "some")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "some")]
    pub icon: Option<Option<String>>,
    pub is_active: Option<bool>,
    pub is_nullable: Option<bool>,
    pub is_unique: Option<bool>,
    #[serde(default, deserialize_with = "some")]
    pub default_value: Option<Option<Value>>,
    pub options: Option<Vec<OptionInput>>,
    #[serde(default, deserialize_with = "some")]
    pub settings: Option<Option<Value>>,
    #[serde(rename = "type")]
    pub field_type: Option<String>,
    pub is_label_synced_with_name: Option<bool>,
    /// For options removed by `options`: the value of a kept option that records holding
    /// the removed one get instead (`{"DOG": "CAT"}`). Without one, removing an option
    /// that records use is refused.
    pub option_replacements: Option<std::collections::BTreeMap<String, String>>,
}

/// A present key, `null` included (`Some(None)`), as opposed to an absent one (`None`).
fn some<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A field type by Twenty's name; types this server does not have are named.
pub fn field_type(name: &str) -> Result<FieldType, ApiError> {
    let parsed: Option<FieldType> = serde_json::from_value(Value::String(name.to_owned())).ok();
    match parsed {
        Some(FieldType::TsVector) | None => Err(invalid(format!(
            "unknown field type {name:?}: expected one of {}",
            FieldType::ALL
                .iter()
                .filter(|t| **t != FieldType::TsVector)
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        Some(t) => Ok(t),
    }
}

/// Twenty's spelling of a default (`"'text'"`, `"now"`, `"uuid"`, composites as objects
/// of those) as a model default.
pub fn default_value(value: &Value) -> Option<DefaultValue> {
    fn unquote(value: &Value) -> Value {
        match value {
            Value::String(s) if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') => {
                Value::String(s[1..s.len() - 1].to_owned())
            }
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), unquote(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(unquote).collect()),
            other => other.clone(),
        }
    }
    match value {
        Value::Null => None,
        Value::String(s) if s == "now" => Some(DefaultValue::Now),
        Value::String(s) if s == "uuid" => Some(DefaultValue::Uuid),
        other => Some(DefaultValue::Value(unquote(other))),
    }
}

/// A model default in Twenty's spelling (text quoted in single quotes).
pub fn twenty_default(default: Option<&DefaultValue>) -> Value {
    fn quote(value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(format!("'{s}'")),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), quote(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(quote).collect()),
            other => other.clone(),
        }
    }
    match default {
        None => Value::Null,
        Some(DefaultValue::Now) => Value::String("now".to_owned()),
        Some(DefaultValue::Uuid) => Value::String("uuid".to_owned()),
        Some(DefaultValue::Value(v)) => quote(v),
    }
}

/// `Primary Company` → `primaryCompany`.
pub fn camel_case(label: &str) -> String {
    let mut out = String::new();
    for (i, word) in label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.push(first.to_ascii_lowercase());
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.extend(chars);
        }
    }
    out
}

/// The catalog with `all` replaced, validated: every problem is a 400 naming its place.
pub(crate) fn next(
    from: &Catalog,
    objects: Vec<Object>,
    inactive: BTreeSet<Uuid>,
) -> Result<Catalog, ApiError> {
    let all = Schema::new(objects).map_err(|e| {
        invalid(
            e.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let to = Catalog {
        version: from.version,
        all,
        inactive,
        times: from.times.clone(),
    };
    // What the APIs will serve must be valid too.
    to.active().map_err(|e| {
        invalid(
            e.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(to)
}

fn object_index(catalog: &Catalog, id: Uuid) -> Result<usize, ApiError> {
    catalog
        .all
        .objects
        .iter()
        .position(|o| o.id == id)
        .ok_or_else(|| not_found("object", id))
}

/// The object index and field index of the field with `id`.
fn field_index(catalog: &Catalog, id: Uuid) -> Result<(usize, usize), ApiError> {
    for (o, object) in catalog.all.objects.iter().enumerate() {
        if let Some(f) = object.fields.iter().position(|f| f.id == id) {
            return Ok((o, f));
        }
    }
    Err(not_found("field", id))
}

/// `createOneObject`: a custom object (table `_<nameSingular>`) with the system fields
/// and a `name` text field that labels its records and is searched.
pub fn create_object(from: &Catalog, input: CreateObject) -> Result<Edit, ApiError> {
    if input.is_remote == Some(true) {
        return Err(invalid(
            "remote objects are not supported: isRemote must be false",
        ));
    }
    let id = input.id.unwrap_or_else(Uuid::new_v4);
    if from.all.object_by_id(id).is_some() {
        return Err(invalid(format!("an object with id {id} exists already")));
    }
    let mut object = Object::new(
        id,
        &input.name_singular,
        &input.name_plural,
        &input.label_singular,
        &input.label_plural,
    );
    object.description = input.description;
    object.icon = input.icon;
    object.is_custom = true;
    let mut name = Field::new(Uuid::new_v4(), "name", FieldType::Text, "Name");
    name.icon = Some("IconAbc".to_owned());
    object.fields.push(name);
    object.label_identifier = "name".to_owned();
    if input.is_searchable.unwrap_or(true) {
        object.search_fields = vec!["name".to_owned()];
    }
    let mut objects = from.all.objects.clone();
    objects.push(object);
    Ok(Edit {
        to: next(from, objects, from.inactive.clone())?,
        checks: Vec::new(),
        drops_data: false,
        subject: id,
        rewrites: Vec::new(),
    })
}

/// `updateOneObject`: names (custom objects only; the table is renamed, data kept),
/// labels, description, icon, label identifier, search, and `isActive`.
pub fn update_object(from: &Catalog, id: Uuid, update: UpdateObject) -> Result<Edit, ApiError> {
    let index = object_index(from, id)?;
    let mut objects = from.all.objects.clone();
    let mut inactive = from.inactive.clone();
    let object = &mut objects[index];
    let renames = [
        (&update.name_singular, &object.name_singular, "nameSingular"),
        (&update.name_plural, &object.name_plural, "namePlural"),
    ];
    for (new, old, what) in renames {
        if let Some(new) = new
            && new != old
            && !object.is_custom
        {
            return Err(invalid(format!(
                "{}: the {what} of a standard object cannot change",
                object.name_singular
            )));
        }
    }
    if let Some(v) = update.name_singular {
        object.name_singular = v;
    }
    if let Some(v) = update.name_plural {
        object.name_plural = v;
    }
    if let Some(v) = update.label_singular {
        object.label_singular = v;
    }
    if let Some(v) = update.label_plural {
        object.label_plural = v;
    }
    if let Some(v) = update.description {
        object.description = v;
    }
    if let Some(v) = update.icon {
        object.icon = v;
    }
    if let Some(field) = update.label_identifier_field_metadata_id {
        let Some(f) = object.field_by_id(field) else {
            return Err(invalid(format!(
                "{}: labelIdentifierFieldMetadataId {field} is not one of its fields",
                object.name_singular
            )));
        };
        object.label_identifier = f.name.clone();
    }
    if let Some(searchable) = update.is_searchable {
        object.search_fields = match searchable {
            true if object.search_fields.is_empty() => vec![object.label_identifier.clone()],
            true => object.search_fields.clone(),
            false => Vec::new(),
        };
    }
    if let Some(active) = update.is_active {
        if !active && !object.is_custom {
            return Err(invalid(format!(
                "{}: standard objects cannot be deactivated",
                object.name_singular
            )));
        }
        if active {
            inactive.remove(&id);
        } else {
            inactive.insert(id);
        }
    }
    Ok(Edit {
        to: next(from, objects, inactive)?,
        checks: Vec::new(),
        drops_data: false,
        subject: id,
        rewrites: Vec::new(),
    })
}

/// `deleteOneObject`: a custom object that is inactive (an active one is refused, listing
/// what deleting it would also delete). Its table and data go, and with it the other side
/// of each of its relations (fields of other objects pointing at it).
pub fn delete_object(from: &Catalog, id: Uuid) -> Result<Edit, ApiError> {
    let index = object_index(from, id)?;
    let object = &from.all.objects[index];
    if !object.is_custom {
        return Err(invalid(format!(
            "{}: standard objects cannot be deleted",
            object.name_singular
        )));
    }
    let name = object.name_singular.clone();
    let points_here = |f: &Field| f.relation.as_ref().is_some_and(|r| r.target == name);
    let dependents: Vec<String> = from
        .all
        .objects
        .iter()
        .filter(|o| o.id != id)
        .flat_map(|o| {
            o.fields
                .iter()
                .filter(|f| points_here(f))
                .map(move |f| format!("{}.{}", o.name_singular, f.name))
        })
        .collect();
    if from.is_active(id) {
        let also = match dependents.is_empty() {
            true => String::new(),
            false => format!(
                "; deleting it also deletes the fields pointing at it: {}",
                dependents.join(", ")
            ),
        };
        return Err(refused(format!(
            "{name}: only an inactive object can be deleted; deactivate it first (isActive: false){also}"
        )));
    }
    let mut objects = from.all.objects.clone();
    let removed = objects.remove(index);
    let mut inactive = from.inactive.clone();
    inactive.remove(&id);
    for f in &removed.fields {
        inactive.remove(&f.id);
    }
    for other in objects.iter_mut() {
        other.fields.retain(|f| {
            let keep = !points_here(f);
            if !keep {
                inactive.remove(&f.id);
            }
            keep
        });
    }
    Ok(Edit {
        to: next(from, objects, inactive)?,
        checks: Vec::new(),
        drops_data: true,
        subject: id,
        rewrites: Vec::new(),
    })
}

/// Options from their input: an option without an id keeps the id of the existing option
/// with its value (or gets a new one); positions follow the list unless given.
fn options(input: Vec<OptionInput>, existing: &[SelectOption]) -> Vec<SelectOption> {
    input
        .into_iter()
        .enumerate()
        .map(|(i, o)| SelectOption {
            id: o.id.unwrap_or_else(|| {
                existing
                    .iter()
                    .find(|e| e.value == o.value)
                    .map_or_else(Uuid::new_v4, |e| e.id)
            }),
            value: o.value,
            label: o.label,
            color: o.color,
            position: o.position.unwrap_or(i as u32),
        })
        .collect()
}

/// The count of a table's rows, and of its rows where a column is null.
fn count_sql(table: &str, condition: Option<&str>) -> String {
    match condition {
        Some(c) => format!("SELECT COUNT(*) FROM {} WHERE {c}", quote(table)),
        None => format!("SELECT COUNT(*) FROM {}", quote(table)),
    }
}

/// The counts the workspace's data must pass for `from` to become `to`, run before the
/// DDL (so naming the old tables and columns): a field made required must have no null
/// value, a required field without a default can only be added to an empty table, and a
/// removed option must not be used by any record. New objects have empty tables.
pub fn data_checks(from: &Catalog, to: &Catalog, dialect: Dialect) -> Vec<(String, String)> {
    data_checks_replacing(from, to, dialect, &[])
}

/// [`data_checks`], but a removed option in `replaced` (field id, value) is not counted:
/// its records get another option first.
fn data_checks_replacing(
    from: &Catalog,
    to: &Catalog,
    dialect: Dialect,
    replaced: &[(Uuid, &str)],
) -> Vec<(String, String)> {
    let mut checks = Vec::new();
    for new_object in &to.all.objects {
        let Some(old_object) = from.all.object_by_id(new_object.id) else {
            continue;
        };
        if old_object == new_object {
            continue;
        }
        let table = old_object.table_name();
        for new_field in &new_object.fields {
            let place = format!("{}.{}", new_object.name_singular, new_field.name);
            let after = new_field.columns(&to.all);
            let Some(old_field) = old_object.field_by_id(new_field.id) else {
                if after.iter().any(|c| !c.nullable && c.default.is_none()) {
                    checks.push((
                        count_sql(&table, None),
                        format!(
                            "{place}: cannot add a required field without a default to an object with records ({{count}}); give it a default or make it nullable"
                        ),
                    ));
                }
                continue;
            };
            let before = old_field.columns(&from.all);
            if before.len() == after.len() {
                let newly_required: Vec<String> = before
                    .iter()
                    .zip(&after)
                    .filter(|(b, a)| b.nullable && !a.nullable)
                    .map(|(b, _)| format!("{} IS NULL", quote(&b.name)))
                    .collect();
                if !newly_required.is_empty() {
                    checks.push((
                        count_sql(&table, Some(&newly_required.join(" OR "))),
                        format!(
                            "{place}: {{count}} records have no value; give them one before making the field required"
                        ),
                    ));
                }
            }
            let removed: Vec<&str> = removed_options(old_field, new_field)
                .into_iter()
                .filter(|v| !replaced.contains(&(new_field.id, *v)))
                .collect();
            if !removed.is_empty() {
                checks.push((
                    option_use_sql(old_object, old_field, &removed, dialect),
                    format!(
                        "{place}: {{count}} records use the option(s) {} being removed; change them to another option first",
                        removed.join(", ")
                    ),
                ));
            }
        }
    }
    checks
}

/// `createOneField`: a field of any type on any object (custom fields on standard objects
/// too); a RELATION creates both sides.
pub fn create_field(
    from: &Catalog,
    input: CreateField,
    dialect: Dialect,
) -> Result<Edit, ApiError> {
    let index = object_index(from, input.object_metadata_id)?;
    let field_type = field_type(&input.field_type)?;
    let id = input.id.unwrap_or_else(Uuid::new_v4);
    if field_index(from, id).is_ok() {
        return Err(invalid(format!("a field with id {id} exists already")));
    }
    let mut objects = from.all.objects.clone();
    let mut inactive = from.inactive.clone();
    let mut field = Field::new(id, &input.name, field_type, &input.label);
    field.description = input.description;
    field.icon = input.icon;
    field.is_nullable = input.is_nullable.unwrap_or(true);
    field.is_unique = input.is_unique.unwrap_or(false);
    field.default = input.default_value.as_ref().and_then(default_value);
    field.settings = input.settings;
    if let Some(o) = input.options {
        field.options = options(o, &[]);
    }
    let object_name = objects[index].name_singular.clone();
    match (field_type, input.relation_creation_payload) {
        (FieldType::Relation, None) => {
            return Err(invalid(format!(
                "{object_name}.{}: a RELATION field needs relationCreationPayload {{targetObjectMetadataId, targetFieldLabel, type}}",
                input.name
            )));
        }
        (FieldType::Relation, Some(payload)) => {
            let target = object_index(from, payload.target_object_metadata_id)?;
            let target_name = objects[target].name_singular.clone();
            let inverse_name = payload
                .target_field_name
                .clone()
                .unwrap_or_else(|| camel_case(&payload.target_field_label));
            let kind = match payload.kind.as_str() {
                "MANY_TO_ONE" => RelationKind::ManyToOne,
                "ONE_TO_MANY" => RelationKind::OneToMany,
                other => {
                    return Err(invalid(format!(
                        "{object_name}.{}: relationCreationPayload.type {other:?} is not MANY_TO_ONE or ONE_TO_MANY",
                        input.name
                    )));
                }
            };
            let inverse_kind = match kind {
                RelationKind::ManyToOne => RelationKind::OneToMany,
                RelationKind::OneToMany => RelationKind::ManyToOne,
            };
            let on_delete = |k| (k == RelationKind::ManyToOne).then_some(OnDelete::SetNull);
            field.relation = Some(Relation {
                kind,
                target: target_name,
                inverse: inverse_name.clone(),
                on_delete: on_delete(kind),
            });
            let mut inverse = Field::new(
                Uuid::new_v4(),
                &inverse_name,
                FieldType::Relation,
                &payload.target_field_label,
            );
            inverse.icon = payload.target_field_icon;
            inverse.relation = Some(Relation {
                kind: inverse_kind,
                target: object_name.clone(),
                inverse: input.name.clone(),
                on_delete: on_delete(inverse_kind),
            });
            objects[target].fields.push(inverse);
        }
        (_, Some(_)) => {
            return Err(invalid(format!(
                "{object_name}.{}: relationCreationPayload is only for RELATION fields",
                input.name
            )));
        }
        (_, None) => {}
    }
    if input.is_active == Some(false) {
        inactive.insert(id);
    }
    objects[index].fields.push(field);
    let to = next(from, objects, inactive)?;
    let checks = data_checks(from, &to, dialect);
    Ok(Edit {
        to,
        checks,
        drops_data: false,
        subject: id,
        rewrites: Vec::new(),
    })
}

/// Options of `before` that `after` no longer has (by id), with their values: none when
/// the type changes (a SELECT made TEXT keeps its values as text).
fn removed_options<'a>(before: &'a Field, after: &Field) -> Vec<&'a str> {
    let options = [FieldType::Select, FieldType::MultiSelect];
    if before.field_type != after.field_type || !options.contains(&after.field_type) {
        return Vec::new();
    }
    before
        .options
        .iter()
        .filter(|o| !after.options.iter().any(|n| n.id == o.id))
        .map(|o| o.value.as_str())
        .collect()
}

/// A count of the rows of `object` whose `field` holds one of `values`.
fn option_use_sql(object: &Object, field: &Field, values: &[&str], dialect: Dialect) -> String {
    let list = values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ");
    let column = quote(&field.name);
    let condition = match (field.field_type, dialect) {
        (FieldType::MultiSelect, Dialect::Postgres) => {
            format!("{column} && ARRAY[{list}]::text[]")
        }
        (FieldType::MultiSelect, Dialect::Sqlite) => {
            format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE value IN ({list}))")
        }
        _ => format!("{column} IN ({list})"),
    };
    count_sql(&object.table_name(), Some(&condition))
}

/// The statement giving the records of `object` whose `field` holds `old` the option
/// `new` instead (a MULTI_SELECT keeps its order and holds each value once).
fn replace_option_sql(
    object: &Object,
    field: &Field,
    old: &str,
    new: &str,
    dialect: Dialect,
) -> String {
    let (table, column, old, new) = (
        quote(&object.table_name()),
        quote(&field.name),
        literal(old),
        literal(new),
    );
    match (field.field_type, dialect) {
        (FieldType::MultiSelect, Dialect::Postgres) => format!(
            "UPDATE {table} SET {column} = (SELECT array_agg(v ORDER BY k) FROM \
             (SELECT CASE WHEN x = {old} THEN {new} ELSE x END AS v, MIN(o) AS k \
             FROM unnest({table}.{column}) WITH ORDINALITY AS u(x, o) GROUP BY 1) d) \
             WHERE {old} = ANY({column})"
        ),
        (FieldType::MultiSelect, Dialect::Sqlite) => format!(
            "UPDATE {table} SET {column} = (SELECT json_group_array(v) FROM \
             (SELECT CASE WHEN value = {old} THEN {new} ELSE value END AS v, MIN(key) AS k \
             FROM json_each({table}.{column}) GROUP BY 1 ORDER BY k)) \
             WHERE EXISTS (SELECT 1 FROM json_each({table}.{column}) WHERE value = {old})"
        ),
        _ => format!("UPDATE {table} SET {column} = {new} WHERE {column} = {old}"),
    }
}

/// `updateOneField`: rename (custom fields; data kept), labels, description, icon,
/// options (renamed, added, reordered; a removed one refused while records use it),
/// nullability (refused while nulls exist), default, uniqueness, a type whose storage
/// stays the same, and `isActive`.
pub fn update_field(
    from: &Catalog,
    id: Uuid,
    update: UpdateField,
    dialect: Dialect,
) -> Result<Edit, ApiError> {
    let (o, f) = field_index(from, id)?;
    let mut objects = from.all.objects.clone();
    let mut inactive = from.inactive.clone();
    let before = from.all.objects[o].fields[f].clone();
    let object_name = objects[o].name_singular.clone();
    let standard = !crate::store::metadata::is_custom_field(id);
    let place = format!("{object_name}.{}", before.name);
    if let Some(name) = &update.name
        && *name != before.name
    {
        if standard || before.is_system {
            return Err(invalid(format!(
                "{place}: standard fields cannot be renamed"
            )));
        }
        // The other side of a relation names this one.
        if let Some(relation) = &before.relation {
            for object in objects
                .iter_mut()
                .filter(|x| x.name_singular == relation.target)
            {
                for other in object.fields.iter_mut() {
                    if let Some(r) = other.relation.as_mut()
                        && r.target == object_name
                        && r.inverse == before.name
                    {
                        r.inverse = name.clone();
                    }
                }
            }
        }
        // So do the label identifier and the searched fields.
        let object = &mut objects[o];
        if object.label_identifier == before.name {
            object.label_identifier = name.clone();
        }
        for s in object
            .search_fields
            .iter_mut()
            .filter(|s| **s == before.name)
        {
            *s = name.clone();
        }
        for path in object.duplicate_criteria.iter_mut().flatten() {
            let head = path.split('.').next().unwrap_or_default();
            if head == before.name {
                *path = format!("{name}{}", &path[head.len()..]);
            }
        }
    }
    if let Some(type_name) = &update.field_type {
        let new_type = field_type(type_name)?;
        if new_type != before.field_type
            && (before.field_type == FieldType::Relation || new_type == FieldType::Relation)
        {
            return Err(invalid(format!(
                "{place}: a field cannot change to or from RELATION; create a new field"
            )));
        }
        // Values of another type are not options: they would break the new type's rule.
        let options = [FieldType::Select, FieldType::MultiSelect, FieldType::Rating];
        if new_type != before.field_type && options.contains(&new_type) {
            return Err(refused(format!(
                "{place}: a {} field cannot become {}: its values are not options of the new type; create a new field and copy them",
                before.field_type.as_str(),
                new_type.as_str()
            )));
        }
    }
    let field = &mut objects[o].fields[f];
    if before.is_system
        && (update.is_nullable.is_some()
            || update.default_value.is_some()
            || update.field_type.is_some()
            || update.is_unique.is_some()
            || update.is_active == Some(false))
    {
        return Err(invalid(format!(
            "{place}: system fields only take label, description and icon changes"
        )));
    }
    if let Some(v) = update.name {
        field.name = v;
    }
    if let Some(v) = update.label {
        field.label = v;
    }
    if let Some(v) = update.description {
        field.description = v;
    }
    if let Some(v) = update.icon {
        field.icon = v;
    }
    if let Some(v) = update.is_nullable {
        field.is_nullable = v;
    }
    if let Some(v) = update.is_unique {
        field.is_unique = v;
    }
    if let Some(v) = update.default_value {
        field.default = v.as_ref().and_then(default_value);
    }
    if let Some(v) = update.settings {
        field.settings = v;
    }
    if let Some(v) = update.options {
        field.options = options(v, &before.options);
    }
    if let Some(t) = &update.field_type {
        field.field_type = field_type(t)?;
    }
    if let Some(active) = update.is_active {
        if active {
            inactive.remove(&id);
        } else {
            if standard && !before.is_nullable {
                return Err(invalid(format!(
                    "{place}: a required standard field cannot be deactivated"
                )));
            }
            if !field.is_nullable && field.default.is_none() {
                return Err(refused(format!(
                    "{place}: a required field without a default cannot be deactivated (records could not be created without it); make it nullable first"
                )));
            }
            inactive.insert(id);
        }
        // Both sides of a relation are active or not together.
        if let Some(relation) = &before.relation
            && let Some(other) = from
                .all
                .object(&relation.target)
                .and_then(|t| t.field(&relation.inverse))
        {
            if active {
                inactive.remove(&other.id);
            } else {
                inactive.insert(other.id);
            }
        }
    }
    let to = next(from, objects, inactive)?;
    let after = &to.all.objects[o].fields[f];
    let removed = removed_options(&before, after);
    // A removed option loses nothing once no record holds it, which the checks make sure
    // of (a type change in the same update is still held to the planner's losses).
    let drops_data = !removed.is_empty() && update.field_type.is_none();
    let replacements = update.option_replacements.unwrap_or_default();
    let mut rewrites = Vec::new();
    for (old_value, new_value) in &replacements {
        if !removed.contains(&old_value.as_str()) {
            return Err(invalid(format!(
                "{place}: optionReplacements names {old_value:?}, which is not an option this update removes"
            )));
        }
        if !after.options.iter().any(|o| o.value == *new_value) {
            return Err(invalid(format!(
                "{place}: optionReplacements replaces {old_value:?} by {new_value:?}, which is not one of the field's options"
            )));
        }
        rewrites.push(replace_option_sql(
            &from.all.objects[o],
            &before,
            old_value,
            new_value,
            dialect,
        ));
    }
    // The records holding a replaced option hold another one by the time of the checks.
    let replaced: Vec<(Uuid, &str)> = replacements.keys().map(|v| (id, v.as_str())).collect();
    let checks = data_checks_replacing(from, &to, dialect, &replaced);
    Ok(Edit {
        to,
        checks,
        drops_data,
        subject: id,
        rewrites,
    })
}

/// `deleteOneField`: a custom field (both sides of a relation); its column(s) and data go.
pub fn delete_field(from: &Catalog, id: Uuid) -> Result<Edit, ApiError> {
    let (o, f) = field_index(from, id)?;
    let object = &from.all.objects[o];
    let field = &object.fields[f];
    let place = format!("{}.{}", object.name_singular, field.name);
    if field.is_system || !crate::store::metadata::is_custom_field(id) {
        return Err(invalid(format!(
            "{place}: standard fields cannot be deleted"
        )));
    }
    if object.label_identifier == field.name {
        return Err(refused(format!(
            "{place}: it labels the object's records; choose another labelIdentifierFieldMetadataId first"
        )));
    }
    let mut objects = from.all.objects.clone();
    let mut inactive = from.inactive.clone();
    let mut gone = vec![(object.name_singular.clone(), field.name.clone())];
    if let Some(relation) = &field.relation {
        gone.push((relation.target.clone(), relation.inverse.clone()));
    }
    for object in objects.iter_mut() {
        let name = object.name_singular.clone();
        object.fields.retain(|f| {
            let drop = gone.iter().any(|(o, n)| *o == name && *n == f.name);
            if drop {
                inactive.remove(&f.id);
            }
            !drop
        });
        object
            .search_fields
            .retain(|s| !gone.iter().any(|(o, n)| *o == name && n == s));
        // A duplicate criterion naming a deleted field goes with it.
        object.duplicate_criteria.retain(|criterion| {
            !criterion.iter().any(|path| {
                let head = path.split('.').next().unwrap_or_default();
                gone.iter().any(|(o, n)| *o == name && n == head)
            })
        });
    }
    Ok(Edit {
        to: next(from, objects, inactive)?,
        checks: Vec::new(),
        drops_data: true,
        subject: id,
        rewrites: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_defaults_lose_their_quotes_and_get_them_back() {
        let given = serde_json::json!({"amountMicros": null, "currencyCode": "'USD'"});
        let model = default_value(&given).expect("a default");
        assert_eq!(
            model,
            DefaultValue::Value(serde_json::json!({"amountMicros": null, "currencyCode": "USD"}))
        );
        assert_eq!(twenty_default(Some(&model)), given);
        assert_eq!(
            default_value(&Value::String("now".into())),
            Some(DefaultValue::Now)
        );
        assert_eq!(default_value(&Value::Null), None);
    }

    #[test]
    fn labels_become_camel_case_names() {
        assert_eq!(camel_case("Primary Company"), "primaryCompany");
        assert_eq!(camel_case("pets"), "pets");
        assert_eq!(camel_case("  Rocket  ships! "), "rocketShips");
    }
}
