//! Webhooks in the store: their registrations (the core table `webhook`, beside the
//! workspaces and keys) and, in each workspace beside its event log, the dispatcher's
//! position in the log, the deliveries and their attempts. Statements are written once
//! for both dialects and run through [`Conn`]. No HTTP and no matching here: the
//! delivery engine (`crate::webhooks`) decides what to deliver and records what happened.
//!
//! - **Dispatch** ([`Store::dispatch`]): in one transaction, the position is read (and
//!   locked: on Postgres `FOR UPDATE SKIP LOCKED`, so a second process skips instead of
//!   dispatching the same events; on SQLite the file's one writer), the events after it
//!   are read, their deliveries inserted, and the position moved past them. An event
//!   becomes its deliveries exactly once, and a delivery's id is derived from the event's
//!   and the webhook's, so even a repeated dispatch could not insert it twice.
//! - **Claim** ([`Store::claim_deliveries`]): due pending deliveries are leased
//!   (`lockedUntil`) in one statement (`FOR UPDATE SKIP LOCKED` on Postgres), oldest
//!   first, never one whose record has an older pending delivery to the same webhook: a
//!   record's deliveries to a webhook go out in order. A process that dies holding a
//!   lease leaves the delivery to be claimed again when the lease ends (at-least-once).
//! - **Record** ([`Store::record_attempts`]): each attempt's row, and its delivery's new
//!   state, in one transaction; no transaction is open during the HTTP call.
use super::exec::{Cell, Conn, Kind};
use super::statement::{Param, Sql};
use super::{Store, StoreError, WorkspaceDb, events, parse_id};
use serde::Serialize;
use serde_json::Value;
use twenty_codegen::emit::sql::{Dialect, quote};
use uuid::Uuid;

/// The deliveries of a workspace.
pub const DELIVERY_TABLE: &str = "_twenty_webhook_delivery";
/// Every attempt of every delivery.
pub const ATTEMPT_TABLE: &str = "_twenty_webhook_attempt";
/// The dispatcher's position in the event log (one row).
pub const CURSOR_TABLE: &str = "_twenty_webhook_cursor";

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub target_url: String,
    /// `<nameSingular>.<action>`, with `*` for either part.
    pub operations: Vec<String>,
    pub description: Option<String>,
    /// Empty: deliveries are not signed.
    pub secret: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// When deliveries stopped because the target kept failing (or was disabled by hand).
    pub disabled_at: Option<i64>,
    pub disabled_reason: Option<String>,
    /// The last 2xx answer.
    pub last_success_at: Option<i64>,
    /// The first failure since the last success.
    pub failing_since: Option<i64>,
}

const WEBHOOK_COLUMNS: &str = r#""id", "workspaceId", "targetUrl", "operations", "description", "secret", "createdAt", "updatedAt", "disabledAt", "disabledReason", "lastSuccessAt", "failingSince""#;
const WEBHOOK_KINDS: [Kind; 12] = [
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Int,
    Kind::Int,
    Kind::Int,
    Kind::Text,
    Kind::Int,
    Kind::Int,
];

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("webhook row: {what}"))
}

impl Webhook {
    fn from_row(row: Vec<Cell>) -> Result<Webhook, StoreError> {
        let [
            id,
            workspace,
            url,
            operations,
            description,
            secret,
            created,
            updated,
            disabled,
            reason,
            success,
            failing,
        ]: [Cell; 12] = row.try_into().map_err(|_| corrupt("column count"))?;
        let text = |c: Cell| c.text().ok_or_else(|| corrupt("missing text"));
        Ok(Webhook {
            id: parse_id(&text(id)?)?,
            workspace_id: parse_id(&text(workspace)?)?,
            target_url: text(url)?,
            operations: serde_json::from_str(&text(operations)?)
                .map_err(|_| corrupt("operations are not a list"))?,
            description: description.text(),
            secret: text(secret)?,
            created_at: created.int().ok_or_else(|| corrupt("createdAt"))?,
            updated_at: updated.int().ok_or_else(|| corrupt("updatedAt"))?,
            disabled_at: disabled.int(),
            disabled_reason: reason.text(),
            last_success_at: success.int(),
            failing_since: failing.int(),
        })
    }

    /// Whether deliveries go out.
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// The core table of webhooks (run beside the workspace and key tables).
pub(crate) fn core_ddl(dialect: Dialect) -> String {
    let (table, int) = match dialect {
        Dialect::Postgres => (r#""core"."webhook""#, "BIGINT"),
        Dialect::Sqlite => (r#""webhook""#, "INTEGER"),
    };
    let workspace = match dialect {
        Dialect::Postgres => r#""core"."workspace""#,
        Dialect::Sqlite => r#""workspace""#,
    };
    format!(
        r#"CREATE TABLE IF NOT EXISTS {table} (
  "id" TEXT PRIMARY KEY NOT NULL,
  "workspaceId" TEXT NOT NULL REFERENCES {workspace} ("id"),
  "targetUrl" TEXT NOT NULL,
  "operations" TEXT NOT NULL,
  "description" TEXT,
  "secret" TEXT NOT NULL,
  "createdAt" {int} NOT NULL,
  "updatedAt" {int} NOT NULL,
  "disabledAt" {int},
  "disabledReason" TEXT,
  "lastSuccessAt" {int},
  "failingSince" {int}
);
CREATE INDEX IF NOT EXISTS "webhook_workspaceId" ON {table} ("workspaceId");
"#
    )
}

fn webhook_table(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => r#""core"."webhook""#,
        Dialect::Sqlite => r#""webhook""#,
    }
}

/// A table of the workspace (schema-qualified on Postgres).
fn table(dialect: Dialect, pg_schema: &str, name: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", quote(pg_schema), quote(name)),
        Dialect::Sqlite => quote(name),
    }
}

