//! The app loads in Chromium with the Telegram stand-in, and the harness
//! itself works: signed initData, themes, screenshots.

use crate::harness::{Harness, Open};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_loads_and_tells_telegram_it_is_ready() {
    let h = Harness::start("smoke").await;
    let screen = h.open(&Open::user(7)).await;
    screen.wait_for_call("ready").await;
    screen.wait_for("body").await;
    // The page came from the server, with its policy, and ran without errors.
    let url: String = screen.eval("location.pathname").await;
    assert_eq!(url, "/app/");
    assert!(
        screen.errors().await.is_empty(),
        "{:?}",
        screen.errors().await
    );
    // The menu is drawn from what the page brought (no request for the menu
    // or for the texts of the browser's language), and its stylesheet is in
    // the page too: the first screen waits for the scripts alone.
    screen
        .wait_for("article[data-testid=menu-item-margherita]")
        .await;
    screen
        .wait_for_request("the caller", |r| r.url.ends_with("/api/v1/me"))
        .await;
    let asked: Vec<String> = screen.requests().into_iter().map(|r| r.url).collect();
    assert!(
        asked
            .iter()
            .all(|u| !u.ends_with("/api/v1/menu") && !u.contains("/i18n/") && !u.ends_with(".css")),
        "{asked:?}"
    );
    let styled: String = screen
        .eval("getComputedStyle(document.querySelector('article.card')).position")
        .await;
    assert_eq!(styled, "relative", "the page's own stylesheet applies");
    // The initData the stand-in hands the app is what the server accepts.
    let status: u16 = screen
        .eval("fetch('/api/v1/me', {headers: {Authorization: 'tma ' + Telegram.WebApp.initData}}).then(r => r.status)")
        .await;
    assert_eq!(status, 200);
    let path = screen.screenshot("start").await;
    let png = std::fs::read(&path).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 1000,
        "{}",
        path.display()
    );

    // Dark and right-to-left: the stand-in's theme reaches the page.
    let dark = h.open(&Open::user(8).language("ar").dark()).await;
    dark.wait_for_call("ready").await;
    let background: String = dark
        .eval("getComputedStyle(document.documentElement).getPropertyValue('--tg-theme-bg-color').trim()")
        .await;
    assert_eq!(background, "#212121");
    assert!(
        dark.eval::<bool>("matchMedia('(prefers-color-scheme: dark)').matches")
            .await
    );
    let user_language: String = dark
        .eval("Telegram.WebApp.initDataUnsafe.user.language_code")
        .await;
    assert_eq!(user_language, "ar");
    dark.screenshot("start-dark-ar").await;

    // Tampered initData is refused by the server.
    let forged = h.open(&Open::user(9).tampered()).await;
    let status: u16 = forged
        .eval("fetch('/api/v1/me', {headers: {Authorization: 'tma ' + Telegram.WebApp.initData}}).then(r => r.status)")
        .await;
    assert_eq!(status, 401);
    h.close().await;
}
