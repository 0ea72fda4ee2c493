//! The menu beyond the private chat and back: inline mode (`@bot pizza` in
//! any chat, paged, in the asker's language, linking to the Mini App) and the
//! carts a keyboard-opened Mini App sends as `web_app_data`.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::fake::updates::{update_inline_query, update_message, update_web_app_data};
use foodbot::telegram::fake::Call;
use foodbot_domain::catalog::Tag;
use reqwest::StatusCode;
use serde_json::{json, Value};

crate::both_stores!(
    inline_queries_page_through_the_menu_popular_first,
    an_inline_query_filters_by_name_in_the_askers_language,
    a_cart_sent_as_web_app_data_becomes_a_cart_and_is_confirmed,
    bad_web_app_data_is_refused_in_the_users_language_and_creates_nothing,
);

/// Asks `query` at `offset` as `user`; returns the answerInlineQuery call.
async fn ask(app: &TestApp, user: i64, query: &str, offset: &str) -> Call {
    let update = update_inline_query(user, query, offset);
    let id = update["inline_query"]["id"].as_str().unwrap().to_string();
    assert_eq!(deliver(app, &update).await, StatusCode::OK);
    let answered = |c: &Call| c.is("answerInlineQuery") && c.body["inline_query_id"] == id.as_str();
    let calls = app
        .bot_api
        .wait_for(|calls| calls.iter().any(answered))
        .await;
    calls.into_iter().find(|c| answered(c)).unwrap()
}

fn results(call: &Call) -> Vec<Value> {
    call.body["results"].as_array().cloned().unwrap_or_default()
}

