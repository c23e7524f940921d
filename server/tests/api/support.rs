//! Test servers per backend (temporary SQLite dir or a fresh Postgres database dropped
//! afterwards) and the `both!` macro running one test body against each backend.
#![allow(dead_code)]

use sqlx::{AssertSqlSafe, Connection};
use std::net::SocketAddr;
use twenty_server::config::{Config, Database};
use twenty_server::{Server, Store};

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `async fn $name(backend: Backend)` once per backend as `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Backend::Postgres).await
            }
        }
    };
}

/// A uniquely named Postgres database, dropped (forcefully) when this is dropped.
pub struct PgDb {
    pub url: String,
    name: String,
    admin_url: String,
}

fn pg_admin_url() -> String {
    std::env::var("TWENTY_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh Postgres database, or `None` (after printing why) when Postgres is unreachable
/// outside CI. In CI an unreachable Postgres fails the test.
pub async fn fresh_postgres(test: &str) -> Option<PgDb> {
    let admin_url = pg_admin_url();
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
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
        "srv_{}_{}_{n}_{nanos}",
        short.to_lowercase(),
        std::process::id()
    );
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .expect("create the test database");
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("TWENTY_TEST_PG_URL must end with /<database>"),
    };
    Some(PgDb {
        url,
        name,
        admin_url,
    })
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

/// A place to keep data: a temporary directory or a fresh Postgres database.
pub struct TestDb {
    pub database: Database,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<PgDb>,
}

impl TestDb {
    /// A fresh, empty store location, or `None` when the backend is skipped.
    pub async fn new(backend: Backend, test: &str) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                Some(TestDb {
                    database: Database::Sqlite {
                        data_dir: dir.path().join("data"),
                    },
                    _dir: Some(dir),
                    _pg: None,
                })
            }
            Backend::Postgres => {
                let pg = fresh_postgres(test).await?;
                Some(TestDb {
                    database: Database::Postgres {
                        url: pg.url.clone(),
                        pool_size: twenty_server::config::pg_pool_size(),
                    },
                    _dir: None,
                    _pg: Some(pg),
                })
            }
        }
    }

    /// A config on 127.0.0.1:0 over this store.
    pub fn config(&self) -> Config {
        Config {
            database: self.database.clone(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            no_migrate: false,
            graphql: twenty_server::graphql::Limits::default(),
            conn: twenty_server::config::ConnLimits::default(),
            // Tests send bursts from one key; the rate limit's own tests turn it on.
            rate: twenty_server::config::RateLimits::OFF,
            min_free_disk: twenty_server::config::DEFAULT_MIN_FREE_DISK,
            webhooks: test_webhook_settings(),
            worker: true,
            cors: twenty_server::config::CorsOrigins::Off,
        }
    }

    /// Starts the real server over this store.
    pub async fn start(&self) -> Server {
        Server::start(&self.config())
            .await
            .expect("the server starts")
    }

    /// Opens the store directly (as the CLI does).
    pub async fn store(&self) -> Store {
        Store::open(&self.database).await.expect("the store opens")
    }
}

/// Webhook settings for tests: loopback receivers allowed, a short retry schedule
/// (1s, 1s, 2s), a 2 s timeout, a quick poll.
pub fn test_webhook_settings() -> twenty_server::config::WebhookSettings {
    use std::time::Duration;
    twenty_server::config::WebhookSettings {
        allowed_hosts: vec![twenty_server::config::AllowedHost::Range(
            "127.0.0.0".parse().unwrap(),
            8,
        )],
        timeout: Duration::from_secs(2),
        retry_schedule: vec![
            Duration::from_secs(1),
            Duration::from_secs(1),
            Duration::from_secs(2),
        ],
        poll_interval: Duration::from_millis(100),
        ..Default::default()
    }
}

/// Starts the real server with `config` (an empty store), with the key its first start
/// printed.
pub async fn start_keyed(config: &Config) -> (Server, String) {
    let server = Server::start(config).await.expect("the server starts");
    let key = server
        .first_workspace
        .as_ref()
        .map(|(_, key)| key.secret.clone())
        .expect("a first workspace");
    (server, key)
}

/// `http://addr{path}`.
pub fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}
