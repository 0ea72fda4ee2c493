//! The API's contract: one order shape everywhere, customer text kept as typed,
//! RFC 3339 times, and the same answers on PostgreSQL and on SQLite.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

crate::both_stores!(
    customer_text_comes_back_as_the_string_it_was_typed_as,
    a_command_answers_with_the_order_as_a_read_shows_it,
    a_storage_failure_is_a_500_that_shows_nothing_of_its_cause,
);

/// Notes and address fields that look like JSON, or are hard to quote.
const AWKWARD: [&str; 5] = [
    "[1,2]",
    "{\"a\":1}",
    "Ciao 🍕 \"extra\" crispy, it's 'well done' \\ please",
    "null",
    "42",
];

async fn customer_text_comes_back_as_the_string_it_was_typed_as(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let answers = session(&app).await;
    let shown = &answers.last().unwrap().2;
    let notes: Vec<&Value> = shown["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["note"])
        .collect();
    let typed: Vec<Value> = AWKWARD.iter().map(|n| json!(n)).collect();
    assert_eq!(notes, typed.iter().collect::<Vec<_>>(), "{shown}");
    assert_eq!(shown["fulfilment"]["comment"], AWKWARD[4], "{shown}");
    assert_eq!(
        shown["fulfilment"]["address"]["city"], AWKWARD[2],
        "{shown}"
    );
    for step in shown["timeline"].as_array().unwrap() {
        let at = step["at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(at).is_ok() && at.ends_with('Z'),
            "{at}"
        );
    }
}

/// One customer's scripted session: register, a cart with awkward notes,
/// delivery, checkout, cancel, reorder, and the reads of it all. Returns
/// every answer as (request, status, body).
async fn session(app: &TestApp) -> Vec<(String, StatusCode, Value)> {
    let user = 4242;
    let mut answers = Vec::new();
    let mut ask = |label: String, status: StatusCode, body: Value| {
        answers.push((label, status, body));
    };
    let (s, b) = app.get("/api/v1/me", user).await;
    ask("GET /me".into(), s, b);
    let first =
        json!({ "items": [{ "item_id": "margherita", "quantity": 1, "note": AWKWARD[0] }] });
    let (s, b) = app.post_keyed("/api/v1/orders", user, "open", first).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let order = b["id"].as_str().unwrap().to_string();
    ask("POST /orders".into(), s, b);
    for (i, note) in AWKWARD.iter().enumerate().skip(1) {
        let item = json!({
            "item_id": "margherita", "size": "32cm", "quantity": i,
            "options": { "extra-toppings": ["olives", "rocket"] }, "note": note,
        });
        let path = format!("/api/v1/orders/{order}/items");
        let (s, b) = app
            .post_keyed(&path, user, &format!("item-{i}"), item)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        ask(format!("POST items {i}"), s, b);
    }
    let delivery = json!({ "kind": "delivery", "phone": "+49 30 1234567", "comment": AWKWARD[4], "address": {
        "street": AWKWARD[1], "city": AWKWARD[2], "postcode": AWKWARD[0], "details": AWKWARD[3],
    }});
    let path = format!("/api/v1/orders/{order}/fulfilment");
    let (s, b) = app
        .keyed(Method::PUT, &path, user, "deliver", Some(delivery))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    ask("PUT fulfilment".into(), s, b);
    for step in ["checkout", "cancel", "reorder"] {
        let path = format!("/api/v1/orders/{order}/{step}");
        let (s, b) = app.post_keyed(&path, user, step, json!({})).await;
        assert!(s.is_success(), "{step}: {s} {b}");
        ask(format!("POST {step}"), s, b);
    }
    let (s, b) = app.get("/api/v1/orders", user).await;
    ask("GET /orders".into(), s, b);
    let (s, b) = app.get(&format!("/api/v1/orders/{order}"), user).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    ask("GET /orders/{id}".into(), s, b);
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_session_answers_the_same_on_postgresql_and_on_sqlite() {
    let mut runs = Vec::new();
    for store in [Store::Postgres, Store::Sqlite] {
        let db = TestDb::new(store).await;
        let app = TestApp::spawn(&db).await;
        runs.push(session(&app).await);
        app.stop().await;
    }
    let (postgres, sqlite) = (&runs[0], &runs[1]);
    assert_eq!(postgres.len(), sqlite.len());
    for (p, s) in postgres.iter().zip(sqlite) {
        // Order ids are derived from the idempotency keys, so only the times
        // differ between the runs.
        let (p_body, s_body) = (without_times(p.2.clone()), without_times(s.2.clone()));
        assert_eq!(
            (&p.0, p.1, &p_body),
            (&s.0, s.1, &s_body),
            "{}: PostgreSQL and SQLite answer differently",
            p.0
        );
    }
}

/// The body with every RFC 3339 time replaced by `"<time>"`.
fn without_times(v: Value) -> Value {
    match v {
        Value::String(s) if chrono::DateTime::parse_from_rfc3339(&s).is_ok() => json!("<time>"),
        Value::Array(a) => Value::Array(a.into_iter().map(without_times).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, without_times(v))).collect())
        }
        other => other,
    }
}

async fn a_command_answers_with_the_order_as_a_read_shows_it(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}/fulfilment");
    let (status, answer) = app
        .keyed(
            Method::PUT,
            &path,
            1,
            "pickup",
            Some(json!({ "kind": "pickup" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, shown) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    for (field, value) in answer.as_object().unwrap() {
        assert_eq!(&shown[field], value, "{field}");
    }
    let (_, list) = app.get("/api/v1/orders", 1).await;
    let summary = &list["orders"][0];
    for (field, value) in summary.as_object().unwrap() {
        if let Some(same) = shown.get(field) {
            assert_eq!(
                same, value,
                "{field} differs between the list and the order"
            );
        }
    }
}

async fn a_storage_failure_is_a_500_that_shows_nothing_of_its_cause(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let (status, _) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(status, StatusCode::OK);
    let pdb = app.db.projection_db();
    pdb.exec("DROP TABLE order_timeline", &[]).await.unwrap();
    let (status, body) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(
        body,
        json!({ "error": { "code": "internal", "message": "internal error" } })
    );
}
