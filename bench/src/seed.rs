//! The data a run measures: a fresh store location (a temporary SQLite data directory or a
//! fresh Postgres database, both removed when dropped), one workspace created through the
//! real store, and its people inserted by one SQL statement. Owns no HTTP.

use sqlx::{AssertSqlSafe, Connection};
use std::path::PathBuf;
use twenty_server::{Database, Store, WorkspaceDb};
use uuid::Uuid;

/// A storage backend of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// The cities people live in; one person in ten lives in each, so a filter on one city
/// matches a tenth of the table.
pub const CITIES: [&str; 10] = [
    "Paris", "Berlin", "Madrid", "Rome", "Lisbon", "Vienna", "Prague", "Dublin", "Oslo", "Warsaw",
];

/// Where a run keeps its data; dropping it removes the data.
pub struct Location {
    /// What the server is given (`TWENTY_DATA_DIR` or `DATABASE_URL`).
    pub database: Database,
    /// Removed on drop.
    _dir: Option<tempfile::TempDir>,
    /// Dropped on drop.
    _pg: Option<PgDatabase>,
}

/// A Postgres database created for one run and dropped (with its connections) on drop.
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop may run outside async code or during a panic: use a runtime on a thread.
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())
                .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "warning: could not drop the benchmark database {} ({:?}); drop it by hand",
                self.name, dropped
            );
        }
    }
}

impl Location {
    /// A fresh, empty place for `backend`'s data. Postgres databases are created through
    /// `pg_admin_url` (a URL naming a `/<database>` the run may connect to; checked before
    /// anything is created).
    pub async fn fresh(backend: Backend, pg_admin_url: &str) -> Result<Location, String> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::Builder::new()
                    .prefix("twenty-bench-")
                    .tempdir()
                    .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
                Ok(Location {
                    database: Database::Sqlite {
                        data_dir: dir.path().to_path_buf(),
                    },
                    _dir: Some(dir),
                    _pg: None,
                })
            }
            Backend::Postgres => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0);
                let name = format!("twenty_bench_{}_{nanos}", std::process::id());
                // Worked out before anything is created, so a bad URL leaves nothing behind.
                let url = sibling_database_url(pg_admin_url, &name)?;
                let mut admin = sqlx::PgConnection::connect(pg_admin_url)
                    .await
                    .map_err(|e| format!("cannot connect to Postgres at {pg_admin_url}: {e}"))?;
                sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut admin)
                    .await
                    .map_err(|e| format!("cannot create database {name}: {e}"))?;
                Ok(Location {
                    database: Database::Postgres {
                        url,
                        pool_size: twenty_server::config::pg_pool_size(),
                    },
                    _dir: None,
                    _pg: Some(PgDatabase {
                        admin_url: pg_admin_url.to_owned(),
                        name,
                    }),
                })
            }
        }
    }
}

/// The URL of database `name` on the server of `admin_url`: its `/<database>` replaced,
/// the rest (user, host, port, `?options`) kept. An error names `--pg-url` when the URL is
/// not a `postgres://` URL naming a database.
fn sibling_database_url(admin_url: &str, name: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        format!(
            "invalid --pg-url {admin_url:?}: {why} (expected postgres://user@host:port/database, \
             e.g. postgres://postgres@127.0.0.1:5432/postgres; the benchmark's database is \
             created beside that one)"
        )
    };
    let rest = ["postgres://", "postgresql://"]
        .iter()
        .find_map(|scheme| admin_url.strip_prefix(scheme))
        .ok_or_else(|| refuse("not a postgres:// URL"))?;
    let (location, options) = match rest.split_once('?') {
        Some((location, options)) => (location, Some(options)),
        None => (rest, None),
    };
    let database = location
        .split_once('/')
        .map(|(_, database)| database)
        .filter(|database| !database.is_empty())
        .ok_or_else(|| refuse("it names no database"))?;
    if database.contains('/') {
        return Err(refuse("the database name contains `/`"));
    }
    let base = &admin_url[..admin_url.len() - rest.len() + location.len() - database.len()];
    Ok(match options {
        Some(options) => format!("{base}{name}?{options}"),
        None => format!("{base}{name}"),
    })
}

/// Where the floor reads the same people from.
#[derive(Debug, Clone)]
pub enum FloorSource {
    /// The workspace's SQLite file.
    Sqlite { file: PathBuf },
    /// The database and the workspace's schema.
    Postgres { url: String, schema: String },
}

/// The seeded workspace.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub workspace_id: Uuid,
    /// A read-write API key of the workspace.
    pub api_key: String,
    /// Every person's id, oldest first.
    pub ids: Vec<String>,
    pub floor_source: FloorSource,
}

