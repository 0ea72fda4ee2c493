//! The staff chat: each paid order is posted once to `STAFF_CHAT_ID` with
//! buttons for exactly its next steps, and that one message is edited as the
//! order moves, whoever moves it. Only staff may press; a double tap or a
//! stale button changes nothing twice. Cancellations and refunds to make get
//! a note each, once; a provider refund is recorded from the chat. The post
//! survives a restart and is made once by two servers on one database.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::i18n::{format_money, t, t_args, Lang};
use foodbot::telegram::fake::updates::update_callback;
use foodbot::telegram::fake::{FakeBotApi, ShownMessage};
use foodbot_domain::order::{Fulfilment, OrderAction, PaymentMethod};
use foodbot_domain::{Actor, OrderId, UserId};
use reqwest::StatusCode;
use serde_json::json;

crate::both_stores!(
    a_paid_delivery_order_is_posted_once_and_edited_step_by_step,
    a_pickup_order_is_picked_up_instead_of_sent_out,
    only_staff_press_and_double_taps_and_stale_buttons_change_nothing_twice,
    a_rejected_paid_order_is_refunded_at_the_provider_from_the_chat,
    a_customer_cancelling_a_posted_order_edits_it_and_tells_staff_once,
    a_payment_for_a_cancelled_order_is_posted_with_a_warning_and_the_refund_to_make,
    orders_paid_long_ago_are_not_posted,
    a_post_refused_by_flood_control_is_made_once_after_the_wait,
);
crate::both_stores!(@postgres_only a_paid_order_is_posted_once_across_a_restart_and_by_two_servers);

const STAFF_CHAT: i64 = -1_001_234;
const EN: Lang = Lang::En;

async fn spawn(db: &TestDb) -> TestApp {
    TestApp::spawn_with(db, |c| c.staff_chat_id = Some(STAFF_CHAT)).await
}

