//! Related records in a number of statements that does not grow with the rows: depth 1
//! of a read ([`embed`]: many-to-one records and one-to-many lists of at most
//! [`RELATION_LIMIT`] per parent), and the batched loads transports build nested reads
//! from ([`find_children`]: a filtered, ordered, paged list per parent; [`find_by_ids`]).

use super::ast::Query;
use super::exec::{PageInfo, RecordPage, Target, fetch, fetch_rows, plan, select};
use super::record::{self, DbRow, Flat};
use super::sql::{self, Param, Sql, Values};
use super::validate::{self, Kind, Scalar};
use super::{QueryError, RELATION_LIMIT};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// Whether the one-to-many lists of the records are read, or known to be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lists {
    Read,
    /// The records were created by the write that answers: nothing can reference them
    /// yet, so every list is empty without a statement.
    Empty,
}

/// The written records of a write with their relations (depth 1), in the same order,
/// embedded into the records as written. `created` tells that the write created every
/// one of them (a create that is not an upsert), so their one-to-many lists are empty
/// and cost no statement.
pub async fn embed_written(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    records: Vec<Value>,
    created: bool,
    fields: Option<&[String]>,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let mut maps: Vec<Map<String, Value>> = records
        .into_iter()
        .filter_map(|r| match r {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .collect();
    // A record keeps its id and join columns at its top level: they are the keys.
    let keys: Vec<Flat> = maps.clone();
    let lists = if created { Lists::Empty } else { Lists::Read };
    embed(&target, schema, object, &keys, &mut maps, fields, lists).await?;
    Ok(maps
        .into_iter()
        .map(|mut map| {
            if let Some(fields) = fields {
                restrict(schema, object, &mut map, fields);
            }
            Value::Object(map)
        })
        .collect())
}

/// Checks `fields` (a `fields=` list) against `object`: unknown names are an error.
pub fn check_fields(schema: &Schema, object: &str, fields: &[String]) -> Result<(), QueryError> {
    super::exec::check_fields(validate::object(schema, object)?, fields)
}

/// Keeps of a written record the entries a read with `fields` shows: `id`, the named
/// fields (a relation's join column with it) and the named join columns.
pub fn restrict(
    schema: &Schema,
    object: &Object,
    record: &mut Map<String, Value>,
    fields: &[String],
) {
    let columns = object.columns(schema);
    record.retain(|key, _| {
        fields.iter().any(|f| f == key)
            || columns.iter().any(|c| {
                record::wanted(Some(fields), c) && (c.name == *key || c.field_name == *key)
            })
    });
}

/// Embeds the relations of `object` (those in `fields`, when given) into `records`;
/// returns the number of statements issued. A relation with no key to look up issues none.
pub(super) async fn embed(
    target: &Target<'_>,
    schema: &Schema,
    object: &Object,
    rows: &[Flat],
    records: &mut [Map<String, Value>],
    fields: Option<&[String]>,
    lists: Lists,
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
        // The related object's columns are worked out only for a relation that is read.
        match relation.kind {
            RelationKind::ManyToOne => {
                let Some(fk) = field.join_column() else {
                    continue;
                };
                let keys = ids(rows, &fk);
                let mut found = BTreeMap::new();
                if !keys.is_empty() {
                    let columns = record::read_columns(other, schema);
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
                let parents = match lists {
                    Lists::Read => ids(rows, "id"),
                    Lists::Empty => Vec::new(),
                };
                let mut found: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                if !parents.is_empty() {
                    let columns = record::read_columns(other, schema);
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
                        found
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
                        Value::Array(found.remove(key).unwrap_or_default()),
                    );
                }
            }
        }
    }
    Ok(statements)
}

/// Pages of related records, one per parent, read in one statement for all parents.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Children {
    /// The page of each parent id that has at least one matching record.
    pub pages: HashMap<String, RecordPage>,
    /// Records matching per parent id (with `query.count`; absent ids have none).
    pub counts: HashMap<String, i64>,
    /// Whether counts were computed (`query.count`).
    pub counted: bool,
    /// SQL statements issued.
    pub statements: usize,
}

impl Children {
    /// The page of `parent`: its records, or an empty page.
    pub fn take(&mut self, parent: &str) -> RecordPage {
        let mut page = self.pages.remove(parent).unwrap_or(RecordPage {
            records: Vec::new(),
            cursors: Vec::new(),
            page_info: PageInfo::default(),
            total_count: None,
            statements: 0,
        });
        if self.counted {
            page.total_count = Some(self.counts.get(parent).copied().unwrap_or(0));
        }
        page
    }
}

