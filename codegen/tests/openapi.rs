//! The OpenAPI emitter: the fixture document (snapshot), its contract with Twenty's clients
//! (operation ids, envelopes, parameters), its JSON Schema shapes, and external validation.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use twenty_codegen::emit::openapi;
use twenty_codegen::model::{
    DefaultValue, ERROR_CODES, Field, FieldType, Object, OnDelete, Schema,
};
use twenty_codegen::testing::{self, id};

fn crm_json() -> Value {
    serde_json::from_str(&openapi::to_json(&testing::crm())).expect("the document is JSON")
}

/// A third object with one field of each kind the CRM fixture lacks.
fn deal() -> Object {
    let mut title = Field::new(id(301), "title", FieldType::Text, "Title").required();
    title.description = Some("What the deal is about.".to_owned());
    Object::new(id(3), "deal", "deals", "Deal", "Deals")
        .with_field(title)
        .with_field(
            Field::new(id(302), "stage", FieldType::Select, "Stage")
                .required()
                .with_default(DefaultValue::Value(json!("NEW")))
                .with_options(&[
                    (id(3021), "NEW", "New", "red"),
                    (id(3022), "WON", "Won", "green"),
                ]),
        )
        .with_field(
            Field::new(id(303), "priority", FieldType::Select, "Priority").with_options(&[
                (id(3031), "LOW", "Low", "gray"),
                (id(3032), "HIGH", "High", "red"),
            ]),
        )
        .with_field(Field::new(id(304), "amount", FieldType::Numeric, "Amount"))
        .with_field(Field::new(id(305), "rating", FieldType::Rating, "Rating"))
        .with_field(Field::new(
            id(306),
            "closeDate",
            FieldType::DateTime,
            "Close date",
        ))
        .with_field(Field::new(
            id(307),
            "startDate",
            FieldType::Date,
            "Start date",
        ))
        .with_field(Field::new(
            id(308),
            "payload",
            FieldType::RawJson,
            "Payload",
        ))
        .with_field(Field::new(id(309), "labels", FieldType::Array, "Labels"))
        .with_field(Field::new(id(310), "site", FieldType::Address, "Site").required())
        .with_field(Field::new(id(311), "notes", FieldType::RichTextV2, "Notes"))
        .with_field(Field::new(
            id(312),
            "externalId",
            FieldType::Uuid,
            "External id",
        ))
        .with_field(Field::new(id(313), "won", FieldType::Boolean, "Won"))
        .with_field(
            Field::many_to_one(
                id(314),
                "company",
                "Company",
                "company",
                "deals",
                OnDelete::Cascade,
            )
            .required(),
        )
}

/// The CRM fixture plus `deal`, related to `company`.
fn crm_with_deals() -> Value {
    let company = testing::company().with_field(Field::one_to_many(
        id(108),
        "deals",
        "Deals",
        "deal",
        "company",
    ));
    let schema = Schema::new(vec![company, testing::person(), deal()]).expect("valid schema");
    serde_json::from_str(&openapi::to_json(&schema)).expect("the document is JSON")
}

fn at<'a>(doc: &'a Value, pointer: &str) -> &'a Value {
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("the document has no {pointer}"))
}

fn property<'a>(doc: &'a Value, schema: &str, name: &str) -> &'a Value {
    at(
        doc,
        &format!("/components/schemas/{schema}/properties/{name}"),
    )
}

fn property_names(doc: &Value, schema: &str) -> Vec<String> {
    at(doc, &format!("/components/schemas/{schema}/properties"))
        .as_object()
        .expect("properties is an object")
        .keys()
        .cloned()
        .collect()
}

