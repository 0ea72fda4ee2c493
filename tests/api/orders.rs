//! The cart and order API, end to end.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

crate::both_stores!(
    a_cart_is_built_checked_out_and_priced_from_the_menu,
    bad_cart_requests_get_clear_errors_and_change_nothing,
    another_users_order_is_not_found_and_never_shown,
    orders_are_listed_for_their_owner_only,
    a_customer_cancels_before_payment_and_cannot_cancel_twice,
    reorder_copies_a_past_order_into_a_new_cart,
    idempotency_keys_make_retries_harmless,
    acknowledged_orders_survive_a_restart,
    events_record_who_acted_through_what_and_why,
    bad_read_tokens_are_refused_clearly,
    a_read_after_a_write_not_yet_projected_is_refused_as_not_yet_visible,
);

fn delivery() -> Value {
    json!({ "kind": "delivery", "address": { "street": "Torstraße 1", "city": "Berlin" }, "phone": "+49 30 1234567" })
}

async fn a_cart_is_built_checked_out_and_priced_from_the_menu(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let menu = menu();
    let pizza = menu.item("margherita").unwrap();
    let large = pizza
        .sizes
        .iter()
        .find(|s| s.id == "32cm")
        .unwrap()
        .price_delta;
    let olives = pizza.option_groups[0]
        .options
        .iter()
        .find(|o| o.id == "olives")
        .unwrap()
        .price_delta;

    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}");
    let line = json!({ "item_id": "margherita", "size": "32cm", "options": { "extra-toppings": ["olives"] }, "quantity": 2, "note": "well done" });
    let (status, body) = app.post(&format!("{path}/items"), 1, line).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let unit = pizza.price.amount + large + olives;
    assert_eq!(body["lines"][1]["unit_price"]["amount"], unit);
    assert_eq!(body["subtotal"]["amount"], pizza.price.amount + 2 * unit);

    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{path}/items/2"),
            Some(1),
            Some(json!({ "quantity": 3 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lines"][1]["line_total"]["amount"], 3 * unit);
    let (status, body) = app
        .call(Method::DELETE, &format!("{path}/items/1"), Some(1), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["lines"].as_array().unwrap().len(), 1);

    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("fulfilment_missing"))
    );

    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(delivery()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "checked_out");
    let fee = menu.restaurant.delivery_fee.amount;
    assert_eq!(body["subtotal"]["amount"], 3 * unit);
    assert_eq!(body["delivery_fee"]["amount"], fee);
    assert_eq!(body["total"]["amount"], 3 * unit + fee);
    assert_eq!(body["total"]["currency"], "EUR");

    // Prices are frozen: the cart cannot change until it is reopened.
    let (status, body) = app.post(&format!("{path}/items"), 1, margherita(1)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );
    assert_eq!(body["error"]["details"]["status"], "checked_out");
    let (status, body) = app.post(&format!("{path}/reopen"), 1, json!({})).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("cart"))
    );

    let (status, shown) = app.get(&path, 1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        shown["version"].as_u64().unwrap() as usize,
        app.events_of(&order).await.len()
    );
}

async fn bad_cart_requests_get_clear_errors_and_change_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}");
    let before = app.event_count().await;
    let cases = [
        (json!({ "item_id": "sushi", "quantity": 1 }), "unknown_item"),
        (
            json!({ "item_id": "pumpkin-cheesecake", "quantity": 1 }),
            "item_unavailable",
        ),
        (
            json!({ "item_id": "margherita", "size": "99cm", "quantity": 1 }),
            "unknown_size",
        ),
        (
            json!({ "item_id": "margherita", "options": { "extra-toppings": ["gold"] }, "quantity": 1 }),
            "unknown_option",
        ),
        (
            json!({ "item_id": "margherita", "options": { "extra-toppings": ["olives", "olives"] }, "quantity": 1 }),
            "duplicate_option",
        ),
        (
            json!({ "item_id": "classic-burger", "quantity": 1 }),
            "too_few_options",
        ),
        (
            json!({ "item_id": "classic-burger", "options": { "doneness": ["medium", "well-done"] }, "quantity": 1 }),
            "too_many_options",
        ),
        (
            json!({ "item_id": "margherita", "quantity": 0 }),
            "invalid_quantity",
        ),
        (
            json!({ "item_id": "margherita", "quantity": 1000 }),
            "invalid_quantity",
        ),
    ];
    for (line, code) in cases {
        let (status, body) = app.post(&format!("{path}/items"), 1, line.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{line}: {body}");
        assert_eq!(body["error"]["code"], "invalid_item");
        assert_eq!(body["error"]["details"]["code"], code, "{line}");
    }
    let (status, body) = app
        .call(Method::DELETE, &format!("{path}/items/42"), Some(1), None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_line"))
    );
    let bad_address = json!({ "kind": "delivery", "address": { "street": " ", "city": "Berlin" } });
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(bad_address),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_fulfilment"))
    );
    let (status, _) = app
        .call(Method::DELETE, &format!("{path}/items/1"), Some(1), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("empty_cart"))
    );
    assert_eq!(
        app.event_count().await,
        before + 1,
        "only the removal was recorded"
    );
}

