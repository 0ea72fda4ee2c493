//! The stop-list: staff mark a dish sold out from the chat, and at once the
//! menu shows it, new cart lines and checkout refuse it, and carts holding it
//! say so; back on sale, it can be ordered again.

use crate::bot_helpers::*;
use crate::helpers::*;
use foodbot::telegram::fake::updates::update_message;
use foodbot::telegram::fake::ShownMessage;
use reqwest::StatusCode;
use serde_json::{json, Value};

crate::both_stores!(
    a_dish_marked_sold_out_is_refused_at_once_and_orderable_again_when_back,
    only_staff_change_the_stop_list,
);

/// The data of the button labelled exactly `text` under `m`.
fn data_of(m: &ShownMessage, text: &str) -> String {
    button_labelled(m, text)["callback_data"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The staff member's stop-list message, opened at the pizza category.
async fn pizza_view(app: &TestApp) -> ShownMessage {
    let list = say(
        app,
        STAFF_ID,
        &update_message(STAFF_ID, STAFF_ID, "/stoplist", Some("en")),
    )
    .await;
    assert!(shown(&list).contains("Nothing is sold out."), "{list:?}");
    press(app, STAFF_ID, STAFF_ID, &list, &data_of(&list, "Pizza")).await;
    latest(app, &list)
}

/// Message `m` as the chat shows it now.
fn latest(app: &TestApp, m: &ShownMessage) -> ShownMessage {
    app.bot_api
        .chat(STAFF_ID)
        .into_iter()
        .find(|x| x.message_id == m.message_id)
        .unwrap()
}

async fn margherita_line(app: &TestApp) -> Value {
    let (_, menu) = app.get("/api/v1/menu", 1).await;
    menu["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "margherita")
        .cloned()
        .unwrap()
}

/// Item `id` of the menu the Mini App's page brings.
async fn page_item(app: &TestApp, id: &str) -> Value {
    let data = crate::webapp::page_data(app).await;
    data["menu"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .cloned()
        .unwrap()
}

async fn a_dish_marked_sold_out_is_refused_at_once_and_orderable_again_when_back(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    // A cart filled before the kitchen runs out.
    let (status, cart) = app
        .post("/api/v1/orders", 1, json!({ "items": [margherita(1)] }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{cart}");
    assert_eq!(cart["lines"][0]["available"], true);
    let path = format!("/api/v1/orders/{}", cart["id"].as_str().unwrap());
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(json!({ "kind": "pickup" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let view = pizza_view(&app).await;
    let sold_out = data_of(&view, "✅ Margherita");
    let answer = press(&app, STAFF_ID, STAFF_ID, &view, &sold_out).await;
    assert_eq!(answer.body["text"], "Margherita is sold out.");
    let view = latest(&app, &view);
    assert!(
        buttons(&view).iter().any(|(t, _)| t == "⛔ Margherita"),
        "{view:?}"
    );
    // A double tap (the same button pressed again) records nothing more.
    press(&app, STAFF_ID, STAFF_ID, &view, &sold_out).await;
    assert_eq!(events_named(&app, "SoldOut").await, 1);

    assert_eq!(margherita_line(&app).await["available"], false);
    // The Mini App's page brings the menu as it is now.
    assert_eq!(page_item(&app, "margherita").await["available"], false);
    let (status, body) = app
        .post("/api/v1/orders", 2, json!({ "items": [margherita(1)] }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["details"]["code"], "item_unavailable",
        "{body}"
    );
    let (_, held) = app.get(&path, 1).await;
    assert_eq!(held["lines"][0]["available"], false, "{held}");
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "items_unavailable");

    let back = data_of(&view, "⛔ Margherita");
    let answer = press(&app, STAFF_ID, STAFF_ID, &view, &back).await;
    assert_eq!(answer.body["text"], "Margherita is back on sale.");
    assert_eq!(margherita_line(&app).await["available"], true);
    assert_eq!(page_item(&app, "margherita").await["available"], true);
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lines"][0]["available"], true);
    let (status, _) = app
        .post("/api/v1/orders", 2, json!({ "items": [margherita(1)] }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn only_staff_change_the_stop_list(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let customer = 4242;
    let refused = say(
        &app,
        customer,
        &update_message(customer, customer, "/stoplist", Some("en")),
    )
    .await;
    assert_eq!(
        shown(&refused),
        "Only the restaurant’s staff can change the stop-list."
    );
    // A staff member's button pressed by someone else (forwarded, or forged
    // data): an alert, and nothing changes.
    let view = pizza_view(&app).await;
    let sold_out = data_of(&view, "✅ Margherita");
    let message = app.bot_api.message(STAFF_ID, view.message_id).unwrap();
    let update = foodbot::telegram::fake::updates::update_callback(customer, message, &sold_out);
    assert_eq!(deliver(&app, &update).await, StatusCode::OK);
    let answers = app.bot_api.wait_calls("answerCallbackQuery", 2).await;
    let last = answers.last().unwrap();
    assert_eq!(last.body["show_alert"], true);
    assert_eq!(
        last.body["text"],
        "Only the restaurant’s staff can change the stop-list."
    );
    assert_eq!(events_named(&app, "SoldOut").await, 0);
    assert_eq!(margherita_line(&app).await["available"], true);
}
