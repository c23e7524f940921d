//! The webhook scenarios, against a receiver in this process on 127.0.0.1 (answering 200
//! at once and noting when each delivery arrived):
//!
//! - `create-3-webhooks`: REST creates (the `create` scenario's requests) with three
//!   webhooks subscribed to `*.*`, to compare with `create` without them;
//! - `webhook-deliveries`: how many deliveries a second the server sustains, measured
//!   on the backlog the previous scenario left (or, when the worker kept up with it, over
//!   that scenario's own time);
//! - `webhook-latency`: creates sent at a steady 200 a second (open loop); each one's time
//!   from its request to its delivery to the first webhook (the commit lies in between).
use axum::body::Bytes;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Writes a second of the latency scenario.
pub const LATENCY_RATE: u32 = 200;

/// A delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub at: Instant,
    pub webhook: String,
    pub record: String,
}

/// The receiver.
pub struct Receiver {
    pub url: String,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Result<Receiver, String> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| format!("cannot start the webhook receiver: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("the webhook receiver has no address: {e}"))?;
        let arrivals: Arc<Mutex<Vec<Arrival>>> = Arc::default();
        let noted = arrivals.clone();
        let app = axum::Router::new().fallback(move |body: Bytes| {
            let noted = noted.clone();
            async move {
                let at = Instant::now();
                let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                noted
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Arrival {
                        at,
                        webhook: text(&value["webhookId"]),
                        record: text(&value["record"]["id"]),
                    });
                "ok"
            }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receiver {
            url: format!("http://{addr}/hook"),
            arrivals,
            task,
        })
    }

    /// Deliveries received so far.
    pub fn count(&self) -> usize {
        self.arrivals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Every arrival so far.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until no delivery has arrived for `quiet` (or `limit` passed): the arrivals
    /// then.
    pub async fn settle(&self, quiet: Duration, limit: Duration) -> usize {
        let start = Instant::now();
        let mut last = (self.count(), Instant::now());
        while start.elapsed() < limit {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let now = self.count();
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() >= quiet {
                break;
            }
        }
        self.count()
    }
}

fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))
}

/// Creates `n` webhooks to `target` for every event; answers their ids.
pub async fn subscribe(
    server_url: &str,
    key: &str,
    target: &str,
    n: usize,
) -> Result<Vec<String>, String> {
    let client = client()?;
    let mut ids = Vec::new();
    for _ in 0..n {
        let response = client
            .post(format!("{server_url}/rest/metadata/webhooks"))
            .bearer_auth(key)
            .json(&json!({"targetUrl": target, "operations": ["*.*"], "secret": "bench"}))
            .send()
            .await
            .map_err(|e| format!("cannot create a webhook: {e}"))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        if status.as_u16() != 201 {
            return Err(format!("creating a webhook answered {status}: {body}"));
        }
        ids.push(
            body["data"]["createOneWebhook"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    Ok(ids)
}

/// The sustained delivery rate after a load of `window` that ended at `ended`, from the
/// deliveries that arrived after `since`: the rate of draining the backlog left at
/// `ended` when there was one of at least a thousand, else the rate over the window
/// (the worker kept up). Answers (deliveries counted, the time they took, how measured).
pub fn delivery_rate(
    arrivals: &[Arrival],
    since: Instant,
    ended: Instant,
) -> (u64, Duration, &'static str) {
    let after: Vec<&Arrival> = arrivals.iter().filter(|a| a.at >= since).collect();
    let backlog: Vec<&Arrival> = after.iter().copied().filter(|a| a.at > ended).collect();
    let last = |list: &[&Arrival]| list.iter().map(|a| a.at).max();
    if backlog.len() >= 1000
        && let Some(last) = last(&backlog)
    {
        return (
            backlog.len() as u64,
            last.duration_since(ended),
            "draining the backlog the creates left",
        );
    }
    let end = last(&after).unwrap_or(ended);
    (
        after.len() as u64,
        end.duration_since(since),
        "over the creates' own time (the worker kept up)",
    )
}

/// Sends creates at [`LATENCY_RATE`] a second for `duration` (open loop: each on its own
/// task, on time whatever the answers), then waits for their deliveries to `webhook`;
/// answers each create's time from its request to its delivery, and the first error.
pub async fn latency(
    server_url: &str,
    key: &str,
    receiver: &Receiver,
    webhook: &str,
    duration: Duration,
) -> Result<(Vec<Duration>, Option<String>), String> {
    let client = client()?;
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    let total = (duration.as_secs_f64() * f64::from(LATENCY_RATE)) as u64;
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / LATENCY_RATE);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::new();
    for n in 0..total {
        ticks.tick().await;
        let (client, sent, errors) = (client.clone(), sent.clone(), errors.clone());
        let (url, key) = (format!("{server_url}/rest/companies"), key.to_owned());
        tasks.push(tokio::spawn(async move {
            let id = uuid::Uuid::new_v4().to_string();
            sent.lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.clone(), Instant::now());
            let answer = client
                .post(url)
                .bearer_auth(key)
                .json(&json!({"id": id, "name": format!("Latency {n}")}))
                .send()
                .await;
            let failed = match answer {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("create answered {}", r.status())),
                Err(e) => Some(format!("create failed: {e}")),
            };
            if let Some(e) = failed {
                errors.lock().unwrap_or_else(|e| e.into_inner()).push(e);
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    receiver
        .settle(Duration::from_secs(2), Duration::from_secs(60))
        .await;
    let sent = sent.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut latencies = Vec::new();
    for a in receiver.arrivals() {
        if a.webhook != webhook {
            continue;
        }
        if let Some(at) = sent.get(&a.record) {
            latencies.push(a.at.saturating_duration_since(*at));
        }
    }
    let errors = errors.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let missing = sent.len().saturating_sub(latencies.len());
    let first_error = errors.first().cloned().or_else(|| {
        (missing > 0).then(|| format!("{missing} creates were not delivered within 60 s"))
    });
    Ok((latencies, first_error))
}