async fn another_users_order_is_not_found_and_never_shown(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}");
    let before = app.event_count().await;
    let (status, body) = app.get(&path, 2).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.get("lines").is_none() && !body.to_string().contains("margherita"),
        "{body}"
    );
    for (method, suffix, payload) in [
        (Method::POST, "/items", Some(margherita(1))),
        (Method::DELETE, "/items/1", None),
        (
            Method::PUT,
            "/fulfilment",
            Some(json!({ "kind": "pickup" })),
        ),
        (Method::POST, "/checkout", Some(json!({}))),
        (Method::POST, "/cancel", Some(json!({}))),
        (Method::POST, "/reorder", Some(json!({}))),
    ] {
        let (status, body) = app
            .call(method.clone(), &format!("{path}{suffix}"), Some(2), payload)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {suffix}: {body}");
        assert!(!body.to_string().contains("margherita"));
    }
    let (status, _) = app.get("/api/v1/orders/not-a-uuid", 1).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Bob's requests registered Bob (a user event) and nothing else.
    assert_eq!(app.events_of(&order).await.len(), 2);
    assert!(app.event_count().await <= before + 1);
}

async fn orders_are_listed_for_their_owner_only(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let first = app.cart(1).await;
    let second = app.cart(1).await;
    let bobs = app.cart(2).await;
    let (status, body) = app.get("/api/v1/orders", 1).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![second.as_str(), first.as_str()],
        "newest first, only Alice's"
    );
    assert!(!ids.contains(&bobs.as_str()));
    let (_, body) = app.get("/api/v1/orders", 3).await;
    assert_eq!(body["orders"], json!([]));
}

