//! Creating, changing, listing and deleting webhooks, and their delivery log: the rules
//! both the REST routes and the `/metadata` GraphQL mutations apply (Twenty's input
//! shapes; errors as [`ApiError`]s naming what is wrong).
use super::Signals;
use crate::error::ApiError;
use crate::store::webhooks::{
    Attempt, Delivery, DeliveryQuery, DeliveryStatus, NewDelivery, Webhook,
};
use crate::store::{Store, now_ms};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use twenty_codegen::model::{RecordAction, Schema};
use uuid::Uuid;

/// Most operations a webhook may have.
const MAX_OPERATIONS: usize = 100;
/// Longest secret, URL and description accepted.
const MAX_SECRET: usize = 256;
const MAX_URL: usize = 2048;
const MAX_DESCRIPTION: usize = 4096;

/// `createWebhook(input: …)` / `POST /rest/metadata/webhooks`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWebhook {
    pub id: Option<Uuid>,
    pub target_url: String,
    /// Default `["*.*"]`, as Twenty's.
    pub operations: Option<Vec<String>>,
    pub description: Option<String>,
    /// Absent: one is generated; empty: deliveries are unsigned.
    pub secret: Option<String>,
}

/// `updateWebhook(input: {id, …})` / `PATCH /rest/metadata/webhooks/{id}`: only what is
/// given changes. `isActive: true` re-enables a webhook disabled after failing; `false`
/// stops its deliveries.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateWebhook {
    /// Accepted (and ignored) so that GraphQL's `input: {id, …}` can be read as one.
    pub id: Option<Uuid>,
    pub target_url: Option<String>,
    pub operations: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub description: Option<Option<String>>,
    pub secret: Option<String>,
    pub is_active: Option<bool>,
}

/// A present key, null or not (absent stays `None`).
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALID_WEBHOOK", message)
}

/// A webhook secret: 32 random bytes as 64 hex digits (Twenty's `generateWebhookSecret`).
pub fn generate_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            format!("cannot generate a webhook secret: {e}"),
        )
    })?;
    Ok(hex::encode(bytes))
}

fn check_url(url: &str) -> Result<String, ApiError> {
    let url = url.trim();
    if url.len() > MAX_URL {
        return Err(invalid(format!(
            "targetUrl is longer than {MAX_URL} characters"
        )));
    }
    let parsed = url::Url::parse(url)
        .map_err(|e| invalid(format!("targetUrl {url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "targetUrl {url:?} must be an http or https URL, not {}",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid(format!("targetUrl {url:?} has no host")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(format!(
            "targetUrl {url:?} must not carry credentials; sign deliveries with the secret instead"
        )));
    }
    Ok(url.to_owned())
}

/// Checks operations against the workspace's objects (custom ones included) and the
/// actions; an unknown one is named.
pub fn check_operations(schema: &Schema, operations: &[String]) -> Result<Vec<String>, ApiError> {
    if operations.is_empty() {
        return Err(invalid(
            "operations must list at least one <nameSingular>.<action> (such as person.created or *.*)",
        ));
    }
    if operations.len() > MAX_OPERATIONS {
        return Err(invalid(format!(
            "a webhook has at most {MAX_OPERATIONS} operations"
        )));
    }
    let mut out: Vec<String> = Vec::new();
    for op in operations {
        let op = op.trim();
        let Some((object, action)) = op.split_once('.') else {
            return Err(invalid(format!(
                "operation {op:?} is not <nameSingular>.<action> (such as person.created, *.updated or company.*)"
            )));
        };
        if object != "*" && schema.object(object).is_none() {
            return Err(invalid(format!(
                "operation {op:?}: unknown object {object:?}; objects are named by nameSingular, or * for all"
            )));
        }
        if action != "*" && RecordAction::parse(action).is_none() {
            return Err(invalid(format!(
                "operation {op:?}: unknown action {action:?}; actions are {}, or * for all",
                RecordAction::ALL.map(RecordAction::as_str).join(", ")
            )));
        }
        if !out.iter().any(|o| o == op) {
            out.push(op.to_owned());
        }
    }
    Ok(out)
}

fn check_secret(secret: String) -> Result<String, ApiError> {
    if secret.len() > MAX_SECRET {
        return Err(invalid(format!(
            "secret is longer than {MAX_SECRET} characters"
        )));
    }
    Ok(secret)
}

