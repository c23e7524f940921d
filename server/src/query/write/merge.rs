//! Merging duplicates, as Twenty does, in one transaction: the records' field values are
//! merged into the priority record (`ids[conflictPriorityIndex]`, which keeps its id),
//! every record of any object pointing at the others is re-pointed to it, the others are
//! destroyed, and each change is logged (`updated` for the kept record and the re-pointed
//! ones, `destroyed` for the others). A dry run writes nothing and answers the merged
//! record with a new id and `deletedAt` set, as Twenty's preview does.
//!
//! Field values: a field only one record has keeps that value; otherwise the priority
//! record's value wins when it has one, else the first record that has one (in `ids`
//! order). Lists (ARRAY, MULTI_SELECT) are united; emails, phones and links keep the
//! chosen primary and gather every other record's primary and additional values as
//! additional ones, without repeats (phones by number, links by URL).

use super::ctx::{Ctx, Scope, row_id};
use super::input::{self, Mode, Val};
use super::tx::Tx;
use super::{Actor, Selector};
use crate::query::ast::{Comparator, Filter};
use crate::query::events::Action;
use crate::query::exec::Target;
use crate::query::validate;
use crate::query::{QueryError, time};
use serde_json::{Map, Value, json};
use twenty_codegen::model::{FieldType, Object, RelationKind, Schema};

/// Most records one merge takes (Twenty's `MUTATION_MAX_MERGE_RECORDS`).
pub const MAX_MERGE_RECORDS: usize = 9;

fn refuse(field: &str, reason: String) -> QueryError {
    QueryError::InvalidValue {
        field: field.to_owned(),
        reason,
    }
}

/// Whether a value counts as given: not null, a non-blank text, a non-empty list, an
/// object with a given member; numbers and booleans always.
fn present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => map.values().any(present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// The first given value (the priority record's first).
fn first<'v>(values: &[&'v Value]) -> Option<&'v Value> {
    values.iter().copied().find(|v| present(v))
}

/// A list's items, in order, once each (by `key` of each item).
fn unique_by(items: Vec<Value>, key: impl Fn(&Value) -> Value) -> Vec<Value> {
    let mut seen: Vec<Value> = Vec::new();
    let mut out = Vec::new();
    for item in items {
        let k = key(&item);
        if !seen.contains(&k) {
            seen.push(k);
            out.push(item);
        }
    }
    out
}

fn list(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn nullable_list(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::Array(items)
    }
}

/// A composite with a primary value and a list of additional ones (emails, phones,
/// links): the chosen primary, every other primary and every additional value gathered.
fn merge_primary(
    values: &[&Value],
    primary: &[&str],
    additional: &str,
    as_item: impl Fn(&Map<String, Value>) -> Value,
    key: impl Fn(&Value) -> Value,
) -> Value {
    let has_primary = |v: &&Value| v.get(primary[0]).is_some_and(present);
    let chosen = values.iter().find(|v| has_primary(v)).copied();
    let mut out = Map::new();
    for sub in primary {
        out.insert(
            (*sub).to_owned(),
            chosen
                .and_then(|c| c.get(*sub))
                .cloned()
                .unwrap_or(Value::Null),
        );
    }
    let chosen_key = chosen
        .and_then(Value::as_object)
        .map(&as_item)
        .map(|i| key(&i));
    let mut gathered = Vec::new();
    for value in values {
        if let Some(map) = value.as_object()
            && has_primary(value)
            && !std::ptr::eq(*value, chosen.unwrap_or(&Value::Null))
        {
            gathered.push(as_item(map));
        }
        gathered.extend(list(value.get(additional)));
    }
    let gathered: Vec<Value> = unique_by(gathered, &key)
        .into_iter()
        .filter(|item| Some(key(item)) != chosen_key)
        .collect();
    out.insert(additional.to_owned(), nullable_list(gathered));
    Value::Object(out)
}

