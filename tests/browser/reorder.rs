//! Reorder from the history when one dish of a past order is sold out: the
//! new cart holds what can still be had, and the screen names what is missing.

use crate::harness::{Harness, Open};
use crate::helpers::{meta, STAFF_ID};
use crate::orders::{speaks, taken_to};
use foodbot_domain::stoplist::Dish;
use foodbot_domain::{Actor, UserId};
use reqwest::StatusCode;
use serde_json::json;

const CUSTOMER: i64 = 7_402;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorder_from_history_keeps_what_is_available_and_names_what_is_not() {
    let h = Harness::start("reorder").await;
    // A past order of two dishes, delivered; then staff sell out the onion rings.
    let items = json!([
        { "item_id": "margherita", "quantity": 2, "size": "32cm" },
        { "item_id": "onion-rings", "quantity": 1 }
    ]);
    let past = taken_to(&h.app, CUSTOMER, items, "Torstraße 1", "delivered").await;
    speaks(&h.app, CUSTOMER, "en").await;
    let past_id = past["id"].as_str().unwrap().to_string();
    h.app
        .state
        .app
        .mark_sold_out(
            &meta(Actor::Staff(UserId(STAFF_ID))),
            Dish::item("onion-rings"),
        )
        .await
        .unwrap();

    let s = h.open(&Open::user(CUSTOMER)).await;
    s.wait_for("[data-testid=screen-menu]").await;
    // The menu already shows the dish as sold out.
    let available: String = s
        .eval("document.querySelector('[data-testid=menu-item-onion-rings]').dataset.available")
        .await;
    assert_eq!(available, "false");

    s.click("[data-testid=open-history]").await;
    s.wait_for("[data-testid=screen-history]").await;
    assert!(s.eval::<bool>("Telegram.WebApp.BackButton.isVisible").await);
    let card = format!("[data-testid=history-order-{past_id}]");
    s.wait_for(&card).await;
    let status: String = s
        .eval(&format!("document.querySelector('{card}').dataset.status"))
        .await;
    assert_eq!(status, "delivered");
    let text = s.text(&card).await;
    assert!(text.contains(past["short_id"].as_str().unwrap()), "{text}");

    s.click(&format!("[data-testid=history-reorder-{past_id}]"))
        .await;
    s.wait_for("[data-testid=screen-cart]").await;
    let missing = s.text("[data-testid=reorder-unavailable]").await;
    assert!(
        missing.contains("These items are no longer available and were left out:"),
        "{missing}"
    );
    assert!(missing.contains("Beer-Battered Onion Rings"), "{missing}");
    assert!(!missing.contains("Margherita"), "{missing}");

    // The new cart: the margherita as it was ordered, at today's price.
    let lines = s.texts("[data-testid^=cart-line-][data-available]").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("Margherita"), "{lines:?}");
    assert!(lines[0].contains("Large 32 cm"), "{lines:?}");
    assert!(!lines[0].contains("Onion"), "{lines:?}");
    let quantity: String = s
        .eval("document.querySelector('[data-testid^=cart-line-qty-][data-testid$=-value]').textContent")
        .await;
    assert_eq!(quantity, "2");
    // 2 × (8.90 + 2.50).
    assert_eq!(s.text("[data-testid=cart-subtotal]").await, "€22.80");
    s.wait_until("Telegram.WebApp.MainButton.isVisible && Telegram.WebApp.MainButton.text.startsWith('Checkout')")
        .await;
    assert!(
        s.eval::<bool>("Telegram.WebApp.isClosingConfirmationEnabled")
            .await
    );

    // The server holds the same cart, made from the past order.
    let (status, orders) = h.app.get("/api/v1/orders", CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{orders}");
    let cart = orders["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["status"] == "cart")
        .expect("a new cart")
        .clone();
    let (_, cart) = h
        .app
        .get(
            &format!("/api/v1/orders/{}", cart["id"].as_str().unwrap()),
            CUSTOMER,
        )
        .await;
    let items: Vec<&str> = cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["item_id"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["margherita"], "{cart}");
    assert!(s.errors().await.is_empty(), "{:?}", s.errors().await);
    h.close().await;
}
