//! Depth 1: many-to-one records embedded and one-to-many lists (at most
//! [`RELATION_LIMIT`] per parent), one statement per relation whatever the row count.

use super::exec::{Target, fetch, select};
use super::record::{self, Flat};
use super::validate::{Kind, Scalar};
use super::{QueryError, RELATION_LIMIT};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use twenty_codegen::emit::sql::quote;
use twenty_codegen::model::{Object, RelationKind, Schema};

fn ids(rows: &[Flat], column: &str) -> Vec<Scalar> {
    let set: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.get(column).and_then(Value::as_str))
        .collect();
    set.into_iter()
        .map(|s| Scalar::Text(s.to_owned()))
        .collect()
}

/// Embeds the relations of `object` (those in `fields`, when given) into `records`;
/// returns the number of statements issued. A relation with no key to look up issues none.
pub async fn embed(
    target: &Target<'_>,
    schema: &Schema,
    object: &Object,
    rows: &[Flat],
    records: &mut [Map<String, Value>],
    fields: Option<&[String]>,
) -> Result<usize, QueryError> {
    let mut statements = 0;
    let dialect = target.dialect();
    for field in &object.fields {
        let Some(relation) = &field.relation else {
            continue;
        };
        if fields.is_some_and(|f| !f.contains(&field.name)) {
            continue;
        }
        let Some(other) = schema.object(&relation.target) else {
            continue;
        };
        let columns = record::read_columns(other, schema);
        match relation.kind {
            RelationKind::ManyToOne => {
                let Some(fk) = field.join_column() else {
                    continue;
                };
                let keys = ids(rows, &fk);
                let mut found = BTreeMap::new();
                if !keys.is_empty() {
                    let mut s = select(target, other, &columns, None, None, false)?;
                    s.push(" AND ");
                    let cond = s.in_list("t.\"id\"", &Kind::Uuid, &keys);
                    s.push(&cond);
                    for r in fetch(target, &s, &columns).await? {
                        let id = r
                            .get("id")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        found.insert(id, Value::Object(record::record(&r, &columns, None)));
                    }
                    statements += 1;
                }
                for (row, rec) in rows.iter().zip(records.iter_mut()) {
                    let key = row.get(&fk).and_then(Value::as_str).unwrap_or_default();
                    rec.insert(
                        field.name.clone(),
                        found.get(key).cloned().unwrap_or(Value::Null),
                    );
                }
            }
            RelationKind::OneToMany => {
                let Some(fk) = other.field(&relation.inverse).and_then(|f| f.join_column()) else {
                    continue;
                };
                let parents = ids(rows, "id");
                let mut lists: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                if !parents.is_empty() {
                    let exprs: Vec<String> = columns
                        .iter()
                        .map(|c| record::select_expr(c, "t", dialect))
                        .collect();
                    let projection = format!(
                        "{}, ROW_NUMBER() OVER (PARTITION BY t.{fkq} ORDER BY t.\"id\") AS \"_rn\"",
                        exprs.join(", "),
                        fkq = quote(&fk)
                    );
                    let mut inner =
                        select(target, other, &columns, Some(&projection), None, false)?;
                    inner.push(" AND ");
                    let cond = inner.in_list(&format!("t.{}", quote(&fk)), &Kind::Uuid, &parents);
                    inner.push(&cond);
                    let mut s = inner.clone();
                    s.text = format!(
                        "SELECT * FROM ({}) s WHERE s.\"_rn\" <= {RELATION_LIMIT} ORDER BY s.\"_rn\"",
                        inner.text
                    );
                    for r in fetch(target, &s, &columns).await? {
                        let parent = r
                            .get(&fk)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned();
                        lists
                            .entry(parent)
                            .or_default()
                            .push(Value::Object(record::record(&r, &columns, None)));
                    }
                    statements += 1;
                }
                for (row, rec) in rows.iter().zip(records.iter_mut()) {
                    let key = row.get("id").and_then(Value::as_str).unwrap_or_default();
                    rec.insert(
                        field.name.clone(),
                        Value::Array(lists.remove(key).unwrap_or_default()),
                    );
                }
            }
        }
    }
    Ok(statements)
}
