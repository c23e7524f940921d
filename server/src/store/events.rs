//! The event log: one `_twenty_event` row per record a write changed, inserted in the
//! write's own transaction (so a rolled-back write leaves no event), and its reader.
//!
//! The log is read in [`LogPosition`] order, and a reader that has read up to a position
//! never later finds a newly committed event at or before it:
//! - On SQLite there is one writer at a time (see [`crate::store::write_group`]): `seq`
//!   follows commit order, and the position is `(0, seq)`.
//! - On Postgres a workspace's writers run side by side, so `seq` (drawn at insert) need
//!   not follow commit order. Each event also records its transaction's id (`xid`, the
//!   64-bit `pg_current_xact_id()`), the position is `(xid, seq)`, and a reader returns
//!   only events whose transaction is older than every transaction still running
//!   (`xid` below its snapshot's `xmin`). A transaction that commits later has an `xid`
//!   at or above that horizon, so its events sort after everything returned: none is
//!   skipped, also with several server processes, and no writer waits for another. (A
//!   long-running transaction holds delivery back; it never loses an event.)
//!
//! Readers poll [`events_after`]. The store owns the table (its DDL, its inserts, its
//! reader); the engine builds the events of its writes.

use super::Target;
use super::exec::{Cell, Conn, Kind};
use super::statement::{Param, Sql};
use serde_json::Value;
use twenty_codegen::emit::sql::{Dialect, quote};

/// The name of the event table in every workspace.
pub const EVENT_TABLE: &str = "_twenty_event";

/// What happened to a record; the one list lives in the model, which the webhooks
/// document reads too.
pub use twenty_codegen::model::RecordAction as Action;

/// A place in the event log, which is read in this order (see the module's text):
/// `(xid, seq)` on Postgres, `(0, seq)` on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LogPosition {
    /// The writing transaction's id on Postgres; 0 on SQLite.
    pub xid: i64,
    pub seq: i64,
}

impl LogPosition {
    /// Before every event.
    pub const START: LogPosition = LogPosition { xid: 0, seq: 0 };
}

/// One change of one record, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Where the event is in the log (pass it to [`events_after`] to read on from it).
    pub position: LogPosition,
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
    /// Whether the write was an upsert (its action is then `created` or `updated`; a
    /// webhook subscribed to `upserted` gets it under that name).
    pub upsert: bool,
}

/// The SQL creating the event table when absent (schema-qualified on Postgres) and, on
/// Postgres, adding the `xid` column and its index to a table made before they existed.
/// The store runs it beside `_twenty_migrations` for every workspace, new or existing.
pub fn create_table_sql(dialect: Dialect, pg_schema: &str) -> String {
    match dialect {
        Dialect::Postgres => {
            let table = table(dialect, pg_schema);
            let xid = "\"xid\" bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)";
            format!(
                "CREATE TABLE IF NOT EXISTS {table} (\
                 \"seq\" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, {xid}, \
                 \"id\" uuid NOT NULL, \"objectNameSingular\" text NOT NULL, \
                 \"action\" text NOT NULL, \"recordId\" uuid NOT NULL, \"before\" jsonb, \
                 \"after\" jsonb, \"updatedFields\" jsonb NOT NULL, \"actor\" jsonb NOT NULL, \
                 \"createdAt\" timestamptz NOT NULL); \
                 ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {xid}; \
                 ALTER TABLE {table} ADD COLUMN IF NOT EXISTS \"upsert\" boolean NOT NULL DEFAULT false; \
                 CREATE INDEX IF NOT EXISTS {} ON {table} (\"xid\", \"seq\")",
                quote(&format!("{EVENT_TABLE}_xid_seq"))
            )
        }
        Dialect::Sqlite => format!(
            "CREATE TABLE IF NOT EXISTS {} (\
             \"seq\" INTEGER PRIMARY KEY AUTOINCREMENT, \
             \"id\" TEXT NOT NULL, \"objectNameSingular\" TEXT NOT NULL, \
             \"action\" TEXT NOT NULL, \"recordId\" TEXT NOT NULL, \"before\" TEXT, \
             \"after\" TEXT, \"updatedFields\" TEXT NOT NULL, \"actor\" TEXT NOT NULL, \
             \"createdAt\" TEXT NOT NULL, \"upsert\" INTEGER NOT NULL DEFAULT 0)",
            quote(EVENT_TABLE)
        ),
    }
}

/// The event table's name, schema-qualified on Postgres.
pub(crate) fn table(dialect: Dialect, pg_schema: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", quote(pg_schema), quote(EVENT_TABLE)),
        Dialect::Sqlite => quote(EVENT_TABLE),
    }
}

