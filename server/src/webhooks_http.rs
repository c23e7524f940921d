//! The webhooks' REST routes, in the metadata API's envelopes: `/rest/metadata/webhooks`
//! (GET / POST), `/rest/metadata/webhooks/{id}` (GET / PATCH / PUT / DELETE), the delivery
//! log `/rest/metadata/webhooks/{id}/deliveries[/{deliveryId}]`, redelivery
//! `POST …/deliveries/{deliveryId}/retry` and a test event `POST …/{id}/test`. The same
//! routes answer under `/rest/webhooks`, Twenty's older path, with `Deprecation` and a
//! `Link` to the successor, as Twenty does. Every route needs the `admin` scope (a
//! webhook's secret and the workspace's data flow through it). The rules are
//! `crate::webhooks::manage`'s.
use crate::auth::Auth;
use crate::error::ApiError;
use crate::metadata_http::{body, id, list_params, list_response, one};
use crate::state::AppState;
use crate::store::webhooks::DeliveryQuery;
use crate::webhooks::manage::{self, CreateWebhook, Manage, UpdateWebhook};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;

/// Twenty's deprecation date of `/rest/webhooks` (`@<unix seconds>`).
const DEPRECATION: &str = "@1786320000";

/// The routes, under both prefixes.
pub fn routes() -> Router<AppState> {
    let legacy = under("/rest/webhooks").layer(axum::middleware::map_response(
        |mut response: Response| async move {
            let headers = response.headers_mut();
            headers.insert("deprecation", HeaderValue::from_static(DEPRECATION));
            headers.insert(
                "link",
                HeaderValue::from_static("</rest/metadata/webhooks>; rel=\"successor-version\""),
            );
            response
        },
    ));
    under("/rest/metadata/webhooks").merge(legacy)
}

fn under(prefix: &str) -> Router<AppState> {
    Router::new()
        .route(prefix, get(list).post(create))
        .route(
            &format!("{prefix}/{{id}}"),
            get(get_one).patch(update).put(update).delete(delete),
        )
        .route(&format!("{prefix}/{{id}}/deliveries"), get(deliveries))
        .route(
            &format!("{prefix}/{{id}}/deliveries/{{delivery}}"),
            get(delivery),
        )
        .route(
            &format!("{prefix}/{{id}}/deliveries/{{delivery}}/retry"),
            post(retry),
        )
        .route(&format!("{prefix}/{{id}}/test"), post(test))
}

async fn manage<'a>(state: &'a AppState, auth: &Auth) -> Result<Manage<'a>, ApiError> {
    auth.require_admin_to("manage webhooks")?;
    let model = state.model(auth.workspace_id).await?;
    Ok(Manage {
        store: &state.store,
        signals: &state.webhook_signals,
        workspace: auth.workspace_id,
        schema: model.schema.clone(),
    })
}

fn webhook_id(text: &str) -> Result<Uuid, ApiError> {
    id(text, "webhook")
}

async fn list(
    State(state): State<AppState>,
    auth: Auth,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let (limit, after, filter) = list_params(query.as_deref(), &[])?;
    let items = m.list().await?.iter().map(manage::shape).collect();
    let page = crate::metadata::shape::page(items, &filter, limit, after.as_deref())?;
    Ok(list_response("webhooks", page))
}

async fn get_one(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let webhook = m.get(webhook_id(&id)?).await?;
    Ok(one("webhook", manage::shape(&webhook), StatusCode::OK))
}

async fn create(
    State(state): State<AppState>,
    auth: Auth,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let input: CreateWebhook = body(&bytes)?;
    let webhook = m.create(input).await?;
    Ok(one(
        "createOneWebhook",
        manage::shape(&webhook),
        StatusCode::CREATED,
    ))
}

async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let id = webhook_id(&id)?;
    let update: UpdateWebhook = body(&bytes)?;
    let webhook = m.update(id, update).await?;
    Ok(one(
        "updateOneWebhook",
        manage::shape(&webhook),
        StatusCode::OK,
    ))
}

async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let webhook = m.delete(webhook_id(&id)?).await?;
    Ok(one(
        "deleteOneWebhook",
        manage::shape(&webhook),
        StatusCode::OK,
    ))
}

/// `GET …/{id}/deliveries?status=&eventName=&recordId=&limit=&starting_after=`: newest
/// first.
async fn deliveries(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let webhook = webhook_id(&id)?;
    let (limit, after, filter) =
        list_params(query.as_deref(), &["status", "eventName", "recordId"])?;
    let mut q = DeliveryQuery {
        after,
        limit: u32::try_from(limit.min(crate::metadata_http::MAX_PAGE)).unwrap_or(100),
        ..DeliveryQuery::default()
    };
    for (key, value) in filter {
        let text = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        match key.as_str() {
            "status" => q.status = Some(manage::parse_status(&text)?),
            "eventName" => q.event_name = Some(text),
            _ => q.record_id = Some(text),
        }
    }
    let (items, more) = m.deliveries(webhook, &q).await?;
    let end = items.last().and_then(|d| d.get("id")).cloned();
    Ok(axum::Json(json!({
        "data": { "webhookDeliveries": items },
        "pageInfo": { "hasNextPage": more, "endCursor": end },
    }))
    .into_response())
}

async fn delivery(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let value = m.delivery(webhook_id(&id)?, &delivery).await?;
    Ok(one("webhookDelivery", value, StatusCode::OK))
}

async fn retry(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let value = m.retry(webhook_id(&id)?, &delivery).await?;
    Ok(one("retryWebhookDelivery", value, StatusCode::ACCEPTED))
}

async fn test(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let m = manage(&state, &auth).await?;
    let value = m.send_test(webhook_id(&id)?).await?;
    Ok(one("sendTestWebhookEvent", value, StatusCode::ACCEPTED))
}
