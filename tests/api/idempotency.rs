//! The same idempotency key twice has one effect: also when the first request
//! changed nothing or was refused, on one server or two, until its record
//! expires.

use crate::helpers::*;
use chrono::{DateTime, TimeDelta, Utc};
use foodbot::store::idempotency::purge_expired;
use foodbot::store::Database;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

crate::both_stores!(
    a_retried_request_that_changed_nothing_does_not_undo_a_later_change,
    a_refused_request_retried_after_the_order_changed_gets_the_same_refusal,
    a_key_used_again_for_another_request_is_refused,
    a_no_op_sent_to_two_servers_at_once_is_recorded_once,
    purging_removes_only_records_older_than_their_ttl,
    another_customer_replaying_a_key_learns_nothing_of_the_order,
);

/// The first line's quantity in an order (a command's answer or a read: one shape).
fn quantity(order: &Value) -> Option<u64> {
    order["lines"][0]["quantity"].as_u64()
}

async fn a_retried_request_that_changed_nothing_does_not_undo_a_later_change(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let line = format!("/api/v1/orders/{order}/items/1");
    let two = json!({ "quantity": 2 });
    let (status, _) = app
        .call(Method::PATCH, &line, Some(1), Some(two.clone()))
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = app.event_count().await;

    // The quantity is already 2: the keyed request changes nothing.
    let (status, body) = app
        .keyed(Method::PATCH, &line, 1, "K", Some(two.clone()))
        .await;
    assert_eq!(
        (status, quantity(&body)),
        (StatusCode::OK, Some(2)),
        "{body}"
    );
    assert_eq!(app.event_count().await, before);

    let (status, body) = app
        .keyed(Method::PATCH, &line, 1, "L", Some(json!({ "quantity": 3 })))
        .await;
    assert_eq!(
        (status, quantity(&body)),
        (StatusCode::OK, Some(3)),
        "{body}"
    );
    let changed = app.event_count().await;
    assert_eq!(changed, before + 1);

    // The retry of the first request is answered, not decided again.
    let (status, body) = app.keyed(Method::PATCH, &line, 1, "K", Some(two)).await;
    assert_eq!(
        (status, quantity(&body)),
        (StatusCode::OK, Some(3)),
        "{body}"
    );
    assert_eq!(app.event_count().await, changed, "the retry wrote nothing");
    let (_, shown) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(quantity(&shown), Some(3), "{shown}");
}

async fn a_refused_request_retried_after_the_order_changed_gets_the_same_refusal(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}");
    let checkout = format!("{path}/checkout");
    let (refused_with, refused) = app
        .keyed(Method::POST, &checkout, 1, "pay-1", Some(json!({})))
        .await;
    assert_eq!(
        (refused_with, refused["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("fulfilment_missing"))
    );

    // Now the checkout would succeed, but its retry is answered as it was.
    let pickup = json!({ "kind": "pickup" });
    let fulfilment = format!("{path}/fulfilment");
    let (status, _) = app
        .call(Method::PUT, &fulfilment, Some(1), Some(pickup))
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = app.event_count().await;
    let (again, body) = app
        .keyed(Method::POST, &checkout, 1, "pay-1", Some(json!({})))
        .await;
    assert_eq!((again, &body), (refused_with, &refused));
    assert_eq!(app.event_count().await, before, "the retry changed nothing");
    let (_, shown) = app.get(&path, 1).await;
    assert_eq!(shown["status"], "cart");

    // The refusal belongs to the key: a new key is a new request.
    let (status, body) = app
        .keyed(Method::POST, &checkout, 1, "pay-2", Some(json!({})))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("checked_out"))
    );

    // A refused create is answered the same way when retried.
    let sushi = json!({ "items": [{ "item_id": "sushi", "quantity": 1 }] });
    let (status, first) = app
        .post_keyed("/api/v1/orders", 1, "new-1", sushi.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{first}");
    let before = app.event_count().await;
    let (again, body) = app.post_keyed("/api/v1/orders", 1, "new-1", sushi).await;
    assert_eq!((again, &body), (status, &first));
    assert_eq!(app.event_count().await, before);
}

async fn a_key_used_again_for_another_request_is_refused(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}");
    let line = format!("{path}/items/1");
    let checkout = format!("{path}/checkout");
    let before = app.event_count().await;

    // "same" is recorded as a no-op, "refused" as a refusal.
    let one = Some(json!({ "quantity": 1 }));
    let (status, _) = app.keyed(Method::PATCH, &line, 1, "same", one).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .keyed(Method::POST, &checkout, 1, "refused", Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let three = Some(json!({ "quantity": 3 }));
    let cancel = format!("{path}/cancel");
    for (method, path, key, body) in [
        (Method::PATCH, &line, "same", three.clone()),
        (Method::POST, &checkout, "same", Some(json!({}))),
        (Method::PATCH, &line, "refused", three),
        (Method::POST, &cancel, "refused", Some(json!({}))),
    ] {
        let (status, body) = app.keyed(method.clone(), path, 1, key, body).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("idempotency_key_reused")),
            "{method} {path} with {key}: {body}"
        );
    }
    assert_eq!(app.event_count().await, before, "nothing was done");
    let (_, shown) = app.get(&path, 1).await;
    assert_eq!(
        (shown["status"].as_str(), quantity(&shown)),
        (Some("cart"), Some(1))
    );
}

