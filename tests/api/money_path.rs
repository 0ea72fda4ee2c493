//! The whole money path through the real pipeline and the fake Bot API: a
//! cart checked out in the Mini App, its invoice link, the pre-checkout
//! answer, `successful_payment` reported twice, the staff chat's post moved
//! step by step to delivered by staff pressing its buttons, and the
//! customer's push notifications: each once, in the customer's language.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::app::NotificationKind;
use foodbot::i18n::{format_money, t, t_args, Lang};
use foodbot::telegram::fake::updates::{
    under_new_id, update_pre_checkout, update_successful_payment,
};
use foodbot::telegram::fake::{Call, ShownMessage};
use foodbot_domain::OrderId;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};

crate::both_stores!(
    a_paid_order_goes_from_checkout_to_delivered_and_the_customer_hears_each_step_once
);

const PROVIDER_TOKEN: &str = "284685063:TEST:provider-token-for-tests";
const STAFF_CHAT: i64 = -1_002_345;
const CUSTOMER: i64 = 7_301;
/// The customer's language (their initData says German).
const DE: Lang = Lang::De;
/// The staff chat's language.
const EN: Lang = Lang::En;

/// The customer's notifications Telegram accepted, in order of arrival.
fn notifications(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .filter(|c| c.is("sendMessage") && c.status == Some(200))
        .filter(|c| c.body["chat_id"] == CUSTOMER)
        .filter(|c| {
            let markup = match &c.body["reply_markup"] {
                Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
                v => v.clone(),
            };
            markup["inline_keyboard"][0][0]["url"]
                .as_str()
                .is_some_and(|u| u.contains("startapp=order_"))
        })
        .map(|c| c.body["text"].as_str().unwrap().to_string())
        .collect()
}

/// What the customer is told of `kind`, in German.
fn told(kind: NotificationKind, id: OrderId, total: i64) -> String {
    let mut args = vec![("short_id", id.short().into())];
    match kind {
        NotificationKind::PaymentReceived => {
            args.push(("amount", format_money(DE, total, "EUR").into()))
        }
        NotificationKind::OrderAccepted => args.push(("eta", 30u32.into())),
        _ => {}
    }
    t_args(DE, kind.message_id(), &args)
}

/// The staff chat's post of `id`, once it shows `status`.
async fn post_showing(app: &TestApp, id: OrderId, status: &str) -> ShownMessage {
    let title = format!("#{} ·", id.short());
    let want = format!("· {}", status_name(EN, status));
    let find = || {
        app.bot_api.chat(STAFF_CHAT).into_iter().find(|m| {
            let first = shown(m).lines().next().unwrap_or("").to_string();
            first.contains(&title) && first.ends_with(&want)
        })
    };
    app.bot_api.wait_for(|_| find().is_some()).await;
    find().unwrap()
}

