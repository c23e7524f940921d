//! The write routes: create one / many (with `upsert`), update one / many, delete (soft)
//! or destroy one / many, restore one / many. Each is one engine call (all or nothing);
//! every write, even a failed one, bumps the workspace's count version afterwards.
use super::params::Params;
use super::{object, query_error, record_id, target, upper_first};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::models::WorkspaceModel;
use crate::query::{self, Actor, Filter, MAX_MUTATION_RECORDS, Selector};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde_json::{Map, Value};
use twenty_codegen::model::{Object, Schema};

type Reply = Result<(StatusCode, Json<Value>), ApiError>;

/// The parameters of the create routes.
const WRITE_ONE_PARAMS: [&str; 3] = ["depth", "fields", "upsert"];
/// The parameters of the many-record update and restore.
const MANY_PARAMS: [&str; 3] = ["filter", "depth", "fields"];

/// What a write route needs before it runs: the key may write, the object exists, the
/// query string holds only `allowed`.
struct Call<'s> {
    /// The workspace's model.
    schema: &'s Schema,
    object: &'s Object,
    params: Params,
    actor: Actor,
}

fn prepare<'s>(
    model: &'s WorkspaceModel,
    auth: &Auth,
    plural: &str,
    raw: Option<&str>,
    allowed: &[&str],
) -> Result<Call<'s>, ApiError> {
    auth.require_write()?;
    let object = object(&model.schema, plural)?;
    let params = Params::parse(raw, allowed)?;
    Ok(Call {
        schema: &model.schema,
        object,
        params,
        actor: Actor::api_key(&auth.key_name, &auth.key_id.to_string()),
    })
}

/// A 400 `INVALID_BODY`.
pub(crate) fn invalid_body(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("INVALID_BODY", message)
}

/// The body as JSON; empty, malformed or nested deeper than [`query::MAX_NESTING`] is a 400.
pub(crate) fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid_body("the request needs a JSON body"));
    }
    let value = serde_json::from_slice(body).map_err(|e| {
        // serde_json stops at 128 levels: a nesting error too, not malformed JSON.
        if e.to_string().starts_with("recursion limit exceeded") {
            query_error(query::QueryError::NestingTooDeep {
                what: "body".to_owned(),
                max: query::MAX_NESTING,
            })
        } else {
            invalid_body(format!("the body is not valid JSON: {e}"))
        }
    })?;
    query::check_json("body", &value).map_err(query_error)?;
    Ok(value)
}

