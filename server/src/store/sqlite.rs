//! The embedded store: `core.sqlite` (workspace, apiKey) and one SQLite file per workspace
//! under `workspaces/`, opened with WAL, a busy timeout and foreign keys on.
use super::migrations::{self, Migration};
use super::{
    ApiKey, KEY_COLUMNS, KeyRow, MigrationReport, SqliteDb, StoreError, Workspace, WorkspaceRow,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Connection, SqliteConnection, SqlitePool};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::Mutex;
use twenty_codegen::emit::sql::Dialect;
use uuid::Uuid;

const CORE_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS "workspace" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "displayName" TEXT NOT NULL,
  "createdAt" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "apiKey" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "workspaceId" TEXT NOT NULL REFERENCES "workspace" ("id"),
  "name" TEXT NOT NULL,
  "keyHash" TEXT NOT NULL UNIQUE,
  "scope" TEXT NOT NULL,
  "expiresAt" INTEGER,
  "revokedAt" INTEGER,
  "lastUsedAt" INTEGER,
  "createdAt" INTEGER NOT NULL
);
"#;

const MIGRATIONS_TABLE: &str = r#"CREATE TABLE IF NOT EXISTS "_twenty_migrations" ("name" TEXT PRIMARY KEY NOT NULL, "sha256" TEXT NOT NULL, "appliedAt" INTEGER NOT NULL)"#;

/// The SQLite store under a data directory.
#[derive(Debug)]
pub struct SqliteStore {
    core: SqlitePool,
    workspaces_dir: PathBuf,
    pools: Mutex<HashMap<Uuid, SqliteDb>>,
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true)
}

