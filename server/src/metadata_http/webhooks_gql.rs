//! The webhooks' part of `/metadata` (Twenty's names): queries `webhooks`, `webhook`,
//! `webhookDeliveries`, `webhookDelivery`; mutations `createWebhook`, `updateWebhook`,
//! `deleteWebhook`, `retryWebhookDelivery`, `sendTestWebhookEvent`. Every one needs the
//! `admin` scope; the rules are `crate::webhooks::manage`'s, the JSON shapes the REST
//! routes' too.
use super::graphql::{
    Kind, MetaCall, arg, b, boolean, call, gql_error, id_nn, id_t, input, json_t, key, opt_arg, s,
    s_nn, string, string_nn, uuid_nn,
};
use crate::error::ApiError;
use crate::store::webhooks::DeliveryQuery;
use crate::webhooks::manage::{self, CreateWebhook, Manage, UpdateWebhook};
use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputValue, Object, ResolverContext, SchemaBuilder,
    TypeRef,
};
use serde_json::{Value, json};
use uuid::Uuid;

async fn manage<'a>(call: &'a MetaCall) -> Result<Manage<'a>, async_graphql::Error> {
    call.auth
        .require_admin_to("manage webhooks")
        .map_err(gql_error)?;
    let model = call
        .state
        .model(call.auth.workspace_id)
        .await
        .map_err(gql_error)?;
    Ok(Manage {
        store: &call.state.store,
        signals: &call.state.webhook_signals,
        workspace: call.auth.workspace_id,
        schema: model.schema.clone(),
    })
}

fn value(v: Value) -> Result<Option<FieldValue<'static>>, async_graphql::Error> {
    Ok(Some(FieldValue::owned_any(v)))
}

fn strings(name: &'static str) -> Field {
    key(
        name,
        TypeRef::named_nn_list_nn(TypeRef::STRING),
        Kind::Scalar,
    )
}

fn int(name: &'static str) -> Field {
    key(name, TypeRef::named(TypeRef::INT), Kind::Scalar)
}

/// The types.
pub(super) fn register(builder: SchemaBuilder) -> SchemaBuilder {
    let webhook = Object::new("Webhook")
        .field(uuid_nn("id"))
        .field(string_nn("targetUrl"))
        .field(strings("operations"))
        .field(string("description"))
        .field(string_nn("secret"))
        .field(string("standardWebhooksSecret"))
        .field(uuid_nn("workspaceId"))
        .field(boolean("isActive"))
        .field(string("disabledAt"))
        .field(string("disabledReason"))
        .field(string("lastSuccessAt"))
        .field(string("failingSince"))
        .field(string_nn("createdAt"))
        .field(string_nn("updatedAt"))
        .field(string("deletedAt"));
    let attempt = Object::new("WebhookDeliveryAttempt")
        .field(string_nn("id"))
        .field(key(
            "attempt",
            TypeRef::named_nn(TypeRef::INT),
            Kind::Scalar,
        ))
        .field(string_nn("at"))
        .field(int("statusCode"))
        .field(boolean("success"))
        .field(key(
            "latencyMs",
            TypeRef::named_nn(TypeRef::INT),
            Kind::Scalar,
        ))
        .field(string("response"))
        .field(string("error"));
    let delivery = Object::new("WebhookDelivery")
        .field(string_nn("id"))
        .field(uuid_nn("webhookId"))
        .field(string_nn("eventId"))
        .field(string_nn("logEventId"))
        .field(string_nn("eventName"))
        .field(string_nn("recordId"))
        .field(key(
            "status",
            TypeRef::named_nn("WebhookDeliveryStatus"),
            Kind::Enum,
        ))
        .field(key(
            "attemptCount",
            TypeRef::named_nn(TypeRef::INT),
            Kind::Scalar,
        ))
        .field(string("nextAttemptAt"))
        .field(string_nn("createdAt"))
        .field(string_nn("updatedAt"))
        .field(int("lastStatusCode"))
        .field(string("lastError"))
        .field(key("payload", json_t(), Kind::Scalar))
        .field(key(
            "attempts",
            TypeRef::named_nn_list_nn("WebhookDeliveryAttempt"),
            Kind::Object,
        ));
    let page = Object::new("WebhookDeliveryConnection")
        .field(key(
            "edges",
            TypeRef::named_nn_list_nn("WebhookDeliveryEdge"),
            Kind::Object,
        ))
        .field(key("pageInfo", TypeRef::named_nn("PageInfo"), Kind::Object));
    let edge = Object::new("WebhookDeliveryEdge")
        .field(key(
            "node",
            TypeRef::named_nn("WebhookDelivery"),
            Kind::Object,
        ))
        .field(string_nn("cursor"));
    let status = ["PENDING", "DELIVERED", "DEAD_LETTERED", "CANCELLED"]
        .into_iter()
        .fold(Enum::new("WebhookDeliveryStatus"), |e, s| e.item(s));
    let operations = TypeRef::named_list_nn(TypeRef::STRING);
    builder
        .register(webhook)
        .register(attempt)
        .register(delivery)
        .register(page)
        .register(edge)
        .register(status)
        .register(input(
            "CreateWebhookInput",
            &[
                ("id", id_t()),
                ("targetUrl", s_nn()),
                ("operations", operations.clone()),
                ("description", s()),
                ("secret", s()),
            ],
        ))
        .register(input(
            "UpdateWebhookInput",
            &[
                ("id", id_nn()),
                ("targetUrl", s()),
                ("operations", operations),
                ("description", s()),
                ("secret", s()),
                ("isActive", b()),
            ],
        ))
        .register(input("WebhookIdInput", &[("id", id_nn())]))
}

