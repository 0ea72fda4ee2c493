//! `/cancel`: an order the kitchen has not accepted yet is cancelled after a
//! confirmation. The confirmation button carries the order's version when it
//! was asked, so a press after the order moved on changes nothing.

use super::callback::Callback;
use super::orders::{recent, stale, status_text, Answered, RECENT};
use super::reply::{self, button, Answer, Screen};
use super::texts::tr;
use super::{BotContext, Turn};
use crate::app::OrderSummary;
use foodbot_domain::order::{OrderAction, OrderStatus};
use foodbot_domain::{Actor, OrderId};
use teloxide::types::MessageId;

/// Orders the customer may still cancel (not yet accepted by the kitchen).
fn cancellable(status: &str) -> bool {
    matches!(status, "checked_out" | "awaiting_payment" | "paid")
}

/// `/cancel`: the order to cancel, then a confirmation.
pub async fn cancel_pick(ctx: &BotContext, turn: &Turn) -> super::BotResult {
    let open: Vec<OrderSummary> = recent(ctx, turn, 0, RECENT)
        .await?
        .into_iter()
        .filter(|s| cancellable(&s.status))
        .collect();
    match open.as_slice() {
        [] => {
            reply::send(
                ctx,
                turn.chat,
                Screen::text(tr(turn.lang, "cancel-none", &[])),
            )
            .await
        }
        [one] => {
            let Ok(id) = one.id.parse() else {
                return Ok(());
            };
            cancel_ask(ctx, turn, OrderId(id), None).await.map(|_| ())
        }
        several => {
            let mut screen = Screen::text(tr(turn.lang, "cancel-pick", &[]));
            for s in several {
                let Ok(id) = s.id.parse() else { continue };
                let label = format!("{} · {}", s.short_id, status_text(turn.lang, &s.status));
                screen = screen.row(vec![button(label, &Callback::CancelAsk(OrderId(id)))]);
            }
            reply::send(ctx, turn.chat, screen).await
        }
    }
}

/// Asks "cancel order X?", binding the answer to the order's current version.
pub async fn cancel_ask(
    ctx: &BotContext,
    turn: &Turn,
    id: OrderId,
    message: Option<MessageId>,
) -> Answered {
    let lang = turn.lang;
    let (order, version) = match ctx.app.order_for(Actor::Customer(turn.user), id).await {
        Ok(o) => o,
        Err(e) if stale(&e) => return Ok(Answer::alert(tr(lang, "button-stale", &[]))),
        Err(e) => return Err(e.into()),
    };
    if !cancellable(order.status.as_str()) {
        let text = tr(lang, "cancel-too-late", &[("short_id", id.short().into())]);
        reply::replace(ctx, turn.chat, message, Screen::text(text.clone())).await?;
        return Ok(Answer::alert(text));
    }
    let screen = Screen::text(tr(
        lang,
        "cancel-confirm",
        &[("short_id", id.short().into())],
    ))
    .row(vec![
        button(
            tr(lang, "cancel-yes", &[]),
            &Callback::CancelYes(id, version as u64),
        ),
        button(tr(lang, "cancel-no", &[]), &Callback::CancelNo),
    ]);
    reply::replace(ctx, turn.chat, message, screen).await?;
    Ok(Answer::none())
}

/// The confirmation: cancels only if the order is still as it was asked about.
pub async fn cancel_yes(
    ctx: &BotContext,
    turn: &Turn,
    id: OrderId,
    version: u64,
    message: Option<MessageId>,
) -> Answered {
    let lang = turn.lang;
    let current = match ctx.app.order_for(Actor::Customer(turn.user), id).await {
        Ok((order, v)) => (order.status, v as u64),
        Err(e) if stale(&e) => return Ok(Answer::alert(tr(lang, "button-stale", &[]))),
        Err(e) => return Err(e.into()),
    };
    // Pressed again after it worked (a double tap): it is cancelled, as asked.
    if current.0 == OrderStatus::Cancelled {
        return Ok(Answer::notice(tr(
            lang,
            "cancel-done",
            &[("short_id", id.short().into())],
        )));
    }
    if current.1 != version {
        return Ok(Answer::alert(tr(lang, "button-stale", &[])));
    }
    let action = OrderAction::Cancel { reason: None };
    match ctx
        .app
        .order_command(&turn.meta("cancel"), id, action)
        .await
    {
        Ok(_) => {}
        Err(e) if stale(&e) => return Ok(Answer::alert(tr(lang, "button-stale", &[]))),
        Err(e) => return Err(e.into()),
    }
    let text = tr(lang, "cancel-done", &[("short_id", id.short().into())]);
    reply::replace(ctx, turn.chat, message, Screen::text(text.clone())).await?;
    Ok(Answer::notice(text))
}

pub async fn cancel_no(ctx: &BotContext, turn: &Turn, message: Option<MessageId>) -> Answered {
    let text = tr(turn.lang, "cancel-kept", &[]);
    reply::replace(ctx, turn.chat, message, Screen::text(text)).await?;
    Ok(Answer::none())
}
