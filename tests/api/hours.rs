//! Opening hours: the menu shows them, and checkout outside them is refused
//! with the next opening time; inside them it goes through.

use crate::bot_helpers::*;
use crate::helpers::*;
use chrono::{DurationRound, TimeDelta, Utc};
use foodbot::i18n::Lang;
use foodbot::telegram::fake::updates::update_message;
use foodbot_domain::catalog::Catalog;
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;

crate::both_stores!(
    checkout_outside_the_opening_hours_is_refused_with_the_next_opening,
    checkout_within_the_opening_hours_goes_through,
);

/// The demo menu, open every day (UTC) from `from` to `to` hours after now.
pub fn open_from(from: i64, to: i64) -> (Arc<Catalog>, chrono::DateTime<Utc>) {
    let now = Utc::now().duration_trunc(TimeDelta::minutes(1)).unwrap();
    let opens = now + TimeDelta::hours(from);
    let closes = now + TimeDelta::hours(to);
    let span = format!("{}-{}", opens.format("%H:%M"), closes.format("%H:%M"));
    let day = json!([span]);
    let mut menu = (*menu()).clone();
    menu.restaurant.hours = Some(
        serde_json::from_value(json!({
            "time_zone": "UTC",
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day,
            "friday": day, "saturday": day, "sunday": day,
        }))
        .unwrap(),
    );
    (Arc::new(menu), opens)
}

/// A pickup cart of user 1 ready to check out; its path.
async fn ready_cart(app: &TestApp) -> String {
    let (status, body) = app
        .post("/api/v1/orders", 1, json!({ "items": [margherita(1)] }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let path = format!("/api/v1/orders/{}", body["id"].as_str().unwrap());
    let (status, body) = app
        .call(
            reqwest::Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(json!({ "kind": "pickup" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    path
}

async fn checkout_outside_the_opening_hours_is_refused_with_the_next_opening(store: Store) {
    let db = TestDb::new(store).await;
    let (menu, opens) = open_from(2, 3);
    let app = TestApp::spawn_with_menu(&db, menu, |_| {}).await;

    let (status, body) = app.get("/api/v1/menu", 1).await;
    assert_eq!(status, StatusCode::OK);
    let hours = &body["restaurant"]["hours"];
    assert_eq!(hours["time_zone"], "UTC");
    assert_eq!(hours["week"].as_array().unwrap().len(), 7);
    assert_eq!(hours["week"][0]["day"], "monday");
    assert_eq!(hours["week"][0]["spans"].as_array().unwrap().len(), 1);

    let path = ready_cart(&app).await;
    let events_before = app.event_count().await;
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "restaurant_closed");
    let opens_at: chrono::DateTime<Utc> =
        serde_json::from_value(body["error"]["details"]["opens_at"].clone()).unwrap();
    assert_eq!(opens_at, opens);
    assert_eq!(app.event_count().await, events_before, "nothing was stored");
    let (_, order) = app.get(&path, 1).await;
    assert_eq!(order["status"], "cart");

    // The bot's /menu says when orders are taken again, in the user's language.
    let menu = app.state.app.menu.clone();
    let shown = say(&app, 71, &update_message(71, 71, "/menu", Some("de"))).await;
    let hours = menu.restaurant.hours.as_ref().unwrap();
    let expected = foodbot::telegram::bot::texts::closed(Lang::De, hours, Utc::now());
    assert!(
        shown.text.as_deref().unwrap_or("").starts_with(&expected),
        "{shown:?}"
    );
    assert!(
        expected.contains(&opens.format("%H:%M").to_string()),
        "{expected}"
    );
}

async fn checkout_within_the_opening_hours_goes_through(store: Store) {
    let db = TestDb::new(store).await;
    let (menu, _) = open_from(-1, 1);
    let app = TestApp::spawn_with_menu(&db, menu, |_| {}).await;
    let path = ready_cart(&app).await;
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "checked_out");
}
