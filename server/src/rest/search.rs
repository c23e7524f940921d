//! `GET /rest/search`: the search across objects (`crate::query::search`), GraphQL's
//! `search` over REST.
use super::params::Params;
use super::{filter, query_error, target};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::query::search::{self, DEFAULT_RESULTS, Search};
use crate::state::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

const PARAMS: [&str; 6] = [
    "searchInput",
    "limit",
    "after",
    "includedObjectNameSingulars",
    "excludedObjectNameSingulars",
    "filter",
];

/// A comma list of object names.
fn names(params: &Params, name: &str) -> Option<Vec<String>> {
    params.get(name).map(|raw| {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// `GET /rest/search?searchInput=…&limit=…&after=…&includedObjectNameSingulars=a,b
/// &excludedObjectNameSingulars=…&filter=…`: `{data: {search: [{recordId,
/// objectNameSingular, label, imageUrl, tsRankCD, tsRank}]}, pageInfo: {hasNextPage,
/// endCursor}}`.
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let model = state.model(auth.workspace_id).await?;
    let params = Params::parse(raw.as_deref(), &PARAMS)?;
    let Some(text) = params.get("searchInput") else {
        return Err(ApiError::bad_request(
            "INVALID_PARAMETER",
            "`searchInput` is required: the words to look for",
        ));
    };
    let request = Search {
        text: text.to_owned(),
        limit: params.limit()?.unwrap_or(DEFAULT_RESULTS),
        included: names(&params, "includedObjectNameSingulars"),
        excluded: names(&params, "excludedObjectNameSingulars").unwrap_or_default(),
        filter: params.get("filter").map(filter::parse).transpose()?,
        after: params.get("after").map(str::to_owned),
    };
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let (hits, _) = search::search(target(&db), &model.schema, &request)
        .await
        .map_err(query_error)?;
    let nodes: Vec<Value> = hits.hits.iter().map(search::node).collect();
    Ok(Json(json!({
        "data": {"search": nodes},
        "pageInfo": {"hasNextPage": hits.has_next_page, "endCursor": hits.end_cursor},
    })))
}