/// The merged value of `field` over `values` (the priority record's first), or `None` to
/// leave it as the priority record has it.
fn merged(field_type: FieldType, values: &[&Value]) -> Option<Value> {
    let given: Vec<&Value> = values.iter().copied().filter(|v| present(v)).collect();
    if given.len() <= 1 {
        return given.first().map(|v| (*v).clone());
    }
    Some(match field_type {
        FieldType::Array | FieldType::MultiSelect => {
            let items = given.iter().flat_map(|v| list(Some(v))).collect();
            nullable_list(unique_by(items, Value::clone))
        }
        FieldType::Emails => merge_primary(
            values,
            &["primaryEmail"],
            "additionalEmails",
            |m| m.get("primaryEmail").cloned().unwrap_or(Value::Null),
            Value::clone,
        ),
        FieldType::Phones => merge_primary(
            values,
            &[
                "primaryPhoneNumber",
                "primaryPhoneCountryCode",
                "primaryPhoneCallingCode",
            ],
            "additionalPhones",
            |m| {
                json!({
                    "number": m.get("primaryPhoneNumber"),
                    "countryCode": m.get("primaryPhoneCountryCode"),
                    "callingCode": m.get("primaryPhoneCallingCode"),
                })
            },
            |item| item.get("number").cloned().unwrap_or(Value::Null),
        ),
        FieldType::Links => merge_primary(
            values,
            &["primaryLinkUrl", "primaryLinkLabel"],
            "secondaryLinks",
            |m| {
                json!({
                    "url": m.get("primaryLinkUrl"),
                    "label": m.get("primaryLinkLabel"),
                })
            },
            |item| item.get("url").cloned().unwrap_or(Value::Null),
        ),
        _ => first(values)?.clone(),
    })
}

/// The patch merging `records` (the priority record first) into the first: every field a
/// client may write, many-to-one relations by their join column.
fn merge_patch(object: &Object, records: &[Value]) -> Map<String, Value> {
    let mut patch = Map::new();
    for field in &object.fields {
        if field.is_system || field.is_server_set() {
            continue;
        }
        let key = match &field.relation {
            Some(r) if r.kind == RelationKind::ManyToOne => match field.join_column() {
                Some(column) => column,
                None => continue,
            },
            Some(_) => continue,
            None => field.name.clone(),
        };
        let values: Vec<&Value> = records
            .iter()
            .map(|r| r.get(&key).unwrap_or(&Value::Null))
            .collect();
        if let Some(value) = merged(field.field_type, &values)
            && Some(&value) != records[0].get(&key)
        {
            patch.insert(key, value);
        }
    }
    patch
}

