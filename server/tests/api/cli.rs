//! The `twenty-server` binary: workspace and API key commands with a temporary
//! TWENTY_DATA_DIR, `migrate`, and a bad setting stopping start-up with one message.
use sqlx::Connection as _;
use std::path::Path;
use std::process::{Command, Output};

/// Arguments, extra environment, and the start of the expected stderr.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

fn run(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .args(args)
        .env("TWENTY_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env_remove("TWENTY_LISTEN")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn ok(data_dir: &Path, args: &[&str]) -> String {
    let output = run(data_dir, args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json(data_dir: &Path, args: &[&str]) -> serde_json::Value {
    let stdout = ok(data_dir, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

#[test]
fn workspace_create_prints_the_id_and_a_working_first_key() {
    let dir = tempfile::tempdir().unwrap();
    let created = json(
        dir.path(),
        &["workspace", "create", "--name", "Acme", "--json"],
    );
    let id = created["workspace"]["id"].as_str().unwrap();
    assert_eq!(created["workspace"]["name"], "Acme");
    let secret = created["apiKey"]["secret"].as_str().unwrap();
    assert!(twenty_server::secret::is_well_formed(secret), "{secret}");
    assert_eq!(created["apiKey"]["workspaceId"], id);
    // A workspace's first key may change the model too.
    assert_eq!(created["apiKey"]["scope"], "admin");

    let listed = json(dir.path(), &["workspace", "list", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id);
    let text = ok(dir.path(), &["workspace", "list"]);
    assert!(text.contains(id) && text.contains("Acme"), "{text}");

    let migrated = ok(dir.path(), &["migrate"]);
    assert!(
        migrated.contains(&format!("[1/1] workspace {id} (Acme): up to date")),
        "{migrated}"
    );
    assert!(
        migrated.contains("1 of 1 workspaces up to date"),
        "{migrated}"
    );
}

#[test]
fn api_keys_are_created_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let created = json(
        dir.path(),
        &["workspace", "create", "--name", "Acme", "--json"],
    );
    let workspace = created["workspace"]["id"].as_str().unwrap();
    let key = json(
        dir.path(),
        &[
            "api-key",
            "create",
            "--workspace",
            workspace,
            "--name",
            "ci",
            "--read-only",
            "--expires-in",
            "30d",
            "--json",
        ],
    );
    assert_eq!(key["scope"], "read_only");
    assert_eq!(key["name"], "ci");
    for (scope, stored) in [
        ("read-only", "read_only"),
        ("read-write", "read_write"),
        ("admin", "admin"),
    ] {
        let key = json(
            dir.path(),
            &[
                "api-key",
                "create",
                "--workspace",
                workspace,
                "--name",
                scope,
                "--scope",
                scope,
                "--json",
            ],
        );
        assert_eq!(key["scope"], stored);
    }
    let output = run(
        dir.path(),
        &[
            "api-key",
            "create",
            "--workspace",
            workspace,
            "--name",
            "x",
            "--scope",
            "owner",
        ],
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("read-only, read-write, admin"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Instants are RFC 3339, as the API writes them.
    let expires = key["expiresAt"].as_str().unwrap();
    assert!(expires.ends_with('Z') && expires.len() == 24, "{expires}");
    let expires = humantime::parse_rfc3339(expires).unwrap();
    let expires = i64::try_from(
        expires
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let in_30_days = twenty_server::store::now_ms() + 30 * 86_400_000;
    assert!(
        (expires - in_30_days).abs() < 60_000,
        "{expires} vs {in_30_days}"
    );
    let key_id = key["id"].as_str().unwrap();

    let listed = json(
        dir.path(),
        &["api-key", "list", "--workspace", workspace, "--json"],
    );
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(
        rows.iter()
            .all(|r| r["status"] == "active" && r.get("secret").is_none()),
        "{listed}"
    );

    let revoked = ok(dir.path(), &["api-key", "revoke", key_id]);
    assert!(revoked.contains(key_id), "{revoked}");
    let listed = json(dir.path(), &["api-key", "list", "--json"]);
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == key_id)
        .unwrap()
        .clone();
    assert_eq!(row["status"], "revoked");
    assert!(
        humantime::parse_rfc3339(row["revokedAt"].as_str().unwrap()).is_ok(),
        "{row}"
    );
    assert!(row["lastUsedAt"].is_null(), "{row}");

    let again = run(dir.path(), &["api-key", "revoke", key_id]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no active API key"));
}

#[test]
fn bad_arguments_and_settings_stop_with_one_message_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [Case; 6] = [
        (
            &["serve"],
            &[("TWENTY_LISTEN", "not-an-address")],
            "error: invalid TWENTY_LISTEN",
        ),
        (
            &["serve"],
            &[("TWENTY_PG_POOL_SIZE", "0")],
            "error: invalid TWENTY_PG_POOL_SIZE \"0\"",
        ),
        (
            &["workspace", "list"],
            &[("DATABASE_URL", "mysql://localhost/x")],
            "error: invalid DATABASE_URL",
        ),
        (
            &["workspace", "list"],
            &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/crm")],
            "error: cannot connect to Postgres at 127.0.0.1:1, database \"crm\" (DATABASE_URL): connection refused",
        ),
        (
            &["api-key", "create", "--workspace", "nope", "--name", "x"],
            &[],
            "error: invalid workspace id \"nope\"",
        ),
        (
            &[
                "api-key",
                "create",
                "--workspace",
                "00000000-0000-4000-8000-000000000000",
                "--name",
                "x",
                "--expires-in",
                "soon",
            ],
            &[],
            "error: no workspace with id",
        ),
    ];
    for (args, env, expected) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
            .args(args)
            .env("TWENTY_DATA_DIR", dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("PG_DATABASE_URL")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn a_missing_postgres_database_is_named_with_how_to_create_it() {
    // Reach the test server first: the message below needs one that answers.
    let Some(pg) = crate::support::fresh_postgres("missingdb").await else {
        return;
    };
    let url = pg.url.rsplit_once('/').unwrap().0.to_owned() + "/twenty_no_such_database";
    let output = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .args(["workspace", "list"])
        .env("DATABASE_URL", &url)
        .env_remove("PG_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(", database \"twenty_no_such_database\" (DATABASE_URL): the database does not exist; create it (createdb twenty_no_such_database)"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn an_unparsable_expiry_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let created = json(
        dir.path(),
        &["workspace", "create", "--name", "Acme", "--json"],
    );
    let workspace = created["workspace"]["id"].as_str().unwrap();
    let output = run(
        dir.path(),
        &[
            "api-key",
            "create",
            "--workspace",
            workspace,
            "--name",
            "x",
            "--expires-in",
            "soon",
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: invalid --expires-in \"soon\""),
        "{stderr}"
    );
    for born_expired in ["0s", "0ms", "500ms"] {
        let output = run(
            dir.path(),
            &[
                "api-key",
                "create",
                "--workspace",
                workspace,
                "--name",
                "x",
                "--expires-in",
                born_expired,
            ],
        );
        assert!(!output.status.success(), "{born_expired}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("at least 1s"), "{stderr}");
    }
}

#[tokio::test]
async fn migrate_reports_a_failing_workspace_and_goes_on_with_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let broken = json(
        dir.path(),
        &["workspace", "create", "--name", "Broken", "--json"],
    );
    let broken_id = broken["workspace"]["id"].as_str().unwrap().to_owned();
    let fine = json(
        dir.path(),
        &["workspace", "create", "--name", "Fine", "--json"],
    );
    let fine_id = fine["workspace"]["id"].as_str().unwrap().to_owned();
    // Pretend an applied file was edited after it ran.
    let file = dir
        .path()
        .join("workspaces")
        .join(format!("{broken_id}.sqlite"));
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&file);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query(r#"UPDATE "_twenty_migrations" SET "sha256" = 'edited'"#)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let output = run(dir.path(), &["migrate"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("workspace {broken_id} (Broken): FAILED: workspace {broken_id}: migration 0001_initial.sql was applied with a different checksum")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("workspace {fine_id} (Fine): up to date")),
        "{stdout}"
    );
    assert!(stdout.contains("1 of 2 workspaces up to date"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: 1 of 2 workspaces failed to migrate"),
        "{stderr}"
    );
}

#[test]
fn completions_are_printed_for_each_shell_and_listen_is_only_a_serving_flag() {
    let dir = tempfile::tempdir().unwrap();
    let bash = ok(dir.path(), &["completions", "bash"]);
    assert!(bash.contains("complete -F _twenty__server"), "{bash}");
    for word in ["api-key", "workspace", "migrate", "--data-dir", "--listen"] {
        assert!(bash.contains(word), "bash completions lack {word}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = ok(dir.path(), &["completions", shell]);
        assert!(script.contains("api-key"), "{shell}: {script}");
    }
    let refused = run(dir.path(), &["completions", "tcsh"]);
    assert_eq!(refused.status.code(), Some(2));
    // --listen belongs to serving: other commands refuse it rather than ignore it.
    let refused = run(dir.path(), &["migrate", "--listen", "127.0.0.1:1"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--listen"), "{stderr}");
    let help = ok(dir.path(), &["migrate", "--help"]);
    assert!(
        !help.contains("--listen") && help.contains("--data-dir"),
        "{help}"
    );
}

#[test]
fn help_lists_every_setting_with_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let help = ok(dir.path(), &["--help"]);
    for (name, default) in twenty_server::config::environment() {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("--help does not list {name}:\n{help}"));
        assert!(line.contains(&default), "{line}");
    }
    assert!(
        help.contains("TWENTY_RATE_LIMIT_SHORT") && help.contains("100/1s"),
        "{help}"
    );
}

/// A free port on 127.0.0.1 (bound, then released for the server to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `GET path` with `headers`, answered by the server on `port` within 10 s of its start.
fn get_when_up(port: u16, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let request =
                format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{headers}\r\n");
            stream.write_all(request.as_bytes()).expect("writes");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            return answer;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn json_logs_carry_each_request_with_its_w3c_trace_id() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("TWENTY_DATA_DIR", dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env("TWENTY_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the server starts");
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let answer = get_when_up(
        port,
        "/healthz",
        &format!("traceparent: 00-{trace}-00f067aa0ba902b7-01\r\n"),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = server.kill();
    let mut logs = String::new();
    server
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut logs)
        .expect("the logs");
    let _ = server.wait();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: not JSON: {l}")))
        .collect();
    let finished = lines
        .iter()
        .find(|l| l["fields"]["message"] == "finished processing request")
        .unwrap_or_else(|| panic!("no request logged:\n{logs}"));
    assert_eq!(finished["span"]["trace_id"], trace, "{finished}");
    assert_eq!(finished["span"]["path"], "/healthz", "{finished}");
    assert!(!logs.contains('\u{1b}'), "no colours when not a terminal");

    let output = run(dir.path(), &["workspace", "list"]);
    assert!(output.status.success());
    let bad = Command::new(env!("CARGO_BIN_EXE_twenty-server"))
        .args(["workspace", "list"])
        .env("TWENTY_DATA_DIR", dir.path())
        .env("TWENTY_LOG_FORMAT", "yaml")
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("TWENTY_LOG_FORMAT"));
}

#[tokio::test]
async fn migrate_dry_run_lists_what_is_pending_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let created = json(
        dir.path(),
        &["workspace", "create", "--name", "Old", "--json"],
    );
    let id = created["workspace"]["id"].as_str().unwrap().to_owned();
    let up_to_date = ok(dir.path(), &["migrate", "--json"]);
    let line: serde_json::Value = serde_json::from_str(up_to_date.trim()).unwrap();
    assert_eq!(line["workspace"], id.as_str());
    assert_eq!(line["status"], "up_to_date");
    // As if the newest migration were not applied yet.
    let file = dir.path().join("workspaces").join(format!("{id}.sqlite"));
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&file);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let newest: String = sqlx::query_scalar(r#"SELECT MAX("name") FROM "_twenty_migrations""#)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    sqlx::query(r#"DELETE FROM "_twenty_migrations" WHERE "name" = ?"#)
        .bind(&newest)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    for _ in 0..2 {
        let plan = ok(dir.path(), &["migrate", "--dry-run"]);
        assert!(
            plan.contains(&format!("workspace {id} (Old): would apply {newest}")),
            "{plan}"
        );
        assert!(plan.contains("dry run: nothing was applied"), "{plan}");
    }
    let plan = ok(dir.path(), &["migrate", "--dry-run", "--json"]);
    let line: serde_json::Value = serde_json::from_str(plan.trim()).unwrap();
    assert_eq!(line["status"], "pending");
    assert_eq!(line["migrations"], serde_json::json!([newest]));
}