/// The body as one JSON object (a record or a patch).
fn object_body(body: &Bytes, batch_hint: Option<&str>) -> Result<Map<String, Value>, ApiError> {
    match json_body(body)? {
        Value::Object(map) => Ok(map),
        Value::Array(_) if batch_hint.is_some() => Err(invalid_body(format!(
            "the body is a list: create many records with POST /rest/batch/{}",
            batch_hint.unwrap_or_default()
        ))),
        other => Err(invalid_body(format!(
            "the body must be a JSON object, got {}",
            kind_of(&other)
        ))),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The required `filter` of the many-record forms.
fn required_filter(params: &Params, action: &str) -> Result<Filter, ApiError> {
    params.filter()?.ok_or_else(|| {
        ApiError::bad_request(
            "MISSING_FILTER",
            format!(
                "{action} many records needs a `filter` (at most {MAX_MUTATION_RECORDS} records may match); \
                 to change one record use its id in the path"
            ),
        )
    })
}

/// How a write answers: its records as the engine returned them (depth 0), or with their
/// related records (depth 1), restricted to `fields` when given; `created` when the write
/// created every record (a create that is not an upsert), whose one-to-many lists are
/// then known to be empty.
#[derive(Debug, Clone)]
struct Shape {
    depth: u8,
    created: bool,
    fields: Option<Vec<String>>,
}

impl Shape {
    /// The answer of a write that may have changed existing records, as `depth` and
    /// `fields` ask (checked here, before anything is written).
    fn read(call: &Call<'_>) -> Result<Shape, ApiError> {
        let fields = call.params.fields()?;
        if let Some(fields) = &fields {
            query::check_fields(call.schema, &call.object.name_singular, fields)
                .map_err(query_error)?;
        }
        Ok(Shape {
            depth: call.params.depth()?,
            created: false,
            fields,
        })
    }

    /// The answer of a delete: the records as written.
    fn written() -> Shape {
        Shape {
            depth: 0,
            created: false,
            fields: None,
        }
    }

    /// The answer of a create: only an upsert may have touched existing records.
    fn create(call: &Call<'_>, upsert: bool) -> Result<Shape, ApiError> {
        Ok(Shape {
            created: !upsert,
            ..Shape::read(call)?
        })
    }
}

/// The written records shaped as the route answers them, in the same order.
async fn shaped(
    state: &AppState,
    auth: &Auth,
    schema: &Schema,
    object: &Object,
    records: Vec<Value>,
    shape: Shape,
) -> Result<Vec<Value>, ApiError> {
    if records.is_empty() {
        return Ok(records);
    }
    if shape.depth == 0 {
        let Some(fields) = &shape.fields else {
            return Ok(records);
        };
        return Ok(records
            .into_iter()
            .map(|mut record| {
                if let Value::Object(map) = &mut record {
                    query::restrict(schema, object, map, fields);
                }
                record
            })
            .collect());
    }
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    query::embed_written(
        target(&db),
        schema,
        &object.name_singular,
        records,
        shape.created,
        shape.fields.as_deref(),
    )
    .await
    .map_err(query_error)
}

/// Runs a write, bumps the count version whatever happened (even when the request is
/// cancelled mid-way), and shapes the written records.
async fn write<F>(
    state: &AppState,
    auth: &Auth,
    schema: &Schema,
    object: &Object,
    shape: Shape,
    run: F,
) -> Result<Vec<Value>, ApiError>
where
    F: AsyncFnOnce(query::Target<'_>) -> Result<Vec<Value>, query::QueryError>,
{
    let bump = state.counts.bump_on_drop(auth.workspace_id);
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let result = run(target(&db)).await;
    drop(bump);
    let records = result.map_err(query_error)?;
    shaped(state, auth, schema, object, records, shape).await
}

/// `{data: {<verb><Singular>: record}}`.
fn reply_one(status: StatusCode, verb: &str, object: &Object, records: Vec<Value>) -> Reply {
    let record = records.into_iter().next().ok_or_else(|| {
        ApiError::internal("the engine returned no record for a one-record write")
    })?;
    let key = format!("{verb}{}", upper_first(&object.name_singular));
    Ok((status, Json(Value::Object(super::data(key, record)))))
}

/// `{data: {<verb><Plural>: [records]}}`.
fn reply_many(status: StatusCode, verb: &str, object: &Object, records: Vec<Value>) -> Reply {
    let key = format!("{verb}{}", upper_first(&object.name_plural));
    Ok((
        status,
        Json(Value::Object(super::data(key, Value::Array(records)))),
    ))
}

/// A record to create: its `id`, when given, is a UUID (the document's schema has no null
/// for it; leave it out to have one generated).
fn new_record(
    record: Map<String, Value>,
    index: Option<usize>,
) -> Result<Map<String, Value>, ApiError> {
    if record.get("id").is_some_and(Value::is_null) {
        let at = index.map(|i| format!("record {i}: ")).unwrap_or_default();
        return Err(ApiError::bad_request(
            "INVALID_VALUE",
            format!("{at}invalid value for `id`: null; leave `id` out to have one generated"),
        ));
    }
    Ok(record)
}

/// `POST /rest/{namePlural}` (`?upsert=true`): 201 `{data: {create<Singular>: record}}`.
pub async fn create_one(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &WRITE_ONE_PARAMS)?;
    let upsert = call.params.flag("upsert")?;
    let shape = Shape::create(&call, upsert)?;
    let record = new_record(object_body(&body, Some(&call.object.name_plural))?, None)?;
    let name = call.object.name_singular.as_str();
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::create(t, call.schema, name, vec![record], upsert, &call.actor).await
    })
    .await?;
    reply_one(StatusCode::CREATED, "create", call.object, records)
}

