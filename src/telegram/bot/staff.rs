//! The staff chat's order message and its buttons.
//!
//! Each paid order is one message in the staff group (`STAFF_CHAT_ID`),
//! posted and edited by the worker ([`super::staff_worker`]) from the read
//! models: the lines, fulfilment, total, customer and status, with buttons for
//! exactly the order's next legal steps (none once it is finished, except
//! "Refunded at the provider" while a provider payment's refund is open).
//!
//! A button names the step it takes and the order's version it was made for
//! (`Callback::Staff`). A press is refused with an alert unless the presser
//! is staff (`STAFF_USER_IDS`), and when the order has moved since the button
//! was made (a double tap, a stale message) it gets an alert and the message
//! is shown anew: nothing happens twice. "Reject…" and "Cancel…" first show
//! the preset reasons.
//!
//! Languages: the group message is shared, so it is in the menu's default
//! language; answers to a press (alerts, notices) address one person and are
//! in that person's language. A reason is recorded (and told to the
//! customer) in the menu's default language.

use super::reply::{self, Answer};
use super::staff_message::REJECT_REASONS;
pub use super::staff_message::{group_lang, screen, status_name, Keys, REASONS};
use super::texts::tr;
use super::{BotContext, BotError, Turn};
use crate::app::{AppError, CommandMeta};
use foodbot_domain::order::OrderAction;
use foodbot_domain::{Actor, Channel, OrderId};
use teloxide::types::MessageId;

/// What a staff button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept(u32),
    /// Rejects with the preset reason of this index.
    Reject(u8),
    /// Cancels with the preset reason of this index.
    Cancel(u8),
    Preparing,
    Ready,
    OutForDelivery,
    Delivered,
    PickedUp,
    /// Shows the reasons to reject with.
    AskReject,
    /// Shows the reasons to cancel with.
    AskCancel,
    /// Back from the reasons to the order's steps.
    Back,
    /// The refund was made at the payment provider.
    Refunded,
}

fn canonical(s: &str) -> Option<u32> {
    let ok = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0');
    ok.then(|| s.parse().ok()).flatten()
}

impl Step {
    /// The step as button data writes it (at most 4 bytes).
    pub fn code(self) -> String {
        match self {
            Step::Accept(eta) => format!("a{eta}"),
            Step::Reject(i) => format!("r{i}"),
            Step::Cancel(i) => format!("c{i}"),
            Step::Preparing => "p".into(),
            Step::Ready => "y".into(),
            Step::OutForDelivery => "o".into(),
            Step::Delivered => "d".into(),
            Step::PickedUp => "u".into(),
            Step::AskReject => "qr".into(),
            Step::AskCancel => "qc".into(),
            Step::Back => "b".into(),
            Step::Refunded => "f".into(),
        }
    }

    /// The step `code` names, if it is one.
    pub fn parse(code: &str) -> Option<Step> {
        Some(match code {
            "p" => Step::Preparing,
            "y" => Step::Ready,
            "o" => Step::OutForDelivery,
            "d" => Step::Delivered,
            "u" => Step::PickedUp,
            "qr" => Step::AskReject,
            "qc" => Step::AskCancel,
            "b" => Step::Back,
            "f" => Step::Refunded,
            _ => {
                let (verb, n) = code.split_at(code.char_indices().nth(1)?.0);
                let n = if n == "0" { 0 } else { canonical(n)? };
                match verb {
                    "a" if (1..=999).contains(&n) => Step::Accept(n),
                    "r" if (n as usize) < REJECT_REASONS => Step::Reject(n as u8),
                    "c" if (n as usize) < REASONS.len() => Step::Cancel(n as u8),
                    _ => return None,
                }
            }
        })
    }
}

fn staff_meta(turn: &Turn, purpose: &str) -> CommandMeta {
    CommandMeta {
        actor: Actor::Staff(turn.user),
        channel: Channel::Staff,
        ..turn.meta(purpose)
    }
}

