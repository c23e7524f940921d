//! Delivery across processes: a server killed with SIGKILL while deliveries are in
//! flight delivers everything after its restart; `serve --no-worker` leaves delivery to a
//! `twenty-server worker` process; two server processes on one Postgres database deliver
//! each event once.
use super::{Api, Mode, Receiver, wait_for};
use crate::both;
use crate::support::{Backend, TestDb};
use serde_json::json;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use twenty_server::Database;

/// The binary running `args` on `database` with the test's webhook settings.
fn command(database: &Database, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twenty-server"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env("TWENTY_RATE_LIMIT", "off")
        .env("TWENTY_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1/32")
        .env("TWENTY_WEBHOOK_TIMEOUT", "2s")
        .env("TWENTY_WEBHOOK_RETRY_SCHEDULE", "1s,1s,2s,2s")
        .env("TWENTY_WEBHOOK_POLL_INTERVAL", "100ms")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    match database {
        Database::Sqlite { data_dir } => command.env("TWENTY_DATA_DIR", data_dir),
        Database::Postgres { url, .. } => command.env("DATABASE_URL", url),
    };
    command
}

/// The binary serving `database` with the test's webhook settings; answers the child,
/// its address and (on a first start) the first key it printed.
async fn spawn(database: &Database) -> (Child, SocketAddr, Option<String>) {
    spawn_serving(database, &[]).await
}

/// As [`spawn`], with more arguments to `serve`.
async fn spawn_serving(database: &Database, more: &[&str]) -> (Child, SocketAddr, Option<String>) {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(more);
    let mut child = command(database, &args).spawn().expect("the server starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut key = None;
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(k) = line.strip_prefix("Its API key (shown once, keep it): ") {
                key = Some(k.trim().to_owned());
            }
            if let Some(a) = line.strip_prefix("Listening on http://") {
                return a.trim().parse::<SocketAddr>().unwrap();
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .expect("the server listens within 30 s");
    // Keep reading stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr, key)
}

async fn a_killed_server_delivers_everything_after_restart(backend: Backend) {
    let Some(db) = TestDb::new(backend, "webhooks_sigkill").await else {
        return;
    };
    let receiver = Receiver::start().await;
    let (mut child, addr, key) = spawn(&db.config().database).await;
    let key = key.expect("a first key");
    let api = Api::new(addr, &key);
    api.webhook(&receiver.url(), &["company.created"]).await;
    // Answers take long enough that the kill lands while deliveries are in flight.
    receiver.set(Mode::Slow(Duration::from_millis(1500)));
    let mut ids = HashSet::new();
    for i in 0..10 {
        ids.insert(
            api.create("companies", json!({"name": format!("c{i}")}))
                .await,
        );
    }
    assert!(wait_for(Duration::from_secs(30), || !receiver.all().is_empty()).await);
    child.start_kill().expect("SIGKILL");
    // Killed mid-answer: what was in flight was not answered.
    let answered_before = receiver.answered.lock().unwrap().len();
    assert!(
        answered_before < ids.len(),
        "the kill landed while deliveries were in flight"
    );
    child.wait().await.unwrap();
    receiver.set(Mode::Ok);
    let (_child, _, _) = spawn(&db.config().database).await;
    let delivered = |got: &[super::Received]| -> HashSet<String> {
        got.iter()
            .map(|r| r.json["record"]["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(
        wait_for(Duration::from_secs(40), || {
            delivered(&receiver.answered.lock().unwrap()) == ids
        })
        .await,
        "delivered {} of {}",
        delivered(&receiver.answered.lock().unwrap()).len(),
        ids.len()
    );
    // Each event kept its eventId across the processes.
    let mut by_record: std::collections::HashMap<String, HashSet<String>> = Default::default();
    for r in receiver.all() {
        by_record
            .entry(r.json["record"]["id"].as_str().unwrap().to_owned())
            .or_default()
            .insert(r.event_id().to_owned());
    }
    assert!(
        by_record.values().all(|ids| ids.len() == 1),
        "{by_record:?}"
    );
}
both!(a_killed_server_delivers_everything_after_restart);

/// `serve --no-worker` records events but delivers nothing; `twenty-server worker`, a
/// process of its own on the same store, delivers them.
async fn a_separate_worker_process_delivers(backend: Backend) {
    let Some(db) = TestDb::new(backend, "webhooks_worker").await else {
        return;
    };
    let receiver = Receiver::start().await;
    let (_server, addr, key) = spawn_serving(&db.config().database, &["--no-worker"]).await;
    let api = Api::new(addr, &key.expect("a first key"));
    let hook = api.webhook(&receiver.url(), &["company.created"]).await;
    let hook = hook["id"].as_str().unwrap().to_owned();
    let mut ids = HashSet::new();
    for i in 0..3 {
        ids.insert(
            api.create("companies", json!({"name": format!("w{i}")}))
                .await,
        );
    }
    // Three poll intervals of a worker, had there been one.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(receiver.all().is_empty(), "serve --no-worker delivered");
    assert!(
        api.deliveries(&hook, "").await.is_empty(),
        "nothing dispatched"
    );
    let mut worker = command(&db.config().database, &["worker"])
        .spawn()
        .expect("the worker starts");
    let delivered = || -> HashSet<String> {
        receiver
            .answered
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.json["record"]["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(
        wait_for(Duration::from_secs(30), || delivered() == ids).await,
        "the worker delivered {} of {}",
        delivered().len(),
        ids.len()
    );
    assert_eq!(receiver.all().len(), 3, "each once");
    worker.start_kill().unwrap();
    worker.wait().await.unwrap();
}
both!(a_separate_worker_process_delivers);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_deliver_each_event_once() {
    let Some(db) = TestDb::new(Backend::Postgres, "webhooks_two").await else {
        return;
    };
    let receiver = Receiver::start().await;
    let a = db.start().await;
    let b = db.start().await;
    let (_, key) = a.first_workspace.clone().expect("a first workspace");
    let (api_a, api_b) = (Api::new(a.addr, &key.secret), Api::new(b.addr, &key.secret));
    api_a.webhook(&receiver.url(), &["*.created"]).await;
    let mut writes = Vec::new();
    for i in 0..40 {
        let api = if i % 2 == 0 {
            api_a.clone()
        } else {
            api_b.clone()
        };
        writes.push(tokio::spawn(async move {
            api.create("companies", json!({"name": format!("co{i}")}))
                .await
        }));
    }
    for w in writes {
        w.await.unwrap();
    }
    assert!(
        wait_for(Duration::from_secs(30), || {
            receiver
                .all()
                .iter()
                .map(|r| r.event_id().to_owned())
                .collect::<HashSet<_>>()
                .len()
                == 40
        })
        .await
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.all().len(), 40, "no event delivered twice");
}
