//! Storage of workspaces and API keys (core tables) and of each workspace's data
//! (SQLite file or Postgres schema), with migrations. No HTTP here.
pub mod events;
pub mod migrations;
pub mod postgres;
pub mod sqlite;
pub mod statement;
pub mod write_group;

use crate::config::Database;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use twenty_codegen::emit::sql::Dialect;
use uuid::Uuid;

/// Keys revoked through any store of this process so far. Caches of verified keys note it
/// when they fetch a key and refetch once it moved, so a revocation made here takes effect
/// at once (one made by another process waits for the cache entry to expire).
static REVOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The count of keys revoked through this process's stores (see [`REVOCATIONS`]).
pub fn revocations() -> u64 {
    REVOCATIONS.load(Ordering::Acquire)
}

/// A storage failure, carrying what an operator needs to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A file-system error under the data directory.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// An applied migration file was edited afterwards.
    #[error(
        "workspace {workspace}: migration {migration} was applied with a different checksum; migration files are append-only, restore the original file"
    )]
    ChecksumMismatch {
        workspace: String,
        migration: String,
    },
    /// The database has a migration this binary does not embed (it is older than the data).
    #[error(
        "workspace {workspace}: migration {migration} is applied but unknown to this binary; run a newer twenty-server"
    )]
    UnknownMigration {
        workspace: String,
        migration: String,
    },
    /// A SQLite rebuild migration left dangling foreign keys.
    #[error("workspace {workspace}: migration {migration} leaves {count} foreign key violations")]
    ForeignKeyViolations {
        workspace: String,
        migration: String,
        count: usize,
    },
    /// A value in the core tables that is not what this server wrote.
    #[error("corrupt core data: {0}")]
    Corrupt(String),
    /// The operating system's random generator failed.
    #[error("cannot generate a random secret: {0}")]
    Random(String),
}

/// A workspace (a tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    /// Its id.
    pub id: Uuid,
    /// Its display name.
    pub name: String,
    /// Creation time, Unix milliseconds.
    pub created_at: i64,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Reads only.
    ReadOnly,
    /// Reads and writes.
    ReadWrite,
}

impl Scope {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadOnly => "read_only",
            Scope::ReadWrite => "read_write",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "read_only" => Ok(Scope::ReadOnly),
            "read_write" => Ok(Scope::ReadWrite),
            other => Err(StoreError::Corrupt(format!(
                "unknown API key scope {other:?}"
            ))),
        }
    }
}

/// An API key's stored record (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Its id.
    pub id: Uuid,
    /// The workspace it opens.
    pub workspace_id: Uuid,
    /// A human name (also the `createdBy` name of what it writes).
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// Expiry, Unix milliseconds.
    pub expires_at: Option<i64>,
    /// Revocation time, Unix milliseconds.
    pub revoked_at: Option<i64>,
    /// Last successful use, Unix milliseconds.
    pub last_used_at: Option<i64>,
    /// Creation time, Unix milliseconds.
    pub created_at: i64,
}

/// The columns of `apiKey` in the order every backend selects them.
pub(crate) const KEY_COLUMNS: &str =
    r#""id", "workspaceId", "name", "scope", "expiresAt", "revokedAt", "lastUsedAt", "createdAt""#;

pub(crate) type KeyRow = (
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
);

/// A `workspace` row as both backends read it: id, display name, creation time.
pub(crate) type WorkspaceRow = (String, String, i64);

impl Workspace {
    pub(crate) fn from_row((id, name, created_at): WorkspaceRow) -> Result<Self, StoreError> {
        Ok(Workspace {
            id: parse_id(&id)?,
            name,
            created_at,
        })
    }
}

pub(crate) fn parse_id(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("invalid id {text:?}")))
}

impl ApiKey {
    pub(crate) fn from_row(row: KeyRow) -> Result<Self, StoreError> {
        let (id, workspace_id, name, scope, expires_at, revoked_at, last_used_at, created_at) = row;
        Ok(ApiKey {
            id: parse_id(&id)?,
            workspace_id: parse_id(&workspace_id)?,
            name,
            scope: Scope::parse(&scope)?,
            expires_at,
            revoked_at,
            last_used_at,
            created_at,
        })
    }
}

/// A key just created: its record and its secret, which is shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct NewApiKey {
    /// The stored record.
    #[serde(flatten)]
    pub key: ApiKey,
    /// The bearer secret.
    pub secret: String,
}

/// What migrating one workspace did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The migrations applied now, in order (empty when it was up to date).
    pub applied: Vec<&'static str>,
}

