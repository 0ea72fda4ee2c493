//! `POST /api/v1/orders/{id}/invoice`: the invoice link the Mini App opens
//! with `Telegram.WebApp.openInvoice`.
//!
//! The application layer records the payment request (once per checkout)
//! and says what the invoice holds; the link is made with `createInvoiceLink`
//! on every call, so a retry (also one with the same `Idempotency-Key`, which
//! records nothing again) gets a link for the same invoice.

use super::auth::Customer;
use super::codes::ErrorCode;
use super::doc::{CommandErrors, IdempotencyKey};
use super::me::ensure_user;
use super::orders::READ_AFTER;
use super::views::Money;
use super::{ApiError, AppState, ErrorBody};
use crate::app::InvoiceError;
use crate::i18n::Lang;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use foodbot_domain::order::PaymentMethod;
use foodbot_domain::OrderId;
use foodbot_projections::queries::read_token;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// How an invoice is paid.
#[derive(Serialize, ToSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceMethod {
    /// A payment provider, in the menu's currency (food).
    Provider,
    /// Telegram Stars, currency `XTR` (digital goods only).
    Stars,
}

/// An invoice to open with `Telegram.WebApp.openInvoice`.
#[derive(Serialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLink {
    /// The link made by `createInvoiceLink`.
    pub invoice_link: String,
    pub method: InvoiceMethod,
    /// What the invoice charges: the order's total.
    pub amount: Money,
}

/// Asks for payment of a checked-out order: records the payment request
/// (once per checkout) and answers with an invoice link. The order is paid
/// only when Telegram reports the payment.
#[utoipa::path(post, path = "/orders/{order_id}/invoice", tag = "orders", params(("order_id" = String, Path, format = Uuid), IdempotencyKey), security(("tma" = [])),
    responses(
        (status = 200, description = "The invoice link.", body = InvoiceLink),
        CommandErrors,
        (status = 502, description = "`telegram_unavailable`: Telegram did not make the link; try again.", body = ErrorBody),
        (status = 503, description = "`payments_not_configured`: the order is paid with a provider and none is configured.", body = ErrorBody),
    ))]
pub async fn invoice(
    State(state): State<AppState>,
    who: Customer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: OrderId = id.parse().map_err(|_| ApiError::not_found())?;
    ensure_user(&state, &who).await?;
    let meta = who.meta_for(&json!(["invoice", id]));
    let invoice = match state.app.request_invoice(&meta, who.id, id).await {
        Ok(i) => i,
        Err(InvoiceError::App(e)) => return Err(e.into()),
        Err(InvoiceError::NotConfigured) => {
            return Err(ApiError::new(
                ErrorCode::PaymentsNotConfigured,
                "payments with a provider are not configured",
            ))
        }
    };
    let user = state.app.user(who.id).await?;
    let lang = Lang::parse(&user.language)
        .unwrap_or_else(|| Lang::from_telegram(who.init.user.language_code.as_deref()));
    let link = crate::telegram::payments::create_link(&state.telegram, &state.app, &invoice, lang)
        .await
        .map_err(|e| {
            tracing::warn!(order_id = %id, error = %e, "createInvoiceLink failed.");
            ApiError::new(
                ErrorCode::TelegramUnavailable,
                "Telegram did not make the invoice link; try again",
            )
        })?;
    let body = InvoiceLink {
        invoice_link: link,
        method: match invoice.method {
            PaymentMethod::Provider => InvoiceMethod::Provider,
            PaymentMethod::Stars => InvoiceMethod::Stars,
        },
        amount: invoice.amount.into(),
    };
    let token = read_token("Order", &id.to_string(), invoice.version);
    Ok(([(READ_AFTER, token)], Json(body)).into_response())
}
