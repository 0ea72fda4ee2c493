//! Payments through Telegram, end to end: the invoice link from the API (and
//! what `createInvoiceLink` got), the pre-checkout answer (accepted, and
//! refused for a changed order, a wrong amount, another user's order, an
//! unknown payload, also while the chat's queue is long), `successful_payment`
//! reported twice, Stars for digital goods and their refunds, provider
//! refunds recorded by staff, and the invoice route's refusals.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::app::AppError;
use foodbot::i18n::{t, Lang};
use foodbot::telegram::fake::updates::{
    under_new_id, update_message, update_pre_checkout, update_refunded_payment,
    update_successful_payment, update_web_app_data,
};
use foodbot::telegram::fake::{Call, Fault};
use foodbot_domain::order::{OrderAction, OrderError};
use foodbot_domain::{Actor, OrderId, UserId};
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::time::Duration;

crate::both_stores!(
    an_invoice_link_is_paid_once_though_telegram_reports_the_payment_twice,
    pre_checkout_is_refused_in_the_payers_language_for_changed_wrong_foreign_and_unknown_invoices,
    pre_checkout_is_answered_while_the_chats_queue_is_held_up,
    a_digital_order_is_paid_in_stars_and_its_refund_goes_through_refund_star_payment,
    an_order_mixing_digital_items_and_food_is_refused_at_checkout,
    a_provider_refund_is_recorded_by_staff_through_the_application_layer,
    the_invoice_route_refuses_what_cannot_be_paid,
    status_and_a_web_app_checkout_send_the_invoice_in_the_chat,
    pre_checkout_is_refused_once_the_restaurant_has_closed,
);
crate::both_stores!(@postgres_only each_stars_refund_is_made_once_by_two_server_processes);

const PROVIDER_TOKEN: &str = "284685063:TEST:provider-token-for-tests";

async fn spawn(db: &TestDb) -> TestApp {
    TestApp::spawn_with(db, |c| {
        c.payment_provider_token = Some(SecretString::from(PROVIDER_TOKEN));
        c.star_refund_interval_ms = 100;
        // The payer hears of the payment through the notification sender.
        c.notify_send = true;
    })
    .await
}

fn path(id: &str) -> String {
    format!("/api/v1/orders/{id}")
}

