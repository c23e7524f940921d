//! The write engine: create (and upsert), update, soft delete, destroy and restore of one
//! object's records, each call in one transaction (all or nothing) with one event per
//! changed record logged in the same transaction. No HTTP here.
//!
//! Input records are JSON objects as clients send them (composites nested, relations by
//! join column `companyId`); they are checked against the model first (see the value
//! rules below), so a database error is the exception, and even then one a client caused
//! (a unique value taken, a NOT NULL) comes back as a typed error naming the field.
//!
//! # Values
//! - TEXT: a string. NUMBER, POSITION: a JSON number (stored as a double; integral values
//!   read back as integers). NUMERIC: a number or a decimal string. BOOLEAN: true/false.
//! - UUID: a UUID string (stored lowercase hyphenated).
//! - DATE_TIME: RFC 3339 (`2024-05-01T12:00:00Z`, any offset, seconds and offset optional,
//!   a bare date means midnight UTC); stored in UTC to the millisecond.
//! - DATE: `YYYY-MM-DD`. SELECT, RATING: one of the options. MULTI_SELECT: a list of
//!   options. ARRAY: a list of strings. RAW_JSON: any JSON.
//! - Composites: an object of sub-fields; on update only the given sub-fields change;
//!   `null` for the whole field clears every sub-field. EMAILS.primaryEmail must look like
//!   an address (`a@b.c`) and additionalEmails be a list of them; LINKS.primaryLinkUrl (and
//!   each `url` of secondaryLinks) must be an `http(s)://` URL with a host or a bare domain
//!   with an optional path (`acme.com/about`), stored as given; other schemes
//!   (`javascript:`, `ftp:`, `mailto:`) are refused. PHONES: the number holds digits,
//!   spaces and `- . ( ) +`, the calling code is `+` and 1-4 digits, the country code two
//!   capital letters. CURRENCY.currencyCode: three capital letters (ISO 4217). An empty
//!   string is accepted wherever a text sub-field is (Twenty's "no value").
//! - `null` clears a nullable field; on a required one it is `REQUIRED_FIELD`, as is a
//!   required field with no default missing on create.
//! - Read-only (`READ_ONLY_FIELD`): `id` on update, `createdAt`, `updatedAt`, `deletedAt`,
//!   `createdBy`, `updatedBy`, `searchVector`, any ACTOR field. Unknown names are
//!   `UNKNOWN_FIELD` / `UNKNOWN_SUB_FIELD`. A relation is written through its join column
//!   (`companyId`), which must name a live record of the target (`INVALID_RELATION`).
//!
//! # Server-set fields
//! `id` (a v4 UUID unless given on create), `createdAt` and `updatedAt` on create,
//! `updatedAt` on every update, `createdBy` and `updatedBy` = the [`Actor`]
//! (`{source, name, workspaceMemberId: null, context: {}}`), and `position`, when not
//! given, before the current first record (records of one batch keep their order).
//! `position` may also be given as `"first"` or `"last"` (before the first / after the
//! last live record), as Twenty's GraphQL API accepts.

mod input;
mod tx;

pub use input::{is_email, is_link};

use super::ast::{Comparator, Filter};
use super::events::{self, Action, Event};
use super::exec::{Target, select};
use super::record::{self, Flat};
use super::sql::{self, Param, Sql};
use super::validate::{self, Kind, Scalar};
use super::{QueryError, time};
use input::{Assign, Input, Mode, Reference, Val};
use serde_json::{Map, Value, json};
use twenty_codegen::emit::sql::{Dialect, quote, type_sql};
use twenty_codegen::model::{
    Column, ColumnType, FieldType, Object, OnDelete, Schema, composite_column_name,
};
use tx::{Tx, map_error};

/// Most records one call may create, or one selector may match.
pub const MAX_MUTATION_RECORDS: usize = 100;

/// Levels of ON DELETE CASCADE a destroy follows itself (logging events).
const MAX_CASCADE_DEPTH: usize = 8;

/// Who writes: recorded in `createdBy` / `updatedBy` and in each event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// One of the ACTOR sources (`API` for an API key).
    pub source: String,
    /// The display name (an API key's name).
    pub name: String,
    /// The API key that authorized the write, when one did.
    pub key_id: Option<String>,
}

