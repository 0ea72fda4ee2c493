//! Paying in the chat, and what Telegram says about payments.
//!
//! - The Pay button (under `/status`, and after a `web_app_data` checkout)
//!   asks the application layer for the order's invoice and sends it with
//!   `sendInvoice`.
//! - `pre_checkout_query` (handled on the dispatcher's urgent path, outside
//!   the chat's queue, since Telegram waits only 10 s) re-checks the order and
//!   answers `ok`, or `ok = false` with a reason in the payer's language.
//! - `successful_payment` records the payment (once per Telegram charge,
//!   however often it is reported) and thanks the payer; `refunded_payment`
//!   records a refund.

use super::orders::{stale, Answered};
use super::reply::Answer;
use super::texts::tr;
use super::{BotContext, BotResult, Turn};
use crate::app::{AppError, InvoiceError, PreCheckoutRefusal, TelegramPayment, TelegramRefund};
use crate::telegram::payments;
use foodbot_domain::order::OrderError;
use foodbot_domain::OrderId;
use std::sync::Arc;
use teloxide::payloads::AnswerPreCheckoutQuerySetters;
use teloxide::prelude::Requester;
use teloxide::types::{Message, PreCheckoutQuery, RefundedPayment, SuccessfulPayment};

/// Sends the invoice of `order` to the chat; an order that cannot be paid
/// now gets an alert and nothing is sent.
pub async fn pay(ctx: &BotContext, turn: &Turn, order: OrderId) -> Answered {
    let lang = turn.lang;
    let invoice = match ctx
        .app
        .request_invoice(&turn.meta("invoice"), turn.user, order)
        .await
    {
        Ok(i) => i,
        Err(InvoiceError::NotConfigured) => {
            return Ok(Answer::alert(tr(lang, "pay-unavailable", &[])))
        }
        Err(InvoiceError::App(AppError::Order(OrderError::AlreadyPaid))) => {
            return Ok(Answer::alert(tr(lang, "pay-already-paid", &[])))
        }
        Err(InvoiceError::App(e)) if stale(&e) || matches!(e, AppError::Order(_)) => {
            return Ok(Answer::alert(tr(lang, "button-stale", &[])))
        }
        Err(InvoiceError::App(e)) => return Err(e.into()),
    };
    payments::send(&ctx.bot, &ctx.app, turn.chat, &invoice, lang).await?;
    Ok(Answer::none())
}

/// The answer to a pre-checkout query: within Telegram's 10 s, on the
/// order as it is now.
pub async fn pre_checkout(ctx: Arc<BotContext>, turn: Turn, q: PreCheckoutQuery) -> BotResult {
    let checked = ctx
        .app
        .pre_checkout(
            turn.user,
            &q.currency,
            i64::from(q.total_amount),
            &q.invoice_payload,
            chrono::Utc::now(),
        )
        .await;
    let request = match &checked {
        Ok(order) => {
            tracing::info!(order_id = %order, "Pre-checkout accepted.");
            ctx.bot.answer_pre_checkout_query(q.id.clone(), true)
        }
        Err(why) => {
            tracing::info!(reason = %why, payload = %q.invoice_payload, "Pre-checkout refused.");
            let key = match why {
                PreCheckoutRefusal::UnknownInvoice => "precheckout-unknown",
                PreCheckoutRefusal::OrderChanged => "precheckout-changed",
                PreCheckoutRefusal::AmountMismatch => "precheckout-amount",
                PreCheckoutRefusal::RestaurantClosed => "precheckout-closed",
                PreCheckoutRefusal::Unavailable => "precheckout-unavailable",
            };
            // Closed: say when orders are taken again.
            let text = match (why, &ctx.app.menu.restaurant.hours) {
                (PreCheckoutRefusal::RestaurantClosed, Some(hours)) => {
                    super::texts::closed(turn.lang, hours, chrono::Utc::now())
                }
                _ => tr(turn.lang, key, &[]),
            };
            ctx.bot
                .answer_pre_checkout_query(q.id.clone(), false)
                .error_message(text)
        }
    };
    request.await?;
    Ok(())
}

/// `successful_payment`: the order is paid.
pub async fn successful_payment(
    ctx: Arc<BotContext>,
    turn: Turn,
    paid: SuccessfulPayment,
) -> BotResult {
    let payment = TelegramPayment {
        payer: turn.user,
        currency: paid.currency.clone(),
        total_amount: i64::from(paid.total_amount),
        invoice_payload: paid.invoice_payload.clone(),
        telegram_charge_id: paid.telegram_payment_charge_id.0.clone(),
        provider_charge_id: Some(paid.provider_payment_charge_id.clone()),
    };
    let correlation = format!("tg:{}", turn.update_id);
    match ctx.app.record_telegram_payment(&correlation, payment).await {
        Ok(Some(out)) if out.replayed || out.events.is_empty() => {
            tracing::info!(charge = %paid.telegram_payment_charge_id.0, "A payment reported again.");
            Ok(())
        }
        // The customer hears of it from the notification sender, once, like
        // of every other step of the order.
        Ok(Some(_)) => Ok(()),
        Ok(None) => {
            tracing::error!(payload = %paid.invoice_payload, charge = %paid.telegram_payment_charge_id.0,
                "A payment for an invoice that is not ours: it must be refunded by hand.");
            Ok(())
        }
        Err(AppError::Order(e)) => {
            // Money was taken that the order refuses (another amount, paid
            // twice with two charges): it is for staff to give back.
            tracing::error!(payload = %paid.invoice_payload, charge = %paid.telegram_payment_charge_id.0,
                error = %e, "A payment the order refused: it must be refunded by hand.");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// `refunded_payment`: Telegram gave the Stars of a payment back.
pub async fn refunded_payment(
    ctx: Arc<BotContext>,
    turn: Turn,
    refunded: RefundedPayment,
) -> BotResult {
    let refund = TelegramRefund {
        currency: refunded.currency.clone(),
        total_amount: i64::from(refunded.total_amount),
        invoice_payload: refunded.invoice_payload.clone(),
        telegram_charge_id: refunded.telegram_payment_charge_id.0.clone(),
    };
    let correlation = format!("tg:{}", turn.update_id);
    match ctx.app.record_telegram_refund(&correlation, refund).await {
        Ok(_) => Ok(()),
        Err(AppError::Order(e)) => {
            tracing::warn!(payload = %refunded.invoice_payload, error = %e, "A refund Telegram reported does not fit the order.");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// The refunded payment of a message, if it reports one.
pub fn refunded_of(m: Message) -> Option<RefundedPayment> {
    match m.kind {
        teloxide::types::MessageKind::RefundedPayment(r) => Some(r.refunded_payment),
        _ => None,
    }
}
