//! The bot's commands that are not about orders, in a left-to-right and a
//! right-to-left language: /start, /menu and its category buttons, /help,
//! /language, anything else typed; and one user behind the bot and the Mini App.
//! Expected texts come from the message catalogs and the menu, never literals.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::fake::updates::update_message;
use reqwest::StatusCode;
use serde_json::Value;

crate::both_stores!(
    start_greets_in_the_users_language_with_a_button_that_opens_the_app,
    menu_offers_categories_and_a_category_shows_its_items_priced_for_the_language,
    help_and_anything_unknown_are_always_answered,
    language_offers_twelve_and_the_choice_is_kept_for_the_bot_and_the_app,
    a_bot_user_and_a_mini_app_user_with_the_same_id_are_one_user,
);

/// The chats the tests talk in, one per language.
const LANGS: [(Lang, &str); 2] = [(Lang::En, "en"), (Lang::Ar, "ar")];

fn chat_for(base: i64, lang: Lang) -> i64 {
    base + i64::from(lang == Lang::Ar)
}

fn restaurant(lang: Lang) -> String {
    let menu = menu();
    menu.text(&menu.restaurant.name, lang.code()).to_string()
}

fn web_app_url(b: &Value) -> &str {
    b["web_app"]["url"].as_str().unwrap_or("")
}

async fn start_greets_in_the_users_language_with_a_button_that_opens_the_app(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(610, lang);
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/start", Some(code)),
        )
        .await;
        let name = format!("User {chat}");
        let expected = t_args(
            lang,
            "start-greeting",
            &[
                ("name", name.as_str().into()),
                ("restaurant", restaurant(lang).into()),
            ],
        );
        assert_eq!(m.text.as_deref(), Some(expected.as_str()));
        let open = button_labelled(&m, &t(lang, "start-open-app"));
        assert_eq!(web_app_url(&open), format!("{PUBLIC_URL}app/"));
    }
    // The two languages really differ: the test would notice a fallback.
    assert_ne!(
        bot_messages(&app, 610, 1).await[0].text,
        bot_messages(&app, 611, 1).await[0].text
    );
}

async fn menu_offers_categories_and_a_category_shows_its_items_priced_for_the_language(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let menu = menu();
    for (lang, code) in LANGS {
        let chat = chat_for(620, lang);
        let m = say(&app, chat, &update_message(chat, chat, "/menu", Some(code))).await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "menu-title").as_str()));
        let categories: Vec<(String, String)> = buttons(&m)
            .into_iter()
            .filter_map(|(text, b)| Some((text, b["callback_data"].as_str()?.to_string())))
            .collect();
        let expected: Vec<(String, String)> = menu
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| (menu.text(&c.name, code).to_string(), format!("1:mc:{i}")))
            .collect();
        assert_eq!(categories, expected);

        // The first category's available items, one message each.
        let category = &menu.categories[0];
        let items: Vec<_> = menu
            .items
            .iter()
            .filter(|i| i.category == category.id && i.available)
            .collect();
        assert!(items.len() > 1, "the demo's first category has items");
        let before = bot_messages(&app, chat, 1).await.len();
        let answer = press(&app, chat, chat, &m, "1:mc:0").await;
        assert_eq!(answer.body.get("text"), None, "{:?}", answer.body);
        let shown_now = bot_messages(&app, chat, before + items.len()).await;
        assert_eq!(shown_now.len(), before + items.len());
        for (item, m) in items.iter().zip(&shown_now[before..]) {
            let price = foodbot::i18n::format(lang, &item.price);
            let caption = t_args(
                lang,
                "menu-item-caption",
                &[
                    ("name", menu.text(&item.name, code).into()),
                    ("price", price.as_str().into()),
                    ("description", menu.text(&item.description, code).into()),
                ],
            );
            assert_eq!(shown(m), caption);
            let open = button_labelled(m, &t(lang, "menu-open-item"));
            assert_eq!(open["url"], app_link(&format!("item_{}", item.id)));
        }
        // A category past the end (a forged button) is refused with an alert.
        let answer = press(&app, chat, chat, &m, "1:mc:99").await;
        assert_eq!(answer.body["show_alert"], true);
        assert_eq!(answer.body["text"], t(lang, "button-stale"));
        assert_eq!(bot_messages(&app, chat, 1).await.len(), shown_now.len());
    }
}