fn required(doc: &Value, schema: &str) -> Vec<String> {
    doc.pointer(&format!("/components/schemas/{schema}/required"))
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_crm_document_matches_its_snapshot() {
    insta::assert_snapshot!("crm_openapi", openapi::to_json(&testing::crm()));
}

#[test]
fn emitting_twice_gives_identical_bytes() {
    let schema = testing::crm();
    let first = openapi::to_json(&schema);
    assert_eq!(first, openapi::to_json(&schema));
    assert_eq!(first, openapi::to_json(&testing::crm()));
}

#[test]
fn the_document_does_not_depend_on_the_order_of_objects() {
    let reversed = Schema::new(vec![testing::person(), testing::company()]).unwrap();
    assert_eq!(
        openapi::to_json(&reversed),
        openapi::to_json(&testing::crm())
    );
}

#[test]
fn an_object_cannot_take_a_derived_schema_name() {
    for name in ["companyForUpdate", "companyForResponse"] {
        let object = Object::new(id(9), name, &format!("{name}s"), "X", "Xs");
        let errors = Schema::new(vec![testing::company(), testing::person(), object])
            .expect_err("the name collides with a component schema");
        assert!(errors.to_string().contains(name), "{errors}");
    }
}

#[test]
fn to_json_is_the_pretty_document_with_a_trailing_newline() {
    let schema = testing::crm();
    let text = openapi::to_json(&schema);
    let pretty = serde_json::to_string_pretty(&openapi::document(&schema)).unwrap();
    assert_eq!(text, format!("{pretty}\n"));
    assert!(!text.ends_with("\n\n"));
}

#[test]
fn the_frame_is_openapi_3_1_with_a_relative_server_and_global_bearer_auth() {
    let doc = crm_json();
    assert!(at(&doc, "/openapi").as_str().unwrap().starts_with("3.1"));
    assert_eq!(at(&doc, "/info/title"), "Twenty Api");
    assert_eq!(at(&doc, "/info/license/identifier"), "AGPL-3.0-only");
    assert_eq!(at(&doc, "/servers"), &json!([{ "url": "/rest" }]));
    assert_eq!(at(&doc, "/security"), &json!([{ "bearerAuth": [] }]));
    assert_eq!(
        at(&doc, "/components/securitySchemes/bearerAuth/type"),
        "http"
    );
    assert_eq!(
        at(&doc, "/components/securitySchemes/bearerAuth/scheme"),
        "bearer"
    );
    // The emitter writes no header: `cargo xtask codegen` adds one to the checked-in file,
    // and the documents the server builds per workspace have none.
    assert!(doc.get("x-generated-by").is_none());
}

#[test]
fn the_document_endpoint_needs_no_authentication() {
    let doc = crm_json();
    assert_eq!(at(&doc, "/paths/~1open-api~1core/get/security"), &json!([]));
}

#[test]
fn operation_ids_are_twentys() {
    let doc = crm_json();
    let mut found = Vec::new();
    for (path, item) in at(&doc, "/paths").as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if path.contains("compan") {
                found.push(format!(
                    "{} {path} {}",
                    method.to_uppercase(),
                    operation["operationId"].as_str().unwrap()
                ));
            }
        }
    }
    found.sort();
    assert_eq!(
        found,
        [
            "DELETE /companies deleteManyCompanies",
            "DELETE /companies/{id} deleteOneCompany",
            "GET /companies findManyCompanies",
            "GET /companies/groupBy groupByCompanies",
            "GET /companies/{id} findOneCompany",
            "PATCH /companies updateManyCompanies",
            "PATCH /companies/merge mergeManyCompanies",
            "PATCH /companies/restore restoreManyCompanies",
            "PATCH /companies/{id} UpdateOneCompany",
            "PATCH /companies/{id}/restore restoreOneCompany",
            "POST /batch/companies createManyCompanies",
            "POST /companies createOneCompany",
            "POST /companies/duplicates findCompanyDuplicates",
            "PUT /companies/{id} putOneCompany",
        ]
    );
    assert_eq!(at(&doc, "/paths/~1people/get/tags"), &json!(["people"]));
}

#[test]
fn operation_ids_are_unique_across_paths_and_webhooks() {
    let doc = crm_json();
    let mut ids = Vec::new();
    for section in ["/paths", "/webhooks"] {
        for item in at(&doc, section).as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                ids.push(operation["operationId"].as_str().unwrap().to_owned());
            }
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count);
}

