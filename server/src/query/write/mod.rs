//! The write engine: create (and upsert), update, soft delete, destroy and restore of one
//! object's records, each call all or nothing (on Postgres a transaction of its own, on
//! SQLite a savepoint in the file's write group, see [`crate::store::write_group`];
//! committed before the call returns) with one event per changed record logged in the
//! same transaction. No HTTP here.
//!
//! Input records are JSON objects as clients send them (composites nested, relations by
//! join column `companyId`); they are checked against the model first (see the value
//! rules below), so a database error is the exception, and even then one a client caused
//! (a unique value taken, a NOT NULL) comes back as a typed error naming the field.
//!
//! # Values
//! - TEXT: a string. NUMBER, POSITION: a JSON number (stored as a double; integral values
//!   read back as integers). NUMERIC: a number or a decimal string. BOOLEAN: true/false.
//! - UUID: a UUID string (stored lowercase hyphenated).
//! - DATE_TIME: RFC 3339 (`2024-05-01T12:00:00Z`, any offset, seconds and offset optional,
//!   a bare date means midnight UTC); stored in UTC to the millisecond.
//! - DATE: `YYYY-MM-DD`. SELECT, RATING: one of the options. MULTI_SELECT: a list of
//!   options. ARRAY: a list of strings. RAW_JSON: any JSON.
//! - Composites: an object of sub-fields; on update only the given sub-fields change;
//!   `null` for the whole field clears every sub-field. EMAILS.primaryEmail must look like
//!   an address (`a@b.c`) and additionalEmails be a list of them; LINKS.primaryLinkUrl (and
//!   each `url` of secondaryLinks) must be an `http(s)://` URL with a host or a bare domain
//!   with an optional path (`acme.com/about`), stored as given; other schemes
//!   (`javascript:`, `ftp:`, `mailto:`) are refused. PHONES: the number holds digits,
//!   spaces and `- . ( ) +`, the calling code is `+` and 1-4 digits, the country code two
//!   capital letters. CURRENCY.currencyCode: three capital letters (ISO 4217). An empty
//!   string is accepted wherever a text sub-field is (Twenty's "no value").
//! - `null` clears a nullable field; on a required one it is `REQUIRED_FIELD`, as is a
//!   required field with no default missing on create.
//! - Emails and links are normalised before they are checked (see `normalize`):
//!   lower-cased emails with ASCII domains, links with a lower-cased scheme and host and
//!   no trailing slash.
//! - Read-only (`READ_ONLY_FIELD`): `id` on update, `createdAt`, `updatedAt`, `deletedAt`,
//!   `createdBy` (but its `source` and `context` on create), `updatedBy`, `searchVector`,
//!   any other ACTOR field. Unknown names are
//!   `UNKNOWN_FIELD` / `UNKNOWN_SUB_FIELD`. A relation is written through its join column
//!   (`companyId`), which must name a live record of the target (`INVALID_RELATION`).
//!
//! # Server-set fields
//! `id` (a v4 UUID unless given on create), `createdAt` and `updatedAt` on create,
//! `updatedAt` on every update, `createdBy` and `updatedBy` = the [`Actor`]
//! (`{source, name, workspaceMemberId: null, context: {}}`), and `position`, when not
//! given, before the current first record (records of one batch keep their order).
//! `position` may also be given as `"first"` or `"last"` (before the first / after the
//! last live record), as Twenty's GraphQL API accepts.

mod cascade;
mod ctx;
mod input;
mod merge;
mod normalize;
mod tx;

pub use input::{is_email, is_link};
pub use merge::{MAX_MERGE_RECORDS, merge};
pub(crate) use normalize::{email as normalize_email, link as normalize_link};

use super::QueryError;
use super::ast::Filter;
use super::events::Action;
use super::exec::Target;
use super::record::Flat;
use super::validate;
use ctx::{Created, Ctx, Scope, deleted_at, ids, row_id};
use input::{Input, Mode, Val};
use serde_json::{Map, Value, json};
use twenty_codegen::model::Schema;
use tx::Tx;

/// Most records one call may create, or one selector may match.
pub const MAX_MUTATION_RECORDS: usize = 100;

/// Levels of ON DELETE CASCADE a destroy follows itself (logging events).
const MAX_CASCADE_DEPTH: usize = 8;

