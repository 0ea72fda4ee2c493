//! `/stoplist`: staff mark dishes sold out and back, from the staff chat (or
//! a staff member's private chat with the bot).
//!
//! One message, edited in place: the categories, then a category's items as
//! buttons (⛔ sold out, ✅ on sale), and an item's options the same way. A
//! button names the state it sets, not a toggle, so a double tap or two staff
//! pressing at once set it once. Only `STAFF_USER_IDS` may use it; anyone else
//! gets an alert and nothing changes. Menu entries are named by their position
//! in the menu (ids may be too long for a button's 64 bytes); a position the
//! menu no longer has is a stale button.

use super::callback::Callback;
use super::reply::{self, button, Answer, Screen};
use super::texts::tr;
use super::{BotContext, BotError, BotResult, Turn};
use crate::app::CommandMeta;
use foodbot_domain::catalog::{Catalog, Item};
use foodbot_domain::stoplist::{Dish, StopList};
use foodbot_domain::{Actor, Channel};
use teloxide::types::MessageId;

/// A stop-list view to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Categories,
    Category(u32),
    Options(u32),
}

/// What a stop-list button sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Item(u32),
    Option { item: u32, group: u32, option: u32 },
}

fn staff_meta(turn: &Turn, purpose: &str) -> CommandMeta {
    CommandMeta {
        actor: Actor::Staff(turn.user),
        channel: Channel::Staff,
        ..turn.meta(purpose)
    }
}

fn at<T>(list: &[T], i: u32) -> Option<&T> {
    usize::try_from(i).ok().and_then(|i| list.get(i))
}

fn mark(sold_out: bool) -> &'static str {
    if sold_out {
        "⛔"
    } else {
        "✅"
    }
}

