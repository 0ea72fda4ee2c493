//! Orders in the chat: `/status`, `/orders` (paged, with Details and
//! Reorder), `/reorder` and `/cancel`, and the buttons under them.
//!
//! What is shown comes from the application layer's read API; what changes
//! goes through its commands. A button carries what it was made for (an
//! order, its version), and a press that no longer fits (the order moved on,
//! belongs to someone else) gets an alert and changes nothing.

use super::callback::Callback;
use super::reply::{self, button, Answer, Edited, Screen};
use super::texts::{money, tr};
use super::{account, BotContext, BotError, Turn};
use crate::app::{AppError, OrderSummary, TimelineEntry};
use crate::i18n::Lang;

use foodbot_domain::order::OrderError;
use foodbot_domain::{Actor, Currency, Money, OrderId};
use teloxide::types::MessageId;

pub use super::cancel::{cancel_ask, cancel_no, cancel_pick, cancel_yes};
pub use super::menu::{menu, menu_category};
pub use super::webapp::web_app_data;

/// Orders on one page of `/orders`.
const PAGE: i64 = 5;
/// How far back `/status`, `/reorder` and `/cancel` look.
pub(super) const RECENT: i64 = 20;

pub(super) type Answered = Result<Answer, BotError>;

pub(super) fn status_text(lang: Lang, status: &str) -> String {
    // An open cart is shown as what it is to the customer: a cart.
    let status = if status == "cart" { "new" } else { status };
    tr(
        lang,
        &format!("order-status-{}", status.replace('_', "-")),
        &[],
    )
}

fn summary_total(lang: Lang, s: &OrderSummary) -> String {
    let amount = s.total.unwrap_or(s.subtotal);
    match s.currency.parse::<Currency>() {
        Ok(c) => money(lang, &Money::new(amount, c)),
        Err(_) => format!("{amount} {}", s.currency),
    }
}

/// An order's steps, one line each. Steps that leave the status as it was
/// (a cart's lines and fulfilment changing) are not steps to the customer:
/// only changes of status are shown.
fn timeline(lang: Lang, steps: &[TimelineEntry]) -> String {
    let mut shown = String::new();
    let mut last: Option<&str> = None;
    for step in steps {
        if last == Some(step.status.as_str()) {
            continue;
        }
        last = Some(&step.status);
        shown.push('\n');
        shown.push_str(&tr(
            lang,
            "timeline-at",
            &[
                ("time", step.at.format("%H:%M").to_string().into()),
                ("step", status_text(lang, &step.status).into()),
            ],
        ));
    }
    shown
}

/// An order that is under way: paid for or about to be, and not finished.
fn is_active(status: &str) -> bool {
    !matches!(
        status,
        "new" | "cart" | "delivered" | "picked_up" | "rejected" | "cancelled"
    )
}

/// Orders (not open carts), newest first.
pub(super) async fn recent(
    ctx: &BotContext,
    turn: &Turn,
    offset: i64,
    limit: i64,
) -> Result<Vec<OrderSummary>, AppError> {
    ctx.app.order_page(turn.user, limit, offset, false).await
}

/// The `/status` screen: each active order with its timeline.
async fn status_screen(ctx: &BotContext, turn: &Turn) -> Result<Screen, BotError> {
    let active: Vec<OrderSummary> = recent(ctx, turn, 0, RECENT)
        .await?
        .into_iter()
        .filter(|s| is_active(&s.status))
        .collect();
    if active.is_empty() {
        return Ok(Screen::text(tr(turn.lang, "status-none", &[]))
            .row(account::open_app(ctx, turn.lang, None)));
    }
    let count = i64::try_from(active.len()).unwrap_or(i64::MAX);
    let mut text = tr(turn.lang, "status-title", &[("count", count.into())]);
    for s in &active {
        text.push_str("\n\n");
        text.push_str(&tr(
            turn.lang,
            "status-line",
            &[
                ("short_id", s.short_id.as_str().into()),
                ("status", status_text(turn.lang, &s.status).into()),
                ("total", summary_total(turn.lang, s).into()),
            ],
        ));
        let Ok(id) = s.id.parse() else { continue };
        let detail = ctx
            .app
            .order_detail(Actor::Customer(turn.user), OrderId(id))
            .await?;
        text.push_str(&timeline(turn.lang, &detail.timeline));
    }
    let mut screen = Screen::text(text);
    for s in &active {
        // An order waiting for its payment can be paid here too.
        let Ok(id) = s.id.parse() else { continue };
        if matches!(s.status.as_str(), "checked_out" | "awaiting_payment") {
            screen = screen.row(vec![button(
                tr(
                    turn.lang,
                    "status-pay",
                    &[("short_id", s.short_id.as_str().into())],
                ),
                &Callback::Pay(OrderId(id)),
            )]);
        }
    }
    Ok(screen.row(vec![button(
        tr(turn.lang, "status-refresh", &[]),
        &Callback::RefreshStatus,
    )]))
}

