//! `/api/v1/orders`: the caller's cart and orders.
//!
//! Every handler authenticates the caller, turns the request into one
//! application call, and renders the order. A customer only ever reaches their
//! own orders; anything else is 404, never its data.

use super::auth::Customer;
use super::codes::ErrorCode;
use super::doc::{CommandErrors, IdempotencyKey};
use super::me::ensure_user;
use super::read_views::{OrderDetail, OrderList, OrderSummary};
use super::reorder_views::Reorder;
use super::requests::{CancelOrder, ChangeQuantity, CreateOrder, FulfilmentInput, LineInput};
use super::views::Order as OrderBody;
use super::ErrorBody;
use super::{ApiError, ApiJson, AppState, OptionalJson};
use crate::app::{AppError, Outcome};
use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use foodbot_domain::catalog::{Catalog, LineRequest};
use foodbot_domain::order::{Fulfilment, Order, OrderAction};
use foodbot_domain::Actor;
use foodbot_domain::{LineId, OrderId};
use foodbot_projections::queries::{read_token, wait_for, WaitError};
use serde::Deserialize;
use serde_json::json;

pub(super) fn order_id(raw: &str) -> Result<OrderId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

fn line_id(raw: &str) -> Result<LineId, ApiError> {
    raw.parse()
        .map(LineId)
        .map_err(|_| ApiError::new(ErrorCode::UnknownLine, "no such line"))
}

/// The header naming a command's last event: pass it back as `?after=` to read
/// your own write from the read models.
pub const READ_AFTER: &str = "x-read-after";

fn render(id: OrderId, out: &Outcome<Order>, status: StatusCode, menu: &Catalog) -> Response {
    let token = read_token("Order", &id.to_string(), out.version);
    let view = OrderBody::new(id, &out.state, out.version, menu);
    (status, [(READ_AFTER, token)], Json(view)).into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// A read token from an earlier command's `X-Read-After` header.
    after: Option<String>,
}

/// Waits (bounded) until the read models show the write `after` names.
pub(super) async fn read_after(
    state: &AppState,
    q: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<(), ApiError> {
    let Query(q) = q.map_err(|r| ApiError::new(ErrorCode::InvalidQuery, r.body_text()))?;
    let Some(token) = q.after else { return Ok(()) };
    let db = state.app.db.projection_db();
    match wait_for(&db, &token, &state.visibility, state.read_after_timeout).await {
        Ok(()) => Ok(()),
        Err(WaitError::UnknownToken) => {
            Err(ApiError::new(ErrorCode::InvalidReadToken, "no such write"))
        }
        Err(WaitError::TimedOut) => Err(ApiError::new(
            ErrorCode::NotYetVisible,
            "the change is not visible yet; retry shortly",
        )),
        Err(WaitError::Db(e)) => Err(AppError::storage(e).into()),
    }
}

/// The caller's orders, newest first (at most 50), from the read models.
#[utoipa::path(get, path = "/orders", tag = "orders", params(ReadQuery), security(("tma" = [])),
    responses(
        (status = 200, description = "The caller's orders.", body = OrderList),
        (status = 400, description = "`invalid_query`, `invalid_read_token`.", body = ErrorBody),
        (status = 401, description = "`missing_auth`, `invalid_init_data`, `init_data_expired`.", body = ErrorBody),
        (status = 500, description = "`internal`.", body = ErrorBody),
        (status = 503, description = "`not_yet_visible`: the write `after` names is not visible yet.", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    who: Customer,
    q: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    read_after(&state, q).await?;
    let orders = state.app.order_history(who.id, 50).await?;
    let orders = orders
        .into_iter()
        .map(OrderSummary::try_from)
        .collect::<Result<_, _>>()
        .map_err(ApiError::internal)?;
    Ok(Json(OrderList { orders }).into_response())
}

/// One of the caller's orders as a command answers it, with its history
/// (timeline and times) from the read models.
#[utoipa::path(get, path = "/orders/{order_id}", tag = "orders", params(ReadQuery, ("order_id" = String, Path, format = Uuid)), security(("tma" = [])),
    responses(
        (status = 200, description = "The order.", body = OrderDetail),
        (status = 400, description = "`invalid_query`, `invalid_read_token`.", body = ErrorBody),
        (status = 401, description = "`missing_auth`, `invalid_init_data`, `init_data_expired`.", body = ErrorBody),
        (status = 404, description = "`not_found`: no such order, another's, or not in the read models yet.", body = ErrorBody),
        (status = 500, description = "`internal`.", body = ErrorBody),
        (status = 503, description = "`not_yet_visible`.", body = ErrorBody),
    ))]
