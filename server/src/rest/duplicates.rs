//! `POST /rest/{namePlural}/duplicates`: Twenty's duplicate search over the engine's
//! (`crate::query::duplicates`), for records' values (`{"data": [...]}`) or existing
//! records (`{"ids": [...]}`).
use super::params::Params;
use super::writes::{invalid_body, json_body};
use super::{object, query_error, target};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::query::duplicates::{self, DuplicatesOf};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value, json};

/// `POST /rest/{namePlural}/duplicates` (`?depth=0|1`, `?fields=`): `{data: [{
/// <singular>Duplicates: [...], totalCount, pageInfo}]}`, one item per given record.
pub async fn find_duplicates(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let model = state.model(auth.workspace_id).await?;
    let object = object(&model.schema, &plural)?;
    let params = Params::parse(raw.as_deref(), &["depth", "fields"])?;
    let depth = params.depth()?;
    let fields = params.fields()?;
    let body = match json_body(&body)? {
        Value::Object(map) => map,
        _ => {
            return Err(invalid_body(
                "the body must be an object: {\"data\": [...]} or {\"ids\": [...]}",
            ));
        }
    };
    if let Some(key) = body.keys().find(|k| *k != "data" && *k != "ids") {
        return Err(invalid_body(format!(
            "unknown key `{key}`: the body is {{\"data\": [...]}} or {{\"ids\": [...]}}"
        )));
    }
    let of =
        DuplicatesOf::from_arguments(body.get("data"), body.get("ids")).map_err(query_error)?;
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let (pages, _) = duplicates::find_duplicates(
        target(&db),
        &model.schema,
        &object.name_singular,
        &of,
        depth,
        fields.as_deref(),
    )
    .await
    .map_err(query_error)?;
    let key = format!("{}Duplicates", object.name_singular);
    let items: Vec<Value> = pages
        .into_iter()
        .map(|page| {
            let info = &page.page_info;
            let mut item = Map::new();
            item.insert(key.clone(), Value::Array(page.records));
            item.insert(
                "totalCount".to_owned(),
                json!(page.total_count.unwrap_or(0)),
            );
            item.insert(
                "pageInfo".to_owned(),
                json!({
                    "hasNextPage": info.has_next_page,
                    "hasPreviousPage": info.has_previous_page,
                    "startCursor": info.start_cursor,
                    "endCursor": info.end_cursor,
                }),
            );
            Value::Object(item)
        })
        .collect();
    Ok(Json(json!({ "data": items })))
}