/// The SQL creating a workspace's delivery tables when absent (run beside the event log's).
pub fn workspace_ddl(dialect: Dialect, pg_schema: &str) -> String {
    let (int, seq) = match dialect {
        Dialect::Postgres => ("BIGINT", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
        Dialect::Sqlite => ("INTEGER", "INTEGER PRIMARY KEY AUTOINCREMENT"),
    };
    let cursor = table(dialect, pg_schema, CURSOR_TABLE);
    let delivery = table(dialect, pg_schema, DELIVERY_TABLE);
    let attempt = table(dialect, pg_schema, ATTEMPT_TABLE);
    let index = |name: &str| quote(&format!("{DELIVERY_TABLE}_{name}"));
    let (pending, due, queue, webhook, event) = (
        index("pending"),
        index("due"),
        index("queue"),
        index("webhook"),
        index("event"),
    );
    let attempt_index = quote(&format!("{ATTEMPT_TABLE}_delivery"));
    format!(
        r#"CREATE TABLE IF NOT EXISTS {cursor} (
  "id" {int} PRIMARY KEY NOT NULL, "xid" {int} NOT NULL, "seq" {int} NOT NULL);
INSERT INTO {cursor} ("id", "xid", "seq") VALUES (1, 0, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS {delivery} (
  "seq" {seq},
  "id" TEXT NOT NULL UNIQUE,
  "webhookId" TEXT NOT NULL,
  "eventId" TEXT NOT NULL,
  "eventName" TEXT NOT NULL,
  "recordId" TEXT NOT NULL,
  "eventSeq" {int},
  "payload" TEXT,
  "status" TEXT NOT NULL,
  "attempts" {int} NOT NULL DEFAULT 0,
  "step" {int} NOT NULL DEFAULT 0,
  "nextAttemptAt" {int} NOT NULL,
  "lockedUntil" {int},
  "createdAt" {int} NOT NULL,
  "updatedAt" {int} NOT NULL,
  "lastStatusCode" {int},
  "lastError" TEXT);
CREATE INDEX IF NOT EXISTS {pending} ON {delivery} ("webhookId", "recordId", "seq") WHERE "status" = 'PENDING';
CREATE INDEX IF NOT EXISTS {due} ON {delivery} ("nextAttemptAt") WHERE "status" = 'PENDING';
CREATE INDEX IF NOT EXISTS {queue} ON {delivery} ("seq") WHERE "status" = 'PENDING';
CREATE INDEX IF NOT EXISTS {webhook} ON {delivery} ("webhookId", "seq");
CREATE INDEX IF NOT EXISTS {event} ON {delivery} ("eventSeq");
CREATE TABLE IF NOT EXISTS {attempt} (
  "id" TEXT PRIMARY KEY NOT NULL,
  "deliveryId" TEXT NOT NULL,
  "webhookId" TEXT NOT NULL,
  "attempt" {int} NOT NULL,
  "at" {int} NOT NULL,
  "statusCode" {int},
  "latencyMs" {int} NOT NULL,
  "response" TEXT,
  "error" TEXT);
CREATE INDEX IF NOT EXISTS {attempt_index} ON {attempt} ("deliveryId");
"#
    )
}

/// A delivery to insert (see [`Store::dispatch`]).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewDelivery {
    /// Stable across retries: the `eventId` and `webhook-id` the receiver sees.
    pub id: String,
    pub webhook_id: String,
    /// The logged event's id.
    pub event_id: String,
    pub event_name: String,
    pub record_id: String,
    /// The logged event's place in the log (its `seq`): the body is built from the event
    /// when the delivery is sent, so a delivery row stays small (no copy of the record).
    pub event_seq: Option<i64>,
    /// The body, for a delivery without a logged event (a test event).
    pub payload: Option<String>,
    pub next_attempt_at: i64,
    pub created_at: i64,
}

/// A delivery's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Not yet answered with a 2xx; attempted again when due.
    Pending,
    /// Answered with a 2xx.
    Delivered,
    /// Every attempt of the retry schedule failed (sent again only by hand).
    DeadLettered,
    /// Its webhook was deleted before it was delivered.
    Cancelled,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::DeadLettered => "DEAD_LETTERED",
            DeliveryStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::DeadLettered,
            DeliveryStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// A delivery leased to be sent now.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub webhook_id: String,
    pub event_name: String,
    pub record_id: String,
    /// The logged event the body is built from (none for a test event, or when the
    /// event is no longer in the log).
    pub event: Option<events::Event>,
    /// The stored body of a delivery without a logged event.
    pub payload: Option<String>,
    /// Attempts made so far.
    pub attempts: i64,
    /// The position in the retry schedule (attempts since the last manual retry).
    pub step: i64,
}

/// What one attempt gave, and what becomes of its delivery.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptOutcome {
    pub delivery_id: String,
    pub webhook_id: String,
    /// When it started, Unix milliseconds.
    pub at: i64,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    /// The start of the answer's body (at most 1 KB).
    pub response: Option<String>,
    pub error: Option<String>,
    /// The delivery's new state.
    pub status: DeliveryStatus,
    /// When pending: when to try again.
    pub next_attempt_at: i64,
}

/// A delivery as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_name: String,
    pub record_id: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// The logged event's `seq` (see [`NewDelivery::event_seq`]).
    pub event_seq: Option<i64>,
    /// The stored body of a delivery without a logged event.
    pub payload: Option<String>,
}

/// One attempt of a delivery, as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub id: String,
    pub delivery_id: String,
    pub attempt: i64,
    pub at: i64,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub response: Option<String>,
    pub error: Option<String>,
}

/// Which deliveries a log page shows: newest first, after the delivery `after`.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    pub event_name: Option<String>,
    pub record_id: Option<String>,
    /// A delivery id: the page starts after it.
    pub after: Option<String>,
    pub limit: u32,
}

/// What [`Store::trim_webhook_logs`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    pub events: u64,
    pub deliveries: u64,
    pub attempts: u64,
}

const DELIVERY_COLUMNS: &str = r#""id", "webhookId", "eventId", "eventName", "recordId", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt", "lastStatusCode", "lastError", "payload", "eventSeq""#;
const DELIVERY_KINDS: [Kind; 14] = [
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Text,
    Kind::Int,
    Kind::Int,
    Kind::Int,
    Kind::Int,
    Kind::Int,
    Kind::Text,
    Kind::Text,
    Kind::Int,
];