impl Actor {
    /// An API key writing: source `API`, the key's name and id.
    pub fn api_key(name: &str, key_id: &str) -> Actor {
        Actor {
            source: "API".to_owned(),
            name: name.to_owned(),
            key_id: Some(key_id.to_owned()),
        }
    }

    fn event_json(&self) -> Value {
        json!({
            "source": self.source,
            "name": self.name,
            "workspaceMemberId": null,
            "apiKeyId": self.key_id,
        })
    }
}

/// Which records a write applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// One record; none with this id is `NOT_FOUND`.
    Id(uuid::Uuid),
    /// Every record the read engine's filter matches (at most [`MAX_MUTATION_RECORDS`]:
    /// more is `TOO_MANY_RECORDS` and nothing changes); none is an empty result.
    Filter(Filter),
}

/// Which rows a selector looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Live,
    Any,
    Deleted,
}

/// One call's context: the object, its read columns, the actor and the call's time.
struct Ctx<'a> {
    target: Target<'a>,
    schema: &'a Schema,
    object: &'a Object,
    columns: Vec<Column>,
    actor: &'a Actor,
    now: String,
}

impl<'a> Ctx<'a> {
    fn new(target: Target<'a>, schema: &'a Schema, object: &'a Object, actor: &'a Actor) -> Self {
        Ctx {
            target,
            schema,
            object,
            columns: record::read_columns(object, schema),
            actor,
            now: time::now(),
        }
    }

    fn dialect(&self) -> Dialect {
        self.target.dialect()
    }

    fn table(&self) -> String {
        sql::table(self.object, self.dialect(), self.target.pg_schema())
    }

    fn err(&self, e: sqlx::Error, id: Option<&str>) -> QueryError {
        map_error(e, self.schema, self.object, id)
    }

    /// A bound value as an expression of the column's type.
    fn value(&self, s: &mut Sql, column_type: ColumnType, val: &Val) -> String {
        let pg = self.dialect() == Dialect::Postgres;
        let cast = |p: String| {
            if pg {
                format!("{p}::{}", type_sql(column_type, Dialect::Postgres))
            } else {
                p
            }
        };
        match val {
            Val::Null => cast(s.bind(Param::Null)),
            Val::Text(t) => cast(s.bind(Param::Text(t.clone()))),
            Val::Number(n) if pg && column_type == ColumnType::Numeric => {
                cast(s.bind(Param::Text(n.to_string())))
            }
            Val::Number(n) if column_type == ColumnType::Numeric && n.is_i64() => {
                s.bind(Param::Int(n.as_i64().unwrap_or_default()))
            }
            Val::Number(n) => s.bind(Param::Float(n.as_f64().unwrap_or(f64::NAN))),
            Val::Bool(b) if pg => s.bind(Param::Bool(*b)),
            Val::Bool(b) => s.bind(Param::Int(i64::from(*b))),
            Val::Json(v) => cast(s.bind(Param::Text(v.to_string()))),
            Val::List(l) if pg => cast(s.bind(Param::TextList(l.clone()))),
            Val::List(l) => s.bind(Param::Text(Value::from(l.clone()).to_string())),
        }
    }

    /// The assignments of an ACTOR field to the call's actor.
    fn actor_assigns(&self, field: &str) -> Vec<Assign> {
        let Some(composite) = FieldType::Actor.composite() else {
            return Vec::new();
        };
        let column_type = |sub: &str| {
            self.columns
                .iter()
                .find(|c| c.name == composite_column_name(field, sub))
                .map(|c| c.column_type)
        };
        composite
            .sub_fields
            .iter()
            .filter_map(|sub| {
                let value = match sub.name {
                    "source" => Val::Text(self.actor.source.clone()),
                    "name" => Val::Text(self.actor.name.clone()),
                    "context" => Val::Json(json!({})),
                    _ => Val::Null,
                };
                Some(Assign {
                    column: composite_column_name(field, sub.name),
                    column_type: column_type(sub.name)?,
                    value,
                })
            })
            .collect()
    }

