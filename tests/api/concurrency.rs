//! Many concurrent commands on one order, from one server and from two servers
//! on the same database: no update is lost and no event is written twice.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

crate::both_stores!(
    concurrent_commands_on_one_order_lose_nothing_and_duplicate_nothing,
    an_idempotency_key_replayed_concurrently_on_two_servers_has_one_effect,
    a_server_with_an_old_copy_of_an_order_still_decides_on_its_real_state,
);

async fn concurrent_commands_on_one_order_lose_nothing_and_duplicate_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    // A second server process on the same database, with its own cache.
    let two = TestApp::spawn(&db).await;
    let order = one.cart(1).await;
    let add = format!("/api/v1/orders/{order}/items");
    const N: usize = 24;
    let requests = (0..N).map(|i| {
        let app = if i % 2 == 0 { &one } else { &two };
        let line =
            json!({ "item_id": "cola", "quantity": 1 + (i % 3), "note": format!("request {i}") });
        app.post(&add, 1, line)
    });
    let results = futures::future::join_all(requests).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let refused: Vec<_> = results
        .iter()
        .filter(|(s, _)| *s != StatusCode::OK)
        .collect();
    // A command may only fail by losing every retry, and then it says so.
    assert!(
        refused
            .iter()
            .all(|(s, b)| *s == StatusCode::CONFLICT && b["error"]["code"] == "concurrent_update"),
        "{refused:?}"
    );
    // The cart is full at 30 lines, far above 1 + N.
    assert!(ok >= N / 2, "only {ok} of {N} succeeded");

    let events = one.events_of(&order).await;
    let sequences: Vec<i64> = events.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        sequences,
        (1..=events.len() as i64).collect::<Vec<_>>(),
        "gap-free, unique sequence numbers"
    );
    assert_eq!(events.len(), 2 + ok, "one event per acknowledged command");

    // Read from the other server, after the newest of the concurrent writes.
    let after = format!(
        "/api/v1/orders/{order}?after=Order:{order}:{}",
        events.len()
    );
    let (status, shown) = two.get(&after, 1).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["version"].as_u64(), Some(events.len() as u64));
    let notes: std::collections::BTreeSet<String> = shown["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["note"].as_str().map(String::from))
        .collect();
    assert_eq!(
        notes.len(),
        ok,
        "every acknowledged line is in the cart exactly once"
    );
    for (i, (status, _)) in results.iter().enumerate() {
        assert_eq!(
            notes.contains(&format!("request {i}")),
            *status == StatusCode::OK
        );
    }
}

async fn an_idempotency_key_replayed_concurrently_on_two_servers_has_one_effect(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    let two = TestApp::spawn(&db).await;
    let order = one.cart(1).await;
    let add = format!("/api/v1/orders/{order}/items");
    let line = json!({ "item_id": "cola", "quantity": 2 });
    let replays = (0..16).map(|i| {
        let app = if i % 2 == 0 { &one } else { &two };
        app.post_keyed(&add, 1, "tap-once", line.clone())
    });
    let results = futures::future::join_all(replays).await;
    for (status, body) in &results {
        assert!(
            *status == StatusCode::OK
                || (*status == StatusCode::CONFLICT
                    && body["error"]["code"] == "concurrent_update"),
            "{status} {body}"
        );
    }
    let types: Vec<String> = one
        .events_of(&order)
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        types,
        ["OrderCreated", "ItemAdded", "ItemAdded"],
        "one effect for sixteen deliveries"
    );
    let after = format!("/api/v1/orders/{order}?after=Order:{order}:3");
    let (_, shown) = two.get(&after, 1).await;
    assert_eq!(shown["lines"].as_array().unwrap().len(), 2);
}

async fn a_server_with_an_old_copy_of_an_order_still_decides_on_its_real_state(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    let two = TestApp::spawn(&db).await;
    let order = one.cart(1).await;
    let path = format!("/api/v1/orders/{order}");
    let pickup = json!({ "kind": "pickup" });
    // Both servers now hold the order in their caches, as a cart.
    let (status, _) = one
        .call(
            reqwest::Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(pickup.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = two.get(&path, 1).await;
    assert_eq!(status, StatusCode::OK);

    // Server two checks out; server one still remembers a cart.
    let (status, _) = two.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    // On its old copy, adding an item would be fine: the append must be refused
    // and the command answered from the real state.
    let (status, body) = one.post(&format!("{path}/items"), 1, margherita(1)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state")),
        "{body}"
    );

    // Server one reopens the cart; server two remembers "checked out".
    let (status, _) = one.post(&format!("{path}/reopen"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = one
        .call(
            reqwest::Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(json!({ "kind": "delivery", "address": { "street": "A 1", "city": "B" } })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // On its old copy, reopening would be refused and pickup a no-op: both must
    // be decided on the real state instead.
    let (status, body) = two.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("checked_out")),
        "{body}"
    );
    let (status, _) = one.post(&format!("{path}/reopen"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = two
        .call(
            reqwest::Method::PUT,
            &format!("{path}/fulfilment"),
            Some(1),
            Some(pickup),
        )
        .await;
    assert_eq!(
        (status, body["fulfilment"]["kind"].as_str()),
        (StatusCode::OK, Some("pickup")),
        "{body}"
    );
    let types: Vec<String> = one
        .events_of(&order)
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        types.iter().filter(|t| *t == "FulfilmentChosen").count(),
        3,
        "{types:?}"
    );
}
