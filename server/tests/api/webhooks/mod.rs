//! Webhooks end to end, on both backends: a real server delivering to real receivers on
//! 127.0.0.1 (an axum server in the test) — what arrives, how often, in which order, with
//! which signatures (checked again by the Standard Webhooks reference library in Node),
//! through receiver failures, outages, a SIGKILL of the server, and two server processes
//! on one Postgres; the management API's refusals, the delivery log, redelivery, the SSRF
//! guard and retention.
use crate::support::url;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod delivery;
mod management;
mod processes;

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    /// The exact body text.
    pub body: String,
    pub json: Value,
}

impl Received {
    pub fn event_name(&self) -> &str {
        self.json["eventName"].as_str().unwrap_or_default()
    }
    pub fn event_id(&self) -> &str {
        self.json["eventId"].as_str().unwrap_or_default()
    }
    pub fn webhook_id(&self) -> &str {
        self.json["webhookId"].as_str().unwrap_or_default()
    }
}

/// What a receiver answers.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    Ok,
    /// This status, with a body.
    Fail(u16),
    /// 200 after a pause.
    Slow(Duration),
    /// This status (429, 503) with `Retry-After: <seconds>`.
    Busy(u16, u64),
}

/// An HTTP receiver on 127.0.0.1 recording every request (also the failed ones).
pub struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Vec<Received>>>,
    /// The requests answered with 200 to the end (a slow answer whose client went away
    /// is not).
    pub answered: Arc<Mutex<Vec<Received>>>,
    mode: Arc<Mutex<Mode>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::start_on(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Arc::default(),
            Arc::default(),
            Arc::new(Mutex::new(Mode::Ok)),
        )
        .await
    }

    async fn start_on(
        addr: SocketAddr,
        got: Arc<Mutex<Vec<Received>>>,
        answered: Arc<Mutex<Vec<Received>>>,
        mode: Arc<Mutex<Mode>>,
    ) -> Receiver {
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (g, a, m) = (got.clone(), answered.clone(), mode.clone());
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let (g, a, m) = (g.clone(), a.clone(), m.clone());
            async move {
                let body = String::from_utf8_lossy(&body).into_owned();
                let received = Received {
                    headers: headers
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                        .collect(),
                    json: serde_json::from_str(&body).unwrap_or(Value::Null),
                    body,
                };
                g.lock().unwrap().push(received.clone());
                let mode = *m.lock().unwrap();
                match mode {
                    Mode::Ok => {
                        a.lock().unwrap().push(received);
                        (StatusCode::OK, HeaderMap::new(), "ok".to_owned())
                    }
                    Mode::Fail(code) => (
                        StatusCode::from_u16(code).unwrap(),
                        HeaderMap::new(),
                        format!("failing on purpose with {code}"),
                    ),
                    Mode::Busy(code, seconds) => {
                        let mut headers = HeaderMap::new();
                        headers.insert("retry-after", seconds.to_string().parse().unwrap());
                        (
                            StatusCode::from_u16(code).unwrap(),
                            headers,
                            format!("busy, come back in {seconds} s"),
                        )
                    }
                    Mode::Slow(pause) => {
                        tokio::time::sleep(pause).await;
                        a.lock().unwrap().push(received);
                        (StatusCode::OK, HeaderMap::new(), "ok, slowly".to_owned())
                    }
                }
            }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            addr,
            got,
            answered,
            mode,
            task: Some(task),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn all(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Stops listening: connections are refused until [`Receiver::restart`].
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same address.
    pub async fn restart(&mut self) {
        let mut again = Self::start_on(
            self.addr,
            self.got.clone(),
            self.answered.clone(),
            self.mode.clone(),
        )
        .await;
        self.task = again.task.take();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Polls `check` every 50 ms until it holds or `limit` passes; answers whether it held.
pub async fn wait_for(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check()
}

/// A client of one server with one key.
#[derive(Clone)]
pub struct Api {
    pub addr: SocketAddr,
    pub key: String,
    pub client: reqwest::Client,
}

impl Api {
    pub fn new(addr: SocketAddr, key: &str) -> Api {
        Api {
            addr,
            key: key.to_owned(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, url(self.addr, path))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("answered");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A call that must answer `status`.
    pub async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let what = format!("{method} {path}");
        let (got, body) = self.call(method, path, body).await;
        assert_eq!(got, status, "{what}: {body}");
        body
    }

    /// Creates a webhook to `target` for `operations`; answers it.
    pub async fn webhook(&self, target: &str, operations: &[&str]) -> Value {
        let body = self
            .expect(
                Method::POST,
                "/rest/metadata/webhooks",
                Some(json!({"targetUrl": target, "operations": operations})),
                201,
            )
            .await;
        body["data"]["createOneWebhook"].clone()
    }

    /// Creates a record; answers its id.
    pub async fn create(&self, plural: &str, data: Value) -> String {
        let body = self
            .expect(Method::POST, &format!("/rest/{plural}"), Some(data), 201)
            .await;
        let one = body["data"]
            .as_object()
            .and_then(|d| d.values().next())
            .cloned()
            .unwrap_or(Value::Null);
        one["id"].as_str().expect("an id").to_owned()
    }

    /// The deliveries of a webhook (newest first), every page.
    pub async fn deliveries(&self, webhook: &str, query: &str) -> Vec<Value> {
        let body = self
            .expect(
                Method::GET,
                &format!("/rest/metadata/webhooks/{webhook}/deliveries?{query}"),
                None,
                200,
            )
            .await;
        body["data"]["webhookDeliveries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// Verifies a delivery's signatures with Node: the Standard Webhooks reference library
/// and a plain HMAC (`tools/spec-check/verify-webhook.mjs`). Skipped (with a message)
/// when the Node packages are not installed, except under `CI=true`.
pub fn verify_in_node(secret: &str, received: &Received) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tools = root.join("tools/spec-check");
    if !tools.join("node_modules/standardwebhooks").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tools/spec-check/node_modules is missing: run `cargo xtask test`"
        );
        eprintln!("skipped: tools/spec-check/node_modules is missing (run `cargo xtask test`)");
        return;
    }
    use std::io::Write;
    let mut child = std::process::Command::new("node")
        .arg(tools.join("verify-webhook.mjs"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let input = json!({"secret": secret, "headers": received.headers, "body": received.body});
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "signatures rejected: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
