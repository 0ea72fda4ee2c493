//! `/api/v1/orders`: the caller's cart and orders.
//!
//! Every handler authenticates the caller, turns the request into one
//! application call, and renders the order. A customer only ever reaches their
//! own orders; anything else is 404, never its data.

use super::auth::Customer;
use super::me::ensure_user;
use super::views::{Order as OrderBody, OrderDetail, OrderList, OrderSummary, Reorder};
use super::{ApiError, ApiJson, AppState, OptionalJson};
use crate::app::{AppError, Outcome};
use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use foodbot_domain::catalog::LineRequest;
use foodbot_domain::order::{Fulfilment, Order, OrderAction};
use foodbot_domain::Actor;
use foodbot_domain::{LineId, OrderId};
use foodbot_projections::queries::{read_token, wait_for, WaitError};
use serde::{Deserialize, Serialize};
use serde_json::json;

fn order_id(raw: &str) -> Result<OrderId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

fn line_id(raw: &str) -> Result<LineId, ApiError> {
    raw.parse()
        .map(LineId)
        .map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "unknown_line", "no such line"))
}

/// The header naming a command's last event: pass it back as `?after=` to read
/// your own write from the read models.
pub const READ_AFTER: &str = "x-read-after";

fn render(id: OrderId, out: &Outcome<Order>, status: StatusCode) -> Response {
    let token = read_token("Order", &id.to_string(), out.version);
    let view = OrderBody::new(id, &out.state, out.version);
    (status, [(READ_AFTER, token)], Json(view)).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    /// A read token from an earlier command's `X-Read-After` header.
    after: Option<String>,
}

/// Waits (bounded) until the read models show the write `after` names.
async fn read_after(
    state: &AppState,
    q: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<(), ApiError> {
    let Query(q) = q.map_err(|r| ApiError::bad_request("invalid_query", r.body_text()))?;
    let Some(token) = q.after else { return Ok(()) };
    let db = state.app.db.projection_db();
    match wait_for(&db, &token, &state.visibility, state.read_after_timeout).await {
        Ok(()) => Ok(()),
        Err(WaitError::UnknownToken) => {
            Err(ApiError::bad_request("invalid_read_token", "no such write"))
        }
        Err(WaitError::TimedOut) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_yet_visible",
            "the change is not visible yet; retry shortly",
        )),
        Err(WaitError::Db(e)) => Err(AppError::storage(e).into()),
    }
}

/// The caller's orders, newest first, from the read models.
pub async fn list(
    State(state): State<AppState>,
    who: Customer,
    q: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    read_after(&state, q).await?;
    let orders = state.app.order_history(who.id, 50).await?;
    let orders = orders.into_iter().map(OrderSummary::from).collect();
    Ok(Json(OrderList { orders }).into_response())
}

/// One of the caller's orders with its lines and timeline, from the read models.
pub async fn show(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    q: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    read_after(&state, q).await?;
    let detail = state.app.order_detail(Actor::Customer(who.id), id).await?;
    Ok(Json(OrderDetail::from(detail)).into_response())
}

#[derive(Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    #[serde(default)]
    items: Vec<LineRequest>,
}

pub async fn create(
    State(state): State<AppState>,
    who: Customer,
    OptionalJson(body): OptionalJson<CreateBody>,
) -> Result<Response, ApiError> {
    ensure_user(&state, &who).await?;
    let meta = who.meta_for(&json!(["create", &body]));
    let (id, out) = state.app.create_order(&meta, who.id, body.items).await?;
    let status = if out.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(render(id, &out, status))
}

/// Runs one command on an existing order. `request` (the path and body) is what
/// an idempotency key is bound to.
async fn act(
    state: &AppState,
    who: &Customer,
    id: OrderId,
    request: serde_json::Value,
    action: OrderAction,
) -> Result<Response, ApiError> {
    let out = state
        .app
        .order_command(&who.meta_for(&request), id, action)
        .await?;
    Ok(render(id, &out, StatusCode::OK))
}

pub async fn add_item(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    ApiJson(item): ApiJson<LineRequest>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let request = json!(["add_item", id, &item]);
    let action = OrderAction::AddItem {
        menu: state.app.menu.clone(),
        item,
    };
    act(&state, &who, id, request, action).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuantityBody {
    quantity: u32,
}

pub async fn change_quantity(
    State(state): State<AppState>,
    who: Customer,
    Path((id, line)): Path<(String, String)>,
    ApiJson(body): ApiJson<QuantityBody>,
) -> Result<Response, ApiError> {
    let (id, line) = (order_id(&id)?, line_id(&line)?);
    let request = json!(["change_quantity", id, line, body.quantity]);
    let action = OrderAction::ChangeQuantity {
        line,
        quantity: body.quantity,
    };
    act(&state, &who, id, request, action).await
}

pub async fn remove_item(
    State(state): State<AppState>,
    who: Customer,
    Path((id, line)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, line) = (order_id(&id)?, line_id(&line)?);
    let request = json!(["remove_item", id, line]);
    act(&state, &who, id, request, OrderAction::RemoveItem { line }).await
}

pub async fn set_fulfilment(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    ApiJson(fulfilment): ApiJson<Fulfilment>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let request = json!(["set_fulfilment", id, &fulfilment]);
    act(
        &state,
        &who,
        id,
        request,
        OrderAction::SetFulfilment { fulfilment },
    )
    .await
}

pub async fn checkout(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let action = OrderAction::Checkout {
        menu: state.app.menu.clone(),
    };
    act(&state, &who, id, json!(["checkout", id]), action).await
}

pub async fn reopen(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    act(
        &state,
        &who,
        id,
        json!(["reopen", id]),
        OrderAction::ReopenCart,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[serde(default)]
    reason: Option<String>,
}

pub async fn cancel(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<CancelBody>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let request = json!(["cancel", id, &body.reason]);
    act(
        &state,
        &who,
        id,
        request,
        OrderAction::Cancel {
            reason: body.reason,
        },
    )
    .await
}

pub async fn reorder(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let source = order_id(&id)?;
    let meta = who.meta_for(&json!(["reorder", source]));
    let (new_id, out) = state.app.reorder(&meta, who.id, source).await?;
    let status = if out.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let view = Reorder {
        order: OrderBody::new(new_id, &out.state, out.version),
        unavailable: out
            .state
            .reorder_unavailable
            .iter()
            .map(Into::into)
            .collect(),
    };
    let token = read_token("Order", &new_id.to_string(), out.version);
    Ok((status, [(READ_AFTER, token)], Json(view)).into_response())
}