async fn a_customer_cancels_before_payment_and_cannot_cancel_twice(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let (status, body) = app
        .post(
            &format!("/api/v1/orders/{order}/cancel"),
            1,
            json!({ "reason": "changed my mind" }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    let (status, body) = app
        .post(&format!("/api/v1/orders/{order}/cancel"), 1, json!({}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );
}

async fn reorder_copies_a_past_order_into_a_new_cart(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let line = json!({ "item_id": "cola", "size": "05l", "quantity": 2 });
    let (status, body) = app
        .post(&format!("/api/v1/orders/{order}/items"), 1, line)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(&format!("/api/v1/orders/{order}/reorder"), 1, json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let new_id = body["order"]["id"].as_str().unwrap();
    assert_ne!(new_id, order);
    assert_eq!(body["order"]["reordered_from"], order.as_str());
    assert_eq!(body["order"]["status"], "cart");
    let lines: Vec<(&str, u64)> = body["order"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["item_id"].as_str().unwrap(),
                l["quantity"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, vec![("margherita", 1), ("cola", 2)]);
    assert_eq!(body["unavailable"], json!([]));
}

async fn idempotency_keys_make_retries_harmless(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let body = json!({ "items": [margherita(1)] });
    let (first, created) = app
        .post_keyed("/api/v1/orders", 1, "create-1", body.clone())
        .await;
    let (again, replayed) = app
        .post_keyed("/api/v1/orders", 1, "create-1", body.clone())
        .await;
    assert_eq!((first, again), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(created["id"], replayed["id"]);
    let order = created["id"].as_str().unwrap().to_string();
    // The same key from another user is another user's order.
    let (status, bobs) = app.post_keyed("/api/v1/orders", 2, "create-1", body).await;
    // The same key with another request is a client bug, not a retry.
    let other = json!({ "items": [margherita(3)] });
    let (status_reused, reused) = app.post_keyed("/api/v1/orders", 1, "create-1", other).await;
    assert_eq!(status_reused, StatusCode::CONFLICT, "{reused}");
    assert_eq!(reused["error"]["code"], "idempotency_key_reused");
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(bobs["id"], created["id"]);

    let add = format!("/api/v1/orders/{order}/items");
    let results = futures::future::join_all((0..8).map(|_| {
        app.post_keyed(
            &add,
            1,
            "add-cola",
            json!({ "item_id": "cola", "quantity": 1 }),
        )
    }))
    .await;
    assert!(
        results.iter().all(|(s, _)| *s == StatusCode::OK),
        "{results:?}"
    );
    let types: Vec<String> = app
        .events_of(&order)
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        types,
        vec!["OrderCreated", "ItemAdded", "ItemAdded"],
        "one effect for eight deliveries"
    );

    let (status, body) = app
        .post_keyed(
            &format!("/api/v1/orders/{order}/checkout"),
            1,
            "add-cola",
            json!({}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("idempotency_key_reused"))
    );
    let res = app
        .client
        .post(format!("{}{add}", app.base))
        .header(
            "Authorization",
            format!("tma {}", init_data(1, BOT_TOKEN, now())),
        )
        .header("Idempotency-Key", "")
        .json(&margherita(1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.events_of(&order).await.len(), 3);
}

async fn acknowledged_orders_survive_a_restart(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let (_, before) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    app.stop().await;
    let app = TestApp::spawn(&db).await;
    let (status, after) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(before, after);
}

async fn events_record_who_acted_through_what_and_why(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let res = app
        .client
        .post(format!("{}/api/v1/orders", app.base))
        .header(
            "Authorization",
            format!("tma {}", init_data(5, BOT_TOKEN, now())),
        )
        .header("Idempotency-Key", "k-5")
        .json(&json!({ "items": [margherita(1)] }))
        .send()
        .await
        .unwrap();
    let request_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let (status, body) = parse(res).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sql = "SELECT CAST(metadata AS TEXT) FROM events WHERE aggregate_id = $1 ORDER BY sequence";
    let rows: Vec<String> = match &app.db {
        foodbot::store::Database::Postgres(p) => sqlx::query_scalar(sql)
            .bind(body["id"].as_str().unwrap())
            .fetch_all(p)
            .await
            .unwrap(),
        foodbot::store::Database::Sqlite(p) => sqlx::query_scalar(&sql.replace("$1", "?"))
            .bind(body["id"].as_str().unwrap())
            .fetch_all(p)
            .await
            .unwrap(),
    };
    assert_eq!(rows.len(), 2);
    for row in rows {
        let meta: Value = serde_json::from_str(&row).unwrap();
        assert_eq!(meta["actor"], "customer");
        assert_eq!(meta["user_id"], "5");
        assert_eq!(meta["channel"], "mini_app");
        assert_eq!(meta["command"], "create");
        assert_eq!(meta["idempotency_key"], "k-5");
        assert_eq!(meta["correlation_id"], request_id.as_str());
        assert!(chrono::DateTime::parse_from_rfc3339(meta["at"].as_str().unwrap()).is_ok());
    }
}

async fn bad_read_tokens_are_refused_clearly(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    for (query, code) in [
        ("after=nonsense", "invalid_read_token"),
        (
            &format!("after=Order:{order}:99") as &str,
            "invalid_read_token",
        ),
        ("after=Order:not-an-order:1", "invalid_read_token"),
        ("page=2", "invalid_query"),
    ] {
        for path in [
            format!("/api/v1/orders?{query}"),
            format!("/api/v1/orders/{order}?{query}"),
        ] {
            let (status, body) = app.call(Method::GET, &path, Some(1), None).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert_eq!(body["error"]["code"], code, "{path}");
        }
    }
    // A real token still works.
    let (status, body) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(
        (status, body["version"].as_u64()),
        (StatusCode::OK, Some(2))
    );
}

async fn a_read_after_a_write_not_yet_projected_is_refused_as_not_yet_visible(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, |c| c.read_after_timeout_ms = 100).await;
    let release = hold_back_projection(&app).await;
    let order = app.cart(1).await;
    let token = format!("Order:{order}:2");
    for path in [
        format!("/api/v1/orders/{order}?after={token}"),
        format!("/api/v1/orders?after={token}"),
    ] {
        let (status, body) = app.call(Method::GET, &path, Some(1), None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_yet_visible", "{path}");
    }
    // Without a token the read answers at once, without the order.
    let (status, body) = app.call(Method::GET, "/api/v1/orders", Some(1), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["orders"], json!([]));

    // Once the projector gets through, the same read shows the order.
    release_projection(&app, release).await;
    settle(&app, &token).await;
    let path = format!("/api/v1/orders/{order}?after={token}");
    let (status, body) = app.call(Method::GET, &path, Some(1), None).await;
    assert_eq!(
        (status, body["version"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{body}"
    );
}
