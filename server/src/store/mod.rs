//! Storage of workspaces and API keys (core tables) and of each workspace's data
//! (SQLite file or Postgres schema), with migrations and the event log. No HTTP here.
//! One file per concept (`workspaces`, `api_keys`, `migrations`, `events`, `metadata`,
//! `webhooks`), each holding
//! both dialects; `sqlite` and `postgres` only connect.
/// Runs `$e` on whichever backend `$self` is, its store bound to `$s`.
macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
}

pub mod api_keys;
pub mod events;
pub mod exec;
pub mod metadata;
pub mod migrations;
pub mod postgres;
pub mod sqlite;
pub mod statement;
pub mod webhooks;
pub mod workspaces;
pub mod write_group;

use crate::config::Database;
use twenty_codegen::emit::sql::Dialect;
use uuid::Uuid;

pub use api_keys::{ApiKey, NewApiKey, Scope, revocations};
pub use migrations::MigrationReport;
pub use workspaces::Workspace;

/// A storage failure, carrying what an operator needs to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The Postgres server of the database URL cannot be reached or refused the
    /// connection.
    #[error("cannot connect to Postgres at {target} (DATABASE_URL): {reason}")]
    Connect { target: String, reason: String },
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
    /// A change of a workspace's model planned from a version that is no longer current.
    #[error("the workspace's model changed meanwhile; read it again and retry")]
    ModelChanged,
    /// A change of a workspace's model refused by what its data holds (the text says why).
    #[error("{0}")]
    Refused(String),
    /// The operating system's random generator failed.
    #[error("cannot generate a random secret: {0}")]
    Random(String),
}

pub(crate) fn parse_id(text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("invalid id {text:?}")))
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

/// Serde: Unix milliseconds written as RFC 3339 UTC instants with milliseconds
/// (`2026-12-08T00:27:27.553Z`), as the API writes them (used by the CLI's `--json`).
pub(crate) mod instant {
    use serde::Serializer;

    fn text(ms: i64) -> String {
        let time = std::time::UNIX_EPOCH
            + std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0));
        humantime::format_rfc3339_millis(time).to_string()
    }

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&text(*ms))
    }

    pub fn option<S: Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match ms {
            Some(ms) => s.serialize_str(&text(*ms)),
            None => s.serialize_none(),
        }
    }
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

    /// The SQL dialect of the database.
    pub fn dialect(&self) -> Dialect {
        match self {
            Store::Sqlite(_) => Dialect::Sqlite,
            Store::Postgres(_) => Dialect::Postgres,
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Bytes free to this process on the disk of the embedded store's files (`None` on
    /// Postgres, whose disk is the database server's, or where it cannot be told).
    pub fn free_disk_bytes(&self) -> Option<u64> {
        let Store::Sqlite(s) = self else {
            return None;
        };
        free_bytes(s.workspaces_dir())
    }

    /// Closes every pool; later calls fail (used at shutdown, and by tests of `/healthz`).
    pub async fn close(&self) {
        match self {
            Store::Sqlite(s) => s.close().await,
            Store::Postgres(s) => s.close().await,
        }
    }

    /// The connection pools' use, and (SQLite) how many workspace files are open, for
    /// `/metrics`.
    pub async fn pool_use(&self) -> (Vec<crate::metrics::PoolUse>, Option<u64>) {
        let of = |pool: &'static str, p: &sqlx::PgPool| crate::metrics::PoolUse {
            pool,
            open: u64::from(p.size()),
            idle: p.num_idle() as u64,
        };
        match self {
            Store::Sqlite(s) => {
                let (pools, open) = s.pool_use().await;
                (pools, Some(open))
            }
            Store::Postgres(s) => (vec![of("reads", s.pool()), of("writes", s.writes())], None),
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.ping().await)
    }

    /// Closes the connections held for one workspace (SQLite: its file's pool, opened
    /// again on next use; Postgres shares its pools: nothing to do).
    pub async fn release_workspace(&self, id: Uuid) {
        if let Store::Sqlite(s) = self {
            s.release_workspace(id).await;
        }
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
}

/// Bytes available to an unprivileged process on the file system holding `path`.
fn free_bytes(path: &std::path::Path) -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::ffi::OsStrExt;
        let path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        // SAFETY: statvfs reads the NUL-terminated path and writes only into `stat`.
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
            return None;
        }
        Some(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = path;
        None
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

/// Whether `error`, or what caused it, is a statement naming a table or column the
/// database no longer has (or, on Postgres, a cached plan whose columns changed): the
/// request was planned on a model that another change has replaced since.
pub fn is_stale_schema(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() {
            let message = db.message();
            let code = db.code();
            // The server's own tables (`_twenty_event`, …) are not the model's.
            if message.contains("_twenty_") {
                return false;
            }
            if matches!(code.as_deref(), Some("42703" | "42P01"))
                || message.contains("cached plan must not change result type")
                || message.starts_with("no such column")
                || message.starts_with("no such table")
                || message.contains("has no column named")
            {
                return true;
            }
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
