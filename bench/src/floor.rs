//! The floor: the least a server can do for "list 20 people ordered by createdAt" — one
//! hand-written axum handler running one prepared sqlx statement and serializing the
//! rows with serde_json. It reads the same rows, columns and ordering as the REST list
//! (with the same pool sizes as the server), so the ratio to it measures our overhead.

use crate::seed::FloorSource;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use serde_json::{Map, Value, json};
use sqlx::{AssertSqlSafe, Row};
use std::net::SocketAddr;
use std::sync::Arc;

/// The page size of the floor's list (as the REST scenario asks for).
pub const PAGE: i64 = 20;

enum Pool {
    Postgres(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

struct Floor {
    pool: Pool,
    /// The statement: every stored column of `person` read as text.
    sql: Arc<str>,
    columns: Vec<String>,
}

/// Serves `GET /people` on `listen` until the process ends.
pub async fn serve(source: FloorSource, listen: SocketAddr) -> Result<(), String> {
    let floor = Arc::new(Floor::open(source).await?);
    let app = Router::new()
        .route("/people", get(people))
        .with_state(floor);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    // As the server does: no Nagle delay on responses.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("the floor server failed: {e}"))
}

impl Floor {
    async fn open(source: FloorSource) -> Result<Floor, String> {
        let db_err = |e: sqlx::Error| format!("floor: {e}");
        match source {
            FloorSource::Postgres { url, schema } => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(twenty_server::config::pg_pool_size())
                    .connect(&url)
                    .await
                    .map_err(db_err)?;
                let columns: Vec<String> = sqlx::query_scalar(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = $1 AND table_name = 'person' \
                       AND column_name <> 'searchVector' ORDER BY ordinal_position",
                )
                .bind(&schema)
                .fetch_all(&pool)
                .await
                .map_err(db_err)?;
                let select: Vec<String> = columns
                    .iter()
                    .map(|c| format!("t.\"{c}\"::text AS \"{c}\""))
                    .collect();
                let sql = format!(
                    "SELECT {} FROM \"{schema}\".\"person\" t WHERE t.\"deletedAt\" IS NULL \
                     ORDER BY t.\"createdAt\" ASC NULLS FIRST, t.\"id\" ASC NULLS LAST LIMIT $1",
                    select.join(", ")
                );
                Ok(Floor {
                    pool: Pool::Postgres(pool),
                    sql: sql.into(),
                    columns,
                })
            }
            FloorSource::Sqlite { file } => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(&file)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(std::time::Duration::from_secs(5));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(twenty_server::store::sqlite_readers())
                    .connect_with(options)
                    .await
                    .map_err(db_err)?;
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info('person') ORDER BY cid")
                        .fetch_all(&pool)
                        .await
                        .map_err(db_err)?;
                let select: Vec<String> = columns
                    .iter()
                    .map(|c| format!("CAST(t.\"{c}\" AS TEXT) AS \"{c}\""))
                    .collect();
                let sql = format!(
                    "SELECT {} FROM \"person\" t WHERE t.\"deletedAt\" IS NULL \
                     ORDER BY t.\"createdAt\" ASC NULLS FIRST, t.\"id\" ASC NULLS LAST LIMIT ?1",
                    select.join(", ")
                );
                Ok(Floor {
                    pool: Pool::Sqlite(pool),
                    sql: sql.into(),
                    columns,
                })
            }
        }
    }

    fn record(&self, text: impl Fn(usize) -> Result<Option<String>, sqlx::Error>) -> Value {
        let mut record = Map::with_capacity(self.columns.len());
        for (i, column) in self.columns.iter().enumerate() {
            let value = match text(i) {
                Ok(Some(s)) => Value::String(s),
                _ => Value::Null,
            };
            record.insert(column.clone(), value);
        }
        Value::Object(record)
    }
}

async fn people(State(floor): State<Arc<Floor>>) -> Result<Json<Value>, (StatusCode, String)> {
    let failed = |e: sqlx::Error| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let sql = AssertSqlSafe(floor.sql.clone());
    let records: Vec<Value> = match &floor.pool {
        Pool::Postgres(pool) => sqlx::query(sql)
            .bind(PAGE)
            .fetch_all(pool)
            .await
            .map_err(failed)?
            .iter()
            .map(|row| floor.record(|i| row.try_get::<Option<String>, _>(i)))
            .collect(),
        Pool::Sqlite(pool) => sqlx::query(sql)
            .bind(PAGE)
            .fetch_all(pool)
            .await
            .map_err(failed)?
            .iter()
            .map(|row| floor.record(|i| row.try_get::<Option<String>, _>(i)))
            .collect(),
    };
    Ok(Json(json!({ "data": { "people": records } })))
}
