//! The offline demo's console in Chromium: an order placed in the Mini App's
//! frame (pickup, with a phone and a comment for the restaurant), paid with
//! the test payment form, and taken to "picked up" by pressing the staff
//! chat's buttons, while the app's open order screen and the customer's chat
//! with the bot follow it live. Photographed on a laptop's screen along the
//! way; the one mid-order is the README's picture of the console
//! (`docs/demo-console.png`).

use crate::harness::{Harness, Screen};
use foodbot::i18n::{t, t_args, Lang};
use serde_json::Value;

/// What the customer leaves at checkout.
const PHONE: &str = "+49 30 5550199";
const COMMENT: &str = "Extra napkins, please";

/// The app's document inside the console's phone frame.
const FRAME: &str = "document.querySelector('[data-testid=app-frame]').contentDocument";

/// An expression: an element of the app matching `selector` is shown.
fn shown_in_app(selector: &str) -> String {
    let sel = serde_json::to_string(selector).unwrap();
    format!("(() => {{ const e = {FRAME}?.querySelector({sel}); return !!e && !e.hidden && e.getClientRects().length > 0; }})()")
}

/// Clicks an element of the app once it is shown. The frame is the app's own
/// document (its own tests click it with the mouse); here the click is the
/// element's.
async fn click_in_app(screen: &Screen, selector: &str) {
    screen.wait_until(&shown_in_app(selector)).await;
    let sel = serde_json::to_string(selector).unwrap();
    screen
        .run(&format!("{FRAME}.querySelector({sel}).click()"))
        .await;
}

/// Types `text` into a field of the app, as typing would (an `input` event).
async fn fill_in_app(screen: &Screen, selector: &str, text: &str) {
    screen.wait_until(&shown_in_app(selector)).await;
    let (sel, text) = (
        serde_json::to_string(selector).unwrap(),
        serde_json::to_string(text).unwrap(),
    );
    screen
        .run(&format!(
            "(e => {{ e.value = {text}; e.dispatchEvent(new Event('input', {{ bubbles: true }})); }})({FRAME}.querySelector({sel}))"
        ))
        .await;
}

/// Waits until the customer's chat with the bot shows a message reading `text`.
async fn bot_said(screen: &Screen, text: &str) {
    let text = serde_json::to_string(text).unwrap();
    screen
        .wait_until(&format!(
            "[...document.querySelectorAll('[data-testid=chat-bot] [data-testid=chat-text]')].some(e => e.textContent === {text})"
        ))
        .await;
}