fn delivery_from_row(row: Vec<Cell>) -> Result<Delivery, StoreError> {
    let bad = || StoreError::Corrupt(format!("{DELIVERY_TABLE} row"));
    let [
        id,
        webhook,
        event,
        name,
        record,
        status,
        attempts,
        next,
        created,
        updated,
        code,
        error,
        payload,
        event_seq,
    ]: [Cell; 14] = row.try_into().map_err(|_| bad())?;
    let status = status
        .text()
        .and_then(|s| DeliveryStatus::parse(&s))
        .ok_or_else(bad)?;
    Ok(Delivery {
        id: id.text().ok_or_else(bad)?,
        webhook_id: webhook.text().ok_or_else(bad)?,
        event_id: event.text().ok_or_else(bad)?,
        event_name: name.text().ok_or_else(bad)?,
        record_id: record.text().ok_or_else(bad)?,
        status,
        attempts: attempts.int().ok_or_else(bad)?,
        next_attempt_at: (status == DeliveryStatus::Pending)
            .then(|| next.int())
            .flatten(),
        created_at: created.int().ok_or_else(bad)?,
        updated_at: updated.int().ok_or_else(bad)?,
        last_status_code: code.int(),
        last_error: error.text(),
        payload: payload.text(),
        event_seq: event_seq.int(),
    })
}

/// A list of texts as one parameter, and the SQL of "`column` is one of them".
fn one_of(s: &mut Sql, column: &str, values: &[String]) -> String {
    match s.dialect {
        Dialect::Postgres => {
            let p = s.bind(Param::TextList(values.to_vec()));
            format!("{column} = ANY({p}::text[])")
        }
        Dialect::Sqlite => {
            let p = s.bind(Param::TextList(values.to_vec()));
            format!("{column} IN (SELECT value FROM json_each({p}))")
        }
    }
}

/// A workspace's connection: a Postgres transaction, or the SQLite file's writer (its
/// write group's turn held, then `BEGIN IMMEDIATE`). Dropped before [`Tx::commit`], it
/// rolls back.
enum Tx {
    Pg(sqlx::Transaction<'static, sqlx::Postgres>, String),
    Sqlite(
        sqlx::Transaction<'static, sqlx::Sqlite>,
        #[allow(dead_code)] super::write_group::Held,
    ),
}

impl Tx {
    async fn begin(db: &WorkspaceDb) -> Result<Tx, StoreError> {
        Ok(match db {
            WorkspaceDb::Postgres { writes, schema, .. } => {
                Tx::Pg(writes.begin().await?, schema.clone())
            }
            WorkspaceDb::Sqlite(db) => {
                let held = db
                    .writers
                    .hold_committed()
                    .await
                    .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))?;
                Tx::Sqlite(db.pool.begin_with("BEGIN IMMEDIATE").await?, held)
            }
        })
    }

    fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Pg(tx, _) => Conn::Pg(tx),
            Tx::Sqlite(tx, _) => Conn::Sqlite(tx),
        }
    }

    fn dialect(&self) -> Dialect {
        match self {
            Tx::Pg(..) => Dialect::Postgres,
            Tx::Sqlite(..) => Dialect::Sqlite,
        }
    }

    fn schema(&self) -> &str {
        match self {
            Tx::Pg(_, schema) => schema,
            Tx::Sqlite(..) => "",
        }
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Pg(tx, _) => tx.commit().await?,
            Tx::Sqlite(tx, held) => {
                tx.commit().await?;
                drop(held);
            }
        }
        Ok(())
    }
}

/// Runs `$body` with `$conn` a connection of the workspace `$db` (read pool on Postgres),
/// `$dialect` and `$schema` its dialect and schema.
macro_rules! on_workspace {
    ($db:expr, |$conn:ident, $dialect:ident, $schema:ident| $body:expr) => {
        match $db {
            WorkspaceDb::Postgres { pool, schema, .. } => {
                let mut c = pool.acquire().await?;
                let mut $conn = Conn::Pg(&mut c);
                let $dialect = Dialect::Postgres;
                let $schema: &str = schema;
                $body
            }
            WorkspaceDb::Sqlite(db) => {
                let mut c = db.pool.acquire().await?;
                let mut $conn = Conn::Sqlite(&mut c);
                let $dialect = Dialect::Sqlite;
                let $schema: &str = "";
                $body
            }
        }
    };
}

/// The insert of `deliveries` (one JSON array parameter); an id already there is skipped.
fn insert_deliveries_sql(dialect: Dialect, pg_schema: &str, deliveries: &[NewDelivery]) -> Sql {
    let mut s = Sql::new(dialect);
    let rows = serde_json::to_string(deliveries).expect("deliveries serialize");
    let p = s.bind(Param::Text(rows));
    let select = match dialect {
        Dialect::Postgres => format!(
            "SELECT e->>'id', e->>'webhookId', e->>'eventId', e->>'eventName', e->>'recordId', \
             (e->>'eventSeq')::bigint, e->>'payload', 'PENDING', (e->>'nextAttemptAt')::bigint, \
             (e->>'createdAt')::bigint, \
             (e->>'createdAt')::bigint \
             FROM jsonb_array_elements({p}::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n"
        ),
        Dialect::Sqlite => format!(
            "SELECT json_extract(value, '$.id'), json_extract(value, '$.webhookId'), \
             json_extract(value, '$.eventId'), json_extract(value, '$.eventName'), \
             json_extract(value, '$.recordId'), json_extract(value, '$.eventSeq'), \
             json_extract(value, '$.payload'), 'PENDING', \
             json_extract(value, '$.nextAttemptAt'), json_extract(value, '$.createdAt'), \
             json_extract(value, '$.createdAt') FROM json_each({p}) WHERE true ORDER BY key"
        ),
    };
    s.push(&format!(
        "INSERT INTO {} (\"id\", \"webhookId\", \"eventId\", \"eventName\", \"recordId\", \
         \"eventSeq\", \"payload\", \"status\", \"nextAttemptAt\", \"createdAt\", \"updatedAt\") {select} \
         ON CONFLICT (\"id\") DO NOTHING",
        table(dialect, pg_schema, DELIVERY_TABLE)
    ));
    s
}

impl Store {
    fn core_conn_sql(&self) -> Sql {
        Sql::new(self.dialect())
    }