pub async fn show(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    q: Result<Query<ReadQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    read_after(&state, q).await?;
    let detail = state.app.order_detail(Actor::Customer(who.id), id).await?;
    let menu = state.app.menu_now().await?.menu;
    let detail = OrderDetail::new(detail, &menu).map_err(ApiError::internal)?;
    Ok(Json(detail).into_response())
}

/// Opens a cart, empty (no body) or with lines.
#[utoipa::path(post, path = "/orders", tag = "orders", request_body(content = Option<CreateOrder>), params(IdempotencyKey), security(("tma" = [])),
    responses(
        (status = 201, description = "The new cart.", body = OrderBody),
        (status = 200, description = "A retry with a known `Idempotency-Key`: the cart it made.", body = OrderBody),
        CommandErrors,
    ))]
pub async fn create(
    State(state): State<AppState>,
    who: Customer,
    OptionalJson(body): OptionalJson<CreateOrder>,
) -> Result<Response, ApiError> {
    ensure_user(&state, &who).await?;
    let items: Vec<LineRequest> = body.items.into_iter().map(Into::into).collect();
    // The key's fingerprint is of the request as the domain takes it.
    let meta = who.meta_for(&json!(["create", { "items": &items }]));
    let (id, out) = state.app.create_order(&meta, who.id, items).await?;
    let status = if out.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(render(id, &out, status, &state.app.menu_now().await?.menu))
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
    Ok(render(
        id,
        &out,
        StatusCode::OK,
        &state.app.menu_now().await?.menu,
    ))
}

/// Adds a line to the cart.
#[utoipa::path(post, path = "/orders/{order_id}/items", tag = "orders", request_body = LineInput, params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
pub async fn add_item(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    ApiJson(item): ApiJson<LineInput>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let item = LineRequest::from(item);
    let request = json!(["add_item", id, &item]);
    let action = OrderAction::AddItem {
        menu: state.app.menu_now().await?.menu,
        item,
    };
    act(&state, &who, id, request, action).await
}

/// Changes a line's quantity.
#[utoipa::path(patch, path = "/orders/{order_id}/items/{line_id}", tag = "orders", request_body = ChangeQuantity, params(("order_id" = String, Path, format = Uuid), ("line_id" = u32, Path), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
pub async fn change_quantity(
    State(state): State<AppState>,
    who: Customer,
    Path((id, line)): Path<(String, String)>,
    ApiJson(body): ApiJson<ChangeQuantity>,
) -> Result<Response, ApiError> {
    let (id, line) = (order_id(&id)?, line_id(&line)?);
    let request = json!(["change_quantity", id, line, body.quantity]);
    let action = OrderAction::ChangeQuantity {
        line,
        quantity: body.quantity,
    };
    act(&state, &who, id, request, action).await
}

/// Removes a line.
#[utoipa::path(delete, path = "/orders/{order_id}/items/{line_id}", tag = "orders", params(("order_id" = String, Path, format = Uuid), ("line_id" = u32, Path), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
pub async fn remove_item(
    State(state): State<AppState>,
    who: Customer,
    Path((id, line)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, line) = (order_id(&id)?, line_id(&line)?);
    let request = json!(["remove_item", id, line]);
    act(&state, &who, id, request, OrderAction::RemoveItem { line }).await
}

/// Chooses delivery (with an address) or pickup.
#[utoipa::path(put, path = "/orders/{order_id}/fulfilment", tag = "orders", request_body = FulfilmentInput, params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
pub async fn set_fulfilment(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    ApiJson(fulfilment): ApiJson<FulfilmentInput>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let fulfilment = Fulfilment::from(fulfilment);
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

/// Freezes prices and totals.
#[utoipa::path(post, path = "/orders/{order_id}/checkout", tag = "orders", params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
pub async fn checkout(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let action = OrderAction::Checkout {
        menu: state.app.menu_now().await?.menu,
    };
    act(&state, &who, id, json!(["checkout", id]), action).await
}

/// Opens a checked-out order as a cart again.
#[utoipa::path(post, path = "/orders/{order_id}/reopen", tag = "orders", params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
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

/// Cancels the order (a body with a reason is optional).
#[utoipa::path(post, path = "/orders/{order_id}/cancel", tag = "orders", request_body(content = Option<CancelOrder>), params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The order.", body = OrderBody), CommandErrors))]
pub async fn cancel(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<CancelOrder>,
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

/// A new cart with a past order's lines at today's prices.
#[utoipa::path(post, path = "/orders/{order_id}/reorder", tag = "orders", params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses(
        (status = 201, description = "The new cart, and the lines that could not be copied.", body = Reorder),
        (status = 200, description = "A retry with a known `Idempotency-Key`.", body = Reorder),
        CommandErrors,
    ))]
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
        order: OrderBody::new(
            new_id,
            &out.state,
            out.version,
            &state.app.menu_now().await?.menu,
        ),
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