/// A delivery order of two large margheritas with olives and a note, paid
/// through a provider via the application layer; returns it and its total.
async fn paid_delivery(app: &TestApp, customer: i64) -> (OrderId, i64) {
    let line = json!({ "item_id": "margherita", "quantity": 2, "size": "32cm",
        "options": { "extra-toppings": ["olives"] }, "note": "no basil please" });
    let (status, cart) = app
        .post("/api/v1/orders", customer, json!({ "items": [line] }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let id: OrderId = cart["id"].as_str().unwrap().parse().unwrap();
    let a = &app.state.app;
    let me = || meta(Actor::Customer(UserId(customer)));
    let fulfilment: Fulfilment = serde_json::from_value(json!({ "kind": "delivery",
        "address": { "street": "Torstraße 1", "city": "Berlin", "postcode": "10119", "details": "3rd floor" },
        "phone": "+49 30 1234567" }))
    .unwrap();
    a.order_command(&me(), id, OrderAction::SetFulfilment { fulfilment })
        .await
        .unwrap();
    a.order_command(
        &me(),
        id,
        OrderAction::Checkout {
            menu: a.menu.clone(),
        },
    )
    .await
    .unwrap();
    let request = OrderAction::RequestPayment {
        method: PaymentMethod::Provider,
        invoice_payload: invoice_payload(id),
    };
    let order = a.order_command(&me(), id, request).await.unwrap().state;
    let total = order.totals.unwrap().total;
    let paid = OrderAction::RecordPayment {
        receipt: receipt(id, total),
    };
    a.order_command(&meta(Actor::System), id, paid)
        .await
        .unwrap();
    (id, total.amount)
}

/// The staff chat's bot messages once there are at least `n`.
async fn staff_messages(app: &TestApp, n: usize) -> Vec<ShownMessage> {
    bot_messages(app, STAFF_CHAT, n).await
}

/// The post of `order` once it is there.
async fn post_of(app: &TestApp, order: OrderId) -> ShownMessage {
    let title = format!("#{} ·", order.short());
    app.bot_api
        .wait_for(|_| {
            app.bot_api
                .chat(STAFF_CHAT)
                .iter()
                .any(|m| shown(m).contains(&title))
        })
        .await;
    app.bot_api
        .chat(STAFF_CHAT)
        .into_iter()
        .find(|m| shown(m).contains(&title))
        .unwrap()
}

/// Message `m` once it shows `status` (edited in place).
async fn showing(app: &TestApp, m: &ShownMessage, status: &str) -> ShownMessage {
    let want = format!("· {}", status_name(EN, status));
    let now = || current(app, m.message_id);
    app.bot_api
        .wait_for(|_| {
            now().is_some_and(|x| shown(&x).lines().next().unwrap_or("").ends_with(&want))
        })
        .await;
    now().unwrap()
}

/// Message `id` of the staff chat as it shows now.
fn current(app: &TestApp, id: i64) -> Option<ShownMessage> {
    app.bot_api
        .chat(STAFF_CHAT)
        .into_iter()
        .find(|x| x.message_id == id)
}

fn labels(m: &ShownMessage) -> Vec<String> {
    buttons(m).into_iter().map(|(t, _)| t).collect()
}

fn data_of(m: &ShownMessage, label: &str) -> String {
    button_labelled(m, label)["callback_data"]
        .as_str()
        .unwrap()
        .to_string()
}

fn l(key: &str) -> String {
    t(EN, key)
}

fn accept(eta: u32) -> String {
    t_args(EN, "staff-accept", &[("eta", eta.into())])
}

/// Presses `label` under `m` as staff in the staff chat; returns the answer's text.
async fn staff_press(app: &TestApp, m: &ShownMessage, label: &str) -> serde_json::Value {
    let answer = press(app, STAFF_ID, STAFF_CHAT, m, &data_of(m, label)).await;
    answer.body
}

fn edits_of(app: &TestApp, m: &ShownMessage) -> usize {
    app.bot_api
        .calls_to("editMessageText")
        .iter()
        .filter(|c| c.body["chat_id"] == STAFF_CHAT && c.body["message_id"] == m.message_id)
        .count()
}

fn posts(app: &TestApp) -> usize {
    app.bot_api
        .calls_to("sendMessage")
        .iter()
        .filter(|c| c.body["chat_id"] == STAFF_CHAT)
        .count()
}

async fn a_paid_delivery_order_is_posted_once_and_edited_step_by_step(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (id, total) = paid_delivery(&app, 501).await;
    let m = post_of(&app, id).await;
    let text = shown(&m).to_string();
    for part in [
        format!("#{}", id.short()),
        status_name(EN, "paid"),
        "2 × Margherita (Large 32 cm, Olives)".into(),
        t_args(
            EN,
            "staff-order-note",
            &[("note", "no basil please".into())],
        ),
        "Torstraße 1, 10119 Berlin, 3rd floor".into(),
        "☎️ +49".into(),
        format_money(EN, total, "EUR"),
        "User 501".into(),
    ] {
        assert!(text.contains(&part), "{part:?} not in {text}");
    }
    assert_eq!(
        labels(&m),
        [
            accept(15),
            accept(30),
            accept(45),
            accept(60),
            l("staff-reject"),
            l("staff-cancel")
        ]
    );

    let answer = staff_press(&app, &m, &accept(30)).await;
    assert_eq!(answer["show_alert"], false, "{answer}");
    let done = t_args(
        EN,
        "staff-done",
        &[
            ("short_id", id.short().into()),
            ("status", status_name(EN, "accepted").into()),
        ],
    );
    assert_eq!(answer["text"], done.as_str());
    let m = showing(&app, &m, "accepted").await;
    assert!(shown(&m).contains(&t_args(EN, "staff-order-eta", &[("eta", 30u32.into())])));
    assert_eq!(
        labels(&m),
        [l("staff-preparing"), l("staff-ready"), l("staff-cancel")]
    );
    staff_press(&app, &m, &l("staff-preparing")).await;
    let m = showing(&app, &m, "preparing").await;
    assert_eq!(labels(&m), [l("staff-ready"), l("staff-cancel")]);
    staff_press(&app, &m, &l("staff-ready")).await;
    let m = showing(&app, &m, "ready").await;
    assert_eq!(labels(&m), [l("staff-out-for-delivery"), l("staff-cancel")]);
    staff_press(&app, &m, &l("staff-out-for-delivery")).await;
    let m = showing(&app, &m, "out_for_delivery").await;
    assert_eq!(labels(&m), [l("staff-delivered"), l("staff-cancel")]);
    staff_press(&app, &m, &l("staff-delivered")).await;
    let m = showing(&app, &m, "delivered").await;
    assert!(labels(&m).is_empty(), "{:?}", m.reply_markup);
    assert!(edits_of(&app, &m) >= 5, "{}", edits_of(&app, &m));
    assert_eq!(posts(&app), 1);
    assert_eq!(order_status(&app, 501, id).await, "delivered");
    app.stop().await;
}

async fn a_pickup_order_is_picked_up_instead_of_sent_out(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let id: OrderId = app.cart(502).await.parse().unwrap();
    pay(&app, id, 502).await;
    let m = post_of(&app, id).await;
    assert!(
        shown(&m).contains(&l("staff-order-pickup")),
        "{}",
        shown(&m)
    );
    staff_press(&app, &m, &accept(15)).await;
    let m = showing(&app, &m, "accepted").await;
    staff_press(&app, &m, &l("staff-ready")).await;
    let m = showing(&app, &m, "ready").await;
    assert_eq!(labels(&m), [l("staff-picked-up"), l("staff-cancel")]);
    staff_press(&app, &m, &l("staff-picked-up")).await;
    let m = showing(&app, &m, "picked_up").await;
    assert!(labels(&m).is_empty(), "{:?}", m.reply_markup);
    assert_eq!(posts(&app), 1);
    app.stop().await;
}

async fn only_staff_press_and_double_taps_and_stale_buttons_change_nothing_twice(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (id, _) = paid_delivery(&app, 503).await;
    let m = post_of(&app, id).await;
    let accept30 = data_of(&m, &accept(30));

    // Someone who is not staff (a customer in the group, forged data).
    let answer = press(&app, 4242, STAFF_CHAT, &m, &accept30).await;
    assert_eq!(answer.body["show_alert"], true);
    assert_eq!(answer.body["text"], l("staff-only"));
    assert_eq!(events_named(&app, "OrderAccepted").await, 0);

    // A double tap: two presses of one button, one acceptance.
    let message = app.bot_api.message(STAFF_CHAT, m.message_id).unwrap();
    let first = update_callback(STAFF_ID, message.clone(), &accept30);
    let second = update_callback(STAFF_ID, message, &accept30);
    assert_eq!(deliver(&app, &first).await, StatusCode::OK);
    assert_eq!(deliver(&app, &second).await, StatusCode::OK);
    let id2 = second["callback_query"]["id"].as_str().unwrap().to_string();
    let calls = app
        .bot_api
        .wait_for(|calls| {
            calls
                .iter()
                .any(|c| c.is("answerCallbackQuery") && c.body["callback_query_id"] == id2.as_str())
        })
        .await;
    let late = calls
        .iter()
        .find(|c| c.is("answerCallbackQuery") && c.body["callback_query_id"] == id2.as_str())
        .unwrap();
    assert_eq!(late.body["show_alert"], true);
    assert_eq!(late.body["text"], l("staff-stale"));
    assert_eq!(events_named(&app, "OrderAccepted").await, 1);

    // A stale button: Ready as made for the accepted order, pressed after
    // the order moved on to preparing.
    let accepted = showing(&app, &m, "accepted").await;
    let ready_then = data_of(&accepted, &l("staff-ready"));
    staff_press(&app, &accepted, &l("staff-preparing")).await;
    let preparing = showing(&app, &m, "preparing").await;
    let answer = press(&app, STAFF_ID, STAFF_CHAT, &preparing, &ready_then).await;
    assert_eq!(answer.body["show_alert"], true);
    assert_eq!(answer.body["text"], l("staff-stale"));
    assert_eq!(events_named(&app, "OrderReady").await, 0);
    assert_eq!(order_status(&app, 503, id).await, "preparing");
    let now = showing(&app, &m, "preparing").await;
    assert_eq!(labels(&now), [l("staff-ready"), l("staff-cancel")]);
    assert_eq!(posts(&app), 1);
    app.stop().await;
}

async fn a_rejected_paid_order_is_refunded_at_the_provider_from_the_chat(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (id, total) = paid_delivery(&app, 504).await;
    let m = post_of(&app, id).await;
    staff_press(&app, &m, &l("staff-reject")).await;
    let reasons = app
        .bot_api
        .wait_for(|_| {
            current(&app, m.message_id)
                .is_some_and(|x| labels(&x).contains(&l("staff-reason-too-busy")))
        })
        .await;
    drop(reasons);
    let m = current(&app, m.message_id).unwrap();
    assert_eq!(
        labels(&m),
        [
            l("staff-reason-closing-soon"),
            l("staff-reason-too-busy"),
            l("staff-reason-item-unavailable"),
            l("staff-back")
        ]
    );
    staff_press(&app, &m, &l("staff-reason-too-busy")).await;
    assert_eq!(events_named(&app, "OrderRejected").await, 1);
    assert_eq!(events_named(&app, "RefundRequested").await, 1);
    let rejected = showing(&app, &m, "rejected").await;
    assert_eq!(labels(&rejected), [l("staff-refunded")]);
    let amount = format_money(EN, total, "EUR");
    assert!(shown(&rejected).contains(&amount));
    // The note says what to do, as a reply to the order's post.
    let note = t_args(
        EN,
        "staff-note-refund-provider",
        &[
            ("short_id", id.short().into()),
            ("amount", amount.as_str().into()),
        ],
    );
    let notes = staff_messages(&app, 2).await;
    assert_eq!(
        notes.iter().filter(|x| shown(x) == note).count(),
        1,
        "{notes:?}"
    );

    let answer = staff_press(&app, &rejected, &l("staff-refunded")).await;
    assert_eq!(
        answer["text"],
        t_args(
            EN,
            "staff-refund-recorded",
            &[("short_id", id.short().into())]
        )
    );
    assert_eq!(events_named(&app, "RefundCompleted").await, 1);
    let done = app
        .bot_api
        .wait_for(|_| current(&app, m.message_id).is_some_and(|x| labels(&x).is_empty()))
        .await;
    drop(done);
    let done = current(&app, m.message_id).unwrap();
    assert!(shown(&done).contains(&t_args(
        EN,
        "staff-order-refunded",
        &[("amount", amount.as_str().into())]
    )));
    app.stop().await;
}

async fn a_customer_cancelling_a_posted_order_edits_it_and_tells_staff_once(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (id, _) = paid_delivery(&app, 505).await;
    let m = post_of(&app, id).await;
    let cancel = OrderAction::Cancel { reason: None };
    app.state
        .app
        .order_command(&meta(Actor::Customer(UserId(505))), id, cancel)
        .await
        .unwrap();
    let m = showing(&app, &m, "cancelled").await;
    assert_eq!(labels(&m), [l("staff-refunded")]);
    let note = t_args(
        EN,
        "staff-note-cancelled-customer",
        &[("short_id", id.short().into())],
    );
    // The post, the cancellation and the refund to make.
    let all = staff_messages(&app, 3).await;
    assert_eq!(
        all.iter().filter(|x| shown(x) == note).count(),
        1,
        "{all:?}"
    );
    // Replies to the order's post.
    let replies = app
        .bot_api
        .calls_to("sendMessage")
        .into_iter()
        .filter(|c| c.body["chat_id"] == STAFF_CHAT)
        .filter(|c| c.body["reply_parameters"]["message_id"] == m.message_id)
        .count();
    assert_eq!(replies, 2);
    // Another order paid and posted after it: the cancellation note was not sent again.
    let (other, _) = paid_delivery(&app, 506).await;
    post_of(&app, other).await;
    let all = staff_messages(&app, 4).await;
    assert_eq!(
        all.iter().filter(|x| shown(x) == note).count(),
        1,
        "{all:?}"
    );
    assert_eq!(posts(&app), 4);
    app.stop().await;
}

async fn a_paid_order_is_posted_once_across_a_restart_and_by_two_servers(store: Store) {
    let db = TestDb::new(store).await;
    // A server that stops after the order was paid and projected, before
    // anything was posted (it had no staff chat to post to).
    let first = TestApp::spawn(&db).await;
    let (id, _) = paid_delivery(&first, 507).await;
    caught_up(&first).await;
    assert_eq!(posts(&first), 0);
    first.stop().await;

    // Two servers on the database, one Telegram.
    let telegram = FakeBotApi::start_with(BOT_TOKEN, BOT_USERNAME)
        .await
        .unwrap();
    let staff = |c: &mut foodbot::config::Config| c.staff_chat_id = Some(STAFF_CHAT);
    let a = TestApp::spawn_on(&db, telegram.clone(), staff).await;
    let b = TestApp::spawn_on(&db, telegram.clone(), staff).await;
    post_of(&a, id).await;
    // One more order paid while both run: once it is posted, both workers
    // have passed over the first order since.
    let (other, _) = paid_delivery(&b, 508).await;
    post_of(&a, other).await;
    for order in [id, other] {
        let title = format!("#{} ·", order.short());
        let n = telegram
            .calls_to("sendMessage")
            .iter()
            .filter(|c| c.body["text"].as_str().is_some_and(|t| t.contains(&title)))
            .count();
        assert_eq!(n, 1, "order {order} posted {n} times");
    }
    a.stop().await;
    b.stop().await;
}

async fn a_payment_for_a_cancelled_order_is_posted_with_a_warning_and_the_refund_to_make(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (id, total) = invoiced(&app, 509).await;
    let cancel = OrderAction::Cancel { reason: None };
    app.state
        .app
        .order_command(&meta(Actor::Customer(UserId(509))), id, cancel)
        .await
        .unwrap();
    // The money arrives anyway.
    record_payment(&app, id, total).await;
    assert_eq!(events_named(&app, "RefundRequested").await, 1);
    let m = post_of(&app, id).await;
    let m = showing(&app, &m, "cancelled").await;
    assert_eq!(labels(&m), [l("staff-refunded")]);
    let amount = format_money(EN, total.amount, "EUR");
    let args = [
        ("short_id", id.short().into()),
        ("amount", amount.as_str().into()),
    ];
    let warning = format!(
        "{}\n{}",
        t_args(EN, "staff-note-payment-anomaly", &args),
        t_args(EN, "staff-note-refund-provider", &args)
    );
    let all = staff_messages(&app, 2).await;
    assert_eq!(
        all.iter().filter(|x| shown(x) == warning).count(),
        1,
        "{all:?}"
    );
    // It was cancelled before it was paid: no cancellation note.
    let cancelled = t_args(
        EN,
        "staff-note-cancelled-customer",
        &[("short_id", id.short().into())],
    );
    assert!(all.iter().all(|x| shown(x) != cancelled), "{all:?}");
    app.stop().await;
}

async fn orders_paid_long_ago_are_not_posted(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (old, total) = invoiced(&app, 510).await;
    let long_ago = chrono::Utc::now() - chrono::TimeDelta::days(2);
    let paid = OrderAction::RecordPayment {
        receipt: receipt(old, total),
    };
    app.state
        .app
        .order_command(&meta_at(Actor::System, long_ago), old, paid)
        .await
        .unwrap();
    let (fresh, _) = paid_delivery(&app, 511).await;
    post_of(&app, fresh).await;
    let title = format!("#{} ·", old.short());
    assert!(
        app.bot_api
            .chat(STAFF_CHAT)
            .iter()
            .all(|m| !shown(m).contains(&title)),
        "an order paid two days ago was posted"
    );
    assert_eq!(posts(&app), 1);
    app.stop().await;
}

async fn a_post_refused_by_flood_control_is_made_once_after_the_wait(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    app.bot_api.fail_next(
        "sendMessage",
        foodbot::telegram::fake::Fault::TooManyRequests { retry_after: 1 },
        1,
    );
    let (id, _) = paid_delivery(&app, 512).await;
    let m = post_of(&app, id).await;
    // One refused call, one post.
    assert_eq!(posts(&app), 2);
    assert_eq!(app.bot_api.chat(STAFF_CHAT).len(), 1);
    // The post is edited when the order moves: it was recorded, the failure
    // cleared.
    staff_press(&app, &m, &accept(30)).await;
    showing(&app, &m, "accepted").await;
    assert_eq!(posts(&app), 2);
    let errors = app
        .scalar(
            "SELECT COUNT(*) FROM staff_posts WHERE last_error IS NOT NULL OR message_id IS NULL",
        )
        .await;
    assert_eq!(errors, 0);
    app.stop().await;
}
