//! Stars refunds: a refund requested for a payment in Telegram Stars is made
//! by the server itself with `refundStarPayment`, then recorded
//! (`RefundCompleted`).
//!
//! One pass every `STAR_REFUND_INTERVAL_MS` takes the refund turn (one
//! server process at a time: see [`crate::app::RefundTurn`]), lists the
//! pending Stars refunds (each checked against the order itself), and for
//! each calls Telegram and records the refund. Telegram's
//! `CHARGE_ALREADY_REFUNDED` means an earlier attempt got through (the process
//! stopped before recording it): it is recorded as done. Any other failure
//! is tried again on a later pass, after a backoff that grows per order.
//! Provider payments are refunded by staff at the provider; see
//! [`crate::app::App::record_provider_refund`].

use crate::app::{App, AppError, PendingStarRefund};
use foodbot_domain::OrderId;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use teloxide::prelude::Requester;
use teloxide::types::{TelegramTransactionId, UserId};
use teloxide::{ApiError, Bot, RequestError};
use tokio::sync::watch;
use tokio::time::Instant;

/// At most this many refunds per pass.
const BATCH: i64 = 20;

/// How one refund call ended.
#[derive(Debug, PartialEq, Eq)]
enum Refunded {
    /// The Stars went back now, or had already.
    Done,
    /// Try again later (not before `Duration`, when Telegram says so).
    Failed(String, Option<Duration>),
}

async fn refund(bot: &Bot, r: &PendingStarRefund) -> Refunded {
    let user = UserId(u64::try_from(r.customer.0).unwrap_or_default());
    let charge = TelegramTransactionId(r.telegram_charge_id.clone());
    match bot.refund_star_payment(user, charge).await {
        Ok(_) => Refunded::Done,
        Err(RequestError::Api(ApiError::Unknown(d))) if d.contains("CHARGE_ALREADY_REFUNDED") => {
            Refunded::Done
        }
        Err(RequestError::RetryAfter(wait)) => {
            Refunded::Failed("flood control".into(), Some(wait.duration()))
        }
        Err(e) => Refunded::Failed(e.to_string(), None),
    }
}

/// Orders whose refund failed, and when to try again.
#[derive(Default)]
struct Backoff {
    next: HashMap<OrderId, (u32, Instant)>,
}

impl Backoff {
    fn ready(&self, id: &OrderId) -> bool {
        self.next
            .get(id)
            .is_none_or(|(_, at)| Instant::now() >= *at)
    }

    /// Waits 1 s, 2 s, 4 s, … up to 5 minutes, or as long as Telegram said.
    fn failed(&mut self, id: OrderId, at_least: Option<Duration>) {
        let entry = self.next.entry(id).or_insert((0, Instant::now()));
        let wait = Duration::from_secs(1u64 << entry.0.min(8)).min(Duration::from_secs(300));
        entry.0 = entry.0.saturating_add(1);
        entry.1 = Instant::now() + at_least.map_or(wait, |t| t.max(wait));
    }
}

/// One pass; returns how many refunds were recorded.
async fn pass(bot: &Bot, app: &App, backoff: &mut Backoff) -> Result<usize, AppError> {
    let Some(turn) = app.refund_turn().await? else {
        return Ok(0);
    };
    let result = refund_pending(bot, app, backoff).await;
    turn.release().await;
    result
}

async fn refund_pending(bot: &Bot, app: &App, backoff: &mut Backoff) -> Result<usize, AppError> {
    let mut done = 0;
    for r in app.pending_star_refunds(BATCH).await? {
        if !backoff.ready(&r.order_id) {
            continue;
        }
        match refund(bot, &r).await {
            Refunded::Done => {
                app.record_star_refund(&r).await?;
                backoff.next.remove(&r.order_id);
                tracing::info!(order_id = %r.order_id, amount = r.amount.amount, "Stars refunded.");
                done += 1;
            }
            Refunded::Failed(error, at_least) => {
                backoff.failed(r.order_id, at_least);
                tracing::warn!(order_id = %r.order_id, %error, "A Stars refund failed; it is tried again later.");
            }
        }
    }
    Ok(done)
}

/// Runs passes until `stop` turns true.
pub async fn run(bot: Bot, app: Arc<App>, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut backoff = Backoff::default();
    loop {
        if *stop.borrow() {
            break;
        }
        if let Err(e) = pass(&bot, &app, &mut backoff).await {
            tracing::warn!(error = %crate::http::error_chain(&e), "A pass of Stars refunds failed.");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}