    fn has_field(&self, name: &str) -> bool {
        self.object.field(name).is_some()
    }

    /// `updatedAt` and `updatedBy` of an update.
    fn touch(&self) -> Vec<Assign> {
        let mut out = Vec::new();
        if self.has_field("updatedAt") {
            out.push(Assign {
                column: "updatedAt".to_owned(),
                column_type: ColumnType::TimestampTz,
                value: Val::Text(self.now.clone()),
            });
        }
        if self.has_field("updatedBy") {
            out.extend(self.actor_assigns("updatedBy"));
        }
        out
    }

    /// Rows by id, soft-deleted ones included (read after a write).
    async fn rows_by_id(&self, tx: &mut Tx, ids: &[String]) -> Result<Vec<Flat>, QueryError> {
        let mut s = select(&self.target, self.object, &self.columns, None, None, true)?;
        s.push(" AND ");
        let keys: Vec<Scalar> = ids.iter().map(|i| Scalar::Text(i.clone())).collect();
        let cond = s.in_list("t.\"id\"", &Kind::Uuid, &keys);
        s.push(&cond);
        tx.fetch(&s, &self.columns)
            .await
            .map_err(|e| self.err(e, None))
    }

    /// The rows a selector matches in `scope`, at most [`MAX_MUTATION_RECORDS`].
    async fn matching(
        &self,
        tx: &mut Tx,
        selector: &Selector,
        scope: Scope,
    ) -> Result<Vec<Flat>, QueryError> {
        let filter = match selector {
            Selector::Id(id) => Filter::cmp("id", Comparator::Eq, Value::from(id.to_string())),
            Selector::Filter(f) => f.clone(),
        };
        let build = |projection: Option<&str>| -> Result<Sql, QueryError> {
            let mut s = select(
                &self.target,
                self.object,
                &self.columns,
                projection,
                Some(&filter),
                scope != Scope::Live,
            )?;
            if scope == Scope::Deleted {
                s.push(" AND t.\"deletedAt\" IS NOT NULL");
            }
            Ok(s)
        };
        let mut s = build(None)?;
        s.push(&format!(
            " ORDER BY t.\"id\" LIMIT {}",
            MAX_MUTATION_RECORDS + 1
        ));
        let rows = tx
            .fetch(&s, &self.columns)
            .await
            .map_err(|e| self.err(e, None))?;
        if let (Selector::Id(id), true) = (selector, rows.is_empty()) {
            return Err(QueryError::NotFound {
                object: self.object.name_singular.clone(),
                id: id.to_string(),
            });
        }
        if rows.len() > MAX_MUTATION_RECORDS {
            let count = build(Some("COUNT(*)"))?;
            let given = tx
                .scalar_f64(&Sql {
                    text: format!("SELECT CAST(({}) AS DOUBLE PRECISION)", count.text),
                    ..count
                })
                .await
                .map_err(|e| self.err(e, None))?
                .unwrap_or_default() as usize;
            return Err(QueryError::TooManyRecords {
                given,
                max: MAX_MUTATION_RECORDS,
            });
        }
        Ok(rows)
    }

    /// Checks that each reference names a live record of its target.
    async fn check_references(&self, tx: &mut Tx, refs: &[Reference]) -> Result<(), QueryError> {
        for r in refs {
            let Some(target) = self.schema.object(&r.target) else {
                continue;
            };
            let id_column: Vec<Column> = record::read_columns(target, self.schema)
                .into_iter()
                .filter(|c| c.name == "id")
                .collect();
            let mut s = select(&self.target, target, &id_column, None, None, false)?;
            s.push(" AND t.\"id\" = ");
            let p = s.scalar(&Kind::Uuid, &Scalar::Text(r.id.clone()));
            s.push(&p);
            if tx
                .fetch(&s, &id_column)
                .await
                .map_err(|e| self.err(e, None))?
                .is_empty()
            {
                return Err(QueryError::InvalidRelation {
                    field: r.field.clone(),
                    target: r.target.clone(),
                    id: r.id.clone(),
                });
            }
        }
        Ok(())
    }

