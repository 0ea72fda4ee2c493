//! Interface languages and menu languages are separate: a customer may use any
//! of the twelve interface languages, whichever languages the menu is written in.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

crate::both_stores!(
    a_customer_may_choose_an_interface_language_the_menu_is_not_written_in,
    an_unknown_language_is_refused_and_changes_nothing,
);

async fn a_customer_may_choose_an_interface_language_the_menu_is_not_written_in(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (_, menu) = app.call(Method::GET, "/api/v1/menu", None, None).await;
    assert_eq!(
        menu["restaurant"]["languages"],
        json!(["en", "de", "ru", "ar"])
    );
    for language in ["uz", "ar"] {
        let (status, body) = app
            .call(
                Method::PUT,
                "/api/v1/me/language",
                Some(5),
                Some(json!({ "language": language })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{language}: {body}");
        let (_, me) = app.get("/api/v1/me", 5).await;
        assert_eq!(me["language"], language);
    }
}

async fn an_unknown_language_is_refused_and_changes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (_, me) = app.get("/api/v1/me", 6).await;
    assert_eq!(me["language"], "de");
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/language",
            Some(6),
            Some(json!({ "language": "xx" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "unsupported_language");
    assert_eq!(app.events_of("6").await.len(), 1, "only the registration");
}
