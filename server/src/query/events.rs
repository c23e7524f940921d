//! The event log: one `_twenty_event` row per record a write changed, inserted in the
//! write's own transaction (so a rolled-back write leaves no event), and its reader.
//!
//! `seq` is a strictly increasing integer in commit order: on SQLite there is one writer at
//! a time; on Postgres the statement inserting a write's events first takes a
//! transaction-scoped advisory lock on the workspace's event log (before any of its rows
//! gets a `seq`), held until the transaction ends, so a reader that has seen `seq` n never
//! later finds a newly committed event below n — also with several server processes. (In
//! one process a workspace's writes already take turns, see
//! [`crate::store::write_group`].) Readers poll [`events_after`].

use super::QueryError;
use super::exec::Target;
use super::sql::{self, Param, Sql};
use serde_json::Value;
use sqlx::Row;
use twenty_codegen::emit::sql::{Dialect, quote};

/// The name of the event table in every workspace.
pub const EVENT_TABLE: &str = "_twenty_event";

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Created,
    /// Also an upsert that matched an existing record.
    Updated,
    /// Soft-deleted (`deletedAt` set).
    Deleted,
    /// Hard-deleted.
    Destroyed,
    Restored,
}

impl Action {
    /// `created`, `updated`, … (the suffix of a webhook's event name `person.created`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
            Action::Destroyed => "destroyed",
            Action::Restored => "restored",
        }
    }

    fn parse(s: &str) -> Option<Action> {
        [
            Action::Created,
            Action::Updated,
            Action::Deleted,
            Action::Destroyed,
            Action::Restored,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// One change of one record, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Position in the log: strictly increasing in commit order.
    pub seq: i64,
    /// The event's own id (a webhook delivery's idempotency key).
    pub id: String,
    /// The object's `nameSingular`.
    pub object: String,
    pub action: Action,
    pub record_id: String,
    /// The record before the change (depth 0, as `find_one` returns it); none on create.
    pub before: Option<Value>,
    /// The record after the change; none on destroy.
    pub after: Option<Value>,
    /// Fields whose value changed (`updatedAt` left out): every changed field of an
    /// update, `["deletedAt"]` for delete and restore, empty for create and destroy.
    pub updated_fields: Vec<String>,
    /// Who made the change: `{source, name, workspaceMemberId, apiKeyId}`.
    pub actor: Value,
    /// When, in the stored form `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub created_at: String,
}

/// `CREATE TABLE IF NOT EXISTS` of the event table, schema-qualified on Postgres. The
/// store runs it beside `_twenty_migrations` for every workspace, new or existing.
pub fn create_table_sql(dialect: Dialect, pg_schema: &str) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "CREATE TABLE IF NOT EXISTS {}.{} (\
             \"seq\" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
             \"id\" uuid NOT NULL, \"objectNameSingular\" text NOT NULL, \
             \"action\" text NOT NULL, \"recordId\" uuid NOT NULL, \"before\" jsonb, \
             \"after\" jsonb, \"updatedFields\" jsonb NOT NULL, \"actor\" jsonb NOT NULL, \
             \"createdAt\" timestamptz NOT NULL)",
            quote(pg_schema),
            quote(EVENT_TABLE)
        ),
        Dialect::Sqlite => format!(
            "CREATE TABLE IF NOT EXISTS {} (\
             \"seq\" INTEGER PRIMARY KEY AUTOINCREMENT, \
             \"id\" TEXT NOT NULL, \"objectNameSingular\" TEXT NOT NULL, \
             \"action\" TEXT NOT NULL, \"recordId\" TEXT NOT NULL, \"before\" TEXT, \
             \"after\" TEXT, \"updatedFields\" TEXT NOT NULL, \"actor\" TEXT NOT NULL, \
             \"createdAt\" TEXT NOT NULL)",
            quote(EVENT_TABLE)
        ),
    }
}

fn table(dialect: Dialect, pg_schema: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", quote(pg_schema), quote(EVENT_TABLE)),
        Dialect::Sqlite => quote(EVENT_TABLE),
    }
}

