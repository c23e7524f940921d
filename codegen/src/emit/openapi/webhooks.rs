//! The `webhooks` section (OpenAPI 3.1): one POST per `<nameSingular>.<action>` describing
//! the payload and the signature headers a subscriber receives. Delivery itself is the server's.

use super::names;
use super::schemas::{array, typed, uuid_schema, with_description};
use crate::model::{Object, RecordAction, Schema as Model};
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{
    ContentBuilder, Paths, PathsBuilder, RefOr, Required, ResponseBuilder, Schema,
};

const SIGNATURE: &str = "webhookSignature";
const TIMESTAMP: &str = "webhookTimestamp";
const NONCE: &str = "webhookNonce";
const STANDARD_ID: &str = "standardWebhookId";
const STANDARD_TIMESTAMP: &str = "standardWebhookTimestamp";
const STANDARD_SIGNATURE: &str = "standardWebhookSignature";

/// One webhook per object and action, keyed by event name (`company.created`).
pub(super) fn webhooks(model: &Model) -> Paths {
    let mut builder = PathsBuilder::new();
    for object in &model.objects {
        for action in RecordAction::ALL {
            builder = builder.path(
                format!("{}.{action}", object.name_singular),
                webhook(object, action),
            );
        }
    }
    builder.build()
}

/// The signature headers, as reusable header parameters.
pub(super) fn component_parameters() -> Vec<(String, RefOr<Parameter>)> {
    let header = |name: &str, description: &str, pattern: &str| {
        RefOr::T(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(typed(Type::String, false).pattern(Some(pattern))))
                .build(),
        )
    };
    vec![
        (
            SIGNATURE.to_owned(),
            header(
                "X-Twenty-Webhook-Signature",
                "Hex HMAC-SHA256 of `<X-Twenty-Webhook-Timestamp>:<raw request body>`, keyed with the webhook's secret. Recompute it over the exact bytes received and compare in constant time. Sent only when the webhook has a secret.",
                "^[0-9a-f]{64}$",
            ),
        ),
        (
            TIMESTAMP.to_owned(),
            header(
                "X-Twenty-Webhook-Timestamp",
                "When the delivery was signed, in milliseconds since the Unix epoch. Reject old timestamps to limit replays. Sent only when the webhook has a secret.",
                "^[0-9]+$",
            ),
        ),
        (
            NONCE.to_owned(),
            header(
                "X-Twenty-Webhook-Nonce",
                "16 random bytes in hex, unique per delivery attempt, for replay protection. Sent only when the webhook has a secret.",
                "^[0-9a-f]{32}$",
            ),
        ),
        (
            STANDARD_ID.to_owned(),
            header(
                "webhook-id",
                "Standard Webhooks: the delivery's `eventId`, the same at every attempt.",
                "^[0-9a-f-]{36}$",
            ),
        ),
        (
            STANDARD_TIMESTAMP.to_owned(),
            header(
                "webhook-timestamp",
                "Standard Webhooks: when the attempt was signed, in seconds since the Unix epoch.",
                "^[0-9]+$",
            ),
        ),
        (
            STANDARD_SIGNATURE.to_owned(),
            header(
                "webhook-signature",
                "Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw request body>`, keyed with the webhook secret's UTF-8 bytes (`whsec_` + their base64 for Standard Webhooks libraries). Sent only when the webhook has a secret.",
                "^v1,[A-Za-z0-9+/=]+$",
            ),
        ),
    ]
}

