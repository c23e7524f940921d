//! `/healthz` and `/rest/open-api/core`.
use crate::both;
use crate::support::{Backend, TestDb, url};

async fn healthz_reports_the_database_up_then_down(backend: Backend) {
    let Some(db) = TestDb::new(backend, "healthz").await else {
        return;
    };
    let server = db.start().await;
    let response = reqwest::get(url(server.addr, "/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"]["status"], "up");
    assert_eq!(
        body["database"]["backend"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );

    server.state.store.close().await;
    for path in ["/healthz", "/healthz/ready"] {
        let response = reqwest::get(url(server.addr, path)).await.unwrap();
        assert_eq!(response.status(), 503, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "error");
        assert_eq!(body["database"]["status"], "down");
    }
    // Liveness does not depend on the database: the process still answers.
    let response = reqwest::get(url(server.addr, "/healthz/live"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    server.stop().await.unwrap();
}
both!(healthz_reports_the_database_up_then_down);

async fn readiness_reports_a_full_disk(backend: Backend) {
    let Some(db) = TestDb::new(backend, "healthdisk").await else {
        return;
    };
    // No disk has an exabyte free: the embedded store's disk counts as full.
    let config = twenty_server::Config {
        min_free_disk: u64::MAX,
        ..db.config()
    };
    let server = twenty_server::Server::start(&config).await.unwrap();
    let response = reqwest::get(url(server.addr, "/healthz/ready"))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    match backend {
        Backend::Sqlite => {
            assert_eq!(status, 503, "{body}");
            assert_eq!(body["status"], "error", "{body}");
            assert_eq!(body["disk"]["status"], "full", "{body}");
            assert!(body["disk"]["freeBytes"].as_u64().is_some(), "{body}");
            assert_eq!(body["database"]["status"], "up", "{body}");
        }
        // Postgres' disk is the database server's: only the connection is checked.
        Backend::Postgres => {
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["status"], "ok", "{body}");
            assert!(body.get("disk").is_none(), "{body}");
        }
    }
    server.stop().await.unwrap();
}
both!(readiness_reports_a_full_disk);

async fn open_api_core_is_the_checked_in_document_byte_for_byte(backend: Backend) {
    let Some(db) = TestDb::new(backend, "openapi").await else {
        return;
    };
    let server = db.start().await;
    // No Authorization header: the document is public.
    let response = reqwest::get(url(server.addr, "/rest/open-api/core"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.bytes().await.unwrap();
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/core.json"))
            .unwrap();
    // The checked-in file says which command generated it; the served document does not.
    let header = ",\n  \"x-generated-by\": \"cargo xtask codegen\"\n}\n";
    assert!(checked_in.ends_with(header), "the checked-in file's header");
    let expected = format!("{}\n}}\n", checked_in.trim_end_matches(header));
    assert!(
        body.as_ref() == expected.as_bytes(),
        "served document differs from openapi/core.json (less its x-generated-by)"
    );
    assert!(!String::from_utf8_lossy(&body).contains("x-generated-by"));
    server.stop().await.unwrap();
}
both!(open_api_core_is_the_checked_in_document_byte_for_byte);

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let Some(db) = TestDb::new(Backend::Sqlite, "limit").await else {
        return;
    };
    let server = db.start().await;
    let big = vec![b'x'; twenty_server::http::MAX_BODY_BYTES + 1];
    let response = reqwest::Client::new()
        .post(url(server.addr, "/healthz"))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_request_id_is_set_or_kept_and_echoed() {
    let Some(db) = TestDb::new(Backend::Sqlite, "requestid").await else {
        return;
    };
    let server = db.start().await;
    let client = reqwest::Client::new();
    let response = client
        .get(url(server.addr, "/healthz"))
        .send()
        .await
        .unwrap();
    let generated = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
    let response = client
        .get(url(server.addr, "/healthz"))
        .header("x-request-id", "client-chosen-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-chosen-1");
    server.stop().await.unwrap();
}
