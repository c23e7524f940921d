//! A running server with the query fixtures seeded in its first workspace, a second
//! workspace, keys of each scope, and request helpers returning (status, JSON body).
use crate::query::seed;
use crate::query::support::Db;
use crate::support::{Backend, TestDb, url};
use reqwest::Method;
use serde_json::Value;
use twenty_server::{Scope, Server};
use uuid::Uuid;

pub struct Api {
    pub server: Server,
    /// Read-write key of the seeded workspace.
    pub key: String,
    /// Read-only key of the seeded workspace.
    pub read_only: String,
    /// Read-write key of a second, empty workspace.
    pub other: String,
    pub workspace: Uuid,
    client: reqwest::Client,
    _db: TestDb,
}

impl Api {
    /// A server on `backend` with the standard fixtures, or `None` when skipped.
    pub async fn start(backend: Backend, test: &str) -> Option<Api> {
        let db = TestDb::new(backend, test).await?;
        let server = db.start().await;
        let (workspace, key) = server.first_workspace.clone().expect("a first workspace");
        let store = &server.state.store;
        let read_only = store
            .create_api_key(workspace.id, "reader", Scope::ReadOnly, None)
            .await
            .expect("a read-only key");
        let (_, other) = store.create_workspace("Other").await.expect("a workspace");
        let data = store
            .workspace_db(workspace.id)
            .await
            .expect("its database");
        seed::standard(&Db::of_workspace(data)).await;
        Some(Api {
            key: key.secret,
            read_only: read_only.secret,
            other: other.secret,
            workspace: workspace.id,
            server,
            client: reqwest::Client::new(),
            _db: db,
        })
    }

    pub fn url(&self, path: &str) -> String {
        url(self.server.addr, path)
    }

    /// Any request with `key`; a non-JSON body is returned as a JSON string.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        key: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path)).bearer_auth(key);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the request is answered");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, &self.key, None).await
    }

    /// GET that must succeed.
    pub async fn ok(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }
}

/// The fixture labels (`c1 c3`) of a list response's records, sorted.
pub fn labels(body: &Value, plural: &str) -> String {
    let mut labels: Vec<String> = body["data"][plural]
        .as_array()
        .unwrap_or_else(|| panic!("no data.{plural} in {body}"))
        .iter()
        .map(|r| seed::label(r["id"].as_str().unwrap_or_default()))
        .collect();
    labels.sort();
    labels.join(" ")
}

/// The labels in response order.
pub fn ordered(body: &Value, plural: &str) -> Vec<String> {
    body["data"][plural]
        .as_array()
        .unwrap_or_else(|| panic!("no data.{plural} in {body}"))
        .iter()
        .map(|r| seed::label(r["id"].as_str().unwrap_or_default()))
        .collect()
}

/// Percent-encodes a query parameter value.
pub fn enc(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Asserts an error response: status, Twenty's keys and our code.
#[track_caller]
pub fn assert_error((status, body): &(u16, Value), expected: u16, code: &str) {
    assert_eq!(*status, expected, "{body}");
    assert_eq!(body["statusCode"], expected, "{body}");
    assert_eq!(body["code"], code, "{body}");
    // Twenty's name for the status, beside our code.
    assert_eq!(
        body["error"],
        twenty_codegen::model::error_name(expected),
        "{body}"
    );
    assert!(
        body["messages"][0].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
