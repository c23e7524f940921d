//! Response bodies: the `{data: {...}}` envelopes of each operation, the shared `Error` and
//! `PageInfo` schemas, the reusable error responses (with the codes of `model::ERROR_CODES`
//! per status) and their headers. Which operation uses which is `paths`' job.

use super::names;
use super::schemas::{array, typed, with_description};
use crate::model::{ERROR_CODES, ErrorCode, Object, error_codes_with_status};
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::schema::{
    AdditionalProperties, ObjectBuilder, OneOfBuilder, SchemaType, Type,
};
use utoipa::openapi::{ContentBuilder, RefOr, Response, ResponseBuilder, Schema};

/// Shared schema names.
pub(super) const ERROR: &str = "Error";
pub(super) const PAGE_INFO: &str = "PageInfo";

/// The error responses an operation may list, each a shared `components.responses` entry
/// whose codes are those of [`ERROR_CODES`] with its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ErrorResponse {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    TooManyRequests,
    InternalError,
    ServiceUnavailable,
    /// `default`: the statuses no operation lists (405, 408, 414, 431), same body.
    Other,
}

impl ErrorResponse {
    const ALL: [ErrorResponse; 10] = [
        ErrorResponse::BadRequest,
        ErrorResponse::Unauthorized,
        ErrorResponse::Forbidden,
        ErrorResponse::NotFound,
        ErrorResponse::Conflict,
        ErrorResponse::PayloadTooLarge,
        ErrorResponse::TooManyRequests,
        ErrorResponse::InternalError,
        ErrorResponse::ServiceUnavailable,
        ErrorResponse::Other,
    ];

    /// The statuses with a response of their own; [`ErrorResponse::Other`] covers the rest.
    const LISTED: [u16; 9] = [400, 401, 403, 404, 409, 413, 429, 500, 503];

    fn code(self) -> Option<u16> {
        Some(match self {
            ErrorResponse::BadRequest => 400,
            ErrorResponse::Unauthorized => 401,
            ErrorResponse::Forbidden => 403,
            ErrorResponse::NotFound => 404,
            ErrorResponse::Conflict => 409,
            ErrorResponse::PayloadTooLarge => 413,
            ErrorResponse::TooManyRequests => 429,
            ErrorResponse::InternalError => 500,
            ErrorResponse::ServiceUnavailable => 503,
            ErrorResponse::Other => return None,
        })
    }

    /// The key in an operation's `responses`: the status, or `default`.
    pub(super) fn status(self) -> String {
        self.code()
            .map_or_else(|| "default".to_owned(), |c| c.to_string())
    }

    pub(super) fn component(self) -> &'static str {
        match self {
            ErrorResponse::BadRequest => "BadRequest",
            ErrorResponse::Unauthorized => "Unauthorized",
            ErrorResponse::Forbidden => "Forbidden",
            ErrorResponse::NotFound => "NotFound",
            ErrorResponse::Conflict => "Conflict",
            ErrorResponse::PayloadTooLarge => "PayloadTooLarge",
            ErrorResponse::TooManyRequests => "TooManyRequests",
            ErrorResponse::InternalError => "InternalError",
            ErrorResponse::ServiceUnavailable => "ServiceUnavailable",
            ErrorResponse::Other => "OtherError",
        }
    }

    fn headline(self) -> &'static str {
        match self {
            ErrorResponse::BadRequest => {
                "The request is invalid: a malformed or unknown parameter, filter or field, a value of the wrong type, or a violated constraint."
            }
            ErrorResponse::Unauthorized => {
                "The bearer token is missing, invalid, expired or revoked."
            }
            ErrorResponse::Forbidden => "The token is valid but not allowed to do this.",
            ErrorResponse::NotFound => "No record has this id.",
            ErrorResponse::Conflict => {
                "The request conflicts with existing records; nothing changed."
            }
            ErrorResponse::PayloadTooLarge => "The request body is too large; nothing changed.",
            ErrorResponse::TooManyRequests => {
                "Too many requests: wait `Retry-After` seconds, then retry."
            }
            ErrorResponse::InternalError => {
                "The server failed; the details are in its log, under the response's `x-request-id`."
            }
            ErrorResponse::ServiceUnavailable => {
                "The server is overloaded: wait `Retry-After` seconds, then retry."
            }
            ErrorResponse::Other => "Any other error, with the same body.",
        }
    }

    /// The codes this response may carry.
    fn codes(self) -> Vec<&'static ErrorCode> {
        match self.code() {
            Some(status) => error_codes_with_status(status).collect(),
            None => ERROR_CODES
                .iter()
                .filter(|e| !Self::LISTED.contains(&e.status))
                .collect(),
        }
    }

    /// The headers it carries, as `components.headers` names.
    fn headers(self) -> &'static [&'static str] {
        match self {
            ErrorResponse::TooManyRequests => &[
                RETRY_AFTER,
                RATE_LIMIT_LIMIT,
                RATE_LIMIT_REMAINING,
                RATE_LIMIT_RESET,
            ],
            ErrorResponse::ServiceUnavailable => &[RETRY_AFTER],
            _ => &[],
        }
    }

    fn description(self) -> String {
        let mut text = format!("{}\n\nCodes:", self.headline());
        for e in self.codes() {
            text.push_str(&format!("\n- `{}` ({}): {}.", e.code, e.status, e.when));
        }
        text
    }
}

