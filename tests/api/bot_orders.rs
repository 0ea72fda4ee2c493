//! Orders in the chat, in English and Arabic: /status with Refresh, /orders
//! paged, /reorder (also through a redelivered or retried update), and the
//! `/start order_…` and `reorder_…` links. /cancel is in `bot_cancel`.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::fake::updates::{update_callback, update_message};
use foodbot::telegram::fake::Fault;
use foodbot_domain::{Actor, OrderId, UserId};
use reqwest::StatusCode;

crate::both_stores!(
    status_shows_active_orders_with_their_timeline_and_refresh_edits_it,
    orders_come_five_to_a_page_and_the_buttons_turn_the_page,
    reorder_makes_a_new_cart_and_offers_the_checkout,
    a_reorder_press_handled_twice_makes_one_cart,
    start_links_show_or_reorder_an_order_and_a_foreign_one_is_answered,
);

const LANGS: [(Lang, &str); 2] = [(Lang::En, "en"), (Lang::Ar, "ar")];

fn chat_for(base: i64, lang: Lang) -> i64 {
    base + i64::from(lang == Lang::Ar)
}

async fn status_shows_active_orders_with_their_timeline_and_refresh_edits_it(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(700, lang);
        start(&app, chat, code).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/status", Some(code)),
        )
        .await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "status-none").as_str()));

        let (id, total) = invoiced(&app, chat).await;
        caught_up(&app).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/status", Some(code)),
        )
        .await;
        let detail = app
            .state
            .app
            .order_detail(Actor::Customer(UserId(chat)), id)
            .await
            .unwrap();
        assert!(detail.timeline.len() >= 3, "{:?}", detail.timeline);
        let mut expected = t_args(lang, "status-title", &[("count", 1i64.into())]);
        expected.push_str("\n\n");
        expected.push_str(&t_args(
            lang,
            "status-line",
            &[
                ("short_id", id.short().into()),
                ("status", status_name(lang, "awaiting_payment").into()),
                ("total", foodbot::i18n::format(lang, &total).into()),
            ],
        ));
        // One line per change of status: the cart's own steps show once.
        let statuses: Vec<&str> = detail.timeline.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == "cart").count(), 3);
        for (i, step) in detail.timeline.iter().enumerate() {
            if i > 0 && statuses[i - 1] == step.status {
                continue;
            }
            expected.push('\n');
            expected.push_str(&t_args(
                lang,
                "timeline-at",
                &[
                    ("time", step.at.format("%H:%M").to_string().into()),
                    ("step", status_name(lang, &step.status).into()),
                ],
            ));
        }
        assert_eq!(expected.matches(&status_name(lang, "cart")).count(), 1);
        assert_eq!(m.text.as_deref(), Some(expected.as_str()));

        // Nothing changed: the press says so, the message stays.
        let answer = press(&app, chat, chat, &m, "1:st").await;
        assert_eq!(answer.body["text"], t(lang, "status-refreshed"));
        assert_ne!(answer.body["show_alert"], true);
        // The order moves on: the same message shows it.
        record_payment(&app, id, total).await;
        caught_up(&app).await;
        let count = bot_messages(&app, chat, 1).await.len();
        let answer = press(&app, chat, chat, &m, "1:st").await;
        assert_eq!(answer.body.get("text"), None, "{:?}", answer.body);
        let now = bot_messages(&app, chat, count).await;
        assert_eq!(now.len(), count, "edited, not sent anew");
        let edited = now.iter().find(|s| s.message_id == m.message_id).unwrap();
        assert!(edited.edited);
        let paid = status_name(lang, "paid");
        assert!(shown(edited).contains(&paid), "{edited:?}");
    }
}

