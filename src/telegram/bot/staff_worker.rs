//! The staff-chat worker: posts each paid order to `STAFF_CHAT_ID` once,
//! edits its message whenever the order moves, and sends staff notes.
//!
//! Driven by the `staff_chat` read model (see `crate::app::staff_chat`): it
//! wakes when this process's projector commits a step, and polls otherwise
//! (another process may be projecting). Each pass claims due rows with a lease
//! first — the claim, recorded before Telegram is called, is the intent — and
//! records the result at once: a new post's message id right after
//! `sendMessage` answered, before anything else. So a retry after a failure
//! or a restart finds the message id and edits rather than posting again, and
//! two processes never work on one row at a time. What is left is a crash (or
//! a lost answer) in the moment between Telegram posting and the id being
//! recorded, which could post an order twice.
//!
//! The message is rendered from the read models at the time of the pass, so
//! the chat shows the order's current state with the buttons for exactly its
//! next steps, whatever moved it (a button, the customer, the Mini App).

use super::reply::Screen;
use super::staff::{self, Keys};
use super::BotContext;
use crate::app::{AppError, DueNote, DuePost};
use crate::i18n::{format_money, Lang};
use crate::telegram::api::{self, Failure};
use foodbot_domain::OrderId;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ReplyParameters};
use tokio::sync::watch;

/// How long a claim holds: longer than any one Bot API call may take.
const LEASE: Duration = Duration::from_secs(60);
/// Rows taken per claim.
const BATCH: i64 = 20;
/// How often the worker looks without being woken.
const POLL: Duration = Duration::from_millis(250);

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// How long to wait before attempt `attempts + 1` after a failure.
fn backoff(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.clamp(0, 8)).unwrap_or(8);
    Duration::from_secs(2u64.pow(exp)).min(Duration::from_secs(300))
}