pub async fn status(ctx: &BotContext, turn: &Turn, message: Option<MessageId>) -> super::BotResult {
    let screen = status_screen(ctx, turn).await?;
    reply::replace(ctx, turn.chat, message, screen)
        .await
        .map(|_| ())
}

/// Refresh: the same message, edited to what is true now.
pub async fn status_refresh(ctx: &BotContext, turn: &Turn, message: Option<MessageId>) -> Answered {
    let screen = status_screen(ctx, turn).await?;
    Ok(
        match reply::replace(ctx, turn.chat, message, screen).await? {
            Edited::Same => Answer::notice(tr(turn.lang, "status-refreshed", &[])),
            Edited::Changed => Answer::none(),
        },
    )
}

/// `/orders`: one page of the history, newest first.
pub async fn history(
    ctx: &BotContext,
    turn: &Turn,
    page: u32,
    message: Option<MessageId>,
) -> super::BotResult {
    // One more than a page tells whether a next page exists.
    let total = ctx.app.order_count(turn.user, false).await?;
    if total == 0 {
        let screen = Screen::text(tr(turn.lang, "orders-none", &[]))
            .row(account::open_app(ctx, turn.lang, None));
        return reply::replace(ctx, turn.chat, message, screen)
            .await
            .map(|_| ());
    }
    let pages = (total + PAGE - 1) / PAGE;
    // A page past the end (the history shrank? a forged button): the last one.
    let page = page.min(u32::try_from(pages - 1).unwrap_or(0));
    let rows = recent(ctx, turn, i64::from(page) * PAGE, PAGE).await?;
    let more = i64::from(page) + 1 < pages;
    let mut screen = Screen::text(tr(
        turn.lang,
        "orders-title",
        &[
            ("page", (i64::from(page) + 1).into()),
            ("pages", pages.into()),
        ],
    ));
    for s in &rows {
        screen.text.push_str("\n\n");
        screen.text.push_str(&tr(
            turn.lang,
            "orders-line",
            &[
                ("short_id", s.short_id.as_str().into()),
                ("date", s.created_at.format("%Y-%m-%d").to_string().into()),
                ("total", summary_total(turn.lang, s).into()),
                ("status", status_text(turn.lang, &s.status).into()),
            ],
        ));
        let Ok(id) = s.id.parse() else { continue };
        let id = OrderId(id);
        screen = screen.row(vec![
            button(
                format!("{} · {}", s.short_id, tr(turn.lang, "orders-details", &[])),
                &Callback::Details(id),
            ),
            button(tr(turn.lang, "orders-reorder", &[]), &Callback::Reorder(id)),
        ]);
    }
    let mut nav = vec![];
    if page > 0 {
        nav.push(button(
            tr(turn.lang, "orders-prev", &[]),
            &Callback::OrdersPage(page - 1),
        ));
    }
    if more {
        nav.push(button(
            tr(turn.lang, "orders-next", &[]),
            &Callback::OrdersPage(page + 1),
        ));
    }
    reply::replace(ctx, turn.chat, message, screen.row(nav))
        .await
        .map(|_| ())
}

pub async fn history_page(
    ctx: &BotContext,
    turn: &Turn,
    page: u32,
    message: Option<MessageId>,
) -> Answered {
    history(ctx, turn, page, message).await?;
    Ok(Answer::none())
}

/// Whether a refusal means the button no longer fits: the order is not the
/// presser's, or is not in a state where this makes sense.
pub(super) fn stale(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Order(
            OrderError::NotFound | OrderError::NotYourOrder | OrderError::InvalidTransition { .. }
        )
    )
}

