//! Response bodies: the `{data: {...}}` envelopes of each operation, the shared `Error` and
//! `PageInfo` schemas, and the reusable error responses. Which operation uses which is `paths`' job.

use super::names;
use super::schemas::{array, typed};
use crate::model::Object;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{ContentBuilder, RefOr, Response, ResponseBuilder, Schema};

/// Shared schema names.
pub(super) const ERROR: &str = "Error";
pub(super) const PAGE_INFO: &str = "PageInfo";

/// The error responses an operation may list, with their status code and component name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ErrorResponse {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
}

impl ErrorResponse {
    const ALL: [ErrorResponse; 4] = [
        ErrorResponse::BadRequest,
        ErrorResponse::Unauthorized,
        ErrorResponse::Forbidden,
        ErrorResponse::NotFound,
    ];

    pub(super) fn status(self) -> &'static str {
        match self {
            ErrorResponse::BadRequest => "400",
            ErrorResponse::Unauthorized => "401",
            ErrorResponse::Forbidden => "403",
            ErrorResponse::NotFound => "404",
        }
    }

    pub(super) fn component(self) -> &'static str {
        match self {
            ErrorResponse::BadRequest => "BadRequest",
            ErrorResponse::Unauthorized => "Unauthorized",
            ErrorResponse::Forbidden => "Forbidden",
            ErrorResponse::NotFound => "NotFound",
        }
    }

    fn description(self) -> &'static str {
        match self {
            ErrorResponse::BadRequest => {
                "The request is invalid: a malformed or unknown parameter, filter or field, a value of the wrong type, or a violated constraint."
            }
            ErrorResponse::Unauthorized => {
                "The bearer token is missing, invalid, expired or revoked."
            }
            ErrorResponse::Forbidden => "The token is valid but not allowed to do this.",
            ErrorResponse::NotFound => "No record has this id.",
        }
    }
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
            typed(Type::Integer, false).description(Some("The HTTP status code.")),
        )
        .property(
            "error",
            typed(Type::String, false)
                .description(Some("The kind of error, e.g. `BadRequestException`.")),
        )
        .property(
            "messages",
            array(typed(Type::String, false).into(), false),
        )
        .property(
            "code",
            typed(Type::String, false)
                .description(Some("A stable, machine-readable error code.")),
        )
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

/// The reusable error responses (`components.responses`).
pub(super) fn error_responses() -> Vec<(String, RefOr<Response>)> {
    ErrorResponse::ALL
        .into_iter()
        .map(|e| {
            let response = ResponseBuilder::new()
                .description(e.description())
                .content("application/json", json(names::schema_ref(ERROR).into()));
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
