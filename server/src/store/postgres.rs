//! The Postgres store's connections: core tables in schema `core` (created here), one
//! schema per workspace (`workspace_<base36 id>`), a pool for reads and one for writes.
use super::StoreError;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

const CORE_SCHEMA: &str = r#"
CREATE SCHEMA IF NOT EXISTS "core";
CREATE TABLE IF NOT EXISTS "core"."workspace" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "displayName" TEXT NOT NULL,
  "createdAt" BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS "core"."apiKey" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "workspaceId" TEXT NOT NULL REFERENCES "core"."workspace" ("id"),
  "name" TEXT NOT NULL,
  "keyHash" TEXT NOT NULL UNIQUE,
  "scope" TEXT NOT NULL,
  "expiresAt" BIGINT,
  "revokedAt" BIGINT,
  "lastUsedAt" BIGINT,
  "createdAt" BIGINT NOT NULL
);
"#;

/// Connects once, to tell an operator what is wrong in terms of the URL's host, port and
/// database (a pool would only say it timed out).
async fn check_connection(url: &str) -> Result<(), StoreError> {
    use sqlx::{ConnectOptions, Connection};
    use std::str::FromStr;
    let options =
        sqlx::postgres::PgConnectOptions::from_str(url).map_err(|e| StoreError::Connect {
            target: "the URL".to_owned(),
            reason: format!("the URL cannot be read: {e}"),
        })?;
    let database = options
        .get_database()
        .unwrap_or(options.get_username())
        .to_owned();
    let target = format!(
        "{}:{}, database {database:?}",
        options.get_host(),
        options.get_port()
    );
    let failed = |reason: String| StoreError::Connect {
        target: target.clone(),
        reason,
    };
    let connection = tokio::time::timeout(Duration::from_secs(5), options.connect())
        .await
        .map_err(|_| failed("no answer within 5 s".to_owned()))?
        .map_err(|e| {
            failed(match &e {
                sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                    "connection refused: is PostgreSQL running and listening there?".to_owned()
                }
                sqlx::Error::Io(io) => io.to_string(),
                sqlx::Error::Database(db) => match db.code().as_deref() {
                    Some("3D000") => format!(
                        "the database does not exist; create it (createdb {database}) or name another in the URL"
                    ),
                    Some("28P01" | "28000") => {
                        format!("authentication failed: {}", db.message())
                    }
                    _ => db.message().to_owned(),
                },
                other => other.to_string(),
            })
        })?;
    let _ = connection.close().await;
    Ok(())
}

/// The Postgres store.
#[derive(Debug)]
pub struct PgStore {
    pub(super) pool: PgPool,
    /// The engine's writes' own connections (see [`super::pg_write_pool_size`]).
    writes: PgPool,
}

impl PgStore {
    /// Connects (a pool of `pool_size` connections, and one of
    /// [`super::pg_write_pool_size`] for the engine's writes) and creates the core schema
    /// and tables when absent.
    pub async fn open(url: &str, pool_size: u32) -> Result<Self, StoreError> {
        check_connection(url).await?;
        let options = || PgPoolOptions::new().acquire_timeout(Duration::from_secs(5));
        let pool = options().max_connections(pool_size).connect(url).await?;
        let writes = options()
            .max_connections(super::pg_write_pool_size(pool_size))
            .connect(url)
            .await?;
        // Serialize concurrent first starts: CREATE … IF NOT EXISTS races on the catalog.
        let mut tx = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7420)")
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(CORE_SCHEMA).execute(&mut *tx).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(super::webhooks::core_ddl(
            twenty_codegen::emit::sql::Dialect::Postgres,
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::raw_sql(super::metadata::PG_DDL)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(PgStore { pool, writes })
    }

    /// The shared pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The pool of the engine's writes.
    pub fn writes(&self) -> &PgPool {
        &self.writes
    }

    pub(super) async fn close(&self) {
        self.pool.close().await;
        self.writes.close().await;
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
