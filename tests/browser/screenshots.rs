//! Every screen of the app, light, dark and right to left, saved under
//! `target/screenshots/` (`screens-<screen>-<variant>.png`) for people to
//! look at; on each, nothing may stick out sideways.

use crate::harness::{Harness, Open, Screen};
use crate::orders::{speaks, taken_to};
use secrecy::SecretString;
use serde_json::json;

/// Waits for the photos in view, then checks the page fits the phone's
/// width and saves it.
async fn shot(s: &Screen, screen: &str, variant: &str) {
    // The whole page is photographed: photos further down load now too,
    // and the toast of the last action is put away so that it hides nothing.
    s.run("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; }); document.getElementById('toast').classList.remove('show')")
        .await;
    s.wait_until("Array.from(document.images).every(i => i.complete)")
        .await;
    let (scroll, client): (f64, f64) = s
        .eval("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        .await;
    assert!(
        scroll <= client,
        "{screen} ({variant}) is wider than the phone: {scroll} > {client}"
    );
    let path = if screen.starts_with("item") || screen == "menu-view" {
        s.screenshot_view(&format!("{screen}-{variant}")).await
    } else {
        s.screenshot(&format!("{screen}-{variant}")).await
    };
    let png = std::fs::read(&path).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 5_000,
        "{}",
        path.display()
    );
}

/// One customer's walk through every screen, with a delivered order behind them.
async fn tour(h: &Harness, variant: &str, how: Open) {
    let past = taken_to(
        &h.app,
        how.user,
        json!([{ "item_id": "caesar-salad", "quantity": 1, "options": { "base": ["quinoa"], "protein": ["grilled-chicken"] } },
               { "item_id": "lemonade", "quantity": 2 }]),
        "Torstraße 1",
        "delivered",
    )
    .await;
    speaks(&h.app, how.user, &how.language).await;

    let s = h.open(&how).await;
    s.wait_for("[data-testid=screen-menu]").await;
    shot(&s, "menu-view", variant).await;
    shot(&s, "menu", variant).await;

    s.click("[data-testid=menu-item-open-margherita]").await;
    s.wait_for("[data-testid=screen-item]").await;
    shot(&s, "item", variant).await;
    s.click("[data-testid=size-32cm]").await;
    s.click("[data-testid=option-extra-toppings-olives]").await;
    s.type_into("[data-testid=item-note]", "Well done").await;
    shot(&s, "item-chosen", variant).await;
    s.click("[data-testid=item-add]").await;
    s.wait_gone("[data-testid=screen-item]").await;

    s.wait_until("Telegram.WebApp.MainButton.isVisible").await;
    s.press_main_button().await;
    s.wait_for("[data-testid=screen-cart]").await;
    shot(&s, "cart", variant).await;

    s.press_main_button().await;
    s.wait_for("[data-testid=screen-checkout]").await;
    s.type_into("[data-testid=address-street]", "Karl-Marx-Allee 90")
        .await;
    s.type_into("[data-testid=address-city]", "Berlin").await;
    s.type_into("[data-testid=address-postcode]", "10243").await;
    // The phone the browser remembers from an earlier order is replaced.
    s.fill("[data-testid=address-phone]", "+49 30 5550100")
        .await;
    s.click("[data-testid=address-save]").await;
    s.type_into("[data-testid=address-label]", "Home").await;
    s.type_into("[data-testid=checkout-comment]", "Ring twice, please")
        .await;
    shot(&s, "checkout", variant).await;

    // A phone the server refuses: the address is saved by then, and the
    // screen shows it chosen instead of a form that would no longer count.
    // The phone field says what is wrong and has the focus.
    s.fill("[data-testid=address-phone]", "call me").await;
    s.press_main_button().await;
    s.wait_for("[data-testid=address-phone][aria-invalid=true]")
        .await;
    s.wait_for("[data-testid^=saved-address-]:checked").await;
    let (said, focused, described): (String, bool, bool) = s
        .eval(
            "(i => { const e = document.getElementById(i.getAttribute('aria-describedby'));
                     return [e.hidden ? '' : e.textContent, document.activeElement === i,
                             e.dataset.testid === 'address-phone-error']; })
             (document.querySelector('[data-testid=address-phone]'))",
        )
        .await;
    assert!(
        !said.is_empty() && focused && described,
        "{said:?} {focused} {described}"
    );
    assert!(s
        .page
        .find_element("[data-testid=address-street]")
        .await
        .is_err());
    shot(&s, "checkout-refused", variant).await;

    // Paying opens the invoice; closed without paying, the order waits.
    s.fill("[data-testid=address-phone]", "+49 30 5550100")
        .await;
    s.press_main_button().await;
    s.wait_for_call("openInvoice").await;
    s.wait_for("[data-testid=order-short-id]").await;
    assert!(s.close_invoice("cancelled").await);
    s.wait_for("[data-testid=order-pay-note].pay-note-cancelled")
        .await;
    assert_eq!(
        s.text("[data-testid=order-comment]").await,
        "Ring twice, please"
    );
    shot(&s, "order", variant).await;

    s.press_back_button().await;
    s.click("[data-testid=open-history]").await;
    let card = format!(
        "[data-testid=history-order-{}]",
        past["id"].as_str().unwrap()
    );
    s.wait_for(&card).await;
    s.wait_until("document.querySelectorAll('[data-testid^=history-order-]').length === 2")
        .await;
    shot(&s, "history", variant).await;

    s.click(&format!("{card} .order-open")).await;
    s.wait_for("[data-testid=order-status][data-status=delivered]")
        .await;
    shot(&s, "order-delivered", variant).await;

    s.press_back_button().await;
    s.press_back_button().await;
    s.click("[data-testid=open-profile]").await;
    s.wait_for("[data-testid=screen-profile] [data-testid^=profile-address-]")
        .await;
    shot(&s, "profile", variant).await;
    assert!(s.errors().await.is_empty(), "{:?}", s.errors().await);

    let forged = h.open(&how.clone().tampered()).await;
    forged
        .wait_for("[data-testid=screen-error][data-reason=auth]")
        .await;
    shot(&forged, "error", variant).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_is_photographed_light_dark_and_right_to_left() {
    let h = Harness::start_with("screens", |c| {
        c.payment_provider_token = Some(SecretString::from(
            "284685063:TEST:provider-token-for-tests",
        ));
    })
    .await;
    tour(&h, "light", Open::user(7_411)).await;
    tour(&h, "dark", Open::user(7_412).dark()).await;
    tour(&h, "rtl", Open::user(7_413).language("ar")).await;
    h.close().await;
}
