//! The load generator: N keep-alive HTTP/1.1 connections, each sending its requests back
//! to back; a warm-up whose requests are not counted, then a fixed time in which every
//! latency is recorded (exact percentiles from the sorted latencies).

use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One request to send.
pub struct Request {
    pub method: reqwest::Method,
    pub url: String,
    /// A JSON body.
    pub body: Option<String>,
}

/// The n-th request of a scenario (n counts across connections from 0).
pub type Requests = Arc<dyn Fn(u64) -> Request + Send + Sync>;

/// How hard and how long to drive a target.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// What one scenario measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Responses received in the measured window.
    pub requests: u64,
    /// Responses that were not 2xx, or requests that failed, over warm-up and window.
    pub errors: u64,
    /// The first of those errors.
    pub first_error: Option<String>,
    /// The fewest records seen in a checked response (each connection's first one).
    pub rows: Option<usize>,
    /// The measured window.
    pub elapsed: Duration,
    /// Latencies of the measured responses in microseconds, sorted.
    latencies: Vec<u32>,
}

impl Outcome {
    /// Responses per second in the measured window.
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// The latency below which `p` percent of the measured responses came.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.latencies.len()) - 1;
        Duration::from_micros(u64::from(self.latencies[index]))
    }
}

/// The number of records in a response body of Twenty's shape: `{"data": {"people":
/// [...]}}` counts the list, `{"data": {"person": {...}}}` counts one.
pub fn records_in(body: &[u8]) -> Result<usize, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| format!("the response is not JSON ({e}): {}", preview(body)))?;
    if let Some(errors) = value.get("errors") {
        return Err(format!("the response has GraphQL errors: {errors}"));
    }
    let data = value
        .get("data")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("the response has no `data` object: {}", preview(body)))?;
    match data.values().next() {
        Some(Value::Array(items)) => Ok(items.len()),
        // A GraphQL connection: its edges.
        Some(Value::Object(connection)) if connection.contains_key("edges") => {
            match connection.get("edges") {
                Some(Value::Array(edges)) => Ok(edges.len()),
                _ => Err(format!("`edges` is not a list: {}", preview(body))),
            }
        }
        Some(Value::Object(_)) => Ok(1),
        _ => Err(format!("`data` holds no records: {}", preview(body))),
    }
}

fn preview(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.chars().take(300).collect()
}

struct Shared {
    next: AtomicU64,
    errors: AtomicU64,
    first_error: std::sync::Mutex<Option<String>>,
}

impl Shared {
    fn error(&self, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock()
            && first.is_none()
        {
            *first = Some(message);
        }
    }
}

/// Drives `requests` with `load.connections` connections; `bearer` is sent as the
/// `Authorization` header when given.
pub async fn run(requests: Requests, bearer: Option<String>, load: Load) -> Outcome {
    let shared = Arc::new(Shared {
        next: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        first_error: std::sync::Mutex::new(None),
    });
    let start = Instant::now();
    let measure_from = start + load.warmup;
    let end = measure_from + load.duration;
    let mut tasks = Vec::with_capacity(load.connections);
    for _ in 0..load.connections.max(1) {
        let requests = requests.clone();
        let shared = shared.clone();
        let bearer = bearer.clone();
        tasks.push(tokio::spawn(async move {
            connection(requests, shared, bearer, measure_from, end).await
        }));
    }
    let mut latencies = Vec::new();
    let mut rows: Option<usize> = None;
    for task in tasks {
        match task.await {
            Ok((mut l, r)) => {
                latencies.append(&mut l);
                if let Some(r) = r {
                    rows = Some(rows.map_or(r, |seen| seen.min(r)));
                }
            }
            Err(e) => shared.error(format!("a connection task failed: {e}")),
        }
    }
    latencies.sort_unstable();
    let elapsed = Instant::now()
        .min(end)
        .saturating_duration_since(measure_from);
    let first_error = shared.first_error.lock().ok().and_then(|f| f.clone());
    Outcome {
        requests: latencies.len() as u64,
        errors: shared.errors.load(Ordering::Relaxed),
        first_error,
        rows,
        elapsed,
        latencies,
    }
}

/// How long one request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One keep-alive connection: requests back to back until `end`. Returns the latencies
/// measured after `measure_from` and the records of its first successful response.
async fn connection(
    requests: Requests,
    shared: Arc<Shared>,
    bearer: Option<String>,
    measure_from: Instant,
    end: Instant,
) -> (Vec<u32>, Option<usize>) {
    let mut latencies = Vec::new();
    let mut rows = None;
    // One client per connection: its pool then holds exactly this one connection.
    let client = match reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        // A request the server never answers is an error, not a bench that hangs.
        .timeout(REQUEST_TIMEOUT)
        .no_proxy()
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            shared.error(format!("cannot build an HTTP client: {e}"));
            return (latencies, rows);
        }
    };
    loop {
        let sent = Instant::now();
        if sent >= end {
            break;
        }
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        let request = requests(n);
        let mut builder = client.request(request.method, &request.url);
        if let Some(bearer) = &bearer {
            builder = builder.header("authorization", format!("Bearer {bearer}"));
        }
        if let Some(body) = request.body {
            builder = builder
                .header("content-type", "application/json")
                .body(body);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                shared.error(format!("{}: {e}", request.url));
                // A refused connection would spin: back off a little.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => {
                shared.error(format!("{}: reading the body: {e}", request.url));
                continue;
            }
        };
        let received = Instant::now();
        if !status.is_success() {
            shared.error(format!(
                "{} answered {status}: {}",
                request.url,
                preview(&body)
            ));
            continue;
        }
        if rows.is_none() {
            match records_in(&body) {
                Ok(n) => rows = Some(n),
                Err(e) => shared.error(format!("{}: {e}", request.url)),
            }
        }
        if sent >= measure_from && received <= end {
            let micros = received.duration_since(sent).as_micros();
            latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
        }
    }
    (latencies, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_counted_in_lists_and_single_records() {
        assert_eq!(
            records_in(br#"{"data":{"people":[{"id":"a"},{"id":"b"}]}}"#),
            Ok(2)
        );
        assert_eq!(records_in(br#"{"data":{"person":{"id":"a"}}}"#), Ok(1));
        assert!(records_in(br#"{"error":"x"}"#).is_err());
        assert!(records_in(b"not json").is_err());
    }

    #[test]
    fn percentiles_come_from_the_sorted_latencies() {
        let outcome = Outcome {
            requests: 100,
            errors: 0,
            first_error: None,
            rows: Some(20),
            elapsed: Duration::from_secs(2),
            latencies: (1..=100).collect(),
        };
        assert_eq!(outcome.rps(), 50.0);
        assert_eq!(outcome.percentile(50.0), Duration::from_micros(50));
        assert_eq!(outcome.percentile(99.0), Duration::from_micros(99));
        assert_eq!(outcome.percentile(100.0), Duration::from_micros(100));
    }
}