    /// Runs `sql` on the core tables.
    async fn core_execute(&self, sql: &Sql) -> Result<u64, StoreError> {
        Ok(match self {
            Store::Sqlite(s) => {
                let mut c = s.core.acquire().await?;
                Conn::Sqlite(&mut c).execute(sql).await?
            }
            Store::Postgres(s) => {
                let mut c = s.pool.acquire().await?;
                Conn::Pg(&mut c).execute(sql).await?
            }
        })
    }

    async fn core_rows(&self, sql: &Sql, kinds: &[Kind]) -> Result<Vec<Vec<Cell>>, StoreError> {
        Ok(match self {
            Store::Sqlite(s) => {
                let mut c = s.core.acquire().await?;
                Conn::Sqlite(&mut c).rows(sql, kinds).await?
            }
            Store::Postgres(s) => {
                let mut c = s.pool.acquire().await?;
                Conn::Pg(&mut c).rows(sql, kinds).await?
            }
        })
    }

    /// Stores a new webhook.
    pub async fn insert_webhook(&self, w: &Webhook) -> Result<(), StoreError> {
        let mut s = self.core_conn_sql();
        let values = [
            Param::Text(w.id.to_string()),
            Param::Text(w.workspace_id.to_string()),
            Param::Text(w.target_url.clone()),
            Param::Text(serde_json::to_string(&w.operations).expect("strings serialize")),
            w.description.clone().map_or(Param::Null, Param::Text),
            Param::Text(w.secret.clone()),
            Param::Int(w.created_at),
            Param::Int(w.updated_at),
        ]
        .into_iter()
        .map(|p| s.bind(p))
        .collect::<Vec<_>>()
        .join(", ");
        s.push(&format!(
            r#"INSERT INTO {} ("id", "workspaceId", "targetUrl", "operations", "description", "secret", "createdAt", "updatedAt") VALUES ({values})"#,
            webhook_table(self.dialect())
        ));
        self.core_execute(&s).await?;
        Ok(())
    }

    /// Writes a webhook's editable columns (and its disabled state); false when the
    /// workspace has no webhook of that id.
    pub async fn update_webhook(&self, w: &Webhook) -> Result<bool, StoreError> {
        let mut s = self.core_conn_sql();
        let url = s.bind(Param::Text(w.target_url.clone()));
        let ops = s.bind(Param::Text(
            serde_json::to_string(&w.operations).expect("strings serialize"),
        ));
        let description = s.bind(w.description.clone().map_or(Param::Null, Param::Text));
        let secret = s.bind(Param::Text(w.secret.clone()));
        let updated = s.bind(Param::Int(w.updated_at));
        let disabled = s.bind(w.disabled_at.map_or(Param::Null, Param::Int));
        let reason = s.bind(w.disabled_reason.clone().map_or(Param::Null, Param::Text));
        let failing = s.bind(w.failing_since.map_or(Param::Null, Param::Int));
        let id = s.bind(Param::Text(w.id.to_string()));
        let workspace = s.bind(Param::Text(w.workspace_id.to_string()));
        let int = match self.dialect() {
            Dialect::Postgres => "::bigint",
            Dialect::Sqlite => "",
        };
        s.push(&format!(
            r#"UPDATE {} SET "targetUrl" = {url}, "operations" = {ops}, "description" = {description}, "secret" = {secret}, "updatedAt" = {updated}, "disabledAt" = {disabled}{int}, "disabledReason" = {reason}, "failingSince" = {failing}{int} WHERE "id" = {id} AND "workspaceId" = {workspace}"#,
            webhook_table(self.dialect())
        ));
        Ok(self.core_execute(&s).await? == 1)
    }

    /// Deletes a webhook; false when the workspace has none of that id.
    pub async fn delete_webhook(&self, workspace: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let mut s = self.core_conn_sql();
        let id = s.bind(Param::Text(id.to_string()));
        let workspace = s.bind(Param::Text(workspace.to_string()));
        s.push(&format!(
            r#"DELETE FROM {} WHERE "id" = {id} AND "workspaceId" = {workspace}"#,
            webhook_table(self.dialect())
        ));
        Ok(self.core_execute(&s).await? == 1)
    }

    /// A workspace's webhooks, oldest first.
    pub async fn webhooks(&self, workspace: Uuid) -> Result<Vec<Webhook>, StoreError> {
        let mut s = self.core_conn_sql();
        let workspace = s.bind(Param::Text(workspace.to_string()));
        s.push(&format!(
            r#"SELECT {WEBHOOK_COLUMNS} FROM {} WHERE "workspaceId" = {workspace} ORDER BY "createdAt", "id""#,
            webhook_table(self.dialect())
        ));
        self.core_rows(&s, &WEBHOOK_KINDS)
            .await?
            .into_iter()
            .map(Webhook::from_row)
            .collect()
    }

    /// The workspaces that have at least one active webhook.
    pub async fn workspaces_with_webhooks(&self) -> Result<Vec<Uuid>, StoreError> {
        let mut s = self.core_conn_sql();
        s.push(&format!(
            r#"SELECT DISTINCT "workspaceId" FROM {} WHERE "disabledAt" IS NULL"#,
            webhook_table(self.dialect())
        ));
        self.core_rows(&s, &[Kind::Text])
            .await?
            .into_iter()
            .map(|mut r| parse_id(&r.pop().and_then(Cell::text).unwrap_or_default()))
            .collect()
    }

    /// Notes the answers a webhook gave: a success clears its failure streak; a failure
    /// starts one, and disables the webhook (with `reason`) once the streak is older than
    /// `disable_after_ms`. True when this call disabled it.
    pub async fn note_webhook_outcome(
        &self,
        id: &str,
        success: bool,
        now: i64,
        disable_after_ms: i64,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let table = webhook_table(self.dialect());
        let mut s = self.core_conn_sql();
        let at = s.bind(Param::Int(now));
        let id_p = s.bind(Param::Text(id.to_owned()));
        if success {
            s.push(&format!(
                r#"UPDATE {table} SET "lastSuccessAt" = {at}, "failingSince" = NULL WHERE "id" = {id_p}"#
            ));
            self.core_execute(&s).await?;
            return Ok(false);
        }
        s.push(&format!(
            r#"UPDATE {table} SET "failingSince" = {at} WHERE "id" = {id_p} AND "failingSince" IS NULL"#
        ));
        self.core_execute(&s).await?;
        let mut s = self.core_conn_sql();
        let at = s.bind(Param::Int(now));
        let reason = s.bind(Param::Text(reason.to_owned()));
        let id_p = s.bind(Param::Text(id.to_owned()));
        let limit = s.bind(Param::Int(now - disable_after_ms));
        s.push(&format!(
            r#"UPDATE {table} SET "disabledAt" = {at}, "disabledReason" = {reason} WHERE "id" = {id_p} AND "disabledAt" IS NULL AND "failingSince" <= {limit}"#
        ));
        Ok(self.core_execute(&s).await? == 1)
    }