/// An event as the JSON object [`insert_rows_sql`] inserts, serialized straight from the
/// event (no copy of its records).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LoggedRow<'a> {
    id: &'a str,
    object_name_singular: &'a str,
    action: &'static str,
    record_id: &'a str,
    before: &'a Option<Value>,
    after: &'a Option<Value>,
    updated_fields: &'a [String],
    actor: &'a Value,
    created_at: &'a str,
    upsert: bool,
}

/// The rows [`insert_rows_sql`] inserts for `events`: one JSON object text each.
pub(crate) fn rows(events: &[Event]) -> impl Iterator<Item = String> + '_ {
    events.iter().map(|e| {
        let row = LoggedRow {
            id: &e.id,
            object_name_singular: &e.object,
            action: e.action.as_str(),
            record_id: &e.record_id,
            before: &e.before,
            after: &e.after,
            updated_fields: &e.updated_fields,
            actor: &e.actor,
            created_at: &e.created_at,
            upsert: e.upsert,
        };
        serde_json::to_string(&row).expect("an event serializes to JSON")
    })
}

/// One INSERT of events' [`rows`], in order (the database assigns `seq`, and on Postgres
/// `xid`). The rows travel as one JSON array parameter, so the statement's text is the
/// same for any number of events (one prepared statement).
pub(crate) fn insert_rows_sql(dialect: Dialect, pg_schema: &str, rows: &[String]) -> Sql {
    let mut s = Sql::new(dialect);
    let p = s.bind(Param::Text(format!("[{}]", rows.join(","))));
    let select = match dialect {
        // `e->'before'` of a JSON null is the jsonb `null`, not SQL NULL.
        Dialect::Postgres => format!(
            "SELECT (e->>'id')::uuid, e->>'objectNameSingular', e->>'action', \
             (e->>'recordId')::uuid, NULLIF(e->'before', 'null'::jsonb), \
             NULLIF(e->'after', 'null'::jsonb), e->'updatedFields', e->'actor', \
             (e->>'createdAt')::timestamptz, (e->>'upsert')::boolean \
             FROM jsonb_array_elements({p}::jsonb) WITH ORDINALITY AS x(e, n) \
             ORDER BY n"
        ),
        // json_extract gives objects and arrays as JSON text, a JSON null as SQL NULL.
        Dialect::Sqlite => format!(
            "SELECT json_extract(value, '$.id'), json_extract(value, '$.objectNameSingular'), \
             json_extract(value, '$.action'), json_extract(value, '$.recordId'), \
             json_extract(value, '$.before'), json_extract(value, '$.after'), \
             json_extract(value, '$.updatedFields'), json_extract(value, '$.actor'), \
             json_extract(value, '$.createdAt'), json_extract(value, '$.upsert') \
             FROM json_each({p}) ORDER BY key"
        ),
    };
    s.push(&format!(
        "INSERT INTO {} (\"id\", \"objectNameSingular\", \"action\", \"recordId\", \"before\", \
         \"after\", \"updatedFields\", \"actor\", \"createdAt\", \"upsert\") {select}",
        table(dialect, pg_schema),
    ));
    s
}

/// The event of a row of [`events_after_on`]'s statement.
fn decode(row: Vec<Cell>) -> Result<Event, sqlx::Error> {
    let corrupt = |what: &str| sqlx::Error::Protocol(format!("corrupt {EVENT_TABLE} row: {what}"));
    let json = |c: Cell| -> Result<Option<Value>, sqlx::Error> {
        c.text()
            .map(|s| serde_json::from_str(&s).map_err(|_| corrupt("invalid JSON")))
            .transpose()
    };
    let [
        seq,
        id,
        object,
        action,
        record_id,
        before,
        after,
        updated,
        actor,
        created_at,
        xid,
        upsert,
    ]: [Cell; 12] = row.try_into().map_err(|_| corrupt("wrong column count"))?;
    let text = |c: Cell, what: &str| c.text().ok_or_else(|| corrupt(what));
    let action = text(action, "no action")?;
    let updated: Value = json(updated)?.unwrap_or(Value::Null);
    Ok(Event {
        position: LogPosition {
            xid: xid.int().unwrap_or(0),
            seq: seq.int().ok_or_else(|| corrupt("no seq"))?,
        },
        id: text(id, "no id")?,
        object: text(object, "no object")?,
        action: Action::parse(&action).ok_or_else(|| corrupt("unknown action"))?,
        record_id: text(record_id, "no recordId")?,
        before: json(before)?,
        after: json(after)?,
        updated_fields: serde_json::from_value(updated)
            .map_err(|_| corrupt("updatedFields is not a list of names"))?,
        actor: json(actor)?.unwrap_or(Value::Null),
        created_at: text(created_at, "no createdAt")?,
        upsert: upsert.int() == Some(1),
    })
}