/// One order with its lines and timeline.
pub async fn details(ctx: &BotContext, turn: &Turn, id: OrderId) -> Answered {
    let detail = match ctx.app.order_detail(Actor::Customer(turn.user), id).await {
        Ok(d) => d,
        Err(e) if stale(&e) => return Ok(Answer::alert(tr(turn.lang, "button-stale", &[]))),
        Err(e) => return Err(e.into()),
    };
    let lang = turn.lang;
    let order = &detail.order;
    let mut text = tr(
        lang,
        "status-line",
        &[
            ("short_id", id.short().into()),
            ("status", status_text(lang, order.status.as_str()).into()),
            (
                "total",
                order
                    .totals
                    .as_ref()
                    .map(|t| money(lang, &t.total))
                    .or_else(|| order.cart_subtotal.as_ref().map(|m| money(lang, m)))
                    .unwrap_or_default()
                    .into(),
            ),
        ],
    );
    for line in &order.lines {
        text.push_str(&format!(
            "\n{} × {} — {}",
            line.item.quantity,
            ctx.app.menu.text(&line.item.name, lang.code()),
            money(lang, &line.item.line_total)
        ));
    }
    text.push_str(&timeline(lang, &detail.timeline));
    let start = format!("order_{}", id.0.simple());
    let mut screen = Screen::text(text).row(account::open_app(ctx, lang, Some(&start)));
    if order.status.is_final() {
        screen = screen.row(vec![button(
            tr(lang, "orders-reorder", &[]),
            &Callback::Reorder(id),
        )]);
    }
    reply::send(ctx, turn.chat, screen).await?;
    Ok(Answer::none())
}

/// `/reorder`: which past order to have again.
pub async fn reorder_pick(ctx: &BotContext, turn: &Turn) -> super::BotResult {
    let past: Vec<OrderSummary> = recent(ctx, turn, 0, RECENT)
        .await?
        .into_iter()
        .take(6)
        .collect();
    if past.is_empty() {
        return reply::send(
            ctx,
            turn.chat,
            Screen::text(tr(turn.lang, "orders-none", &[])),
        )
        .await;
    }
    let mut screen = Screen::text(tr(turn.lang, "reorder-pick", &[]));
    for s in &past {
        let Ok(id) = s.id.parse() else { continue };
        let label = format!(
            "{} · {} · {}",
            s.short_id,
            s.created_at.format("%Y-%m-%d"),
            summary_total(turn.lang, s)
        );
        screen = screen.row(vec![button(label, &Callback::Reorder(OrderId(id)))]);
    }
    reply::send(ctx, turn.chat, screen).await
}

/// A new cart with a past order's lines at today's prices.
pub async fn reorder(ctx: &BotContext, turn: &Turn, source: OrderId) -> Answered {
    let lang = turn.lang;
    let (new_id, outcome) = match ctx
        .app
        .reorder(&turn.meta("reorder"), turn.user, source)
        .await
    {
        Ok(r) => r,
        Err(e) if stale(&e) => return Ok(Answer::alert(tr(lang, "button-stale", &[]))),
        Err(AppError::Order(OrderError::NothingToReorder)) => {
            reply::send(
                ctx,
                turn.chat,
                Screen::text(tr(lang, "reorder-nothing", &[])),
            )
            .await?;
            return Ok(Answer::none());
        }
        Err(e) => return Err(e.into()),
    };
    let cart = &outcome.state;
    let count: i64 = cart.lines.iter().map(|l| i64::from(l.item.quantity)).sum();
    let mut text = tr(lang, "reorder-done", &[("count", count.into())]);
    if !cart.reorder_unavailable.is_empty() {
        let names: Vec<&str> = cart
            .reorder_unavailable
            .iter()
            .map(|u| ctx.app.menu.text(&u.name, lang.code()))
            .collect();
        text.push_str("\n\n");
        text.push_str(&tr(
            lang,
            "reorder-unavailable",
            &[("items", names.join(", ").into())],
        ));
    }
    let start = format!("order_{}", new_id.0.simple());
    let open = account::open_app_as(ctx, tr(lang, "reorder-checkout", &[]), Some(&start));
    reply::send(ctx, turn.chat, Screen::text(text).row(open)).await?;
    Ok(Answer::none())
}