/// A workspace's SQLite file: its pool and its writers' group commit.
///
/// SQLite has one writer at a time. Writers that all reach `BEGIN IMMEDIATE` at once wait
/// in SQLite's busy handler, which sleeps in growing steps (1, 2, 5, 10, … 100 ms) and so
/// misses the moment the lock frees: under concurrent writes that made the tail latency
/// of a create tens of milliseconds. The engine's writers queue in the process instead,
/// and take turns in one transaction committed for the whole group (see
/// [`write_group`]). (Another process writing the same file, such as
/// `twenty-server migrate`, is still waited for by the busy timeout.)
#[derive(Debug, Clone)]
pub struct SqliteDb {
    pub pool: sqlx::SqlitePool,
    pub writers: write_group::WriteGroup,
}

impl SqliteDb {
    /// The handle of `pool`, with a write group of its own (which also checkpoints the
    /// file's WAL after its commits, on a task of its own).
    pub fn new(pool: sqlx::SqlitePool) -> SqliteDb {
        SqliteDb {
            writers: write_group::WriteGroup::sqlite(&pool),
            pool,
        }
    }
}

/// A handle on one workspace's data, for the query engine.
#[derive(Debug, Clone)]
pub enum WorkspaceDb {
    /// The workspace's own SQLite file.
    Sqlite(SqliteDb),
    /// The shared Postgres pools (reads, and the engine's writes) and the workspace's
    /// schema (qualify every name with it).
    Postgres {
        pool: sqlx::PgPool,
        writes: sqlx::PgPool,
        schema: String,
    },
}

/// Where records are read from: a Postgres workspace schema or a SQLite workspace file.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Postgres {
        pool: &'a sqlx::PgPool,
        /// The pool the write engine's transactions run on.
        writes: &'a sqlx::PgPool,
        schema: &'a str,
    },
    Sqlite {
        db: &'a SqliteDb,
    },
}

impl<'a> From<&'a WorkspaceDb> for Target<'a> {
    fn from(db: &'a WorkspaceDb) -> Self {
        match db {
            WorkspaceDb::Sqlite(db) => Target::Sqlite { db },
            WorkspaceDb::Postgres {
                pool,
                writes,
                schema,
            } => Target::Postgres {
                pool,
                writes,
                schema,
            },
        }
    }
}

impl Target<'_> {
    /// The SQL dialect of the database.
    pub fn dialect(&self) -> Dialect {
        match self {
            Target::Postgres { .. } => Dialect::Postgres,
            Target::Sqlite { .. } => Dialect::Sqlite,
        }
    }

    /// The Postgres schema qualifying table names (unused on SQLite).
    pub fn pg_schema(&self) -> &str {
        match self {
            Target::Postgres { schema, .. } => schema,
            Target::Sqlite { .. } => "",
        }
    }
}

/// The store: embedded SQLite or Postgres.
#[derive(Debug)]
pub enum Store {
    /// SQLite files under a data directory.
    Sqlite(sqlite::SqliteStore),
    /// One Postgres database.
    Postgres(postgres::PgStore),
}

/// Connections of the engine's writes on Postgres, a pool of their own: twice `pool_size`.
/// A write's connection mostly waits for its commit's WAL flush, not for a core, so more
/// of them let more commits share a flush: on the 2-core benchmark machine 8 connections
/// instead of 4 made REST creates 18 % faster and lowered their p99, where 8 instead of 4
/// for the reads lowered the lists' rate and raised their p99 by a third (README,
/// "Connections").
pub fn pg_write_pool_size(pool_size: u32) -> u32 {
    pool_size.saturating_mul(2)
}

