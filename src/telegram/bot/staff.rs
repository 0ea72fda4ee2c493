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

use super::callback::Callback;
use super::reply::{self, button, Answer, Screen};
use super::texts::tr;
use super::{BotContext, BotError, Turn};
use crate::app::{AppError, CommandMeta, StaffOrderView};
use crate::i18n::{format_money, Lang};
use foodbot_domain::catalog::{localize, Catalog, Localized};
use foodbot_domain::order::{Fulfilment, OrderAction, OrderStatus, PaymentMethod};
use foodbot_domain::{Actor, Channel, OrderId};
use teloxide::types::MessageId;

/// The estimates offered when accepting, in minutes.
pub const ETAS: [u32; 4] = [15, 30, 45, 60];
/// Preset reasons (catalog keys `staff-reason-<reason>`); rejecting offers
/// the first three, cancelling all.
pub const REASONS: [&str; 4] = [
    "closing-soon",
    "too-busy",
    "item-unavailable",
    "customer-request",
];
const REJECT_REASONS: usize = 3;

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

/// Which buttons the message shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// The order's next steps.
    Steps,
    /// The reasons to reject with.
    Reject,
    /// The reasons to cancel with.
    Cancel,
}

/// The language of the shared staff message: the menu's default.
pub fn group_lang(menu: &Catalog) -> Lang {
    Lang::parse(menu.default_language()).unwrap_or(Lang::En)
}

/// The catalog's name of a status.
pub fn status_name(lang: Lang, status: OrderStatus) -> String {
    let key = match status {
        OrderStatus::New | OrderStatus::Cart => "new".to_string(),
        s => s.as_str().replace('_', "-"),
    };
    tr(lang, &format!("order-status-{key}"), &[])
}

fn money(lang: Lang, amount: i64, currency: &str) -> String {
    format_money(lang, amount, currency)
}

/// One line of the order: quantity, name, size and options.
fn line_text(menu: &Catalog, lang: Lang, line: &crate::app::StaffLine) -> String {
    let code = lang.code();
    let default = menu.default_language();
    let name: Localized = serde_json::from_str(&line.name).unwrap_or_default();
    let mut text = format!(
        "{} × {}",
        line.quantity,
        localize(&name, code, default).trim()
    );
    let mut extras = Vec::new();
    if let Some(size) = &line.size_id {
        let named = menu
            .item(&line.item_id)
            .and_then(|i| i.sizes.iter().find(|s| &s.id == size))
            .map(|s| localize(&s.name, code, default).to_string());
        extras.push(named.unwrap_or_else(|| size.clone()));
    }
    #[derive(serde::Deserialize)]
    struct Opt {
        option: String,
        #[serde(default)]
        name: Localized,
    }
    let options: Vec<Opt> = serde_json::from_str(&line.options).unwrap_or_default();
    for o in options {
        let n = localize(&o.name, code, default);
        extras.push(if n.is_empty() {
            o.option
        } else {
            n.to_string()
        });
    }
    if !extras.is_empty() {
        text = format!("{text} ({})", extras.join(", "));
    }
    if let Some(note) = line.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text = format!(
            "{text}\n   {}",
            tr(lang, "staff-order-note", &[("note", note.into())])
        );
    }
    text
}