fn check_description(d: Option<String>) -> Result<Option<String>, ApiError> {
    match d {
        Some(d) if d.len() > MAX_DESCRIPTION => Err(invalid(format!(
            "description is longer than {MAX_DESCRIPTION} characters"
        ))),
        d => Ok(d),
    }
}

/// A webhook as the API answers it: Twenty's keys (`id`, `targetUrl`, `operations`,
/// `description`, `secret`, `workspaceId`, `createdAt`, `updatedAt`, `deletedAt`) and its
/// delivery state (`isActive`, `disabledAt`, `disabledReason`, `lastSuccessAt`,
/// `failingSince`) and `standardWebhooksSecret`, the secret as Standard Webhooks
/// libraries take it (null when deliveries are unsigned).
pub fn shape(w: &Webhook) -> Value {
    let time = |ms: Option<i64>| ms.map(crate::query::time::format_ms);
    json!({
        "id": w.id,
        "targetUrl": w.target_url,
        "operations": w.operations,
        "description": w.description,
        "secret": w.secret,
        "standardWebhooksSecret": (!w.secret.is_empty()).then(|| super::sign::standard_secret(&w.secret)),
        "workspaceId": w.workspace_id,
        "isActive": w.is_active(),
        "disabledAt": time(w.disabled_at),
        "disabledReason": w.disabled_reason,
        "lastSuccessAt": time(w.last_success_at),
        "failingSince": time(w.failing_since),
        "createdAt": crate::query::time::format_ms(w.created_at),
        "updatedAt": crate::query::time::format_ms(w.updated_at),
        "deletedAt": Value::Null,
    })
}

/// A delivery and its attempts as the log answers them; `body` is what it sends (null
/// when its event is no longer in the log).
pub fn delivery_shape(d: &Delivery, attempts: &[Attempt], body: Option<&str>) -> Value {
    let time = crate::query::time::format_ms;
    let payload: Value = body
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    json!({
        "id": d.id,
        "webhookId": d.webhook_id,
        "eventId": d.id,
        "logEventId": d.event_id,
        "eventName": d.event_name,
        "recordId": d.record_id,
        "status": d.status,
        "attemptCount": d.attempts,
        "nextAttemptAt": d.next_attempt_at.map(time),
        "createdAt": time(d.created_at),
        "updatedAt": time(d.updated_at),
        "lastStatusCode": d.last_status_code,
        "lastError": d.last_error,
        "payload": payload,
        "attempts": attempts.iter().filter(|a| a.delivery_id == d.id).map(|a| json!({
            "id": a.id,
            "attempt": a.attempt,
            "at": time(a.at),
            "statusCode": a.status_code,
            "success": a.status_code.is_some_and(|c| (200..300).contains(&c)),
            "latencyMs": a.latency_ms,
            "response": a.response,
            "error": a.error,
        })).collect::<Vec<_>>(),
    })
}

/// What the management calls share.
pub struct Manage<'a> {
    pub store: &'a Store,
    pub signals: &'a Signals,
    pub workspace: Uuid,
    /// The workspace's model (operations are checked against it; bodies name its
    /// objects' ids).
    pub schema: std::sync::Arc<Schema>,
}

