//! `GET /rest/{namePlural}/groupBy`: Twenty's group-by route over the engine's group-by
//! (`crate::query::group_by`), answering a bare JSON list of groups as Twenty does.
use super::params::Params;
use super::{object, order, query_error, target};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::query::group_by::{self, DEFAULT_GROUPS, GroupBy};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Map, Value};

const PARAMS: [&str; 7] = [
    "group_by",
    "aggregate",
    "filter",
    "order_by",
    "limit",
    "include_records_sample",
    "order_by_for_records",
];

fn invalid(message: String) -> ApiError {
    ApiError::bad_request("INVALID_GROUP_BY", message)
}

/// A parameter holding JSON (`group_by`, `aggregate`, `order_by`).
fn json_param(params: &Params, name: &str, example: &str) -> Result<Option<Value>, ApiError> {
    params
        .get(name)
        .map(|raw| {
            serde_json::from_str(raw).map_err(|e| {
                invalid(format!(
                    "`{name}` is not JSON ({e}); expected a list such as {example}"
                ))
            })
        })
        .transpose()
}

/// `GET /rest/{namePlural}/groupBy?group_by=[…]&aggregate=[…]&filter=…&order_by=[…]&limit=…
/// &include_records_sample=true&order_by_for_records=…`: `[{<aggregates>,
/// groupByDimensionValues: [...], records?: [...]}]`.
pub async fn group_by(
    State(state): State<AppState>,
    auth: Auth,
    Path(plural): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let model = state.model(auth.workspace_id).await?;
    let schema = &model.schema;
    let object = object(schema, &plural)?;
    let params = Params::parse(raw.as_deref(), &PARAMS)?;
    let Some(spec) = json_param(&params, "group_by", r#"[{"stage": true}]"#)? else {
        return Err(invalid(
            "`group_by` is required: a JSON list such as [{\"stage\": true}, {\"createdAt\": {\"granularity\": \"MONTH\", \"timeZone\": \"UTC\"}}]".to_owned(),
        ));
    };
    let dimensions = group_by::dimensions(schema, object, &spec).map_err(query_error)?;
    let aggregates = match json_param(&params, "aggregate", r#"["countAll", "sumEmployees"]"#)? {
        Some(list) => group_by::aggregates(object, &list).map_err(query_error)?,
        None => Vec::new(),
    };
    let order = match json_param(&params, "order_by", r#"[{"stage": "AscNullsFirst"}]"#)? {
        Some(list) => group_by::order(object, &dimensions, &list).map_err(query_error)?,
        None => Vec::new(),
    };
    let filter = params.filter()?;
    let sample = params.flag("include_records_sample")?;
    let records = match (sample, params.get("order_by_for_records")) {
        (true, Some(raw)) => Some(order::parse(raw)?),
        (true, None) => Some(Vec::new()),
        (false, Some(_)) => {
            return Err(ApiError::bad_request(
                "INVALID_PARAMETER",
                "`order_by_for_records` orders the records' sample: add `include_records_sample=true`",
            ));
        }
        (false, None) => None,
    };
    let request = GroupBy {
        with_deleted: filter.as_ref().is_some_and(|f| f.mentions("deletedAt")),
        dimensions,
        aggregates,
        filter,
        order,
        limit: params.limit()?.unwrap_or(DEFAULT_GROUPS),
        records,
        records_offset: 0,
    };
    let db = state
        .store
        .workspace_db(auth.workspace_id)
        .await
        .map_err(ApiError::failure)?;
    let (groups, _) = group_by::group_by(target(&db), schema, &object.name_singular, &request)
        .await
        .map_err(query_error)?;
    Ok(Json(Value::Array(
        groups
            .into_iter()
            .map(|group| {
                let mut out: Map<String, Value> = group.aggregates;
                out.insert(
                    "groupByDimensionValues".to_owned(),
                    Value::Array(group.dimensions),
                );
                if let Some(records) = group.records {
                    out.insert("records".to_owned(), Value::Array(records));
                }
                Value::Object(out)
            })
            .collect(),
    )))
}
