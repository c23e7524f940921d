//! `ApiError`: the one error every HTTP handler returns (status, stable code, message),
//! rendered as Twenty's error body plus our `code`. Knows nothing of storage or SQL.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answered to an API client: its status, a stable machine code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable code clients can match on (`UNAUTHENTICATED`, `FORBIDDEN`, …).
    pub code: &'static str,
    /// What went wrong, for a human.
    pub message: String,
    /// Seconds after which a retry may succeed (429, 503): sent as `Retry-After`.
    pub retry_after: Option<u64>,
    /// The request ran against a model its workspace no longer has (another process
    /// changed it meanwhile): the server retries it once with the current model
    /// ([`StaleModel`] on the response tells it so).
    pub stale_model: bool,
}

/// Marks a response whose request met a model its workspace no longer has.
#[derive(Debug, Clone, Copy)]
pub struct StaleModel;

impl ApiError {
    /// Any status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            twenty_codegen::model::error_code(code).is_some(),
            "`{code}` is not in the model's table of error codes (codegen::model::ERROR_CODES), which the OpenAPI document declares"
        );
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
            stale_model: false,
        }
    }

    /// The same error, to be retried after `secs` seconds.
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// 429 `RATE_LIMITED`, retry after `secs` seconds.
    pub fn rate_limited(message: impl Into<String>, secs: u64) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", message).retry_after(secs)
    }

    /// 503 `SERVICE_UNAVAILABLE`: every database connection is busy; retry in a second.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the server is busy: every database connection is in use; retry shortly",
        )
        .retry_after(1)
    }

    /// A failure of the server or its database: a 503 when the database's connections
    /// are all busy (the request may succeed later), else a 500.
    pub fn failure(error: impl std::error::Error + 'static) -> Self {
        if crate::store::is_busy(&error) {
            tracing::warn!(%error, "database busy");
            return Self::unavailable();
        }
        if crate::store::is_stale_schema(&error) {
            tracing::info!(%error, "a request met a changed model");
            let mut e = Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the workspace's model changed during the request; retry it",
            )
            .retry_after(1);
            e.stale_model = true;
            return e;
        }
        Self::internal(error)
    }

    /// 401 `UNAUTHENTICATED`: no usable API key.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
    }

    /// 403 `FORBIDDEN`: the key may not do this (e.g. a write with a read-only key).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    /// 400 `BAD_REQUEST` with a specific code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// 500 `INTERNAL_ERROR`: the detail goes to the log, the client gets a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "internal server error",
        )
    }

    /// The JSON body: `{"statusCode","error","messages":[..],"code"}`, `error` being
    /// Twenty's name for the status (`BadRequestException`).
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "statusCode": self.status.as_u16(),
            "error": twenty_codegen::model::error_name(self.status.as_u16()),
            "messages": [self.message],
            "code": self.code,
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        self.add_retry_after(&mut response);
        if self.stale_model {
            response.extensions_mut().insert(StaleModel);
        }
        response
    }
}

impl ApiError {
    /// Sets `Retry-After` on `response` when the error has one.
    pub fn add_retry_after(&self, response: &mut Response) {
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
    }
}