/// `POST /rest/batch/{namePlural}`: all or nothing, at most [`MAX_MUTATION_RECORDS`];
/// 201 `{data: {create<Plural>: [records]}}`.
pub async fn create_many(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &WRITE_ONE_PARAMS)?;
    let upsert = call.params.flag("upsert")?;
    let shape = Shape::create(&call, upsert)?;
    let items = match json_body(&body)? {
        Value::Array(items) => items,
        other => {
            return Err(invalid_body(format!(
                "the body must be a JSON list of records, got {}",
                kind_of(&other)
            )));
        }
    };
    if items.len() > MAX_MUTATION_RECORDS {
        return Err(ApiError::bad_request(
            "TOO_MANY_RECORDS",
            format!(
                "{} records exceed the maximum of {MAX_MUTATION_RECORDS} per batch; split the batch",
                items.len()
            ),
        ));
    }
    let records = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(map) => new_record(map, Some(i)),
            other => Err(invalid_body(format!(
                "record {i}: must be a JSON object, got {}",
                kind_of(&other)
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let name = call.object.name_singular.as_str();
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::create(t, call.schema, name, records, upsert, &call.actor).await
    })
    .await?;
    reply_many(StatusCode::CREATED, "create", call.object, records)
}

/// `PATCH` (or `PUT`) `/rest/{namePlural}/{id}`: `{data: {update<Singular>: record}}`.
pub async fn update_one(
    State(state): State<AppState>,
    auth: Auth,
    Path((plural, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &["depth", "fields"])?;
    let id = record_id(&id)?;
    let selector = Selector::Id(id);
    let shape = Shape::read(&call)?;
    let mut patch = object_body(&body, None)?;
    same_id(&mut patch, id)?;
    let name = call.object.name_singular.as_str();
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::update(t, call.schema, name, &selector, &patch, &call.actor).await
    })
    .await?;
    reply_one(StatusCode::OK, "update", call.object, records)
}

/// An update body may carry the record's `id` when it is the path's (Twenty's Zapier
/// connector sends it): dropped; another id is a 400, as the id cannot change.
fn same_id(patch: &mut Map<String, Value>, id: uuid::Uuid) -> Result<(), ApiError> {
    let Some(given) = patch.get("id") else {
        return Ok(());
    };
    let same = given
        .as_str()
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
        .is_some_and(|given| given == id);
    if !same {
        return Err(ApiError::bad_request(
            "READ_ONLY_FIELD",
            format!(
                "`id` is {given} in the body but {id} in the path; a record's id cannot change"
            ),
        ));
    }
    patch.remove("id");
    Ok(())
}

/// `PATCH /rest/{namePlural}?filter=…`: `{data: {update<Plural>: [records]}}`.
pub async fn update_many(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &MANY_PARAMS)?;
    let filter = required_filter(&call.params, "updating")?;
    let shape = Shape::read(&call)?;
    let patch = object_body(&body, None)?;
    let selector = Selector::Filter(filter);
    let name = call.object.name_singular.as_str();
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::update(t, call.schema, name, &selector, &patch, &call.actor).await
    })
    .await?;
    reply_many(StatusCode::OK, "update", call.object, records)
}

/// Soft delete (`soft_delete=true`) or destroy of what `selector` picks.
async fn remove(
    state: &AppState,
    auth: &Auth,
    call: &Call<'_>,
    selector: Selector,
) -> Result<(&'static str, Vec<Value>), ApiError> {
    let soft = call.params.flag("soft_delete")?;
    let name = call.object.name_singular.as_str();
    let records = write(
        state,
        auth,
        call.schema,
        call.object,
        Shape::written(),
        async |t| {
            if soft {
                query::delete(t, call.schema, name, &selector, &call.actor).await
            } else {
                query::destroy(t, call.schema, name, &selector, &call.actor).await
            }
        },
    )
    .await?;
    Ok((if soft { "delete" } else { "destroy" }, records))
}