async fn orders_come_five_to_a_page_and_the_buttons_turn_the_page(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(710, lang);
        start(&app, chat, code).await;
        let mut ids = vec![];
        for _ in 0..6 {
            ids.push(invoiced(&app, chat).await.0);
        }
        caught_up(&app).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/orders", Some(code)),
        )
        .await;
        let title = |page: i64| {
            t_args(
                lang,
                "orders-title",
                &[("page", page.into()), ("pages", 2i64.into())],
            )
        };
        assert!(shown(&m).starts_with(&title(1)), "{m:?}");
        let details = |m: &foodbot::telegram::fake::ShownMessage| {
            buttons(m)
                .into_iter()
                .filter_map(|(_, b)| b["callback_data"].as_str().map(String::from))
                .filter(|d| d.starts_with("1:od:"))
                .collect::<Vec<_>>()
        };
        let first = details(&m);
        assert_eq!(first.len(), 5);
        assert_eq!(data_starting(&m, "1:op:"), "1:op:1");
        let count = bot_messages(&app, chat, 1).await.len();

        let answer = press(&app, chat, chat, &m, "1:op:1").await;
        assert_eq!(answer.body.get("text"), None);
        let page2 = app.bot_api.chat(chat);
        let page2 = page2.iter().find(|s| s.message_id == m.message_id).unwrap();
        assert!(page2.edited);
        assert!(shown(page2).starts_with(&title(2)), "{page2:?}");
        let second = details(page2);
        assert_eq!(second.len(), 1);
        assert_eq!(data_starting(page2, "1:op:"), "1:op:0");
        // Both pages together are the six orders.
        let mut all: Vec<String> = first.into_iter().chain(second).collect();
        all.sort();
        let mut want: Vec<String> = ids
            .iter()
            .map(|id| format!("1:od:{}", id.0.simple()))
            .collect();
        want.sort();
        assert_eq!(all, want);

        press(&app, chat, chat, page2, "1:op:0").await;
        let back = app.bot_api.message(chat, m.message_id).unwrap();
        assert!(back["text"].as_str().unwrap().starts_with(&title(1)));
        assert_eq!(bot_messages(&app, chat, count).await.len(), count);
    }
}

async fn reorder_makes_a_new_cart_and_offers_the_checkout(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(720, lang);
        start(&app, chat, code).await;
        let (past, _) = invoiced(&app, chat).await;
        caught_up(&app).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/reorder", Some(code)),
        )
        .await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "reorder-pick").as_str()));
        let data = format!("1:ro:{}", past.0.simple());
        assert_eq!(data_starting(&m, "1:ro:"), data);
        let before = bot_messages(&app, chat, 1).await.len();
        press(&app, chat, chat, &m, &data).await;
        let done = bot_messages(&app, chat, before + 1).await.pop().unwrap();
        let text = t_args(lang, "reorder-done", &[("count", 1i64.into())]);
        assert_eq!(done.text.as_deref(), Some(text.as_str()));
        let checkout = button_labelled(&done, &t(lang, "reorder-checkout"));
        let url = checkout["url"].as_str().unwrap();
        let prefix = app_link("order_");
        let new_id: OrderId = OrderId(url.strip_prefix(&prefix).unwrap().parse().unwrap());
        assert_ne!(new_id, past);
        caught_up(&app).await;
        let (status, cart) = app.get(&format!("/api/v1/orders/{new_id}"), chat).await;
        assert_eq!(status, StatusCode::OK, "{cart}");
        assert_eq!(cart["status"], "cart");
        assert_eq!(cart["lines"].as_array().unwrap().len(), 1);
        assert_eq!(cart["lines"][0]["item_id"], "margherita");
        assert_eq!(cart["lines"][0]["quantity"], 1);
    }
    assert_eq!(events_named(&app, "ReorderedFrom").await, 2);
}

