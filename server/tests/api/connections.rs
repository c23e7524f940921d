//! Connections and callers that would hold the server: slow headers, stalled bodies, idle
//! kept-alive sockets and too many of them are closed within their timeouts while others
//! are served; keys and failing clients are rate limited; a busy database is a 503.
use crate::both;
use crate::support::{Backend, TestDb, url};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};
use twenty_server::Server;
use twenty_server::config::{Config, ConnLimits, RateLimits, Window};

/// A server over `db` with these connection limits and rate limits.
async fn start(db: &TestDb, conn: ConnLimits, rate: RateLimits) -> (Server, String) {
    crate::support::start_keyed(&Config {
        conn,
        rate,
        ..db.config()
    })
    .await
}

fn short_timeouts(max_connections: usize) -> ConnLimits {
    ConnLimits {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(2),
        max_connections,
    }
}

/// Opens a socket, writes `sent`, and reads until the server closes it (or 10 s pass):
/// what it answered and how long it kept the socket.
fn held(addr: SocketAddr, sent: &[u8]) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    stream.write_all(sent).expect("writes");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

async fn get(addr: SocketAddr, key: &str) -> u16 {
    reqwest::Client::new()
        .get(url(addr, "/rest/companies?limit=1"))
        .bearer_auth(key)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed_while_others_are_served() {
    let Some(db) = TestDb::new(Backend::Sqlite, "slowconn").await else {
        return;
    };
    let (server, key) = start(&db, short_timeouts(100), RateLimits::OFF).await;
    let addr = server.addr;
    let slow = tokio::task::spawn_blocking(move || {
        [
            // Headers that never end.
            held(addr, b"GET /rest/companies HTTP/1.1\r\nhost: x\r\nx-slow: "),
            // A body that stops half-way.
            held(
                addr,
                b"POST /rest/companies HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"name\":",
            ),
            // A socket that never sends anything.
            held(addr, b""),
            // A kept-alive connection, idle after its request.
            held(addr, b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n"),
        ]
    });
    // Meanwhile a normal request is served at once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    assert_eq!(get(addr, &key).await, 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    let [headers, body, silent, idle] = slow.await.expect("the sockets");
    assert!(headers.0.starts_with("HTTP/1.1 408 "), "{headers:?}");
    assert!(
        headers.0.contains("\"code\":\"REQUEST_TIMEOUT\""),
        "{headers:?}"
    );
    assert!(headers.1 < Duration::from_secs(4), "{headers:?}");
    assert!(body.0.starts_with("HTTP/1.1 408 "), "{body:?}");
    assert!(body.0.contains("\"code\":\"REQUEST_TIMEOUT\""), "{body:?}");
    assert!(body.1 < Duration::from_secs(4), "{body:?}");
    assert_eq!(silent.0, "", "an idle socket is closed without an answer");
    assert!(silent.1 < Duration::from_secs(5), "{silent:?}");
    assert!(idle.0.starts_with("HTTP/1.1 200 "), "{idle:?}");
    assert!(idle.1 < Duration::from_secs(5), "{idle:?}");
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_for_a_free_one() {
    let Some(db) = TestDb::new(Backend::Sqlite, "conncap").await else {
        return;
    };
    let (server, key) = start(&db, short_timeouts(3), RateLimits::OFF).await;
    let addr = server.addr;
    // Three silent sockets take every slot until the idle timeout closes them.
    let holders: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(addr).expect("connects"))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    assert_eq!(get(addr, &key).await, 200);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(1200),
        "served after {waited:?} although every slot was taken"
    );
    assert!(waited < Duration::from_secs(6), "{waited:?}");
    drop(holders);
    server.stop().await.expect("stops");
}

async fn a_key_is_rate_limited_with_headers_and_a_json_429(backend: Backend) {
    let Some(db) = TestDb::new(backend, "ratekey").await else {
        return;
    };
    let rate = RateLimits {
        short: Some(Window {
            limit: 5,
            period: Duration::from_secs(60),
        }),
        long: Some(Window {
            limit: 50,
            period: Duration::from_secs(600),
        }),
        auth_failures: None,
    };
    let (server, key) = start(&db, ConnLimits::default(), rate).await;
    let client = reqwest::Client::new();
    for n in 0..5u32 {
        let response = client
            .get(url(server.addr, "/rest/companies?limit=1"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status(), 200);
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("ratelimit-limit"), "5");
        assert_eq!(header("ratelimit-remaining"), (4 - n).to_string());
        let reset: u64 = header("ratelimit-reset").parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
    }
    let response = client
        .get(url(server.addr, "/rest/companies?limit=1"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 429);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(response.headers()["ratelimit-remaining"], "0");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "RATE_LIMITED", "{body}");
    assert_eq!(body["statusCode"], 429, "{body}");
    // GraphQL refuses in its own shape, with the same headers.
    let response = client
        .post(url(server.addr, "/graphql"))
        .bearer_auth(&key)
        .json(&serde_json::json!({"query": "{ companies { totalCount } }"}))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    // Another key of the workspace has its own quota; routes without a key have none.
    let (workspace, _) = server.first_workspace.clone().unwrap();
    let other = server
        .state
        .store
        .create_api_key(workspace.id, "other", twenty_server::Scope::ReadOnly, None)
        .await
        .unwrap();
    assert_eq!(get(server.addr, &other.secret).await, 200);
    let health = client
        .get(url(server.addr, "/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(!health.headers().contains_key("ratelimit-limit"));
    server.stop().await.expect("stops");
}
both!(a_key_is_rate_limited_with_headers_and_a_json_429);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_authentications_are_limited_per_address() {
    let Some(db) = TestDb::new(Backend::Sqlite, "ratefail").await else {
        return;
    };
    let rate = RateLimits {
        auth_failures: Some(Window {
            limit: 3,
            period: Duration::from_secs(60),
        }),
        ..RateLimits::OFF
    };
    let (server, key) = start(&db, ConnLimits::default(), rate).await;
    let bad = format!("twk_{}", "0".repeat(64));
    for _ in 0..3 {
        assert_eq!(get(server.addr, &bad).await, 401);
    }
    // The address is refused before its key is looked at, a good key included.
    let response = reqwest::Client::new()
        .get(url(server.addr, "/rest/companies"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "RATE_LIMITED");
    assert!(
        body["messages"][0]
            .as_str()
            .unwrap()
            .contains("failed authentications"),
        "{body}"
    );
    server.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_pool_out_of_connections_answers_503() {
    let Some(db) = TestDb::new(Backend::Postgres, "pool503").await else {
        return;
    };
    let twenty_server::config::Database::Postgres { url: pg_url, .. } = &db.config().database
    else {
        unreachable!("a Postgres test database");
    };
    let config = Config {
        database: twenty_server::config::Database::Postgres {
            url: pg_url.clone(),
            pool_size: 1,
        },
        ..db.config()
    };
    let server = Server::start(&config).await.expect("starts");
    let (workspace, key) = server.first_workspace.clone().unwrap();
    // Hold the one read connection: the next read cannot get one in time.
    let twenty_server::store::WorkspaceDb::Postgres { pool, .. } =
        server.state.store.workspace_db(workspace.id).await.unwrap()
    else {
        unreachable!("a Postgres workspace");
    };
    let held = pool.acquire().await.expect("the pool's connection");
    let response = reqwest::Client::new()
        .get(url(server.addr, "/rest/companies"))
        .bearer_auth(&key.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "SERVICE_UNAVAILABLE", "{body}");
    drop(held);
    assert_eq!(get(server.addr, &key.secret).await, 200);
    server.stop().await.expect("stops");
}