/// `DELETE /rest/{namePlural}/{id}`: destroys, or with `soft_delete=true` soft-deletes;
/// `{data: {delete<Singular>: record}}` either way, as Twenty answers.
pub async fn delete_one(
    State(state): State<AppState>,
    auth: Auth,
    Path((plural, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &["soft_delete"])?;
    let id = record_id(&id)?;
    let (_, records) = remove(&state, &auth, &call, Selector::Id(id)).await?;
    reply_one(StatusCode::OK, "delete", call.object, records)
}

/// `DELETE /rest/{namePlural}?filter=…`: `{data: {destroy<Plural>|delete<Plural>: [records]}}`.
pub async fn delete_many(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(
        &model,
        &auth,
        &plural,
        raw.as_deref(),
        &["filter", "soft_delete"],
    )?;
    let filter = required_filter(&call.params, "deleting")?;
    let (verb, records) = remove(&state, &auth, &call, Selector::Filter(filter)).await?;
    reply_many(StatusCode::OK, verb, call.object, records)
}

/// `PATCH /rest/{namePlural}/{id}/restore`: `{data: {restore<Singular>: record}}`.
pub async fn restore_one(
    State(state): State<AppState>,
    auth: Auth,
    Path((plural, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &["depth", "fields"])?;
    let id = record_id(&id)?;
    let shape = Shape::read(&call)?;
    let name = call.object.name_singular.as_str();
    let selector = Selector::Id(id);
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::restore(t, call.schema, name, &selector, &call.actor).await
    })
    .await?;
    reply_one(StatusCode::OK, "restore", call.object, records)
}

/// `PATCH /rest/{namePlural}/restore?filter=…`: `{data: {restore<Plural>: [records]}}`.
pub async fn restore_many(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &MANY_PARAMS)?;
    let filter = required_filter(&call.params, "restoring")?;
    let shape = Shape::read(&call)?;
    let name = call.object.name_singular.as_str();
    let selector = Selector::Filter(filter);
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::restore(t, call.schema, name, &selector, &call.actor).await
    })
    .await?;
    reply_many(StatusCode::OK, "restore", call.object, records)
}

/// `PATCH /rest/{namePlural}/merge` (`{"ids": [...], "conflictPriorityIndex": n,
/// "dryRun"?: bool}`): merges the records into `ids[conflictPriorityIndex]`; `{data:
/// {merge<Singular>: record}}` (the singular key, as Twenty's handler answers).
pub async fn merge(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let model = state.model(auth.workspace_id).await?;
    let call = prepare(&model, &auth, &plural, raw.as_deref(), &["depth", "fields"])?;
    let mut shape = Shape::read(&call)?;
    let body = object_body(&body, None)?;
    if let Some(key) = body
        .keys()
        .find(|k| !["ids", "conflictPriorityIndex", "dryRun"].contains(&k.as_str()))
    {
        return Err(invalid_body(format!(
            "unknown key `{key}`: the body is {{\"ids\": [...], \"conflictPriorityIndex\": 0, \"dryRun\": false}}"
        )));
    }
    let ids = match body.get("ids") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .and_then(|s| uuid::Uuid::parse_str(s).ok())
                    .ok_or_else(|| invalid_body(format!("ids: {item} is not a UUID")))
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(invalid_body(
                "`ids` is required: the list of records to merge",
            ));
        }
    };
    let priority = match body.get("conflictPriorityIndex") {
        Some(Value::Number(n)) => n.as_u64().map_or(usize::MAX, |n| n as usize),
        None => {
            return Err(invalid_body(
                "`conflictPriorityIndex` is required: the index in `ids` of the record to keep",
            ));
        }
        Some(other) => {
            return Err(invalid_body(format!(
                "`conflictPriorityIndex` must be an index in `ids`, got {other}"
            )));
        }
    };
    let dry_run = match body.get("dryRun") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(invalid_body(format!(
                "`dryRun` must be true or false, got {other}"
            )));
        }
    };
    let name = call.object.name_singular.as_str();
    // A preview's relations are the kept record's; its id is not one to read them by.
    if dry_run {
        shape.depth = 0;
    }
    let records = write(&state, &auth, call.schema, call.object, shape, async |t| {
        query::merge(t, call.schema, name, &ids, priority, dry_run, &call.actor)
            .await
            .map(|record| vec![record])
    })
    .await?;
    reply_one(StatusCode::OK, "merge", call.object, records)
}
