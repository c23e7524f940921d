//! The error codes of the REST API: each stable `code` with its HTTP status and when it is sent.
//! Owns the table only; the server decides when to answer with a code, emitters describe them.

/// One stable, machine-readable error code of the REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code clients branch on, as sent in the body's `code` (`INVALID_FILTER`).
    pub code: &'static str,
    /// The HTTP status every response with this code has.
    pub status: u16,
    /// When the server answers with it, in one line (for documentation).
    pub when: &'static str,
}

/// Every code the REST API answers with, ordered by status. The OpenAPI document's
/// `Error.code` enum, its error responses and the README's table are read from here.
pub const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode {
        code: "UNKNOWN_PARAMETER",
        status: 400,
        when: "a query parameter the route does not take",
    },
    ErrorCode {
        code: "INVALID_PARAMETER",
        status: 400,
        when: "a malformed or repeated query parameter",
    },
    ErrorCode {
        code: "LIMIT_EXCEEDED",
        status: 400,
        when: "`limit` above its maximum",
    },
    ErrorCode {
        code: "INVALID_FILTER",
        status: 400,
        when: "a malformed `filter` (the message gives the character position)",
    },
    ErrorCode {
        code: "FILTER_TOO_LARGE",
        status: 400,
        when: "a `filter` with more terms, or more `in` values, than the maximum",
    },
    ErrorCode {
        code: "NESTING_TOO_DEEP",
        status: 400,
        when: "a `filter` or a body nested more than 32 levels deep",
    },
    ErrorCode {
        code: "INVALID_ORDER",
        status: 400,
        when: "a malformed `order_by`",
    },
    ErrorCode {
        code: "INVALID_GROUP_BY",
        status: 400,
        when: "a malformed group-by request: `group_by`, `aggregate`, its `order_by`, or a date granularity or time zone",
    },
    ErrorCode {
        code: "INVALID_CURSOR",
        status: 400,
        when: "a malformed cursor, or one from another ordering",
    },
    ErrorCode {
        code: "INVALID_ID",
        status: 400,
        when: "a path id that is not a UUID",
    },
    ErrorCode {
        code: "INVALID_BODY",
        status: 400,
        when: "no body, malformed JSON, or the wrong shape (an object for one record, a list for a batch)",
    },
    ErrorCode {
        code: "MISSING_FILTER",
        status: 400,
        when: "a many-record update, delete or restore without `filter`",
    },
    ErrorCode {
        code: "UNKNOWN_FIELD",
        status: 400,
        when: "a field the object does not have, in `filter`, `order_by`, `fields` or the body",
    },
    ErrorCode {
        code: "UNKNOWN_SUB_FIELD",
        status: 400,
        when: "a sub-field the composite field does not have",
    },
    ErrorCode {
        code: "INVALID_VALUE",
        status: 400,
        when: "a value of the wrong type, or not one of the field's options",
    },
    ErrorCode {
        code: "READ_ONLY_FIELD",
        status: 400,
        when: "a body setting a field the server sets (`id` on update, `createdAt`, `createdBy`, …)",
    },
    ErrorCode {
        code: "REQUIRED_FIELD",
        status: 400,
        when: "a required field missing on create, or set to null",
    },
    ErrorCode {
        code: "INVALID_RELATION",
        status: 400,
        when: "a relation's id naming no live record of the target object",
    },
    ErrorCode {
        code: "TOO_MANY_RECORDS",
        status: 400,
        when: "a batch, or a many-record write's match, over the maximum of records per call",
    },
    ErrorCode {
        code: "INVALID_REQUEST",
        status: 400,
        when: "a request refused before it reaches the API, e.g. a path that is not valid percent-encoding",
    },
    ErrorCode {
        code: "INVALID_WEBHOOK",
        status: 400,
        when: "a webhook that is not valid: its target URL, an operation naming an unknown object or action, its secret",
    },
    ErrorCode {
        code: "INVALID_METADATA",
        status: 400,
        when: "a metadata change that is not valid (a name, type, option, default or relation), naming the object and field",
    },
    ErrorCode {
        code: "UNAUTHENTICATED",
        status: 401,
        when: "a missing, malformed, unknown, expired or revoked API key",
    },
    ErrorCode {
        code: "FORBIDDEN",
        status: 403,
        when: "a key not allowed to do this, e.g. a write with a read-only key",
    },
    ErrorCode {
        code: "UNKNOWN_OBJECT",
        status: 404,
        when: "no object of the workspace has this plural name",
    },
    ErrorCode {
        code: "NOT_FOUND",
        status: 404,
        when: "no live record has this id (restore: no soft-deleted one); an unknown path",
    },
    ErrorCode {
        code: "METHOD_NOT_ALLOWED",
        status: 405,
        when: "a known path with another method (the `Allow` header lists the methods)",
    },
    ErrorCode {
        code: "REQUEST_TIMEOUT",
        status: 408,
        when: "the request was not received in time",
    },
    ErrorCode {
        code: "UNIQUE_VIOLATION",
        status: 409,
        when: "another live record already has this value of a unique field",
    },
    ErrorCode {
        code: "STILL_REFERENCED",
        status: 409,
        when: "a destroy of a record other records still reference",
    },
    ErrorCode {
        code: "METADATA_REFUSED",
        status: 409,
        when: "a metadata change the workspace's data or model forbids (records using a removed option, nulls in a field made required, an active object deleted), with the count or the dependents",
    },
    ErrorCode {
        code: "MODEL_CHANGED",
        status: 409,
        when: "a metadata change that raced another change of the same workspace's model; retry",
    },
    ErrorCode {
        code: "PAYLOAD_TOO_LARGE",
        status: 413,
        when: "a body over the size limit",
    },
    ErrorCode {
        code: "URI_TOO_LONG",
        status: 414,
        when: "a URI (path and query) over the length limit",
    },
    ErrorCode {
        code: "RATE_LIMITED",
        status: 429,
        when: "too many requests: retry after `Retry-After` seconds (the `RateLimit-*` headers say the quota)",
    },
    ErrorCode {
        code: "HEADERS_TOO_LARGE",
        status: 431,
        when: "request headers over the size limit",
    },
    ErrorCode {
        code: "INTERNAL_ERROR",
        status: 500,
        when: "the server or the database failed (the details are only in the server's log)",
    },
    ErrorCode {
        code: "SERVICE_UNAVAILABLE",
        status: 503,
        when: "no database connection came free in time, or the workspace's model changed under the request three times running: retry after `Retry-After` seconds",
    },
];

