//! The REST routes: per object the collection, record, batch and restore paths with Twenty's
//! operation ids, plus `/open-api/core`. Bodies and parameters are referenced, not built, here.

use super::names;
use super::parameters::{
    self, AGGREGATE, DEPTH, ENDING_BEFORE, FIELDS, FILTER, GROUP_BY, GROUP_LIMIT, GROUP_ORDER_BY,
    ID_PATH, LIMIT, MAX_MUTATION_RECORDS, ORDER_BY, RECORDS_ORDER_BY, RECORDS_SAMPLE, SOFT_DELETE,
    STARTING_AFTER, UPSERT,
};
use super::responses::{self, ErrorResponse};
use crate::model::{Object, Schema as Model};
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, PathItem, PathItemBuilder};
use utoipa::openapi::request_body::{RequestBody, RequestBodyBuilder};
use utoipa::openapi::schema::{ArrayBuilder, SchemaType, Type};
use utoipa::openapi::{
    ContentBuilder, Paths, PathsBuilder, RefOr, Required, Response, ResponseBuilder, Schema,
};

/// The path of this document itself (served without authentication).
pub const OPEN_API_PATH: &str = "/open-api/core";

/// Every path of the REST API.
pub(super) fn paths(model: &Model) -> Paths {
    let mut builder = PathsBuilder::new();
    for object in &model.objects {
        for (path, item) in object_paths(object) {
            builder = builder.path(path, item);
        }
    }
    builder
        .path(SEARCH_PATH, search_item())
        .path(OPEN_API_PATH, open_api_item())
        .build()
}

/// The path of the search across objects.
pub const SEARCH_PATH: &str = "/search";

/// `GET /search`: the records of every searchable object matching words, ranked.
fn search_item() -> PathItem {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::ObjectBuilder;
    let string = || -> RefOr<Schema> { super::schemas::typed(Type::String, false).into() };
    let parameter = |name: &str, required: bool, description: &str, schema: RefOr<Schema>| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Query)
            .required(if required {
                Required::True
            } else {
                Required::False
            })
            .description(Some(description))
            .schema(Some(schema))
            .build()
    };
    let node = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("recordId", super::schemas::uuid_schema(false))
        .property("objectNameSingular", string())
        .property("label", string())
        .property("imageUrl", super::schemas::typed(Type::String, true))
        .property("tsRankCD", super::schemas::typed(Type::Number, false))
        .property("tsRank", super::schemas::typed(Type::Number, false));
    let node = [
        "recordId",
        "objectNameSingular",
        "label",
        "imageUrl",
        "tsRankCD",
        "tsRank",
    ]
    .into_iter()
    .fold(node, ObjectBuilder::required);
    let answer = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "data",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property(
                    "search",
                    super::schemas::array(RefOr::T(Schema::Object(node.build())), false),
                )
                .required("search"),
        )
        .required("data")
        .property(
            "pageInfo",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property("hasNextPage", super::schemas::typed(Type::Boolean, false))
                .property("endCursor", super::schemas::typed(Type::String, true))
                .required("hasNextPage")
                .required("endCursor"),
        )
        .required("pageInfo");
    let operation = OperationBuilder::new()
        .tag("search")
        .operation_id(Some("search"))
        .summary(Some("Search records of every object"))
        .description(Some(
            "The live records of every searchable object whose search document holds every word of `searchInput` as a prefix, best ranked first (the database's full-text search).",
        ))
        .parameter(parameter("searchInput", true, "The words to look for.", string()))
        .parameter(parameter(
            LIMIT,
            false,
            "How many results to return at most (default 60, at most 200).",
            super::schemas::typed(Type::Integer, false)
                .minimum(Some(0))
                .maximum(Some(parameters::MAX_LIMIT))
                .into(),
        ))
        .parameter(parameter("after", false, "The `pageInfo.endCursor` of the previous page.", string()))
        .parameter(parameter(
            "includedObjectNameSingulars",
            false,
            "Only these objects: a comma list of singular names.",
            string(),
        ))
        .parameter(parameter(
            "excludedObjectNameSingulars",
            false,
            "Not these objects: a comma list of singular names.",
            string(),
        ))
        .parameter(parameter(
            FILTER,
            false,
            "A filter in the list grammar, on the fields every object has (`id`, `createdAt`, `updatedAt`).",
            string(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The results, best first.")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::<Schema>::from(answer)))
                        .build(),
                )
                .build(),
        );
    let operation = with_errors(
        operation,
        &[
            ErrorResponse::BadRequest,
            ErrorResponse::Unauthorized,
            ErrorResponse::Forbidden,
            ErrorResponse::TooManyRequests,
            ErrorResponse::InternalError,
            ErrorResponse::ServiceUnavailable,
            ErrorResponse::Other,
        ],
    );
    PathItemBuilder::new()
        .operation(HttpMethod::Get, operation.build())
        .build()
}