#[test]
fn creates_answer_201_and_the_rest_200() {
    let doc = crm_json();
    let success = |pointer: &str| -> Vec<String> {
        at(&doc, &format!("{pointer}/responses"))
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| k.starts_with('2'))
            .cloned()
            .collect()
    };
    assert_eq!(success("/paths/~1companies/post"), ["201"]);
    assert_eq!(success("/paths/~1batch~1companies/post"), ["201"]);
    assert_eq!(success("/paths/~1companies/get"), ["200"]);
    assert_eq!(success("/paths/~1companies~1{id}/put"), ["200"]);
    assert_eq!(success("/paths/~1companies~1{id}~1restore/patch"), ["200"]);
}

fn statuses(doc: &Value, pointer: &str) -> Vec<String> {
    at(doc, &format!("{pointer}/responses"))
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_error_status_is_declared_where_it_occurs() {
    let doc = crm_json();
    let s = |pointer: &str| statuses(&doc, pointer);
    let always = ["400", "401", "403", "429", "500", "503", "default"];
    let with = |status: &str, extra: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = [status]
            .iter()
            .chain(&always)
            .chain(extra)
            .map(|s| s.to_string())
            .collect();
        all.sort();
        all
    };
    // A body: 413. A unique value or a reference: 409. An id: 404.
    assert_eq!(s("/paths/~1companies/post"), with("201", &["409", "413"]));
    assert_eq!(
        s("/paths/~1batch~1companies/post"),
        with("201", &["409", "413"])
    );
    assert_eq!(s("/paths/~1companies/patch"), with("200", &["409", "413"]));
    assert_eq!(s("/paths/~1companies/get"), with("200", &[]));
    assert_eq!(s("/paths/~1companies/delete"), with("200", &["409"]));
    assert_eq!(s("/paths/~1companies~1{id}/get"), with("200", &["404"]));
    for method in ["patch", "put"] {
        assert_eq!(
            s(&format!("/paths/~1companies~1{{id}}/{method}")),
            with("200", &["404", "409", "413"])
        );
    }
    assert_eq!(
        s("/paths/~1companies~1{id}/delete"),
        with("200", &["404", "409"])
    );
    assert_eq!(
        s("/paths/~1companies~1{id}~1restore/patch"),
        with("200", &["404", "409"])
    );
    assert_eq!(
        s("/paths/~1open-api~1core/get"),
        ["200", "429", "500", "default"]
    );
}

#[test]
fn error_responses_are_shared_components() {
    let doc = crm_json();
    for (path, item) in at(&doc, "/paths").as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    assert!(
                        response["$ref"]
                            .as_str()
                            .is_some_and(|r| r.starts_with("#/components/responses/")),
                        "{method} {path} {status} is not a shared response"
                    );
                }
            }
        }
    }
}

#[test]
fn throttled_and_overloaded_responses_say_when_to_retry() {
    let doc = crm_json();
    let headers = |name: &str| -> Vec<String> {
        at(&doc, &format!("/components/responses/{name}/headers"))
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                assert_eq!(v["$ref"], format!("#/components/headers/{k}"));
                k.clone()
            })
            .collect()
    };
    assert_eq!(
        headers("TooManyRequests"),
        [
            "RateLimit-Limit",
            "RateLimit-Remaining",
            "RateLimit-Reset",
            "Retry-After"
        ]
    );
    assert_eq!(headers("ServiceUnavailable"), ["Retry-After"]);
    assert_eq!(
        at(&doc, "/components/headers/Retry-After/schema"),
        &json!({ "type": "integer", "minimum": 0 })
    );
}

#[test]
fn put_on_a_record_is_documented_as_a_partial_update() {
    let doc = crm_json();
    let put = at(&doc, "/paths/~1companies~1{id}/put");
    let patch = at(&doc, "/paths/~1companies~1{id}/patch");
    assert_eq!(put["operationId"], "putOneCompany");
    assert_eq!(put["requestBody"], patch["requestBody"]);
    assert_eq!(put["responses"], patch["responses"]);
    assert_eq!(put["parameters"], patch["parameters"]);
    assert!(put["description"].as_str().unwrap().contains("PATCH"));
}