/// A cart of `items` for `user`, with `fulfilment` (if any), checked out.
async fn checked_out(app: &TestApp, user: i64, items: Value, fulfilment: Option<Value>) -> String {
    let (status, body) = app
        .post("/api/v1/orders", user, json!({ "items": items }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    if let Some(f) = fulfilment {
        let (status, body) = app
            .call(
                Method::PUT,
                &format!("{}/fulfilment", path(&id)),
                Some(user),
                Some(f),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{}/checkout", path(&id)),
            Some(user),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    id
}

fn pickup() -> Option<Value> {
    Some(json!({ "kind": "pickup" }))
}

fn delivery_without_phone() -> Option<Value> {
    Some(json!({ "kind": "delivery", "address": { "street": "Torstraße 1", "city": "Berlin" } }))
}

fn gift_card(qty: u32) -> Value {
    json!({ "item_id": "gift-card", "quantity": qty })
}

/// Asks for the order's invoice link with `key`.
async fn invoice_link(app: &TestApp, user: i64, id: &str, key: &str) -> (StatusCode, Value) {
    app.keyed(
        Method::POST,
        &format!("{}/invoice", path(id)),
        user,
        key,
        None,
    )
    .await
}

/// The payload of the newest createInvoiceLink call.
fn last_link_call(app: &TestApp) -> Call {
    app.bot_api
        .calls_to("createInvoiceLink")
        .pop()
        .expect("createInvoiceLink was called")
}

/// Delivers a pre-checkout query and returns the answer Telegram got.
async fn pre_checkout(app: &TestApp, from: i64, payload: &str, currency: &str, total: i64) -> Call {
    let update = update_pre_checkout(from, payload, currency, total);
    let id = update["pre_checkout_query"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(deliver(app, &update).await, StatusCode::OK);
    let answered =
        |c: &Call| c.is("answerPreCheckoutQuery") && c.body["pre_checkout_query_id"] == id.as_str();
    let calls = app
        .bot_api
        .wait_for(|calls| calls.iter().any(answered))
        .await;
    calls.into_iter().find(answered).unwrap()
}

fn refused_with(call: &Call, lang: Lang, key: &str) {
    assert_eq!(call.body["ok"], false, "{:?}", call.body);
    assert_eq!(
        call.body["error_message"].as_str(),
        Some(t(lang, key).as_str()),
        "{:?}",
        call.body
    );
}

/// Waits until the store holds `n` events of `event_type` for `order`.
async fn wait_events(app: &TestApp, order: &str, event_type: &str, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let count = app
            .events_of(order)
            .await
            .iter()
            .filter(|(_, t)| t == event_type)
            .count();
        if count >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{order} has {count} {event_type}, not {n}: {:?}",
            app.events_of(order).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn count_of(events: &[(i64, String)], event_type: &str) -> usize {
    events.iter().filter(|(_, t)| t == event_type).count()
}

async fn an_invoice_link_is_paid_once_though_telegram_reports_the_payment_twice(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let user = 5101;
    let id = checked_out(&app, user, json!([margherita(2)]), delivery_without_phone()).await;
    let oid: OrderId = id.parse().unwrap();

    let (status, body) = invoice_link(&app, user, &id, "invoice-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["method"], "provider");
    let total = body["amount"]["amount"].as_i64().unwrap();
    assert_eq!(body["amount"]["currency"], "EUR");
    let menu = menu();
    let unit = menu.item("margherita").unwrap().price.amount;
    let fee = menu.restaurant.delivery_fee.amount;
    assert_eq!(total, 2 * unit + fee);

    // What Telegram was asked for: the order's lines and the delivery fee in
    // the customer's language (initData says "de"), in euros, with the
    // provider token, a payload naming the order's first checkout, and a
    // phone number since the delivery has none.
    let call = last_link_call(&app);
    assert_eq!(body["invoice_link"], call.result.clone().unwrap());
    let p = &call.body;
    assert_eq!(p["currency"], "EUR");
    assert_eq!(p["provider_token"], PROVIDER_TOKEN);
    let payload = format!("fb1:{}:1", oid.0.simple());
    assert_eq!(p["payload"], payload.as_str());
    assert_eq!(p["need_phone_number"], true);
    assert_eq!(
        p["prices"],
        json!([
            { "label": "2 × Margherita", "amount": 2 * unit },
            { "label": t(Lang::De, "invoice-delivery-fee"), "amount": fee },
        ])
    );
    assert!(p["title"].as_str().unwrap().contains(&oid.short()));

    // The same key again: the same invoice, nothing recorded twice.
    let (status, again) = invoice_link(&app, user, &id, "invoice-1").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["amount"], body["amount"]);
    assert_eq!(last_link_call(&app).body["payload"], payload.as_str());
    assert_eq!(count_of(&app.events_of(&id).await, "PaymentRequested"), 1);

    let answer = pre_checkout(&app, user, &payload, "EUR", total).await;
    assert_eq!(answer.body["ok"], true, "{:?}", answer.body);

    // Telegram reports the payment twice, under two update ids.
    let paid = update_successful_payment(user, user, &payload, "EUR", total);
    let twice = under_new_id(&paid);
    let thanks = say(&app, user, &paid).await;
    assert!(
        thanks.text.as_deref().unwrap().contains(&oid.short()),
        "{thanks:?}"
    );
    assert_eq!(deliver(&app, &twice).await, StatusCode::OK);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while inbox(&app, "pending").await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "updates left pending"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let events = app.events_of(&id).await;
    assert_eq!(count_of(&events, "PaymentReceived"), 1, "{events:?}");
    // Thanked once.
    let thanked = app
        .bot_api
        .chat(user)
        .iter()
        .filter(|m| m.from_bot && m.text == thanks.text)
        .count();
    assert_eq!(thanked, 1);

    let (status, shown) = app.get(&path(&id), user).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["status"], "paid");
    assert_eq!(shown["paid"], json!({ "amount": total, "currency": "EUR" }));

    // A paid order has no invoice any more.
    let (status, body) = invoice_link(&app, user, &id, "invoice-2").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("already_paid"))
    );
}

async fn pre_checkout_is_refused_in_the_payers_language_for_changed_wrong_foreign_and_unknown_invoices(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (user, stranger) = (5201, 5202);
    start(&app, user, "fr").await;
    start(&app, stranger, "ru").await;
    let id = checked_out(&app, user, json!([margherita(1)]), pickup()).await;
    let oid: OrderId = id.parse().unwrap();
    let (status, body) = invoice_link(&app, user, &id, "i-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let total = body["amount"]["amount"].as_i64().unwrap();
    let first = format!("fb1:{}:1", oid.0.simple());

    // A wrong amount, or a wrong currency.
    refused_with(
        &pre_checkout(&app, user, &first, "EUR", total - 1).await,
        Lang::Fr,
        "precheckout-amount",
    );
    refused_with(
        &pre_checkout(&app, user, &first, "USD", total).await,
        Lang::Fr,
        "precheckout-amount",
    );
    // Someone else's order: as unknown as a payload that is not ours, and in
    // the stranger's own language.
    refused_with(
        &pre_checkout(&app, stranger, &first, "EUR", total).await,
        Lang::Ru,
        "precheckout-unknown",
    );
    refused_with(
        &pre_checkout(&app, user, "not-one-of-ours", "EUR", total).await,
        Lang::Fr,
        "precheckout-unknown",
    );
    // The invoice of the first checkout is right until the order changes.
    let ok = pre_checkout(&app, user, &first, "EUR", total).await;
    assert_eq!(ok.body["ok"], true, "{:?}", ok.body);

    // Reopened: the invoice no longer stands.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{}/reopen", path(&id)),
            Some(user),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    refused_with(
        &pre_checkout(&app, user, &first, "EUR", total).await,
        Lang::Fr,
        "precheckout-changed",
    );
    // Checked out again (a new version): the old invoice is still refused,
    // the new one is accepted.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{}/checkout", path(&id)),
            Some(user),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = invoice_link(&app, user, &id, "i-2").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = format!("fb1:{}:2", oid.0.simple());
    assert_eq!(last_link_call(&app).body["payload"], second.as_str());
    refused_with(
        &pre_checkout(&app, user, &first, "EUR", total).await,
        Lang::Fr,
        "precheckout-changed",
    );
    let ok = pre_checkout(&app, user, &second, "EUR", total).await;
    assert_eq!(ok.body["ok"], true, "{:?}", ok.body);
}

async fn pre_checkout_is_answered_while_the_chats_queue_is_held_up(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let user = 5301;
    start(&app, user, "en").await;
    let id = checked_out(&app, user, json!([margherita(1)]), pickup()).await;
    let oid: OrderId = id.parse().unwrap();
    let (status, body) = invoice_link(&app, user, &id, "i-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let total = body["amount"]["amount"].as_i64().unwrap();

    // Telegram's flood control holds the chat's first reply for a while, so
    // the chat's many updates wait behind it.
    app.bot_api
        .fail_next("sendMessage", Fault::TooManyRequests { retry_after: 5 }, 1);
    let queued = 25;
    for i in 0..queued {
        let update = update_message(user, user, &format!("hello {i}"), Some("en"));
        assert_eq!(deliver(&app, &update).await, StatusCode::OK);
    }
    app.bot_api
        .wait_for(|calls| calls.iter().any(|c| c.fault.is_some()))
        .await;
    let payload = format!("fb1:{}:1", oid.0.simple());
    let answer = pre_checkout(&app, user, &payload, "EUR", total).await;
    assert_eq!(answer.body["ok"], true, "{:?}", answer.body);
    // Answered while the queue in front was still there.
    let pending: i64 = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM telegram_updates WHERE lane = {user} AND state = 'pending'"
        ))
        .await;
    assert!(pending >= queued - 1, "only {pending} updates were waiting");
}

async fn a_digital_order_is_paid_in_stars_and_its_refund_goes_through_refund_star_payment(
    store: Store,
) {
    let db = TestDb::new(store).await;
    // No provider token: Stars need none.
    let app = TestApp::spawn_with(&db, |c| c.star_refund_interval_ms = 100).await;
    let user = 5401;

    // The menu shows the gift card as digital, with its Stars price.
    let (status, menu_body) = app.call(Method::GET, "/api/v1/menu", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let card = menu_body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "gift-card")
        .unwrap()
        .clone();
    assert_eq!(card["digital"], true);
    assert_eq!(
        card["stars_price"],
        json!({ "amount": 500, "currency": "XTR" })
    );
    let margherita_shown = menu_body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "margherita")
        .unwrap()
        .clone();
    assert_eq!(margherita_shown["digital"], false);
    assert_eq!(margherita_shown["stars_price"], Value::Null);

    // Each of three orders: invoiced in Stars, paid, cancelled (a refund is
    // requested) and refunded; Telegram answers the second refund with
    // CHARGE_ALREADY_REFUNDED and the third first with flood control.
    for (round, fault) in [
        None,
        Some(Fault::Status(
            400,
            "Bad Request: CHARGE_ALREADY_REFUNDED".into(),
        )),
        Some(Fault::TooManyRequests { retry_after: 1 }),
    ]
    .into_iter()
    .enumerate()
    {
        // Digital goods need no delivery or pickup.
        let id = checked_out(&app, user, json!([gift_card(2)]), None).await;
        let oid: OrderId = id.parse().unwrap();
        let (status, body) = invoice_link(&app, user, &id, &format!("s-{round}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["method"], "stars");
        assert_eq!(body["amount"], json!({ "amount": 1000, "currency": "XTR" }));
        let p = last_link_call(&app).body;
        assert_eq!(p["currency"], "XTR");
        assert_eq!(p["prices"].as_array().unwrap().len(), 1, "{p}");
        assert_eq!(p["prices"][0]["amount"], 1000);
        assert!(p.get("provider_token").is_none(), "{p}");
        assert!(p.get("need_phone_number").is_none(), "{p}");

        let payload = format!("fb1:{}:1", oid.0.simple());
        let answer = pre_checkout(&app, user, &payload, "XTR", 1000).await;
        assert_eq!(answer.body["ok"], true, "{:?}", answer.body);
        let paid = update_successful_payment(user, user, &payload, "XTR", 1000);
        let charge = paid["message"]["successful_payment"]["telegram_payment_charge_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(deliver(&app, &paid).await, StatusCode::OK);
        wait_events(&app, &id, "PaymentReceived", 1).await;
        wait_events(&app, &id, "PaymentReceived", 1).await;
        // The list shows the order's amounts in Stars, with their currency.
        caught_up(&app).await;
        let (status, list) = app.get("/api/v1/orders", user).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let shown = list["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id.as_str())
            .unwrap()
            .clone();
        assert_eq!(shown["total"], json!({ "amount": 1000, "currency": "XTR" }));
        assert_eq!(
            shown["subtotal"],
            json!({ "amount": 1000, "currency": "XTR" })
        );

        if let Some(fault) = fault {
            app.bot_api.fail_next("refundStarPayment", fault, 1);
        }
        let refunds_before = app.bot_api.calls_to("refundStarPayment").len();
        let (status, body) = app
            .post(&format!("{}/cancel", path(&id)), user, json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        wait_events(&app, &id, "RefundCompleted", 1).await;
        let calls = app.bot_api.calls_to("refundStarPayment");
        let mine: Vec<&Call> = calls[refunds_before..].iter().collect();
        assert!(!mine.is_empty());
        for c in &mine {
            assert_eq!(c.body["user_id"], user);
            assert_eq!(c.body["telegram_payment_charge_id"], charge.as_str());
        }
        // Tried again only after a failure that was not a refund.
        let expected_calls = if round == 2 { 2 } else { 1 };
        assert_eq!(mine.len(), expected_calls, "{mine:?}");

        // Telegram's own report of the refund changes nothing more.
        let report = update_refunded_payment(user, user, &payload, 1000, &charge);
        assert_eq!(deliver(&app, &report).await, StatusCode::OK);
        let events = app.events_of(&id).await;
        assert_eq!(count_of(&events, "RefundCompleted"), 1, "{events:?}");
    }
}

async fn an_order_mixing_digital_items_and_food_is_refused_at_checkout(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let user = 5501;
    let (status, body) = app
        .post(
            "/api/v1/orders",
            user,
            json!({ "items": [gift_card(1), margherita(1)] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{}/fulfilment", path(&id)),
            Some(user),
            pickup(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = app.event_count().await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{}/checkout", path(&id)),
            Some(user),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("mixed_digital_and_physical")
        ),
        "{body}"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("digital"));
    assert_eq!(app.event_count().await, before);
}

async fn a_provider_refund_is_recorded_by_staff_through_the_application_layer(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let a = &app.state.app;
    let user = 5601;
    let id = checked_out(&app, user, json!([margherita(1)]), pickup()).await;
    let oid: OrderId = id.parse().unwrap();
    let (status, body) = invoice_link(&app, user, &id, "i-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let total = body["amount"]["amount"].as_i64().unwrap();
    let payload = format!("fb1:{}:1", oid.0.simple());
    say(
        &app,
        user,
        &update_successful_payment(user, user, &payload, "EUR", total),
    )
    .await;
    wait_events(&app, &id, "PaymentReceived", 1).await;

    // Nothing to refund yet.
    assert!(matches!(
        a.record_provider_refund(oid, UserId(STAFF_ID), "test")
            .await,
        Err(AppError::Order(OrderError::NoRefundRequested))
    ));
    a.order_command(
        &meta(Actor::Staff(UserId(STAFF_ID))),
        oid,
        OrderAction::Reject {
            reason: "out of dough".into(),
        },
    )
    .await
    .unwrap();
    // Only staff may say so; a customer is not staff.
    assert!(a
        .record_provider_refund(oid, UserId(user), "test")
        .await
        .is_err());
    let out = a
        .record_provider_refund(oid, UserId(STAFF_ID), "test")
        .await
        .unwrap();
    assert_eq!(out.events.len(), 1);
    // Pressed twice: one refund.
    a.record_provider_refund(oid, UserId(STAFF_ID), "test")
        .await
        .unwrap();
    let events = app.events_of(&id).await;
    assert_eq!(count_of(&events, "RefundCompleted"), 1, "{events:?}");
    // The server never asks Telegram to refund a provider payment.
    assert!(app.bot_api.calls_to("refundStarPayment").is_empty());

    // The payments replay shows every step, from the invoice to the refund.
    caught_up(&app).await;
    let (ok, out) = crate::audit::foodbot(&db, &["audit", "replay", "--payments", "--order", &id]);
    assert!(ok, "{out}");
    let lines: Vec<Value> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["payment_requested", "payment", "refund_requested", "refund"]
    );
}

async fn the_invoice_route_refuses_what_cannot_be_paid(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let (user, stranger) = (5701, 5702);
    let cart = app.cart(user).await;
    let before = app.event_count().await;
    let (status, body) = invoice_link(&app, user, &cart, "k-1").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("not_checked_out")),
        "{body}"
    );
    let id = checked_out(&app, user, json!([margherita(1)]), pickup()).await;
    let (status, body) = invoice_link(&app, stranger, &id, "k-2").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found")),
        "{body}"
    );
    let (status, body) = invoice_link(&app, user, "not-an-id", "k-3").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(count_of(&app.events_of(&id).await, "PaymentRequested"), 0);
    assert!(app.event_count().await > before);
    app.stop().await;

    // Without a provider token, food cannot be invoiced, and nothing is recorded.
    let app = TestApp::spawn(&db).await;
    let before = app.event_count().await;
    let (status, body) = invoice_link(&app, user, &id, "k-4").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("payments_not_configured")
        ),
        "{body}"
    );
    assert_eq!(app.event_count().await, before);
    assert!(app.bot_api.calls_to("createInvoiceLink").is_empty());

    // Telegram failing to make the link: a 502, and the retry gets the link.
    app.stop().await;
    let app = spawn(&db).await;
    app.bot_api.fail_next(
        "createInvoiceLink",
        Fault::TooManyRequests { retry_after: 1 },
        1,
    );
    let (status, body) = invoice_link(&app, user, &id, "k-5").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("telegram_unavailable")),
        "{body}"
    );
    let (status, body) = invoice_link(&app, user, &id, "k-5").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(count_of(&app.events_of(&id).await, "PaymentRequested"), 1);
}

async fn status_and_a_web_app_checkout_send_the_invoice_in_the_chat(store: Store) {
    let db = TestDb::new(store).await;
    let app = spawn(&db).await;
    let user = 5801;
    start(&app, user, "de").await;
    let id = checked_out(&app, user, json!([margherita(1)]), pickup()).await;
    let oid: OrderId = id.parse().unwrap();
    caught_up(&app).await;

    // /status offers to pay the checked-out order; the button sends the invoice.
    let m = say(
        &app,
        user,
        &update_message(user, user, "/status", Some("de")),
    )
    .await;
    let label = foodbot::i18n::t_args(
        Lang::De,
        "status-pay",
        &[("short_id", oid.short().as_str().into())],
    );
    let pay = button_labelled(&m, &label);
    let data = pay["callback_data"].as_str().unwrap().to_string();
    press(&app, user, user, &m, &data).await;
    let sent = app.bot_api.wait_calls("sendInvoice", 1).await;
    let p = &sent[0].body;
    assert_eq!(p["chat_id"], user);
    assert_eq!(p["currency"], "EUR");
    assert_eq!(p["provider_token"], PROVIDER_TOKEN);
    assert_eq!(p["payload"], format!("fb1:{}:1", oid.0.simple()).as_str());

    // A cart sent from a keyboard Mini App with a checkout: checked out and invoiced.
    let data = json!({
        "v": 1,
        "items": [{ "item": "margherita", "quantity": 2 }],
        "checkout": true,
        "fulfilment": { "kind": "delivery", "address": { "street": "Torstraße 1", "city": "Berlin" }, "phone": "+49 30 1234567" },
    });
    let update = update_web_app_data(user, user, &data.to_string(), "Order");
    assert_eq!(deliver(&app, &update).await, StatusCode::OK);
    let sent = app.bot_api.wait_calls("sendInvoice", 2).await;
    let p = &sent[1].body;
    let menu = menu();
    let unit = menu.item("margherita").unwrap().price.amount;
    let fee = menu.restaurant.delivery_fee.amount;
    let amounts: Vec<i64> = p["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [2 * unit, fee]);
    // The phone is known: Telegram need not ask for it.
    assert!(p.get("need_phone_number").is_none(), "{p}");

    // A cart mixing a gift card and food: refused at checkout, said so, no invoice.
    let data = json!({
        "v": 1,
        "items": [{ "item": "margherita", "quantity": 1 }, { "item": "gift-card", "quantity": 1 }],
        "checkout": true,
        "fulfilment": { "kind": "pickup" },
    });
    let update = update_web_app_data(user, user, &data.to_string(), "Order");
    let m = say(&app, user, &update).await;
    assert_eq!(
        m.text.as_deref(),
        Some(t(Lang::De, "webapp-mixed").as_str())
    );
    assert_eq!(app.bot_api.calls_to("sendInvoice").len(), 2);
}

/// Checked out and invoiced while open; by the time Telegram asks whether the
/// payment may go ahead, the restaurant has closed (a second server, on the
/// same database, serves a menu whose hours exclude now).
async fn pre_checkout_is_refused_once_the_restaurant_has_closed(store: Store) {
    let db = TestDb::new(store).await;
    let open = spawn(&db).await;
    let user = 5301;
    start(&open, user, "de").await;
    let id = checked_out(&open, user, json!([margherita(1)]), pickup()).await;
    let (status, body) = invoice_link(&open, user, &id, "i-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let total = body["amount"]["amount"].as_i64().unwrap();
    let payload = last_link_call(&open).body["payload"]
        .as_str()
        .unwrap()
        .to_string();
    open.stop().await;

    let (menu, _) = crate::hours::open_from(2, 3);
    let hours = menu.restaurant.hours.clone().unwrap();
    let closed = TestApp::spawn_with_menu(&db, menu, |c| {
        c.payment_provider_token = Some(SecretString::from(PROVIDER_TOKEN));
    })
    .await;
    let answer = pre_checkout(&closed, user, &payload, "EUR", total).await;
    assert_eq!(answer.body["ok"], false, "{:?}", answer.body);
    let expected = foodbot::telegram::bot::texts::closed(Lang::De, &hours, chrono::Utc::now());
    assert_eq!(
        answer.body["error_message"].as_str(),
        Some(expected.as_str())
    );
    let events = closed.events_of(&id).await;
    assert_eq!(count_of(&events, "PaymentReceived"), 0);
}

async fn each_stars_refund_is_made_once_by_two_server_processes(store: Store) {
    let db = TestDb::new(store).await;
    let fast = |c: &mut foodbot::config::Config| {
        c.star_refund_interval_ms = 50;
        c.notify_send = true;
    };
    let one = TestApp::spawn_with(&db, fast).await;
    let two = TestApp::spawn_on(&db, one.bot_api.clone(), fast).await;
    let user = 5901;
    let mut orders = vec![];
    for round in 0..4 {
        let id = checked_out(&one, user, json!([gift_card(1)]), None).await;
        let oid: OrderId = id.parse().unwrap();
        let (status, body) = invoice_link(&one, user, &id, &format!("s-{round}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let payload = format!("fb1:{}:1", oid.0.simple());
        say(
            &one,
            user,
            &update_successful_payment(user, user, &payload, "XTR", 500),
        )
        .await;
        wait_events(&one, &id, "PaymentReceived", 1).await;
        orders.push(id);
    }
    for id in &orders {
        let (status, body) = two
            .post(&format!("{}/cancel", path(id)), user, json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for id in &orders {
        wait_events(&one, id, "RefundCompleted", 1).await;
    }
    let calls = one.bot_api.calls_to("refundStarPayment");
    let mut charges: Vec<&str> = calls
        .iter()
        .map(|c| c.body["telegram_payment_charge_id"].as_str().unwrap())
        .collect();
    charges.sort_unstable();
    charges.dedup();
    assert_eq!((calls.len(), charges.len()), (4, 4), "{calls:?}");
    two.stop().await;
}
