//! Serving connections: the accept loop with its connection cap, HTTP/1 over each socket,
//! and the socket's guard — the idle and header timeouts, and JSON bodies for the bare
//! refusals hyper writes itself (414, 431, 400 for a malformed head). Knows nothing of
//! routes; the body timeout is the `http` module's (it needs the request).

use crate::config::ConnLimits;
use crate::error::ApiError;
use axum::Router;
use axum::http::StatusCode;
use hyper::body::Incoming;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};

/// The largest request head (request line and headers) read, in bytes; more is a 431.
/// A URI is at most 65,534 bytes (a 414 past that, hyper's limit).
pub const MAX_HEAD_BYTES: usize = 128 * 1024;

/// Serves `router` on `listener` until `shutdown` turns true, then stops accepting, lets
/// each connection finish its request in flight, and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_buf_size(MAX_HEAD_BYTES).keep_alive(true);
    let http = Arc::new(http);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = stopped(&mut shutdown) => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait a
                    // little rather than spin.
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stopped(&mut shutdown) => break,
        };
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY on a connection: {e}");
        }
        let router = router.clone();
        let http = http.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let mut router = router.clone();
                let mut request = request.map(axum::body::Body::new);
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                async move {
                    use tower::Service;
                    router.call(request).await
                }
            });
            let io = hyper_util::rt::TokioIo::new(Guarded::new(stream, limits));
            let connection = http.serve_connection(io, service);
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stopped(&mut shutdown) => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!("connection closed: {e}");
            }
        });
    }
    // Every connection gives its permit back when it closes.
    let _all = permits
        .acquire_many(u32::try_from(limits.max_connections).unwrap_or(u32::MAX))
        .await;
    Ok(())
}

/// Returns once `shutdown` is true (or its sender is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    loop {
        let stop = *shutdown.borrow_and_update();
        if stop || shutdown.changed().await.is_err() {
            return;
        }
    }
}

/// Where a connection is between requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a request's first byte (new, or after a response): the idle timeout.
    Idle,
    /// Reading a request head since `started`: the header timeout, until `\r\n\r\n`.
    Head,
    /// The head is in: the body and the handler take their time (the body timeout is the
    /// middleware's); a response the client does not read is bounded by the idle timeout.
    Busy,
}

/// A TCP stream with the connection's timeouts, and JSON bodies for hyper's own refusals.
struct Guarded {
    /// Always `Some` until dropped (taken by a lingering close).
    stream: Option<TcpStream>,
    limits: ConnLimits,
    phase: Phase,
    /// The end of the head is `\r\n\r\n`: how many of its bytes were the last ones read.
    matched: usize,
    /// When the current wait's clock started (last activity, or the head's first byte).
    since: Instant,
    timer: Pin<Box<Sleep>>,
    /// A rewritten refusal being written in place of hyper's: the bytes and how many are
    /// out, and the length of hyper's write it stands for.
    rewrite: Option<(Vec<u8>, usize, usize)>,
    /// A refusal went out while the client may still be sending: close lingering.
    linger: bool,
}

impl Drop for Guarded {
    /// After a refusal the client may still be sending its (too large) request: closing
    /// with unread data would reset the connection and lose the answer on its way. So the
    /// socket's write side is shut and what arrives is read and dropped, for a moment.
    fn drop(&mut self) {
        let (Some(mut stream), true) = (self.stream.take(), self.linger) else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let _ = stream.shutdown().await;
                let mut sink = [0u8; 16 * 1024];
                let drain = async {
                    let mut left = 8 * 1024 * 1024usize;
                    while left > 0 {
                        match stream.read(&mut sink).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => left = left.saturating_sub(n),
                        }
                    }
                };
                let _ = tokio::time::timeout(Duration::from_secs(2), drain).await;
            });
        }
    }
}

impl Guarded {
    fn new(stream: TcpStream, limits: ConnLimits) -> Guarded {
        let now = Instant::now();
        Guarded {
            stream: Some(stream),
            limits,
            phase: Phase::Idle,
            matched: 0,
            since: now,
            timer: Box::pin(tokio::time::sleep_until(now + limits.idle_timeout)),
            rewrite: None,
            linger: false,
        }
    }

    fn stream(&mut self) -> Pin<&mut TcpStream> {
        Pin::new(
            self.stream
                .as_mut()
                .expect("the stream is only taken when dropped"),
        )
    }