fn position(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// `/stoplist`.
pub async fn command(ctx: &BotContext, turn: &Turn) -> BotResult {
    if !ctx.app.is_staff(turn.user) {
        let text = tr(turn.lang, "stoplist-staff-only", &[]);
        return reply::send(ctx, turn.chat, Screen::text(text)).await;
    }
    let (list, _) = ctx.app.stop_list().await?;
    let screen = screen(ctx, turn, &list, View::Categories).unwrap_or_default();
    reply::send(ctx, turn.chat, screen).await
}

/// A button that shows another view.
pub async fn show(
    ctx: &BotContext,
    turn: &Turn,
    message: Option<MessageId>,
    view: View,
) -> Result<Answer, BotError> {
    if !ctx.app.is_staff(turn.user) {
        return Ok(Answer::alert(tr(turn.lang, "stoplist-staff-only", &[])));
    }
    let (list, _) = ctx.app.stop_list().await?;
    let Some(screen) = screen(ctx, turn, &list, view) else {
        return Ok(Answer::alert(tr(turn.lang, "button-stale", &[])));
    };
    reply::replace(ctx, turn.chat, message, screen).await?;
    Ok(Answer::none())
}

/// A button that marks a dish sold out (`sold_out`) or back on sale.
pub async fn set(
    ctx: &BotContext,
    turn: &Turn,
    message: Option<MessageId>,
    target: Target,
    sold_out: bool,
) -> Result<Answer, BotError> {
    let lang = turn.lang;
    if !ctx.app.is_staff(turn.user) {
        return Ok(Answer::alert(tr(lang, "stoplist-staff-only", &[])));
    }
    let menu = &ctx.app.menu;
    let Some((dish, name, view)) = dish_of(menu, target, lang.code()) else {
        return Ok(Answer::alert(tr(lang, "button-stale", &[])));
    };
    let meta = staff_meta(turn, "stoplist");
    let outcome = if sold_out {
        ctx.app.mark_sold_out(&meta, dish).await?
    } else {
        ctx.app.mark_back_on_sale(&meta, dish).await?
    };
    if let Some(screen) = screen(ctx, turn, &outcome.state, view) {
        reply::replace(ctx, turn.chat, message, screen).await?;
    }
    let key = if sold_out {
        "stoplist-marked-sold-out"
    } else {
        "stoplist-marked-back"
    };
    Ok(Answer::notice(tr(lang, key, &[("dish", name.into())])))
}

/// The dish a button names, its name for people, and the view it sits in.
fn dish_of(menu: &Catalog, target: Target, lang: &str) -> Option<(Dish, String, View)> {
    match target {
        Target::Item(i) => {
            let item = at(&menu.items, i)?;
            let name = menu.text(&item.name, lang).to_string();
            Some((
                Dish::item(&item.id),
                name,
                View::Category(category_of(menu, item)?),
            ))
        }
        Target::Option {
            item,
            group,
            option,
        } => {
            let it = at(&menu.items, item)?;
            let g = at(&it.option_groups, group)?;
            let o = at(&g.options, option)?;
            let name = format!(
                "{}: {}",
                menu.text(&it.name, lang),
                menu.text(&o.name, lang)
            );
            Some((
                Dish::option(&it.id, &g.id, &o.id),
                name,
                View::Options(item),
            ))
        }
    }
}

fn category_of(menu: &Catalog, item: &Item) -> Option<u32> {
    menu.categories
        .iter()
        .position(|c| c.id == item.category)
        .map(position)
}

/// The message for `view`, or `None` when the view names what the menu no
/// longer has.
fn screen(ctx: &BotContext, turn: &Turn, list: &StopList, view: View) -> Option<Screen> {
    let menu = &ctx.app.menu;
    let lang = turn.lang;
    let name = |t| menu.text(t, lang.code()).to_string();
    let back = || {
        vec![button(
            tr(lang, "stoplist-back", &[]),
            &Callback::StopList(View::Categories),
        )]
    };
    Some(match view {
        View::Categories => {
            let sold: Vec<String> = list
                .sold_out
                .iter()
                .filter_map(|d| dish_of_id(menu, d, lang.code()))
                .collect();
            let summary = if sold.is_empty() {
                tr(lang, "stoplist-none", &[])
            } else {
                tr(
                    lang,
                    "stoplist-sold-out-now",
                    &[("dishes", sold.join(", ").into())],
                )
            };
            let mut screen =
                Screen::text(format!("{}\n\n{summary}", tr(lang, "stoplist-title", &[])));
            let buttons: Vec<_> = menu
                .categories
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    button(
                        name(&c.name),
                        &Callback::StopList(View::Category(position(i))),
                    )
                })
                .collect();
            for row in buttons.chunks(2) {
                screen = screen.row(row.to_vec());
            }
            screen
        }
        View::Category(c) => {
            let category = at(&menu.categories, c)?;
            let text = tr(
                lang,
                "stoplist-category",
                &[("category", name(&category.name).into())],
            );
            let mut screen = Screen::text(text);
            for (i, item) in menu.items.iter().enumerate() {
                if item.category != category.id {
                    continue;
                }
                let sold_out = list.is_sold_out(&Dish::item(&item.id)) || !item.available;
                let i = position(i);
                let mut row = vec![button(
                    format!("{} {}", mark(sold_out), name(&item.name)),
                    &Callback::StopListSet(Target::Item(i), !sold_out),
                )];
                if !item.option_groups.is_empty() {
                    row.push(button(
                        tr(lang, "stoplist-options-button", &[]),
                        &Callback::StopList(View::Options(i)),
                    ));
                }
                screen = screen.row(row);
            }
            screen.row(back())
        }
        View::Options(i) => {
            let item = at(&menu.items, i)?;
            let text = tr(
                lang,
                "stoplist-options",
                &[("item", name(&item.name).into())],
            );
            let mut screen = Screen::text(text);
            for (g, group) in item.option_groups.iter().enumerate() {
                for (o, option) in group.options.iter().enumerate() {
                    let dish = Dish::option(&item.id, &group.id, &option.id);
                    let sold_out = list.is_sold_out(&dish) || !option.available;
                    let target = Target::Option {
                        item: i,
                        group: position(g),
                        option: position(o),
                    };
                    screen = screen.row(vec![button(
                        format!(
                            "{} {} · {}",
                            mark(sold_out),
                            name(&group.name),
                            name(&option.name)
                        ),
                        &Callback::StopListSet(target, !sold_out),
                    )]);
                }
            }
            let up = category_of(menu, item)
                .map(View::Category)
                .unwrap_or(View::Categories);
            screen.row(vec![button(
                tr(lang, "stoplist-back", &[]),
                &Callback::StopList(up),
            )])
        }
    })
}

/// A sold-out dish's name for people, if the menu still has it.
fn dish_of_id(menu: &Catalog, dish: &Dish, lang: &str) -> Option<String> {
    let item = menu.item(&dish.item_id)?;
    let name = menu.text(&item.name, lang);
    Some(match &dish.option {
        None => name.to_string(),
        Some(o) => {
            let option = item
                .option_groups
                .iter()
                .filter(|g| g.id == o.group)
                .flat_map(|g| &g.options)
                .find(|x| x.id == o.option)?;
            format!("{name}: {}", menu.text(&option.name, lang))
        }
    })
}