    /// Moves the dispatcher's position to the end of the log as it is now visible, so
    /// that no event before goes out: for a workspace whose first webhook is being
    /// created (nothing was subscribed to the events before), and in the retention pass
    /// of a workspace without webhooks.
    pub async fn skip_dispatched(&self, db: &WorkspaceDb) -> Result<(), StoreError> {
        let mut tx = Tx::begin(db).await?;
        let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
        let cursor = table(dialect, &schema, CURSOR_TABLE);
        let log = events::table(dialect, &schema);
        let mut s = Sql::new(dialect);
        match dialect {
            Dialect::Postgres => s.push(&format!(
                r#"UPDATE {cursor} SET ("xid", "seq") = (SELECT e."xid", e."seq" FROM {log} e WHERE e."xid" < {h} ORDER BY e."xid" DESC, e."seq" DESC LIMIT 1) WHERE "id" = 1 AND EXISTS (SELECT 1 FROM {log} e WHERE e."xid" < {h} AND (e."xid", e."seq") > ({cursor}."xid", {cursor}."seq"))"#,
                h = events::PG_HORIZON
            )),
            Dialect::Sqlite => s.push(&format!(
                r#"UPDATE {cursor} SET "seq" = (SELECT max("seq") FROM {log}) WHERE "id" = 1 AND (SELECT max("seq") FROM {log}) > "seq""#
            )),
        };
        tx.conn().execute(&s).await?;
        tx.commit().await
    }

    /// Whether the workspace has events not yet dispatched or deliveries due by `now`
    /// (a read: the worker asks it before taking the writer's turn).
    pub async fn webhook_work(&self, db: &WorkspaceDb, now: i64) -> Result<bool, StoreError> {
        on_workspace!(db, |conn, dialect, schema| {
            let cursor = table(dialect, schema, CURSOR_TABLE);
            let log = events::table(dialect, schema);
            let delivery = table(dialect, schema, DELIVERY_TABLE);
            let mut s = Sql::new(dialect);
            let now = s.bind(Param::Int(now));
            let newer = match dialect {
                Dialect::Postgres => format!(
                    r#"SELECT 1 FROM {log} e, {cursor} c WHERE c."id" = 1 AND (e."xid", e."seq") > (c."xid", c."seq") AND e."xid" < {}"#,
                    events::PG_HORIZON
                ),
                Dialect::Sqlite => format!(
                    r#"SELECT 1 FROM {log} e, {cursor} c WHERE c."id" = 1 AND e."seq" > c."seq""#
                ),
            };
            s.push(&format!(
                r#"SELECT CASE WHEN EXISTS ({newer}) OR EXISTS (SELECT 1 FROM {delivery} WHERE "status" = 'PENDING' AND "nextAttemptAt" <= {now} AND ("lockedUntil" IS NULL OR "lockedUntil" <= {now})) THEN 1 ELSE 0 END"#
            ));
            let cast = match dialect {
                Dialect::Postgres => "::bigint",
                Dialect::Sqlite => "",
            };
            s.text = format!("SELECT ({}){cast}", s.text);
            let rows = conn.rows(&s, &[Kind::Int]).await?;
            Ok(rows.first().and_then(|r| r[0].int()) == Some(1))
        })
    }

    /// Refreshes the planner's statistics of the delivery table (Postgres; SQLite plans
    /// without them). After a burst of writes the table holds far more pending rows than
    /// the statistics say, and the claim is then planned as a scan and a sort of the whole
    /// queue (about 200 ms with 45,000 pending) instead of a walk of the queue index in
    /// order (about 5 ms).
    pub async fn analyze_deliveries(&self, db: &WorkspaceDb) -> Result<(), StoreError> {
        on_workspace!(db, |conn, dialect, schema| {
            if dialect == Dialect::Postgres {
                let mut s = Sql::new(dialect);
                s.push(&format!(
                    "ANALYZE {}",
                    table(dialect, schema, DELIVERY_TABLE)
                ));
                conn.execute(&s).await?;
            }
            Ok(())
        })
    }

    /// One round of the worker for a workspace, in one transaction (on SQLite one commit
    /// of the file instead of three): record the `finished` attempts, turn the events
    /// after the dispatch position into deliveries (`plan` is given up to
    /// `dispatch_limit` events and answers their deliveries; the position moves past
    /// them), and lease up to `claim_limit` due deliveries of `webhooks` until
    /// `lease_until`. Answers the number of events read and the leased deliveries. (On
    /// Postgres, while another process dispatches the workspace, this one skips the
    /// dispatch and still claims.)
    #[allow(clippy::too_many_arguments)]
    pub async fn webhook_round(
        &self,
        db: &WorkspaceDb,
        finished: &[AttemptOutcome],
        dispatch_limit: u32,
        plan: impl FnOnce(&[events::Event]) -> Vec<NewDelivery>,
        webhooks: &[String],
        now: i64,
        lease_until: i64,
        claim_limit: u32,
    ) -> Result<(usize, Vec<Claimed>), StoreError> {
        let mut tx = Tx::begin(db).await?;
        record_in(&mut tx, finished).await?;
        let read = dispatch_in(&mut tx, dispatch_limit, plan).await?;
        let claimed = match claim_limit {
            0 => Vec::new(),
            n => claim_in(&mut tx, webhooks, now, lease_until, n).await?,
        };
        tx.commit().await?;
        Ok((read, claimed))
    }

