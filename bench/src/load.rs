//! The load generator: N keep-alive HTTP/1.1 connections, each sending its requests back
//! to back; a warm-up whose requests are not counted, then a fixed time in which every
//! latency is recorded (exact percentiles from the sorted latencies).
//!
//! It is a hand-written HTTP/1.1 client on one thread (its own single-threaded runtime):
//! requests are rendered once into bytes and responses parsed with `httparse`, so the
//! generator costs little CPU on a machine whose cores it shares with the server and the
//! database. A general client (one `reqwest` client per connection) spent more CPU than
//! the floor server it measured, and its scheduling showed in every p99.

use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request to send.
pub struct Request {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path with its query string.
    pub path: String,
    /// A JSON body.
    pub body: Option<String>,
    /// The key to send instead of the run's (requests spread over workspaces).
    pub bearer: Option<String>,
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

    /// An outcome measured by other means than the load generator (one latency per
    /// operation, `elapsed` in all).
    pub fn measured(
        latencies: &[Duration],
        elapsed: Duration,
        rows: Option<usize>,
        error: Option<String>,
    ) -> Outcome {
        let mut latencies: Vec<u32> = latencies
            .iter()
            .map(|d| u32::try_from(d.as_micros()).unwrap_or(u32::MAX))
            .collect();
        latencies.sort_unstable();
        Outcome {
            requests: latencies.len() as u64,
            errors: u64::from(error.is_some()),
            first_error: error,
            rows,
            elapsed,
            latencies,
        }
    }

    /// A scenario measured by a count of events in `elapsed` rather than by requests
    /// (no latencies).
    pub fn counted(count: u64, elapsed: Duration, error: Option<String>) -> Outcome {
        Outcome {
            requests: count,
            errors: u64::from(error.is_some()),
            first_error: error,
            rows: Some(0),
            elapsed,
            latencies: Vec::new(),
        }
    }

    /// Whether latencies were measured.
    pub fn has_latencies(&self) -> bool {
        !self.latencies.is_empty()
    }

