//! The axum application: `/healthz` (readiness, and `/healthz/live`), `/rest/open-api/core`,
//! `/rest/docs`, `/metrics`, and the layers around every route (the body read within its
//! limits, request ids, tracing with latency, compression, the request counters, CORS,
//! `RateLimit-*` headers, JSON error bodies).
use crate::error::ApiError;
use crate::rate::QuotaSlot;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Duration;
use tower_http::LatencyUnit;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The application: every route and layer.
pub fn app(state: AppState) -> Router {
    with_layers(
        routes()
            .merge(crate::rest::routes())
            .merge(crate::graphql_http::routes())
            .merge(crate::metadata_http::routes())
            .merge(crate::webhooks_http::routes()),
        state,
    )
}

/// The routes of this module, before state, so transports can merge theirs in.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(ready))
        .route("/healthz/ready", get(ready))
        .route("/healthz/live", get(live))
        .route("/rest/open-api/core", get(open_api_core))
        .route("/metrics", get(metrics))
        .route("/rest/docs", get(crate::api_docs::page))
        .route("/rest/docs/assets/{file}", get(crate::api_docs::asset))
}

/// Gives `routes` its state and wraps them in the layers every route gets: body limit,
/// request id (set and echoed as `x-request-id`), and a span per request logging latency.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    // Router::layer wraps what is there already: the last layer added runs first.
    // The JSON error bodies wrap the routed router as a whole: axum adds `Allow` to a 405
    // after a route's own layers have run.
    let body_timeout = state.body_timeout;
    let versions = state.versions.clone();
    let metrics = state.metrics.clone();
    let cors = cors_layer(&state.cors);
    let classes = state.versions.clone();
    let class_of = move |workspace| match classes.last(workspace) {
        Some(0) => "standard",
        Some(_) => "custom",
        None => "unknown",
    };
    let routed = routes
        .route_layer(middleware::from_fn(crate::metrics::note_route))
        .with_state(state)
        .layer(middleware::from_fn(move |request, next| {
            retry_stale(versions.clone(), request, next)
        }))
        .layer(middleware::from_fn(move |request, next| {
            read_body(body_timeout, request, next)
        }));
    Router::new()
        .fallback_service(routed)
        .layer(middleware::from_fn(quota_headers))
        .layer(middleware::from_fn(json_error_bodies))
        .layer(tower::util::option_layer(cors))
        .layer(middleware::from_fn(move |request, next| {
            crate::metrics::count(metrics.clone(), class_of.clone(), request, next)
        }))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(COMPRESS_ABOVE))),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(LatencyUnit::Micros),
                ),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Answers smaller than this are sent as they are, whatever the client accepts.
pub const COMPRESS_ABOVE: u16 = 1024;

/// The headers a browser page may read from an answer (besides the CORS-safelisted ones).
const EXPOSED_HEADERS: [&str; 5] = [
    "x-request-id",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "retry-after",
];

/// The CORS layer for `origins` (`None`: off, no CORS headers at all). Preflights are
/// answered before any route (no key needed); requests carry their key in
/// `Authorization`, not in cookies, so credentials are never allowed.
fn cors_layer(origins: &crate::config::CorsOrigins) -> Option<CorsLayer> {
    use crate::config::CorsOrigins;
    use axum::http::Method;
    let allow = match origins {
        CorsOrigins::Off => return None,
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        ),
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_NONE_MATCH,
                axum::http::HeaderName::from_static("x-request-id"),
                axum::http::HeaderName::from_static("traceparent"),
            ])
            .expose_headers(EXPOSED_HEADERS.map(axum::http::HeaderName::from_static))
            .max_age(Duration::from_secs(3600)),
    )
}

fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
        workspace = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    if let Some(trace) = request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(trace_id)
    {
        span.record("trace_id", trace);
    }
    span
}