/// The webhook a field names, as `id: "…"` (Twenty's current spelling) or `input: {id: "…"}`
/// (its earlier one, still sent by its Zapier connector).
fn id_of(ctx: &ResolverContext<'_>, field: &str) -> Result<Uuid, async_graphql::Error> {
    let by_input = opt_arg(ctx, "input")?;
    let id = match (by_input.get("id"), opt_arg(ctx, "id")?) {
        (Some(id), Value::Null) => id.clone(),
        (None, Value::Null) => {
            return Err(gql_error(ApiError::bad_request(
                "INVALID_BODY",
                format!("{field} needs id: \"…\" (or input: {{id: \"…\"}})"),
            )));
        }
        (None, id) => id,
        (Some(_), _) => {
            return Err(gql_error(ApiError::bad_request(
                "INVALID_BODY",
                format!("{field}: give id or input.id, not both"),
            )));
        }
    };
    serde_json::from_value(id)
        .map_err(|e| gql_error(ApiError::bad_request("INVALID_ID", format!("id: {e}"))))
}

/// The `input` argument as a `T` (unknown keys and wrong types are a BAD_USER_INPUT).
fn input_of<T: serde::de::DeserializeOwned>(
    ctx: &ResolverContext<'_>,
) -> Result<T, async_graphql::Error> {
    arg(ctx, "input")
}

/// The queries.
pub(super) fn queries(query: Object) -> Object {
    query
        .field(Field::new(
            "webhooks",
            TypeRef::named_nn_list_nn("Webhook"),
            |ctx| {
                FieldFuture::new(async move {
                    let hooks = manage(call(&ctx)?).await?.list().await.map_err(gql_error)?;
                    Ok(Some(FieldValue::list(
                        hooks
                            .iter()
                            .map(|w| FieldValue::owned_any(manage::shape(w))),
                    )))
                })
            },
        ))
        .field(
            Field::new("webhook", TypeRef::named("Webhook"), |ctx| {
                FieldFuture::new(async move {
                    let id = id_of(&ctx, "webhook")?;
                    match manage(call(&ctx)?).await?.get(id).await {
                        Ok(w) => value(manage::shape(&w)),
                        Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => Ok(None),
                        Err(e) => Err(gql_error(e)),
                    }
                })
            })
            .argument(InputValue::new("input", TypeRef::named("WebhookIdInput")))
            .argument(InputValue::new("id", id_t())),
        )
        .field(
            Field::new(
                "webhookDeliveries",
                TypeRef::named_nn("WebhookDeliveryConnection"),
                |ctx| {
                    FieldFuture::new(async move {
                        let webhook: Uuid = arg(&ctx, "webhookId")?;
                        let text = |name: &str| -> Result<Option<String>, async_graphql::Error> {
                            Ok(opt_arg(&ctx, name)?.as_str().map(str::to_owned))
                        };
                        let first = match opt_arg(&ctx, "first")? {
                            Value::Number(n) => n
                                .as_u64()
                                .filter(|n| (1..=super::MAX_PAGE as u64).contains(n))
                                .ok_or_else(|| {
                                    gql_error(ApiError::bad_request(
                                        "LIMIT_EXCEEDED",
                                        format!("first must be from 1 to {}", super::MAX_PAGE),
                                    ))
                                })?,
                            _ => 100,
                        };
                        let query = DeliveryQuery {
                            status: text("status")?
                                .map(|s| manage::parse_status(&s))
                                .transpose()
                                .map_err(gql_error)?,
                            event_name: text("eventName")?,
                            record_id: text("recordId")?,
                            after: text("after")?,
                            limit: u32::try_from(first).unwrap_or(100),
                        };
                        let (items, more) = manage(call(&ctx)?)
                            .await?
                            .deliveries(webhook, &query)
                            .await
                            .map_err(gql_error)?;
                        let edges: Vec<Value> = items
                            .iter()
                            .map(|node| json!({"node": node, "cursor": node.get("id")}))
                            .collect();
                        value(json!({
                            "edges": edges,
                            "pageInfo": {
                                "hasNextPage": more,
                                "hasPreviousPage": query.after.is_some(),
                                "startCursor": items.first().and_then(|i| i.get("id")),
                                "endCursor": items.last().and_then(|i| i.get("id")),
                            },
                        }))
                    })
                },
            )
            .argument(InputValue::new("webhookId", id_nn()))
            .argument(InputValue::new(
                "status",
                TypeRef::named("WebhookDeliveryStatus"),
            ))
            .argument(InputValue::new("eventName", s()))
            .argument(InputValue::new("recordId", s()))
            .argument(InputValue::new("first", TypeRef::named(TypeRef::INT)))
            .argument(InputValue::new("after", s())),
        )
        .field(
            Field::new(
                "webhookDelivery",
                TypeRef::named_nn("WebhookDelivery"),
                |ctx| {
                    FieldFuture::new(async move {
                        let webhook: Uuid = arg(&ctx, "webhookId")?;
                        let id: String = arg(&ctx, "id")?;
                        let d = manage(call(&ctx)?)
                            .await?
                            .delivery(webhook, &id)
                            .await
                            .map_err(gql_error)?;
                        value(d)
                    })
                },
            )
            .argument(InputValue::new("webhookId", id_nn()))
            .argument(InputValue::new("id", s_nn())),
        )
}