/// The `twentyCode`s only the GraphQL API answers with (besides those of [`ERROR_CODES`]):
/// refusals of a document. The SDKs' code types include them.
pub const GRAPHQL_ONLY_CODES: &[(&str, &str)] = &[
    (
        "INVALID_QUERY",
        "the document does not parse, or does not fit the schema",
    ),
    (
        "QUERY_TOO_DEEP",
        "selections nested deeper than TWENTY_GRAPHQL_MAX_DEPTH",
    ),
    (
        "TOO_MANY_FIELDS",
        "more fields selected than TWENTY_GRAPHQL_MAX_FIELDS",
    ),
    (
        "TOO_MANY_ROOT_FIELDS",
        "more root fields than TWENTY_GRAPHQL_MAX_ROOT_FIELDS",
    ),
    (
        "TOO_MANY_ALIASES",
        "more aliased fields than TWENTY_GRAPHQL_MAX_ALIASES",
    ),
    (
        "INTROSPECTION_TOO_COMPLEX",
        "an alias inside introspection, or its lists nested more than twice",
    ),
];

/// Every code a client of either API can meet, in order — [`ERROR_CODES`], then
/// [`GRAPHQL_ONLY_CODES`] — each with a line saying when (`400 — …`, `GraphQL — …`): what
/// the SDKs' code types list.
pub fn client_codes() -> Vec<(&'static str, String)> {
    ERROR_CODES
        .iter()
        .map(|e| (e.code, format!("{} — {}", e.status, e.when)))
        .chain(
            GRAPHQL_ONLY_CODES
                .iter()
                .map(|(code, when)| (*code, format!("GraphQL — {when}"))),
        )
        .collect()
}

/// The name Twenty's error bodies carry in `error` for each status this API answers with:
/// the NestJS exception class (`BadRequestException`), or `UNAUTHENTICATED` for a refused
/// key, as Twenty's auth guard answers. Clients written for Twenty compare these names.
pub const ERROR_NAMES: &[(u16, &str)] = &[
    (400, "BadRequestException"),
    (401, "UNAUTHENTICATED"),
    (403, "ForbiddenException"),
    (404, "NotFoundException"),
    (405, "MethodNotAllowedException"),
    (408, "RequestTimeoutException"),
    (409, "ConflictException"),
    (413, "PayloadTooLargeException"),
    (414, "UriTooLongException"),
    (415, "UnsupportedMediaTypeException"),
    (422, "UnprocessableEntityException"),
    (429, "TooManyRequestsException"),
    (431, "RequestHeaderFieldsTooLargeException"),
    (500, "InternalServerErrorException"),
    (503, "ServiceUnavailableException"),
];

/// The body's `error` name for `status` ([`ERROR_NAMES`]; `Error` for a status outside it).
pub fn error_name(status: u16) -> &'static str {
    ERROR_NAMES
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("Error", |(_, name)| name)
}

/// The entry of `code`, if it is one of [`ERROR_CODES`].
pub fn error_code(code: &str) -> Option<&'static ErrorCode> {
    ERROR_CODES.iter().find(|e| e.code == code)
}

/// The codes answered with `status`, in table order.
pub fn error_codes_with_status(status: u16) -> impl Iterator<Item = &'static ErrorCode> {
    ERROR_CODES.iter().filter(move |e| e.status == status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_screaming_snake_case_and_ordered_by_status() {
        let mut seen = std::collections::BTreeSet::new();
        for e in ERROR_CODES {
            assert!(seen.insert(e.code), "{} twice", e.code);
            assert!(
                e.code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{}",
                e.code
            );
            assert!((400..600).contains(&e.status), "{}", e.code);
            assert_ne!(
                error_name(e.status),
                "Error",
                "{} has no error name",
                e.status
            );
        }
        assert!(ERROR_CODES.windows(2).all(|w| w[0].status <= w[1].status));
    }

    #[test]
    fn a_code_is_found_by_name() {
        assert_eq!(error_code("UNIQUE_VIOLATION").map(|e| e.status), Some(409));
        assert_eq!(error_code("NO_SUCH_CODE"), None);
        assert_eq!(
            error_codes_with_status(409)
                .map(|e| e.code)
                .collect::<Vec<_>>(),
            [
                "UNIQUE_VIOLATION",
                "STILL_REFERENCED",
                "METADATA_REFUSED",
                "MODEL_CHANGED"
            ]
        );
    }
}