/// For every id of `parents`, the page of `query.object` records whose join column
/// `join_column` holds it, filtered, ordered and paged by `query` as [`super::find_many`]
/// would (`first` / `last` apply per parent; the default page is [`RELATION_LIMIT`]).
///
/// One statement for all parents (`ROW_NUMBER() OVER (PARTITION BY <join column> …)`),
/// plus one grouped count when `query.count`: the number of statements does not depend
/// on the number of parents or rows.
pub async fn find_children(
    target: Target<'_>,
    schema: &Schema,
    query: &Query,
    join_column: &str,
    parents: &[String],
) -> Result<Children, QueryError> {
    let object = validate::object(schema, &query.object)?;
    let fk = validate::column(object, join_column, None)?;
    // Rows are grouped by their parent: the join column is always read.
    let plan = plan(&target, schema, query, RELATION_LIMIT, Some(&fk.name))?;
    if fk.kind != Kind::Uuid {
        return Err(QueryError::InvalidFilter {
            field: join_column.to_owned(),
            reason: "not a relation's join column".to_owned(),
        });
    }
    let mut children = Children {
        counted: query.count,
        ..Children::default()
    };
    let keys: Vec<Scalar> = parents
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|p| Scalar::Text(p.clone()))
        .collect();
    if keys.is_empty() {
        return Ok(children);
    }
    let fkq = format!("t.{}", quote(&fk.name));
    let mut order = Sql::new(target.dialect());
    sql::order_by(&mut order, &plan.read_keys);
    let projection = format!(
        "{}, ROW_NUMBER() OVER (PARTITION BY {fkq}{}) AS \"_rn\"",
        plan.projection, order.text
    );
    let mut inner = select(
        &target,
        object,
        &plan.columns,
        Some(&projection),
        query.filter.as_ref().map(|f| (schema, f)),
        query.with_deleted,
    )?;
    inner.push(" AND ");
    let cond = inner.in_list(&fkq, &Kind::Uuid, &keys);
    inner.push(&cond);
    if let Some(values) = &plan.position {
        inner.push(" AND ");
        sql::keyset(&mut inner, &plan.read_keys, values);
    }
    let mut s = inner.clone();
    let fetch_limit = s.bind(Param::Int(i64::from(plan.limit) + 1));
    s.text = format!(
        "SELECT * FROM ({}) s WHERE s.\"_rn\" <= {fetch_limit} ORDER BY s.\"_rn\"",
        inner.text
    );
    let fk_index = plan.decoded.iter().position(|c| c.name == fk.name);
    let mut grouped: BTreeMap<String, Vec<DbRow>> = BTreeMap::new();
    for row in fetch_rows(&target, &s).await? {
        let parent = match fk_index {
            Some(i) => match row.value(i, &plan.decoded[i])? {
                Value::String(parent) => parent,
                _ => String::new(),
            },
            None => String::new(),
        };
        grouped.entry(parent).or_default().push(row);
    }
    children.statements += 1;
    let fields = query.fields.as_deref();
    for (parent, rows) in grouped {
        let cut = plan.page(rows, &query.page, fields, false)?;
        children.pages.insert(
            parent,
            RecordPage {
                records: cut.records.into_iter().map(Value::Object).collect(),
                cursors: cut.cursors,
                page_info: cut.page_info,
                total_count: None,
                statements: 0,
            },
        );
    }
    if query.count {
        let projection = format!("CAST({fkq} AS TEXT), COUNT(*)");
        let mut c = select(
            &target,
            object,
            &plan.columns,
            Some(&projection),
            query.filter.as_ref().map(|f| (schema, f)),
            query.with_deleted,
        )?;
        c.push(" AND ");
        let cond = c.in_list(&fkq, &Kind::Uuid, &keys);
        c.push(&cond);
        c.push(&format!(" GROUP BY {fkq}"));
        children.counts = grouped_counts(&target, &c).await?;
        children.statements += 1;
    }
    Ok(children)
}

async fn grouped_counts(target: &Target<'_>, s: &Sql) -> Result<HashMap<String, i64>, QueryError> {
    use sqlx::Row;
    let mut counts = HashMap::new();
    match target {
        Target::Postgres { pool, .. } => {
            for row in sql::pg_query(s).fetch_all(*pool).await? {
                counts.insert(row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?);
            }
        }
        Target::Sqlite { db } => {
            for row in sql::sqlite_query(s).fetch_all(&db.pool).await? {
                counts.insert(row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?);
            }
        }
    }
    Ok(counts)
}

/// The live records of `object` with these ids (restricted to `fields` when given), by
/// id, in one statement (none when `ids` is empty). Returns the records and the number
/// of statements issued.
pub async fn find_by_ids(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    ids: &[String],
    fields: Option<&[String]>,
) -> Result<(HashMap<String, Value>, usize), QueryError> {
    let object = validate::object(schema, object)?;
    let keys: Vec<Scalar> = ids
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|p| Scalar::Text(p.clone()))
        .collect();
    let mut found = HashMap::new();
    if keys.is_empty() {
        return Ok((found, 0));
    }
    let mut columns = record::read_columns(object, schema);
    columns.retain(|c| record::wanted(fields, c));
    let mut s = select(&target, object, &columns, None, None, false)?;
    s.push(" AND ");
    let cond = s.in_list("t.\"id\"", &Kind::Uuid, &keys);
    s.push(&cond);
    for r in fetch(&target, &s, &columns).await? {
        let id = r
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        found.insert(id, Value::Object(record::record(&r, &columns, fields)));
    }
    Ok((found, 1))
}
