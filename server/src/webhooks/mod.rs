//! Webhooks: registrations, matching, payloads and the delivery worker. Delivery is built
//! on the event log (`crate::store::events`): every committed write has its events there,
//! the dispatcher turns them into delivery rows, the worker sends those with retries and
//! records each attempt (see `crate::store::webhooks` for the transactions, and the
//! README's "Webhooks" for the contract). Nothing here knows HTTP routes.
pub mod client;
pub mod guard;
pub mod manage;
pub mod sign;
pub mod worker;

use crate::store::events::{Action, Event};
use crate::store::webhooks::Webhook;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use twenty_codegen::model::Schema;
use uuid::Uuid;

pub use worker::Worker;

/// Whether `operation` (`<nameSingular>.<action>`, either part `*`) covers the event
/// `object`.`action`.
pub fn matches(operation: &str, object: &str, action: &str) -> bool {
    let Some((o, a)) = operation.split_once('.') else {
        return false;
    };
    (o == "*" || o == object) && (a == "*" || a == action)
}

/// The action name under which `event` goes to `webhook`, if it does: its own action
/// when an operation covers it, but `upserted` for an upsert's event when an operation
/// names `upserted` for its object (`person.upserted`, `*.upserted`; a wildcard action
/// alone gets the event under its own action).
pub fn delivered_as(webhook: &Webhook, event: &Event) -> Option<&'static str> {
    let upserted = event.upsert
        && webhook.operations.iter().any(|op| {
            op.split_once('.')
                .is_some_and(|(o, a)| a == "upserted" && (o == "*" || o == event.object))
        });
    if upserted {
        return Some("upserted");
    }
    let action = event.action.as_str();
    webhook
        .operations
        .iter()
        .any(|op| matches(op, &event.object, action))
        .then_some(action)
}

/// The delivery id of an event to a webhook: derived from both (a UUID of their hash), so
/// the same event and webhook always make the same delivery. It is the `eventId` of the
/// body and the `webhook-id` header: the same at every attempt.
pub fn delivery_id(event_id: &str, webhook_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(event_id.as_bytes())
        .chain_update(b":")
        .chain_update(webhook_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // Version 8 (custom), RFC 9562 variant.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes).to_string()
}

/// The JSON body of a delivery: Twenty's keys (`targetUrl`, `eventName`, `objectMetadata`,
/// `workspaceId`, `webhookId`, `eventDate`, `record`, `updatedFields` for updates, actor
/// ids when known) plus `eventId` and, for updates, `previousRecord`.
pub fn payload(
    event: &Event,
    action: &str,
    webhook: &Webhook,
    object_metadata_id: Option<Uuid>,
    delivery_id: &str,
) -> String {
    let record = match event.action.carries_record_before() {
        true => event.before.clone().or_else(|| event.after.clone()),
        false => event.after.clone().or_else(|| event.before.clone()),
    };
    let mut body = Map::new();
    body.insert("targetUrl".into(), json!(webhook.target_url));
    body.insert(
        "eventName".into(),
        json!(format!("{}.{action}", event.object)),
    );
    body.insert(
        "objectMetadata".into(),
        json!({"id": object_metadata_id, "nameSingular": event.object}),
    );
    body.insert("workspaceId".into(), json!(webhook.workspace_id));
    body.insert("webhookId".into(), json!(webhook.id));
    body.insert("eventId".into(), json!(delivery_id));
    body.insert("eventDate".into(), json!(event.created_at));
    for key in ["workspaceMemberId", "apiKeyId", "userId"] {
        if let Some(id) = event.actor.get(key).filter(|v| !v.is_null()) {
            body.insert(key.into(), id.clone());
        }
    }
    body.insert("record".into(), record.unwrap_or(Value::Null));
    if event.action == Action::Updated {
        body.insert("updatedFields".into(), json!(event.updated_fields));
        body.insert(
            "previousRecord".into(),
            event.before.clone().unwrap_or(Value::Null),
        );
    }
    Value::Object(body).to_string()
}

/// The body of a delivery: its stored one (a test event), or built from its logged
/// event under the action its name ends with; `None` when its event is no longer in the
/// log. `schema` gives the object's metadata id.
pub fn body_of(
    event_name: &str,
    delivery_id: &str,
    event: Option<&Event>,
    stored: Option<&str>,
    webhook: &Webhook,
    schema: &Schema,
) -> Option<String> {
    if let Some(body) = stored {
        return Some(body.to_owned());
    }
    let event = event?;
    let action = event_name
        .rsplit_once('.')
        .map_or(event.action.as_str(), |(_, a)| a);
    let object_id = schema.object(&event.object).map(|o| o.id);
    Some(payload(event, action, webhook, object_id, delivery_id))
}

/// Wake-ups of the worker of this process: a workspace written to (its deliveries may be
/// due at once), or the set of webhooks changed (workspaces to start or stop serving).
#[derive(Debug, Default)]
pub struct Signals {
    workspaces: Mutex<HashMap<Uuid, Arc<Wake>>>,
    changed: Notify,
}

/// The wake-up of one workspace's delivery task, and the writes counted for it (how the
/// task tells a stream of writes, to which it yields, from occasional ones).
#[derive(Debug, Default)]
pub struct Wake {
    notify: Notify,
    writes: AtomicU64,
}

impl Wake {
    /// Until the next write (or a change of the webhooks).
    pub async fn notified(&self) {
        self.notify.notified().await;
    }

    /// Writes so far.
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }
}

impl Signals {
    /// A write to `workspace` committed (or may have).
    pub fn written(&self, workspace: Uuid) {
        let notify = self
            .workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&workspace)
            .cloned();
        if let Some(w) = notify {
            w.writes.fetch_add(1, Ordering::Relaxed);
            w.notify.notify_one();
        }
    }

    /// A webhook was created, changed or deleted.
    pub fn changed(&self) {
        self.changed.notify_one();
        let all: Vec<Arc<Wake>> = self
            .workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for w in all {
            w.notify.notify_one();
        }
    }

    fn register(&self, workspace: Uuid) -> Arc<Wake> {
        self.workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(workspace)
            .or_default()
            .clone()
    }

    fn unregister(&self, workspace: Uuid) {
        self.workspaces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&workspace);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_match_exactly_or_by_wildcard() {
        assert!(matches("person.created", "person", "created"));
        assert!(matches("*.created", "company", "created"));
        assert!(matches("person.*", "person", "destroyed"));
        assert!(matches("*.*", "anything", "restored"));
        assert!(!matches("person.created", "person", "updated"));
        assert!(!matches("company.*", "person", "created"));
        assert!(!matches("person", "person", "created"));
    }

    #[test]
    fn delivery_ids_are_stable_uuids() {
        let a = delivery_id("e1", "w1");
        assert_eq!(a, delivery_id("e1", "w1"));
        assert_ne!(a, delivery_id("e1", "w2"));
        let parsed = Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 8);
    }
}
