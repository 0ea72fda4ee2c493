//! A whole order in the Mini App, from the menu to the door: a burger with a
//! required choice and a capped one, a note, the cart, checkout to a new
//! address with a phone and a comment for the restaurant, the invoice opened
//! with the link the server made, the payment arriving as Telegram sends it,
//! and staff moving the order in their chat (whose post shows the comment)
//! while the customer's screen follows live.

use crate::bot_helpers::{button_labelled, deliver, press, shown, status_name};
use crate::harness::{Harness, Open, Screen};
use crate::helpers::{TestApp, STAFF_ID};
use crate::orders::pre_checkout_answered_yes;
use foodbot::i18n::{t, t_args, Lang};
use foodbot::telegram::fake::updates::update_successful_payment;
use foodbot::telegram::fake::ShownMessage;
use reqwest::StatusCode;
use secrecy::SecretString;

const PROVIDER_TOKEN: &str = "284685063:TEST:provider-token-for-tests";
const STAFF_CHAT: i64 = -1_002_346;
const CUSTOMER: i64 = 7_401;
/// Typed at checkout; text that would be markup if the post were parsed as such.
const COMMENT: &str = "Ring twice <b>please</b> & *no* cutlery";

/// The staff chat's post of the order `short`, once its first line shows `status`.
async fn post_showing(app: &TestApp, short: &str, status: &str) -> ShownMessage {
    let title = format!("#{short} ·");
    let want = format!("· {}", status_name(Lang::En, status));
    let find = || {
        app.bot_api.chat(STAFF_CHAT).into_iter().find(|m| {
            let first = shown(m).lines().next().unwrap_or("").to_string();
            first.contains(&title) && first.ends_with(&want)
        })
    };
    app.bot_api.wait_for(|_| find().is_some()).await;
    find().unwrap()
}