/// What varies between the operations of an object.
struct Spec<'a> {
    operation_id: String,
    summary: String,
    description: Option<String>,
    parameters: &'a [&'a str],
    body: Option<RequestBody>,
    status: &'static str,
    response: Response,
    /// Addresses one record by id, so it can answer 404.
    by_id: bool,
    /// Can conflict with existing records (a unique value, a reference), so it can answer 409.
    conflict: bool,
}

fn object_paths(object: &Object) -> Vec<(String, PathItem)> {
    let name = object.type_name();
    let plural = object.plural_type_name();
    let label = &object.label_singular;
    let labels = &object.label_plural;
    let create_body = || {
        body(
            names::schema_ref(&names::create_schema(object)).into(),
            format!("The {label} to create."),
        )
    };
    let update_body = || {
        body(
            names::schema_ref(&names::update_schema(object)).into(),
            "The fields to change.".to_owned(),
        )
    };
    let op = |spec: Spec| operation(object, spec);
    let update_one = |operation_id: String, summary: String, description: Option<String>| {
        op(Spec {
            operation_id,
            summary,
            description,
            parameters: &[ID_PATH, DEPTH, FIELDS],
            body: Some(update_body()),
            status: "200",
            response: responses::one(
                format!("The updated {label}."),
                &format!("update{name}"),
                object,
            ),
            by_id: true,
            conflict: true,
        })
    };

    let collection = PathItemBuilder::new()
        .operation(
            HttpMethod::Get,
            op(Spec {
                operation_id: format!("findMany{plural}"),
                summary: format!("Find many {labels}"),
                description: Some(format!(
                    "Lists the {labels} matching `filter`, in `order_by` order, one page of at most `limit` at a time."
                )),
                parameters: &[
                    ORDER_BY,
                    FILTER,
                    LIMIT,
                    DEPTH,
                    STARTING_AFTER,
                    ENDING_BEFORE,
                    FIELDS,
                ],
                body: None,
                status: "200",
                response: responses::find_many(object),
                by_id: false,
                conflict: false,
            }),
        )
        .operation(
            HttpMethod::Post,
            op(Spec {
                operation_id: format!("createOne{name}"),
                summary: format!("Create one {label}"),
                description: None,
                parameters: &[DEPTH, FIELDS, UPSERT],
                body: Some(create_body()),
                status: "201",
                response: responses::one(
                    format!("The created {label}."),
                    &format!("create{name}"),
                    object,
                ),
                by_id: false,
                conflict: true,
            }),
        )
        .operation(
            HttpMethod::Patch,
            op(Spec {
                operation_id: format!("updateMany{plural}"),
                summary: format!("Update many {labels}"),
                description: Some(format!(
                    "Applies the same change to every {label} matching `filter` (required), in one transaction. At most {MAX_MUTATION_RECORDS} records may match: more is a 400 `TOO_MANY_RECORDS` and nothing changes."
                )),
                parameters: &[FILTER, DEPTH, FIELDS],
                body: Some(update_body()),
                status: "200",
                response: responses::many(
                    format!("The updated {labels}."),
                    &format!("update{plural}"),
                    object,
                ),
                by_id: false,
                conflict: true,
            }),
        )
        .operation(
            HttpMethod::Delete,
            op(Spec {
                operation_id: format!("deleteMany{plural}"),
                summary: format!("Delete many {labels}"),
                description: Some(format!(
                    "Destroys every {label} matching `filter` (required), or soft-deletes them with `soft_delete=true`, in one transaction. At most {MAX_MUTATION_RECORDS} records may match: more is a 400 `TOO_MANY_RECORDS` and nothing changes."
                )),
                parameters: &[FILTER, SOFT_DELETE],
                body: None,
                status: "200",
                response: responses::deleted(
                    format!(
                        "The deleted {labels}: under `delete{plural}` when soft-deleted, `destroy{plural}` when destroyed."
                    ),
                    &format!("delete{plural}"),
                    &format!("destroy{plural}"),
                    responses::records(object),
                ),
                by_id: false,
                conflict: true,
            }),
        )
        .build();

    let record = PathItemBuilder::new()
        .operation(
            HttpMethod::Get,
            op(Spec {
                operation_id: format!("findOne{name}"),
                summary: format!("Find one {label}"),
                description: None,
                parameters: &[ID_PATH, DEPTH, FIELDS],
                body: None,
                status: "200",
                response: responses::one(
                    format!("The {label}."),
                    &object.name_singular,
                    object,
                ),
                by_id: true,
                conflict: false,
            }),
        )
        .operation(
            HttpMethod::Patch,
            // Twenty's spelling, capital U included: clients generated from its document
            // call this name.
            update_one(format!("UpdateOne{name}"), format!("Update one {label}"), None),
        )
        .operation(
            HttpMethod::Put,
            update_one(
                format!("putOne{name}"),
                format!("Update one {label} (PUT)"),
                Some(format!(
                    "The same as `PATCH`: changes only the fields in the body, the others keep their values (it does not replace the {label})."
                )),
            ),
        )
        .operation(
            HttpMethod::Delete,
            op(Spec {
                operation_id: format!("deleteOne{name}"),
                summary: format!("Delete one {label}"),
                description: Some(format!(
                    "Destroys the {label}, or soft-deletes it with `soft_delete=true`."
                )),
                parameters: &[ID_PATH, SOFT_DELETE],
                body: None,
                status: "200",
                response: responses::one(
                    format!(
                        "The deleted {label} (soft-deleted or destroyed), under `delete{name}` as Twenty answers."
                    ),
                    &format!("delete{name}"),
                    object,
                ),
                by_id: true,
                conflict: true,
            }),
        )
        .build();

    let batch = PathItemBuilder::new()
        .operation(
            HttpMethod::Post,
            op(Spec {
                operation_id: format!("createMany{plural}"),
                summary: format!("Create many {labels}"),
                description: Some(format!(
                    "Creates up to {MAX_MUTATION_RECORDS} {labels} in one transaction: all or nothing. When one record is refused, none is created and the error's message starts with its index (`record 2: …`)."
                )),
                parameters: &[DEPTH, FIELDS, UPSERT],
                body: Some(body(
                    ArrayBuilder::new()
                        .schema_type(SchemaType::new(Type::Array))
                        .items(names::schema_ref(&names::create_schema(object)))
                        .max_items(Some(MAX_MUTATION_RECORDS))
                        .into(),
                    format!("The {labels} to create."),
                )),
                status: "201",
                response: responses::many(
                    format!("The created {labels}."),
                    &format!("create{plural}"),
                    object,
                ),
                by_id: false,
                conflict: true,
            }),
        )
        .build();

    let restore_one = PathItemBuilder::new()
        .operation(
            HttpMethod::Patch,
            op(Spec {
                operation_id: format!("restoreOne{name}"),
                summary: format!("Restore one {label}"),
                description: Some(format!("Restores a soft-deleted {label}.")),
                parameters: &[ID_PATH, DEPTH, FIELDS],
                body: None,
                status: "200",
                response: responses::one(
                    format!("The restored {label}."),
                    &format!("restore{name}"),
                    object,
                ),
                by_id: true,
                conflict: true,
            }),
        )
        .build();

    let restore_many = PathItemBuilder::new()
        .operation(
            HttpMethod::Patch,
            op(Spec {
                operation_id: format!("restoreMany{plural}"),
                summary: format!("Restore many {labels}"),
                description: Some(format!(
                    "Restores every soft-deleted {label} matching `filter`."
                )),
                parameters: &[FILTER, DEPTH, FIELDS],
                body: None,
                status: "200",
                response: responses::many(
                    format!("The restored {labels}."),
                    &format!("restore{plural}"),
                    object,
                ),
                by_id: false,
                conflict: true,
            }),
        )
        .build();

    let group_by = PathItemBuilder::new()
        .operation(
            HttpMethod::Get,
            op(Spec {
                operation_id: format!("groupBy{plural}"),
                summary: format!("Group {labels}"),
                description: Some(format!(
                    "Groups the {labels} matching `filter` by the `group_by` dimensions and computes the `aggregate`s of each group, in the database. Answers a bare list of groups, as Twenty does."
                )),
                parameters: &[
                    GROUP_BY,
                    AGGREGATE,
                    FILTER,
                    GROUP_ORDER_BY,
                    GROUP_LIMIT,
                    RECORDS_SAMPLE,
                    RECORDS_ORDER_BY,
                ],
                body: None,
                status: "200",
                response: responses::groups(object),
                by_id: false,
                conflict: false,
            }),
        )
        .build();

    let duplicates_body = {
        let records = super::schemas::array(
            names::schema_ref(&names::create_schema(object)).into(),
            false,
        );
        let ids = super::schemas::array(super::schemas::uuid_schema(false), false);
        let one_of = |key: &str, value: RefOr<Schema>| -> RefOr<Schema> {
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(Type::Object)
                .property(key, value)
                .required(key)
                .additional_properties(Some(
                    utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                ))
                .into()
        };
        body(
            utoipa::openapi::schema::OneOfBuilder::new()
                .item(one_of("data", records))
                .item(one_of("ids", ids))
                .into(),
            format!(
                "The {labels} to find duplicates of: their values (`data`), or existing {labels} by id (`ids`, each excluded from its own matches)."
            ),
        )
    };
    let duplicates = PathItemBuilder::new()
        .operation(
            HttpMethod::Post,
            op(Spec {
                operation_id: format!("find{name}Duplicates"),
                summary: format!("Find {label} duplicates"),
                description: Some(format!(
                    "For each given {label}, the live {labels} matching any of the object's duplicate criteria (a criterion's values must all be equal, texts of at least 3 characters): the first page by id, with its total."
                )),
                parameters: &[DEPTH, FIELDS],
                body: Some(duplicates_body),
                status: "200",
                response: responses::duplicates(object),
                by_id: true,
                conflict: false,
            }),
        )
        .build();

    let merge_body = body(
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "ids",
                super::schemas::array(super::schemas::uuid_schema(false), false),
            )
            .required("ids")
            .property(
                "conflictPriorityIndex",
                super::schemas::typed(Type::Integer, false)
                    .minimum(Some(0))
                    .description(Some("The index in `ids` of the record to keep: its values win conflicts.")),
            )
            .required("conflictPriorityIndex")
            .property(
                "dryRun",
                super::schemas::typed(Type::Boolean, false)
                    .default(Some(false.into()))
                    .description(Some("`true` writes nothing and answers the merged record as it would be (with a new id, `deletedAt` set, and no relations).")),
            )
            .additional_properties(Some(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
            ))
            .into(),
        format!("The {labels} to merge (2 to 9) and the one to keep."),
    );
    let merge = PathItemBuilder::new()
        .operation(
            HttpMethod::Patch,
            op(Spec {
                operation_id: format!("mergeMany{plural}"),
                summary: format!("Merge {labels}"),
                description: Some(format!(
                    "Merges duplicate {labels} into the one at `conflictPriorityIndex`, in one transaction: its values win, lists and additional emails, phones and links are gathered, every record pointing at the others is re-pointed to it, and the others are destroyed. Only for objects with duplicate criteria."
                )),
                parameters: &[DEPTH, FIELDS],
                body: Some(merge_body),
                status: "200",
                response: responses::one(
                    format!("The merged {label}."),
                    &format!("merge{name}"),
                    object,
                ),
                by_id: true,
                conflict: true,
            }),
        )
        .build();

    let base = format!("/{}", object.name_plural);
    // Only objects with duplicate criteria merge.
    let merge = (!object.duplicate_criteria.is_empty()).then(|| (format!("{base}/merge"), merge));
    merge
        .into_iter()
        .chain([
            (format!("{base}/duplicates"), duplicates),
            (format!("{base}/groupBy"), group_by),
            (format!("{base}/{{id}}"), record),
            (format!("{base}/{{id}}/restore"), restore_one),
            (format!("{base}/restore"), restore_many),
            (format!("/batch/{}", object.name_plural), batch),
            (base, collection),
        ])
        .collect()
}

