//! `GET /rest/open-api/metadata`: an OpenAPI 3.1 document of the metadata REST API.
use axum::response::Response;
use serde_json::{Value, json};

/// The document (the same for every workspace: objects and fields are its data).
pub async fn document(headers: axum::http::HeaderMap) -> Response {
    static DOCUMENT: std::sync::OnceLock<crate::document::Document> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| {
            let json = serde_json::to_vec(&spec()).unwrap_or_default();
            crate::document::Document::new(json, "application/json")
        })
        .respond(&headers)
}

fn error_responses() -> Value {
    let error = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut responses = serde_json::Map::new();
    for (status, what) in [
        (
            "400",
            "Invalid input (INVALID_METADATA, INVALID_WEBHOOK, INVALID_BODY, …)",
        ),
        ("401", "Missing or invalid API key"),
        (
            "403",
            "The key's scope does not allow it (changes need scope admin)",
        ),
        ("404", "No such object, field, webhook or delivery"),
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
    let (webhooks, webhook) = crud("webhooks", "webhooks", "webhook", "Webhook", &[]);
    let time = json!({"type": "string", "format": "date-time"});
    let time_or_null = json!({"type": ["string", "null"], "format": "date-time"});
    let operations = json!({"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9*]+\\.[a-z*]+$"},
        "description": "<nameSingular>.<action> (created, updated, deleted, destroyed, restored, upserted), with * for either part"});
    schemas.insert("Webhook".to_owned(), json!({"type": "object", "properties": {
                    "id": uuid, "targetUrl": text, "operations": operations, "description": text_or_null, "secret": text,
                    "standardWebhooksSecret": text_or_null, "workspaceId": uuid, "isActive": flag,
                    "disabledAt": time_or_null, "disabledReason": text_or_null, "lastSuccessAt": time_or_null,
                    "failingSince": time_or_null, "createdAt": time, "updatedAt": time, "deletedAt": time_or_null}}));
    schemas.insert("CreateWebhook".to_owned(), json!({"type": "object", "additionalProperties": false,
                    "required": ["targetUrl"], "properties": {
                    "id": uuid, "targetUrl": {"type": "string", "format": "uri"}, "operations": operations,
                    "description": text, "secret": {"type": "string", "description": "Absent: generated (64 hex digits); empty: deliveries are unsigned"}}}));
    schemas.insert("UpdateWebhook".to_owned(), json!({"type": "object", "additionalProperties": false, "properties": {
                    "targetUrl": {"type": "string", "format": "uri"}, "operations": operations, "description": text_or_null,
                    "secret": text, "isActive": flag}}));
    let status =
        json!({"type": "string", "enum": ["PENDING", "DELIVERED", "DEAD_LETTERED", "CANCELLED"]});
    schemas.insert("WebhookDelivery".to_owned(), json!({"type": "object", "properties": {
                    "id": uuid, "webhookId": uuid, "eventId": uuid, "logEventId": uuid, "eventName": text, "recordId": text,
                    "status": status, "attemptCount": {"type": "integer"}, "nextAttemptAt": time_or_null,
                    "createdAt": time, "updatedAt": time, "lastStatusCode": {"type": ["integer", "null"]},
                    "lastError": text_or_null, "payload": {"type": "object"},
                    "attempts": {"type": "array", "items": {"type": "object", "properties": {
                        "id": uuid, "attempt": {"type": "integer"}, "at": time, "statusCode": {"type": ["integer", "null"]},
                        "success": flag, "latencyMs": {"type": "integer"}, "response": text_or_null, "error": text_or_null}}}}}));
    let delivery_parameters = json!([
        {"name": "id", "in": "path", "required": true, "description": "The webhook's id", "schema": uuid},
        {"name": "deliveryId", "in": "path", "required": true, "description": "The delivery's id", "schema": uuid},
    ]);
    let deliveries = json!({
        "parameters": id_parameter("webhook"),
        "get": {
            "tags": ["webhooks"], "operationId": "listWebhookDeliveries",
            "summary": "A webhook's deliveries, newest first, each with its attempts",
            "parameters": list_parameters(&["status", "eventName", "recordId"]),
            "responses": with_errors("200", json!({
                "description": "A page of deliveries",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "data": {"type": "object", "properties": {"webhookDeliveries": {"type": "array", "items": reference("WebhookDelivery")}}},
                    "pageInfo": {"type": "object", "properties": {"hasNextPage": flag, "endCursor": text_or_null}}}}}},
            })),
        },
    });
    let delivery = json!({
        "parameters": delivery_parameters,
        "get": {
            "tags": ["webhooks"], "operationId": "getWebhookDelivery", "summary": "One delivery with its attempts",
            "responses": with_errors("200", envelope("The delivery", "webhookDelivery", reference("WebhookDelivery"))),
        },
    });
    let retry = json!({
        "parameters": delivery_parameters,
        "post": {
            "tags": ["webhooks"], "operationId": "retryWebhookDelivery",
            "summary": "Send a delivery again (pending, due now, its retry schedule started over)",
            "responses": with_errors("202", envelope("Queued", "retryWebhookDelivery", reference("WebhookDelivery"))),
        },
    });
    let test = json!({
        "parameters": id_parameter("webhook"),
        "post": {
            "tags": ["webhooks"], "operationId": "sendTestWebhookEvent",
            "summary": "Queue a `webhook.test` event to the webhook",
            "responses": with_errors("202", envelope("Queued", "sendTestWebhookEvent", reference("WebhookDelivery"))),
        },
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Twenty metadata API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The workspace's objects and fields, and its webhooks. Reading objects and fields needs any API key; changes, and every webhook call, need a key with scope admin.",
        },
        "servers": [{"url": "/rest/metadata"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/objects": objects, "/objects/{id}": object, "/fields": fields, "/fields/{id}": field,
            "/webhooks": webhooks, "/webhooks/{id}": webhook, "/webhooks/{id}/deliveries": deliveries,
            "/webhooks/{id}/deliveries/{deliveryId}": delivery,
            "/webhooks/{id}/deliveries/{deliveryId}/retry": retry, "/webhooks/{id}/test": test,
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        },
    })
}