    /// Records attempts and their deliveries' new states, in one transaction.
    pub async fn record_attempts(
        &self,
        db: &WorkspaceDb,
        outcomes: &[AttemptOutcome],
    ) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let mut tx = Tx::begin(db).await?;
        record_in(&mut tx, outcomes).await?;
        tx.commit().await
    }

    /// The whole logged events of these `seq`s (for the delivery log's bodies).
    pub async fn events_by_seq(
        &self,
        db: &WorkspaceDb,
        seqs: &[i64],
    ) -> Result<Vec<events::Event>, StoreError> {
        on_workspace!(db, |conn, _dialect, schema| {
            Ok(events::events_by_seq_on(&mut conn, schema, seqs).await?)
        })
    }

    /// Queues deliveries made outside the event log (a test event, see
    /// `crate::webhooks`).
    pub async fn insert_deliveries(
        &self,
        db: &WorkspaceDb,
        deliveries: &[NewDelivery],
    ) -> Result<(), StoreError> {
        let mut tx = Tx::begin(db).await?;
        let s = insert_deliveries_sql(tx.dialect(), tx.schema(), deliveries);
        tx.conn().execute(&s).await?;
        tx.commit().await
    }

    /// A page of a webhook's deliveries, newest first, and whether more follow.
    pub async fn deliveries(
        &self,
        db: &WorkspaceDb,
        webhook: &str,
        query: &DeliveryQuery,
    ) -> Result<(Vec<Delivery>, bool), StoreError> {
        on_workspace!(db, |conn, dialect, schema| {
            let d = table(dialect, schema, DELIVERY_TABLE);
            let mut s = Sql::new(dialect);
            let mut filter = vec![format!(
                "\"webhookId\" = {}",
                s.bind(Param::Text(webhook.to_owned()))
            )];
            if let Some(status) = query.status {
                filter.push(format!(
                    "\"status\" = {}",
                    s.bind(Param::Text(status.as_str().to_owned()))
                ));
            }
            if let Some(name) = &query.event_name {
                filter.push(format!(
                    "\"eventName\" = {}",
                    s.bind(Param::Text(name.clone()))
                ));
            }
            if let Some(record) = &query.record_id {
                filter.push(format!(
                    "\"recordId\" = {}",
                    s.bind(Param::Text(record.clone()))
                ));
            }
            if let Some(after) = &query.after {
                filter.push(format!(
                    "\"seq\" < (SELECT \"seq\" FROM {d} WHERE \"id\" = {})",
                    s.bind(Param::Text(after.clone()))
                ));
            }
            let limit = s.bind(Param::Int(i64::from(query.limit) + 1));
            s.push(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM {d} WHERE {} ORDER BY \"seq\" DESC LIMIT {limit}",
                filter.join(" AND ")
            ));
            let mut rows = conn
                .rows(&s, &DELIVERY_KINDS)
                .await?
                .into_iter()
                .map(delivery_from_row)
                .collect::<Result<Vec<_>, _>>()?;
            let more = rows.len() > query.limit as usize;
            rows.truncate(query.limit as usize);
            Ok((rows, more))
        })
    }

    /// One delivery.
    pub async fn delivery(
        &self,
        db: &WorkspaceDb,
        id: &str,
    ) -> Result<Option<Delivery>, StoreError> {
        on_workspace!(db, |conn, dialect, schema| {
            let mut s = Sql::new(dialect);
            let id = s.bind(Param::Text(id.to_owned()));
            s.push(&format!(
                "SELECT {DELIVERY_COLUMNS} FROM {} WHERE \"id\" = {id}",
                table(dialect, schema, DELIVERY_TABLE)
            ));
            conn.rows(&s, &DELIVERY_KINDS)
                .await?
                .into_iter()
                .next()
                .map(delivery_from_row)
                .transpose()
        })
    }

    /// The attempts of these deliveries, oldest first.
    pub async fn attempts(
        &self,
        db: &WorkspaceDb,
        deliveries: &[String],
    ) -> Result<Vec<Attempt>, StoreError> {
        if deliveries.is_empty() {
            return Ok(Vec::new());
        }
        on_workspace!(db, |conn, dialect, schema| {
            let mut s = Sql::new(dialect);
            let of = one_of(&mut s, "\"deliveryId\"", deliveries);
            s.push(&format!(
                "SELECT \"id\", \"deliveryId\", \"attempt\", \"at\", \"statusCode\", \"latencyMs\", \
                 \"response\", \"error\" FROM {} WHERE {of} ORDER BY \"at\", \"attempt\"",
                table(dialect, schema, ATTEMPT_TABLE)
            ));
            use Kind::{Int, Text};
            let bad = || StoreError::Corrupt(format!("{ATTEMPT_TABLE} row"));
            conn.rows(&s, &[Text, Text, Int, Int, Int, Int, Text, Text])
                .await?
                .into_iter()
                .map(|row| {
                    let [id, delivery, attempt, at, code, latency, response, error]: [Cell; 8] =
                        row.try_into().map_err(|_| bad())?;
                    Ok(Attempt {
                        id: id.text().ok_or_else(bad)?,
                        delivery_id: delivery.text().ok_or_else(bad)?,
                        attempt: attempt.int().ok_or_else(bad)?,
                        at: at.int().ok_or_else(bad)?,
                        status_code: code.int(),
                        latency_ms: latency.int().unwrap_or(0),
                        response: response.text(),
                        error: error.text(),
                    })
                })
                .collect()
        })
    }

    /// Makes a delivery of `webhook` pending and due now, its retry schedule started over
    /// (a dead-lettered one, or any past one, sent again); false when there is none.
    pub async fn retry_delivery(
        &self,
        db: &WorkspaceDb,
        webhook: &str,
        id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = Tx::begin(db).await?;
        let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
        let mut s = Sql::new(dialect);
        let now = s.bind(Param::Int(now));
        let id = s.bind(Param::Text(id.to_owned()));
        let webhook = s.bind(Param::Text(webhook.to_owned()));
        s.push(&format!(
            "UPDATE {} SET \"status\" = 'PENDING', \"step\" = 0, \"nextAttemptAt\" = {now}, \
             \"updatedAt\" = {now} WHERE \"id\" = {id} AND \"webhookId\" = {webhook}",
            table(dialect, &schema, DELIVERY_TABLE)
        ));
        let done = tx.conn().execute(&s).await? == 1;
        tx.commit().await?;
        Ok(done)
    }

    /// Cancels the pending deliveries of a deleted webhook.
    pub async fn cancel_deliveries(
        &self,
        db: &WorkspaceDb,
        webhook: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::begin(db).await?;
        let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
        let mut s = Sql::new(dialect);
        let now = s.bind(Param::Int(now));
        let webhook = s.bind(Param::Text(webhook.to_owned()));
        s.push(&format!(
            "UPDATE {} SET \"status\" = 'CANCELLED', \"updatedAt\" = {now} \
             WHERE \"webhookId\" = {webhook} AND \"status\" = 'PENDING'",
            table(dialect, &schema, DELIVERY_TABLE)
        ));
        tx.conn().execute(&s).await?;
        tx.commit().await
    }

    /// Deletes what is older than `before` (Unix milliseconds; `before_iso` the same time
    /// as the event log writes it) and done with: deliveries no longer pending with their
    /// attempts, then events the dispatcher has passed that no delivery refers to.
    /// Nothing pending, nor any event not yet dispatched, is removed.
    pub async fn trim_webhook_logs(
        &self,
        db: &WorkspaceDb,
        before: i64,
        before_iso: &str,
    ) -> Result<Trimmed, StoreError> {
        let mut tx = Tx::begin(db).await?;
        let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
        let (d, a) = (
            table(dialect, &schema, DELIVERY_TABLE),
            table(dialect, &schema, ATTEMPT_TABLE),
        );
        let (log, cursor) = (
            events::table(dialect, &schema),
            table(dialect, &schema, CURSOR_TABLE),
        );
        let mut trimmed = Trimmed::default();
        let mut s = Sql::new(dialect);
        let at = s.bind(Param::Int(before));
        s.push(&format!(
            "DELETE FROM {a} WHERE \"deliveryId\" IN (SELECT \"id\" FROM {d} \
             WHERE \"status\" <> 'PENDING' AND \"updatedAt\" < {at})"
        ));
        trimmed.attempts = tx.conn().execute(&s).await?;
        let mut s = Sql::new(dialect);
        let at = s.bind(Param::Int(before));
        s.push(&format!(
            "DELETE FROM {d} WHERE \"status\" <> 'PENDING' AND \"updatedAt\" < {at}"
        ));
        trimmed.deliveries = tx.conn().execute(&s).await?;
        let mut s = Sql::new(dialect);
        let iso = before_iso.to_owned();
        match dialect {
            Dialect::Postgres => {
                let at = s.bind(Param::Text(iso));
                s.push(&format!(
                    "DELETE FROM {log} e WHERE \"createdAt\" < {at}::timestamptz AND (\"xid\", \"seq\") <= \
                     (SELECT \"xid\", \"seq\" FROM {cursor} WHERE \"id\" = 1) \
                     AND NOT EXISTS (SELECT 1 FROM {d} d WHERE d.\"eventSeq\" = e.\"seq\")"
                ))
            }
            Dialect::Sqlite => {
                let at = s.bind(Param::Text(iso));
                s.push(&format!(
                    "DELETE FROM {log} WHERE \"createdAt\" < {at} AND \"seq\" <= \
                     (SELECT \"seq\" FROM {cursor} WHERE \"id\" = 1) \
                     AND NOT EXISTS (SELECT 1 FROM {d} d WHERE d.\"eventSeq\" = {log}.\"seq\")"
                ))
            }
        };
        trimmed.events = tx.conn().execute(&s).await?;
        tx.commit().await?;
        Ok(trimmed)
    }
}

