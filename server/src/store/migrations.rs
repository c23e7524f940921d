//! Workspace migrations: the files embedded at build time (see build.rs), their checksums,
//! what is pending for a workspace, and applying them in one transaction, on both backends
//! (on Postgres with a transaction-local search_path; SQLite rebuilds with foreign keys off
//! and checked before commit).
use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Store, StoreError, schema_name};
use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, SqliteConnection};
use twenty_codegen::emit::sql::Dialect;
use uuid::Uuid;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// One checked-in migration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// File name, e.g. `0001_initial.sql`; the order key.
    pub name: &'static str,
    /// The file's text.
    pub sql: &'static str,
}

impl Migration {
    /// Hex sha256 of the text, recorded when applied.
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }

    /// Whether the file's header asks for `PRAGMA foreign_keys = OFF` (SQLite table rebuilds).
    pub fn needs_foreign_keys_off(&self) -> bool {
        self.sql
            .lines()
            .take_while(|line| line.starts_with("--"))
            .any(|line| line.contains("PRAGMA foreign_keys = OFF"))
    }
}

fn list(files: &'static [(&'static str, &'static str)]) -> Vec<Migration> {
    files
        .iter()
        .map(|&(name, sql)| Migration { name, sql })
        .collect()
}

/// The Postgres migrations, in order.
pub fn postgres() -> Vec<Migration> {
    list(embedded::POSTGRES)
}

/// The SQLite migrations, in order.
pub fn sqlite() -> Vec<Migration> {
    list(embedded::SQLITE)
}

/// The migrations of `all` not yet in `applied` (name, checksum); an applied file whose
/// checksum changed, or that this binary does not know, is an error.
pub fn pending(
    workspace: &str,
    all: &[Migration],
    applied: &[(String, String)],
) -> Result<Vec<Migration>, StoreError> {
    for (name, checksum) in applied {
        match all.iter().find(|m| m.name == name) {
            Some(m) if &m.checksum() == checksum => {}
            Some(_) => {
                return Err(StoreError::ChecksumMismatch {
                    workspace: workspace.to_owned(),
                    migration: name.clone(),
                });
            }
            None => {
                return Err(StoreError::UnknownMigration {
                    workspace: workspace.to_owned(),
                    migration: name.clone(),
                });
            }
        }
    }
    Ok(all
        .iter()
        .filter(|m| !applied.iter().any(|(name, _)| name == m.name))
        .copied()
        .collect())
}

/// What migrating one workspace did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The migrations applied now, in order (empty when it was up to date).
    pub applied: Vec<&'static str>,
}

const MIGRATIONS_TABLE: &str = r#"CREATE TABLE IF NOT EXISTS "_twenty_migrations" ("name" TEXT PRIMARY KEY NOT NULL, "sha256" TEXT NOT NULL, "appliedAt" INTEGER NOT NULL)"#;

fn migrations_table(schema: &str) -> String {
    format!(
        r#"CREATE TABLE IF NOT EXISTS "{schema}"."_twenty_migrations" ("name" TEXT PRIMARY KEY NOT NULL, "sha256" TEXT NOT NULL, "appliedAt" BIGINT NOT NULL)"#
    )
}

impl Store {
    /// Applies the pending migrations of one workspace in one transaction.
    /// An existing workspace also gets the metadata rows it lacks (all of them, made before
    /// metadata was stored; or the standard objects and fields a newer binary added).
    pub async fn migrate_workspace(&self, id: Uuid) -> Result<MigrationReport, StoreError> {
        let report = dispatch!(self, s => s.migrate_workspace(id).await)?;
        if self.workspace(id).await?.is_some() {
            self.seed_metadata(id).await?;
        }
        Ok(report)
    }

    /// The names of one workspace's pending migrations (an edited applied file is an error).
    pub async fn pending_migrations(&self, id: Uuid) -> Result<Vec<&'static str>, StoreError> {
        dispatch!(self, s => s.pending_migrations(id).await)
    }

    /// The `(name, sha256)` recorded in one workspace's `_twenty_migrations`.
    pub async fn applied_migrations(&self, id: Uuid) -> Result<Vec<(String, String)>, StoreError> {
        dispatch!(self, s => s.applied_migrations(id).await)
    }
}

impl SqliteStore {
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
        let pending = pending(&id.to_string(), &sqlite(), &done)?;
        Ok(pending.iter().map(|m| m.name).collect())
    }

    pub(super) async fn migrate_workspace(&self, id: Uuid) -> Result<MigrationReport, StoreError> {
        let pool = self.workspace_pool(id).await?;
        let mut conn = pool.acquire().await?;
        let done = applied(&mut conn).await?;
        let pending = pending(&id.to_string(), &sqlite(), &done)?;
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
}

impl PgStore {
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
        let pending = pending(&id.to_string(), &postgres(), &done)?;
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
        // The webhooks' deliveries, beside the log they are made from.
        sqlx::raw_sql(AssertSqlSafe(super::webhooks::workspace_ddl(
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
        let pending = pending(&id.to_string(), &postgres(), &done)?;
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
    // A log made before events recorded upserts gets the column.
    let (has_upsert,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM pragma_table_info('_twenty_event') WHERE name = 'upsert'",
    )
    .fetch_one(&mut *conn)
    .await?;
    if has_upsert == 0 {
        sqlx::raw_sql(
            r#"ALTER TABLE "_twenty_event" ADD COLUMN "upsert" INTEGER NOT NULL DEFAULT 0"#,
        )
        .execute(&mut *conn)
        .await?;
    }
    // The webhooks' deliveries, beside the log they are made from.
    sqlx::raw_sql(AssertSqlSafe(super::webhooks::workspace_ddl(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dialects_embed_the_same_file_names_in_order() {
        let pg: Vec<_> = postgres().iter().map(|m| m.name).collect();
        let lite: Vec<_> = sqlite().iter().map(|m| m.name).collect();
        assert!(!pg.is_empty());
        assert_eq!(pg, lite);
        let mut sorted = pg.clone();
        sorted.sort();
        assert_eq!(pg, sorted);
    }

    #[test]
    fn a_changed_checksum_is_refused() {
        let all = sqlite();
        let applied = vec![(all[0].name.to_owned(), "0".repeat(64))];
        let err = pending("w", &all, &applied).unwrap_err();
        assert!(matches!(err, StoreError::ChecksumMismatch { .. }), "{err}");
    }

    #[test]
    fn applied_files_are_not_pending() {
        let all = sqlite();
        let applied = vec![(all[0].name.to_owned(), all[0].checksum())];
        assert_eq!(pending("w", &all, &applied).unwrap(), all[1..].to_vec());
        assert_eq!(pending("w", &all, &[]).unwrap(), all);
    }

    #[test]
    fn the_rebuild_header_asks_for_foreign_keys_off() {
        let rebuild = Migration {
            name: "0002_x.sql",
            sql: "-- Generated\n-- Rebuilds tables: run with PRAGMA foreign_keys = OFF (set before BEGIN), then PRAGMA foreign_key_check.\nCREATE TABLE x (a INT);\n",
        };
        assert!(rebuild.needs_foreign_keys_off());
        assert!(!sqlite()[0].needs_foreign_keys_off());
    }
}
