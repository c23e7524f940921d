//! `GET /metrics`: the process's counters in Prometheus' text format (version 0.0.4) —
//! requests by route, method, status and workspace class with a latency histogram,
//! webhook deliveries by outcome, connection pools, the model cache. Labels never hold a
//! workspace id or a record id: a route is its template (`/rest/{object}/{id}`), so the
//! series stay few however many workspaces and records there are.
use axum::extract::MatchedPath;
use axum::http::{Method, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Instant;
use uuid::Uuid;

/// The upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// The outcomes of a webhook delivery attempt counted.
pub const DELIVERY_OUTCOMES: [&str; 4] = ["delivered", "retrying", "dead_lettered", "cancelled"];

/// What a request was, as its series' labels (when rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Series {
    route: Arc<str>,
    method: String,
    status: u16,
    class: &'static str,
}

/// A route's series: by method, status and workspace class.
type RouteSeries = HashMap<(Method, u16, &'static str), Latencies>;

#[derive(Debug, Default, Clone, Copy)]
struct Latencies {
    count: u64,
    sum: f64,
    /// Not cumulative: the count of each bucket alone (summed when rendered).
    buckets: [u64; BUCKETS.len()],
}

/// The counters of one process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// By route template (looked up by `&str`: a request allocates nothing to be counted).
    requests: Mutex<HashMap<Arc<str>, RouteSeries>>,
    deliveries: [AtomicU64; DELIVERY_OUTCOMES.len()],
}

/// What the routing and the auth extractor learn of a request, for its series: the
/// matched route's template and the caller's workspace.
#[derive(Debug, Clone, Default)]
pub struct Seen(Arc<SeenInner>);

#[derive(Debug, Default)]
struct SeenInner {
    route: OnceLock<MatchedPath>,
    workspace: OnceLock<Uuid>,
}

impl Seen {
    /// Notes the authenticated caller's workspace.
    pub fn workspace(&self, id: Uuid) {
        let _ = self.0.workspace.set(id);
    }
}

/// One pool's connections, for the `twenty_db_connections` gauges.
#[derive(Debug, Clone)]
pub struct PoolUse {
    /// `core`, `workspaces` (SQLite: every open workspace file), `reads`, `writes`.
    pub pool: &'static str,
    pub open: u64,
    pub idle: u64,
}

/// The gauges read when `/metrics` is asked for.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    pub pools: Vec<PoolUse>,
    /// SQLite: workspace files open (Postgres: none).
    pub open_workspaces: Option<u64>,
    /// The model cache: bytes and entries held.
    pub model_cache_bytes: u64,
    pub model_cache_entries: u64,
}

impl Metrics {
    /// Counts one answered request.
    fn observe(
        &self,
        route: &str,
        method: &Method,
        status: u16,
        class: &'static str,
        seconds: f64,
    ) {
        let bucket = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        let by_route = match requests.get_mut(route) {
            Some(by_route) => by_route,
            None => requests.entry(Arc::from(route)).or_default(),
        };
        let latencies = by_route.entry((method.clone(), status, class)).or_default();
        latencies.count += 1;
        latencies.sum += seconds;
        if let Some(b) = latencies.buckets.get_mut(bucket) {
            *b += 1;
        }
    }

