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
