//! The one error type of the SDK.

use serde_json::Value;

/// An error response of the server: the HTTP status, a stable code to branch on, and messages.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The server's code (`INVALID_FILTER`, `UNAUTHENTICATED`, `NOT_FOUND`, … — for
    /// GraphQL, its `extensions.twentyCode`), or the documented code of the status when the
    /// body names none. [`ApiError::error_code`] gives it as an enum.
    pub code: String,
    /// For a GraphQL error: its `extensions.code` (`BAD_USER_INPUT`, …).
    pub graphql_code: Option<String>,
    /// The server's messages (never empty).
    pub messages: Vec<String>,
    /// The kind of error the server named (`BadRequestException`, …).
    pub kind: Option<String>,
    /// The `x-request-id` of the response.
    pub request_id: Option<String>,
    /// The response body, as received (JSON when it parsed, else a string).
    pub body: Value,
}

impl ApiError {
    /// [`ApiError::code`] as the enum of the documented codes (`Unknown` for a code newer
    /// than this SDK).
    pub fn error_code(&self) -> crate::ErrorCode {
        crate::ErrorCode::parse(&self.code)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status,
            self.code,
            self.messages.join("; ")
        )
    }
}

/// Every failed call returns this.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// No response arrived (connection refused, timeout, TLS, …).
    #[error("network error: {0}")]
    Network(#[source] reqwest::Error),
    /// A 2xx response whose body is not what the API returns.
    #[error("invalid response (status {status}): {message}")]
    InvalidResponse { status: u16, message: String },
    /// The call was refused before sending: a bad URL, an empty filter group, a value the
    /// REST grammar cannot carry.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

impl Error {
    /// The HTTP status of an API error (`None` for the others).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// The code of an API error (`None` for the others).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// The code of an API error as the enum of the documented codes (`None` for the
    /// others), to `match` on.
    pub fn error_code(&self) -> Option<crate::ErrorCode> {
        match self {
            Error::Api(api) => Some(api.error_code()),
            _ => None,
        }
    }

    /// The messages of an API error (empty for the others).
    pub fn messages(&self) -> &[String] {
        match self {
            Error::Api(api) => &api.messages,
            _ => &[],
        }
    }
}

/// The code used when the server sent none: derived from the status.
fn code_of_status(status: u16) -> &'static str {
    match status {
        400 => "INVALID_REQUEST",
        401 => "UNAUTHENTICATED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        408 => "REQUEST_TIMEOUT",
        413 => "PAYLOAD_TOO_LARGE",
        414 => "URI_TOO_LONG",
        429 => "RATE_LIMITED",
        431 => "HEADERS_TOO_LARGE",
        503 => "SERVICE_UNAVAILABLE",
        s if s >= 500 => "INTERNAL_ERROR",
        _ => "HTTP_ERROR",
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The error of a non-2xx response: the REST body (`statusCode`, `error`, `messages`,
/// `code`), else the text.
pub(crate) fn from_response(status: u16, text: &str, request_id: Option<String>) -> Error {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    if let Some(Value::Object(map)) = &parsed
        && map.contains_key("errors")
    {
        // A GraphQL error response (401 for a missing key, 400 for a bad body).
        return from_graphql(status, map, request_id);
    }
    if let Some(Value::Object(map)) = &parsed {
        let mut messages = strings(map.get("messages"));
        messages.extend(strings(map.get("message")));
        let kind = map.get("error").and_then(Value::as_str).map(str::to_owned);
        if messages.is_empty() {
            messages.extend(kind.clone());
        }
        if messages.is_empty() {
            messages.push(format!("request failed with status {status}"));
        }
        let code = map
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or(code_of_status(status))
            .to_owned();
        return Error::Api(Box::new(ApiError {
            status,
            code,
            graphql_code: None,
            messages,
            kind,
            request_id,
            body: parsed.unwrap_or(Value::Null),
        }));
    }
    let trimmed = text.trim();
    let message = if trimmed.is_empty() {
        format!("request failed with status {status}")
    } else {
        trimmed.chars().take(500).collect()
    };
    Error::Api(Box::new(ApiError {
        status,
        code: code_of_status(status).to_owned(),
        graphql_code: None,
        messages: vec![message],
        kind: None,
        request_id,
        body: Value::String(text.to_owned()),
    }))
}

/// The error of a GraphQL response with `errors`: the first one's `extensions.code` and
/// every message.
pub(crate) fn from_graphql(
    status: u16,
    body: &serde_json::Map<String, Value>,
    request_id: Option<String>,
) -> Error {
    let errors: Vec<&serde_json::Map<String, Value>> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| errors.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let extensions = errors.first().and_then(|e| e.get("extensions"));
    let graphql_code = extensions
        .and_then(|x| x.get("code"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    // The stable code (`twentyCode`) first, as the REST API would answer.
    let code = extensions
        .and_then(|x| x.get("twentyCode"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| graphql_code.clone())
        .unwrap_or_else(|| "GRAPHQL_ERROR".to_owned());
    let mut messages: Vec<String> = errors
        .iter()
        .flat_map(|e| strings(e.get("message")))
        .collect();
    if messages.is_empty() {
        messages.push(format!("the GraphQL request failed with status {status}"));
    }
    Error::Api(Box::new(ApiError {
        status,
        code,
        graphql_code,
        messages,
        kind: None,
        request_id,
        body: Value::Object(body.clone()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rest_error_body_gives_code_messages_and_kind() {
        let body = r#"{"statusCode":400,"error":"BadRequestException","messages":["createdAt: not a date"],"code":"INVALID_VALUE"}"#;
        let error = from_response(400, body, Some("req-1".to_owned()));
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.status, 400);
        assert_eq!(api.code, "INVALID_VALUE");
        assert_eq!(api.messages, ["createdAt: not a date"]);
        assert_eq!(api.kind.as_deref(), Some("BadRequestException"));
        assert_eq!(api.request_id.as_deref(), Some("req-1"));
        assert_eq!(
            error.to_string(),
            "400 INVALID_VALUE: createdAt: not a date"
        );
    }

    #[test]
    fn without_a_code_or_json_the_status_decides() {
        let error = from_response(403, r#"{"error":"Forbidden"}"#, None);
        assert_eq!(error.code(), Some("FORBIDDEN"));
        assert_eq!(error.messages(), ["Forbidden"]);
        let error = from_response(502, "<html>bad gateway</html>", None);
        assert_eq!(error.code(), Some("INTERNAL_ERROR"));
        assert_eq!(error.error_code(), Some(crate::ErrorCode::InternalError));
        assert_eq!(error.messages(), ["<html>bad gateway</html>"]);
        let error = from_response(429, "", None);
        assert_eq!(error.code(), Some("RATE_LIMITED"));
        assert_eq!(error.messages(), ["request failed with status 429"]);
    }

    #[test]
    fn codes_are_an_enum_with_an_unknown_variant() {
        let error = from_response(400, r#"{"code":"INVALID_FILTER","messages":["x"]}"#, None);
        assert_eq!(error.error_code(), Some(crate::ErrorCode::InvalidFilter));
        let error = from_response(400, r#"{"code":"SOMETHING_NEWER","messages":["x"]}"#, None);
        assert_eq!(
            error.error_code(),
            Some(crate::ErrorCode::Unknown("SOMETHING_NEWER".to_owned()))
        );
        assert_eq!(
            crate::ErrorCode::UniqueViolation.as_str(),
            "UNIQUE_VIOLATION"
        );
        let graphql = serde_json::json!({"errors": [{"message": "too many", "extensions": {"code": "BAD_USER_INPUT", "twentyCode": "LIMIT_EXCEEDED"}}]});
        let error = from_graphql(200, graphql.as_object().unwrap(), None);
        assert_eq!(error.error_code(), Some(crate::ErrorCode::LimitExceeded));
        let Error::Api(api) = error else { panic!() };
        assert_eq!(api.graphql_code.as_deref(), Some("BAD_USER_INPUT"));
    }
}