/// Up to `limit` events after `after`, in log order (start from [`LogPosition::START`]).
/// On Postgres only events of transactions older than every running one are returned
/// (see the module's text): an event shows up once the transactions before it have ended.
pub async fn events_after(
    target: Target<'_>,
    after: LogPosition,
    limit: u32,
) -> Result<Vec<Event>, sqlx::Error> {
    match target {
        Target::Postgres { pool, schema, .. } => {
            let mut conn = pool.acquire().await?;
            events_after_on(&mut Conn::Pg(&mut conn), schema, after, limit, Read::Whole).await
        }
        Target::Sqlite { db } => {
            let mut conn = db.pool.acquire().await?;
            events_after_on(&mut Conn::Sqlite(&mut conn), "", after, limit, Read::Whole).await
        }
    }
}

/// How much of each event to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// Everything.
    Whole,
    /// All but the records (`before`, `after`), the changed fields and the actor: what
    /// matching an event to webhooks needs.
    Head,
}

fn dialect_of(conn: &Conn<'_>) -> Dialect {
    match conn {
        Conn::Pg(_) => Dialect::Postgres,
        Conn::Sqlite(_) => Dialect::Sqlite,
    }
}

/// The selected columns, in [`decode`]'s order.
fn columns(dialect: Dialect, read: Read) -> String {
    let (before, after, updated, actor) = match (dialect, read) {
        (_, Read::Head) => ("NULL", "NULL", "'[]'", "NULL"),
        (Dialect::Postgres, Read::Whole) => (
            "\"before\"::text",
            "\"after\"::text",
            "\"updatedFields\"::text",
            "\"actor\"::text",
        ),
        (Dialect::Sqlite, Read::Whole) => {
            ("\"before\"", "\"after\"", "\"updatedFields\"", "\"actor\"")
        }
    };
    match dialect {
        Dialect::Postgres => format!(
            "\"seq\", \"id\"::text, \"objectNameSingular\", \"action\", \"recordId\"::text, \
             {before}, {after}, {updated}, {actor}, \
             to_char(\"createdAt\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), \"xid\", \
             \"upsert\"::int::bigint"
        ),
        Dialect::Sqlite => format!(
            "\"seq\", \"id\", \"objectNameSingular\", \"action\", \"recordId\", {before}, \
             {after}, {updated}, {actor}, \"createdAt\", 0, \"upsert\""
        ),
    }
}

async fn select(conn: &mut Conn<'_>, s: &Sql) -> Result<Vec<Event>, sqlx::Error> {
    use Kind::{Int, Text};
    let kinds = [
        Int, Text, Text, Text, Text, Text, Text, Text, Text, Text, Int, Int,
    ];
    conn.rows(s, &kinds)
        .await?
        .into_iter()
        .map(decode)
        .collect()
}

/// [`events_after`] on a given connection (such as a transaction's), whole or only their
/// heads.
pub(crate) async fn events_after_on(
    conn: &mut Conn<'_>,
    pg_schema: &str,
    after: LogPosition,
    limit: u32,
    read: Read,
) -> Result<Vec<Event>, sqlx::Error> {
    let dialect = dialect_of(conn);
    let mut s = Sql::new(dialect);
    let table = table(dialect, pg_schema);
    let filter = match dialect {
        Dialect::Postgres => {
            let xid = s.bind(Param::Int(after.xid));
            let seq = s.bind(Param::Int(after.seq));
            format!(
                "(\"xid\", \"seq\") > ({xid}, {seq}) \
                 AND \"xid\" < {} \
                 ORDER BY \"xid\", \"seq\"",
                PG_HORIZON
            )
        }
        Dialect::Sqlite => {
            let seq = s.bind(Param::Int(after.seq));
            format!("\"seq\" > {seq} ORDER BY \"seq\"")
        }
    };
    let limit = s.bind(Param::Int(i64::from(limit)));
    s.push(&format!(
        "SELECT {} FROM {table} WHERE {filter} LIMIT {limit}",
        columns(dialect, read)
    ));
    select(conn, &s).await
}

/// The whole events of these `seq`s (those still in the log), in no particular order.
pub(crate) async fn events_by_seq_on(
    conn: &mut Conn<'_>,
    pg_schema: &str,
    seqs: &[i64],
) -> Result<Vec<Event>, sqlx::Error> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let dialect = dialect_of(conn);
    let mut s = Sql::new(dialect);
    let list = s.bind(Param::TextList(seqs.iter().map(i64::to_string).collect()));
    let filter = match dialect {
        Dialect::Postgres => format!("\"seq\" = ANY({list}::text[]::bigint[])"),
        Dialect::Sqlite => {
            format!("\"seq\" IN (SELECT CAST(value AS INTEGER) FROM json_each({list}))")
        }
    };
    s.push(&format!(
        "SELECT {} FROM {} WHERE {filter}",
        columns(dialect, Read::Whole),
        table(dialect, pg_schema)
    ));
    select(conn, &s).await
}

/// On Postgres, the visibility horizon: every transaction with a smaller id has ended.
pub(crate) const PG_HORIZON: &str = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