    /// Counts one webhook delivery attempt ended with `outcome` (one of
    /// [`DELIVERY_OUTCOMES`]).
    pub fn delivery(&self, outcome: &str) {
        if let Some(i) = DELIVERY_OUTCOMES.iter().position(|o| *o == outcome) {
            self.deliveries[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The text `/metrics` answers.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let mut series: Vec<(Series, Latencies)> = {
            let requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
            requests
                .iter()
                .flat_map(|(route, by_route)| {
                    by_route.iter().map(|((method, status, class), l)| {
                        let series = Series {
                            route: route.clone(),
                            method: method.as_str().to_owned(),
                            status: *status,
                            class,
                        };
                        (series, *l)
                    })
                })
                .collect()
        };
        series.sort_by(|(a, _), (b, _)| {
            (&a.route, &a.method, a.status, a.class).cmp(&(&b.route, &b.method, b.status, b.class))
        });
        out.push_str("# HELP twenty_http_requests_total Requests answered, by route template, method, status and workspace class (anonymous: no key; standard: the compiled model; custom: a workspace that changed its model).\n");
        out.push_str("# TYPE twenty_http_requests_total counter\n");
        for (s, l) in &series {
            let _ = writeln!(
                out,
                "twenty_http_requests_total{{{}}} {}",
                labels(s),
                l.count
            );
        }
        out.push_str("# HELP twenty_http_request_duration_seconds Time from a request's head to its response's head, by the same labels.\n");
        out.push_str("# TYPE twenty_http_request_duration_seconds histogram\n");
        for (s, l) in &series {
            let labels = labels(s);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "twenty_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "twenty_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(
                out,
                "twenty_http_request_duration_seconds_sum{{{labels}}} {}",
                l.sum
            );
            let _ = writeln!(
                out,
                "twenty_http_request_duration_seconds_count{{{labels}}} {}",
                l.count
            );
        }
        out.push_str("# HELP twenty_webhook_deliveries_total Webhook delivery attempts made by this process, by what became of the delivery.\n");
        out.push_str("# TYPE twenty_webhook_deliveries_total counter\n");
        for (outcome, n) in DELIVERY_OUTCOMES.iter().zip(&self.deliveries) {
            let _ = writeln!(
                out,
                "twenty_webhook_deliveries_total{{outcome=\"{outcome}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP twenty_db_connections Database connections held, by pool and state.\n",
        );
        out.push_str("# TYPE twenty_db_connections gauge\n");
        for p in &gauges.pools {
            let busy = p.open.saturating_sub(p.idle);
            let _ = writeln!(
                out,
                "twenty_db_connections{{pool=\"{}\",state=\"idle\"}} {}",
                p.pool, p.idle
            );
            let _ = writeln!(
                out,
                "twenty_db_connections{{pool=\"{}\",state=\"in_use\"}} {busy}",
                p.pool
            );
        }
        if let Some(n) = gauges.open_workspaces {
            out.push_str("# HELP twenty_sqlite_open_workspaces Workspace files the embedded store holds open.\n");
            out.push_str("# TYPE twenty_sqlite_open_workspaces gauge\n");
            let _ = writeln!(out, "twenty_sqlite_open_workspaces {n}");
        }
        out.push_str("# HELP twenty_model_cache_bytes Estimated bytes of the workspace models cached (custom models; the standard one is not counted).\n");
        out.push_str("# TYPE twenty_model_cache_bytes gauge\n");
        let _ = writeln!(out, "twenty_model_cache_bytes {}", gauges.model_cache_bytes);
        out.push_str("# HELP twenty_model_cache_entries Workspace models cached.\n");
        out.push_str("# TYPE twenty_model_cache_entries gauge\n");
        let _ = writeln!(
            out,
            "twenty_model_cache_entries {}",
            gauges.model_cache_entries
        );
        out
    }
}

fn labels(s: &Series) -> String {
    format!(
        "route=\"{}\",method=\"{}\",status=\"{}\",class=\"{}\"",
        escape(&s.route),
        escape(&s.method),
        s.status,
        s.class
    )
}

/// A label value as the text format writes it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The middleware around every route: gives the request a [`Seen`] slot and counts its
/// response. `class_of` tells a workspace's class (`standard` or `custom`).
pub async fn count(
    metrics: Arc<Metrics>,
    class_of: impl Fn(Uuid) -> &'static str,
    mut request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let started = Instant::now();
    let seen = Seen::default();
    request.extensions_mut().insert(seen.clone());
    let method = request.method().clone();
    let response = next.run(request).await;
    let route = seen.0.route.get().map_or("unmatched", MatchedPath::as_str);
    let class = seen.0.workspace.get().map_or("anonymous", |w| class_of(*w));
    metrics.observe(
        route,
        &method,
        response.status().as_u16(),
        class,
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The layer on the routes themselves, where the matched template is known: notes it
/// in the request's [`Seen`] slot.
pub async fn note_route(request: Request<axum::body::Body>, next: Next) -> Response {
    if let (Some(seen), Some(path)) = (
        request.extensions().get::<Seen>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        let _ = seen.0.route.set(path.clone());
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_is_cumulative_and_counts_every_request() {
        let metrics = Metrics::default();
        for seconds in [0.0004, 0.003, 9.0] {
            metrics.observe("/rest/{object}", &Method::GET, 200, "standard", seconds);
        }
        metrics.delivery("delivered");
        let text = metrics.render(&Gauges::default());
        let labels = r#"route="/rest/{object}",method="GET",status="200",class="standard""#;
        for line in [
            format!("twenty_http_requests_total{{{labels}}} 3"),
            format!("twenty_http_request_duration_seconds_bucket{{{labels},le=\"0.0005\"}} 1"),
            format!("twenty_http_request_duration_seconds_bucket{{{labels},le=\"0.0025\"}} 1"),
            format!("twenty_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 2"),
            format!("twenty_http_request_duration_seconds_bucket{{{labels},le=\"5\"}} 2"),
            format!("twenty_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 3"),
            format!("twenty_http_request_duration_seconds_count{{{labels}}} 3"),
            "twenty_webhook_deliveries_total{outcome=\"delivered\"} 1".to_owned(),
            "twenty_webhook_deliveries_total{outcome=\"retrying\"} 0".to_owned(),
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
