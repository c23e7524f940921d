//! The `Auth` extractor over real keys: a tiny router in this test binary uses it exactly as
//! the REST layer will (a read route and a write route needing `require_write`).
use crate::both;
use crate::support::{Backend, TestDb, url};
use axum::Json;
use axum::routing::get;
use std::net::SocketAddr;
use twenty_server::store::now_ms;
use twenty_server::{ApiError, AppState, Auth, Scope};

async fn read(auth: Auth) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "workspace": auth.workspace_id.to_string(),
        "scope": auth.scope.as_str(),
        "key": auth.key_name,
    }))
}

async fn write(auth: Auth) -> Result<&'static str, ApiError> {
    auth.require_write()?;
    Ok("written")
}

/// Serves the test router with the server's state and layers; returns its address.
async fn serve_probe(state: AppState) -> SocketAddr {
    let routes = axum::Router::new().route("/probe", get(read).post(write));
    let router = twenty_server::http::with_layers(routes, state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

async fn get_with(addr: SocketAddr, authorization: Option<&str>) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new().get(url(addr, "/probe"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn assert_unauthenticated((status, body): (u16, serde_json::Value), message_start: &str) {
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["statusCode"], 401);
    assert_eq!(body["error"], "UNAUTHENTICATED");
    assert_eq!(body["code"], "UNAUTHENTICATED");
    let message = body["messages"][0].as_str().unwrap();
    assert!(message.starts_with(message_start), "{message}");
}

async fn a_workspace_key_opens_its_workspace_and_is_recorded_as_used(backend: Backend) {
    let Some(db) = TestDb::new(backend, "keyworks").await else {
        return;
    };
    let server = db.start().await;
    let (first, first_key) = server
        .first_workspace
        .clone()
        .expect("an empty store gets a Default workspace");
    assert_eq!(first.name, "Default");
    let (other, other_key) = server.state.store.create_workspace("Acme").await.unwrap();
    let addr = serve_probe(server.state.clone()).await;

    let (status, body) = get_with(addr, Some(&format!("Bearer {}", first_key.secret))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["workspace"], first.id.to_string());
    // The first key may change the model too.
    assert_eq!(body["scope"], "admin");
    let (_, body) = get_with(addr, Some(&format!("Bearer {}", other_key.secret))).await;
    assert_eq!(body["workspace"], other.id.to_string());

    let keys = server
        .state
        .store
        .list_api_keys(Some(first.id))
        .await
        .unwrap();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].last_used_at.is_some());
    server.stop().await.unwrap();
}
both!(a_workspace_key_opens_its_workspace_and_is_recorded_as_used);

async fn missing_malformed_unknown_expired_and_revoked_keys_are_401(backend: Backend) {
    let Some(db) = TestDb::new(backend, "key401").await else {
        return;
    };
    let server = db.start().await;
    let store = &server.state.store;
    let (workspace, _) = server.first_workspace.clone().unwrap();
    let addr = serve_probe(server.state.clone()).await;

    assert_unauthenticated(get_with(addr, None).await, "missing API key");
    assert_unauthenticated(
        get_with(addr, Some("Basic abc")).await,
        "malformed Authorization header",
    );
    assert_unauthenticated(
        get_with(addr, Some("Bearer not-a-key")).await,
        "malformed API key",
    );
    let unknown = twenty_server::secret::generate_secret().unwrap();
    assert_unauthenticated(
        get_with(addr, Some(&format!("Bearer {unknown}"))).await,
        "unknown API key",
    );

    let expired = store
        .create_api_key(workspace.id, "old", Scope::ReadWrite, Some(now_ms() - 1000))
        .await
        .unwrap();
    assert_unauthenticated(
        get_with(addr, Some(&format!("Bearer {}", expired.secret))).await,
        "API key has expired",
    );

    let later = store
        .create_api_key(
            workspace.id,
            "later",
            Scope::ReadWrite,
            Some(now_ms() + 3_600_000),
        )
        .await
        .unwrap();
    let bearer = format!("Bearer {}", later.secret);
    assert_eq!(get_with(addr, Some(&bearer)).await.0, 200);
    assert!(store.revoke_api_key(later.key.id).await.unwrap());
    assert!(
        !store.revoke_api_key(later.key.id).await.unwrap(),
        "revoking twice reports nothing revoked"
    );
    assert_unauthenticated(
        get_with(addr, Some(&bearer)).await,
        "API key has been revoked",
    );
    server.stop().await.unwrap();
}
both!(missing_malformed_unknown_expired_and_revoked_keys_are_401);

async fn a_read_only_key_reads_but_cannot_write(backend: Backend) {
    let Some(db) = TestDb::new(backend, "readonly").await else {
        return;
    };
    let server = db.start().await;
    let (workspace, writer) = server.first_workspace.clone().unwrap();
    let reader = server
        .state
        .store
        .create_api_key(workspace.id, "dashboard", Scope::ReadOnly, None)
        .await
        .unwrap();
    let addr = serve_probe(server.state.clone()).await;
    let client = reqwest::Client::new();

    let (status, body) = get_with(addr, Some(&format!("Bearer {}", reader.secret))).await;
    assert_eq!((status, body["scope"].as_str()), (200, Some("read_only")));
    let response = client
        .post(url(addr, "/probe"))
        .bearer_auth(&reader.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "FORBIDDEN");
    assert_eq!(body["error"], "ForbiddenException");
    assert!(
        body["messages"][0].as_str().unwrap().contains("read-only"),
        "{body}"
    );

    let response = client
        .post(url(addr, "/probe"))
        .bearer_auth(&writer.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    server.stop().await.unwrap();
}
both!(a_read_only_key_reads_but_cannot_write);

async fn a_key_revoked_by_another_process_stops_working_within_the_key_cache_lifetime(
    backend: Backend,
) {
    let Some(db) = TestDb::new(backend, "revokeother").await else {
        return;
    };
    let server = db.start().await;
    let (_, key) = server.first_workspace.clone().unwrap();
    let addr = serve_probe(server.state.clone()).await;
    let bearer = format!("Bearer {}", key.secret);
    assert_eq!(get_with(addr, Some(&bearer)).await.0, 200, "cached now");

    let mut revoke = std::process::Command::new(env!("CARGO_BIN_EXE_twenty-server"));
    revoke
        .args(["api-key", "revoke", &key.key.id.to_string()])
        .env_remove("DATABASE_URL")
        .env_remove("PG_DATABASE_URL")
        .env_remove("TWENTY_DATA_DIR")
        .env("RUST_LOG", "warn");
    match &db.database {
        twenty_server::Database::Sqlite { data_dir } => revoke.env("TWENTY_DATA_DIR", data_dir),
        twenty_server::Database::Postgres { url, .. } => revoke.env("DATABASE_URL", url),
    };
    let output = revoke.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // This process did not see the revocation: the cached entry may serve until it expires.
    let deadline = std::time::Instant::now()
        + twenty_server::key_cache::KEY_CACHE_TTL
        + std::time::Duration::from_secs(3);
    loop {
        let (status, body) = get_with(addr, Some(&bearer)).await;
        if status == 401 {
            assert_unauthenticated((status, body), "API key has been revoked");
            break;
        }
        assert_eq!(status, 200, "{body}");
        assert!(
            std::time::Instant::now() < deadline,
            "the revoked key still works past the key cache's lifetime"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.stop().await.unwrap();
}
both!(a_key_revoked_by_another_process_stops_working_within_the_key_cache_lifetime);