/// One INSERT of all of a write's events, in order (the database assigns `seq`). The
/// events travel as one JSON array parameter, so the statement's text is the same for
/// any number of events (one prepared statement). On Postgres it takes the event log's
/// lock first: every row it inserts comes out of a join with the lock's one row, so the
/// lock is held before any `seq` is drawn.
pub(super) fn insert_sql(dialect: Dialect, pg_schema: &str, events: &[Event]) -> Sql {
    let rows: Vec<Value> = events
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id,
                "objectNameSingular": e.object,
                "action": e.action.as_str(),
                "recordId": e.record_id,
                "before": e.before,
                "after": e.after,
                "updatedFields": e.updated_fields,
                "actor": e.actor,
                "createdAt": e.created_at,
            })
        })
        .collect();
    let mut s = Sql::new(dialect);
    let lock = match dialect {
        Dialect::Postgres => {
            let key = s.bind(Param::Text(format!("{pg_schema}.{EVENT_TABLE}")));
            format!("WITH \"lock\" AS (SELECT pg_advisory_xact_lock(hashtext({key}))) ")
        }
        Dialect::Sqlite => String::new(),
    };
    let p = s.bind(Param::Text(Value::Array(rows).to_string()));
    let select = match dialect {
        // `e->'before'` of a JSON null is the jsonb `null`, not SQL NULL.
        Dialect::Postgres => format!(
            "SELECT (e->>'id')::uuid, e->>'objectNameSingular', e->>'action', \
             (e->>'recordId')::uuid, NULLIF(e->'before', 'null'::jsonb), \
             NULLIF(e->'after', 'null'::jsonb), e->'updatedFields', e->'actor', \
             (e->>'createdAt')::timestamptz \
             FROM \"lock\", jsonb_array_elements({p}::jsonb) WITH ORDINALITY AS x(e, n) \
             ORDER BY n"
        ),
        // json_extract gives objects and arrays as JSON text, a JSON null as SQL NULL.
        Dialect::Sqlite => format!(
            "SELECT json_extract(value, '$.id'), json_extract(value, '$.objectNameSingular'), \
             json_extract(value, '$.action'), json_extract(value, '$.recordId'), \
             json_extract(value, '$.before'), json_extract(value, '$.after'), \
             json_extract(value, '$.updatedFields'), json_extract(value, '$.actor'), \
             json_extract(value, '$.createdAt') FROM json_each({p}) ORDER BY key"
        ),
    };
    s.push(&format!(
        "{lock}INSERT INTO {} (\"id\", \"objectNameSingular\", \"action\", \"recordId\", \"before\", \
         \"after\", \"updatedFields\", \"actor\", \"createdAt\") {select}",
        table(dialect, pg_schema),
    ));
    s
}

fn decode<R: Row>(row: &R) -> Result<Event, QueryError>
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let corrupt = |what: &str| {
        QueryError::Database(sqlx::Error::Protocol(format!(
            "corrupt {EVENT_TABLE} row: {what}"
        )))
    };
    let json = |s: Option<String>| -> Result<Option<Value>, QueryError> {
        s.map(|s| serde_json::from_str(&s).map_err(|_| corrupt("invalid JSON")))
            .transpose()
    };
    let action: String = row.try_get(3)?;
    let updated: Value = json(row.try_get(7)?)?.unwrap_or(Value::Null);
    Ok(Event {
        seq: row.try_get(0)?,
        id: row.try_get(1)?,
        object: row.try_get(2)?,
        action: Action::parse(&action).ok_or_else(|| corrupt("unknown action"))?,
        record_id: row.try_get(4)?,
        before: json(row.try_get(5)?)?,
        after: json(row.try_get(6)?)?,
        updated_fields: serde_json::from_value(updated)
            .map_err(|_| corrupt("updatedFields is not a list of names"))?,
        actor: json(row.try_get(8)?)?.unwrap_or(Value::Null),
        created_at: row.try_get(9)?,
    })
}

/// Up to `limit` events with `seq` greater than `after`, in log order. Start from 0.
pub async fn events_after(
    target: Target<'_>,
    after: i64,
    limit: u32,
) -> Result<Vec<Event>, QueryError> {
    let dialect = target.dialect();
    let mut s = Sql::new(dialect);
    let columns = match dialect {
        Dialect::Postgres => {
            "\"seq\", \"id\"::text, \"objectNameSingular\", \"action\", \"recordId\"::text, \
             \"before\"::text, \"after\"::text, \"updatedFields\"::text, \"actor\"::text, \
             to_char(\"createdAt\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        }
        Dialect::Sqlite => {
            "\"seq\", \"id\", \"objectNameSingular\", \"action\", \"recordId\", \"before\", \
             \"after\", \"updatedFields\", \"actor\", \"createdAt\""
        }
    };
    let after = s.bind(Param::Int(after));
    let limit = s.bind(Param::Int(i64::from(limit)));
    s.push(&format!(
        "SELECT {columns} FROM {} WHERE \"seq\" > {after} ORDER BY \"seq\" LIMIT {limit}",
        table(dialect, target.pg_schema())
    ));
    match target {
        Target::Postgres { pool, .. } => sql::pg_query(&s)
            .fetch_all(pool)
            .await?
            .iter()
            .map(decode)
            .collect(),
        Target::Sqlite { db } => sql::sqlite_query(&s)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(decode)
            .collect(),
    }
}
