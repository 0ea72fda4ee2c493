//! Inline mode: `@bot <query>` in any chat lists matching menu items in the
//! asker's language, each with its price and a link that opens the Mini App
//! at the item. An empty query lists the popular items first. Results come
//! in pages of [`PAGE`], with `next_offset` for the next.
//!
//! The link is a `t.me/<bot>/<app>?startapp=item_<id>` URL: `web_app`
//! buttons work only in private chats, and an inline result lands anywhere.

use super::texts::{money, tr};
use super::{BotContext, BotResult, Turn};
use foodbot_domain::catalog::{Catalog, Item, Tag};
use std::sync::Arc;
use teloxide::payloads::AnswerInlineQuerySetters;
use teloxide::prelude::Requester;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InlineQuery, InlineQueryResult,
    InlineQueryResultArticle, InputMessageContent, InputMessageContentText,
};

/// Results per page.
pub const PAGE: usize = 20;
/// Longest query looked at (Telegram sends at most 256 characters).
const MAX_QUERY: usize = 256;

/// The items matching `query` in `lang`, popular ones first when it is empty.
pub fn matching<'a>(menu: &'a Catalog, query: &str, lang: &str) -> Vec<&'a Item> {
    let q: String = query
        .chars()
        .take(MAX_QUERY)
        .collect::<String>()
        .trim()
        .to_lowercase();
    let localize = |t| menu.text(t, lang);
    let mut found: Vec<&Item> = menu
        .items
        .iter()
        .filter(|i| i.available)
        .filter(|i| {
            q.is_empty()
                || localize(&i.name).to_lowercase().contains(&q)
                || localize(&i.description).to_lowercase().contains(&q)
        })
        .collect();
    // Stable: popular first, the menu's order otherwise.
    found.sort_by_key(|i| !i.tags.contains(&Tag::Popular));
    found
}

pub async fn inline_query(ctx: Arc<BotContext>, turn: Turn, q: InlineQuery) -> BotResult {
    let lang = turn.lang;
    let menu = ctx.app.menu_now().await?.menu;
    let all = matching(&menu, &q.query, lang.code());
    // The offset is ours, echoed back by the client: untrusted, so a bad one
    // starts from the beginning.
    let start: usize = q.offset.parse().unwrap_or(0).min(all.len());
    let page: Vec<&Item> = all.iter().skip(start).take(PAGE).copied().collect();
    let next = start + page.len();
    let results: Vec<InlineQueryResult> = page
        .into_iter()
        .map(|item| {
            let name = ctx.app.menu.text(&item.name, lang.code()).to_string();
            let price = money(lang, &item.price);
            let description = ctx
                .app
                .menu
                .text(&item.description, lang.code())
                .to_string();
            let summary = tr(
                lang,
                "inline-item-description",
                &[
                    ("price", price.as_str().into()),
                    ("description", description.as_str().into()),
                ],
            );
            let text = tr(
                lang,
                "menu-item-caption",
                &[
                    ("name", name.as_str().into()),
                    ("price", price.into()),
                    ("description", description.into()),
                ],
            );
            let mut article = InlineQueryResultArticle::new(
                item.id.clone(),
                name,
                InputMessageContent::Text(InputMessageContentText::new(text)),
            )
            .description(summary);
            if let Some(link) = ctx.links.direct(Some(&format!("item_{}", item.id))) {
                article = article.reply_markup(InlineKeyboardMarkup::new(vec![vec![
                    InlineKeyboardButton::url(tr(lang, "inline-open", &[]), link),
                ]]));
            }
            if let Some(photo) = ctx.links.photo(&item.photo) {
                article = article.thumbnail_url(photo);
            }
            InlineQueryResult::Article(article)
        })
        .collect();
    let next_offset = if next < all.len() {
        next.to_string()
    } else {
        String::new()
    };
    ctx.bot
        .answer_inline_query(q.id, results)
        .next_offset(next_offset)
        .is_personal(true)
        .cache_time(60)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu() -> foodbot_domain::catalog::Catalog {
        crate::menu::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/menu/demo/menu.toml"
        )))
        .unwrap()
    }

    #[test]
    fn an_empty_query_lists_popular_items_first_and_a_query_filters_by_name() {
        let m = menu();
        let all = matching(&m, "", "en");
        assert_eq!(all.len(), m.items.iter().filter(|i| i.available).count());
        let popular = all
            .iter()
            .take_while(|i| i.tags.contains(&Tag::Popular))
            .count();
        assert!(popular > 0);
        assert!(all[popular..]
            .iter()
            .all(|i| !i.tags.contains(&Tag::Popular)));
        let pizza = matching(&m, "  MARGH ", "en");
        assert_eq!(
            pizza.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["margherita"]
        );
        assert!(matching(&m, "no such dish at all", "en").is_empty());
    }
}
