//! Test support for SQL tests: throwaway Postgres databases and SQLite files, applying
//! plans the way the server does, and introspecting a database's shape to compare two.
#![allow(dead_code)]

pub mod models;
pub mod scenarios;

use sqlx::{AssertSqlSafe, Connection, Row, SqliteConnection, postgres::PgPoolOptions};
use std::collections::{BTreeMap, BTreeSet};
use twenty_codegen::emit::sql::Dialect;
use twenty_codegen::migrate::Plan;

/// A database under test: a fresh Postgres database or a fresh SQLite file.
pub enum Db {
    Postgres(PgDb),
    Sqlite(SqliteDb),
}

/// A uniquely named Postgres database, dropped (forcefully) when this is dropped.
pub struct PgDb {
    pub pool: sqlx::PgPool,
    name: String,
    admin_url: String,
}

/// A SQLite database file in its own temporary directory.
pub struct SqliteDb {
    pub conn: SqliteConnection,
    _dir: tempfile::TempDir,
}

/// The shape of a database: per table, its columns, constraints, indexes and triggers,
/// each rendered as one comparable line. Columns are a set: ADD COLUMN appends.
pub type Shape = BTreeMap<String, BTreeSet<String>>;

fn pg_admin_url() -> String {
    std::env::var("TWENTY_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh Postgres database, or `None` (after printing why) when Postgres is unreachable
/// outside CI. In CI an unreachable Postgres fails the test.
pub async fn fresh_postgres(test: &str) -> Option<Db> {
    let admin_url = pg_admin_url();
    let admin = match PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url)
        .await
    {
        Ok(pool) => pool,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("Postgres at {admin_url} is unreachable: {e}");
            }
            eprintln!("skipped: Postgres at {admin_url} is unreachable ({e})");
            return None;
        }
    };
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let short: String = test
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(30)
        .collect();
    let name = format!(
        "t_{}_{}_{n}_{nanos}",
        short.to_lowercase(),
        std::process::id()
    );
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&admin)
        .await
        .expect("create the test database");
    admin.close().await;
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("TWENTY_TEST_PG_URL must end with /<database>"),
    };
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .expect("connect to the test database");
    Some(Db::Postgres(PgDb {
        pool,
        name,
        admin_url,
    }))
}

impl Drop for PgDb {
    fn drop(&mut self) {
        // Drop runs outside async code (also on panic): use a private runtime on a thread.
        let name = self.name.clone();
        let url = self.admin_url.clone();
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&url).await {
                    let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}

/// A fresh SQLite file with foreign keys on (sqlx's default, and the server's).
pub async fn fresh_sqlite() -> Db {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("workspace.sqlite"))
        .create_if_missing(true)
        .foreign_keys(true);
    let conn = SqliteConnection::connect_with(&options)
        .await
        .expect("open the SQLite file");
    Db::Sqlite(SqliteDb { conn, _dir: dir })
}

impl Db {
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Postgres(_) => Dialect::Postgres,
            Db::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// Runs SQL text (several statements) in one transaction, as the server applies a
    /// migration file.
    pub async fn exec(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Db::Postgres(db) => {
                let mut tx = db.pool.begin().await?;
                sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
            Db::Sqlite(db) => {
                let mut tx = db.conn.begin().await?;
                sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }
        }
    }

    /// Applies a plan: on SQLite, plans that rebuild tables run with foreign keys off
    /// (set before BEGIN) and are checked with `foreign_key_check` before commit.
    pub async fn apply(&mut self, plan: &Plan) -> Result<(), sqlx::Error> {
        let sql = plan.render(self.dialect());
        match self {
            Db::Sqlite(db) if plan.sqlite_needs_foreign_keys_off() => {
                sqlx::raw_sql("PRAGMA foreign_keys = OFF")
                    .execute(&mut db.conn)
                    .await?;
                let result = async {
                    let mut tx = db.conn.begin().await?;
                    sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *tx).await?;
                    let violations = sqlx::query("PRAGMA foreign_key_check")
                        .fetch_all(&mut *tx)
                        .await?;
                    if !violations.is_empty() {
                        return Err(sqlx::Error::Protocol(format!(
                            "{} foreign key violations after the migration",
                            violations.len()
                        )));
                    }
                    tx.commit().await
                }
                .await;
                sqlx::raw_sql("PRAGMA foreign_keys = ON")
                    .execute(&mut db.conn)
                    .await?;
                result
            }
            _ => self.exec(&sql).await,
        }
    }

    /// The first column of every row, as text (NULL as `None`).
    pub async fn texts(&mut self, sql: &str) -> Vec<Option<String>> {
        let sql = AssertSqlSafe(sql.to_owned());
        match self {
            Db::Postgres(db) => sqlx::query_scalar(sql).fetch_all(&db.pool).await,
            Db::Sqlite(db) => sqlx::query_scalar(sql).fetch_all(&mut db.conn).await,
        }
        .unwrap_or_else(|e| panic!("query failed: {e}"))
    }

    /// The single text value a query returns.
    pub async fn text(&mut self, sql: &str) -> Option<String> {
        let rows = self.texts(sql).await;
        assert_eq!(rows.len(), 1, "expected one row from {sql}");
        rows.into_iter().next().flatten()
    }

    /// An SQL expression listing a text-array column's elements as `A,B`.
    pub fn array_text(&self, column: &str) -> String {
        match self {
            Db::Postgres(_) => format!("nullif(array_to_string(\"{column}\", ','), '')"),
            Db::Sqlite(_) => {
                format!("(SELECT group_concat(\"value\", ',') FROM json_each(\"{column}\"))")
            }
        }
    }

    /// An SQL literal for a text array.
    pub fn array_literal(&self, items: &[&str]) -> String {
        match self {
            Db::Postgres(_) => {
                let items: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
                format!("ARRAY[{}]::text[]", items.join(", "))
            }
            Db::Sqlite(_) => format!("'{}'", serde_json::to_string(items).unwrap_or_default()),
        }
    }

    /// Ids of the live records of `table` whose search document matches `word`.
    pub async fn search(&mut self, table: &str, word: &str) -> Vec<Option<String>> {
        let sql = match self {
            Db::Postgres(_) => format!(
                "SELECT \"id\"::text FROM \"{table}\" WHERE \"searchVector\" @@ to_tsquery('simple', '{word}') ORDER BY 1"
            ),
            Db::Sqlite(_) => format!(
                "SELECT \"id\" FROM \"{table}\" WHERE rowid IN (SELECT rowid FROM \"{table}_fts\" WHERE \"{table}_fts\" MATCH '{word}') ORDER BY 1"
            ),
        };
        self.texts(&sql).await
    }

    /// The database's shape, for comparing a migrated database with a fresh one.
    pub async fn shape(&mut self) -> Shape {
        match self {
            Db::Postgres(db) => postgres_shape(&db.pool).await,
            Db::Sqlite(db) => sqlite_shape(&mut db.conn).await,
        }
    }
}