/// Shows the order anew in message `message` (after a stale press).
async fn refresh(
    ctx: &BotContext,
    turn: &Turn,
    message: Option<MessageId>,
    order: OrderId,
    keys: Keys,
) -> Result<(), BotError> {
    if message.is_none() {
        return Ok(());
    }
    if let Some(view) = ctx.app.staff_order_view(order).await? {
        let lang = group_lang(&ctx.app.menu);
        reply::replace(
            ctx,
            turn.chat,
            message,
            screen(&ctx.app.menu, lang, &view, keys),
        )
        .await?;
    }
    Ok(())
}

/// A staff button under an order's message.
pub async fn press(
    ctx: &BotContext,
    turn: &Turn,
    message: Option<MessageId>,
    order: OrderId,
    version: u64,
    step: Step,
) -> Result<Answer, BotError> {
    let lang = turn.lang;
    if !ctx.app.is_staff(turn.user) {
        return Ok(Answer::alert(tr(lang, "staff-only", &[])));
    }
    let stale = || Answer::alert(tr(lang, "staff-stale", &[]));
    let current = match ctx.app.order_for(Actor::Staff(turn.user), order).await {
        Ok((_, v)) => v as u64,
        Err(AppError::Order(_)) => return Ok(stale()),
        Err(e) => return Err(e.into()),
    };
    if current != version {
        refresh(ctx, turn, message, order, Keys::Steps).await?;
        return Ok(stale());
    }
    let group = group_lang(&ctx.app.menu);
    let reason = |i: u8| {
        tr(
            group,
            &format!("staff-reason-{}", REASONS[usize::from(i)]),
            &[],
        )
    };
    let action = match step {
        Step::AskReject | Step::AskCancel | Step::Back => {
            let keys = match step {
                Step::AskReject => Keys::Reject,
                Step::AskCancel => Keys::Cancel,
                _ => Keys::Steps,
            };
            refresh(ctx, turn, message, order, keys).await?;
            return Ok(Answer::none());
        }
        Step::Refunded => {
            let correlation = format!("tg:{}", turn.update_id);
            let refunded = ctx
                .app
                .record_provider_refund(order, turn.user, &correlation)
                .await;
            return Ok(match refunded {
                Ok(_) => Answer::notice(tr(
                    lang,
                    "staff-refund-recorded",
                    &[("short_id", order.short().into())],
                )),
                Err(AppError::Order(_) | AppError::Refused(_)) => {
                    Answer::alert(tr(lang, "staff-refused", &[]))
                }
                Err(e) => return Err(e.into()),
            });
        }
        Step::Accept(eta) => OrderAction::Accept {
            eta_minutes: Some(eta),
        },
        Step::Reject(i) => OrderAction::Reject { reason: reason(i) },
        Step::Cancel(i) => OrderAction::Cancel {
            reason: Some(reason(i)),
        },
        Step::Preparing => OrderAction::StartPreparing,
        Step::Ready => OrderAction::MarkReady,
        Step::OutForDelivery => OrderAction::MarkOutForDelivery,
        Step::Delivered => OrderAction::MarkDelivered,
        Step::PickedUp => OrderAction::MarkPickedUp,
    };
    let meta = staff_meta(turn, "staff");
    match ctx.app.order_command(&meta, order, action).await {
        // The message is edited by the staff-chat worker once the read
        // models show the step, as for a step taken anywhere else.
        Ok(outcome) => Ok(Answer::notice(tr(
            lang,
            "staff-done",
            &[
                ("short_id", order.short().into()),
                ("status", status_name(lang, outcome.state.status).into()),
            ],
        ))),
        Err(AppError::Order(_) | AppError::Refused(_)) => {
            refresh(ctx, turn, message, order, Keys::Steps).await?;
            Ok(Answer::alert(tr(lang, "staff-refused", &[])))
        }
        Err(e) => Err(e.into()),
    }
}
