//! Orders made before a browser test opens the app: through the API as the
//! Mini App makes them, paid as Telegram's payment updates record payments,
//! and moved on by staff through the application layer.

use crate::bot_helpers::deliver;
use crate::helpers::{meta, receipt, TestApp, STAFF_ID};
use foodbot::telegram::fake::updates::update_pre_checkout;
use foodbot::telegram::fake::Call;
use foodbot_domain::order::{OrderAction, PaymentMethod};
use foodbot_domain::{Actor, OrderId, UserId};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Telegram asks the bot before charging `customer` `amount` (EUR cents) for
/// the invoice `payload`; the bot answers yes.
pub async fn pre_checkout_answered_yes(app: &TestApp, customer: i64, payload: &str, amount: i64) {
    let query = update_pre_checkout(customer, payload, "EUR", amount);
    let query_id = query["pre_checkout_query"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(deliver(app, &query).await, StatusCode::OK);
    let answered = |c: &Call| {
        c.is("answerPreCheckoutQuery") && c.body["pre_checkout_query_id"] == query_id.as_str()
    };
    let calls = app.bot_api.wait_for(|c| c.iter().any(answered)).await;
    let answer = calls.into_iter().find(answered).unwrap();
    assert_eq!(answer.body["ok"], true, "{:?}", answer.body);
}

/// The steps staff take an order through, in order.
const STAFF_STEPS: [&str; 5] = [
    "accepted",
    "preparing",
    "ready",
    "out_for_delivery",
    "delivered",
];

/// A cart of `items` for `user`, to be delivered to `street`, checked out.
/// Returns the order as the API shows it then.
pub async fn checked_out(app: &TestApp, user: i64, items: Value, street: &str) -> Value {
    let (status, cart) = app
        .post("/api/v1/orders", user, json!({ "items": items }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    let path = format!("/api/v1/orders/{}", cart["id"].as_str().unwrap());
    let fulfilment = json!({ "kind": "delivery",
        "address": { "street": street, "city": "Berlin", "postcode": "10119" },
        "phone": "+49 30 7654321" });
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{path}/fulfilment"),
            Some(user),
            Some(fulfilment),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, order) = app
        .call(Method::POST, &format!("{path}/checkout"), Some(user), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    order
}

/// The same order paid, then moved by staff up to `until` (`paid` leaves
/// it there, `delivered` takes it to the door). Returns it as the API shows it.
pub async fn taken_to(app: &TestApp, user: i64, items: Value, street: &str, until: &str) -> Value {
    let order = checked_out(app, user, items, street).await;
    let id: OrderId = order["id"].as_str().unwrap().parse().unwrap();
    let a = &app.state.app;
    let request = OrderAction::RequestPayment {
        method: PaymentMethod::Provider,
        invoice_payload: crate::helpers::invoice_payload(id),
    };
    let customer = meta(Actor::Customer(UserId(user)));
    let state = a.order_command(&customer, id, request).await.unwrap().state;
    let total = state.totals.expect("a checked-out order has totals").total;
    let paid = OrderAction::RecordPayment {
        receipt: receipt(id, total),
    };
    a.order_command(&meta(Actor::System), id, paid)
        .await
        .unwrap();
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));
    for step in STAFF_STEPS {
        if until == "paid" {
            break;
        }
        let action = match step {
            "accepted" => OrderAction::Accept {
                eta_minutes: Some(30),
            },
            "preparing" => OrderAction::StartPreparing,
            "ready" => OrderAction::MarkReady,
            "out_for_delivery" => OrderAction::MarkOutForDelivery,
            _ => OrderAction::MarkDelivered,
        };
        a.order_command(&staff, id, action).await.unwrap();
        if step == until {
            break;
        }
    }
    // As the customer's next look sees it (the read models caught up).
    crate::bot_helpers::caught_up(app).await;
    let (status, shown) = app.get(&format!("/api/v1/orders/{id}"), user).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["status"], until, "{shown}");
    shown
}

/// An order id as a deep link carries it: without dashes.
pub fn link_id(order: &Value) -> String {
    order["id"].as_str().unwrap().replace('-', "")
}

/// Sets the language `user` chose in their profile. (Requests made through
/// `TestApp` introduce a German-speaking user.)
pub async fn speaks(app: &TestApp, user: i64, code: &str) {
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/language",
            Some(user),
            Some(json!({ "language": code })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