fn operation(object: &Object, spec: Spec) -> Operation {
    let has_body = spec.body.is_some();
    let mut builder = OperationBuilder::new()
        .tag(&object.name_plural)
        .operation_id(Some(spec.operation_id))
        .summary(Some(spec.summary))
        .description(spec.description)
        .request_body(spec.body)
        .response(spec.status, spec.response);
    for parameter in spec.parameters {
        builder = builder.parameter_ref(names::parameter_ref(&parameters::component_name(
            object, parameter,
        )));
    }
    let mut errors = vec![
        ErrorResponse::BadRequest,
        ErrorResponse::Unauthorized,
        ErrorResponse::Forbidden,
    ];
    if spec.by_id {
        errors.push(ErrorResponse::NotFound);
    }
    if spec.conflict {
        errors.push(ErrorResponse::Conflict);
    }
    if has_body {
        errors.push(ErrorResponse::PayloadTooLarge);
    }
    // Every object route reads or writes the database, so it can wait for a connection.
    errors.extend([
        ErrorResponse::TooManyRequests,
        ErrorResponse::InternalError,
        ErrorResponse::ServiceUnavailable,
        ErrorResponse::Other,
    ]);
    builder = with_errors(builder, &errors);
    builder.build()
}

/// Adds the shared error responses, by reference.
fn with_errors(mut builder: OperationBuilder, errors: &[ErrorResponse]) -> OperationBuilder {
    for error in errors {
        builder = builder.response(error.status(), names::response_ref(error.component()));
    }
    builder
}

fn body(schema: RefOr<Schema>, description: String) -> RequestBody {
    RequestBodyBuilder::new()
        .description(Some(description))
        .required(Some(Required::True))
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
}

/// `GET /open-api/core`: public, so tools can fetch the document before they have a key.
fn open_api_item() -> PathItem {
    let document =
        super::schemas::typed(Type::Object, false).description(Some("An OpenAPI 3.1 document."));
    let operation = OperationBuilder::new()
        .tag(super::OPEN_API_TAG)
        .operation_id(Some("getOpenApiCore"))
        .summary(Some("This OpenAPI document"))
        .description(Some(
            "Returns this document, byte for byte. No authentication is needed.",
        ))
        .securities(Some(Vec::new()))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The OpenAPI document of the REST API.")
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(document)).build(),
                ),
        );
    // Served from memory: no database, so no 503.
    let operation = with_errors(
        operation,
        &[
            ErrorResponse::TooManyRequests,
            ErrorResponse::InternalError,
            ErrorResponse::Other,
        ],
    )
    .build();
    PathItem::new(HttpMethod::Get, operation)
}