/// Shared response header names (`components.headers`).
const RETRY_AFTER: &str = "Retry-After";
const RATE_LIMIT_LIMIT: &str = "RateLimit-Limit";
const RATE_LIMIT_REMAINING: &str = "RateLimit-Remaining";
const RATE_LIMIT_RESET: &str = "RateLimit-Reset";

/// The response headers the error responses refer to (`components.headers`).
pub(super) fn shared_headers() -> Vec<(String, Header)> {
    let seconds = |description: &str| {
        HeaderBuilder::new()
            .schema(Some(typed(Type::Integer, false).minimum(Some(0))))
            .description(Some(description))
            .build()
    };
    vec![
        (
            RETRY_AFTER.to_owned(),
            seconds("How many seconds to wait before retrying."),
        ),
        (
            RATE_LIMIT_LIMIT.to_owned(),
            seconds("How many requests the current window allows."),
        ),
        (
            RATE_LIMIT_REMAINING.to_owned(),
            seconds("How many requests are left in the current window (0 on a 429)."),
        ),
        (
            RATE_LIMIT_RESET.to_owned(),
            seconds("How many seconds until the current window ends and the quota is restored."),
        ),
    ]
}

/// `Error` and `PageInfo`.
pub(super) fn shared_schemas() -> Vec<(String, RefOr<Schema>)> {
    let error = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "The body of every error response: Twenty's keys, plus a stable machine-readable `code` to branch on (messages are for people and may change).",
        ))
        .property(
            "statusCode",
            typed(Type::Integer, false)
                .minimum(Some(400))
                .maximum(Some(599))
                .description(Some("The HTTP status code of the response.")),
        )
        .property(
            "error",
            typed(Type::String, false).description(Some(format!(
                "Twenty's name for the HTTP status (`statusCode`): {}.",
                crate::model::ERROR_NAMES
                    .iter()
                    .map(|(status, name)| format!("{status} `{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        )
        .property(
            "messages",
            with_description(
                array(typed(Type::String, false).into(), false),
                Some("What went wrong, for people (one message; the wording may change)."),
            ),
        )
        .property("code", code_schema())
        .required("statusCode")
        .required("error")
        .required("messages")
        .required("code");
    let nullable_cursor = || {
        typed(Type::String, true).description(Some(
            "An opaque cursor, for `starting_after` / `ending_before`; null on an empty page.",
        ))
    };
    let page_info = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Where a page stands in the whole list."))
        .property("hasNextPage", typed(Type::Boolean, false))
        .property("hasPreviousPage", typed(Type::Boolean, false))
        .property("startCursor", nullable_cursor())
        .property("endCursor", nullable_cursor())
        .required("hasNextPage")
        .required("hasPreviousPage")
        .required("startCursor")
        .required("endCursor");
    vec![
        (ERROR.to_owned(), error.into()),
        (PAGE_INFO.to_owned(), page_info.into()),
    ]
}

/// `Error.code`: an enum of [`ERROR_CODES`], each described.
fn code_schema() -> ObjectBuilder {
    let mut description = "A stable, machine-readable error code to branch on. Every code the API sends, with its status and when:".to_owned();
    for e in ERROR_CODES {
        description.push_str(&format!("\n- `{}` ({}): {}.", e.code, e.status, e.when));
    }
    typed(Type::String, false)
        .enum_values(Some(ERROR_CODES.iter().map(|e| e.code)))
        .description(Some(description))
}

/// The reusable error responses (`components.responses`).
pub(super) fn error_responses() -> Vec<(String, RefOr<Response>)> {
    ErrorResponse::ALL
        .into_iter()
        .map(|e| {
            let mut response = ResponseBuilder::new()
                .description(e.description())
                .content("application/json", json(names::schema_ref(ERROR).into()));
            for header in e.headers() {
                response = response.header_ref(*header, names::header_ref(header));
            }
            (e.component().to_owned(), response.into())
        })
        .collect()
}

/// A find-many page: `{data: {<namePlural>: [...]}, totalCount, pageInfo}`.
pub(super) fn find_many(object: &Object) -> Response {
    let body = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("data", data(&object.name_plural, records(object)))
        .property(
            "totalCount",
            typed(Type::Integer, false)
                .minimum(Some(0))
                .description(Some("How many records match the filter, over all pages.")),
        )
        .property("pageInfo", names::schema_ref(PAGE_INFO))
        .required("data")
        .required("totalCount")
        .required("pageInfo");
    ok(format!("A page of {}.", object.label_plural), body.into())
}

/// `{data: {<key>: <one record>}}`.
pub(super) fn one(description: String, key: &str, object: &Object) -> Response {
    ok(description, envelope(key, record(object)))
}

/// `{data: {<key>: [<records>]}}`.
pub(super) fn many(description: String, key: &str, object: &Object) -> Response {
    ok(description, envelope(key, records(object)))
}

/// A delete answers under `delete<Name>` when it soft-deleted and `destroy<Name>` when it
/// destroyed (`soft_delete` decides), as Twenty's handlers do.
pub(super) fn deleted(
    description: String,
    soft_key: &str,
    hard_key: &str,
    value: RefOr<Schema>,
) -> Response {
    let body = OneOfBuilder::new()
        .item(envelope(soft_key, value.clone()))
        .item(envelope(hard_key, value));
    ok(description, body.into())
}

/// The group-by answer: a bare list of `{<aggregate>: value, groupByDimensionValues: [...],
/// records?: [<Name>ForResponse]}`.
pub(super) fn groups(object: &Object) -> Response {
    let group = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "groupByDimensionValues",
            with_description(
                array(
                    RefOr::T(Schema::Object(
                        ObjectBuilder::new().schema_type(SchemaType::AnyValue).build(),
                    )),
                    false,
                ),
                Some("The group's value of each dimension, in the order of `group_by` (null is a group of its own)."),
            ),
        )
        .required("groupByDimensionValues")
        .property("records", with_description(records(object), Some("Up to 10 of the group's records, with `include_records_sample=true`.")))
        .description(Some(
            "A group: its dimension values, and each requested aggregate by name (a number; the minimum or maximum of a date as its text; null for an empty group).",
        ))
        .additional_properties(Some(AdditionalProperties::FreeForm(true)));
    ok(
        format!(
            "The groups of {}, each with its aggregates by name.",
            object.label_plural
        ),
        array(RefOr::T(Schema::Object(group.build())), false),
    )
}

/// The duplicates answer: `{data: [{<singular>Duplicates: [...], totalCount, pageInfo}]}`,
/// one item per given record.
pub(super) fn duplicates(object: &Object) -> Response {
    let key = format!("{}Duplicates", object.name_singular);
    let item = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(&key, records(object))
        .required(&key)
        .property("totalCount", typed(Type::Integer, false))
        .required("totalCount")
        .property("pageInfo", names::schema_ref(PAGE_INFO))
        .required("pageInfo");
    let body = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("data", array(RefOr::T(Schema::Object(item.build())), false))
        .required("data");
    ok(
        format!(
            "Each given {}'s duplicates, in the order given.",
            object.label_singular
        ),
        body.into(),
    )
}

/// `<Name>ForResponse`.
pub(super) fn record(object: &Object) -> RefOr<Schema> {
    names::schema_ref(&names::response_schema(object)).into()
}

/// An array of `<Name>ForResponse`.
pub(super) fn records(object: &Object) -> RefOr<Schema> {
    array(record(object), false)
}

fn envelope(key: &str, value: RefOr<Schema>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("data", data(key, value))
        .required("data")
        .into()
}

fn data(key: &str, value: RefOr<Schema>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(key, value)
        .required(key)
}

fn ok(description: String, body: RefOr<Schema>) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json(body))
        .build()
}

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}
