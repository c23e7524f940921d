//! `GET /rest/open-api/metadata`: an OpenAPI 3.1 document of the metadata REST API.
use super::json_document;
use axum::response::Response;
use serde_json::{Value, json};

/// The document (the same for every workspace: objects and fields are its data).
pub async fn document() -> Response {
    json_document(serde_json::to_vec(&spec()).unwrap_or_default())
}

fn error_responses() -> Value {
    let error = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut responses = serde_json::Map::new();
    for (status, what) in [
        ("400", "Invalid input (INVALID_METADATA, INVALID_BODY, …)"),
        ("401", "Missing or invalid API key"),
        (
            "403",
            "The key's scope does not allow it (changes need scope admin)",
        ),
        ("404", "No such object or field"),
        (
            "409",
            "Refused by the workspace's data (METADATA_REFUSED) or a concurrent change (MODEL_CHANGED)",
        ),
    ] {
        let mut e = error.clone();
        e["description"] = json!(what);
        responses.insert(status.to_owned(), e);
    }
    Value::Object(responses)
}

fn with_errors(ok_status: &str, ok: Value) -> Value {
    let mut responses = error_responses();
    responses[ok_status] = ok;
    responses
}

fn envelope(description: &str, key: &str, schema: Value) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"data": {"type": "object", "properties": {key: schema}}},
        }}},
    })
}

fn list(key: &str, item: &str) -> Value {
    json!({
        "description": format!("A page of {key}"),
        "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {
                "data": {"type": "object", "properties": {key: {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}},
                "pageInfo": {"$ref": "#/components/schemas/PageInfo"},
                "totalCount": {"type": "integer"},
            },
        }}},
    })
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn body(name: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": reference(name)}}})
}

fn id_parameter(what: &str) -> Value {
    json!([{"name": "id", "in": "path", "required": true, "description": format!("The {what}'s id"), "schema": {"type": "string", "format": "uuid"}}])
}

fn list_parameters(filters: &[&str]) -> Value {
    let mut parameters = vec![
        json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": super::MAX_PAGE, "default": super::MAX_PAGE}}),
        json!({"name": "starting_after", "in": "query", "description": "The id of the last item of the previous page", "schema": {"type": "string"}}),
    ];
    for f in filters {
        parameters.push(json!({"name": f, "in": "query", "description": format!("Only items whose {f} equals this"), "schema": {"type": "string"}}));
    }
    Value::Array(parameters)
}