/// Creates workspace "Bench" through the store (which applies the migrations) and inserts
/// `people` people, created one second apart, one in ten per city of [`CITIES`].
pub async fn seed(location: &Location, people: u32) -> Result<Seeded, String> {
    let store = Store::open(&location.database)
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let (workspace, key) = store
        .create_workspace("Bench")
        .await
        .map_err(|e| format!("cannot create the workspace: {e}"))?;
    let db = store
        .workspace_db(workspace.id)
        .await
        .map_err(|e| format!("cannot open the workspace: {e}"))?;
    let city = city_case();
    let (ids, floor_source) = match db {
        WorkspaceDb::Sqlite(twenty_server::SqliteDb { pool, .. }) => {
            let insert = format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {people}) \
                 INSERT INTO person (\"nameFirstName\", \"nameLastName\", \"emailsPrimaryEmail\", \
                   \"jobTitle\", city, \"createdAt\", \"updatedAt\", position) \
                 SELECT 'First' || i, 'Last' || i, 'person' || i || '@example.com', 'Engineer', \
                   {city}, \
                   strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01 00:00:00', '+' || i || ' seconds'), \
                   strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01 00:00:00', '+' || i || ' seconds'), \
                   i FROM n"
            );
            sqlx::raw_sql(AssertSqlSafe(insert))
                .execute(&pool)
                .await
                .map_err(|e| format!("cannot insert the people: {e}"))?;
            sqlx::raw_sql(AssertSqlSafe(companies_sql("")))
                .execute(&pool)
                .await
                .map_err(|e| format!("cannot insert the companies: {e}"))?;
            sqlx::raw_sql("ANALYZE")
                .execute(&pool)
                .await
                .map_err(|e| format!("cannot analyze: {e}"))?;
            let ids: Vec<String> =
                sqlx::query_scalar("SELECT id FROM person ORDER BY \"createdAt\", id")
                    .fetch_all(&pool)
                    .await
                    .map_err(|e| format!("cannot read the ids: {e}"))?;
            let Database::Sqlite { data_dir } = &location.database else {
                return Err("a SQLite workspace in a Postgres store".to_owned());
            };
            let file = data_dir
                .join("workspaces")
                .join(format!("{}.sqlite", workspace.id));
            if !file.exists() {
                return Err(format!("the workspace file {} is missing", file.display()));
            }
            (ids, FloorSource::Sqlite { file })
        }
        WorkspaceDb::Postgres { pool, schema, .. } => {
            let insert = format!(
                "INSERT INTO \"{schema}\".person (\"nameFirstName\", \"nameLastName\", \
                   \"emailsPrimaryEmail\", \"jobTitle\", city, \"createdAt\", \"updatedAt\", position) \
                 SELECT 'First' || i, 'Last' || i, 'person' || i || '@example.com', 'Engineer', \
                   {city}, \
                   timestamptz '2026-01-01 00:00:00Z' + i * interval '1 second', \
                   timestamptz '2026-01-01 00:00:00Z' + i * interval '1 second', i \
                 FROM generate_series(1, {people}) i; ANALYZE \"{schema}\".person"
            );
            sqlx::raw_sql(AssertSqlSafe(insert))
                .execute(&pool)
                .await
                .map_err(|e| format!("cannot insert the people: {e}"))?;
            sqlx::raw_sql(AssertSqlSafe(companies_sql(&format!("\"{schema}\"."))))
                .execute(&pool)
                .await
                .map_err(|e| format!("cannot insert the companies: {e}"))?;
            let ids: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT id::text FROM \"{schema}\".person ORDER BY \"createdAt\", id"
            )))
            .fetch_all(&pool)
            .await
            .map_err(|e| format!("cannot read the ids: {e}"))?;
            let Database::Postgres { url, .. } = &location.database else {
                return Err("a Postgres workspace in a SQLite store".to_owned());
            };
            (
                ids,
                FloorSource::Postgres {
                    url: url.clone(),
                    schema,
                },
            )
        }
    };
    store.close().await;
    if ids.len() != people as usize {
        return Err(format!("seeded {} people instead of {people}", ids.len()));
    }
    Ok(Seeded {
        workspace_id: workspace.id,
        api_key: key.secret,
        ids,
        floor_source,
    })
}

/// Companies of the nested GraphQL scenario: 20, named `Company 0` … `Company 19`; the
/// first 200 people (by position) work for company `position % 20`, so each has 10.
pub const COMPANIES: u32 = 20;

fn companies_sql(qualifier: &str) -> String {
    let rows: Vec<String> = (0..COMPANIES)
        .map(|n| format!("('Company {n}', {n})"))
        .collect();
    format!(
        "INSERT INTO {qualifier}company (name, position) VALUES {}; \
         UPDATE {qualifier}person SET \"companyId\" = (SELECT c.id FROM {qualifier}company c \
           WHERE c.name = 'Company ' || CAST(CAST(person.position AS INTEGER) % {COMPANIES} AS TEXT)) \
         WHERE person.position <= {}",
        rows.join(", "),
        COMPANIES * 10
    )
}

/// `CASE i % 10 WHEN 0 THEN 'Paris' … END`.
fn city_case() -> String {
    let arms: Vec<String> = CITIES
        .iter()
        .enumerate()
        .map(|(n, c)| format!("WHEN {n} THEN '{c}'"))
        .collect();
    format!("CASE i % 10 {} END", arms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::sibling_database_url;

    #[test]
    fn the_new_database_replaces_the_admin_urls_database_and_keeps_the_rest() {
        for (admin, expected) in [
            (
                "postgres://postgres@127.0.0.1:5432/postgres",
                "postgres://postgres@127.0.0.1:5432/bench_1",
            ),
            (
                "postgresql://u:p%2Fw@db.example:6432/admin?sslmode=require",
                "postgresql://u:p%2Fw@db.example:6432/bench_1?sslmode=require",
            ),
            (
                "postgres:///postgres?host=/var/run/postgresql",
                "postgres:///bench_1?host=/var/run/postgresql",
            ),
        ] {
            assert_eq!(
                sibling_database_url(admin, "bench_1").as_deref(),
                Ok(expected)
            );
        }
    }

    #[test]
    fn an_admin_url_without_a_database_is_refused_naming_the_flag() {
        for admin in [
            "postgres://postgres@127.0.0.1:5432",
            "postgres://postgres@127.0.0.1:5432/",
            "postgres://127.0.0.1:5432?sslmode=disable",
            "postgres://127.0.0.1/a/b",
            "mysql://root@127.0.0.1/db",
            "127.0.0.1:5432/postgres",
        ] {
            let error = sibling_database_url(admin, "bench_1").expect_err(admin);
            assert!(error.starts_with("invalid --pg-url"), "{admin}: {error}");
            assert!(error.contains(admin), "{admin}: {error}");
        }
    }
}