#[test]
fn envelopes_use_twentys_keys() {
    let doc = crm_json();
    let body = |pointer: &str| at(&doc, &format!("{pointer}/content/application~1json/schema"));
    let many = body("/paths/~1companies/get/responses/200");
    assert_eq!(many["required"], json!(["data", "totalCount", "pageInfo"]));
    assert_eq!(
        many["properties"]["data"]["properties"]["companies"]["items"]["$ref"],
        "#/components/schemas/CompanyForResponse"
    );
    assert_eq!(
        many["properties"]["pageInfo"]["$ref"],
        "#/components/schemas/PageInfo"
    );
    let data_key = |pointer: &str| -> Vec<String> {
        body(pointer)["properties"]["data"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        data_key("/paths/~1companies~1{id}/get/responses/200"),
        ["company"]
    );
    assert_eq!(
        data_key("/paths/~1companies/post/responses/201"),
        ["createCompany"]
    );
    assert_eq!(
        data_key("/paths/~1batch~1companies/post/responses/201"),
        ["createCompanies"]
    );
    assert_eq!(
        data_key("/paths/~1companies~1{id}/patch/responses/200"),
        ["updateCompany"]
    );
    assert_eq!(
        data_key("/paths/~1companies/patch/responses/200"),
        ["updateCompanies"]
    );
    assert_eq!(
        data_key("/paths/~1companies~1{id}~1restore/patch/responses/200"),
        ["restoreCompany"]
    );
    // One record deleted answers under `delete<Name>` either way, as Twenty's handler.
    assert_eq!(
        data_key("/paths/~1companies~1{id}/delete/responses/200"),
        ["deleteCompany"]
    );
    let deleted = body("/paths/~1companies/delete/responses/200");
    assert_eq!(
        deleted["oneOf"][0]["properties"]["data"]["required"],
        json!(["deleteCompanies"])
    );
    assert_eq!(
        deleted["oneOf"][1]["properties"]["data"]["required"],
        json!(["destroyCompanies"])
    );
}

#[test]
fn errors_share_one_schema_with_a_stable_code() {
    let doc = crm_json();
    assert_eq!(
        at(&doc, "/components/schemas/Error/required"),
        &json!(["statusCode", "error", "messages", "code"])
    );
    for name in [
        "BadRequest",
        "Unauthorized",
        "Forbidden",
        "NotFound",
        "Conflict",
        "PayloadTooLarge",
        "TooManyRequests",
        "InternalError",
        "ServiceUnavailable",
        "OtherError",
    ] {
        assert_eq!(
            at(
                &doc,
                &format!("/components/responses/{name}/content/application~1json/schema/$ref")
            ),
            "#/components/schemas/Error"
        );
    }
}

#[test]
fn the_error_code_is_an_enum_of_the_models_table() {
    let doc = crm_json();
    let code = property(&doc, "Error", "code");
    let codes: Vec<&str> = ERROR_CODES.iter().map(|e| e.code).collect();
    assert_eq!(code["enum"], json!(codes));
    let description = code["description"].as_str().unwrap();
    for e in ERROR_CODES {
        assert!(
            description.contains(&format!("`{}` ({})", e.code, e.status)),
            "{} is not described",
            e.code
        );
    }
    // Each response lists the codes of its status.
    let conflict = at(&doc, "/components/responses/Conflict/description")
        .as_str()
        .unwrap();
    assert!(conflict.contains("`UNIQUE_VIOLATION`") && conflict.contains("`STILL_REFERENCED`"));
    assert!(!conflict.contains("`NOT_FOUND`"));
    let other = at(&doc, "/components/responses/OtherError/description")
        .as_str()
        .unwrap();
    for code in [
        "METHOD_NOT_ALLOWED",
        "URI_TOO_LONG",
        "HEADERS_TOO_LARGE",
        "REQUEST_TIMEOUT",
    ] {
        assert!(other.contains(code), "default lacks {code}");
    }
}

#[test]
fn the_readme_lists_every_error_code_with_its_status() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("read README.md");
    // Rows of the Errors table: `| codes | status | when |`, the codes in the first cell.
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.split('|').map(str::trim).collect())
        .collect();
    for e in ERROR_CODES {
        let code = format!("`{}`", e.code);
        let row = rows
            .iter()
            .find(|cells| cells.len() > 3 && cells[1].split(", ").any(|c| c == code))
            .unwrap_or_else(|| panic!("README.md's Errors table lacks {}", e.code));
        assert_eq!(
            row[2],
            e.status.to_string(),
            "README.md's status of {}",
            e.code
        );
    }
}