fn ids(call: &Call) -> Vec<String> {
    results(call)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

async fn inline_queries_page_through_the_menu_popular_first(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let menu = menu();
    let mut expected: Vec<_> = menu.items.iter().filter(|i| i.available).collect();
    expected.sort_by_key(|i| !i.tags.contains(&Tag::Popular));
    let expected: Vec<String> = expected.iter().map(|i| i.id.clone()).collect();
    assert!(expected.len() > 20 && expected.len() < menu.items.len());

    let first = ask(&app, 800, "", "").await;
    assert_eq!(ids(&first), expected[..20]);
    assert_eq!(first.body["next_offset"], "20");
    let popular = menu
        .items
        .iter()
        .filter(|i| i.available && i.tags.contains(&Tag::Popular))
        .count();
    assert!(popular > 0);
    for r in results(&first) {
        let url = r["reply_markup"]["inline_keyboard"][0][0]["url"].clone();
        assert_eq!(
            url,
            format!(
                "https://t.me/{BOT_USERNAME}/app?startapp=item_{}",
                r["id"].as_str().unwrap()
            ),
        );
    }

    let rest = ask(&app, 800, "", "20").await;
    assert_eq!(ids(&rest), expected[20..]);
    assert_eq!(rest.body["next_offset"].as_str().unwrap_or(""), "");
    // An offset the bot never gave starts over rather than failing.
    let forged = ask(&app, 800, "", "-5").await;
    assert_eq!(ids(&forged), expected[..20]);
}

async fn an_inline_query_filters_by_name_in_the_askers_language(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let menu = menu();
    let margherita = menu.item("margherita").unwrap();
    let found = ask(&app, 810, "margh", "").await;
    assert_eq!(ids(&found), ["margherita"]);
    let en = &results(&found)[0];
    assert_eq!(en["title"], menu.text(&margherita.name, "en"));
    assert_eq!(found.body["next_offset"].as_str().unwrap_or(""), "");

    // An Arabic speaker (known from the bot) gets the Arabic texts.
    let chat = 811;
    say(
        &app,
        chat,
        &update_message(chat, chat, "/start", Some("ar")),
    )
    .await;
    let arabic_name = menu.text(&margherita.name, "ar");
    assert_ne!(arabic_name, menu.text(&margherita.name, "en"));
    let found = ask(&app, chat, arabic_name, "").await;
    assert_eq!(ids(&found), ["margherita"]);
    let ar = &results(&found)[0];
    assert_eq!(ar["title"], arabic_name);
    let price = foodbot::i18n::format(Lang::Ar, &margherita.price);
    let summary = t_args(
        Lang::Ar,
        "inline-item-description",
        &[
            ("price", price.as_str().into()),
            (
                "description",
                menu.text(&margherita.description, "ar").into(),
            ),
        ],
    );
    assert_eq!(ar["description"], summary.as_str());
    assert_eq!(
        ar["reply_markup"]["inline_keyboard"][0][0]["text"],
        t(Lang::Ar, "inline-open")
    );
    assert!(ids(&ask(&app, chat, "no such dish at all", "").await).is_empty());
}

async fn a_cart_sent_as_web_app_data_becomes_a_cart_and_is_confirmed(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code, chat) in [(Lang::En, "en", 820), (Lang::Ar, "ar", 821)] {
        say(
            &app,
            chat,
            &update_message(chat, chat, "/start", Some(code)),
        )
        .await;
        let data = json!({"v": 1, "items": [
            {"item": "margherita", "size": "32cm", "options": {"extra-toppings": ["olives"]}, "quantity": 2},
            {"item": "margherita", "quantity": 1, "note": "well done"},
        ]})
        .to_string();
        let m = say(&app, chat, &update_web_app_data(chat, chat, &data, "Order")).await;
        caught_up(&app).await;
        let (status, list) = app.get("/api/v1/orders", chat).await;
        assert_eq!(status, StatusCode::OK);
        let orders = list["orders"].as_array().unwrap();
        assert_eq!(orders.len(), 1, "{list}");
        let id = orders[0]["id"].as_str().unwrap();
        let (_, cart) = app.get(&format!("/api/v1/orders/{id}"), chat).await;
        assert_eq!(cart["status"], "cart");
        let lines = cart["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 2, "{cart}");
        assert_eq!(lines[0]["quantity"], 2);
        assert_eq!(lines[0]["options"][0]["option"], "olives");
        assert_eq!(lines[1]["note"], "well done");
        let total = foodbot::i18n::format_money(
            lang,
            cart["subtotal"]["amount"].as_i64().unwrap(),
            cart["subtotal"]["currency"].as_str().unwrap(),
        );
        let text = t_args(
            lang,
            "webapp-cart-created",
            &[("count", 3i64.into()), ("total", total.into())],
        );
        assert_eq!(m.text.as_deref(), Some(text.as_str()));
        let checkout = button_labelled(&m, &t(lang, "reorder-checkout"));
        assert_eq!(
            checkout["url"],
            app_link(&format!("order_{}", id.replace('-', "")))
        );
    }
}

async fn bad_web_app_data_is_refused_in_the_users_language_and_creates_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let menu = menu();
    let margherita = |lang: Lang| menu.text(&menu.item("margherita").unwrap().name, lang.code());
    for (lang, code, chat) in [(Lang::En, "en", 830), (Lang::Ar, "ar", 831)] {
        say(
            &app,
            chat,
            &update_message(chat, chat, "/start", Some(code)),
        )
        .await;
        let bad = t(lang, "webapp-bad-payload");
        let line = |l: Value| json!({"v": 1, "items": [l]}).to_string();
        let oversized =
            line(json!({"item": "margherita", "quantity": 1, "note": "x".repeat(4100)}));
        let cases = [
            ("not json".to_string(), bad.clone()),
            (
                line(json!({"item": "margherita", "quantity": 1, "price": 1})),
                bad.clone(),
            ),
            (
                line(json!({"item": "margherita", "quantity": 0})),
                bad.clone(),
            ),
            (oversized, bad.clone()),
            (
                line(json!({"item": "sushi", "quantity": 1})),
                t_args(lang, "webapp-unknown-item", &[("item", "sushi".into())]),
            ),
            (
                line(
                    json!({"item": "margherita", "options": {"extra-toppings": ["gold"]}, "quantity": 1}),
                ),
                t_args(
                    lang,
                    "webapp-bad-option",
                    &[("item", margherita(lang).into()), ("option", "gold".into())],
                ),
            ),
        ];
        for (data, refusal) in cases {
            let m = say(&app, chat, &update_web_app_data(chat, chat, &data, "Order")).await;
            assert_eq!(m.text.as_deref(), Some(refusal.as_str()), "{data:.80}");
        }
    }
    assert_eq!(events_named(&app, "OrderCreated").await, 0);
    for chat in [830, 831] {
        let (_, list) = app.get("/api/v1/orders", chat).await;
        assert_eq!(list["orders"], json!([]));
    }
}