/// The order `short` as `GET /orders/{id}` shows it to the customer.
async fn order_shown(h: &Harness, short: &str) -> serde_json::Value {
    let (status, orders) = h.app.get("/api/v1/orders", CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{orders}");
    let id = orders["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["short_id"] == short)
        .unwrap_or_else(|| panic!("no order {short} in {orders}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, order) = h.app.get(&format!("/api/v1/orders/{id}"), CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    order
}

/// Whether Telegram's back button is shown.
async fn back_shown(s: &Screen) -> bool {
    s.eval("Telegram.WebApp.BackButton.isVisible").await
}

/// Waits until the main button is shown with exactly `text`.
async fn main_button_reads(s: &Screen, text: &str) {
    let want = serde_json::to_string(text).unwrap();
    s.wait_until(&format!(
        "Telegram.WebApp.MainButton.isVisible && Telegram.WebApp.MainButton.text === {want}"
    ))
    .await;
}

/// The number of entries the order's timeline shows as done.
async fn timeline_len(s: &Screen) -> usize {
    s.eval("document.querySelectorAll('[data-testid=timeline-entry]').length")
        .await
}

/// Waits until the order screen shows `status` and `entries` steps done.
async fn order_shows(s: &Screen, status: &str, entries: usize) {
    s.wait_until(&format!(
        "document.querySelector('[data-testid=order-status]')?.dataset.status === '{status}' \
         && document.querySelectorAll('[data-testid=timeline-entry]').length === {entries}"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_order_goes_from_the_menu_to_delivered_and_the_screen_follows_it_live() {
    let h = Harness::start_with("whole_order", |c| {
        c.payment_provider_token = Some(SecretString::from(PROVIDER_TOKEN));
        c.staff_chat_id = Some(STAFF_CHAT);
        // Staff posts go out through the outbox's sender.
        c.notify_send = true;
        c.notify_poll_ms = 100;
        c.notify_chat_per_sec = 0;
    })
    .await;
    let s = h.open(&Open::user(CUSTOMER)).await;
    s.wait_for("[data-testid=screen-menu]").await;
    // Set once: still there at the end, so nothing below reloaded the page.
    s.run("window.__sameDocument = true").await;
    assert!(!back_shown(&s).await, "no back button on the menu");
    assert_eq!(s.main_button().await["isVisible"], false, "an empty cart");
    assert!(
        !s.eval::<bool>("Telegram.WebApp.isClosingConfirmationEnabled")
            .await
    );

    // The classic burger: doneness is required (one of), extras at most three.
    s.click("[data-testid=menu-item-open-classic-burger]").await;
    s.wait_for("[data-testid=screen-item]").await;
    assert!(back_shown(&s).await, "the item sheet offers a way back");
    let limits: Vec<String> = s
        .eval(
            "['doneness', 'extras'].map(g => { const e = document.querySelector(`[data-testid=option-group-${g}]`); return `${e.dataset.min}-${e.dataset.max}`; })",
        )
        .await;
    assert_eq!(limits, ["1-1", "0-3"]);

    // Add is refused while no doneness is chosen: a message, no request.
    s.click("[data-testid=item-add]").await;
    s.wait_for("[data-testid=option-group-error-doneness]")
        .await;
    assert!(s
        .page
        .find_element("[data-testid=screen-item]")
        .await
        .is_ok());
    let writes = |s: &Screen| {
        s.api_requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .count()
    };
    assert_eq!(writes(&s), 0, "{:?}", s.api_requests());
    s.wait_for_call("HapticFeedback.notificationOccurred").await;

    // Three extras reach the maximum: the others cannot be ticked.
    for extra in ["cheddar", "bacon", "jalapenos"] {
        s.click(&format!("[data-testid=option-extras-{extra}]"))
            .await;
    }
    let patty = "[data-testid=option-extras-extra-patty]";
    s.wait_until(&format!("document.querySelector('{patty}').disabled"))
        .await;
    s.page
        .find_element(patty)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let ticked: Vec<String> = s
        .eval("Array.from(document.querySelectorAll('[data-testid^=option-extras-]:checked'), e => e.value)")
        .await;
    assert_eq!(ticked, ["cheddar", "bacon", "jalapenos"]);
    // One taken away frees the rest again.
    s.click("[data-testid=option-extras-jalapenos]").await;
    s.wait_until(&format!("!document.querySelector('{patty}').disabled"))
        .await;
    s.click("[data-testid=option-extras-jalapenos]").await;
    s.wait_until(&format!("document.querySelector('{patty}').disabled"))
        .await;

    // The minimum met, the message goes; a note; the price follows the choices.
    s.click("[data-testid=option-doneness-medium]").await;
    s.wait_until("document.querySelector('[data-testid=option-group-error-doneness]').hidden")
        .await;
    s.type_into("[data-testid=item-note]", "No onions, please")
        .await;
    // 10.90 + cheddar 1.00 + bacon 1.50 + jalapeños 0.80.
    assert_eq!(s.text("[data-testid=item-price]").await, "€14.20");
    s.click("[data-testid=item-add]").await;
    s.wait_gone("[data-testid=screen-item]").await;
    assert!(!back_shown(&s).await, "back on the menu");
    main_button_reads(&s, "View order · €14.20").await;
    assert!(
        s.eval::<bool>("Telegram.WebApp.isClosingConfirmationEnabled")
            .await
    );
    assert!(!s.calls_to("enableClosingConfirmation").await.is_empty());
    assert!(!s.calls_to("HapticFeedback.impactOccurred").await.is_empty());
    assert!(!s
        .calls_to("HapticFeedback.selectionChanged")
        .await
        .is_empty());

    // The cart: the line with its choices and note, the fee, the total.
    s.press_main_button().await;
    s.wait_for("[data-testid=screen-cart]").await;
    assert!(back_shown(&s).await);
    let line = s.text("[data-testid^=cart-line-]").await;
    for part in [
        "Classic Burger",
        "Medium (pink) · Cheddar · Crispy bacon · Jalapeños",
        "No onions, please",
    ] {
        assert!(line.contains(part), "{part:?} not in {line:?}");
    }
    assert_eq!(s.text("[data-testid=cart-subtotal]").await, "€14.20");
    assert_eq!(s.text("[data-testid=cart-delivery-fee]").await, "€2.99");
    assert_eq!(s.text("[data-testid=cart-total]").await, "€17.19");
    main_button_reads(&s, "Checkout · €17.19").await;

    // Checkout: delivery to a new address, with a phone.
    s.press_main_button().await;
    s.wait_for("[data-testid=screen-checkout]").await;
    assert!(back_shown(&s).await);
    assert!(
        s.eval::<bool>("document.querySelector('[data-testid=fulfilment-delivery]').checked")
            .await
    );
    s.type_into("[data-testid=address-street]", "Torstraße 1")
        .await;
    s.type_into("[data-testid=address-city]", "Berlin").await;
    s.type_into("[data-testid=address-postcode]", "10119").await;
    s.type_into("[data-testid=address-phone]", "+49 30 1234567")
        .await;
    s.type_into("[data-testid=checkout-comment]", COMMENT).await;
    assert_eq!(s.text("[data-testid=checkout-total]").await, "€17.19");
    main_button_reads(&s, "Pay €17.19").await;

    // Pay: checkout, the invoice link the server had Telegram make, opened.
    s.press_main_button().await;
    let opened = s.wait_for_call("openInvoice").await;
    let made = h.app.bot_api.calls_to("createInvoiceLink");
    assert_eq!(made.len(), 1, "{made:?}");
    let link = made[0].result.clone().expect("a link");
    assert_eq!(opened["args"][0], link, "the app opens the server's link");
    let payload = made[0].body["payload"].as_str().unwrap().to_string();
    let charged: i64 = made[0].body["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(charged, 1719);
    s.wait_for("[data-testid=screen-order]").await;
    assert!(back_shown(&s).await, "the order screen offers a way back");
    let (status, orders) = h.app.get("/api/v1/orders", CUSTOMER).await;
    assert_eq!(status, StatusCode::OK, "{orders}");
    let order = &orders["orders"][0];
    let short = order["short_id"].as_str().unwrap().to_string();
    assert_eq!(
        s.text("[data-testid=order-short-id]").await,
        format!("#{short}")
    );
    // The cart is an order now: nothing to lose on closing.
    assert!(
        !s.eval::<bool>("Telegram.WebApp.isClosingConfirmationEnabled")
            .await
    );
    let line = s.text("[data-testid^=order-line-]").await;
    assert!(line.contains("No onions, please"), "{line}");
    assert!(s
        .text("[data-testid=screen-order]")
        .await
        .contains("Torstraße 1"));
    assert_eq!(s.text("[data-testid=order-comment]").await, COMMENT);
    assert_eq!(s.text("[data-testid=order-phone]").await, "+49 30 1234567");
    assert_eq!(
        order_shown(&h, &short).await["fulfilment"]["comment"],
        COMMENT
    );

    // Telegram asks the bot before charging; the answer is yes.
    pre_checkout_answered_yes(&h.app, CUSTOMER, &payload, charged).await;

    // The invoice closes as paid before the bot hears of the payment: the
    // app waits for the server, and after reading the order it still says
    // the payment is on its way, not that it is paid.
    assert_eq!(timeline_len(&s).await, 1);
    assert!(s.close_invoice("paid").await);
    s.wait_for("[data-testid=order-pay-note].pay-note-paying")
        .await;
    s.run("document.querySelector('[data-testid=order-status]').dataset.seen = '1'")
        .await;
    s.wait_until("!document.querySelector('[data-testid=order-status][data-seen]')")
        .await;
    let shown_status: String = s
        .eval("document.querySelector('[data-testid=order-status]').dataset.status")
        .await;
    assert_ne!(shown_status, "paid");
    assert!(s
        .page
        .find_element("[data-testid=order-paid]")
        .await
        .is_err());
    assert_eq!(timeline_len(&s).await, 1);

    // Telegram reports the payment to the bot: now the screen says paid.
    let paid = update_successful_payment(CUSTOMER, CUSTOMER, &payload, "EUR", charged);
    assert_eq!(deliver(&h.app, &paid).await, StatusCode::OK);
    order_shows(&s, "paid", 2).await;
    let receipt = s.text("[data-testid=order-paid]").await;
    assert!(
        receipt.contains("Paid") && receipt.contains("€17.19"),
        "{receipt}"
    );
    s.wait_gone("[data-testid=order-pay-note]").await;
    assert_eq!(s.main_button().await["isVisible"], false, "nothing to pay");
    let successes = s.calls_to("HapticFeedback.notificationOccurred").await;
    assert!(
        successes.iter().any(|c| c["args"][0] == "success"),
        "{successes:?}"
    );

    // Staff move the order in their chat; each step reaches the screen by
    // itself, one more timeline entry each time.
    let mut post = post_showing(&h.app, &short, "paid").await;
    // The post shows the phone and the comment as typed, as plain text.
    for line in [
        t_args(
            Lang::En,
            "staff-order-phone",
            &[("phone", "+49 30 1234567".into())],
        ),
        t_args(
            Lang::En,
            "staff-order-comment",
            &[("comment", COMMENT.into())],
        ),
    ] {
        assert!(
            shown(&post).contains(&line),
            "{line:?} not in {}",
            shown(&post)
        );
    }
    let posted = h
        .app
        .bot_api
        .calls_to("sendMessage")
        .into_iter()
        .find(|c| c.body["chat_id"] == STAFF_CHAT)
        .expect("the post");
    assert!(posted.body.get("parse_mode").is_none(), "{:?}", posted.body);
    let steps = [
        (
            t_args(Lang::En, "staff-accept", &[("eta", 30u32.into())]),
            "accepted",
        ),
        (t(Lang::En, "staff-preparing"), "preparing"),
        (t(Lang::En, "staff-ready"), "ready"),
        (t(Lang::En, "staff-out-for-delivery"), "out_for_delivery"),
        (t(Lang::En, "staff-delivered"), "delivered"),
    ];
    for (n, (label, status)) in steps.into_iter().enumerate() {
        let before = timeline_len(&s).await;
        assert_eq!(before, 2 + n);
        let data = button_labelled(&post, &label)["callback_data"]
            .as_str()
            .unwrap()
            .to_string();
        let answer = press(&h.app, STAFF_ID, STAFF_CHAT, &post, &data).await;
        assert_eq!(answer.body["show_alert"], false, "{:?}", answer.body);
        order_shows(&s, status, before + 1).await;
        if status == "accepted" {
            assert!(s.text("[data-testid=order-eta]").await.contains("30"));
        }
        post = post_showing(&h.app, &short, status).await;
    }
    let events: Vec<String> = s
        .eval("Array.from(document.querySelectorAll('[data-testid=timeline-entry]'), e => e.dataset.event)")
        .await;
    assert_eq!(
        events,
        [
            "CheckedOut",
            "PaymentReceived",
            "OrderAccepted",
            "PreparationStarted",
            "OrderReady",
            "OutForDelivery",
            "OrderDelivered"
        ]
    );
    assert!(s
        .page
        .find_element("[data-testid=timeline-todo]")
        .await
        .is_err());
    s.wait_for("[data-testid=order-reorder]").await;
    assert!(
        s.eval::<bool>("window.__sameDocument === true").await,
        "the page was never reloaded"
    );
    assert!(s.errors().await.is_empty(), "{:?}", s.errors().await);
    h.close().await;
}
