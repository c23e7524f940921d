//! A running server with a workspace key, and a client posting GraphQL operations.
#![allow(dead_code)]

use crate::support::{Backend, TestDb, url};
use serde_json::{Value, json};
use twenty_server::Server;

/// A server over a fresh store, its first workspace's key, and the store kept alive.
pub struct Gql {
    pub server: Server,
    pub key: String,
    _db: TestDb,
}

impl Gql {
    /// A fresh server on `backend`, or `None` when the backend is skipped.
    pub async fn start(backend: Backend, test: &str) -> Option<Gql> {
        let db = TestDb::new(backend, test).await?;
        let server = db.start().await;
        let key = server
            .first_workspace
            .as_ref()
            .map(|(_, key)| key.secret.clone())
            .expect("an empty store gets a first workspace");
        Some(Gql {
            server,
            key,
            _db: db,
        })
    }

    /// `http://addr{path}`.
    pub fn url(&self, path: &str) -> String {
        url(self.server.addr, path)
    }

    /// Posts an operation with this server's key: (status, body).
    pub async fn post(&self, query: &str, variables: Value) -> (u16, Value) {
        self.post_as(Some(&self.key), query, variables).await
    }

    /// Posts an operation with `key` (or none).
    pub async fn post_as(&self, key: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = reqwest::Client::new()
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        let response = request.send().await.expect("the request is sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// The `data` of an operation that must succeed.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    /// The first error of an operation that must fail: (extensions.code, extensions.twentyCode, message).
    pub async fn error(&self, query: &str, variables: Value) -> (String, String, String) {
        let (_, body) = self.post(query, variables).await;
        first_error(&body)
    }

    /// Creates companies named `names` (in order); returns their ids.
    pub async fn companies(&self, names: &[&str]) -> Vec<String> {
        let data: Vec<Value> = names.iter().map(|n| json!({ "name": n })).collect();
        let created = self
            .data(
                "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }",
                json!({ "data": data }),
            )
            .await;
        ids(&created["createCompanies"])
    }

    pub async fn stop(self) {
        self.server.stop().await.expect("the server stops");
    }
}

/// The first error of a response body: (code, twentyCode, message).
pub fn first_error(body: &Value) -> (String, String, String) {
    let error = &body["errors"][0];
    assert!(error.is_object(), "expected an error: {body}");
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        s(&error["extensions"]["code"]),
        s(&error["extensions"]["twentyCode"]),
        s(&error["message"]),
    )
}

/// The `id`s of a list of records.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The node ids of a connection.
pub fn node_ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The value of `field` of each node of a connection.
pub fn node_values(connection: &Value, field: &str) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"][field].clone()).collect())
        .unwrap_or_default()
}