/// Who writes: recorded in `createdBy` / `updatedBy` and in each event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// One of the ACTOR sources (`API` for an API key).
    pub source: String,
    /// The display name (an API key's name).
    pub name: String,
    /// The API key that authorized the write, when one did.
    pub key_id: Option<String>,
}

impl Actor {
    /// An API key writing: source `API`, the key's name and id.
    pub fn api_key(name: &str, key_id: &str) -> Actor {
        Actor {
            source: "API".to_owned(),
            name: name.to_owned(),
            key_id: Some(key_id.to_owned()),
        }
    }

    fn event_json(&self) -> Value {
        json!({
            "source": self.source,
            "name": self.name,
            "workspaceMemberId": null,
            "apiKeyId": self.key_id,
        })
    }
}

/// Which records a write applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// One record; none with this id is `NOT_FOUND`.
    Id(uuid::Uuid),
    /// Every record the read engine's filter matches (at most [`MAX_MUTATION_RECORDS`]:
    /// more is `TOO_MANY_RECORDS` and nothing changes); none is an empty result.
    Filter(Filter),
}

/// Creates records (one call, one transaction): a batch of at most
/// [`MAX_MUTATION_RECORDS`]. With `upsert`, a record whose `id` or unique field value
/// (e.g. `emails.primaryEmail`, `domainName.primaryLinkUrl`) matches a live record updates
/// that record instead (a soft-deleted record never matches). Returns the records (as
/// `find_one` at depth 0 returns them) in input order.
///
/// When the batch holds more than one record, an error about one of them is
/// [`QueryError::Item`] with its index; nothing is written then.
pub async fn create(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    records: Vec<Map<String, Value>>,
    upsert: bool,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    if records.len() > MAX_MUTATION_RECORDS {
        return Err(QueryError::TooManyRecords {
            given: records.len(),
            max: MAX_MUTATION_RECORDS,
        });
    }
    let batch = records.len() > 1;
    let item = |index: usize| {
        move |error: QueryError| match batch {
            true => QueryError::Item {
                index,
                error: Box::new(error),
            },
            false => error,
        }
    };
    let inputs = records
        .iter()
        .enumerate()
        .map(|(i, r)| input::convert(schema, object, r, Mode::Create).map_err(item(i)))
        .collect::<Result<Vec<Input>, _>>()?;
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    let ctx = Ctx::new(target, schema, object, actor);
    let room = inputs.len() - 1;
    let mut tx = Tx::begin(&target).await?;
    if upsert {
        ctx.upserts_take_turns(&mut tx).await?;
    }
    let mut done = Vec::with_capacity(inputs.len());
    let mut position = None;
    let count = inputs.len();
    for (i, input) in inputs.into_iter().enumerate() {
        // An upsert reads its records back once all are written.
        let last = !upsert && i + 1 == count;
        done.push(
            ctx.create_one(&mut tx, input, upsert, &mut position, room, last)
                .await
                .map_err(item(i))?,
        );
    }
    // Inserted rows came back from their INSERT; an upsert reads its records once all are
    // written (it may touch one record twice).
    let rows = match upsert {
        true => {
            let written: Vec<String> = done.iter().map(|d| d.id.clone()).collect();
            ctx.rows_by_id(&mut tx, &written).await?
        }
        false => Vec::new(),
    };
    let mut records = Vec::with_capacity(done.len());
    let mut events = Vec::with_capacity(done.len());
    // An upsert may touch one record twice: each event's `before` is the previous `after`.
    let mut latest: std::collections::HashMap<String, Value> = std::collections::HashMap::new();
    for Created {
        id,
        before,
        row: inserted,
        logged,
    } in done
    {
        let row = match upsert {
            true => rows.iter().find(|r| row_id(r) == id),
            false => inserted.as_ref(),
        };
        let after = row.map(|r| ctx.record(r)).unwrap_or(Value::Null);
        let (action, before) = match before {
            Some(b) => (
                Action::Updated,
                Some(latest.get(&id).cloned().unwrap_or_else(|| ctx.record(&b))),
            ),
            None => (Action::Created, None),
        };
        if !logged {
            let mut event = ctx.event(action, before, Some(after.clone()));
            event.upsert = upsert;
            events.push(event);
        }
        if upsert {
            latest.insert(id, after.clone());
        }
        records.push(after);
    }
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(records)
}