/// The mutations.
pub(super) fn mutations(mutation: Object) -> Object {
    mutation
        .field(
            Field::new("createWebhook", TypeRef::named_nn("Webhook"), |ctx| {
                FieldFuture::new(async move {
                    let call = call(&ctx)?;
                    let m = manage(call).await?;
                    let input: CreateWebhook = input_of(&ctx)?;
                    let w = m.create(input).await.map_err(gql_error)?;
                    value(manage::shape(&w))
                })
            })
            .argument(InputValue::new(
                "input",
                TypeRef::named_nn("CreateWebhookInput"),
            )),
        )
        .field(
            Field::new("updateWebhook", TypeRef::named_nn("Webhook"), |ctx| {
                FieldFuture::new(async move {
                    let call = call(&ctx)?;
                    let m = manage(call).await?;
                    let update: UpdateWebhook = input_of(&ctx)?;
                    let id = update.id.ok_or_else(|| {
                        gql_error(ApiError::bad_request(
                            "INVALID_BODY",
                            "input.id is required",
                        ))
                    })?;
                    let w = m.update(id, update).await.map_err(gql_error)?;
                    value(manage::shape(&w))
                })
            })
            .argument(InputValue::new(
                "input",
                TypeRef::named_nn("UpdateWebhookInput"),
            )),
        )
        .field(
            // `Boolean!`, as Twenty's (its Zapier connector selects nothing under it); an
            // unknown id is a NOT_FOUND error rather than `false`.
            Field::new(
                "deleteWebhook",
                TypeRef::named_nn(TypeRef::BOOLEAN),
                |ctx| {
                    FieldFuture::new(async move {
                        let id = id_of(&ctx, "deleteWebhook")?;
                        manage(call(&ctx)?)
                            .await?
                            .delete(id)
                            .await
                            .map_err(gql_error)?;
                        Ok(Some(FieldValue::value(true)))
                    })
                },
            )
            .argument(InputValue::new("input", TypeRef::named("WebhookIdInput")))
            .argument(InputValue::new("id", id_t())),
        )
        .field(
            Field::new(
                "retryWebhookDelivery",
                TypeRef::named_nn("WebhookDelivery"),
                |ctx| {
                    FieldFuture::new(async move {
                        let webhook: Uuid = arg(&ctx, "webhookId")?;
                        let id: String = arg(&ctx, "id")?;
                        let d = manage(call(&ctx)?)
                            .await?
                            .retry(webhook, &id)
                            .await
                            .map_err(gql_error)?;
                        value(d)
                    })
                },
            )
            .argument(InputValue::new("webhookId", id_nn()))
            .argument(InputValue::new("id", s_nn())),
        )
        .field(
            Field::new(
                "sendTestWebhookEvent",
                TypeRef::named_nn("WebhookDelivery"),
                |ctx| {
                    FieldFuture::new(async move {
                        let id: Uuid = arg(&ctx, "id")?;
                        let d = manage(call(&ctx)?)
                            .await?
                            .send_test(id)
                            .await
                            .map_err(gql_error)?;
                        value(d)
                    })
                },
            )
            .argument(InputValue::new("id", id_nn())),
        )
}