/// The checks of a merge request, before anything is read.
fn check(object: &Object, ids: &[uuid::Uuid], priority: usize) -> Result<(), QueryError> {
    if object.duplicate_criteria.is_empty() {
        return Err(refuse(
            "ids",
            format!(
                "Merge is only available for objects with duplicate criteria. Object '{}' does not have duplicate criteria defined.",
                object.name_singular
            ),
        ));
    }
    if ids.len() < 2 {
        return Err(refuse(
            "ids",
            "At least 2 record IDs are required for merge".to_owned(),
        ));
    }
    if ids.len() > MAX_MERGE_RECORDS {
        return Err(refuse(
            "ids",
            format!("Maximum {MAX_MERGE_RECORDS} records can be merged at once"),
        ));
    }
    if priority >= ids.len() {
        return Err(refuse(
            "conflictPriorityIndex",
            format!(
                "Invalid conflict priority '{priority}'. Valid options for {} records: 0-{}",
                ids.len(),
                ids.len() - 1
            ),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(refuse("ids", format!("{id} is given twice")));
        }
    }
    Ok(())
}

/// Merges the live records `ids` of `object` into `ids[priority]` (see the module); the
/// merged record, or with `dry_run` its preview.
pub async fn merge(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    ids: &[uuid::Uuid],
    priority: usize,
    dry_run: bool,
    actor: &Actor,
) -> Result<Value, QueryError> {
    let object = validate::object(schema, object)?;
    check(object, ids, priority)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let wanted: Vec<Value> = ids.iter().map(|id| Value::String(id.to_string())).collect();
    let selector = Selector::Filter(Filter::cmp("id", Comparator::In, Value::Array(wanted)));
    let rows = ctx.matching(&mut tx, &selector, Scope::Live).await?;
    // The priority record first, then the others in the order given.
    let mut order: Vec<String> = vec![ids[priority].to_string()];
    order.extend(
        ids.iter()
            .enumerate()
            .filter(|(i, _)| *i != priority)
            .map(|(_, id)| id.to_string()),
    );
    let mut records = Vec::with_capacity(order.len());
    for id in &order {
        let row = rows
            .iter()
            .find(|r| row_id(r) == *id)
            .ok_or_else(|| QueryError::NotFound {
                object: object.name_singular.clone(),
                id: id.clone(),
            })?;
        records.push(ctx.record(row));
    }
    let patch = merge_patch(object, &records);
    if dry_run {
        let mut preview = records[0].as_object().cloned().unwrap_or_default();
        preview.extend(patch);
        preview.insert(
            "id".to_owned(),
            Value::String(uuid::Uuid::new_v4().to_string()),
        );
        preview.insert("deletedAt".to_owned(), Value::String(time::now()));
        return Ok(Value::Object(preview));
    }
    let input = input::convert(schema, object, &patch, Mode::Update)?;
    let kept = order[0].clone();
    let others: Vec<String> = order[1..].to_vec();
    let mut events = Vec::new();
    // Every record pointing at the others points at the kept one.
    for group in ctx.referrers(&mut tx, &others).await? {
        group
            .ctx
            .set_key(
                &mut tx,
                &group.rows,
                &group.fk,
                Val::Text(kept.clone()),
                &mut events,
            )
            .await?;
    }
    ctx.delete_rows(&mut tx, &others).await?;
    events.extend(
        records[1..]
            .iter()
            .map(|r| ctx.event(Action::Destroyed, Some(r.clone()), None)),
    );
    // Written once the others are gone, so their unique values can move to the kept one.
    ctx.check_references(&mut tx, &input.references).await?;
    let mut assigns = input.assigns;
    assigns.extend(ctx.touch());
    ctx.update_rows(&mut tx, std::slice::from_ref(&kept), &assigns)
        .await?;
    let after = ctx.rows_by_id(&mut tx, std::slice::from_ref(&kept)).await?;
    let merged = after.first().map(|r| ctx.record(r)).unwrap_or(Value::Null);
    events.push(ctx.event(
        Action::Updated,
        Some(records[0].clone()),
        Some(merged.clone()),
    ));
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_keep_the_priority_primary_and_gather_the_rest_once() {
        let john = json!({"primaryEmail": "john@example.com", "additionalEmails": ["shared@x.com", "john.alt@x.com"]});
        let jane = json!({"primaryEmail": "jane@example.com", "additionalEmails": ["shared@x.com", "john@example.com"]});
        let merged = merged(FieldType::Emails, &[&john, &jane]).unwrap();
        assert_eq!(
            merged,
            json!({"primaryEmail": "john@example.com", "additionalEmails": ["shared@x.com", "john.alt@x.com", "jane@example.com"]})
        );
        // A priority record without a primary takes the next one's.
        let none = json!({"primaryEmail": null, "additionalEmails": null});
        let merged = super::merged(FieldType::Emails, &[&none, &jane]).unwrap();
        assert_eq!(merged, jane);
    }

    #[test]
    fn links_and_phones_are_unique_by_url_and_number() {
        let a = json!({"primaryLinkUrl": "https://a.co", "primaryLinkLabel": "A", "secondaryLinks": [{"url": "https://s.co", "label": "S"}]});
        let b = json!({"primaryLinkUrl": "https://b.co", "primaryLinkLabel": "B", "secondaryLinks": [{"url": "https://s.co", "label": "S2"}, {"url": "https://a.co", "label": null}]});
        assert_eq!(
            merged(FieldType::Links, &[&a, &b]).unwrap(),
            json!({"primaryLinkUrl": "https://a.co", "primaryLinkLabel": "A", "secondaryLinks": [
                {"url": "https://s.co", "label": "S"}, {"url": "https://b.co", "label": "B"}]})
        );
        let p = json!({"primaryPhoneNumber": "5551234567", "primaryPhoneCountryCode": "US", "primaryPhoneCallingCode": "+1", "additionalPhones": null});
        let q = json!({"primaryPhoneNumber": "4445556789", "primaryPhoneCountryCode": "US", "primaryPhoneCallingCode": "+1", "additionalPhones": [{"number": "5551234567"}]});
        let phones = merged(FieldType::Phones, &[&p, &q]).unwrap();
        assert_eq!(phones["primaryPhoneNumber"], "5551234567");
        assert_eq!(phones["additionalPhones"].as_array().unwrap().len(), 1);
        assert_eq!(phones["additionalPhones"][0]["number"], "4445556789");
    }

    #[test]
    fn plain_values_prefer_the_priority_record_and_lists_unite() {
        let (none, a, b) = (Value::Null, json!("a"), json!("b"));
        assert_eq!(merged(FieldType::Text, &[&none, &a, &b]), Some(json!("a")));
        assert_eq!(merged(FieldType::Text, &[&b, &a]), Some(json!("b")));
        assert_eq!(merged(FieldType::Text, &[&none, &none]), None);
        let (x, y) = (json!(["X", "Y"]), json!(["Y", "Z"]));
        assert_eq!(
            merged(FieldType::Array, &[&x, &y]),
            Some(json!(["X", "Y", "Z"]))
        );
    }
}
