//! `GET /rest/{namePlural}` (a page, with `totalCount` from the count cache) and
//! `GET /rest/{namePlural}/{id}`.
use super::params::Params;
use super::{object, query_error, record_id, target};
use crate::auth::Auth;
use crate::count_cache::CountKey;
use crate::error::ApiError;
use crate::query::{self, Query};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

const FIND_MANY_PARAMS: [&str; 7] = [
    "filter",
    "order_by",
    "limit",
    "starting_after",
    "ending_before",
    "depth",
    "fields",
];
const FIND_ONE_PARAMS: [&str; 2] = ["depth", "fields"];

/// `GET /rest/{namePlural}`: `{data: {<plural>: […]}, totalCount, pageInfo}`.
pub async fn find_many(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let model = state.model(auth.workspace_id).await?;
    let object = object(&model.schema, &plural)?;
    let params = Params::parse(raw.as_deref(), &FIND_MANY_PARAMS)?;
    let mut query = Query::new(&object.name_singular);
    query.set_filter(params.filter()?);
    query.order_by = params.order_by()?;
    let limit = params.limit()?.unwrap_or(query::DEFAULT_LIMIT);
    match (params.get("starting_after"), params.get("ending_before")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "INVALID_PARAMETER",
                "give `starting_after` or `ending_before`, not both",
            ));
        }
        (_, Some(before)) => {
            query.page.before = Some(before.to_owned());
            query.page.last = Some(limit);
        }
        (after, None) => {
            query.page.after = after.map(str::to_owned);
            query.page.first = Some(limit);
        }
    }
    query.depth = params.depth()?;
    query.fields = params.fields()?;

    let key = CountKey::for_query(auth.workspace_id, &query);
    let cached = state.counts.lookup(&key);
    query.count = cached.is_err();
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let page = query::find_many(target(&db), &model.schema, &query)
        .await
        .map_err(query_error)?;
    let total = match (cached, page.total_count) {
        (Ok(n), _) => n,
        (Err(ticket), Some(n)) => {
            state.counts.store(key, ticket, n);
            n
        }
        (Err(_), None) => return Err(ApiError::internal("the engine returned no count")),
    };
    let info = &page.page_info;
    let mut body = super::data(&object.name_plural, Value::Array(page.records));
    body.insert("totalCount".to_owned(), json!(total));
    body.insert(
        "pageInfo".to_owned(),
        json!({
            "hasNextPage": info.has_next_page,
            "hasPreviousPage": info.has_previous_page,
            "startCursor": info.start_cursor,
            "endCursor": info.end_cursor,
        }),
    );
    Ok(Json(Value::Object(body)))
}

/// `GET /rest/{namePlural}/{id}`: `{data: {<singular>: record}}`, 404 when absent.
pub async fn find_one(
    State(state): State<AppState>,
    auth: Auth,
    Path((plural, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let model = state.model(auth.workspace_id).await?;
    let object = object(&model.schema, &plural)?;
    let id = record_id(&id)?.to_string();
    let params = Params::parse(raw.as_deref(), &FIND_ONE_PARAMS)?;
    let depth = params.depth()?;
    let fields = params.fields()?;
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let record = query::find_one(
        target(&db),
        &model.schema,
        &object.name_singular,
        &id,
        depth,
        fields.as_deref(),
    )
    .await
    .map_err(query_error)?
    .ok_or_else(|| ApiError::not_found(format!("no {} with id {id}", object.name_singular)))?;
    Ok(Json(Value::Object(super::data(
        &object.name_singular,
        record,
    ))))
}