#[test]
fn the_error_field_is_twentys_name_for_the_status() {
    let doc = crm_json();
    let error = property(&doc, "Error", "error")["description"]
        .as_str()
        .unwrap();
    for name in [
        "400 `BadRequestException`",
        "401 `UNAUTHENTICATED`",
        "404 `NotFoundException`",
    ] {
        assert!(error.contains(name), "{error}");
    }
}

#[test]
fn limit_defaults_to_60_and_is_bounded_by_0_and_200() {
    let doc = crm_json();
    let limit = at(&doc, "/components/parameters/limit");
    assert_eq!(limit["in"], "query");
    assert_eq!(
        limit["schema"],
        json!({ "type": "integer", "default": 60, "minimum": 0, "maximum": 200 })
    );
}

#[test]
fn every_documented_parameter_is_a_component() {
    let doc = crm_json();
    let parameters = at(&doc, "/components/parameters").as_object().unwrap();
    for (name, query) in [
        ("companies.filter", "filter"),
        ("companies.order_by", "order_by"),
        ("limit", "limit"),
        ("starting_after", "starting_after"),
        ("ending_before", "ending_before"),
        ("depth", "depth"),
        ("idPath", "id"),
        ("soft_delete", "soft_delete"),
        ("upsert", "upsert"),
        ("people.fields", "fields"),
    ] {
        assert_eq!(parameters[name]["name"], query, "{name}");
    }
    assert_eq!(parameters["idPath"]["in"], "path");
    assert_eq!(parameters["idPath"]["required"], true);
    assert_eq!(parameters["depth"]["schema"]["enum"], json!([0, 1]));
    let filter = parameters["people.filter"]["description"].as_str().unwrap();
    for piece in ["[eq]", "or(", "not(", "NOT_NULL", "containsAny", "ilike"] {
        assert!(
            filter.contains(piece),
            "the filter description lacks {piece}"
        );
    }
}

#[test]
fn examples_name_fields_the_object_has() {
    let doc = crm_with_deals();
    let example = |name: &str| at(&doc, &format!("/components/parameters/{name}/example")).clone();
    // A text label identifier; a composite one by its first text sub-field.
    assert_eq!(example("companies.filter"), json!("name[ilike]:\"%a%\""));
    assert_eq!(
        example("people.filter"),
        json!("name.firstName[ilike]:\"%a%\"")
    );
    assert_eq!(
        example("people.order_by"),
        json!("name.firstName[AscNullsLast],createdAt[DescNullsLast]")
    );
    assert_eq!(example("people.fields"), json!("id,name,createdAt"));
    // `deal`'s label identifier is `id`: its first text field stands in.
    assert_eq!(example("deals.fields"), json!("id,title,createdAt"));
    assert_eq!(
        at(&doc, "/paths/~1deals/get/parameters")
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["$ref"].as_str())
            .filter(|r| r.contains("deals."))
            .count(),
        3
    );
}

#[test]
fn an_object_without_a_text_field_has_examples_on_created_at() {
    let object = Object::new(id(4), "ping", "pings", "Ping", "Pings").with_field(Field::new(
        id(401),
        "count",
        FieldType::Number,
        "Count",
    ));
    let schema = Schema::new(vec![object]).expect("valid schema");
    let doc: Value = serde_json::from_str(&openapi::to_json(&schema)).unwrap();
    let example = |name: &str| at(&doc, &format!("/components/parameters/{name}/example")).clone();
    assert_eq!(
        example("pings.filter"),
        json!("createdAt[gte]:\"2025-01-01T00:00:00Z\"")
    );
    assert_eq!(example("pings.order_by"), json!("createdAt[DescNullsLast]"));
    assert_eq!(example("pings.fields"), json!("id,createdAt"));
}

#[test]
fn webhooks_have_tags_of_their_own() {
    let doc = crm_json();
    assert_eq!(
        at(&doc, "/webhooks/company.created/post/tags"),
        &json!(["company webhooks"])
    );
    let tags: Vec<&str> = at(&doc, "/tags")
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        [
            "companies",
            "people",
            "company webhooks",
            "person webhooks",
            "open-api"
        ]
    );
}