/// Turns the events after the dispatch position into deliveries: `plan` is given up to
/// `limit` events and answers their deliveries; the position moves past them (see the
/// module's text). Answers how many events were read; 0 when another process is
/// dispatching this workspace at the moment.
async fn dispatch_in(
    tx: &mut Tx,
    limit: u32,
    plan: impl FnOnce(&[events::Event]) -> Vec<NewDelivery>,
) -> Result<usize, StoreError> {
    let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
    let cursor = table(dialect, &schema, CURSOR_TABLE);
    let lock = match dialect {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let mut s = Sql::new(dialect);
    s.push(&format!(
        r#"SELECT "xid", "seq" FROM {cursor} WHERE "id" = 1{lock}"#
    ));
    let Some(row) = tx.conn().rows(&s, &[Kind::Int, Kind::Int]).await?.pop() else {
        return Ok(0);
    };
    let after = events::LogPosition {
        xid: row[0].int().unwrap_or(0),
        seq: row[1].int().unwrap_or(0),
    };
    let events =
        events::events_after_on(&mut tx.conn(), &schema, after, limit, events::Read::Head).await?;
    let Some(last) = events.last().map(|e| e.position) else {
        return Ok(0);
    };
    let deliveries = plan(&events);
    for chunk in deliveries.chunks(500) {
        tx.conn()
            .execute(&insert_deliveries_sql(dialect, &schema, chunk))
            .await?;
    }
    let mut s = Sql::new(dialect);
    let xid = s.bind(Param::Int(last.xid));
    let seq = s.bind(Param::Int(last.seq));
    s.push(&format!(
        r#"UPDATE {cursor} SET "xid" = {xid}, "seq" = {seq} WHERE "id" = 1"#
    ));
    tx.conn().execute(&s).await?;
    Ok(events.len())
}

/// Leases up to `limit` due deliveries of `webhooks` until `lease_until` (see the
/// module's text), oldest first.
async fn claim_in(
    tx: &mut Tx,
    webhooks: &[String],
    now: i64,
    lease_until: i64,
    limit: u32,
) -> Result<Vec<Claimed>, StoreError> {
    let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
    let d = table(dialect, &schema, DELIVERY_TABLE);
    let mut s = Sql::new(dialect);
    let lease = s.bind(Param::Int(lease_until));
    let now = s.bind(Param::Int(now));
    let of = one_of(&mut s, "d.\"webhookId\"", webhooks);
    let limit = s.bind(Param::Int(i64::from(limit)));
    // The queue is walked in order through its index and the walk stops at `limit`. SQLite,
    // planning without statistics, would rather take the due index and sort the whole
    // backlog (60 ms against 3 with 70,000 pending), so it is told; Postgres plans by its
    // statistics, which the worker keeps fresh (`analyze_deliveries`).
    let (lock, queue) = match dialect {
        Dialect::Postgres => (" FOR UPDATE SKIP LOCKED", String::new()),
        Dialect::Sqlite => (
            "",
            format!(" INDEXED BY {}", quote(&format!("{DELIVERY_TABLE}_queue"))),
        ),
    };
    s.push(&format!(
            r#"UPDATE {d} SET "lockedUntil" = {lease} WHERE "seq" IN (SELECT d."seq" FROM {d} d{queue} WHERE d."status" = 'PENDING' AND d."nextAttemptAt" <= {now} AND (d."lockedUntil" IS NULL OR d."lockedUntil" <= {now}) AND {of} AND NOT EXISTS (SELECT 1 FROM {d} e WHERE e."webhookId" = d."webhookId" AND e."recordId" = d."recordId" AND e."status" = 'PENDING' AND e."seq" < d."seq") ORDER BY d."seq" LIMIT {limit}{lock}) RETURNING "id", "webhookId", "eventName", "recordId", "payload", "attempts", "step", "eventSeq""#
        ));
    use Kind::{Int, Text};
    let rows = tx
        .conn()
        .rows(&s, &[Text, Text, Text, Text, Text, Int, Int, Int])
        .await?;
    let bad = || StoreError::Corrupt(format!("{DELIVERY_TABLE} row"));
    let seqs: Vec<i64> = rows.iter().filter_map(|r| r[7].int()).collect();
    let logged: std::collections::HashMap<i64, events::Event> =
        events::events_by_seq_on(&mut tx.conn(), &schema, &seqs)
            .await?
            .into_iter()
            .map(|e| (e.position.seq, e))
            .collect();
    rows.into_iter()
        .map(|row| {
            let [id, webhook, name, record, payload, attempts, step, seq]: [Cell; 8] =
                row.try_into().map_err(|_| bad())?;
            Ok(Claimed {
                id: id.text().ok_or_else(bad)?,
                webhook_id: webhook.text().ok_or_else(bad)?,
                event_name: name.text().ok_or_else(bad)?,
                record_id: record.text().ok_or_else(bad)?,
                event: seq.int().and_then(|seq| logged.get(&seq).cloned()),
                payload: payload.text(),
                attempts: attempts.int().unwrap_or(0),
                step: step.int().unwrap_or(0),
            })
        })
        .collect()
}

/// Records attempts and their deliveries' new states.
async fn record_in(tx: &mut Tx, outcomes: &[AttemptOutcome]) -> Result<(), StoreError> {
    if outcomes.is_empty() {
        return Ok(());
    }
    let (dialect, schema) = (tx.dialect(), tx.schema().to_owned());
    let d = table(dialect, &schema, DELIVERY_TABLE);
    let a = table(dialect, &schema, ATTEMPT_TABLE);
    let rows: Vec<Value> = outcomes
        .iter()
        .map(|o| {
            let mut v = serde_json::to_value(o).expect("outcomes serialize");
            v["attemptId"] = Value::String(Uuid::new_v4().to_string());
            v["status"] = Value::String(o.status.as_str().to_owned());
            v
        })
        .collect();
    let json = Value::Array(rows).to_string();
    // The attempts first: their number is the delivery's count before this one.
    let mut s = Sql::new(dialect);
    let p = s.bind(Param::Text(json.clone()));
    let source = match dialect {
        Dialect::Postgres => format!(
            "jsonb_to_recordset({p}::jsonb) AS o(\"attemptId\" text, \"deliveryId\" text, \
                 \"webhookId\" text, \"at\" bigint, \"statusCode\" bigint, \"latencyMs\" bigint, \
                 \"response\" text, \"error\" text, \"status\" text, \"nextAttemptAt\" bigint)"
        ),
        Dialect::Sqlite => format!(
            "(SELECT json_extract(value, '$.attemptId') AS \"attemptId\", \
                 json_extract(value, '$.deliveryId') AS \"deliveryId\", \
                 json_extract(value, '$.webhookId') AS \"webhookId\", \
                 json_extract(value, '$.at') AS \"at\", \
                 json_extract(value, '$.statusCode') AS \"statusCode\", \
                 json_extract(value, '$.latencyMs') AS \"latencyMs\", \
                 json_extract(value, '$.response') AS \"response\", \
                 json_extract(value, '$.error') AS \"error\", \
                 json_extract(value, '$.status') AS \"status\", \
                 json_extract(value, '$.nextAttemptAt') AS \"nextAttemptAt\" \
                 FROM json_each({p})) AS o"
        ),
    };
    s.push(&format!(
            "INSERT INTO {a} (\"id\", \"deliveryId\", \"webhookId\", \"attempt\", \"at\", \
             \"statusCode\", \"latencyMs\", \"response\", \"error\") \
             SELECT o.\"attemptId\", o.\"deliveryId\", o.\"webhookId\", d.\"attempts\" + 1, o.\"at\", \
             o.\"statusCode\", o.\"latencyMs\", o.\"response\", o.\"error\" \
             FROM {source} JOIN {d} d ON d.\"id\" = o.\"deliveryId\""
        ));
    tx.conn().execute(&s).await?;
    // The same source: its one parameter is again the first.
    let mut s = Sql::new(dialect);
    s.bind(Param::Text(json));
    s.push(&format!(
        "UPDATE {d} SET \"status\" = o.\"status\", \"attempts\" = {d}.\"attempts\" + 1, \
             \"step\" = {d}.\"step\" + 1, \"nextAttemptAt\" = o.\"nextAttemptAt\", \
             \"lockedUntil\" = NULL, \"updatedAt\" = o.\"at\" + o.\"latencyMs\", \
             \"lastStatusCode\" = o.\"statusCode\", \"lastError\" = o.\"error\" \
             FROM {source} WHERE {d}.\"id\" = o.\"deliveryId\""
    ));
    tx.conn().execute(&s).await?;
    Ok(())
}