async fn help_and_anything_unknown_are_always_answered(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(630, lang);
        let m = say(&app, chat, &update_message(chat, chat, "/help", Some(code))).await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "help-text").as_str()));
        for typed in ["hello", "/nosuchcommand", "🍕", "/start@other_bot"] {
            let m = say(&app, chat, &update_message(chat, chat, typed, Some(code))).await;
            assert_eq!(
                m.text.as_deref(),
                Some(t(lang, "unknown-text").as_str()),
                "{typed}"
            );
        }
    }
    assert_ne!(t(Lang::En, "unknown-text"), t(Lang::Ar, "unknown-text"));
}

async fn language_offers_twelve_and_the_choice_is_kept_for_the_bot_and_the_app(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(640, lang);
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/language", Some(code)),
        )
        .await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "language-pick").as_str()));
        let offered: Vec<String> = buttons(&m)
            .into_iter()
            .filter_map(|(_, b)| b["callback_data"].as_str().map(String::from))
            .collect();
        let all: Vec<String> = Lang::ALL
            .iter()
            .map(|l| format!("1:lg:{}", l.code()))
            .collect();
        assert_eq!(offered, all);

        // Each chooses the other's language.
        let (chosen, chosen_code) = if lang == Lang::En {
            (Lang::Ar, "ar")
        } else {
            (Lang::En, "en")
        };
        let answer = press(&app, chat, chat, &m, &format!("1:lg:{chosen_code}")).await;
        let changed = t(chosen, "language-changed");
        assert_eq!(answer.body["text"], changed.as_str());
        let edited = app.bot_api.chat(chat);
        let edited = edited
            .iter()
            .find(|s| s.message_id == m.message_id)
            .unwrap();
        assert!(edited.edited);
        assert_eq!(edited.text.as_deref(), Some(changed.as_str()));

        // The app sees it, and the bot speaks it from now on, whatever the
        // client's language.
        let (status, me) = app.get("/api/v1/me", chat).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["language"], chosen_code);
        let m = say(&app, chat, &update_message(chat, chat, "/help", Some(code))).await;
        assert_eq!(m.text.as_deref(), Some(t(chosen, "help-text").as_str()));
    }
    assert_eq!(events_named(&app, "LanguageChanged").await, 2);
}

async fn a_bot_user_and_a_mini_app_user_with_the_same_id_are_one_user(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let id = 650;
    let m = say(&app, id, &update_message(id, id, "/start", Some("ar"))).await;
    let name = format!("User {id}");
    let greeting = t_args(
        Lang::Ar,
        "start-greeting",
        &[
            ("name", name.as_str().into()),
            ("restaurant", restaurant(Lang::Ar).into()),
        ],
    );
    assert_eq!(m.text.as_deref(), Some(greeting.as_str()));
    // The Mini App's initData names the same Telegram user.
    let (status, me) = app.get("/api/v1/me", id).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], id);
    assert_eq!(me["first_name"], name.as_str());
    assert_eq!(me["language"], "ar", "the language from the bot is kept");
    assert_eq!(events_named(&app, "UserRegistered").await, 1);
    // And the other way round: a cart made in the app is the bot's user's.
    let order = app.cart(id).await;
    caught_up(&app).await;
    let m = say(&app, id, &update_message(id, id, "/orders", Some("ar"))).await;
    assert_eq!(m.text.as_deref(), Some(t(Lang::Ar, "orders-none").as_str()));
    let (status, shown) = app.get(&format!("/api/v1/orders/{order}"), id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["status"], "cart");
    assert_eq!(events_named(&app, "UserRegistered").await, 1);
}