fn webhook(object: &Object, action: RecordAction) -> PathItem {
    let event = format!("{}.{action}", object.name_singular);
    let label = &object.label_singular;
    let record_description = if action.carries_record_before() {
        format!("The {label} as it was before the {action} event.")
    } else {
        format!("The {label} after the change.")
    };
    let string = |format: KnownFormat| {
        typed(Type::String, false).format(Some(SchemaFormat::KnownFormat(format)))
    };
    let mut payload = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(format!("The body of a `{event}` delivery.")))
        .property(
            "targetUrl",
            typed(Type::String, false)
                .format(Some(SchemaFormat::Custom("uri".to_owned())))
                .description(Some("The URL the webhook delivers to.")),
        )
        .property(
            "eventName",
            typed(Type::String, false).enum_values(Some([event.as_str()])),
        )
        .property(
            "objectMetadata",
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property(
                    "id",
                    with_description(uuid_schema(false), Some("The object's metadata id.")),
                )
                .property(
                    "nameSingular",
                    typed(Type::String, false).enum_values(Some([object.name_singular.as_str()])),
                )
                .required("id")
                .required("nameSingular"),
        )
        .property("workspaceId", uuid_schema(false))
        .property("webhookId", uuid_schema(false))
        .property(
            "eventId",
            with_description(
                uuid_schema(false),
                Some("One per event and webhook, the same at every attempt (also the `webhook-id` header): de-duplicate on it."),
            ),
        )
        .property(
            "eventDate",
            string(KnownFormat::DateTime).description(Some("When the event happened.")),
        )
        .property(
            "userId",
            with_description(
                uuid_schema(true),
                Some("The user behind the change, when known."),
            ),
        )
        .property(
            "workspaceMemberId",
            with_description(
                uuid_schema(true),
                Some("The workspace member behind the change, when known."),
            ),
        )
        .property(
            "apiKeyId",
            with_description(
                uuid_schema(true),
                Some("The API key behind the change, when known."),
            ),
        )
        .property(
            "record",
            with_description(
                names::schema_ref(&names::response_schema(object)).into(),
                Some(&record_description),
            ),
        );
    for required in [
        "targetUrl",
        "eventName",
        "objectMetadata",
        "workspaceId",
        "webhookId",
        "eventId",
        "eventDate",
        "record",
    ] {
        payload = payload.required(required);
    }
    if action.lists_updated_fields() {
        payload = payload
            .property(
                "updatedFields",
                with_description(
                    array(typed(Type::String, false).into(), false),
                    Some("The names of the fields the update changed."),
                ),
            )
            .property(
                "previousRecord",
                with_description(
                    names::schema_ref(&names::response_schema(object)).into(),
                    Some(&format!("The {label} before the update.")),
                ),
            );
        // An upsert that created its record has neither.
        if action == RecordAction::Updated {
            payload = payload.required("updatedFields").required("previousRecord");
        }
    }

    let operation = OperationBuilder::new()
        .tag(names::webhook_tag(object))
        .operation_id(Some(format!(
            "on{}{}",
            object.type_name(),
            crate::model::upper_first(action.as_str())
        )))
        .summary(Some(event.clone()))
        .description(Some(match action {
            RecordAction::Upserted => format!(
                "Sent, for each record an upsert created or updated, to every webhook subscribed to `{event}` or `*.upserted` (instead of `{0}.created` / `{0}.updated`). Any 2xx answer acknowledges the delivery; other answers and timeouts are retried with backoff.",
                object.name_singular
            ),
            _ => format!(
                "Sent to every webhook subscribed to `{event}`, `{}.*`, `*.{action}` or `*.*`. Any 2xx answer acknowledges the delivery; other answers and timeouts are retried with backoff.",
                object.name_singular
            ),
        }))
        .parameter_ref(names::parameter_ref(SIGNATURE))
        .parameter_ref(names::parameter_ref(TIMESTAMP))
        .parameter_ref(names::parameter_ref(NONCE))
        .parameter_ref(names::parameter_ref(STANDARD_ID))
        .parameter_ref(names::parameter_ref(STANDARD_TIMESTAMP))
        .parameter_ref(names::parameter_ref(STANDARD_SIGNATURE))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(RefOr::<Schema>::from(payload)))
                        .build(),
                )
                .build(),
        ))
        // Deliveries are authenticated by the signature, not by a bearer token.
        .securities(Some(Vec::new()))
        .response(
            "2XX",
            ResponseBuilder::new().description("The delivery was received."),
        )
        .build();
    PathItem::new(HttpMethod::Post, operation)
}