/// Updates the records `selector` picks with `patch` (only the given fields, and of a
/// composite only the given sub-fields, change); returns them after the change.
pub async fn update(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    patch: &Map<String, Value>,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let input = input::convert(schema, object, patch, Mode::Update)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let before = ctx.matching(&mut tx, selector, Scope::Live).await?;
    ctx.check_references(&mut tx, &input.references).await?;
    let ids = ids(&before);
    let mut assigns = input.assigns;
    ctx.resolve_position(&mut tx, &mut assigns).await?;
    assigns.extend(ctx.touch());
    ctx.update_rows(&mut tx, &ids, &assigns).await?;
    finish(&ctx, tx, Action::Updated, before, &ids).await
}

/// Soft-deletes the live records `selector` picks (sets `deletedAt`); returns them after.
pub async fn delete(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let before = ctx.matching(&mut tx, selector, Scope::Live).await?;
    let ids = ids(&before);
    let now = deleted_at(Val::Text(ctx.now.clone()));
    ctx.update_rows(&mut tx, &ids, &now).await?;
    finish(&ctx, tx, Action::Deleted, before, &ids).await
}

/// Restores soft-deleted records (clears `deletedAt`); returns them. By id, a live record
/// is returned unchanged (no event); by filter, only soft-deleted records match.
pub async fn restore(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let scope = match selector {
        Selector::Id(_) => Scope::Any,
        Selector::Filter(_) => Scope::Deleted,
    };
    let rows = ctx.matching(&mut tx, selector, scope).await?;
    let (before, live): (Vec<Flat>, Vec<Flat>) = rows
        .into_iter()
        .partition(|r| !r.get("deletedAt").is_none_or(Value::is_null));
    if before.is_empty() {
        tx.commit().await?;
        return Ok(live.iter().map(|r| ctx.record(r)).collect());
    }
    let ids = ids(&before);
    ctx.update_rows(&mut tx, &ids, &deleted_at(Val::Null))
        .await?;
    finish(&ctx, tx, Action::Restored, before, &ids).await
}

/// Hard-deletes the records `selector` picks, soft-deleted ones included; returns them as
/// they were. Records of other objects pointing at them follow their relation's ON DELETE
/// (SET NULL: the key is cleared; CASCADE: destroyed too; RESTRICT: `STILL_REFERENCED`),
/// each with its event.
pub async fn destroy(
    target: Target<'_>,
    schema: &Schema,
    object: &str,
    selector: &Selector,
    actor: &Actor,
) -> Result<Vec<Value>, QueryError> {
    let object = validate::object(schema, object)?;
    let ctx = Ctx::new(target, schema, object, actor);
    let mut tx = Tx::begin(&target).await?;
    let before = ctx.matching(&mut tx, selector, Scope::Any).await?;
    let ids = ids(&before);
    let mut events = Vec::new();
    ctx.destroy_dependents(&mut tx, &ids, &mut events, 0)
        .await?;
    ctx.delete_rows(&mut tx, &ids).await?;
    let records: Vec<Value> = before.iter().map(|r| ctx.record(r)).collect();
    events.extend(
        records
            .iter()
            .map(|r| ctx.event(Action::Destroyed, Some(r.clone()), None)),
    );
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(records)
}

/// Reads the records after an update-like change, logs one event each, commits.
async fn finish(
    ctx: &Ctx<'_>,
    mut tx: Tx,
    action: Action,
    before: Vec<Flat>,
    ids: &[String],
) -> Result<Vec<Value>, QueryError> {
    if ids.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let after = ctx.rows_by_id(&mut tx, ids).await?;
    let mut records = Vec::with_capacity(before.len());
    let mut events = Vec::with_capacity(before.len());
    for b in &before {
        let id = row_id(b);
        let Some(a) = after.iter().find(|r| row_id(r) == id) else {
            continue;
        };
        let a = ctx.record(a);
        events.push(ctx.event(action, Some(ctx.record(b)), Some(a.clone())));
        records.push(a);
    }
    ctx.log(&mut tx, &events).await?;
    tx.commit().await?;
    Ok(records)
}