/// The trace id of a W3C `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`), when it
/// is well formed and not all zeros; anything else is ignored, as the standard says.
fn trace_id(header: &str) -> Option<&str> {
    let mut parts = header.trim().split('-');
    let (version, trace, parent, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let ok = hex(version, 2)
        && version != "ff"
        && hex(trace, 32)
        && trace.bytes().any(|b| b != b'0')
        && hex(parent, 16)
        && hex(flags, 2)
        && (version != "00" || parts.next().is_none());
    ok.then_some(trace)
}

/// How many times a request that met a model its workspace no longer has is run in all.
pub const STALE_MODEL_RUNS: usize = 3;

/// Runs a request again when it met a model its workspace no longer has (another process
/// changed the model within the last version check, or a change committed while the
/// request ran): with the versions forgotten, the next run reads the current one. A failed
/// run changed nothing (its transaction rolled back), so running it again is safe; back-to-
/// back changes may need a run each, up to [`STALE_MODEL_RUNS`]. The body is in memory
/// already (`read_body` runs first).
async fn retry_stale(
    versions: std::sync::Arc<crate::models::Versions>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut run = 1;
    loop {
        let request = Request::from_parts(parts.clone(), axum::body::Body::from(bytes.clone()));
        let response = next.clone().run(request).await;
        let stale = response
            .extensions()
            .get::<crate::error::StaleModel>()
            .is_some();
        if !stale || run == STALE_MODEL_RUNS {
            return response;
        }
        versions.clear();
        run += 1;
    }
}

/// `GET /metrics`: the counters in Prometheus' text format (no key: the labels name no
/// workspace; see [`crate::metrics`]).
async fn metrics(State(state): State<AppState>) -> Response {
    let (pools, open_workspaces) = state.store.pool_use().await;
    let (bytes, entries) = state.models.usage();
    let gauges = crate::metrics::Gauges {
        pools,
        open_workspaces,
        model_cache_bytes: bytes as u64,
        model_cache_entries: entries as u64,
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render(&gauges),
    )
        .into_response()
}

/// `GET /healthz/live`: the process answers (it does not touch the database), for a
/// liveness probe that restarts a stuck process.
async fn live() -> Response {
    axum::Json(serde_json::json!({"status": "ok"})).into_response()
}

/// `GET /healthz` and `/healthz/ready`: whether requests can be served: the database
/// answers within 2 s and, on the embedded store, its disk has at least the configured
/// free space. 503 naming what is wrong otherwise, for a readiness probe.
async fn ready(State(state): State<AppState>) -> Response {
    let backend = state.store.backend();
    let database = match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("timed out after 2s".to_owned()),
    };
    let free = state.store.free_disk_bytes();
    let disk_full = free.is_some_and(|f| f < state.min_free_disk);
    let mut body = serde_json::json!({
        "status": if database.is_ok() && !disk_full { "ok" } else { "error" },
        "database": match &database {
            Ok(()) => serde_json::json!({"backend": backend, "status": "up"}),
            Err(error) => serde_json::json!({"backend": backend, "status": "down", "error": error}),
        },
    });
    if let Some(free) = free {
        body["disk"] = serde_json::json!({
            "status": if disk_full { "full" } else { "ok" },
            "freeBytes": free,
            "minFreeBytes": state.min_free_disk,
        });
    }
    if let Err(error) = &database {
        tracing::warn!(%error, "health check: database down");
    }
    if disk_full {
        tracing::warn!(free, min = state.min_free_disk, "health check: disk full");
    }
    let status = if database.is_ok() && !disk_full {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// `GET /rest/open-api/core`: the caller's workspace's document with a key, the standard
/// one without (a bad key is a 401, not the standard document).
async fn open_api_core(
    State(state): State<AppState>,
    mut parts: axum::http::request::Parts,
) -> Result<Response, ApiError> {
    use axum::extract::FromRequestParts;
    let (model, workspace) = if parts.headers.contains_key(header::AUTHORIZATION) {
        let auth = crate::auth::Auth::from_request_parts(&mut parts, &state).await?;
        (
            state.model(auth.workspace_id).await?,
            Some(auth.workspace_id),
        )
    } else {
        (state.models.standard(), None)
    };
    let document = model.openapi();
    if let Some(workspace) = workspace {
        // The document now counts in the cache's budget.
        state.models.resize(workspace, &model);
    }
    Ok(document.respond(&parts.headers))
}

/// Reads the request's body whole before the handler runs: at most [`MAX_BODY_BYTES`]
/// (413), within `timeout` of its headers (408, and the connection is closed). A client
/// that trickles its body cannot hold a handler or a connection.
async fn read_body(timeout: Duration, request: Request<axum::body::Body>, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large().into_response();
    }
    let (parts, body) = request.into_parts();
    let bytes =
        match tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(e)) => {
                let length_limit = std::error::Error::source(&e)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                return if length_limit {
                    too_large().into_response()
                } else {
                    ApiError::bad_request("INVALID_BODY", format!("cannot read the body: {e}"))
                        .into_response()
                };
            }
            Err(_) => {
                let mut response = ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "REQUEST_TIMEOUT",
                    format!(
                        "the request's body did not arrive within {}s",
                        timeout.as_secs_f64()
                    ),
                )
                .into_response();
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return response;
            }
        };
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("the request body exceeds the limit of {MAX_BODY_BYTES} bytes"),
    )
}

/// Gives the request a slot for its API key's quota (filled by the `Auth` extractor) and
/// the response the `RateLimit-Limit` / `-Remaining` / `-Reset` headers from it.
async fn quota_headers(mut request: Request<axum::body::Body>, next: Next) -> Response {
    let slot = QuotaSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(quota) = slot.0.get() {
        let headers = response.headers_mut();
        headers.insert("ratelimit-limit", quota.limit.into());
        headers.insert("ratelimit-remaining", quota.remaining.into());
        headers.insert("ratelimit-reset", quota.reset_secs().into());
    }
    response
}

/// Gives the error responses produced outside our handlers (no route, wrong method, body
/// too large, an extractor's rejection) the same JSON body as `ApiError`, keeping headers
/// such as `Allow`.
async fn json_error_bodies(request: Request<axum::body::Body>, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error() || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(format!("no route for {method} {path}")),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            ApiError::new(
                status,
                "METHOD_NOT_ALLOWED",
                format!("{method} is not allowed on {path} (allowed: {allowed})"),
            )
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            "PAYLOAD_TOO_LARGE",
            format!("the request body exceeds the limit of {MAX_BODY_BYTES} bytes"),
        ),
        _ if text.is_empty() => ApiError::new(status, "INVALID_REQUEST", "invalid request"),
        _ => ApiError::new(status, "INVALID_REQUEST", text),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = axum::body::Body::from(error.body().to_string());
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::trace_id;

    #[test]
    fn a_traceparent_gives_its_trace_id_when_well_formed() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert_eq!(trace_id(&format!("00-{id}-00f067aa0ba902b7-01")), Some(id));
        for bad in [
            "".to_owned(),
            format!("00-{id}-00f067aa0ba902b7"),
            format!("00-{}-00f067aa0ba902b7-01", "0".repeat(32)),
            format!("ff-{id}-00f067aa0ba902b7-01"),
            format!("00-{id}-00f067aa0ba902b7-01-extra"),
            "00-xyz-00f067aa0ba902b7-01".to_owned(),
        ] {
            assert_eq!(trace_id(&bad), None, "{bad}");
        }
    }
}