async fn a_reorder_press_handled_twice_makes_one_cart(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let chat = 730;
    start(&app, chat, "en").await;
    let (past, _) = invoiced(&app, chat).await;
    caught_up(&app).await;
    let m = say(
        &app,
        chat,
        &update_message(chat, chat, "/reorder", Some("en")),
    )
    .await;
    let data = format!("1:ro:{}", past.0.simple());
    let message = app.bot_api.message(chat, m.message_id).unwrap();

    // Telegram delivers the same update twice.
    let update = update_callback(chat, message.clone(), &data);
    let first = update["callback_query"]["id"].as_str().unwrap().to_string();
    assert_eq!(deliver(&app, &update).await, StatusCode::OK);
    assert_eq!(deliver(&app, &update).await, StatusCode::OK);
    app.bot_api
        .wait_for(|calls| {
            calls.iter().any(|c| {
                c.is("answerCallbackQuery") && c.body["callback_query_id"] == first.as_str()
            })
        })
        .await;
    // The chat's next update is handled after both.
    let help = say(&app, chat, &update_message(chat, chat, "/help", Some("en"))).await;
    assert_eq!(
        help.text.as_deref(),
        Some(t(Lang::En, "help-text").as_str())
    );
    assert_eq!(events_named(&app, "ReorderedFrom").await, 1);
    let answers = app.bot_api.calls_to("answerCallbackQuery");
    assert_eq!(answers.len(), 1, "{answers:#?}");

    // The handler itself runs twice for one update: the answer to the press
    // hits flood control after the cart was made, and the update is retried.
    app.bot_api.fail_next(
        "answerCallbackQuery",
        Fault::TooManyRequests { retry_after: 1 },
        1,
    );
    let update = update_callback(chat, message, &data);
    let id = update["callback_query"]["id"].as_str().unwrap().to_string();
    assert_eq!(deliver(&app, &update).await, StatusCode::OK);
    app.bot_api
        .wait_for(|calls| {
            calls.iter().any(|c| {
                c.is("answerCallbackQuery")
                    && c.body["callback_query_id"] == id.as_str()
                    && c.status == Some(200)
            })
        })
        .await;
    let tries = app
        .bot_api
        .calls_to("answerCallbackQuery")
        .into_iter()
        .filter(|c| c.body["callback_query_id"] == id.as_str())
        .count();
    assert_eq!(tries, 2, "answered once after one refusal");
    assert_eq!(events_named(&app, "ReorderedFrom").await, 2);
    caught_up(&app).await;
    let (_, list) = app.get("/api/v1/orders", chat).await;
    let carts = list["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "cart")
        .count();
    assert_eq!(carts, 2, "{list}");
}

async fn start_links_show_or_reorder_an_order_and_a_foreign_one_is_answered(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (owner, stranger) = (770, 771);
    start(&app, owner, "en").await;
    start(&app, stranger, "ar").await;
    let (id, total) = invoiced(&app, owner).await;
    caught_up(&app).await;

    let link = format!("/start order_{id}");
    let m = say(
        &app,
        owner,
        &update_message(owner, owner, &link, Some("en")),
    )
    .await;
    let line = t_args(
        Lang::En,
        "status-line",
        &[
            ("short_id", id.short().into()),
            ("status", status_name(Lang::En, "awaiting_payment").into()),
            ("total", foodbot::i18n::format(Lang::En, &total).into()),
        ],
    );
    assert!(shown(&m).starts_with(&line), "{m:?}");
    let cart = status_name(Lang::En, "cart");
    assert_eq!(shown(&m).matches(&format!("— {cart}")).count(), 1, "{m:?}");
    let open = button_labelled(&m, &t(Lang::En, "start-open-app"));
    assert_eq!(open["url"], app_link(&format!("order_{}", id.0.simple())));

    let link = format!("/start reorder_{}", id.0.simple());
    let m = say(
        &app,
        owner,
        &update_message(owner, owner, &link, Some("en")),
    )
    .await;
    let done = t_args(Lang::En, "reorder-done", &[("count", 1i64.into())]);
    assert_eq!(m.text.as_deref(), Some(done.as_str()));
    assert_eq!(events_named(&app, "ReorderedFrom").await, 1);

    // Someone else's order: an answer, not silence, and nothing happens.
    let before = order_events(&app, &id.to_string()).await;
    for link in [format!("/start order_{id}"), format!("/start reorder_{id}")] {
        let m = say(
            &app,
            stranger,
            &update_message(stranger, stranger, &link, Some("ar")),
        )
        .await;
        assert_eq!(
            m.text.as_deref(),
            Some(t(Lang::Ar, "button-stale").as_str()),
            "{link}"
        );
    }
    assert_eq!(events_named(&app, "ReorderedFrom").await, 1);
    assert_eq!(order_events(&app, &id.to_string()).await, before);
}
