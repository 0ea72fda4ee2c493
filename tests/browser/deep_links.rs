//! Deep links from the signed start parameter: to an item, to one's own
//! order, to another customer's order (which shows nothing of it), and an
//! unsigned parameter in the page's URL (which is ignored).

use crate::harness::{Harness, Open};
use crate::orders::{checked_out, link_id, speaks};
use serde_json::json;

const OWNER: i64 = 7_403;
const STRANGER: i64 = 7_404;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_links_open_an_item_and_an_own_order_but_nothing_of_another_customers() {
    let h = Harness::start("deep_links").await;
    let own = checked_out(
        &h.app,
        OWNER,
        json!([{ "item_id": "poke-bowl", "quantity": 1, "options": { "base": ["sushi-rice"] } }]),
        "Torstraße 1",
    )
    .await;
    speaks(&h.app, OWNER, "en").await;
    let secret_note = "Leave it with the concierge, flat 9";
    let theirs = checked_out(
        &h.app,
        STRANGER,
        json!([{ "item_id": "quattro-formaggi", "quantity": 3, "note": secret_note }]),
        "Geheimweg 77",
    )
    .await;

    // item_<id>: the item's sheet over the menu; back closes it.
    let s = h
        .open(&Open::user(OWNER).start_param("item_classic-burger"))
        .await;
    s.wait_for("[data-testid=screen-item]").await;
    assert_eq!(s.text("#item-title").await, "Classic Burger");
    assert!(s.eval::<bool>("Telegram.WebApp.BackButton.isVisible").await);
    s.press_back_button().await;
    s.wait_gone("[data-testid=screen-item]").await;
    s.wait_for("[data-testid=screen-menu]").await;

    // order_<id> of one's own order: that order.
    let s = h
        .open(&Open::user(OWNER).start_param(&format!("order_{}", link_id(&own))))
        .await;
    s.wait_for("[data-testid=screen-order] [data-testid=order-short-id]")
        .await;
    assert_eq!(
        s.text("[data-testid=order-short-id]").await,
        format!("#{}", own["short_id"].as_str().unwrap())
    );
    assert!(s
        .text("[data-testid=screen-order]")
        .await
        .contains("Salmon Poke Bowl"));

    // order_<id> of another customer's order: not found, and nothing of it.
    let s = h
        .open(&Open::user(OWNER).start_param(&format!("order_{}", link_id(&theirs))))
        .await;
    s.wait_for("[data-testid=screen-error][data-reason=not_found]")
        .await;
    assert_eq!(
        s.text("[data-testid=screen-error] h1").await,
        "We could not find that."
    );
    let their_id = theirs["id"].as_str().unwrap();
    let asked = s
        .wait_for_request("for their order", |r| {
            r.url.ends_with(&format!("/api/v1/orders/{their_id}"))
        })
        .await;
    assert_eq!(asked.status, Some(404), "{asked:?}");
    let shown: String = s.eval("document.body.innerText").await;
    let html: String = s.eval("document.documentElement.outerHTML").await;
    let short = theirs["short_id"].as_str().unwrap();
    for secret in [short, secret_note, "Geheimweg", their_id] {
        assert!(!html.contains(secret), "{secret:?} shown in the page");
    }
    for secret in ["Quattro Formaggi", "3×"] {
        assert!(!shown.contains(secret), "{secret:?} shown: {shown}");
    }

    // An unsigned parameter in the page's URL is ignored: the menu, and the
    // order is not even asked for.
    let own_id = own["id"].as_str().unwrap();
    let s = h
        .open_at(
            &format!("/app/?startapp=order_{}", link_id(&own)),
            &Open::user(OWNER),
        )
        .await;
    s.wait_for("[data-testid=screen-menu]").await;
    s.wait_for_call("ready").await;
    // The deep link is followed in the same step that draws the menu.
    assert!(s
        .page
        .find_element("[data-testid=screen-order]")
        .await
        .is_err());
    assert!(s
        .page
        .find_element("[data-testid=screen-item]")
        .await
        .is_err());
    assert!(
        !s.api_requests().iter().any(|r| r.url.contains(own_id)),
        "{:?}",
        s.api_requests()
    );
    assert!(!s.eval::<bool>("Telegram.WebApp.BackButton.isVisible").await);
    h.close().await;
}