async fn a_no_op_sent_to_two_servers_at_once_is_recorded_once(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    let two = TestApp::spawn(&db).await;
    let order = one.cart(1).await;
    let line = format!("/api/v1/orders/{order}/items/1");
    let before = one.event_count().await;
    let same = json!({ "quantity": 1 });
    let deliveries = (0..8).map(|i| {
        let app = if i % 2 == 0 { &one } else { &two };
        app.keyed(Method::PATCH, &line, 1, "tap", Some(same.clone()))
    });
    for (status, body) in futures::future::join_all(deliveries).await {
        assert_eq!(
            (status, quantity(&body)),
            (StatusCode::OK, Some(1)),
            "{body}"
        );
    }
    let records = "SELECT count(*) FROM idempotency_keys WHERE idempotency_key = 'tap'";
    assert_eq!(one.scalar(records).await, 1);
    assert_eq!(one.event_count().await, before);

    let (status, _) = one
        .keyed(
            Method::PATCH,
            &line,
            1,
            "more",
            Some(json!({ "quantity": 2 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for app in [&one, &two] {
        let (status, body) = app
            .keyed(Method::PATCH, &line, 1, "tap", Some(same.clone()))
            .await;
        assert_eq!(
            (status, quantity(&body)),
            (StatusCode::OK, Some(2)),
            "{body}"
        );
    }
    assert_eq!(one.event_count().await, before + 1);
}

async fn purging_removes_only_records_older_than_their_ttl(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let ttl = foodbot::config::Config::defaults()
        .idempotency_key_ttl()
        .unwrap();
    let order = app.cart(1).await;
    let items = format!("/api/v1/orders/{order}/items");
    let (status, _) = app
        .keyed(
            Method::PATCH,
            &format!("{items}/1"),
            1,
            "noop",
            Some(json!({ "quantity": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.post_keyed(&items, 1, "added", margherita(1)).await;
    assert_eq!(status, StatusCode::OK);
    backdate(&app.db, "noop").await;
    let (noop, added) = (
        recorded_at(&app.db, "noop").await,
        recorded_at(&app.db, "added").await,
    );
    assert!(noop < added);
    let count = "SELECT count(*) FROM idempotency_keys";
    let ms = TimeDelta::milliseconds(1);

    // A record exactly as old as the TTL is kept; one a moment older is not.
    assert_eq!(purge_expired(&app.db, ttl, noop + ttl).await.unwrap(), 0);
    assert_eq!(app.scalar(count).await, 2);
    assert_eq!(
        purge_expired(&app.db, ttl, noop + ttl + ms).await.unwrap(),
        1
    );
    assert_eq!(recorded(&app.db, "noop").await, 0);
    assert_eq!(recorded(&app.db, "added").await, 1);
    assert_eq!(purge_expired(&app.db, ttl, added + ttl).await.unwrap(), 0);
    assert_eq!(
        purge_expired(&app.db, ttl, added + ttl + ms).await.unwrap(),
        1
    );
    assert_eq!(app.scalar(count).await, 0);

    // A key whose effect is in the event log is still known from its events.
    let before = app.event_count().await;
    let (status, _) = app.post_keyed(&items, 1, "added", margherita(1)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.event_count().await, before);
}

/// Makes a key's record ten hours older than it is.
async fn backdate(db: &Database, key: &str) {
    let changed = match db {
        Database::Postgres(p) => sqlx::query(
            "UPDATE idempotency_keys SET recorded_at = recorded_at - interval '10 hours' WHERE idempotency_key = $1",
        )
        .bind(key)
        .execute(p)
        .await
        .unwrap()
        .rows_affected(),
        Database::Sqlite(p) => sqlx::query(
            "UPDATE idempotency_keys SET recorded_at = strftime('%Y-%m-%dT%H:%M:%fZ', recorded_at, '-10 hours') WHERE idempotency_key = ?1",
        )
        .bind(key)
        .execute(p)
        .await
        .unwrap()
        .rows_affected(),
    };
    assert_eq!(changed, 1);
}

async fn recorded_at(db: &Database, key: &str) -> DateTime<Utc> {
    let sql = "SELECT recorded_at FROM idempotency_keys WHERE idempotency_key = $1";
    match db {
        Database::Postgres(p) => sqlx::query_scalar(sql)
            .bind(key)
            .fetch_one(p)
            .await
            .unwrap(),
        Database::Sqlite(p) => {
            let text: String = sqlx::query_scalar(&sql.replace("$1", "?"))
                .bind(key)
                .fetch_one(p)
                .await
                .unwrap();
            DateTime::parse_from_rfc3339(&text).unwrap().to_utc()
        }
    }
}

async fn recorded(db: &Database, key: &str) -> i64 {
    let sql = "SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1";
    match db {
        Database::Postgres(p) => sqlx::query_scalar(sql)
            .bind(key)
            .fetch_one(p)
            .await
            .unwrap(),
        Database::Sqlite(p) => sqlx::query_scalar(&sql.replace("$1", "?"))
            .bind(key)
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

async fn another_customer_replaying_a_key_learns_nothing_of_the_order(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let line = format!("/api/v1/orders/{order}/items/1");
    // One key that changed the order, one that changed nothing.
    for (key, quantity) in [("changed", 2), ("unchanged", 2)] {
        let body = Some(json!({ "quantity": quantity }));
        let (status, _) = app.keyed(Method::PATCH, &line, 1, key, body).await;
        assert_eq!(status, StatusCode::OK);
    }
    let before = app.event_count().await;
    for key in ["changed", "unchanged"] {
        let body = Some(json!({ "quantity": 2 }));
        let (status, body) = app.keyed(Method::PATCH, &line, 2, key, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{key}: {body}");
        assert!(
            body.get("lines").is_none() && body.get("id").is_none(),
            "{body}"
        );
    }
    assert_eq!(app.event_count().await, before);
}