/// Reader connections of a SQLite file: one per core, at least 2. Each connection reads
/// on a thread of its own, so more readers than cores only add thread switches.
pub fn sqlite_readers() -> u32 {
    crate::config::cores().max(2)
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The Postgres schema of a workspace: `workspace_` + base36 of the id as a 128-bit integer.
pub fn schema_name(id: Uuid) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut n = id.as_u128();
    let mut digits = Vec::new();
    loop {
        digits.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    format!("workspace_{}", String::from_utf8_lossy(&digits))
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
}

impl Store {
    /// Opens (creating when absent) the core tables of the configured database.
    pub async fn open(database: &Database) -> Result<Store, StoreError> {
        Ok(match database {
            Database::Sqlite { data_dir } => {
                Store::Sqlite(sqlite::SqliteStore::open(data_dir).await?)
            }
            Database::Postgres { url, pool_size } => {
                Store::Postgres(postgres::PgStore::open(url, *pool_size).await?)
            }
        })
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Closes every pool; later calls fail (used at shutdown, and by tests of `/healthz`).
    pub async fn close(&self) {
        match self {
            Store::Sqlite(s) => s.close().await,
            Store::Postgres(s) => s.close().await,
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.ping().await)
    }

    /// Creates a workspace with all migrations applied, and a first read-write key.
    pub async fn create_workspace(&self, name: &str) -> Result<(Workspace, NewApiKey), StoreError> {
        let workspace = Workspace {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            created_at: now_ms(),
        };
        self.migrate_workspace(workspace.id).await?;
        dispatch!(self, s => s.insert_workspace(&workspace).await)?;
        let key = self
            .create_api_key(workspace.id, "Default key", Scope::ReadWrite, None)
            .await?;
        Ok((workspace, key))
    }

    /// Every workspace, oldest first.
    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        dispatch!(self, s => s.list_workspaces().await)
    }

    /// One workspace.
    pub async fn workspace(&self, id: Uuid) -> Result<Option<Workspace>, StoreError> {
        Ok(self
            .list_workspaces()
            .await?
            .into_iter()
            .find(|w| w.id == id))
    }

    /// Applies the pending migrations of one workspace in one transaction.
    pub async fn migrate_workspace(&self, id: Uuid) -> Result<MigrationReport, StoreError> {
        dispatch!(self, s => s.migrate_workspace(id).await)
    }

    /// The names of one workspace's pending migrations (an edited applied file is an error).
    pub async fn pending_migrations(&self, id: Uuid) -> Result<Vec<&'static str>, StoreError> {
        dispatch!(self, s => s.pending_migrations(id).await)
    }

    /// The `(name, sha256)` recorded in one workspace's `_twenty_migrations`.
    pub async fn applied_migrations(&self, id: Uuid) -> Result<Vec<(String, String)>, StoreError> {
        dispatch!(self, s => s.applied_migrations(id).await)
    }

    /// A handle on one workspace's data.
    pub async fn workspace_db(&self, id: Uuid) -> Result<WorkspaceDb, StoreError> {
        Ok(match self {
            Store::Sqlite(s) => WorkspaceDb::Sqlite(s.workspace_db(id).await?),
            Store::Postgres(s) => WorkspaceDb::Postgres {
                pool: s.pool().clone(),
                writes: s.writes().clone(),
                schema: schema_name(id),
            },
        })
    }

    /// Creates an API key; the secret is returned once, only its hash is stored.
    pub async fn create_api_key(
        &self,
        workspace_id: Uuid,
        name: &str,
        scope: Scope,
        expires_at: Option<i64>,
    ) -> Result<NewApiKey, StoreError> {
        let secret =
            crate::secret::generate_secret().map_err(|e| StoreError::Random(e.to_string()))?;
        let key = ApiKey {
            id: Uuid::new_v4(),
            workspace_id,
            name: name.to_owned(),
            scope,
            expires_at,
            revoked_at: None,
            last_used_at: None,
            created_at: now_ms(),
        };
        let hash = crate::secret::hash_secret(&secret);
        dispatch!(self, s => s.insert_api_key(&key, &hash).await)?;
        Ok(NewApiKey { key, secret })
    }

    /// API keys, of one workspace or all, oldest first.
    pub async fn list_api_keys(&self, workspace: Option<Uuid>) -> Result<Vec<ApiKey>, StoreError> {
        dispatch!(self, s => s.list_api_keys(workspace).await)
    }

    /// Revokes a key; false when no unrevoked key has this id.
    pub async fn revoke_api_key(&self, id: Uuid) -> Result<bool, StoreError> {
        let revoked = dispatch!(self, s => s.revoke_api_key(id, now_ms()).await)?;
        if revoked {
            REVOCATIONS.fetch_add(1, Ordering::AcqRel);
        }
        Ok(revoked)
    }

    /// The key whose secret hashes to `hash`.
    pub async fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        dispatch!(self, s => s.api_key_by_hash(hash).await)
    }

    /// Records a successful use of a key.
    pub async fn touch_api_key(&self, id: Uuid) -> Result<(), StoreError> {
        dispatch!(self, s => s.touch_api_key(id, now_ms()).await)
    }
}

/// Whether `error`, or what caused it, is a pool that had no free connection in time: the
/// server is busy, not broken (a 503, not a 500).
pub fn is_busy(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if matches!(
            e.downcast_ref::<sqlx::Error>(),
            Some(sqlx::Error::PoolTimedOut)
        ) {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_base36_of_the_uuid() {
        assert_eq!(schema_name(Uuid::nil()), "workspace_0");
        assert_eq!(schema_name(Uuid::from_u128(36 * 36 + 35)), "workspace_10z");
        let max = schema_name(Uuid::max());
        assert_eq!(max, "workspace_f5lxx1zz5pnorynqglhzmsp33");
        assert!(max.len() <= 63, "Postgres identifiers are at most 63 bytes");
    }
}
