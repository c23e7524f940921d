//! What operators and browser clients see: the REST API reference page, CORS, compression
//! and ETags on documents, `/metrics`, and what `serve` prints at first start.
use crate::both;
use crate::support::{Backend, TestDb, url};
use twenty_server::Server;
use twenty_server::config::{Config, CorsOrigins};

/// A server over `db` (an empty store) with these origins, and its first workspace's key.
async fn start_with(db: &TestDb, cors: CorsOrigins) -> (Server, String) {
    crate::support::start_keyed(&Config {
        cors,
        ..db.config()
    })
    .await
}

/// A server over `db` again (its workspace exists already), with these origins.
async fn restart_with(db: &TestDb, cors: CorsOrigins) -> Server {
    Server::start(&Config {
        cors,
        ..db.config()
    })
    .await
    .expect("the server starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_page_and_its_assets_are_served_without_a_key() {
    let Some(db) = TestDb::new(Backend::Sqlite, "apidocs").await else {
        return;
    };
    let (server, _) = start_with(&db, CorsOrigins::Off).await;
    let response = reqwest::get(url(server.addr, "/rest/docs")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = response.text().await.unwrap();
    assert!(page.contains("/rest/open-api/core"), "{page}");
    assert!(
        !page.contains("https://"),
        "the page loads nothing from the internet"
    );
    let mut assets = 0;
    for part in page.split(['"', '\'']) {
        if !part.starts_with("/rest/docs/assets/") {
            continue;
        }
        assets += 1;
        let asset = reqwest::get(url(server.addr, part)).await.unwrap();
        assert_eq!(asset.status(), 200, "{part}");
        assert!(asset.headers().contains_key("etag"), "{part}");
        assert!(asset.bytes().await.unwrap().len() > 10_000, "{part}");
    }
    assert_eq!(assets, 2, "{page}");
    let missing = reqwest::get(url(server.addr, "/rest/docs/assets/nope.js"))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // GraphiQL links to it.
    let graphiql = reqwest::get(url(server.addr, "/graphql"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(graphiql.contains("href=\"/rest/docs\""), "{graphiql}");
    server.stop().await.unwrap();
}

async fn cors_preflights_and_answers_name_only_allowed_origins(backend: Backend) {
    let Some(db) = TestDb::new(backend, "cors").await else {
        return;
    };
    let allowed = "http://app.example.test:5173";
    let (server, key) = start_with(&db, CorsOrigins::List(vec![allowed.to_owned()])).await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        client
            .request(
                reqwest::Method::OPTIONS,
                url(server.addr, "/rest/companies"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    // A preflight needs no key and is answered before any route.
    let response = preflight(allowed).await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], allowed);
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(
        methods.contains("PATCH") && methods.contains("DELETE"),
        "{methods}"
    );
    let allowed_headers = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization"),
        "{allowed_headers}"
    );
    assert!(!headers.contains_key("access-control-allow-credentials"));
    // Another origin gets no grant: the browser refuses the call.
    let response = preflight("http://evil.example.test").await.unwrap();
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );
    // The real request, and an error's answer, carry the grant and expose the headers a
    // client reads.
    let response = client
        .get(url(server.addr, "/rest/companies?limit=1"))
        .header("origin", allowed)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], allowed);
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    let response = client
        .get(url(server.addr, "/rest/companies"))
        .header("origin", allowed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["access-control-allow-origin"], allowed);
    server.stop().await.unwrap();

    // Off (the default): no CORS header at all.
    let server = restart_with(&db, CorsOrigins::Off).await;
    let response = client
        .get(url(server.addr, "/healthz"))
        .header("origin", allowed)
        .send()
        .await
        .unwrap();
    assert!(
        !response
            .headers()
            .contains_key("access-control-allow-origin")
    );
    server.stop().await.unwrap();
    // `*`: any origin.
    let server = restart_with(&db, CorsOrigins::Any).await;
    let response = client
        .get(url(server.addr, "/healthz"))
        .header("origin", "http://anywhere.example.test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    server.stop().await.unwrap();
}
both!(cors_preflights_and_answers_name_only_allowed_origins);

async fn documents_are_compressed_and_revalidated_by_etag(backend: Backend) {
    let Some(db) = TestDb::new(backend, "etag").await else {
        return;
    };
    let (server, key) = start_with(&db, CorsOrigins::Off).await;
    let client = reqwest::Client::new();
    let document = url(server.addr, "/rest/open-api/core");
    let plain = client.get(&document).send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(!plain.headers().contains_key("content-encoding"));
    let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    let plain_len = plain.bytes().await.unwrap().len();
    for (encoding, magic) in [("gzip", &[0x1f_u8, 0x8b][..]), ("br", &[][..])] {
        let response = client
            .get(&document)
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_eq!(response.headers()["etag"].to_str().unwrap(), etag);
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(magic), "{encoding}");
        assert!(
            bytes.len() * 5 < plain_len,
            "{encoding}: {} of {plain_len} bytes",
            bytes.len()
        );
    }
    // A small answer is sent as it is.
    let response = client
        .get(url(server.addr, "/healthz/live"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(!response.headers().contains_key("content-encoding"));
    // The ETag revalidates: 304 without a body.
    let response = client
        .get(&document)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 304);
    assert!(response.bytes().await.unwrap().is_empty());
    // The workspace's document has its own tag, as do the SDLs.
    let workspace = client
        .get(&document)
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(workspace.status(), 200);
    for path in ["/graphql/schema.graphql", "/metadata/schema.graphql"] {
        let response = client
            .get(url(server.addr, path))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let tag = response.headers()["etag"].clone();
        let again = client
            .get(url(server.addr, path))
            .bearer_auth(&key)
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
    server.stop().await.unwrap();
}
both!(documents_are_compressed_and_revalidated_by_etag);

/// The text `/metrics` answers now.
async fn metrics_text(addr: std::net::SocketAddr) -> String {
    let response = reqwest::get(url(addr, "/metrics")).await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The value of the sample `name{labels}` in a Prometheus text answer.
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name_and_labels)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

async fn metrics_count_requests_by_route_status_and_class(backend: Backend) {
    let Some(db) = TestDb::new(backend, "metrics").await else {
        return;
    };
    let (server, key) = start_with(&db, CorsOrigins::Off).await;
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let response = client
            .get(url(server.addr, "/rest/companies?limit=1"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let id = uuid::Uuid::new_v4();
    let response = client
        .get(url(server.addr, &format!("/rest/companies/{id}")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    client
        .get(url(server.addr, "/rest/companies"))
        .send()
        .await
        .unwrap();
    client
        .get(url(server.addr, "/no/such/route"))
        .send()
        .await
        .unwrap();

    let response = client
        .get(url(server.addr, "/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    let list = r#"route="/rest/{plural}",method="GET",status="200",class="standard""#;
    assert_eq!(
        sample(&text, &format!("twenty_http_requests_total{{{list}}}")),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!("twenty_http_request_duration_seconds_bucket{{{list},le=\"+Inf\"}}")
        ),
        Some(3.0),
        "{text}"
    );
    // The route is its template: no record id in a label.
    assert!(!text.contains(&id.to_string()), "{text}");
    let one = r#"route="/rest/{plural}/{id}",method="GET",status="404",class="standard""#;
    assert_eq!(
        sample(&text, &format!("twenty_http_requests_total{{{one}}}")),
        Some(1.0),
        "{text}"
    );
    let anonymous = r#"route="/rest/{plural}",method="GET",status="401",class="anonymous""#;
    assert_eq!(
        sample(&text, &format!("twenty_http_requests_total{{{anonymous}}}")),
        Some(1.0),
        "{text}"
    );
    let unmatched = r#"route="unmatched",method="GET",status="404",class="anonymous""#;
    assert_eq!(
        sample(&text, &format!("twenty_http_requests_total{{{unmatched}}}")),
        Some(1.0),
        "{text}"
    );
    let pools: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("twenty_db_connections{"))
        .collect();
    let expected = match backend {
        Backend::Sqlite => ["pool=\"core\"", "pool=\"workspaces\""],
        Backend::Postgres => ["pool=\"reads\"", "pool=\"writes\""],
    };
    for pool in expected {
        assert!(pools.iter().any(|l| l.contains(pool)), "{pool}: {text}");
    }
    assert!(
        sample(&text, "twenty_model_cache_bytes").is_some(),
        "{text}"
    );
    assert!(
        text.contains("twenty_webhook_deliveries_total{outcome=\"delivered\"}"),
        "{text}"
    );
    server.stop().await.unwrap();
}
both!(metrics_count_requests_by_route_status_and_class);

async fn metrics_count_webhook_deliveries_and_custom_workspaces(backend: Backend) {
    use crate::webhooks::{Api, Receiver, wait_for};
    let Some(db) = TestDb::new(backend, "metricshooks").await else {
        return;
    };
    let (server, key) = start_with(&db, CorsOrigins::Off).await;
    let mut receiver = Receiver::start().await;
    let api = Api::new(server.addr, &key);
    api.webhook(&receiver.url(), &["company.created"]).await;
    api.create("companies", serde_json::json!({"name": "Counted"}))
        .await;
    assert!(
        wait_for(std::time::Duration::from_secs(10), || !receiver
            .all()
            .is_empty())
        .await,
        "the delivery arrives"
    );
    let delivered = "twenty_webhook_deliveries_total{outcome=\"delivered\"}";
    let mut counted = None;
    for _ in 0..50 {
        counted = sample(&metrics_text(server.addr).await, delivered);
        if counted.is_some_and(|n| n >= 1.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(counted.is_some_and(|n| n >= 1.0), "{counted:?}");

    // A workspace that changed its model counts as `custom`.
    api.expect(
        reqwest::Method::POST,
        "/rest/metadata/fields",
        Some(serde_json::json!({
            "objectMetadataId": company_object_id(&api).await,
            "type": "TEXT",
            "name": "motto",
            "label": "Motto",
        })),
        201,
    )
    .await;
    api.expect(reqwest::Method::GET, "/rest/companies?limit=1", None, 200)
        .await;
    let text = metrics_text(server.addr).await;
    let custom = r#"route="/rest/{plural}",method="GET",status="200",class="custom""#;
    assert_eq!(
        sample(&text, &format!("twenty_http_requests_total{{{custom}}}")),
        Some(1.0),
        "{text}"
    );
    receiver.stop().await;
    server.stop().await.unwrap();
}
both!(metrics_count_webhook_deliveries_and_custom_workspaces);

/// The id of the company object in the workspace of `api`'s key.
async fn company_object_id(api: &crate::webhooks::Api) -> String {
    let body = api
        .expect(reqwest::Method::GET, "/rest/metadata/objects", None, 200)
        .await;
    body["data"]["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["nameSingular"] == "company")
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .expect("the company object")
}
