//! Errors of the query engine: a client's mistake (with a stable code and a message naming
//! the problem) or a database failure.

/// Why a query was refused or failed.
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
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    #[error("invalid page: {0}")]
    InvalidPage(String),
    #[error("limit {requested} exceeds the maximum of {max}")]
    LimitExceeded { requested: u32, max: u32 },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl QueryError {
    /// A stable machine-readable code; transports map every code but `DATABASE` to 400.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::UnknownObject(_) => "UNKNOWN_OBJECT",
            QueryError::UnknownField { .. } => "UNKNOWN_FIELD",
            QueryError::UnknownSubField { .. } => "UNKNOWN_SUB_FIELD",
            QueryError::InvalidFilter { .. } => "INVALID_FILTER",
            QueryError::InvalidValue { .. } => "INVALID_VALUE",
            QueryError::InvalidOrder { .. } => "INVALID_ORDER",
            QueryError::InvalidCursor(_) => "INVALID_CURSOR",
            QueryError::InvalidPage(_) => "INVALID_PAGE",
            QueryError::LimitExceeded { .. } => "LIMIT_EXCEEDED",
            QueryError::Database(_) => "DATABASE",
        }
    }

    /// Whether the client caused it (a 400), as opposed to the database (a 500).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, QueryError::Database(_))
    }
}