fn crud(tag: &str, plural: &str, singular: &str, schema: &str, filters: &[&str]) -> (Value, Value) {
    let upper = |s: &str| format!("{}{}", s[..1].to_uppercase(), &s[1..]);
    let collection = json!({
        "get": {
            "tags": [tag], "operationId": format!("list{}", upper(plural)),
            "summary": format!("List {plural}"),
            "parameters": list_parameters(filters),
            "responses": with_errors("200", list(plural, schema)),
        },
        "post": {
            "tags": [tag], "operationId": format!("create{}", upper(singular)),
            "summary": format!("Create a {singular} (scope admin)"),
            "requestBody": body(&format!("Create{schema}")),
            "responses": with_errors("201", envelope("Created", &format!("createOne{}", upper(singular)), reference(schema))),
        },
    });
    let item = json!({
        "parameters": id_parameter(singular),
        "get": {
            "tags": [tag], "operationId": format!("get{}", upper(singular)),
            "summary": format!("Get a {singular}"),
            "responses": with_errors("200", envelope("The item", singular, reference(schema))),
        },
        "patch": {
            "tags": [tag], "operationId": format!("update{}", upper(singular)),
            "summary": format!("Update a {singular} (scope admin)"),
            "requestBody": body(&format!("Update{schema}")),
            "responses": with_errors("200", envelope("Updated", &format!("updateOne{}", upper(singular)), reference(schema))),
        },
        "delete": {
            "tags": [tag], "operationId": format!("delete{}", upper(singular)),
            "summary": format!("Delete a {singular} (scope admin)"),
            "responses": with_errors("200", envelope("Deleted", &format!("deleteOne{}", upper(singular)), json!({"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}}}))),
        },
    });
    (collection, item)
}

/// The document.
pub fn spec() -> Value {
    let (objects, object) = crud(
        "objects",
        "objects",
        "object",
        "ObjectMetadata",
        &["id", "isActive", "isCustom", "isSystem"],
    );
    let (fields, field) = crud(
        "fields",
        "fields",
        "field",
        "FieldMetadata",
        &[
            "id",
            "isActive",
            "isCustom",
            "isSystem",
            "objectMetadataId",
            "type",
        ],
    );
    let text = json!({"type": "string"});
    let text_or_null = json!({"type": ["string", "null"]});
    let flag = json!({"type": "boolean"});
    let uuid = json!({"type": "string", "format": "uuid"});
    let field_types: Vec<&str> = twenty_codegen::model::FieldType::ALL
        .iter()
        .filter(|t| **t != twenty_codegen::model::FieldType::TsVector)
        .map(|t| t.as_str())
        .collect();
    let option = json!({"type": "object", "required": ["value", "label", "color"], "properties": {
        "id": uuid, "value": text, "label": text, "color": text, "position": {"type": "integer"}}});
    let mut schemas = serde_json::Map::new();
    schemas.insert("Error".to_owned(), json!({"type": "object", "required": ["statusCode", "error", "messages", "code"], "properties": {
                    "statusCode": {"type": "integer"}, "error": text, "messages": {"type": "array", "items": text}, "code": text}}));
    schemas.insert("PageInfo".to_owned(), json!({"type": "object", "properties": {"hasNextPage": flag, "startCursor": text_or_null, "endCursor": text_or_null}}));
    schemas.insert("ObjectMetadata".to_owned(), json!({"type": "object", "properties": {
                    "id": uuid, "nameSingular": text, "namePlural": text, "labelSingular": text, "labelPlural": text,
                    "description": text_or_null, "icon": text_or_null, "isCustom": flag, "isRemote": flag, "isActive": flag,
                    "isSystem": flag, "isSearchable": flag, "isLabelSyncedWithName": flag, "shortcut": text_or_null,
                    "labelIdentifierFieldMetadataId": {"type": ["string", "null"], "format": "uuid"},
                    "imageIdentifierFieldMetadataId": {"type": ["string", "null"], "format": "uuid"},
                    "fields": {"type": "array", "items": reference("FieldMetadata")}}}));
    schemas.insert("FieldMetadata".to_owned(), json!({"type": "object", "properties": {
                    "id": uuid, "type": {"type": "string", "enum": field_types}, "name": text, "label": text,
                    "description": text_or_null, "icon": text_or_null, "isCustom": flag, "isActive": flag, "isSystem": flag,
                    "isNullable": flag, "isUnique": flag, "isLabelSyncedWithName": flag, "defaultValue": {},
                    "options": {"type": ["array", "null"], "items": option}, "settings": {}, "objectMetadataId": uuid,
                    "relation": {"type": ["object", "null"]}}}));
    schemas.insert("CreateObjectMetadata".to_owned(), json!({"type": "object", "additionalProperties": false,
                    "required": ["nameSingular", "namePlural", "labelSingular", "labelPlural"], "properties": {
                    "id": uuid, "nameSingular": text, "namePlural": text, "labelSingular": text, "labelPlural": text,
                    "description": text, "icon": text, "isSearchable": flag, "isLabelSyncedWithName": flag, "shortcut": text, "isRemote": flag}}));
    schemas.insert("UpdateObjectMetadata".to_owned(), json!({"type": "object", "additionalProperties": false, "properties": {
                    "nameSingular": text, "namePlural": text, "labelSingular": text, "labelPlural": text,
                    "description": text_or_null, "icon": text_or_null, "isActive": flag, "labelIdentifierFieldMetadataId": uuid,
                    "isSearchable": flag, "isLabelSyncedWithName": flag, "shortcut": text}}));
    schemas.insert("CreateFieldMetadata".to_owned(), json!({"type": "object", "additionalProperties": false,
                    "required": ["objectMetadataId", "type", "name", "label"], "properties": {
                    "id": uuid, "objectMetadataId": uuid, "type": {"type": "string", "enum": field_types}, "name": text, "label": text,
                    "description": text, "icon": text, "isNullable": flag, "isUnique": flag, "defaultValue": {},
                    "options": {"type": "array", "items": option}, "settings": {}, "isActive": flag, "isLabelSyncedWithName": flag,
                    "relationCreationPayload": {"type": "object", "required": ["targetObjectMetadataId", "targetFieldLabel", "type"], "properties": {
                        "targetObjectMetadataId": uuid, "targetFieldLabel": text, "targetFieldIcon": text, "targetFieldName": text,
                        "type": {"type": "string", "enum": ["MANY_TO_ONE", "ONE_TO_MANY"]}}}}}));
    schemas.insert("UpdateFieldMetadata".to_owned(), json!({"type": "object", "additionalProperties": false, "properties": {
                    "name": text, "label": text, "description": text_or_null, "icon": text_or_null, "isActive": flag,
                    "isNullable": flag, "isUnique": flag, "defaultValue": {}, "options": {"type": "array", "items": option},
                    "settings": {}, "type": {"type": "string", "enum": field_types}, "isLabelSyncedWithName": flag,
                    "optionReplacements": {"type": "object", "additionalProperties": text}}}));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Twenty metadata API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The workspace's objects and fields. Reading needs any API key; changes need a key with scope admin.",
        },
        "servers": [{"url": "/rest/metadata"}],
        "security": [{"bearerAuth": []}],
        "paths": {"/objects": objects, "/objects/{id}": object, "/fields": fields, "/fields/{id}": field},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    })
}