    /// `UPDATE … SET <assigns> WHERE id IN (ids)`.
    async fn update_rows(
        &self,
        tx: &mut Tx,
        ids: &[String],
        assigns: &[Assign],
    ) -> Result<(), QueryError> {
        if assigns.is_empty() || ids.is_empty() {
            return Ok(());
        }
        let mut s = Sql::new(self.dialect());
        let sets: Vec<String> = assigns
            .iter()
            .map(|a| {
                format!(
                    "{} = {}",
                    quote(&a.column),
                    self.value(&mut s, a.column_type, &a.value)
                )
            })
            .collect();
        s.push(&format!(
            "UPDATE {} SET {} WHERE ",
            self.table(),
            sets.join(", ")
        ));
        let keys: Vec<Scalar> = ids.iter().map(|i| Scalar::Text(i.clone())).collect();
        let cond = s.in_list("\"id\"", &Kind::Uuid, &keys);
        s.push(&cond);
        let one = (ids.len() == 1).then(|| ids[0].as_str());
        tx.execute(&s).await.map_err(|e| self.err(e, one))?;
        Ok(())
    }

    /// The live record an upsert input matches, by `id` or by a unique field's value.
    async fn upsert_match(&self, tx: &mut Tx, input: &Input) -> Result<Option<Flat>, QueryError> {
        let mut keys: Vec<(String, ColumnType, Val)> = Vec::new();
        if let Some(id) = &input.id {
            keys.push(("id".to_owned(), ColumnType::Uuid, Val::Text(id.clone())));
        }
        for field in self.object.fields.iter().filter(|f| f.is_unique) {
            let key_column = match field.field_type.composite() {
                Some(c) => match c.sub_fields.iter().find(|s| s.unique_key) {
                    Some(sub) => composite_column_name(&field.name, sub.name),
                    None => continue,
                },
                None => field.name.clone(),
            };
            if let Some(a) = input
                .assigns
                .iter()
                .find(|a| a.column == key_column && a.value.is_key())
            {
                keys.push((a.column.clone(), a.column_type, a.value.clone()));
            }
        }
        if keys.is_empty() {
            return Ok(None);
        }
        let mut s = select(&self.target, self.object, &self.columns, None, None, false)?;
        let conds: Vec<String> = keys
            .iter()
            .map(|(c, t, v)| format!("t.{} = {}", quote(c), self.value(&mut s, *t, v)))
            .collect();
        s.push(&format!(
            " AND ({}) ORDER BY t.\"id\" LIMIT 2",
            conds.join(" OR ")
        ));
        let mut rows = tx
            .fetch(&s, &self.columns)
            .await
            .map_err(|e| self.err(e, None))?;
        if rows.len() > 1 {
            return Err(QueryError::InvalidValue {
                field: keys[0].0.clone(),
                reason: "the record matches several existing records (by id and unique fields); upsert needs exactly one".to_owned(),
            });
        }
        let row = rows.pop();
        if let (Some(row), Some(id)) = (&row, &input.id)
            && &row_id(row) != id
        {
            return Err(QueryError::InvalidValue {
                field: "id".to_owned(),
                reason: format!(
                    "the record's unique value belongs to record {}, not to the given id",
                    row_id(row)
                ),
            });
        }
        Ok(row)
    }

    /// The smallest (`first`) or largest position of the live records, if any.
    async fn edge_position(&self, tx: &mut Tx, first: bool) -> Result<Option<f64>, QueryError> {
        let mut s = Sql::new(self.dialect());
        s.push(&format!(
            "SELECT CAST({}(t.\"position\") AS DOUBLE PRECISION) FROM {} t WHERE t.\"deletedAt\" IS NULL",
            if first { "MIN" } else { "MAX" },
            self.table()
        ));
        tx.scalar_f64(&s).await.map_err(|e| self.err(e, None))
    }

    /// The position before the current first record, minus `room` for a batch.
    async fn first_position(&self, tx: &mut Tx, room: usize) -> Result<f64, QueryError> {
        let min = self.edge_position(tx, true).await?;
        Ok(min.map_or(0.0, |m| m - 1.0) - room as f64)
    }