#[test]
fn component_names_have_no_spaces() {
    let doc = crm_with_deals();
    for section in at(&doc, "/components").as_object().unwrap().values() {
        for name in section.as_object().unwrap().keys() {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')),
                "component name {name:?} is not ^[a-zA-Z0-9.\\-_]+$"
            );
        }
    }
    let schemas: Vec<_> = at(&doc, "/components/schemas")
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for expected in [
        "Company",
        "CompanyForUpdate",
        "CompanyForResponse",
        "FullName",
        "Links",
        "Emails",
        "Phones",
        "Currency",
        "Address",
        "Actor",
        "RichTextV2",
        "Error",
        "PageInfo",
    ] {
        assert!(
            schemas.iter().any(|s| s == expected),
            "no {expected} schema"
        );
    }
}

#[test]
fn create_requires_the_not_null_fields_without_default() {
    let doc = crm_with_deals();
    // `site` is a NOT NULL Address, but no sub-field of an address is required: its
    // columns take NULL, so a create may leave it out (the write engine agrees).
    assert_eq!(required(&doc, "Deal"), ["title", "companyId"]);
    assert!(required(&doc, "DealForUpdate").is_empty());
    assert_eq!(required(&doc, "DealForResponse"), ["id"]);
    // The fixture's NOT NULL fields all have defaults.
    assert!(required(&crm_json(), "Company").is_empty());
}

#[test]
fn inputs_leave_out_system_and_read_only_fields() {
    let doc = crm_json();
    let create = property_names(&doc, "Company");
    let update = property_names(&doc, "CompanyForUpdate");
    for name in [
        "createdAt",
        "updatedAt",
        "deletedAt",
        "updatedBy",
        "searchVector",
        "people",
    ] {
        assert!(!create.contains(&name.to_owned()), "create has {name}");
        assert!(!update.contains(&name.to_owned()), "update has {name}");
    }
    // A create may say where a record comes from (`createdBy.source`), as with Twenty.
    assert!(create.contains(&"createdBy".to_owned()));
    assert!(!update.contains(&"createdBy".to_owned()));
    assert!(create.contains(&"id".to_owned()));
    assert!(!update.contains(&"id".to_owned()));
    assert!(create.contains(&"position".to_owned()));
    assert_eq!(
        at(&doc, "/components/schemas/Company/additionalProperties"),
        false
    );

    let response = property_names(&doc, "CompanyForResponse");
    for name in [
        "id",
        "createdAt",
        "createdBy",
        "deletedAt",
        "people",
        "position",
    ] {
        assert!(response.contains(&name.to_owned()), "response lacks {name}");
    }
    assert!(!response.contains(&"searchVector".to_owned()));
}

#[test]
fn relations_are_foreign_keys_on_input_and_refs_on_output() {
    let doc = crm_json();
    assert_eq!(
        property(&doc, "Person", "companyId"),
        &json!({
            "type": ["string", "null"],
            "format": "uuid",
            "description": "Id of the related company (`company`)."
        })
    );
    assert!(!property_names(&doc, "Person").contains(&"company".to_owned()));
    assert_eq!(
        property(&doc, "PersonForResponse", "company")["oneOf"],
        json!([
            { "$ref": "#/components/schemas/CompanyForResponse" },
            { "type": "null" }
        ])
    );
    let people = property(&doc, "CompanyForResponse", "people");
    assert_eq!(people["type"], "array");
    assert_eq!(
        people["items"]["$ref"],
        "#/components/schemas/PersonForResponse"
    );
}

#[test]
fn a_required_many_to_one_is_not_nullable() {
    let doc = crm_with_deals();
    assert_eq!(property(&doc, "Deal", "companyId")["type"], "string");
    assert_eq!(
        property(&doc, "DealForResponse", "company")["$ref"],
        "#/components/schemas/CompanyForResponse"
    );
}

/// Walks every value of the document.
fn walk<'a>(value: &'a Value, visit: &mut dyn FnMut(&'a serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            visit(map);
            map.values().for_each(|v| walk(v, visit));
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, visit)),
        _ => {}
    }
}