    /// Polls the current wait's deadline: an error once it passed. The timer is only
    /// moved when it would fire after the deadline or has fired: a timer that fires early
    /// wakes the connection once, which polls again and moves it. So a busy kept-alive
    /// connection does not move its timer at every request.
    fn poll_deadline(&mut self, cx: &mut Context<'_>, timeout: Duration) -> io::Result<()> {
        let deadline = self.since + timeout;
        if Instant::now() >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no progress for {timeout:?}"),
            ));
        }
        if self.timer.deadline() > deadline || self.timer.is_elapsed() {
            self.timer.as_mut().reset(deadline);
        }
        // Registers the waker; ready only once past the deadline, checked above.
        let _ = self.timer.as_mut().poll(cx);
        Ok(())
    }

    /// After a write to the socket (`bytes` its first): a response is going out, so what
    /// is read next starts the next request; a write that waits is bounded by the idle
    /// timeout.
    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<usize>>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        match result {
            // `100 Continue` asks for the body: the request is not answered yet.
            Poll::Ready(Ok(n)) if bytes.starts_with(b"HTTP/1.1 100 ") => Poll::Ready(Ok(n)),
            Poll::Ready(Ok(n)) => {
                // hyper polled its read side before writing, with no deadline then: arm
                // the idle one now, or nothing would wake the connection to notice it passed.
                self.since = Instant::now();
                self.phase = Phase::Idle;
                let _ = self.poll_deadline(cx, self.limits.idle_timeout);
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                self.poll_deadline(cx, self.limits.idle_timeout)?;
                Poll::Pending
            }
        }
    }

    /// Follows the request head through `bytes` just read.
    fn saw(&mut self, bytes: &[u8]) {
        const END: &[u8; 4] = b"\r\n\r\n";
        let mut rest = bytes;
        if self.phase == Phase::Idle {
            // Blank lines before a request line are allowed and ignored.
            let skip = rest
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            rest = &rest[skip..];
            if rest.is_empty() {
                return;
            }
            self.phase = Phase::Head;
            self.since = Instant::now();
            self.matched = 0;
        }
        if self.phase == Phase::Head {
            for &b in rest {
                self.matched = if b == END[self.matched] {
                    self.matched + 1
                } else if b == b'\r' {
                    1
                } else {
                    0
                };
                if self.matched == END.len() {
                    self.phase = Phase::Busy;
                    break;
                }
            }
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match this.stream().poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let read = &buf.filled()[before..];
                if !read.is_empty() {
                    if this.phase != Phase::Head {
                        this.since = Instant::now();
                    }
                    this.saw(read);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let waiting = match this.phase {
                    Phase::Idle => Some(this.limits.idle_timeout),
                    Phase::Head => Some(this.limits.header_timeout),
                    Phase::Busy => None,
                };
                if let Some(timeout) = waiting
                    && let Err(e) = this.poll_deadline(cx, timeout)
                {
                    if this.phase == Phase::Head {
                        // Best effort: say why before closing.
                        let body = refusal(
                            StatusCode::REQUEST_TIMEOUT,
                            &ApiError::new(
                                StatusCode::REQUEST_TIMEOUT,
                                "REQUEST_TIMEOUT",
                                format!(
                                    "the request's headers did not arrive within {}s",
                                    this.limits.header_timeout.as_secs_f64()
                                ),
                            ),
                        );
                        if let Some(stream) = &this.stream {
                            let _ = stream.try_write(&body);
                        }
                        this.linger = true;
                    }
                    return Poll::Ready(Err(e));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.rewrite.is_none()
            && let Some(replacement) = rewrite_refusal(buf)
        {
            this.rewrite = Some((replacement, 0, buf.len()));
            this.linger = true;
        }
        if let Some((bytes, written, stands_for)) = &mut this.rewrite {
            while *written < bytes.len() {
                let stream = Pin::new(
                    this.stream
                        .as_mut()
                        .expect("the stream is only taken when dropped"),
                );
                match stream.poll_write(cx, &bytes[*written..]) {
                    Poll::Ready(Ok(n)) => *written += n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        this.poll_deadline(cx, this.limits.idle_timeout)?;
                        return Poll::Pending;
                    }
                }
            }
            let n = *stands_for;
            this.rewrite = None;
            return Poll::Ready(Ok(n));
        }
        let result = this.stream().poll_write(cx, buf);
        this.wrote(cx, result, buf)
    }

    /// Vectored, as the socket is: hyper then sends a head and its body without copying
    /// the body into its buffer. A refusal (one buffer, no body) goes through `poll_write`.
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        if this.rewrite.is_some() || rewrite_refusal(first).is_some() {
            return Pin::new(this).poll_write(cx, first);
        }
        let result = this.stream().poll_write_vectored(cx, bufs);
        this.wrote(cx, result, first)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().stream().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().stream().poll_shutdown(cx)
    }
}

/// A whole HTTP/1.1 response carrying `error`'s JSON body, closing the connection.
fn refusal(status: StatusCode, error: &ApiError) -> Vec<u8> {
    let body = error.body().to_string();
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes()
}

/// hyper answers a head it cannot parse itself, with a status and no body (the only
/// responses without a content type: every handler's has one). Those become the same
/// refusal with a JSON body and a code.
fn rewrite_refusal(head: &[u8]) -> Option<Vec<u8>> {
    if head.len() > 512 || !head.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let status = text.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    let lower = text.to_ascii_lowercase();
    if !lower.ends_with("\r\n\r\n")
        || lower.contains("\r\ncontent-type:")
        || !lower.contains("\r\ncontent-length: 0\r\n")
    {
        return None;
    }
    let (status, code, message) = match status {
        "414" => (
            StatusCode::URI_TOO_LONG,
            "URI_TOO_LONG",
            "the request's URI is longer than 65534 bytes; send long filters in fewer terms"
                .to_owned(),
        ),
        "431" => (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "HEADERS_TOO_LARGE",
            format!("the request line and headers exceed {MAX_HEAD_BYTES} bytes (or 100 headers)"),
        ),
        "400" => (
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "the request is not valid HTTP/1.1 (request line or a header)".to_owned(),
        ),
        _ => return None,
    };
    Some(refusal(status, &ApiError::new(status, code, message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_parse_refusals_are_rewritten() {
        let hyper_431 =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let rewritten = String::from_utf8(rewrite_refusal(hyper_431).unwrap()).unwrap();
        assert!(rewritten.starts_with("HTTP/1.1 431 "), "{rewritten}");
        assert!(
            rewritten.contains("\"code\":\"HEADERS_TOO_LARGE\""),
            "{rewritten}"
        );
        let ours =
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(rewrite_refusal(ours), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(rewrite_refusal(ok), None);
    }
}
