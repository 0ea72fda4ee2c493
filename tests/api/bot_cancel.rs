//! /cancel in English and Arabic, and buttons that no longer fit: a
//! confirmation pressed after the order moved on, forged or malformed data,
//! another customer's order. Each press is answered; none changes anything
//! it should not.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::fake::updates::update_message;

crate::both_stores!(
    cancel_asks_first_and_cancels_or_keeps_the_order,
    cancel_with_several_orders_asks_which,
    a_cancel_confirmation_pressed_after_the_order_moved_on_changes_nothing,
    forged_malformed_and_foreign_buttons_get_an_alert_and_change_nothing,
);

const LANGS: [(Lang, &str); 2] = [(Lang::En, "en"), (Lang::Ar, "ar")];

fn chat_for(base: i64, lang: Lang) -> i64 {
    base + i64::from(lang == Lang::Ar)
}

async fn cancel_asks_first_and_cancels_or_keeps_the_order(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(740, lang);
        start(&app, chat, code).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/cancel", Some(code)),
        )
        .await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "cancel-none").as_str()));

        let (kept, _) = invoiced(&app, chat).await;
        caught_up(&app).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/cancel", Some(code)),
        )
        .await;
        let ask = t_args(lang, "cancel-confirm", &[("short_id", kept.short().into())]);
        assert_eq!(m.text.as_deref(), Some(ask.as_str()));
        press(&app, chat, chat, &m, "1:cn").await;
        let shown_now = app.bot_api.message(chat, m.message_id).unwrap();
        assert_eq!(shown_now["text"], t(lang, "cancel-kept"));
        assert_eq!(order_status(&app, chat, kept).await, "awaiting_payment");

        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/cancel", Some(code)),
        )
        .await;
        let yes = data_starting(&m, &format!("1:cy:{}:", kept.0.simple()));
        let answer = press(&app, chat, chat, &m, &yes).await;
        let done = t_args(lang, "cancel-done", &[("short_id", kept.short().into())]);
        assert_eq!(answer.body["text"], done.as_str());
        let shown_now = app.bot_api.message(chat, m.message_id).unwrap();
        assert_eq!(shown_now["text"], done.as_str());
        assert_eq!(order_status(&app, chat, kept).await, "cancelled");
    }
}

async fn a_cancel_confirmation_pressed_after_the_order_moved_on_changes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let chat = 750;
    start(&app, chat, "ar").await;
    let (id, total) = invoiced(&app, chat).await;
    caught_up(&app).await;
    let m = say(
        &app,
        chat,
        &update_message(chat, chat, "/cancel", Some("ar")),
    )
    .await;
    let yes = data_starting(&m, "1:cy:");
    // Paid meanwhile: still cancellable, but not what was asked about.
    record_payment(&app, id, total).await;
    let before = order_events(&app, &id.to_string()).await;
    let answer = press(&app, chat, chat, &m, &yes).await;
    assert_eq!(answer.body["show_alert"], true);
    assert_eq!(answer.body["text"], t(Lang::Ar, "button-stale"));
    assert_eq!(order_events(&app, &id.to_string()).await, before);
    caught_up(&app).await;
    assert_eq!(order_status(&app, chat, id).await, "paid");

    // The customer took the order back to the cart in the app meanwhile.
    let chat = 751;
    start(&app, chat, "en").await;
    let (id, _) = invoiced(&app, chat).await;
    caught_up(&app).await;
    let m = say(
        &app,
        chat,
        &update_message(chat, chat, "/cancel", Some("en")),
    )
    .await;
    let yes = data_starting(&m, &format!("1:cy:{}:", id.0.simple()));
    let (status, body) = app
        .post(
            &format!("/api/v1/orders/{id}/reopen"),
            chat,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    let before = order_events(&app, &id.to_string()).await;
    let answer = press(&app, chat, chat, &m, &yes).await;
    assert_eq!(answer.body["show_alert"], true);
    assert_eq!(answer.body["text"], t(Lang::En, "button-stale"));
    assert_eq!(order_events(&app, &id.to_string()).await, before);
    assert_eq!(order_status(&app, chat, id).await, "cart");
}

async fn forged_malformed_and_foreign_buttons_get_an_alert_and_change_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (me, other) = (760, 761);
    start(&app, me, "en").await;
    start(&app, other, "en").await;
    let (theirs, _) = invoiced(&app, other).await;
    let (mine, _) = invoiced(&app, me).await;
    caught_up(&app).await;
    let m = say(&app, me, &update_message(me, me, "/orders", Some("en"))).await;
    let theirs_events = order_events(&app, &theirs.to_string()).await;
    let mine_events = order_events(&app, &mine.to_string()).await;
    let created = events_named(&app, "OrderCreated").await;
    let messages = bot_messages(&app, me, 1).await.len();
    let t_id = theirs.0.simple();
    let invalid = t(Lang::En, "button-invalid");
    let stale = t(Lang::En, "button-stale");
    for (data, text) in [
        ("1:od:xyz".to_string(), &invalid),
        ("9:st".into(), &invalid),
        ("1:cy:1:1".into(), &invalid),
        (format!("1:od:{t_id}"), &stale),
        (format!("1:ro:{t_id}"), &stale),
        (format!("1:ca:{t_id}"), &stale),
        (format!("1:cy:{t_id}:{theirs_events}"), &stale),
    ] {
        let answer = press(&app, me, me, &m, &data).await;
        assert_eq!(answer.body["show_alert"], true, "{data}");
        assert_eq!(answer.body["text"], text.as_str(), "{data}");
    }
    assert_eq!(order_events(&app, &theirs.to_string()).await, theirs_events);
    assert_eq!(order_events(&app, &mine.to_string()).await, mine_events);
    assert_eq!(events_named(&app, "OrderCreated").await, created);
    assert_eq!(events_named(&app, "ReorderedFrom").await, 0);
    assert_eq!(bot_messages(&app, me, 1).await.len(), messages);
    assert_eq!(order_status(&app, other, theirs).await, "awaiting_payment");
}

async fn cancel_with_several_orders_asks_which(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    for (lang, code) in LANGS {
        let chat = chat_for(745, lang);
        start(&app, chat, code).await;
        let (first, _) = invoiced(&app, chat).await;
        let (second, _) = invoiced(&app, chat).await;
        caught_up(&app).await;
        let m = say(
            &app,
            chat,
            &update_message(chat, chat, "/cancel", Some(code)),
        )
        .await;
        assert_eq!(m.text.as_deref(), Some(t(lang, "cancel-pick").as_str()));
        let mut offered: Vec<String> = buttons(&m)
            .into_iter()
            .filter_map(|(_, b)| b["callback_data"].as_str().map(String::from))
            .collect();
        offered.sort();
        let mut want = vec![
            format!("1:ca:{}", first.0.simple()),
            format!("1:ca:{}", second.0.simple()),
        ];
        want.sort();
        assert_eq!(offered, want);

        let answer = press(&app, chat, chat, &m, &format!("1:ca:{}", second.0.simple())).await;
        assert_eq!(answer.body.get("text"), None);
        let asked = app.bot_api.message(chat, m.message_id).unwrap();
        let ask = t_args(
            lang,
            "cancel-confirm",
            &[("short_id", second.short().into())],
        );
        assert_eq!(asked["text"], ask.as_str());
        assert_eq!(order_status(&app, chat, second).await, "awaiting_payment");
        assert_eq!(order_status(&app, chat, first).await, "awaiting_payment");
    }
}