impl Manage<'_> {
    /// The workspace's webhooks, oldest first.
    pub async fn list(&self) -> Result<Vec<Webhook>, ApiError> {
        self.store
            .webhooks(self.workspace)
            .await
            .map_err(ApiError::failure)
    }

    /// One webhook (a 404 when the workspace has none of that id).
    pub async fn get(&self, id: Uuid) -> Result<Webhook, ApiError> {
        self.list()
            .await?
            .into_iter()
            .find(|w| w.id == id)
            .ok_or_else(|| ApiError::not_found(format!("no webhook with id {id}")))
    }

    /// Creates a webhook. The first one of a workspace starts delivery from the end of
    /// the event log as it is (earlier changes were made before anyone subscribed).
    pub async fn create(&self, input: CreateWebhook) -> Result<Webhook, ApiError> {
        let target_url = check_url(&input.target_url)?;
        let operations = check_operations(
            &self.schema,
            &input.operations.unwrap_or_else(|| vec!["*.*".to_owned()]),
        )?;
        let secret = match input.secret {
            None => generate_secret()?,
            Some(s) => check_secret(s)?,
        };
        let existing = self.list().await?;
        let id = input.id.unwrap_or_else(Uuid::new_v4);
        if existing.iter().any(|w| w.id == id) {
            return Err(invalid(format!("a webhook with id {id} already exists")));
        }
        if !existing.iter().any(Webhook::is_active) {
            let db = self
                .store
                .workspace_db(self.workspace)
                .await
                .map_err(ApiError::failure)?;
            self.store
                .skip_dispatched(&db)
                .await
                .map_err(ApiError::failure)?;
        }
        let now = now_ms();
        let webhook = Webhook {
            id,
            workspace_id: self.workspace,
            target_url,
            operations,
            description: check_description(input.description)?,
            secret,
            created_at: now,
            updated_at: now,
            disabled_at: None,
            disabled_reason: None,
            last_success_at: None,
            failing_since: None,
        };
        self.store
            .insert_webhook(&webhook)
            .await
            .map_err(ApiError::failure)?;
        self.signals.changed();
        Ok(webhook)
    }

    /// Changes what `update` gives.
    pub async fn update(&self, id: Uuid, update: UpdateWebhook) -> Result<Webhook, ApiError> {
        let mut webhook = self.get(id).await?;
        if let Some(url) = update.target_url {
            webhook.target_url = check_url(&url)?;
        }
        if let Some(ops) = update.operations {
            webhook.operations = check_operations(&self.schema, &ops)?;
        }
        if let Some(d) = update.description {
            webhook.description = check_description(d)?;
        }
        if let Some(secret) = update.secret {
            webhook.secret = check_secret(secret)?;
        }
        let now = now_ms();
        match update.is_active {
            Some(true) if !webhook.is_active() => {
                // A workspace whose webhooks were all disabled was not dispatched meanwhile:
                // nothing of that time is delivered late.
                if !self.list().await?.iter().any(Webhook::is_active) {
                    let db = self
                        .store
                        .workspace_db(self.workspace)
                        .await
                        .map_err(ApiError::failure)?;
                    self.store
                        .skip_dispatched(&db)
                        .await
                        .map_err(ApiError::failure)?;
                }
                webhook.disabled_at = None;
                webhook.disabled_reason = None;
                webhook.failing_since = None;
            }
            Some(false) if webhook.is_active() => {
                webhook.disabled_at = Some(now);
                webhook.disabled_reason = Some("disabled through the API".to_owned());
            }
            _ => {}
        }
        webhook.updated_at = now;
        if !self
            .store
            .update_webhook(&webhook)
            .await
            .map_err(ApiError::failure)?
        {
            return Err(ApiError::not_found(format!("no webhook with id {id}")));
        }
        self.signals.changed();
        Ok(webhook)
    }

    /// Deletes a webhook; its pending deliveries are cancelled.
    pub async fn delete(&self, id: Uuid) -> Result<Webhook, ApiError> {
        let webhook = self.get(id).await?;
        if !self
            .store
            .delete_webhook(self.workspace, id)
            .await
            .map_err(ApiError::failure)?
        {
            return Err(ApiError::not_found(format!("no webhook with id {id}")));
        }
        let db = self
            .store
            .workspace_db(self.workspace)
            .await
            .map_err(ApiError::failure)?;
        self.store
            .cancel_deliveries(&db, &id.to_string(), now_ms())
            .await
            .map_err(ApiError::failure)?;
        self.signals.changed();
        Ok(webhook)
    }

    /// A page of a webhook's deliveries (newest first) with their attempts, and whether
    /// more follow.
    pub async fn deliveries(
        &self,
        webhook: Uuid,
        query: &DeliveryQuery,
    ) -> Result<(Vec<Value>, bool), ApiError> {
        let hook = self.get(webhook).await?;
        let db = self
            .store
            .workspace_db(self.workspace)
            .await
            .map_err(ApiError::failure)?;
        if let Some(after) = &query.after
            && self
                .store
                .delivery(&db, after)
                .await
                .map_err(ApiError::failure)?
                .is_none_or(|d| d.webhook_id != webhook.to_string())
        {
            return Err(ApiError::bad_request(
                "INVALID_CURSOR",
                format!("starting_after {after:?} is not a delivery of this webhook"),
            ));
        }
        let (page, more) = self
            .store
            .deliveries(&db, &webhook.to_string(), query)
            .await
            .map_err(ApiError::failure)?;
        let ids: Vec<String> = page.iter().map(|d| d.id.clone()).collect();
        let attempts = self
            .store
            .attempts(&db, &ids)
            .await
            .map_err(ApiError::failure)?;
        let shapes = self.with_bodies(&db, &hook, &page, &attempts).await?;
        Ok((shapes, more))
    }

    /// The log's shapes of `deliveries` with their bodies.
    async fn with_bodies(
        &self,
        db: &crate::store::WorkspaceDb,
        hook: &Webhook,
        deliveries: &[Delivery],
        attempts: &[Attempt],
    ) -> Result<Vec<Value>, ApiError> {
        let seqs: Vec<i64> = deliveries.iter().filter_map(|d| d.event_seq).collect();
        let events = self
            .store
            .events_by_seq(db, &seqs)
            .await
            .map_err(ApiError::failure)?;
        Ok(deliveries
            .iter()
            .map(|d| {
                let event = events.iter().find(|e| Some(e.position.seq) == d.event_seq);
                let body = super::body_of(
                    &d.event_name,
                    &d.id,
                    event,
                    d.payload.as_deref(),
                    hook,
                    &self.schema,
                );
                delivery_shape(d, attempts, body.as_deref())
            })
            .collect())
    }

    /// One delivery of a webhook with its attempts.
    pub async fn delivery(&self, webhook: Uuid, id: &str) -> Result<Value, ApiError> {
        let hook = self.get(webhook).await?;
        let db = self
            .store
            .workspace_db(self.workspace)
            .await
            .map_err(ApiError::failure)?;
        let delivery = self
            .store
            .delivery(&db, id)
            .await
            .map_err(ApiError::failure)?
            .filter(|d| d.webhook_id == webhook.to_string())
            .ok_or_else(|| {
                ApiError::not_found(format!("webhook {webhook} has no delivery {id}"))
            })?;
        let attempts = self
            .store
            .attempts(&db, std::slice::from_ref(&delivery.id))
            .await
            .map_err(ApiError::failure)?;
        let mut shapes = self
            .with_bodies(&db, &hook, std::slice::from_ref(&delivery), &attempts)
            .await?;
        Ok(shapes.pop().unwrap_or(Value::Null))
    }

    /// Sends a delivery again (a dead-lettered or any past one): pending, due now, its
    /// retry schedule started over.
    pub async fn retry(&self, webhook: Uuid, id: &str) -> Result<Value, ApiError> {
        self.get(webhook).await?;
        let db = self
            .store
            .workspace_db(self.workspace)
            .await
            .map_err(ApiError::failure)?;
        if !self
            .store
            .retry_delivery(&db, &webhook.to_string(), id, now_ms())
            .await
            .map_err(ApiError::failure)?
        {
            return Err(ApiError::not_found(format!(
                "webhook {webhook} has no delivery {id}"
            )));
        }
        self.signals.written(self.workspace);
        self.delivery(webhook, id).await
    }

    /// Queues a test event (`webhook.test`, a sample record) to a webhook, delivered and
    /// logged like any other.
    pub async fn send_test(&self, webhook: Uuid) -> Result<Value, ApiError> {
        let hook = self.get(webhook).await?;
        let db = self
            .store
            .workspace_db(self.workspace)
            .await
            .map_err(ApiError::failure)?;
        let now = now_ms();
        let event_id = Uuid::new_v4().to_string();
        let id = super::delivery_id(&event_id, &hook.id.to_string());
        let body = json!({
            "targetUrl": hook.target_url,
            "eventName": "webhook.test",
            "objectMetadata": {"id": null, "nameSingular": "webhook"},
            "workspaceId": hook.workspace_id,
            "webhookId": hook.id,
            "eventId": id,
            "eventDate": crate::query::time::format_ms(now),
            "record": {"id": event_id, "message": "a test event sent through the API"},
        });
        self.store
            .insert_deliveries(
                &db,
                &[NewDelivery {
                    id: id.clone(),
                    webhook_id: hook.id.to_string(),
                    event_id: event_id.clone(),
                    event_name: "webhook.test".to_owned(),
                    record_id: event_id,
                    event_seq: None,
                    payload: Some(body.to_string()),
                    next_attempt_at: now,
                    created_at: now,
                }],
            )
            .await
            .map_err(ApiError::failure)?;
        self.signals.written(self.workspace);
        self.delivery(webhook, &id).await
    }
}

/// Reads a delivery log status filter.
pub fn parse_status(text: &str) -> Result<DeliveryStatus, ApiError> {
    DeliveryStatus::parse(&text.to_ascii_uppercase()).ok_or_else(|| {
        ApiError::bad_request(
            "INVALID_PARAMETER",
            format!("status {text:?} is not one of PENDING, DELIVERED, DEAD_LETTERED, CANCELLED"),
        )
    })
}