/// A button of a chat panel by its label, as a selector.
fn button(panel: &str, label: &str) -> String {
    let label = serde_json::to_string(label).unwrap();
    format!("[data-testid={panel}] [data-testid=chat-button][data-label={label}]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_placed_paid_and_picked_up_by_clicking_in_the_demo_console() {
    let h = Harness::start_with("console", |c| {
        c.bot_token = None;
        c.public_url = None;
        c.staff_chat_id = None;
        c.staff_user_ids = vec![];
        c.payment_provider_token = None;
        c.notify_send = true;
        c.notify_chat_per_sec = 0;
        c.notify_poll_ms = 200;
    })
    .await;
    // A laptop's screen: the three columns side by side.
    let screen = h.open_desktop("/", 1280, 800).await;
    let en = Lang::En;

    // The Mini App in its frame, logged in by the console.
    screen
        .wait_until(&shown_in_app("[data-testid=screen-menu]"))
        .await;
    screen
        .wait_for("[data-testid=chat-bot] [data-testid=chat-status][data-state=live]")
        .await;
    screen
        .wait_for("[data-testid=chat-staff] [data-testid=chat-status][data-state=live]")
        .await;
    screen.screenshot("start").await;

    // A margherita, the cart, pickup with a phone and a comment, the order placed.
    click_in_app(&screen, "[data-testid=menu-item-add-margherita]").await;
    click_in_app(&screen, "[data-testid=item-add]").await;
    click_in_app(&screen, "[data-testid=main-button]").await;
    screen
        .wait_until(&shown_in_app("[data-testid=screen-cart]"))
        .await;
    click_in_app(&screen, "[data-testid=main-button]").await;
    screen
        .wait_until(&shown_in_app("[data-testid=screen-checkout]"))
        .await;
    click_in_app(&screen, "[data-testid=fulfilment-pickup]").await;
    fill_in_app(&screen, "[data-testid=address-phone]", PHONE).await;
    fill_in_app(&screen, "[data-testid=checkout-comment]", COMMENT).await;
    click_in_app(&screen, "[data-testid=main-button]").await;
    screen
        .wait_until(&shown_in_app("[data-testid=order-short-id]"))
        .await;
    let short: String = screen
        .eval(&format!(
            "{FRAME}.querySelector('[data-testid=order-short-id]').textContent"
        ))
        .await;
    assert!(short.starts_with('#'), "{short}");

    // Paying opens the console's test payment form with the invoice's amount.
    let pay = serde_json::to_string(&format!("{} €8.90", t(en, "app-pay"))).unwrap();
    screen
        .wait_until(&format!(
            "{FRAME}.querySelector('[data-testid=main-button]:not([hidden])')?.textContent === {pay}"
        ))
        .await;
    click_in_app(&screen, "[data-testid=main-button]").await;
    screen
        .wait_for("[data-testid=payment-dialog][open] [data-testid=payment-pay]:not([disabled])")
        .await;
    assert_eq!(screen.text("[data-testid=payment-amount]").await, "€8.90");
    screen.screenshot("payment").await;
    screen.click("[data-testid=payment-pay]").await;
    screen.wait_gone("[data-testid=payment-dialog][open]").await;
    screen
        .wait_until(&shown_in_app("[data-testid=order-paid]"))
        .await;
    screen
        .wait_for("[data-testid=chat-bot] [data-testid=chat-message][data-kind=payment]")
        .await;

    // The staff chat: the post's buttons, pressed as the demo's member of staff.
    // The post shows the customer's phone and comment.
    let post_says = |what: &str| {
        let what = serde_json::to_string(what).unwrap();
        format!("[...document.querySelectorAll('[data-testid=chat-staff] [data-testid=chat-text]')].some(e => e.textContent.includes({what}))")
    };
    screen.wait_until(&post_says(COMMENT)).await;
    screen.wait_until(&post_says(PHONE)).await;
    let accept = t_args(en, "staff-accept", &[("eta", 30u32.into())]);
    screen.click(&button("chat-staff", &accept)).await;
    screen
        .wait_until(&shown_in_app(
            "[data-testid=timeline-entry][data-status=accepted]",
        ))
        .await;
    // Mid-order: the app's live timeline, the customer told in the chat, the
    // kitchen's next buttons under the edited post.
    screen
        .wait_for(&button("chat-staff", &t(en, "staff-preparing")))
        .await;
    bot_said(
        &screen,
        &t_args(
            en,
            "notify-order-accepted",
            &[
                ("short_id", short.trim_start_matches('#').into()),
                ("eta", 30u32.into()),
            ],
        ),
    )
    .await;
    // Nothing passing over what is shown: the bot's answer to the press is
    // put away as a click on it does (if it is still there), and the app's
    // last toast as the app's own screenshots do.
    screen
        .run("document.querySelector('[data-testid=chat-staff] [data-testid=chat-notice]').click()")
        .await;
    screen
        .wait_until(
            "document.querySelector('[data-testid=chat-staff] [data-testid=chat-notice]').hidden",
        )
        .await;
    screen
        .run(&format!(
            "{FRAME}.getElementById('toast').classList.remove('show')"
        ))
        .await;
    screen
        .wait_until(&format!(
            "{FRAME}.defaultView.getComputedStyle({FRAME}.getElementById('toast')).opacity === '0'"
        ))
        .await;
    screen.screenshot_view("mid-order").await;
    screen
        .click(&button("chat-staff", &t(en, "staff-ready")))
        .await;
    screen
        .wait_until(&shown_in_app(
            "[data-testid=timeline-entry][data-status=ready]",
        ))
        .await;
    screen
        .click(&button("chat-staff", &t(en, "staff-picked-up")))
        .await;
    screen
        .wait_until(&shown_in_app(
            "[data-testid=timeline-entry][data-status=picked_up]",
        ))
        .await;
    // A finished order shows no buttons in the staff chat.
    screen
        .wait_gone("[data-testid=chat-staff] [data-testid=chat-button]")
        .await;
    let post = screen
        .texts("[data-testid=chat-staff] [data-testid=chat-text]")
        .await;
    assert!(
        post.iter().any(|p| p.contains(short.as_str())),
        "{post:?} {short}"
    );

    // The customer heard of each step in the chat, with a button to the order.
    let ready = t_args(
        en,
        "notify-order-ready",
        &[("short_id", short.trim_start_matches('#').into())],
    );
    bot_said(&screen, &ready).await;
    screen.screenshot("picked-up").await;

    // Nothing went wrong in the console or in the app's frame.
    let console_errors: Vec<Value> = screen.eval("window.__errors").await;
    let app_errors: Vec<Value> = screen
        .eval("document.querySelector('[data-testid=app-frame]').contentWindow.__errors")
        .await;
    assert!(console_errors.is_empty(), "{console_errors:?}");
    assert!(app_errors.is_empty(), "{app_errors:?}");
    h.close().await;
}
