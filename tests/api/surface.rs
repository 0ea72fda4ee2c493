//! Health, menu, OpenAPI and the handling of malformed requests.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

crate::both_stores!(
    health_and_readiness_answer,
    the_menu_is_public_and_lists_the_demo_restaurant_with_photos,
    malformed_json_is_a_400_and_changes_nothing,
    a_body_that_is_not_json_or_too_large_is_refused_and_changes_nothing,
    unknown_fields_are_refused,
    unknown_routes_are_json_404s,
    a_photo_name_no_file_system_takes_is_a_json_404,
);

async fn health_and_readiness_answer(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (status, body) = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, body) = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["store"],
        if store == Store::Postgres {
            "postgres"
        } else {
            "sqlite"
        }
    );
}

async fn the_menu_is_public_and_lists_the_demo_restaurant_with_photos(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (status, menu) = app.call(Method::GET, "/api/v1/menu", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let items = menu["items"].as_array().unwrap();
    assert!(items.len() >= 16, "{} items", items.len());
    assert!(menu["categories"].as_array().unwrap().len() >= 4);
    assert!(menu["restaurant"]["languages"].as_array().unwrap().len() >= 2);
    for item in items {
        let url = item["photo_url"].as_str().unwrap();
        let res = app
            .client
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("image/svg+xml"));
        assert!(res.text().await.unwrap().contains("<svg"));
    }
    let (status, spec) = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["paths"]["/api/v1/orders"].is_object(), "{spec}");
}

async fn malformed_json_is_a_400_and_changes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let before = app.event_count().await;
    let res = app
        .client
        .post(format!("{}/api/v1/orders/{order}/items", app.base))
        .header(
            "Authorization",
            format!("tma {}", init_data(1, BOT_TOKEN, now())),
        )
        .header("content-type", "application/json")
        .body("{\"item_id\": \"margherita\", \"quantity\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = parse(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_json");
    assert_eq!(app.event_count().await, before);
}

async fn a_body_that_is_not_json_or_too_large_is_refused_and_changes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let before = app.event_count().await;
    let url = format!("{}/api/v1/orders/{order}/items", app.base);
    let auth = format!("tma {}", init_data(1, BOT_TOKEN, now()));
    let res = app
        .client
        .post(&url)
        .header("Authorization", &auth)
        .body("item=margherita")
        .send()
        .await
        .unwrap();
    let (status, body) = parse(res).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
    // Routes whose body is optional hold a present body to the same rules.
    let cancel = format!("{}/api/v1/orders/{order}/cancel", app.base);
    let res = app
        .client
        .post(&cancel)
        .header("Authorization", &auth)
        .body("reason=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({ "item_id": "margherita", "quantity": 1, "note": "x".repeat(100_000) });
    // The server answers before reading the whole body and closes the
    // connection, so this one goes last, on a connection of its own.
    let res = reqwest::Client::new()
        .post(&url)
        .header("Authorization", &auth)
        .json(&huge)
        .send()
        .await
        .unwrap();
    let (status, body) = parse(res).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    assert_eq!(app.event_count().await, before);
}

async fn unknown_fields_are_refused(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let before = app.event_count().await;
    let (status, body) = app
        .post(
            &format!("/api/v1/orders/{order}/cancel"),
            1,
            json!({ "reason": "x", "refund_to": "me" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_body");
    let line = json!({ "item_id": "margherita", "quantity": 1, "extra_cheese": true });
    let (status, body) = app
        .post(&format!("/api/v1/orders/{order}/items"), 1, line)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_body");
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/orders/{order}/items/1"),
            Some(1),
            Some(json!({ "qty": 2 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid_body");
    let street = json!({ "street": "a", "city": "b", "floor": 3 });
    for fulfilment in [
        json!({ "kind": "pickup", "when": "now" }),
        json!({ "kind": "delivery", "address": street }),
    ] {
        let (status, body) = app
            .call(
                Method::PUT,
                &format!("/api/v1/orders/{order}/fulfilment"),
                Some(1),
                Some(fulfilment.clone()),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fulfilment}: {body}"
        );
        assert_eq!(body["error"]["code"], "invalid_body");
    }
    assert_eq!(app.event_count().await, before);
}

async fn unknown_routes_are_json_404s(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let (status, body) = app.get("/api/v1/nothing-here", 1).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

async fn a_photo_name_no_file_system_takes_is_a_json_404(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let long = format!("/menu/photos/{}.svg", "a".repeat(256));
    for path in [
        long.as_str(),
        "/menu/photos/margherita.svg/x",
        "/menu/photos/",
        "/menu/photos/nothing.svg",
    ] {
        let (status, body) = app.call(Method::GET, path, None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let long = app.call(Method::GET, &long, None, None).await.1;
    assert_eq!(long["error"]["code"], "not_found", "{long}");
}