async fn postgres_shape(pool: &sqlx::PgPool) -> Shape {
    let mut shape = Shape::new();
    let columns = sqlx::query(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attgenerated::text
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .fetch_all(pool)
    .await
    .expect("read columns");
    for row in columns {
        let table: String = row.get(0);
        let line = format!(
            "column {} {} notnull={} default={} generated={}",
            row.get::<String, _>(1),
            row.get::<String, _>(2),
            row.get::<bool, _>(3),
            row.get::<String, _>(4),
            row.get::<String, _>(5),
        );
        shape.entry(table).or_default().insert(line);
    }
    let constraints = sqlx::query(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await
    .expect("read constraints");
    for row in constraints {
        let table: String = row.get(0);
        let line = format!(
            "constraint {} {}",
            row.get::<String, _>(1),
            row.get::<String, _>(2)
        );
        shape.entry(table).or_default().insert(line);
    }
    let indexes = sqlx::query(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    )
    .fetch_all(pool)
    .await
    .expect("read indexes");
    for row in indexes {
        let table: String = row.get(0);
        let line = format!(
            "index {} {}",
            row.get::<String, _>(1),
            row.get::<String, _>(2)
        );
        shape.entry(table).or_default().insert(line);
    }
    shape
}

async fn sqlite_shape(conn: &mut SqliteConnection) -> Shape {
    let mut shape = Shape::new();
    let objects = sqlx::query(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("read sqlite_master");
    let mut tables = Vec::new();
    for row in objects {
        let kind: String = row.get(0);
        let name: String = row.get(1);
        let table: String = row.get(2);
        let sql: String = row.get(3);
        // Table text differs after ADD COLUMN; the pragmas below compare tables instead.
        let line = match kind.as_str() {
            "table" if sql.starts_with("CREATE VIRTUAL TABLE") => format!("virtual {name} {sql}"),
            "table" => {
                tables.push(name.clone());
                format!("table {name}")
            }
            _ => format!("{kind} {name} {sql}"),
        };
        shape.entry(table).or_default().insert(line);
    }
    for table in tables {
        let entry = shape.entry(table.clone()).or_default();
        let columns = sqlx::query(
            "SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk FROM pragma_table_info(?)",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await
        .expect("read columns");
        for row in columns {
            entry.insert(format!(
                "column {} {} notnull={} default={} pk={}",
                row.get::<String, _>(0),
                row.get::<String, _>(1),
                row.get::<i64, _>(2),
                row.get::<String, _>(3),
                row.get::<i64, _>(4),
            ));
        }
        let indexes = sqlx::query(
            "SELECT l.name, l.\"unique\", l.partial, group_concat(i.name, ',')
             FROM pragma_index_list(?1) l, pragma_index_info(l.name) i GROUP BY l.name",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await
        .expect("read indexes");
        for row in indexes {
            entry.insert(format!(
                "index {} unique={} partial={} on {}",
                row.get::<String, _>(0),
                row.get::<i64, _>(1),
                row.get::<i64, _>(2),
                row.get::<String, _>(3),
            ));
        }
        let keys = sqlx::query(
            "SELECT \"table\", \"from\", coalesce(\"to\", ''), on_delete FROM pragma_foreign_key_list(?)",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await
        .expect("read foreign keys");
        for row in keys {
            entry.insert(format!(
                "foreign key {} -> {}({}) on delete {}",
                row.get::<String, _>(1),
                row.get::<String, _>(0),
                row.get::<String, _>(2),
                row.get::<String, _>(3),
            ));
        }
    }
    shape
}
