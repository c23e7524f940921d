//! Test databases for the query engine: the standard set created on a fresh SQLite file or
//! in a dedicated schema of a fresh Postgres database, plus seeding with SQL literals.

use sqlx::{AssertSqlSafe, Connection, postgres::PgPoolOptions, sqlite::SqlitePoolOptions};
use twenty_codegen::emit::sql::{Dialect, create_schema};
use twenty_codegen::model::Schema;
use twenty_server::query::Target;

/// The Postgres schema the workspace tables live in (queries must qualify it).
pub const PG_SCHEMA: &str = "workspace_1";

pub fn schema() -> Schema {
    twenty_standard_objects::schema()
}

pub enum Db {
    Postgres {
        pool: sqlx::PgPool,
        name: String,
        admin_url: String,
    },
    Sqlite {
        pool: sqlx::SqlitePool,
        _dir: tempfile::TempDir,
    },
}

fn pg_admin_url() -> String {
    std::env::var("TWENTY_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh SQLite file holding the standard set.
pub async fn sqlite() -> Db {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("workspace.sqlite"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("open the SQLite file");
    let ddl = create_schema(&schema(), Dialect::Sqlite);
    sqlx::raw_sql(AssertSqlSafe(ddl))
        .execute(&pool)
        .await
        .expect("create the standard set on SQLite");
    Db::Sqlite { pool, _dir: dir }
}

/// A fresh Postgres database with the standard set in [`PG_SCHEMA`], or `None` (after
/// printing why) when Postgres is unreachable outside CI; in CI that fails the test.
pub async fn postgres(test: &str) -> Option<Db> {
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
        "q_{}_{}_{n}_{nanos}",
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
    let ddl = format!(
        "CREATE SCHEMA \"{PG_SCHEMA}\"; SET LOCAL search_path TO \"{PG_SCHEMA}\";\n{}",
        create_schema(&schema(), Dialect::Postgres)
    );
    let mut tx = pool.begin().await.expect("begin");
    sqlx::raw_sql(AssertSqlSafe(ddl))
        .execute(&mut *tx)
        .await
        .expect("create the standard set on Postgres");
    tx.commit().await.expect("commit the schema");
    Some(Db::Postgres {
        pool,
        name,
        admin_url,
    })
}

impl Drop for Db {
    fn drop(&mut self) {
        let Db::Postgres {
            name, admin_url, ..
        } = self
        else {
            return;
        };
        let (name, url) = (name.clone(), admin_url.clone());
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

/// A literal value for seeding.
#[derive(Debug, Clone)]
pub enum Lit {
    Null,
    Text(String),
    Num(f64),
    Bool(bool),
    Uuid(String),
    Time(String),
    List(Vec<String>),
}

pub fn t(s: &str) -> Lit {
    Lit::Text(s.to_owned())
}

impl Db {
    pub fn target(&self) -> Target<'_> {
        match self {
            Db::Postgres { pool, .. } => Target::Postgres {
                pool,
                schema: PG_SCHEMA,
            },
            Db::Sqlite { pool, .. } => Target::Sqlite { pool },
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.target().dialect()
    }

    fn lit(&self, value: &Lit) -> String {
        let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let pg = self.dialect() == Dialect::Postgres;
        match value {
            Lit::Null => "NULL".to_owned(),
            Lit::Text(s) => q(s),
            Lit::Num(n) => n.to_string(),
            Lit::Bool(b) if pg => b.to_string(),
            Lit::Bool(b) => u8::from(*b).to_string(),
            Lit::Uuid(s) if pg => format!("{}::uuid", q(s)),
            Lit::Time(s) if pg => format!("{}::timestamptz", q(s)),
            Lit::Uuid(s) | Lit::Time(s) => q(s),
            Lit::List(items) if pg => {
                let items: Vec<String> = items.iter().map(|i| q(i)).collect();
                format!("ARRAY[{}]::text[]", items.join(", "))
            }
            Lit::List(items) => q(&serde_json::to_string(items).unwrap_or_default()),
        }
    }

    /// Inserts one row.
    pub async fn insert(&self, table: &str, values: &[(&str, Lit)]) {
        let columns: Vec<String> = values.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let literals: Vec<String> = values.iter().map(|(_, v)| self.lit(v)).collect();
        let table = match self.dialect() {
            Dialect::Postgres => format!("\"{PG_SCHEMA}\".\"{table}\""),
            Dialect::Sqlite => format!("\"{table}\""),
        };
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            literals.join(", ")
        );
        self.exec(&sql).await;
    }

    pub async fn exec(&self, sql: &str) {
        let text = AssertSqlSafe(sql.to_owned());
        match self {
            Db::Postgres { pool, .. } => sqlx::raw_sql(text).execute(pool).await.map(|_| ()),
            Db::Sqlite { pool, .. } => sqlx::raw_sql(text).execute(pool).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// Runs a test body on SQLite and, when reachable, on Postgres.
#[macro_export]
macro_rules! query_on_both {
    ($body:path, $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            $body($crate::query::support::sqlite().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            if let Some(db) = $crate::query::support::postgres(stringify!($postgres)).await {
                $body(db).await;
            }
        }
    };
}