    /// A scenario that could not run at all.
    fn failed(message: String) -> Outcome {
        Outcome {
            requests: 0,
            errors: 1,
            first_error: Some(message),
            rows: None,
            elapsed: Duration::ZERO,
            latencies: Vec::new(),
        }
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

/// Drives `requests` at `addr` with `load.connections` connections; `bearer` is sent as
/// the `Authorization` header when given. Runs on a thread of its own.
pub async fn run(
    addr: SocketAddr,
    requests: Requests,
    bearer: Option<String>,
    load: Load,
) -> Outcome {
    let generator = tokio::task::spawn_blocking(move || {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime.block_on(drive(addr, requests, bearer, load)),
            Err(e) => Outcome::failed(format!("cannot start the load generator's runtime: {e}")),
        }
    });
    generator
        .await
        .unwrap_or_else(|e| Outcome::failed(format!("the load generator failed: {e}")))
}

async fn drive(
    addr: SocketAddr,
    requests: Requests,
    bearer: Option<String>,
    load: Load,
) -> Outcome {
    let shared = Arc::new(Shared {
        next: AtomicU64::new(0),
        errors: AtomicU64::new(0),
        first_error: std::sync::Mutex::new(None),
    });
    let start = Instant::now();
    let window = Window {
        measure_from: start + load.warmup,
        end: start + load.warmup + load.duration,
    };
    let head = Arc::new(Head {
        host: addr.to_string(),
        bearer,
    });
    let mut tasks = Vec::with_capacity(load.connections);
    for _ in 0..load.connections.max(1) {
        let requests = requests.clone();
        let shared = shared.clone();
        let head = head.clone();
        tasks.push(tokio::spawn(async move {
            connection(addr, requests, shared, head, window).await
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
        .min(window.end)
        .saturating_duration_since(window.measure_from);
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

/// When latencies count: responses to requests sent from `measure_from` and received
/// by `end`; no request is sent after `end`.
#[derive(Debug, Clone, Copy)]
struct Window {
    measure_from: Instant,
    end: Instant,
}

/// What every request carries besides its own line and body.
struct Head {
    host: String,
    bearer: Option<String>,
}

/// How long one request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The bytes of one HTTP/1.1 request.
fn render(request: &Request, head: &Head) -> Vec<u8> {
    use std::fmt::Write;
    let mut text = String::with_capacity(256 + request.body.as_ref().map_or(0, String::len));
    let _ = write!(
        text,
        "{} {} HTTP/1.1\r\nhost: {}\r\n",
        request.method, request.path, head.host
    );
    if let Some(bearer) = request.bearer.as_ref().or(head.bearer.as_ref()) {
        let _ = write!(text, "authorization: Bearer {bearer}\r\n");
    }
    match &request.body {
        Some(body) => {
            let _ = write!(
                text,
                "content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
        }
        None => text.push_str("\r\n"),
    }
    text.into_bytes()
}

/// A response: its status, its body (de-chunked) and whether the server closes.
struct Response {
    status: u16,
    close: bool,
}

/// Reads more of the response into `buf`.
async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), String> {
    buf.reserve(16 * 1024);
    match stream.read_buf(buf).await {
        Ok(0) => Err("the server closed the connection".to_owned()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("reading the response: {e}")),
    }
}

/// Sends `request` and reads its response, its body into `body`.
async fn exchange(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    request: &[u8],
    body: &mut Vec<u8>,
) -> Result<Response, String> {
    stream
        .write_all(request)
        .await
        .map_err(|e| format!("sending the request: {e}"))?;
    buf.clear();
    body.clear();
    let (header_len, status, length, chunked, close) = loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut parsed = httparse::Response::new(&mut headers);
        match parsed.parse(buf) {
            Ok(httparse::Status::Complete(header_len)) => {
                let mut length = None;
                let mut chunked = false;
                let mut close = false;
                for header in parsed.headers.iter() {
                    let value = header.value;
                    if header.name.eq_ignore_ascii_case("content-length") {
                        length = std::str::from_utf8(value)
                            .ok()
                            .and_then(|v| v.trim().parse::<usize>().ok());
                    } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = value.eq_ignore_ascii_case(b"chunked");
                    } else if header.name.eq_ignore_ascii_case("connection") {
                        close = value.eq_ignore_ascii_case(b"close");
                    }
                }
                break (header_len, parsed.code.unwrap_or(0), length, chunked, close);
            }
            Ok(httparse::Status::Partial) => read_more(stream, buf).await?,
            Err(e) => return Err(format!("an unparsable response ({e}): {}", preview(buf))),
        }
    };
    if chunked {
        let mut at = header_len;
        loop {
            let (line, size) = loop {
                match httparse::parse_chunk_size(&buf[at..]) {
                    Ok(httparse::Status::Complete(found)) => break found,
                    Ok(httparse::Status::Partial) => read_more(stream, buf).await?,
                    Err(_) => return Err("an unparsable chunk size".to_owned()),
                }
            };
            at += line;
            let size = usize::try_from(size).map_err(|_| "a chunk too large".to_owned())?;
            if size == 0 {
                // The end: optional trailers, then an empty line.
                while !(buf.ends_with(b"\r\n\r\n") || buf.len() == at + 2 && buf.ends_with(b"\r\n"))
                {
                    read_more(stream, buf).await?;
                }
                break;
            }
            while buf.len() < at + size + 2 {
                read_more(stream, buf).await?;
            }
            body.extend_from_slice(&buf[at..at + size]);
            at += size + 2;
        }
    } else {
        let length = length.ok_or("a response with neither Content-Length nor chunks")?;
        while buf.len() < header_len + length {
            read_more(stream, buf).await?;
        }
        body.extend_from_slice(&buf[header_len..header_len + length]);
    }
    Ok(Response { status, close })
}

async fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("cannot set TCP_NODELAY: {e}"))?;
    Ok(stream)
}

/// One keep-alive connection: requests back to back until the window ends. Returns the
/// latencies measured in the window and the records of its first successful response.
async fn connection(
    addr: SocketAddr,
    requests: Requests,
    shared: Arc<Shared>,
    head: Arc<Head>,
    window: Window,
) -> (Vec<u32>, Option<usize>) {
    let mut latencies = Vec::new();
    let mut rows = None;
    let mut stream: Option<TcpStream> = None;
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut body = Vec::with_capacity(64 * 1024);
    loop {
        if Instant::now() >= window.end {
            break;
        }
        let n = shared.next.fetch_add(1, Ordering::Relaxed);
        let request = requests(n);
        let bytes = render(&request, &head);
        let sent = Instant::now();
        let open = match stream.as_mut() {
            Some(open) => open,
            None => match connect(addr).await {
                Ok(fresh) => stream.insert(fresh),
                Err(e) => {
                    shared.error(e);
                    // A refused connection would spin: back off a little.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let answered =
            tokio::time::timeout(REQUEST_TIMEOUT, exchange(open, &mut buf, &bytes, &mut body))
                .await
                .unwrap_or_else(|_| Err(format!("no response within {REQUEST_TIMEOUT:?}")));
        let received = Instant::now();
        let response = match answered {
            Ok(response) => response,
            Err(e) => {
                shared.error(format!("{} {}: {e}", request.method, request.path));
                stream = None;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if response.close {
            stream = None;
        }
        if !(200..300).contains(&response.status) {
            shared.error(format!(
                "{} {} answered {}: {}",
                request.method,
                request.path,
                response.status,
                preview(&body)
            ));
            continue;
        }
        if rows.is_none() {
            match records_in(&body) {
                Ok(n) => rows = Some(n),
                Err(e) => shared.error(format!("{} {}: {e}", request.method, request.path)),
            }
        }
        if sent >= window.measure_from && received <= window.end {
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

    /// A server on 127.0.0.1 answering every request on a connection with the next of
    /// `answers` (cycling), after reading the request's head and body.
    async fn canned(answers: Vec<&'static str>) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answers = answers.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    for answer in answers.iter().cycle() {
                        // Read one request: its head, then Content-Length bytes.
                        let (head, length) = loop {
                            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                                let length = head
                                    .lines()
                                    .find_map(|l| l.strip_prefix("content-length: "))
                                    .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                                break (end + 4, length);
                            }
                            if socket.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                                return;
                            }
                        };
                        while buf.len() < head + length {
                            if socket.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                                return;
                            }
                        }
                        buf.drain(..head + length);
                        if socket.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    fn short_load(connections: usize) -> Load {
        Load {
            connections,
            warmup: Duration::from_millis(50),
            duration: Duration::from_millis(300),
        }
    }

    fn post() -> Requests {
        Arc::new(|n| Request {
            method: "POST",
            path: "/graphql".to_owned(),
            body: Some(format!(r#"{{"n":{n}}}"#)),
            bearer: None,
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sized_and_chunked_responses_are_read_on_kept_alive_connections() {
        let addr = canned(vec![
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 30\r\n\r\n{\"data\":{\"people\":[{},{},{}]}}",
            // The same records in two chunks, with a trailer.
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\n{\"data\":{\"people\r\ne\r\n\":[{},{},{}]}}\r\n0\r\nx-trailer: 1\r\n\r\n",
        ])
        .await;
        let outcome = run(addr, post(), Some("key".to_owned()), short_load(3)).await;
        assert_eq!(outcome.errors, 0, "{:?}", outcome.first_error);
        assert_eq!(outcome.rows, Some(3));
        assert!(outcome.requests > 10, "only {} responses", outcome.requests);
        assert!(outcome.percentile(99.0) < REQUEST_TIMEOUT);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn error_statuses_and_closed_connections_are_errors_not_hangs() {
        let addr = canned(vec![
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\nboom",
        ])
        .await;
        let outcome = run(addr, post(), None, short_load(2)).await;
        assert_eq!(outcome.requests, 0);
        assert!(outcome.errors > 0);
        let first = outcome.first_error.unwrap();
        assert!(first.contains("answered 500: boom"), "{first}");

        // Nobody listens: connection errors, counted, and the run still ends.
        let free = crate::process::free_address().unwrap();
        let outcome = run(free, post(), None, short_load(1)).await;
        assert_eq!(outcome.requests, 0);
        assert!(outcome.first_error.unwrap().contains("cannot connect"));
    }

    #[test]
    fn requests_are_rendered_once_with_their_head() {
        let head = Head {
            host: "127.0.0.1:9".to_owned(),
            bearer: Some("k".to_owned()),
        };
        let get = Request {
            method: "GET",
            path: "/rest/people?limit=2".to_owned(),
            body: None,
            bearer: None,
        };
        assert_eq!(
            String::from_utf8(render(&get, &head)).unwrap(),
            "GET /rest/people?limit=2 HTTP/1.1\r\nhost: 127.0.0.1:9\r\nauthorization: Bearer k\r\n\r\n"
        );
        // A request's own key replaces the run's.
        let own = Request {
            bearer: Some("w".to_owned()),
            ..get
        };
        assert!(
            String::from_utf8(render(&own, &head))
                .unwrap()
                .contains("authorization: Bearer w\r\n")
        );
        let post = Request {
            method: "POST",
            path: "/graphql".to_owned(),
            body: Some("{}".to_owned()),
            bearer: None,
        };
        let text = String::from_utf8(render(
            &post,
            &Head {
                host: "h".to_owned(),
                bearer: None,
            },
        ))
        .unwrap();
        assert_eq!(
            text,
            "POST /graphql HTTP/1.1\r\nhost: h\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
        );
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