async fn a_paid_order_goes_from_checkout_to_delivered_and_the_customer_hears_each_step_once(
    store: Store,
) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, |c| {
        c.payment_provider_token = Some(SecretString::from(PROVIDER_TOKEN));
        c.staff_chat_id = Some(STAFF_CHAT);
        c.notify_send = true;
        c.notify_poll_ms = 200;
        // Five notifications to one chat would take five seconds at
        // Telegram's pace; the pace has tests of its own (notify.rs).
        c.notify_chat_per_sec = 0;
    })
    .await;

    // The Mini App: a cart, delivery with a phone, checkout, the invoice link.
    let line = json!({ "item_id": "margherita", "quantity": 2, "size": "32cm",
        "options": { "extra-toppings": ["olives"] }, "note": "gut durch" });
    let (status, cart) = app
        .post("/api/v1/orders", CUSTOMER, json!({ "items": [line] }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let id_text = cart["id"].as_str().unwrap().to_string();
    let id: OrderId = id_text.parse().unwrap();
    let order_path = format!("/api/v1/orders/{id_text}");
    let fulfilment = json!({ "kind": "delivery",
        "address": { "street": "Torstraße 1", "city": "Berlin", "postcode": "10119" },
        "phone": "+49 30 1234567" });
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{order_path}/fulfilment"),
            Some(CUSTOMER),
            Some(fulfilment),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{order_path}/checkout"),
            Some(CUSTOMER),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "checked_out", "{body}");
    let (status, invoice) = app
        .keyed(
            Method::POST,
            &format!("{order_path}/invoice"),
            CUSTOMER,
            "pay-1",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{invoice}");
    let total = invoice["amount"]["amount"].as_i64().unwrap();
    assert_eq!(invoice["amount"]["currency"], "EUR");
    let link = app.bot_api.calls_to("createInvoiceLink").pop().unwrap();
    assert_eq!(invoice["invoice_link"], link.result.clone().unwrap());
    let payload = link.body["payload"].as_str().unwrap().to_string();
    let charged: i64 = link.body["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(charged, total);

    // Telegram asks before charging; the answer is yes.
    let query = update_pre_checkout(CUSTOMER, &payload, "EUR", total);
    let query_id = query["pre_checkout_query"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(deliver(&app, &query).await, StatusCode::OK);
    let answered = |c: &Call| {
        c.is("answerPreCheckoutQuery") && c.body["pre_checkout_query_id"] == query_id.as_str()
    };
    let calls = app
        .bot_api
        .wait_for(|calls| calls.iter().any(answered))
        .await;
    let answer = calls.into_iter().find(answered).unwrap();
    assert_eq!(answer.body["ok"], true, "{:?}", answer.body);

    // The payment is reported twice, under two update ids: one payment.
    let paid = update_successful_payment(CUSTOMER, CUSTOMER, &payload, "EUR", total);
    assert_eq!(deliver(&app, &paid).await, StatusCode::OK);
    assert_eq!(deliver(&app, &under_new_id(&paid)).await, StatusCode::OK);

    // The staff chat gets the order once, and staff take it to the door.
    let m = post_showing(&app, id, "paid").await;
    let text = shown(&m).to_string();
    for part in [
        "2 × Margherita (Large 32 cm, Olives)".to_string(),
        "Torstraße 1, 10119 Berlin".into(),
        format_money(EN, total, "EUR"),
    ] {
        assert!(text.contains(&part), "{part:?} not in {text}");
    }
    let steps = [
        (
            t_args(EN, "staff-accept", &[("eta", 30u32.into())]),
            "accepted",
        ),
        (t(EN, "staff-preparing"), "preparing"),
        (t(EN, "staff-ready"), "ready"),
        (t(EN, "staff-out-for-delivery"), "out_for_delivery"),
        (t(EN, "staff-delivered"), "delivered"),
    ];
    let mut m = m;
    for (label, status) in steps {
        let data = button_labelled(&m, &label)["callback_data"]
            .as_str()
            .unwrap()
            .to_string();
        let answer = press(&app, STAFF_ID, STAFF_CHAT, &m, &data).await;
        assert_eq!(answer.body["show_alert"], false, "{:?}", answer.body);
        m = post_showing(&app, id, status).await;
        assert_eq!(order_status(&app, CUSTOMER, id).await, status);
    }
    assert!(buttons(&m).is_empty(), "{:?}", m.reply_markup);
    let posts = app
        .bot_api
        .calls_to("sendMessage")
        .iter()
        .filter(|c| c.body["chat_id"] == STAFF_CHAT)
        .count();
    assert_eq!(posts, 1);

    // The customer heard of each step once, in German, in order.
    let expected: Vec<String> = [
        NotificationKind::PaymentReceived,
        NotificationKind::OrderAccepted,
        NotificationKind::OrderReady,
        NotificationKind::OutForDelivery,
        NotificationKind::OrderDelivered,
    ]
    .into_iter()
    .map(|k| told(k, id, total))
    .collect();
    app.bot_api
        .wait_for(|calls| notifications(calls).len() >= expected.len())
        .await;
    // Each is marked sent right after Telegram's answer.
    caught_up(&app).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let sent = app
            .scalar("SELECT COUNT(*) FROM notification_outbox WHERE sent_at IS NOT NULL")
            .await;
        let all = app.scalar("SELECT COUNT(*) FROM notification_outbox").await;
        if sent == all {
            assert_eq!(all, 5);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sent} of {all} sent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(notifications(&app.bot_api.calls()), expected);

    let events = app.events_of(&id_text).await;
    let received = events
        .iter()
        .filter(|(_, t)| t == "PaymentReceived")
        .count();
    assert_eq!(received, 1, "{events:?}");
    let (status, shown_order) = app.get(&order_path, CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{shown_order}");
    assert_eq!(shown_order["status"], "delivered");
    assert_eq!(
        shown_order["paid"],
        json!({ "amount": total, "currency": "EUR" })
    );
    app.stop().await;
}
