//! initData altered after Telegram signed it: the app says it could not sign
//! the user in, and sends no command at all.

use crate::harness::{Harness, Open};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_init_data_shows_the_sign_in_error_and_sends_no_command() {
    let h = Harness::start("tampered").await;
    // Deep links too: a forged launch must not reorder or open anything.
    let s = h
        .open(
            &Open::user(7_405)
                .tampered()
                .start_param("reorder_0123456789abcdef0123456789abcdef"),
        )
        .await;
    s.wait_for("[data-testid=screen-error][data-reason=auth]")
        .await;
    assert_eq!(
        s.text("[data-testid=screen-error] h1").await,
        "Could not sign you in"
    );
    assert!(s
        .text("[data-testid=screen-error]")
        .await
        .contains("Open the app again from the bot in Telegram."));

    // The server was asked who this is, and said no.
    let refused = s
        .wait_for_request("for the user", |r| r.url.ends_with("/api/v1/me"))
        .await;
    assert_eq!(refused.status, Some(401), "{refused:?}");
    // Only reads were sent; the app stopped at the refusal (the reorder
    // link would have been a POST).
    let sent = s.api_requests();
    assert!(
        sent.iter().all(|r| r.method == "GET"),
        "commands sent with forged initData: {sent:?}"
    );
    // Nothing to press: no main or back button, no menu under the message.
    assert_eq!(s.main_button().await["isVisible"], false);
    assert!(!s.eval::<bool>("Telegram.WebApp.BackButton.isVisible").await);
    assert!(s
        .page
        .find_element("[data-testid=screen-menu]")
        .await
        .is_err());
    // No order came of it either.
    assert_eq!(h.app.scalar("SELECT COUNT(*) FROM events").await, 0);
    h.close().await;
}