/// Runs until `stop` turns true, woken by `wake` (any change) or the poll.
pub async fn run<T: Send + Sync>(
    ctx: Arc<BotContext>,
    chat: i64,
    owner: String,
    mut stop: watch::Receiver<bool>,
    mut wake: watch::Receiver<T>,
) {
    tracing::info!(chat, "Staff chat worker started.");
    loop {
        if let Err(e) = pass(&ctx, chat, &owner).await {
            tracing::warn!(error = %e, "A staff chat pass failed.");
        }
        tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            _ = wake.changed() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// One pass: the posts and then the notes that are due.
async fn pass(ctx: &BotContext, chat: i64, owner: &str) -> Result<(), AppError> {
    let now = now_ms();
    let posts = ctx
        .app
        .claim_staff_posts(owner, now, now + ms(LEASE), BATCH)
        .await?;
    for post in posts {
        show(ctx, chat, owner, post).await?;
    }
    let now = now_ms();
    let notes = ctx
        .app
        .claim_staff_notes(owner, now, now + ms(LEASE), BATCH)
        .await?;
    for note in notes {
        send_note(ctx, chat, owner, note).await?;
    }
    Ok(())
}

fn markup(screen: &Screen) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(screen.keyboard.clone())
}

/// When to try again after `failure` on attempt `attempts`.
fn retry_at(failure: &Failure, attempts: i32) -> i64 {
    match failure {
        Failure::RetryAfter(wait) => now_ms() + ms(*wait),
        _ => now_ms() + ms(backoff(attempts)),
    }
}

async fn post(ctx: &BotContext, chat: i64, screen: &Screen) -> Result<i64, Failure> {
    let req = ctx
        .bot
        .send_message(ChatId(chat), screen.text.clone())
        .reply_markup(markup(screen));
    let sent = api::call(req).await?;
    Ok(i64::from(sent.id.0))
}

/// Posts or edits one order's message.
async fn show(ctx: &BotContext, chat: i64, owner: &str, due: DuePost) -> Result<(), AppError> {
    let order = &due.order_id;
    let id: OrderId = order
        .parse()
        .map_err(|e| AppError::storage(format!("staff post {order:?}: {e}")))?;
    let Some(view) = ctx.app.staff_order_view(id).await? else {
        // The read models do not show the order yet.
        let again = now_ms() + 200;
        return ctx
            .app
            .staff_post_failed(order, owner, again, "not in the read models yet")
            .await;
    };
    let lang = staff::group_lang(&ctx.app.menu);
    let screen = staff::screen(&ctx.app.menu, lang, &view, Keys::Steps);
    if due.message_id.is_none() && due.attempts > 1 && due.last_error.is_none() {
        // An earlier claim ended without a record: its process stopped
        // before, during or (rarely) just after posting. Telegram cannot be
        // asked which, so the order is posted.
        tracing::warn!(%order, "An earlier attempt to post this order was cut off; posting it.");
    }
    let shown = match due.message_id {
        None => match post(ctx, chat, &screen).await {
            Ok(mid) => {
                ctx.app.staff_post_message(order, mid).await?;
                tracing::info!(%order, message_id = mid, "Order posted to the staff chat.");
                Ok(mid)
            }
            Err(f) => Err(f),
        },
        Some(mid) => {
            let message = MessageId(i32::try_from(mid).unwrap_or(i32::MAX));
            let req = ctx
                .bot
                .edit_message_text(ChatId(chat), message, screen.text.clone())
                .reply_markup(markup(&screen));
            match api::call(req).await {
                Ok(_) | Err(Failure::NotModified) => Ok(mid),
                // Deleted or too old to edit: posted anew.
                Err(Failure::MessageGone) => match post(ctx, chat, &screen).await {
                    Ok(new) => {
                        ctx.app.staff_post_message(order, new).await?;
                        Ok(new)
                    }
                    Err(f) => Err(f),
                },
                Err(f) => Err(f),
            }
        }
    };
    match shown {
        Ok(mid) => {
            // Read models behind the projector's version: look again soon.
            let next = if view.version < due.version {
                now_ms() + 200
            } else {
                0
            };
            ctx.app
                .staff_post_shown(order, owner, mid, view.version, next)
                .await
        }
        Err(f) => {
            tracing::warn!(%order, error = ?f, "Could not show an order in the staff chat.");
            let again = retry_at(&f, due.attempts);
            ctx.app
                .staff_post_failed(order, owner, again, &format!("{f:?}"))
                .await
        }
    }
}

/// `params` of a note, as the read model stores them.
#[derive(Deserialize)]
struct NoteParams {
    short_id: String,
    by: Option<String>,
    reason: Option<String>,
    amount: Option<NoteAmount>,
    method: Option<String>,
}

#[derive(Deserialize)]
struct NoteAmount {
    amount: i64,
    currency: String,
}

/// A note's text in `lang`; `None` for a kind or params it cannot read.
pub fn note_text(lang: Lang, kind: &str, params: &str) -> Option<String> {
    let p: NoteParams = serde_json::from_str(params).ok()?;
    let short = p.short_id.as_str();
    let amount = p
        .amount
        .map(|a| format_money(lang, a.amount, &a.currency))
        .unwrap_or_default();
    let tr = super::texts::tr;
    let refund = |key: &str| {
        tr(
            lang,
            key,
            &[
                ("short_id", short.into()),
                ("amount", amount.as_str().into()),
            ],
        )
    };
    let how = match p.method.as_deref() {
        Some("stars") => "staff-note-refund-stars",
        _ => "staff-note-refund-provider",
    };
    Some(match kind {
        "order_cancelled" => match p.by.as_deref() {
            Some("customer") => tr(
                lang,
                "staff-note-cancelled-customer",
                &[("short_id", short.into())],
            ),
            _ => tr(
                lang,
                "staff-note-cancelled-staff",
                &[
                    ("short_id", short.into()),
                    ("reason", p.reason.as_deref().unwrap_or("").into()),
                ],
            ),
        },
        "payment_anomaly" => format!("{}\n{}", refund("staff-note-payment-anomaly"), refund(how)),
        "refund_needed" => refund(how),
        _ => return None,
    })
}

async fn send_note(
    ctx: &BotContext,
    chat: i64,
    owner: &str,
    note: DueNote,
) -> Result<(), AppError> {
    let lang = staff::group_lang(&ctx.app.menu);
    let Some(text) = note_text(lang, &note.kind, &note.params) else {
        // Never rendered from defaults: recorded, and not tried again soon.
        tracing::error!(note = %note.note_id, kind = %note.kind, "A staff note cannot be read.");
        return ctx
            .app
            .staff_note_failed(
                &note.note_id,
                owner,
                now_ms() + ms(backoff(8)),
                "the note's kind or params cannot be read",
            )
            .await;
    };
    let order: OrderId = note
        .order_id
        .parse()
        .map_err(|e| AppError::storage(format!("staff note {:?}: {e}", note.note_id)))?;
    let mut req = ctx.bot.send_message(ChatId(chat), text);
    if let Some(mid) = ctx.app.staff_message_of(order).await? {
        let to = MessageId(i32::try_from(mid).unwrap_or(i32::MAX));
        req = req.reply_parameters(ReplyParameters::new(to).allow_sending_without_reply());
    }
    match api::call(req).await {
        Ok(_) => {
            ctx.app
                .staff_note_sent(&note.note_id, owner, now_ms())
                .await
        }
        Err(f) => {
            tracing::warn!(note = %note.note_id, error = ?f, "Could not send a staff note.");
            let again = retry_at(&f, note.attempts);
            ctx.app
                .staff_note_failed(&note.note_id, owner, again, &format!("{f:?}"))
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_say_what_happened_and_what_staff_must_do() {
        let cancelled = note_text(
            Lang::En,
            "order_cancelled",
            r#"{"short_id":"AB12CD","by":"staff","reason":"Too busy"}"#,
        );
        assert_eq!(
            cancelled.as_deref(),
            Some("🚫 Order #AB12CD was cancelled: Too busy")
        );
        let stars = note_text(
            Lang::En,
            "refund_needed",
            r#"{"short_id":"AB12CD","amount":{"amount":250,"currency":"XTR"},"method":"stars","cause":"rejected"}"#,
        )
        .unwrap();
        assert!(stars.contains("Telegram Stars"), "{stars}");
        let anomaly = note_text(
            Lang::De,
            "payment_anomaly",
            r#"{"short_id":"AB12CD","amount":{"amount":1230,"currency":"EUR"},"method":"provider"}"#,
        )
        .unwrap();
        assert!(anomaly.contains("Zahlungsanbieter"), "{anomaly}");
    }

    #[test]
    fn a_note_that_cannot_be_read_is_not_rendered_from_defaults() {
        assert_eq!(note_text(Lang::En, "order_cancelled", "{}"), None);
        assert_eq!(note_text(Lang::En, "unknown", r#"{"short_id":"A"}"#), None);
        assert_eq!(note_text(Lang::En, "refund_needed", "not json"), None);
    }
}
