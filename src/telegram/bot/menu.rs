//! `/menu` in the chat: the categories as buttons, then a category's items,
//! each with its photo (where Telegram can show it), price and description,
//! and a button that opens the Mini App at that item.

use super::callback::Callback;
use super::reply::{self, button, Answer, Screen};
use super::texts::{closed, money, tr};
use super::{account, BotContext, BotError, BotResult, Turn};
use foodbot_domain::catalog::Item;
use teloxide::payloads::SendPhotoSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, InputFile};

pub async fn menu(ctx: &BotContext, turn: &Turn) -> BotResult {
    let lang = turn.lang;
    let mut title = tr(lang, "menu-title", &[]);
    // Carts can be filled while closed; say when checkout is possible again.
    if let Some(hours) = &ctx.app.menu.restaurant.hours {
        let now = chrono::Utc::now();
        if !hours.is_open(now) {
            title = format!("{}\n\n{title}", closed(lang, hours, now));
        }
    }
    let mut screen = Screen::text(title);
    let buttons: Vec<_> = ctx
        .app
        .menu
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            button(
                ctx.app.menu.text(&c.name, lang.code()).to_string(),
                &Callback::MenuCategory(i),
            )
        })
        .collect();
    for row in buttons.chunks(2) {
        screen = screen.row(row.to_vec());
    }
    reply::send(
        ctx,
        turn.chat,
        screen.row(account::open_app(ctx, lang, None)),
    )
    .await
}

/// A category's items, one message each.
pub async fn menu_category(ctx: &BotContext, turn: &Turn, index: u32) -> Result<Answer, BotError> {
    // Sold-out dishes are left out.
    let menu = ctx.app.menu_now().await?.menu;
    let Some(category) = usize::try_from(index)
        .ok()
        .and_then(|i| menu.categories.get(i))
    else {
        return Ok(Answer::alert(tr(turn.lang, "button-stale", &[])));
    };
    let items: Vec<&Item> = menu
        .items
        .iter()
        .filter(|i| i.category == category.id && i.available)
        .collect();
    if items.is_empty() {
        let text = tr(turn.lang, "menu-category-empty", &[]);
        reply::send(ctx, turn.chat, Screen::text(text)).await?;
        return Ok(Answer::none());
    }
    for item in items {
        send_item(ctx, turn, item).await?;
    }
    Ok(Answer::none())
}

async fn send_item(ctx: &BotContext, turn: &Turn, item: &Item) -> BotResult {
    let lang = turn.lang;
    let caption = tr(
        lang,
        "menu-item-caption",
        &[
            ("name", ctx.app.menu.text(&item.name, lang.code()).into()),
            ("price", money(lang, &item.price).into()),
            (
                "description",
                ctx.app.menu.text(&item.description, lang.code()).into(),
            ),
        ],
    );
    let start = format!("item_{}", item.id);
    let open = account::open_app_as(ctx, tr(lang, "menu-open-item", &[]), Some(&start));
    match ctx.links.photo(&item.photo) {
        Some(photo) => {
            let mut req = ctx
                .bot
                .send_photo(ChatId(turn.chat), InputFile::url(photo))
                .caption(caption);
            if !open.is_empty() {
                req = req.reply_markup(InlineKeyboardMarkup::new(vec![open]));
            }
            req.await?;
            Ok(())
        }
        None => reply::send(ctx, turn.chat, Screen::text(caption).row(open)).await,
    }
}
