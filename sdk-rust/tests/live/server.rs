//! Starts the real `twenty-server` for a test: a fresh SQLite data dir (and, for the
//! Postgres leg, a fresh database created and dropped with psql), a workspace and API keys
//! made with the CLI, and the server on a free 127.0.0.1 port.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn admin_url() -> String {
    std::env::var("TWENTY_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The built server: `TWENTY_SERVER_BIN`, else next to this test in the target dir.
pub fn server_bin() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("TWENTY_SERVER_BIN") {
        return Ok(PathBuf::from(bin));
    }
    target_file(&format!("twenty-server{}", std::env::consts::EXE_SUFFIX))
}

/// A file of the target dir this test was built in (`…/debug/<name>`).
pub fn target_file(name: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // …/target/debug/deps/live-<hash>
    let debug = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or("the test executable has no target dir")?;
    let path = debug.join(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{} is not built (cargo xtask test builds it; or set TWENTY_SERVER_BIN)",
            path.display()
        ))
    }
}

fn psql(args: &[&str]) -> Result<String, String> {
    let out = Command::new("psql")
        .arg(admin_url())
        .args(["-v", "ON_ERROR_STOP=1", "-qAt"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// Why the live test cannot run here, or `None` when it can.
pub fn unavailable(backend: Backend) -> Option<String> {
    if let Err(e) = server_bin() {
        return Some(e);
    }
    if backend == Backend::Postgres
        && let Err(e) = psql(&["-c", "SELECT 1"])
    {
        return Some(format!(
            "Postgres is not reachable with psql at {}: {e}",
            admin_url()
        ));
    }
    None
}

pub struct CreatedKey {
    pub id: String,
    pub secret: String,
}

pub struct LiveServer {
    pub url: String,
    pub api_key: String,
    pub read_only_key: String,
    bin: PathBuf,
    args: Vec<String>,
    workspace: String,
    child: Child,
    _data_dir: tempfile::TempDir,
    database: Option<String>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn cli(bin: &PathBuf, args: &[String], command: &[&str]) -> Value {
    let out = Command::new(bin)
        .args(args)
        .args(command)
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run twenty-server");
    assert!(
        out.status.success(),
        "twenty-server {command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn key(value: &Value) -> CreatedKey {
    CreatedKey {
        id: value["id"].as_str().expect("key id").to_owned(),
        secret: value["secret"].as_str().expect("key secret").to_owned(),
    }
}

impl LiveServer {
    /// A fresh store, a workspace with a read-write and a read-only key, and the server serving it.
    pub async fn start(backend: Backend) -> LiveServer {
        let bin = server_bin().expect("the server binary");
        let data_dir = tempfile::tempdir().expect("a temp dir");
        let port = free_port();
        let mut args = vec![
            "--data-dir".to_owned(),
            data_dir.path().display().to_string(),
            "--listen".to_owned(),
            format!("127.0.0.1:{port}"),
        ];
        let mut database = None;
        if backend == Backend::Postgres {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            let name = format!("twenty_sdkrs_{}_{nanos}", std::process::id());
            psql(&["-c", &format!("CREATE DATABASE {name}")]).expect("create the database");
            let mut url = reqwest::Url::parse(&admin_url()).expect("the admin URL");
            url.set_path(&format!("/{name}"));
            args.push("--database-url".to_owned());
            args.push(url.to_string());
            database = Some(name);
        }
        let created = cli(
            &bin,
            &args,
            &[
                "workspace",
                "create",
                "--name",
                "Rust SDK live test",
                "--json",
            ],
        );
        let workspace = created["workspace"]["id"]
            .as_str()
            .expect("workspace id")
            .to_owned();
        let api_key = key(&created["apiKey"]).secret;
        let read_only = key(&cli(
            &bin,
            &args,
            &[
                "api-key",
                "create",
                "--workspace",
                &workspace,
                "--name",
                "read-only",
                "--read-only",
                "--json",
            ],
        ));
        let child = Command::new(&bin)
            .args(&args)
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env_remove("PG_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start twenty-server");
        let mut server = LiveServer {
            url: format!("http://127.0.0.1:{port}"),
            api_key,
            read_only_key: read_only.secret,
            bin,
            args,
            workspace,
            child,
            _data_dir: data_dir,
            database,
        };
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("twenty-server exited with {status}");
            }
            if let Ok(response) = http.get(format!("{}/healthz", server.url)).send().await
                && response.status().is_success()
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "twenty-server did not answer /healthz within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// Creates another read-write key with the CLI.
    pub fn create_key(&self, name: &str) -> CreatedKey {
        key(&cli(
            &self.bin,
            &self.args,
            &[
                "api-key",
                "create",
                "--workspace",
                &self.workspace,
                "--name",
                name,
                "--json",
            ],
        ))
    }

    /// Revokes a key with the CLI (while the server runs).
    pub fn revoke_key(&self, id: &str) {
        cli(&self.bin, &self.args, &["api-key", "revoke", id]);
    }
}

impl Drop for LiveServer {
    /// Stops the server; the data dir goes with its `TempDir`, the database is dropped.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(name) = &self.database {
            let _ = psql(&[
                "-c",
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ]);
        }
    }
}
