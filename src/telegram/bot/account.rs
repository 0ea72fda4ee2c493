//! The customer's side of the conversation that is not about orders:
//! `/start` (and its payloads), `/help`, `/language`, and anything else typed.

use super::callback::Callback;
use super::reply::{self, button, Answer, Screen};
use super::texts::tr;
use super::{orders, BotContext, BotResult, Turn};
use crate::i18n::Lang;

use foodbot_domain::OrderId;
use teloxide::types::{InlineKeyboardButton, Message, MessageId, WebAppInfo};

/// `/start`, with or without a payload from a `t.me/<bot>?start=…` link.
pub async fn start(ctx: &BotContext, turn: &Turn, payload: &str) -> BotResult {
    // A link's refusal (someone else's order, one that is gone) is what a
    // button would show as an alert; with no button to answer, it is said.
    let refused = |answer: Answer| async move {
        match answer.text {
            Some(text) => reply::send(ctx, turn.chat, Screen::text(text)).await,
            None => Ok(()),
        }
    };
    if let Some(id) = payload.strip_prefix("order_").and_then(order_id) {
        return refused(orders::details(ctx, turn, id).await?).await;
    }
    if let Some(id) = payload.strip_prefix("reorder_").and_then(order_id) {
        return refused(orders::reorder(ctx, turn, id).await?).await;
    }
    let user = ctx.app.user(turn.user).await?;
    let restaurant = ctx
        .app
        .menu
        .text(&ctx.app.menu.restaurant.name, turn.lang.code())
        .to_string();
    let text = tr(
        turn.lang,
        "start-greeting",
        &[
            ("name", user.profile.first_name.as_str().into()),
            ("restaurant", restaurant.into()),
        ],
    );
    let screen = Screen::text(text).row(open_app(ctx, turn.lang, None));
    reply::send(ctx, turn.chat, screen).await
}

/// An order id in a start payload (`order_<uuid>`, simple or hyphenated).
fn order_id(s: &str) -> Option<OrderId> {
    uuid::Uuid::try_parse(s).ok().map(OrderId)
}

/// The button that opens the Mini App (at `start`), when the server's public
/// address is known.
pub fn open_app(ctx: &BotContext, lang: Lang, start: Option<&str>) -> Vec<InlineKeyboardButton> {
    open_app_as(ctx, tr(lang, "start-open-app", &[]), start)
}

/// The same button with its own label.
pub fn open_app_as(
    ctx: &BotContext,
    label: String,
    start: Option<&str>,
) -> Vec<InlineKeyboardButton> {
    let button = match start {
        // Opened at something: a link, so Telegram signs the start parameter.
        Some(start) => ctx
            .links
            .app_at(start)
            .map(|url| InlineKeyboardButton::url(label, url)),
        None => ctx
            .links
            .app()
            .map(|url| InlineKeyboardButton::web_app(label, WebAppInfo { url })),
    };
    button.into_iter().collect()
}

pub async fn help(ctx: &BotContext, turn: &Turn) -> BotResult {
    let screen = Screen::text(tr(turn.lang, "help-text", &[])).row(open_app(ctx, turn.lang, None));
    reply::send(ctx, turn.chat, screen).await
}

/// `/language`: every language the bot speaks, each in its own name.
pub async fn language_pick(ctx: &BotContext, turn: &Turn) -> BotResult {
    let mut screen = Screen::text(tr(turn.lang, "language-pick", &[]));
    for row in Lang::ALL.chunks(3) {
        let row = row
            .iter()
            .map(|l| {
                let mark = if *l == turn.lang { "✓ " } else { "" };
                button(
                    format!("{mark}{}", l.native_name()),
                    &Callback::Language(*l),
                )
            })
            .collect();
        screen = screen.row(row);
    }
    reply::send(ctx, turn.chat, screen).await
}

/// A language button: stored on the User (the Mini App follows it), and the
/// message says so in the new language.
pub async fn language_set(
    ctx: &BotContext,
    turn: &Turn,
    message: Option<MessageId>,
    lang: Lang,
) -> Result<Answer, super::BotError> {
    ctx.app
        .change_language(&turn.meta("language"), turn.user, lang.code().to_string())
        .await?;
    let done = tr(lang, "language-changed", &[]);
    reply::replace(ctx, turn.chat, message, Screen::text(done.clone())).await?;
    Ok(Answer::notice(done))
}

/// Any message in a private chat that is not a command the bot knows: a
/// helpful answer, never silence.
pub async fn other_message(ctx: std::sync::Arc<BotContext>, turn: Turn, m: Message) -> BotResult {
    // In a group (the staff chat, or any group the bot was added to) people
    // talk to each other: only commands are for the bot. A private chat
    // always gets an answer.
    if !m.chat.is_private() {
        return Ok(());
    }
    let screen =
        Screen::text(tr(turn.lang, "unknown-text", &[])).row(open_app(&ctx, turn.lang, None));
    reply::send(&ctx, turn.chat, screen).await
}