    /// Turns `position: "first"` / `"last"` into a number before the first / after the
    /// last live record.
    async fn resolve_position(
        &self,
        tx: &mut Tx,
        assigns: &mut [Assign],
    ) -> Result<(), QueryError> {
        for a in assigns.iter_mut().filter(|a| a.column == "position") {
            let Val::Text(edge) = &a.value else {
                continue;
            };
            let first = edge == "first";
            let p = match self.edge_position(tx, first).await? {
                Some(m) if first => m - 1.0,
                Some(m) => m + 1.0,
                None => 0.0,
            };
            a.value = Val::Number(serde_json::Number::from_f64(p).unwrap_or_else(|| 0.into()));
        }
        Ok(())
    }

    /// Creates one record, or with `upsert` updates the one it matches; returns its id and,
    /// when it updated, the row before.
    async fn create_one(
        &self,
        tx: &mut Tx,
        mut input: Input,
        upsert: bool,
        position: &mut Option<f64>,
        room: usize,
    ) -> Result<(String, Option<Flat>), QueryError> {
        self.check_references(tx, &input.references).await?;
        self.resolve_position(tx, &mut input.assigns).await?;
        if upsert && let Some(row) = self.upsert_match(tx, &input).await? {
            let id = row_id(&row);
            let mut assigns = input.assigns;
            assigns.extend(self.touch());
            self.update_rows(tx, std::slice::from_ref(&id), &assigns)
                .await?;
            return Ok((id, Some(row)));
        }
        let id = input
            .id
            .take()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let given = |assigns: &[Assign], column: &str| assigns.iter().any(|a| a.column == column);
        let mut assigns = vec![Assign {
            column: "id".to_owned(),
            column_type: ColumnType::Uuid,
            value: Val::Text(id.clone()),
        }];
        for column in ["createdAt", "updatedAt"] {
            if self.has_field(column) {
                assigns.push(Assign {
                    column: column.to_owned(),
                    column_type: ColumnType::TimestampTz,
                    value: Val::Text(self.now.clone()),
                });
            }
        }
        for actor in ["createdBy", "updatedBy"] {
            if self.has_field(actor) {
                assigns.extend(self.actor_assigns(actor));
            }
        }
        if self.has_field("position") && !given(&input.assigns, "position") {
            let next = match position {
                Some(p) => *p,
                None => self.first_position(tx, room).await?,
            };
            *position = Some(next + 1.0);
            assigns.push(Assign {
                column: "position".to_owned(),
                column_type: ColumnType::Double,
                value: Val::Number(serde_json::Number::from_f64(next).unwrap_or_else(|| 0.into())),
            });
        }
        assigns.extend(input.assigns);
        for c in &self.columns {
            if !c.nullable && c.default.is_none() && !given(&assigns, &c.name) {
                return Err(QueryError::RequiredField {
                    object: self.object.name_singular.clone(),
                    field: match c.sub_field {
                        Some(sub) => format!("{}.{sub}", c.field_name),
                        None => c.name.clone(),
                    },
                });
            }
        }
        let mut s = Sql::new(self.dialect());
        let names: Vec<String> = assigns.iter().map(|a| quote(&a.column)).collect();
        let values: Vec<String> = assigns
            .iter()
            .map(|a| self.value(&mut s, a.column_type, &a.value))
            .collect();
        s.push(&format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.table(),
            names.join(", "),
            values.join(", ")
        ));
        tx.execute(&s).await.map_err(|e| self.err(e, Some(&id)))?;
        Ok((id, None))
    }

    /// The context of another object in the same call (same actor and time).
    fn other(&self, object: &'a Object) -> Ctx<'a> {
        Ctx {
            target: self.target,
            schema: self.schema,
            object,
            columns: record::read_columns(object, self.schema),
            actor: self.actor,
            now: self.now.clone(),
        }
    }

    /// Applies the foreign keys pointing at records about to be destroyed as the engine's
    /// own writes, so that each record they change gets its event: SET NULL clears the key
    /// (an `updated` event), CASCADE destroys the dependents (recursively, `destroyed`
    /// events), RESTRICT and NO ACTION refuse with `STILL_REFERENCED`. Past
    /// [`MAX_CASCADE_DEPTH`] levels the database's own actions apply, without events.
    fn destroy_dependents<'b>(
        &'b self,
        tx: &'b mut Tx,
        ids: &'b [String],
        events: &'b mut Vec<Event>,
        depth: usize,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), QueryError>> + Send + 'b>>
    {
        Box::pin(async move {
            if depth >= MAX_CASCADE_DEPTH || ids.is_empty() {
                return Ok(());
            }
            let keys: Vec<Scalar> = ids.iter().map(|i| Scalar::Text(i.clone())).collect();
            for other in &self.schema.objects {
                for (field, relation) in other.many_to_one() {
                    let Some(fk) = field.join_column() else {
                        continue;
                    };
                    if relation.target != self.object.name_singular {
                        continue;
                    }
                    let dep = self.other(other);
                    let mut s = select(&dep.target, other, &dep.columns, None, None, true)?;
                    s.push(" AND ");
                    let cond = s.in_list(&format!("t.{}", quote(&fk)), &Kind::Uuid, &keys);
                    s.push(&cond);
                    let rows: Vec<Flat> = tx
                        .fetch(&s, &dep.columns)
                        .await
                        .map_err(|e| dep.err(e, None))?
                        .into_iter()
                        // Rows destroyed by this very call (a self-reference) need nothing.
                        .filter(|r| {
                            !(other.name_singular == self.object.name_singular
                                && ids.contains(&row_id(r)))
                        })
                        .collect();
                    if rows.is_empty() {
                        continue;
                    }
                    let dep_ids = self::ids(&rows);
                    match relation.on_delete.unwrap_or(OnDelete::SetNull) {
                        OnDelete::Cascade => {
                            dep.destroy_dependents(tx, &dep_ids, events, depth + 1)
                                .await?;
                            let mut s = Sql::new(dep.dialect());
                            s.push(&format!("DELETE FROM {} WHERE ", dep.table()));
                            let dep_keys: Vec<Scalar> =
                                dep_ids.iter().map(|i| Scalar::Text(i.clone())).collect();
                            let cond = s.in_list("\"id\"", &Kind::Uuid, &dep_keys);
                            s.push(&cond);
                            tx.execute(&s).await.map_err(|e| dep.err(e, None))?;
                            events.extend(
                                rows.iter().map(|r| {
                                    dep.event(Action::Destroyed, Some(dep.record(r)), None)
                                }),
                            );
                        }
                        OnDelete::SetNull => {
                            let mut assigns = vec![Assign {
                                column: fk.clone(),
                                column_type: ColumnType::Uuid,
                                value: Val::Null,
                            }];
                            assigns.extend(dep.touch());
                            dep.update_rows(tx, &dep_ids, &assigns).await?;
                            let after = dep.rows_by_id(tx, &dep_ids).await?;
                            for b in &rows {
                                let a = after.iter().find(|a| row_id(a) == row_id(b));
                                events.push(dep.event(
                                    Action::Updated,
                                    Some(dep.record(b)),
                                    a.map(|a| dep.record(a)),
                                ));
                            }
                        }
                        OnDelete::Restrict | OnDelete::NoAction => {
                            return Err(QueryError::StillReferenced {
                                object: self.object.name_singular.clone(),
                                id: rows[0]
                                    .get(&fk)
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_owned(),
                                referrer: other.name_singular.clone(),
                            });
                        }
                    }
                }
            }
            Ok(())
        })
    }

    fn record(&self, row: &Flat) -> Value {
        Value::Object(record::record(row, &self.columns, None))
    }

    fn event(&self, action: Action, before: Option<Value>, after: Option<Value>) -> Event {
        let record_id = after
            .as_ref()
            .or(before.as_ref())
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let updated_fields = match (action, &before, &after) {
            (Action::Updated, Some(Value::Object(b)), Some(Value::Object(a))) => a
                .iter()
                .filter(|(k, v)| {
                    !matches!(k.as_str(), "updatedAt" | "updatedBy") && b.get(k.as_str()) != Some(v)
                })
                .map(|(k, _)| k.clone())
                .collect(),
            (Action::Deleted | Action::Restored, _, _) => vec!["deletedAt".to_owned()],
            _ => Vec::new(),
        };
        Event {
            seq: 0,
            id: uuid::Uuid::new_v4().to_string(),
            object: self.object.name_singular.clone(),
            action,
            record_id,
            before,
            after,
            updated_fields,
            actor: self.actor.event_json(),
            created_at: self.now.clone(),
        }
    }

    /// Logs the events (in the write's transaction).
    async fn log(&self, tx: &mut Tx, events: &[Event]) -> Result<(), QueryError> {
        if events.is_empty() {
            return Ok(());
        }
        if let Target::Postgres { schema, .. } = self.target {
            tx.execute(&events::pg_lock_sql(schema)).await?;
        }
        for e in events {
            tx.execute(&events::insert_sql(
                self.dialect(),
                self.target.pg_schema(),
                e,
            ))
            .await?;
        }
        Ok(())
    }
}