#[test]
fn nullability_uses_3_1_type_arrays_never_nullable() {
    let doc = crm_with_deals();
    walk(&doc, &mut |map| {
        assert!(!map.contains_key("nullable"), "3.0 `nullable` in {map:?}");
    });
    assert_eq!(
        property(&doc, "Company", "name"),
        &json!({ "type": ["string", "null"] })
    );
    assert_eq!(
        property(&doc, "DealForUpdate", "title"),
        &json!({ "type": "string", "description": "What the deal is about." })
    );
    // A nullable enum lists null, or the type array alone would not admit it.
    assert_eq!(
        property(&doc, "Deal", "priority"),
        &json!({ "type": ["string", "null"], "enum": ["LOW", "HIGH", null] })
    );
    // A composite input accepts null when the field is nullable; an output is always an object.
    assert_eq!(
        property(&doc, "Company", "domainName")["oneOf"],
        json!([{ "$ref": "#/components/schemas/Links" }, { "type": "null" }])
    );
    assert_eq!(
        property(&doc, "CompanyForResponse", "domainName"),
        &json!({ "$ref": "#/components/schemas/Links" })
    );
    assert_eq!(
        property(&doc, "Deal", "site"),
        &json!({ "$ref": "#/components/schemas/Address" })
    );
}

#[test]
fn field_types_map_to_json_schema() {
    let doc = crm_with_deals();
    let p = |name: &str| property(&doc, "DealForResponse", name).clone();
    assert_eq!(p("id"), json!({ "type": "string", "format": "uuid" }));
    assert_eq!(
        p("externalId"),
        json!({ "type": ["string", "null"], "format": "uuid" })
    );
    assert_eq!(p("amount")["type"], json!(["number", "null"]));
    assert_eq!(p("won"), json!({ "type": ["boolean", "null"] }));
    assert_eq!(
        p("closeDate"),
        json!({ "type": ["string", "null"], "format": "date-time" })
    );
    assert_eq!(
        p("startDate"),
        json!({ "type": ["string", "null"], "format": "date" })
    );
    assert_eq!(
        p("rating")["enum"],
        json!([
            "RATING_1", "RATING_2", "RATING_3", "RATING_4", "RATING_5", null
        ])
    );
    assert_eq!(p("position"), json!({ "type": "number" }));
    assert_eq!(p("payload"), json!({ "description": "Any JSON value." }));
    assert_eq!(
        p("labels"),
        json!({ "type": ["array", "null"], "items": { "type": "string" } })
    );
    assert_eq!(
        property(&doc, "PersonForResponse", "interests"),
        &json!({
            "type": ["array", "null"],
            "items": { "type": "string", "enum": ["SPORT", "MUSIC"] }
        })
    );
    assert_eq!(
        property(&doc, "Deal", "stage"),
        &json!({ "type": "string", "enum": ["NEW", "WON"], "default": "NEW" })
    );
}

