//! The Postgres store: core tables in schema `core`, one schema per workspace
//! (`workspace_<base36 id>`), migrations applied with a transaction-local search_path.
use super::migrations;
use super::{
    ApiKey, KEY_COLUMNS, KeyRow, MigrationReport, StoreError, Workspace, WorkspaceRow, schema_name,
};
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, PgPool};
use std::time::Duration;
use twenty_codegen::emit::sql::Dialect;
use uuid::Uuid;

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
    pool: PgPool,
    /// The engine's writes' own connections (see [`super::pg_write_pool_size`]).
    writes: PgPool,
}

fn migrations_table(schema: &str) -> String {
    format!(
        r#"CREATE TABLE IF NOT EXISTS "{schema}"."_twenty_migrations" ("name" TEXT PRIMARY KEY NOT NULL, "sha256" TEXT NOT NULL, "appliedAt" BIGINT NOT NULL)"#
    )
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

    pub(super) async fn insert_workspace(&self, w: &Workspace) -> Result<(), StoreError> {
        sqlx::query(r#"INSERT INTO "core"."workspace" ("id", "displayName", "createdAt") VALUES ($1, $2, $3)"#)
            .bind(w.id.to_string())
            .bind(&w.name)
            .bind(w.created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(super) async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let rows: Vec<WorkspaceRow> = sqlx::query_as(
            r#"SELECT "id", "displayName", "createdAt" FROM "core"."workspace" ORDER BY "createdAt", "id""#,
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Workspace::from_row).collect()
    }

    pub(super) async fn applied_migrations(
        &self,
        id: Uuid,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let schema = schema_name(id);
        let exists: Option<(String,)> = sqlx::query_as(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_twenty_migrations'",
        )
        .bind(&schema)
        .fetch_optional(&self.pool)
        .await?;
        if exists.is_none() {
            return Ok(vec![]);
        }
        Ok(sqlx::query_as(AssertSqlSafe(format!(
            r#"SELECT "name", "sha256" FROM "{schema}"."_twenty_migrations" ORDER BY "name""#
        )))
        .fetch_all(&self.pool)
        .await?)
    }

    pub(super) async fn pending_migrations(
        &self,
        id: Uuid,
    ) -> Result<Vec<&'static str>, StoreError> {
        let done = self.applied_migrations(id).await?;
        let pending = migrations::pending(&id.to_string(), &migrations::postgres(), &done)?;
        let mut names: Vec<&'static str> = pending.iter().map(|m| m.name).collect();
        // A workspace created before the event log existed (or before its `xid` column)
        // gets it from `migrate`.
        let log: Option<(String,)> = sqlx::query_as(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = $2 AND column_name = 'xid'",
        )
        .bind(schema_name(id))
        .bind(super::events::EVENT_TABLE)
        .fetch_optional(&self.pool)
        .await?;
        if log.is_none() && !done.is_empty() {
            names.push("the event log table _twenty_event");
        }
        Ok(names)
    }

    pub(super) async fn migrate_workspace(&self, id: Uuid) -> Result<MigrationReport, StoreError> {
        let schema = schema_name(id);
        let mut tx = self.pool.begin().await?;
        // One migrator per workspace at a time, across processes.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(&schema)
            .execute(&mut *tx)
            .await?;
        sqlx::raw_sql(AssertSqlSafe(format!(
            r#"CREATE SCHEMA IF NOT EXISTS "{schema}""#
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::raw_sql(AssertSqlSafe(migrations_table(&schema)))
            .execute(&mut *tx)
            .await?;
        // The server-owned event log, beside the migrations table (new and old workspaces).
        sqlx::raw_sql(AssertSqlSafe(super::events::create_table_sql(
            Dialect::Postgres,
            &schema,
        )))
        .execute(&mut *tx)
        .await?;
        let done: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
            r#"SELECT "name", "sha256" FROM "{schema}"."_twenty_migrations" ORDER BY "name""#
        )))
        .fetch_all(&mut *tx)
        .await?;
        let pending = migrations::pending(&id.to_string(), &migrations::postgres(), &done)?;
        // Migration files are schema-agnostic; SET LOCAL ends with the transaction, so the
        // pooled connection goes back clean.
        sqlx::raw_sql(AssertSqlSafe(format!(
            r#"SET LOCAL search_path TO "{schema}""#
        )))
        .execute(&mut *tx)
        .await?;
        for m in &pending {
            sqlx::raw_sql(AssertSqlSafe(m.sql))
                .execute(&mut *tx)
                .await?;
            sqlx::query(AssertSqlSafe(format!(
                r#"INSERT INTO "{schema}"."_twenty_migrations" ("name", "sha256", "appliedAt") VALUES ($1, $2, $3)"#
            )))
            .bind(m.name)
            .bind(m.checksum())
            .bind(super::now_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(MigrationReport {
            applied: pending.iter().map(|m| m.name).collect(),
        })
    }

    pub(super) async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            r#"INSERT INTO "core"."apiKey" ("id", "workspaceId", "name", "keyHash", "scope", "expiresAt", "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
        )
        .bind(key.id.to_string())
        .bind(key.workspace_id.to_string())
        .bind(&key.name)
        .bind(hash)
        .bind(key.scope.as_str())
        .bind(key.expires_at)
        .bind(key.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn list_api_keys(
        &self,
        workspace: Option<Uuid>,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let sql = format!(
            r#"SELECT {KEY_COLUMNS} FROM "core"."apiKey" WHERE $1::text IS NULL OR "workspaceId" = $1 ORDER BY "createdAt", "id""#
        );
        let rows: Vec<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(workspace.map(|w| w.to_string()))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(ApiKey::from_row).collect()
    }

    pub(super) async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!(r#"SELECT {KEY_COLUMNS} FROM "core"."apiKey" WHERE "keyHash" = $1"#);
        let row: Option<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(ApiKey::from_row).transpose()
    }

    pub(super) async fn revoke_api_key(&self, id: Uuid, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            r#"UPDATE "core"."apiKey" SET "revokedAt" = $1 WHERE "id" = $2 AND "revokedAt" IS NULL"#,
        )
        .bind(now)
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn touch_api_key(&self, id: Uuid, now: i64) -> Result<(), StoreError> {
        sqlx::query(r#"UPDATE "core"."apiKey" SET "lastUsedAt" = $1 WHERE "id" = $2"#)
            .bind(now)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
