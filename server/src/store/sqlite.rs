//! The embedded store's connections: `core.sqlite` (workspace, apiKey; created here) and
//! one SQLite file per workspace under `workspaces/` (its records and its model's metadata), opened with WAL, a busy timeout and
//! foreign keys on.
use super::{SqliteDb, StoreError};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::Mutex;
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

/// The SQLite store under a data directory.
#[derive(Debug)]
pub struct SqliteStore {
    pub(super) core: SqlitePool,
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
        sqlx::raw_sql(sqlx::AssertSqlSafe(super::webhooks::core_ddl(
            twenty_codegen::emit::sql::Dialect::Sqlite,
        )))
        .execute(&core)
        .await?;
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
        // The workspace's model lives in its own file (see `super::metadata`).
        sqlx::raw_sql(super::metadata::SQLITE_DDL)
            .execute(&pool)
            .await?;
        for (table, column, ty) in super::metadata::SQLITE_ADDED_COLUMNS {
            let present: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")
                    .bind(table)
                    .bind(column)
                    .fetch_optional(&pool)
                    .await?;
            if present.is_none() {
                let sql = format!(r#"ALTER TABLE "{table}" ADD COLUMN "{column}" {ty}"#);
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&pool)
                    .await?;
            }
        }
        let db = SqliteDb::new(pool);
        pools.insert(id, db.clone());
        Ok(db)
    }

    /// The core pool's use, the workspace files' pools' use summed, and how many files
    /// are open.
    pub(super) async fn pool_use(&self) -> (Vec<crate::metrics::PoolUse>, u64) {
        let of = |pool: &'static str, p: &sqlx::SqlitePool| crate::metrics::PoolUse {
            pool,
            open: u64::from(p.size()),
            idle: p.num_idle() as u64,
        };
        let pools = self.pools.lock().await;
        let mut workspaces = crate::metrics::PoolUse {
            pool: "workspaces",
            open: 0,
            idle: 0,
        };
        for db in pools.values() {
            let one = of("workspaces", &db.pool);
            workspaces.open += one.open;
            workspaces.idle += one.idle;
        }
        (vec![of("core", &self.core), workspaces], pools.len() as u64)
    }

    /// Closes a workspace file's connections (they are opened again on its next use).
    pub async fn release_workspace(&self, id: Uuid) {
        let db = self.pools.lock().await.remove(&id);
        if let Some(db) = db {
            db.pool.close().await;
        }
    }

    /// The directory of the workspace files.
    pub fn workspaces_dir(&self) -> &std::path::Path {
        &self.workspaces_dir
    }

    /// The pool of a workspace's file (opened on first use).
    pub async fn workspace_pool(&self, id: Uuid) -> Result<SqlitePool, StoreError> {
        Ok(self.workspace_db(id).await?.pool)
    }
}