#[test]
fn composites_describe_their_sub_fields() {
    let doc = crm_json();
    assert_eq!(
        property_names(&doc, "Links"),
        ["primaryLinkLabel", "primaryLinkUrl", "secondaryLinks"]
    );
    assert_eq!(
        property(&doc, "Links", "secondaryLinks")["items"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["label", "url"]
    );
    assert_eq!(
        property(&doc, "Emails", "additionalEmails"),
        &json!({ "type": ["array", "null"], "items": { "type": "string" } })
    );
    assert_eq!(
        property(&doc, "Phones", "additionalPhones")["items"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["callingCode", "countryCode", "number"]
    );
    assert_eq!(property(&doc, "Actor", "name")["readOnly"], true);
    assert_eq!(property(&doc, "Actor", "source")["type"], "string");
    assert_eq!(
        property(&doc, "Currency", "amountMicros")["type"],
        json!(["number", "null"])
    );
}

#[test]
fn every_object_has_a_webhook_per_event() {
    let doc = crm_json();
    let mut events: Vec<_> = at(&doc, "/webhooks")
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    events.sort();
    assert_eq!(
        events,
        [
            "company.created",
            "company.deleted",
            "company.destroyed",
            "company.restored",
            "company.updated",
            "company.upserted",
            "person.created",
            "person.deleted",
            "person.destroyed",
            "person.restored",
            "person.updated",
            "person.upserted",
        ]
    );
    let updated = at(&doc, "/webhooks/person.updated/post");
    let payload = &updated["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(
        payload["properties"]["eventName"]["enum"],
        json!(["person.updated"])
    );
    assert_eq!(
        payload["properties"]["record"]["$ref"],
        "#/components/schemas/PersonForResponse"
    );
    for key in [
        "targetUrl",
        "eventName",
        "objectMetadata",
        "workspaceId",
        "webhookId",
        "eventId",
        "eventDate",
        "record",
        "updatedFields",
        "previousRecord",
    ] {
        assert!(
            payload["required"]
                .as_array()
                .unwrap()
                .contains(&json!(key)),
            "{key} is not required"
        );
    }
    let created = at(
        &doc,
        "/webhooks/person.created/post/requestBody/content/application~1json/schema",
    );
    assert!(created["properties"].get("updatedFields").is_none());
    // An upsert's delivery has them when it matched a record, not when it created one.
    let upserted = at(
        &doc,
        "/webhooks/person.upserted/post/requestBody/content/application~1json/schema",
    );
    assert!(upserted["properties"].get("previousRecord").is_some());
    assert!(
        !upserted["required"]
            .as_array()
            .unwrap()
            .contains(&json!("updatedFields"))
    );
    assert_eq!(updated["security"], json!([]));
    let headers: Vec<_> = updated["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = p["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
            at(&doc, &format!("/components/parameters/{name}/name"))
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        headers,
        [
            "X-Twenty-Webhook-Signature",
            "X-Twenty-Webhook-Timestamp",
            "X-Twenty-Webhook-Nonce",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature"
        ]
    );
}

// --- external validation -------------------------------------------------------------------

fn spec_check_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/spec-check"))
}

/// Runs `check-openapi.mjs` on `json`; `None` (after saying why) when the validator is not
/// installed here, which fails the test under `CI=true`.
fn check_openapi(name: &str, json: &str) -> Option<Output> {
    let dir = spec_check_dir();
    let node = Command::new("node").arg("--version").output();
    let missing = match node {
        Ok(out) if out.status.success() => (!dir.join("node_modules").is_dir()).then(|| {
            format!(
                "{} is missing (run `npm ci --prefix tools/spec-check`)",
                dir.join("node_modules").display()
            )
        }),
        _ => Some("`node` is not installed".to_owned()),
    };
    if let Some(why) = missing {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("cannot validate the OpenAPI document: {why}");
        }
        println!("skipped: cannot validate the OpenAPI document: {why}");
        return None;
    }
    let file =
        std::env::temp_dir().join(format!("twenty-openapi-{}-{name}.json", std::process::id()));
    std::fs::write(&file, json).expect("write the document to a temp file");
    let output = Command::new("node")
        .arg(dir.join("check-openapi.mjs"))
        .arg(&file)
        .output()
        .expect("run node");
    let _ = std::fs::remove_file(Path::new(&file));
    Some(output)
}

fn report(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_crm_document_passes_the_openapi_validators() {
    let Some(output) = check_openapi("crm", &openapi::to_json(&testing::crm())) else {
        return;
    };
    assert!(output.status.success(), "{}", report(&output));
}

#[test]
fn a_document_with_every_field_kind_passes_the_openapi_validators() {
    let Some(output) = check_openapi("deals", &crm_with_deals().to_string()) else {
        return;
    };
    assert!(output.status.success(), "{}", report(&output));
}

#[test]
fn the_validators_reject_a_broken_ref() {
    let mut doc = crm_json();
    *doc.pointer_mut("/components/schemas/PersonForResponse/properties/company/oneOf/0/$ref")
        .unwrap() = json!("#/components/schemas/NoSuchSchema");
    let Some(output) = check_openapi("broken", &doc.to_string()) else {
        return;
    };
    assert!(!output.status.success(), "a broken $ref was accepted");
    assert!(
        report(&output).contains("NoSuchSchema"),
        "{}",
        report(&output)
    );
}
