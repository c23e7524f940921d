//! One write call's context (object, columns, actor, time) and the statements it runs:
//! reading the selected rows, checking references, inserts, updates, deletes, positions,
//! upsert matching, and the events. The public operations in `mod.rs` compose these.

use super::input::{Assign, Input, Reference, Val};
use super::tx::{Tx, map_error};
use super::{Actor, MAX_MUTATION_RECORDS, Selector};
use crate::query::QueryError;
use crate::query::ast::{Comparator, Filter};
use crate::query::events::{self, Action, Event};
use crate::query::exec::{Target, select};
use crate::query::record::{self, Flat};
use crate::query::sql::{self, Param, Sql, Values};
use crate::query::time;
use crate::query::validate::{Kind, Scalar};
use serde_json::{Value, json};
use twenty_codegen::emit::sql::{Dialect, quote, type_sql};
use twenty_codegen::model::{Column, ColumnType, FieldType, Object, Schema, composite_column_name};

/// Which rows a selector looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Live,
    Any,
    Deleted,
}

/// One call's context: the object, its read columns, the actor and the call's time.
pub(super) struct Ctx<'a> {
    pub(super) target: Target<'a>,
    pub(super) schema: &'a Schema,
    pub(super) object: &'a Object,
    pub(super) columns: Vec<Column>,
    pub(super) actor: &'a Actor,
    pub(super) now: String,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        target: Target<'a>,
        schema: &'a Schema,
        object: &'a Object,
        actor: &'a Actor,
    ) -> Self {
        Ctx {
            target,
            schema,
            object,
            columns: record::read_columns(object, schema),
            actor,
            now: time::now(),
        }
    }

    pub(super) fn dialect(&self) -> Dialect {
        self.target.dialect()
    }

    pub(super) fn table(&self) -> String {
        sql::table(self.object, self.dialect(), self.target.pg_schema())
    }

    pub(super) fn err(&self, e: sqlx::Error, id: Option<&str>) -> QueryError {
        map_error(e, self.schema, self.object, id)
    }

    /// A bound value as an expression of the column's type.
    pub(super) fn value(&self, s: &mut Sql, column_type: ColumnType, val: &Val) -> String {
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
    pub(super) fn actor_assigns(&self, field: &str) -> Vec<Assign> {
        let Some(composite) = FieldType::Actor.composite() else {
            return Vec::new();
        };
        composite
            .sub_fields
            .iter()
            .filter_map(|sub| {
                let column = composite_column_name(field, sub.name);
                let column_type = self.columns.iter().find(|c| c.name == column)?.column_type;
                let value = match sub.name {
                    "source" => Val::Text(self.actor.source.clone()),
                    "name" => Val::Text(self.actor.name.clone()),
                    "context" => Val::Json(json!({})),
                    _ => Val::Null,
                };
                Some(Assign {
                    column,
                    column_type,
                    value,
                })
            })
            .collect()
    }

    pub(super) fn has_field(&self, name: &str) -> bool {
        self.object.field(name).is_some()
    }

    /// `updatedAt` and `updatedBy` of an update.
    pub(super) fn touch(&self) -> Vec<Assign> {
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
    pub(super) async fn rows_by_id(
        &self,
        tx: &mut Tx,
        ids: &[String],
    ) -> Result<Vec<Flat>, QueryError> {
        let mut s = select(&self.target, self.object, &self.columns, None, None, true)?;
        s.push(" AND ");
        let cond = s.in_list("t.\"id\"", &Kind::Uuid, &keys(ids));
        s.push(&cond);
        tx.fetch(&s, &self.columns)
            .await
            .map_err(|e| self.err(e, None))
    }

    /// The rows a selector matches in `scope`, at most [`MAX_MUTATION_RECORDS`].
    pub(super) async fn matching(
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
                Some((self.schema, &filter)),
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
    pub(super) async fn check_references(
        &self,
        tx: &mut Tx,
        refs: &[Reference],
    ) -> Result<(), QueryError> {
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
    pub(super) async fn update_rows(
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
        let cond = s.in_list("\"id\"", &Kind::Uuid, &keys(ids));
        s.push(&cond);
        let one = (ids.len() == 1).then(|| ids[0].as_str());
        tx.execute(&s).await.map_err(|e| self.err(e, one))?;
        Ok(())
    }

    /// `DELETE … WHERE id IN (ids)`.
    pub(super) async fn delete_rows(&self, tx: &mut Tx, ids: &[String]) -> Result<(), QueryError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut s = Sql::new(self.dialect());
        s.push(&format!("DELETE FROM {} WHERE ", self.table()));
        let cond = s.in_list("\"id\"", &Kind::Uuid, &keys(ids));
        s.push(&cond);
        let one = (ids.len() == 1).then(|| ids[0].as_str());
        tx.execute(&s).await.map_err(|e| self.err(e, one))?;
        Ok(())
    }

    /// The live record an upsert input matches, by `id` or by a unique field's value.
    pub(super) async fn upsert_match(
        &self,
        tx: &mut Tx,
        input: &Input,
    ) -> Result<Option<Flat>, QueryError> {
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
    pub(super) async fn edge_position(
        &self,
        tx: &mut Tx,
        first: bool,
    ) -> Result<Option<f64>, QueryError> {
        let mut s = Sql::new(self.dialect());
        s.push(&format!(
            "SELECT CAST({}(t.\"position\") AS DOUBLE PRECISION) FROM {} t WHERE t.\"deletedAt\" IS NULL",
            if first { "MIN" } else { "MAX" },
            self.table()
        ));
        tx.scalar_f64(&s).await.map_err(|e| self.err(e, None))
    }

    /// The position before the current first record, minus `room` for a batch.
    pub(super) async fn first_position(&self, tx: &mut Tx, room: usize) -> Result<f64, QueryError> {
        let min = self.edge_position(tx, true).await?;
        Ok(min.map_or(0.0, |m| m - 1.0) - room as f64)
    }

    /// Turns `position: "first"` / `"last"` into a number before the first / after the
    /// last live record.
    pub(super) async fn resolve_position(
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

    /// Creates one record, or with `upsert` updates the one it matches; returns its id,
    /// the row before when it updated, and the row as inserted when it created. `last`:
    /// the record's INSERT is the write's last statement (see [`Tx::fetch_last`]).
    pub(super) async fn create_one(
        &self,
        tx: &mut Tx,
        mut input: Input,
        upsert: bool,
        position: &mut Option<f64>,
        room: usize,
        last: bool,
    ) -> Result<Created, QueryError> {
        self.check_references(tx, &input.references).await?;
        self.resolve_position(tx, &mut input.assigns).await?;
        if upsert && let Some(row) = self.upsert_match(tx, &input).await? {
            let id = row_id(&row);
            let mut assigns = input.assigns;
            assigns.extend(self.touch());
            self.update_rows(tx, std::slice::from_ref(&id), &assigns)
                .await?;
            return Ok(Created {
                id,
                before: Some(row),
                row: None,
                logged: false,
            });
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
                // What the client gave of `createdBy` (its source, its context) stays.
                assigns.extend(
                    self.actor_assigns(actor)
                        .into_iter()
                        .filter(|a| !given(&input.assigns, &a.column)),
                );
            }
        }
        // A lone record's default position is computed by the INSERT itself (no statement
        // of its own); a batch reads the first position once and counts on from it.
        let mut first_by_insert = false;
        if self.has_field("position") && !given(&input.assigns, "position") {
            if room == 0 && position.is_none() {
                first_by_insert = true;
            } else {
                let next = match position {
                    Some(p) => *p,
                    None => self.first_position(tx, room).await?,
                };
                *position = Some(next + 1.0);
                assigns.push(Assign {
                    column: "position".to_owned(),
                    column_type: ColumnType::Double,
                    value: Val::Number(
                        serde_json::Number::from_f64(next).unwrap_or_else(|| 0.into()),
                    ),
                });
            }
        }
        assigns.extend(input.assigns);
        for c in &self.columns {
            let by_insert = first_by_insert && c.name == "position";
            if !c.nullable && c.default.is_none() && !given(&assigns, &c.name) && !by_insert {
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
        let mut names: Vec<String> = assigns.iter().map(|a| quote(&a.column)).collect();
        let mut values: Vec<String> = assigns
            .iter()
            .map(|a| self.value(&mut s, a.column_type, &a.value))
            .collect();
        if first_by_insert {
            names.push(quote("position"));
            values.push(format!(
                "(SELECT COALESCE(MIN(x.\"position\") - 1, 0) FROM {} x WHERE x.\"deletedAt\" IS NULL)",
                self.table()
            ));
        }
        // The row comes back as a read shows it (RETURNING may name only the table, not
        // an alias, on SQLite).
        let table = quote(&self.object.table_name());
        let returning: Vec<String> = self
            .columns
            .iter()
            .map(|c| record::select_expr(c, &table, self.dialect()))
            .collect();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.table(),
            names.join(", "),
            values.join(", "),
        );
        // On Postgres a create's INSERT logs its own event (SQLite's are logged with the
        // write group's, see `log`; an upsert logs its events once all are written).
        let logged = self.dialect() == Dialect::Postgres && !upsert;
        match logged {
            true => {
                let mut created = self.event(Action::Created, None, None);
                created.record_id = id.clone();
                events::pg_insert_logging(
                    &mut s,
                    &insert,
                    &self.object.table_name(),
                    self.target.pg_schema(),
                    &self.columns,
                    &returning,
                    &created,
                );
            }
            false => {
                s.push(&format!("{insert} RETURNING {}", returning.join(", ")));
            }
        }
        let rows = match last {
            true => tx.fetch_last(&s, &self.columns).await,
            false => tx.fetch(&s, &self.columns).await,
        };
        let row = rows.map_err(|e| self.err(e, Some(&id)))?.pop();
        Ok(Created {
            id,
            before: None,
            row,
            logged,
        })
    }
}

/// What [`Ctx::create_one`] did to one input.
pub(super) struct Created {
    pub id: String,
    /// The matched row before an upsert updated it.
    pub before: Option<Flat>,
    /// The row a create inserted, as its INSERT returned it.
    pub row: Option<Flat>,
    /// Whether the statement that created the record also logged its event.
    pub logged: bool,
}

impl Ctx<'_> {
    pub(super) fn record(&self, row: &Flat) -> Value {
        Value::Object(record::record(row, &self.columns, None))
    }

    pub(super) fn event(
        &self,
        action: Action,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Event {
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
            position: events::LogPosition::START,
            id: uuid::Uuid::new_v4().to_string(),
            object: self.object.name_singular.clone(),
            action,
            record_id,
            before,
            after,
            updated_fields,
            actor: self.actor.event_json(),
            created_at: self.now.clone(),
            upsert: false,
        }
    }

    /// Logs the events (in the write's transaction).
    /// Makes this transaction's upserts of the object wait for those of other transactions
    /// (to their commit). On Postgres writes run side by side, and two upserts of one
    /// unique value would otherwise both find no match and both insert (one then failing
    /// as a duplicate); waiting, the later one finds the record the earlier one made. On
    /// SQLite the file's writers already take turns.
    pub(super) async fn upserts_take_turns(&self, tx: &mut Tx) -> Result<(), QueryError> {
        if let Tx::Postgres(_) = tx {
            let mut s = Sql::new(self.dialect());
            let key = s.bind(Param::Text(format!(
                "{}.{}.upsert",
                self.target.pg_schema(),
                self.object.table_name()
            )));
            s.push(&format!("SELECT pg_advisory_xact_lock(hashtext({key}))"));
            tx.execute(&s).await?;
        }
        Ok(())
    }

    pub(super) async fn log(&self, tx: &mut Tx, events: &[Event]) -> Result<(), QueryError> {
        if events.is_empty() {
            return Ok(());
        }
        match tx {
            Tx::Postgres(_) => {
                let rows: Vec<String> = events::rows(events).collect();
                tx.execute(&events::insert_rows_sql(
                    self.dialect(),
                    self.target.pg_schema(),
                    &rows,
                ))
                .await?;
            }
            // With the group's, just before its commit (see `write_group`).
            Tx::Sqlite(tx) => tx.turn().await?.log(events::rows(events)),
        }
        Ok(())
    }
}

pub(super) fn row_id(row: &Flat) -> String {
    row.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

pub(super) fn ids(rows: &[Flat]) -> Vec<String> {
    rows.iter().map(row_id).collect()
}

/// Ids as bound values of an `IN` list.
pub(super) fn keys(ids: &[String]) -> Vec<Scalar> {
    ids.iter().map(|i| Scalar::Text(i.clone())).collect()
}

/// The assignment of `deletedAt` (a time to soft-delete, null to restore).
pub(super) fn deleted_at(value: Val) -> [Assign; 1] {
    [Assign {
        column: "deletedAt".to_owned(),
        column_type: ColumnType::TimestampTz,
        value,
    }]
}