/// The order's message text in `lang`.
pub fn text(menu: &Catalog, lang: Lang, v: &StaffOrderView) -> String {
    let mut out = vec![tr(
        lang,
        "staff-order-title",
        &[
            ("short_id", v.short_id.as_str().into()),
            ("status", status_name(lang, v.status).into()),
        ],
    )];
    let name = v
        .customer_name
        .clone()
        .unwrap_or_else(|| format!("tg:{}", v.customer_id));
    out.push(tr(lang, "staff-order-customer", &[("name", name.into())]));
    out.push(String::new());
    for line in &v.lines {
        out.push(line_text(menu, lang, line));
    }
    out.push(String::new());
    match &v.fulfilment {
        Some(Fulfilment::Delivery { address, phone }) => {
            let mut parts = vec![address.street.clone()];
            let city = match &address.postcode {
                Some(pc) if !pc.is_empty() => format!("{pc} {}", address.city),
                _ => address.city.clone(),
            };
            parts.push(city);
            if let Some(d) = address.details.as_ref().filter(|d| !d.is_empty()) {
                parts.push(d.clone());
            }
            out.push(tr(
                lang,
                "staff-order-delivery",
                &[("address", parts.join(", ").into())],
            ));
            if let Some(p) = phone {
                out.push(tr(
                    lang,
                    "staff-order-phone",
                    &[("phone", p.as_str().into())],
                ));
            }
        }
        Some(Fulfilment::Pickup) | None => out.push(tr(lang, "staff-order-pickup", &[])),
    }
    if let Some(total) = v.total.or(v.paid_amount) {
        out.push(tr(
            lang,
            "staff-order-total",
            &[("total", money(lang, total, &v.currency).into())],
        ));
    }
    out.push(tr(
        lang,
        match v.method {
            PaymentMethod::Provider => "staff-paid-provider",
            PaymentMethod::Stars => "staff-paid-stars",
        },
        &[],
    ));
    let active = matches!(
        v.status,
        OrderStatus::Accepted | OrderStatus::Preparing | OrderStatus::Ready
    );
    if let (true, Some(eta)) = (active, v.eta_minutes) {
        out.push(tr(lang, "staff-order-eta", &[("eta", eta.into())]));
    }
    let paid = v.paid_amount.unwrap_or(0);
    match v.refund.as_deref() {
        Some("requested") => out.push(tr(
            lang,
            "staff-order-refund-requested",
            &[("amount", money(lang, paid, &v.currency).into())],
        )),
        Some("refunded") => out.push(tr(
            lang,
            "staff-order-refunded",
            &[("amount", money(lang, paid, &v.currency).into())],
        )),
        _ => {}
    }
    out.join("\n")
}

/// The order's message with `keys`.
pub fn screen(menu: &Catalog, lang: Lang, v: &StaffOrderView, keys: Keys) -> Screen {
    let version = u64::try_from(v.version).unwrap_or(0);
    let b =
        |key: &str, step: Step| button(tr(lang, key, &[]), &Callback::Staff(v.id, version, step));
    let mut body = text(menu, lang, v);
    let mut rows: Vec<Vec<_>> = Vec::new();
    let cancel = || vec![b("staff-cancel", Step::AskCancel)];
    let reasons = |n: usize, step: fn(u8) -> Step| -> Vec<Vec<_>> {
        REASONS
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, r)| vec![b(&format!("staff-reason-{r}"), step(i as u8))])
            .collect()
    };
    match keys {
        Keys::Reject if v.status == OrderStatus::Paid => {
            body = format!("{body}\n\n{}", tr(lang, "staff-pick-reject", &[]));
            rows.extend(reasons(REJECT_REASONS, Step::Reject));
            rows.push(vec![b("staff-back", Step::Back)]);
        }
        Keys::Cancel if !v.status.is_final() => {
            body = format!("{body}\n\n{}", tr(lang, "staff-pick-cancel", &[]));
            rows.extend(reasons(REASONS.len(), Step::Cancel));
            rows.push(vec![b("staff-back", Step::Back)]);
        }
        _ => match v.status {
            OrderStatus::Paid => {
                rows.push(
                    ETAS.iter()
                        .map(|eta| {
                            button(
                                tr(lang, "staff-accept", &[("eta", (*eta).into())]),
                                &Callback::Staff(v.id, version, Step::Accept(*eta)),
                            )
                        })
                        .collect(),
                );
                rows.push(vec![
                    b("staff-reject", Step::AskReject),
                    b("staff-cancel", Step::AskCancel),
                ]);
            }
            OrderStatus::Accepted => {
                rows.push(vec![
                    b("staff-preparing", Step::Preparing),
                    b("staff-ready", Step::Ready),
                ]);
                rows.push(cancel());
            }
            OrderStatus::Preparing => {
                rows.push(vec![b("staff-ready", Step::Ready)]);
                rows.push(cancel());
            }
            OrderStatus::Ready => {
                rows.push(match v.fulfilment {
                    Some(Fulfilment::Delivery { .. }) => {
                        vec![b("staff-out-for-delivery", Step::OutForDelivery)]
                    }
                    _ => vec![b("staff-picked-up", Step::PickedUp)],
                });
                rows.push(cancel());
            }
            OrderStatus::OutForDelivery => {
                rows.push(vec![b("staff-delivered", Step::Delivered)]);
                rows.push(cancel());
            }
            _ => {
                if v.refund.as_deref() == Some("requested") && v.method == PaymentMethod::Provider {
                    rows.push(vec![b("staff-refunded", Step::Refunded)]);
                }
            }
        },
    }
    rows.into_iter()
        .fold(Screen::text(body), |screen, row| screen.row(row))
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
            let meta = staff_meta(turn, "staff");
            return Ok(match ctx.app.record_provider_refund(&meta, order).await {
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
