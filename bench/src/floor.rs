//! The floor: the least a server can do for "list 20 people ordered by createdAt" — one
//! hand-written axum handler running one prepared sqlx statement and serializing the
//! rows with serde_json. It reads the same rows, columns and ordering as the REST list
//! (with the same pool sizes as the server), so the ratio to it measures our overhead.
//! `GET /nested` is the floor of the nested GraphQL query: one hand-written statement in
//! which the database builds the same JSON document (20 companies, each with its people's
//! count and first 10 people, each with its company), answered as the database wrote it.

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
    /// The nested query's statement: one row, one column, the whole answer's JSON.
    nested: Arc<str>,
}

/// The nested GraphQL query's answer (`run::GRAPHQL_NESTED`), built by one statement.
/// `q` quotes a table name (with its schema on Postgres); the JSON functions differ.
fn nested_sql(postgres: bool, q: impl Fn(&str) -> String) -> String {
    let (object, array, empty) = match postgres {
        true => ("json_build_object", "json_agg", "'[]'::json"),
        false => ("json_object", "json_group_array", "json('[]')"),
    };
    // SQLite's JSON values lose their JSON-ness through a subquery: `json(…)` restores it.
    let json = |sql: String| match postgres {
        true => sql,
        false => format!("json({sql})"),
    };
    let (company, person) = (q("company"), q("person"));
    let people = json(format!(
        "(SELECT COALESCE({array}({object}('node', {object}('id', p.\"id\", \
           'name', {object}('firstName', p.\"nameFirstName\", 'lastName', p.\"nameLastName\"), \
           'city', p.\"city\", 'company', {object}('id', c.\"id\", 'name', c.\"name\")))), {empty}) \
         FROM (SELECT * FROM {person} p WHERE p.\"companyId\" = c.\"id\" AND p.\"deletedAt\" IS NULL \
               ORDER BY p.\"createdAt\" ASC NULLS FIRST, p.\"id\" ASC LIMIT 10) p)"
    ));
    let companies = json(format!(
        "(SELECT COALESCE({array}({object}('node', {object}('id', c.\"id\", 'name', c.\"name\", 'people', \
           {object}('totalCount', (SELECT count(*) FROM {person} n WHERE n.\"companyId\" = c.\"id\" AND n.\"deletedAt\" IS NULL), \
                    'edges', {people})))), {empty}) \
         FROM (SELECT * FROM {company} c WHERE c.\"deletedAt\" IS NULL \
               ORDER BY c.\"name\" ASC NULLS FIRST, c.\"id\" ASC LIMIT 20) c)"
    ));
    let cast = if postgres { "::text" } else { "" };
    format!("SELECT {object}('data', {object}('companies', {object}('edges', {companies}))){cast}")
}

/// Serves `GET /people` on `listen` until the process ends.
pub async fn serve(source: FloorSource, listen: SocketAddr) -> Result<(), String> {
    let floor = Arc::new(Floor::open(source).await?);
    let app = Router::new()
        .route("/people", get(people))
        .route("/nested", get(nested))
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
                    nested: nested_sql(true, |t| format!("\"{schema}\".\"{t}\"")).into(),
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
                    nested: nested_sql(false, |t| format!("\"{t}\"")).into(),
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

async fn nested(
    State(floor): State<Arc<Floor>>,
) -> Result<axum::response::Response, (StatusCode, String)> {
    use axum::response::IntoResponse;
    let failed = |e: sqlx::Error| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let sql = AssertSqlSafe(floor.nested.clone());
    let json: String = match &floor.pool {
        Pool::Postgres(pool) => sqlx::query_scalar(sql)
            .fetch_one(pool)
            .await
            .map_err(failed)?,
        Pool::Sqlite(pool) => sqlx::query_scalar(sql)
            .fetch_one(pool)
            .await
            .map_err(failed)?,
    };
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nested floor's statement on SQLite: the nested query's document, ordered and
    /// limited as GraphQL answers it.
    #[test]
    fn the_nested_statement_builds_the_nested_document_on_sqlite() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
            sqlx::raw_sql(
                r#"CREATE TABLE "company" ("id" TEXT, "name" TEXT, "deletedAt" TEXT);
                CREATE TABLE "person" ("id" TEXT, "nameFirstName" TEXT, "nameLastName" TEXT, "city" TEXT,
                  "companyId" TEXT, "createdAt" TEXT, "deletedAt" TEXT);
                INSERT INTO "company" VALUES ('c2', 'Beta', NULL), ('c1', 'Acme', NULL), ('c3', 'Gone', '2026-01-01');
                INSERT INTO "person" VALUES
                  ('p2', 'Grace', 'Hopper', NULL, 'c1', '2026-01-02', NULL),
                  ('p1', 'Ada', 'Lovelace', 'London', 'c1', '2026-01-01', NULL),
                  ('p3', 'Old', 'Deleted', NULL, 'c1', '2026-01-03', '2026-02-01');"#,
            )
            .execute(&pool)
            .await
            .unwrap();
            let json: String = sqlx::query_scalar(AssertSqlSafe(nested_sql(false, |t| format!("\"{t}\""))))
                .fetch_one(&pool)
                .await
                .unwrap();
            let value: Value = serde_json::from_str(&json).unwrap();
            let person = |id: &str, first: &str, last: &str, city: Value| {
                json!({"node": {"id": id, "name": {"firstName": first, "lastName": last}, "city": city,
                    "company": {"id": "c1", "name": "Acme"}}})
            };
            assert_eq!(
                value,
                json!({"data": {"companies": {"edges": [
                    {"node": {"id": "c1", "name": "Acme", "people": {"totalCount": 2, "edges": [
                        person("p1", "Ada", "Lovelace", json!("London")),
                        person("p2", "Grace", "Hopper", Value::Null),
                    ]}}},
                    {"node": {"id": "c2", "name": "Beta", "people": {"totalCount": 0, "edges": []}}},
                ]}}})
            );
        });
    }
}