fn row_id(row: &Flat) -> String {
    row.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn ids(rows: &[Flat]) -> Vec<String> {
    rows.iter().map(row_id).collect()
}

/// Creates records (one call, one transaction): a batch of at most
/// [`MAX_MUTATION_RECORDS`]. With `upsert`, a record whose `id` or unique field value
/// (e.g. `emails.primaryEmail`, `domainName.primaryLinkUrl`) matches a live record updates
/// that record instead (a soft-deleted record never matches). Returns the records (as
/// `find_one` at depth 0 returns them) in input order.
///
/// When the batch holds more than one record, an error about one of them is
/// [`QueryError::Item`] with its index; nothing is written then.
pub async fn create(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    records: Vec<Map<String, Value>>,
    upsert: bool,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    if records.len() > MAX_MUTATION_RECORDS {
        return Err(QueryError::TooManyRecords {
            given: records.len(),
            max: MAX_MUTATION_RECORDS,
        });
    }
    let batch = records.len() > 1;
    let item = |index: usize| {
        move |error: QueryError| match batch {
            true => QueryError::Item {
                index,
                error: Box::new(error),
            },
            false => error,
        }
    };
    let inputs = records
        .iter()
        .enumerate()
        .map(|(i, r)| input::convert(schema, object, r, Mode::Create).map_err(item(i)))
        .collect::<Result<Vec<Input>, _>>()?;
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let ctx = Ctx::new(target, schema, object, actor);
    let room = inputs.len() - 1;
    let mut tx = Tx::begin(&target).await?;
    let mut done = Vec::with_capacity(inputs.len());
    let mut position = None;
    for (i, input) in inputs.into_iter().enumerate() {
        done.push(
            ctx.create_one(&mut tx, input, upsert, &mut position, room)
                .await
                .map_err(item(i))?,
        );
    }
    let written: Vec<String> = done.iter().map(|(id, _)| id.clone()).collect();
    let rows = ctx.rows_by_id(&mut tx, &written).await?;
    let mut records = Vec::with_capacity(done.len());
    let mut events = Vec::with_capacity(done.len());
    // An upsert may touch one record twice: each event's `before` is the previous `after`.
    let mut latest: std::collections::HashMap<String, Value> = std::collections::HashMap::new();
    for (id, before) in done {
        let row = rows.iter().find(|r| row_id(r) == id);
        let after = row.map(|r| ctx.record(r)).unwrap_or(Value::Null);
        let (action, before) = match before {
            Some(b) => (
                Action::Updated,
                Some(latest.get(&id).cloned().unwrap_or_else(|| ctx.record(&b))),
            ),
            None => (Action::Created, None),
        };
        events.push(ctx.event(action, before, Some(after.clone())));
        latest.insert(id, after.clone());
        records.push(after);
    }
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(records)
}

/// Updates the records `selector` picks with `patch` (only the given fields, and of a
/// composite only the given sub-fields, change); returns them after the change.
pub async fn update(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    patch: &Map<String, Value>,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let input = input::convert(schema, object, patch, Mode::Update)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let before = ctx.matching(&mut tx, selector, Scope::Live).await?;
    ctx.check_references(&mut tx, &input.references).await?;
    let ids = ids(&before);
    let mut assigns = input.assigns;
    ctx.resolve_position(&mut tx, &mut assigns).await?;
    assigns.extend(ctx.touch());
    ctx.update_rows(&mut tx, &ids, &assigns).await?;
    finish(&ctx, tx, Action::Updated, before, &ids).await
}

/// Soft-deletes the live records `selector` picks (sets `deletedAt`); returns them after.
pub async fn delete(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let before = ctx.matching(&mut tx, selector, Scope::Live).await?;
    let ids = ids(&before);
    let deleted_at = [Assign {
        column: "deletedAt".to_owned(),
        column_type: ColumnType::TimestampTz,
        value: Val::Text(ctx.now.clone()),
    }];
    ctx.update_rows(&mut tx, &ids, &deleted_at).await?;
    finish(&ctx, tx, Action::Deleted, before, &ids).await
}

/// Restores soft-deleted records (clears `deletedAt`); returns them. By id, a live record
/// is returned unchanged (no event); by filter, only soft-deleted records match.
pub async fn restore(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let scope = match selector {
        Selector::Id(_) => Scope::Any,
        Selector::Filter(_) => Scope::Deleted,
    };
    let rows = ctx.matching(&mut tx, selector, scope).await?;
    let (before, live): (Vec<Flat>, Vec<Flat>) = rows
        .into_iter()
        .partition(|r| !r.get("deletedAt").is_none_or(Value::is_null));
    if before.is_empty() {
        tx.commit().await?;
        return Ok(live.iter().map(|r| ctx.record(r)).collect());
    }
    let ids = ids(&before);
    let cleared = [Assign {
        column: "deletedAt".to_owned(),
        column_type: ColumnType::TimestampTz,
        value: Val::Null,
    }];
    ctx.update_rows(&mut tx, &ids, &cleared).await?;
    finish(&ctx, tx, Action::Restored, before, &ids).await
}

/// Hard-deletes the records `selector` picks, soft-deleted ones included; returns them as
/// they were. Records of other objects pointing at them follow their relation's ON DELETE
/// (SET NULL: the key is cleared; CASCADE: destroyed too; RESTRICT: `STILL_REFERENCED`),
/// each with its event.
pub async fn destroy(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let before = ctx.matching(&mut tx, selector, Scope::Any).await?;
    let ids = ids(&before);
    let mut events = Vec::new();
    ctx.destroy_dependents(&mut tx, &ids, &mut events, 0)
        .await?;
    if !ids.is_empty() {
        let mut s = Sql::new(ctx.dialect());
        s.push(&format!("DELETE FROM {} WHERE ", ctx.table()));
        let keys: Vec<Scalar> = ids.iter().map(|i| Scalar::Text(i.clone())).collect();
        let cond = s.in_list("\"id\"", &Kind::Uuid, &keys);
        s.push(&cond);
        let one = (ids.len() == 1).then(|| ids[0].as_str());
        tx.execute(&s).await.map_err(|e| ctx.err(e, one))?;
    }
    let records: Vec<Value> = before.iter().map(|r| ctx.record(r)).collect();
    events.extend(
        records
            .iter()
            .map(|r| ctx.event(Action::Destroyed, Some(r.clone()), None)),
    );
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(records)
}

/// Reads the records after an update-like change, logs one event each, commits.
async fn finish(
    ctx: &Ctx<'_>,
    mut tx: Tx,
    action: Action,
    before: Vec<Flat>,
    ids: &[String],
) -> Result<Vec<Value>, QueryError> {
    if ids.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let after = ctx.rows_by_id(&mut tx, ids).await?;
    let mut records = Vec::with_capacity(before.len());
    let mut events = Vec::with_capacity(before.len());
    for b in &before {
        let id = row_id(b);
        let Some(a) = after.iter().find(|r| row_id(r) == id) else {
            continue;
        };
        let a = ctx.record(a);
        events.push(ctx.event(action, Some(ctx.record(b)), Some(a.clone())));
        records.push(a);
    }
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(records)
}
