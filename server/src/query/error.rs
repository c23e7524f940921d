//! Errors of the query engine: a client's mistake (with a stable code, an HTTP status and
//! a message naming the problem) or a database failure.

/// Why a query or a write was refused or failed.
///
/// Every variant but [`QueryError::Database`] is the client's fault. Database errors a
/// client causes (unique violations, bad references, NULL in a required column) are
/// mapped to their own variants by the write engine, never left as `Database`.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("unknown object `{0}`")]
    UnknownObject(String),
    #[error("unknown field `{field}` on object `{object}`")]
    UnknownField { object: String, field: String },
    #[error("unknown sub-field `{sub_field}` of field `{field}` on object `{object}`")]
    UnknownSubField {
        object: String,
        field: String,
        sub_field: String,
    },
    #[error("invalid filter on `{field}`: {reason}")]
    InvalidFilter { field: String, reason: String },
    #[error("invalid value for `{field}`: {reason}")]
    InvalidValue { field: String, reason: String },
    #[error("invalid ordering on `{field}`: {reason}")]
    InvalidOrder { field: String, reason: String },
    #[error("invalid group-by: {0}")]
    InvalidGroupBy(String),
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    #[error("invalid page: {0}")]
    InvalidPage(String),
    #[error("limit {requested} exceeds the maximum of {max}")]
    LimitExceeded { requested: u32, max: u32 },
    /// No live record (or, for restore, no soft-deleted record) has this id.
    #[error("no {object} record with id {id}")]
    NotFound { object: String, id: String },
    /// A write would touch more records than allowed in one call.
    #[error(
        "{given} records exceed the maximum of {max} per call; narrow the filter or split the batch"
    )]
    TooManyRecords { given: usize, max: usize },
    /// A field the server sets (`id` on update, `createdAt`, `createdBy`, …).
    #[error("field `{field}` of object `{object}` is read-only: the server sets it; remove it")]
    ReadOnlyField { object: String, field: String },
    /// A required field missing on create, or set to null.
    #[error("field `{field}` of object `{object}` is required and cannot be null")]
    RequiredField { object: String, field: String },
    /// A relation's foreign key pointing at no live record.
    #[error("invalid `{field}`: no live {target} record has id {id}")]
    InvalidRelation {
        field: String,
        target: String,
        id: String,
    },
    /// Another live record already has this value of a unique field.
    #[error("another {object} record already has this `{field}`{}", value_suffix(.value))]
    UniqueViolation {
        object: String,
        field: String,
        value: Option<String>,
    },
    /// A destroy refused because other records still reference the record.
    #[error("{object} record {id} is still referenced by {referrer} records; remove them first")]
    StillReferenced {
        object: String,
        id: String,
        referrer: String,
    },
    /// One record of a batch failed (nothing was written): which one and why.
    #[error("record {index}: {error}")]
    Item {
        index: usize,
        error: Box<QueryError>,
    },
    /// A client-controlled structure nested deeper than the limit.
    #[error("the {what} nests deeper than the maximum of {max} levels; flatten it")]
    NestingTooDeep { what: String, max: usize },
    /// A filter with more terms than the limit.
    #[error(
        "the filter has more than {max} terms (comparisons, and / or / not groups and `in` values); split the request"
    )]
    FilterTooLarge { max: usize },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

fn value_suffix(value: &Option<String>) -> String {
    value
        .as_ref()
        .map(|v| format!(" ({v})"))
        .unwrap_or_default()
}

impl QueryError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::UnknownObject(_) => "UNKNOWN_OBJECT",
            QueryError::UnknownField { .. } => "UNKNOWN_FIELD",
            QueryError::UnknownSubField { .. } => "UNKNOWN_SUB_FIELD",
            QueryError::InvalidFilter { .. } => "INVALID_FILTER",
            QueryError::InvalidValue { .. } => "INVALID_VALUE",
            QueryError::InvalidOrder { .. } => "INVALID_ORDER",
            QueryError::InvalidGroupBy(_) => "INVALID_GROUP_BY",
            QueryError::InvalidCursor(_) => "INVALID_CURSOR",
            QueryError::InvalidPage(_) => "INVALID_PAGE",
            QueryError::LimitExceeded { .. } => "LIMIT_EXCEEDED",
            QueryError::NotFound { .. } => "NOT_FOUND",
            QueryError::TooManyRecords { .. } => "TOO_MANY_RECORDS",
            QueryError::ReadOnlyField { .. } => "READ_ONLY_FIELD",
            QueryError::RequiredField { .. } => "REQUIRED_FIELD",
            QueryError::InvalidRelation { .. } => "INVALID_RELATION",
            QueryError::UniqueViolation { .. } => "UNIQUE_VIOLATION",
            QueryError::StillReferenced { .. } => "STILL_REFERENCED",
            QueryError::NestingTooDeep { .. } => "NESTING_TOO_DEEP",
            QueryError::FilterTooLarge { .. } => "FILTER_TOO_LARGE",
            QueryError::Item { error, .. } => error.code(),
            QueryError::Database(sqlx::Error::PoolTimedOut) => "SERVICE_UNAVAILABLE",
            QueryError::Database(e) if crate::store::is_stale_schema(e) => "MODEL_STALE",
            QueryError::Database(_) => "DATABASE",
        }
    }

    /// The HTTP status a transport answers with: 404 for `NOT_FOUND`, 409 for
    /// `UNIQUE_VIOLATION` and `STILL_REFERENCED` (the request is valid but conflicts with
    /// existing data; Twenty answers 400), 503 for `SERVICE_UNAVAILABLE` (no database
    /// connection free in time), 500 for `DATABASE`, 400 for every other code. An `Item`
    /// has its inner error's status.
    pub fn http_status(&self) -> u16 {
        match self {
            QueryError::NotFound { .. } => 404,
            QueryError::UniqueViolation { .. } | QueryError::StillReferenced { .. } => 409,
            QueryError::Item { error, .. } => error.http_status(),
            QueryError::Database(sqlx::Error::PoolTimedOut) => 503,
            QueryError::Database(e) if crate::store::is_stale_schema(e) => 503,
            QueryError::Database(_) => 500,
            _ => 400,
        }
    }

    /// Whether the client caused it (a 4xx), as opposed to the database (a 500).
    pub fn is_client_error(&self) -> bool {
        self.http_status() < 500
    }

    /// The index of the failed record of a batch, when this is an [`QueryError::Item`].
    pub fn item_index(&self) -> Option<usize> {
        match self {
            QueryError::Item { index, .. } => Some(*index),
            _ => None,
        }
    }
}
