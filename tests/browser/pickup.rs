//! Pickup in the Mini App: the phone field is there for pickup too and a
//! comment for the restaurant goes with the order; a phone the server
//! refuses is marked at its field, with the focus there and nothing changed;
//! an invoice closed unpaid says so only until the order is paid some other
//! way.

use crate::bot_helpers::{caught_up, deliver};
use crate::harness::{Harness, Open, Screen};
use crate::helpers::TestApp;
use crate::orders::pre_checkout_answered_yes;
use foodbot::i18n::{t, Lang};
use foodbot::telegram::fake::updates::update_successful_payment;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};

const CUSTOMER: i64 = 7_421;
const PHONE: &str = "+49 30 5550123";
const COMMENT: &str = "Extra napkins, please — I'll be at the door in 10 min";

/// The customer's only order, as `GET /orders/{id}` shows it once the read
/// models have caught up.
async fn the_order(app: &TestApp) -> Value {
    caught_up(app).await;
    let (status, list) = app.get("/api/v1/orders", CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let orders = list["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "{list}");
    let id = orders[0]["id"].as_str().unwrap();
    let (status, order) = app.get(&format!("/api/v1/orders/{id}"), CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    order
}

/// An expression: the element matching `selector` has the focus.
fn focused(selector: &str) -> String {
    format!(
        "document.activeElement === document.querySelector({})",
        serde_json::to_string(selector).unwrap()
    )
}

/// Telegram charges the invoice the server made and tells the bot, as when
/// the customer pays it from the chat: the pre-checkout query (answered yes),
/// then the payment.
async fn paid_from_the_chat(h: &Harness) {
    let made = h.app.bot_api.calls_to("createInvoiceLink");
    let invoice = made.last().expect("an invoice link");
    let payload = invoice.body["payload"].as_str().unwrap().to_string();
    let amount: i64 = invoice.body["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    pre_checkout_answered_yes(&h.app, CUSTOMER, &payload, amount).await;
    let paid = update_successful_payment(CUSTOMER, CUSTOMER, &payload, "EUR", amount);
    assert_eq!(deliver(&h.app, &paid).await, StatusCode::OK);
}

/// From the menu to the checkout screen with one margherita in the cart.
async fn to_checkout(s: &Screen) {
    s.wait_for("[data-testid=screen-menu]").await;
    s.click("[data-testid=menu-item-open-margherita]").await;
    s.wait_for("[data-testid=screen-item]").await;
    s.click("[data-testid=item-add]").await;
    s.wait_gone("[data-testid=screen-item]").await;
    s.wait_until("Telegram.WebApp.MainButton.isVisible").await;
    s.press_main_button().await;
    s.wait_for("[data-testid=screen-cart]").await;
    s.press_main_button().await;
    s.wait_for("[data-testid=screen-checkout]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pickup_takes_a_phone_and_a_comment_and_a_payment_made_elsewhere_ends_the_cancelled_note() {
    let h = Harness::start_with("pickup", |c| {
        c.payment_provider_token = Some(SecretString::from(
            "284685063:TEST:provider-token-for-tests",
        ));
    })
    .await;
    let s = h.open(&Open::user(CUSTOMER)).await;
    to_checkout(&s).await;

    // Pickup: no address to give, but a phone and a comment.
    s.click("[data-testid=fulfilment-pickup]").await;
    s.wait_gone("[data-testid=address-street]").await;
    s.fill("[data-testid=address-phone]", "call me").await;
    s.type_into("[data-testid=checkout-comment]", COMMENT).await;
    let limit: String = s
        .eval("document.querySelector('[data-testid=checkout-comment]').maxLength.toString()")
        .await;
    assert_eq!(limit, "500");
    let labelled: String = s
        .eval("document.querySelector('[data-testid=checkout-comment]').labels[0].textContent")
        .await;
    assert_eq!(labelled, t(Lang::En, "app-comment"));

    // The server refuses the phone: the field is marked with the reason
    // beside it and has the focus; no general error; the order is unchanged.
    s.press_main_button().await;
    s.wait_for("[data-testid=address-phone][aria-invalid=true]")
        .await;
    assert_eq!(
        s.text("[data-testid=address-phone-error]").await,
        t(Lang::En, "app-invalid-phone")
    );
    assert!(
        s.eval::<bool>(&focused("[data-testid=address-phone]"))
            .await
    );
    assert!(
        s.eval::<bool>("document.querySelector('[data-testid=checkout-error]').hidden")
            .await
    );
    assert!(s
        .page
        .find_element("[data-testid=checkout-comment][aria-invalid]")
        .await
        .is_err());
    let order = the_order(&h.app).await;
    assert_eq!(
        (&order["status"], &order["fulfilment"]),
        (&json!("cart"), &Value::Null),
        "{order}"
    );

    // Typing takes the mark away; a phone the server takes goes through.
    s.fill("[data-testid=address-phone]", PHONE).await;
    s.wait_until(
        "!document.querySelector('[data-testid=address-phone]').hasAttribute('aria-invalid')",
    )
    .await;
    assert!(
        s.eval::<bool>("document.querySelector('[data-testid=address-phone-error]').hidden")
            .await
    );
    s.press_main_button().await;
    s.wait_for_call("openInvoice").await;
    s.wait_for("[data-testid=screen-order]").await;
    assert_eq!(s.text("[data-testid=order-phone]").await, PHONE);
    assert_eq!(s.text("[data-testid=order-comment]").await, COMMENT);
    let order = the_order(&h.app).await;
    assert_eq!(
        order["fulfilment"],
        json!({ "kind": "pickup", "phone": PHONE, "comment": COMMENT }),
        "{order}"
    );

    // The invoice closed unpaid: the screen says so.
    assert!(s.close_invoice("cancelled").await);
    s.wait_for("[data-testid=order-pay-note].pay-note-cancelled")
        .await;

    // Paid after all, from the chat: the server's payment reaches the screen
    // and the note goes.
    paid_from_the_chat(&h).await;
    s.wait_for("[data-testid=order-status][data-status=paid]")
        .await;
    s.wait_for("[data-testid=order-paid]").await;
    s.wait_gone("[data-testid=order-pay-note]").await;
    assert_eq!(s.main_button().await["isVisible"], false, "nothing to pay");
    assert!(s.errors().await.is_empty(), "{:?}", s.errors().await);
    h.close().await;
}