/// A workspace file's connections: as [`options`], and no connection checkpoints the WAL
/// at commit (SQLite's default, every 1,000 pages), which would make the writers of the
/// committing group, and every writer queued behind it, wait for the copy and its fsync:
/// the file's write group has it done in the background (see
/// [`super::write_group::WriteGroup::sqlite`]).
fn workspace_options(path: &Path) -> SqliteConnectOptions {
    options(path).pragma("wal_autocheckpoint", "0")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl SqliteStore {
    /// Opens `data_dir`, creating it, `core.sqlite` and its tables when absent.
    pub async fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let workspaces_dir = data_dir.join("workspaces");
        std::fs::create_dir_all(&workspaces_dir).map_err(io(&workspaces_dir))?;
        let core = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options(&data_dir.join("core.sqlite")))
            .await?;
        sqlx::raw_sql(CORE_SCHEMA).execute(&core).await?;
        Ok(SqliteStore {
            core,
            workspaces_dir,
            pools: Mutex::new(HashMap::new()),
        })
    }

    pub(super) async fn close(&self) {
        self.core.close().await;
        for db in self.pools.lock().await.values() {
            db.pool.close().await;
        }
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.core).await?;
        Ok(())
    }

    /// The handle of a workspace's file (opened on first use).
    pub async fn workspace_db(&self, id: Uuid) -> Result<SqliteDb, StoreError> {
        let mut pools = self.pools.lock().await;
        if let Some(db) = pools.get(&id) {
            return Ok(db.clone());
        }
        let path = self.workspaces_dir.join(format!("{id}.sqlite"));
        let pool = SqlitePoolOptions::new()
            .max_connections(super::sqlite_readers())
            .connect_with(workspace_options(&path))
            .await?;
        let db = SqliteDb::new(pool);
        pools.insert(id, db.clone());
        Ok(db)
    }

    /// The pool of a workspace's file (opened on first use).
    pub async fn workspace_pool(&self, id: Uuid) -> Result<SqlitePool, StoreError> {
        Ok(self.workspace_db(id).await?.pool)
    }

    pub(super) async fn insert_workspace(&self, w: &Workspace) -> Result<(), StoreError> {
        sqlx::query(
            r#"INSERT INTO "workspace" ("id", "displayName", "createdAt") VALUES (?, ?, ?)"#,
        )
        .bind(w.id.to_string())
        .bind(&w.name)
        .bind(w.created_at)
        .execute(&self.core)
        .await?;
        Ok(())
    }

    pub(super) async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let rows: Vec<WorkspaceRow> = sqlx::query_as(
            r#"SELECT "id", "displayName", "createdAt" FROM "workspace" ORDER BY "createdAt", "id""#,
        )
        .fetch_all(&self.core)
        .await?;
        rows.into_iter().map(Workspace::from_row).collect()
    }

    pub(super) async fn applied_migrations(
        &self,
        id: Uuid,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let pool = self.workspace_pool(id).await?;
        let mut conn = pool.acquire().await?;
        applied(&mut conn).await
    }

    pub(super) async fn pending_migrations(
        &self,
        id: Uuid,
    ) -> Result<Vec<&'static str>, StoreError> {
        let done = self.applied_migrations(id).await?;
        let pending = migrations::pending(&id.to_string(), &migrations::sqlite(), &done)?;
        Ok(pending.iter().map(|m| m.name).collect())
    }

    pub(super) async fn migrate_workspace(&self, id: Uuid) -> Result<MigrationReport, StoreError> {
        let pool = self.workspace_pool(id).await?;
        let mut conn = pool.acquire().await?;
        let done = applied(&mut conn).await?;
        let pending = migrations::pending(&id.to_string(), &migrations::sqlite(), &done)?;
        if pending.is_empty() {
            return Ok(MigrationReport { applied: vec![] });
        }
        // SQLite ignores this pragma inside a transaction: it must be set before BEGIN.
        let foreign_keys_off = pending.iter().any(Migration::needs_foreign_keys_off);
        if foreign_keys_off {
            sqlx::raw_sql("PRAGMA foreign_keys = OFF")
                .execute(&mut *conn)
                .await?;
        }
        let result = apply(&mut conn, &id.to_string(), &pending, foreign_keys_off).await;
        if foreign_keys_off {
            sqlx::raw_sql("PRAGMA foreign_keys = ON")
                .execute(&mut *conn)
                .await?;
        }
        result?;
        Ok(MigrationReport {
            applied: pending.iter().map(|m| m.name).collect(),
        })
    }

    pub(super) async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            r#"INSERT INTO "apiKey" ("id", "workspaceId", "name", "keyHash", "scope", "expiresAt", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?)"#,
        )
        .bind(key.id.to_string())
        .bind(key.workspace_id.to_string())
        .bind(&key.name)
        .bind(hash)
        .bind(key.scope.as_str())
        .bind(key.expires_at)
        .bind(key.created_at)
        .execute(&self.core)
        .await?;
        Ok(())
    }

    pub(super) async fn list_api_keys(
        &self,
        workspace: Option<Uuid>,
    ) -> Result<Vec<ApiKey>, StoreError> {
        let sql = format!(
            r#"SELECT {KEY_COLUMNS} FROM "apiKey" WHERE ? IS NULL OR "workspaceId" = ? ORDER BY "createdAt", "id""#
        );
        let ws = workspace.map(|w| w.to_string());
        let rows: Vec<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(ws.clone())
            .bind(ws)
            .fetch_all(&self.core)
            .await?;
        rows.into_iter().map(ApiKey::from_row).collect()
    }

    pub(super) async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!(r#"SELECT {KEY_COLUMNS} FROM "apiKey" WHERE "keyHash" = ?"#);
        let row: Option<KeyRow> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(hash)
            .fetch_optional(&self.core)
            .await?;
        row.map(ApiKey::from_row).transpose()
    }

    pub(super) async fn revoke_api_key(&self, id: Uuid, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            r#"UPDATE "apiKey" SET "revokedAt" = ? WHERE "id" = ? AND "revokedAt" IS NULL"#,
        )
        .bind(now)
        .bind(id.to_string())
        .execute(&self.core)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn touch_api_key(&self, id: Uuid, now: i64) -> Result<(), StoreError> {
        sqlx::query(r#"UPDATE "apiKey" SET "lastUsedAt" = ? WHERE "id" = ?"#)
            .bind(now)
            .bind(id.to_string())
            .execute(&self.core)
            .await?;
        Ok(())
    }
}

async fn applied(conn: &mut SqliteConnection) -> Result<Vec<(String, String)>, StoreError> {
    sqlx::raw_sql(MIGRATIONS_TABLE).execute(&mut *conn).await?;
    // The server-owned event log, beside the migrations table (new and old workspaces).
    sqlx::raw_sql(AssertSqlSafe(super::events::create_table_sql(
        Dialect::Sqlite,
        "",
    )))
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_as(r#"SELECT "name", "sha256" FROM "_twenty_migrations" ORDER BY "name""#)
            .fetch_all(&mut *conn)
            .await?,
    )
}

async fn apply(
    conn: &mut SqliteConnection,
    workspace: &str,
    pending: &[Migration],
    foreign_keys_off: bool,
) -> Result<(), StoreError> {
    let mut tx = conn.begin().await?;
    for m in pending {
        sqlx::raw_sql(AssertSqlSafe(m.sql))
            .execute(&mut *tx)
            .await?;
        if foreign_keys_off {
            let violations = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut *tx)
                .await?;
            if !violations.is_empty() {
                return Err(StoreError::ForeignKeyViolations {
                    workspace: workspace.to_owned(),
                    migration: m.name.to_owned(),
                    count: violations.len(),
                });
            }
        }
        sqlx::query(
            r#"INSERT INTO "_twenty_migrations" ("name", "sha256", "appliedAt") VALUES (?, ?, ?)"#,
        )
        .bind(m.name)
        .bind(m.checksum())
        .bind(super::now_ms())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
