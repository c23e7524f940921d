//! The HTTP(S) client of deliveries: hyper's client over rustls (the *ring* provider,
//! Mozilla's root certificates built in, so nothing needs installing), connecting only to
//! addresses the SSRF guard passed ([`super::guard`]), following no redirect, with one
//! timeout over the whole attempt (connect, send, the answer's status and the start of
//! its body).
use super::guard::{self, Guard};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use hyper_util::client::legacy::Client as Pooled;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::TokioExecutor;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The `User-Agent` of deliveries.
pub const USER_AGENT_VALUE: &str =
    concat!("twenty-server/", env!("CARGO_PKG_VERSION"), " (webhooks)");

/// The start of an answer's body kept in the log.
pub const EXCERPT_BYTES: usize = 1024;

/// Name resolution through the guard.
#[derive(Clone, Debug)]
struct GuardedDns(Guard);

impl tower::Service<Name> for GuardedDns {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let guard = self.0.clone();
        Box::pin(async move {
            guard::resolve(&guard, name.as_str(), 0)
                .await
                .map(Vec::into_iter)
                .map_err(std::io::Error::other)
        })
    }
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector<GuardedDns>>;

/// What an attempt got back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// `Retry-After` in seconds, on a 429 or 503.
    pub retry_after: Option<Duration>,
    /// The start of the body (at most [`EXCERPT_BYTES`]), as text.
    pub excerpt: String,
}

/// The client of one worker.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Pooled<Connector, Full<Bytes>>,
    guard: Guard,
    timeout: Duration,
}

impl Client {
    pub fn new(guard: Guard, timeout: Duration, idle_per_host: usize) -> Result<Client, String> {
        let mut http = HttpConnector::new_with_resolver(GuardedDns(guard.clone()));
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let inner = Pooled::builder(TokioExecutor::new())
            .pool_max_idle_per_host(idle_per_host)
            .build(https);
        Ok(Client {
            inner,
            guard,
            timeout,
        })
    }

    /// POSTs `body` (JSON) with `headers` to `target`.
    pub async fn post(
        &self,
        target: &str,
        headers: &[(&'static str, String)],
        body: String,
    ) -> Result<Answer, String> {
        let url = url::Url::parse(target).map_err(|e| format!("invalid target URL: {e}"))?;
        if let Some(refusal) = self.guard.refusal_of_literal(&url) {
            return Err(refusal);
        }
        let uri: hyper::Uri = url
            .as_str()
            .parse()
            .map_err(|e| format!("invalid target URL: {e}"))?;
        let mut request = hyper::Request::post(uri)
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, USER_AGENT_VALUE);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let attempt = async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| describe(&e))?;
            let status = response.status().as_u16();
            let retry_after = match status {
                429 | 503 => response
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs),
                _ => None,
            };
            let mut body = response.into_body();
            let mut excerpt = Vec::new();
            while excerpt.len() < EXCERPT_BYTES {
                match body.frame().await {
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            excerpt.extend_from_slice(&data);
                        }
                    }
                    // The status is what counts; a body cut short is logged as far as it came.
                    Some(Err(_)) | None => break,
                }
            }
            excerpt.truncate(EXCERPT_BYTES);
            Ok(Answer {
                status,
                retry_after,
                excerpt: String::from_utf8_lossy(&excerpt).into_owned(),
            })
        };
        tokio::time::timeout(self.timeout, attempt)
            .await
            .map_err(|_| {
                format!(
                    "timed out after {} (TWENTY_WEBHOOK_TIMEOUT)",
                    humantime::format_duration(self.timeout)
                )
            })?
    }
}

/// An error with its causes, `a: b: c` (the client's own text is only "client error").
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}
