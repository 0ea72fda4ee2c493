//! How the food reaches the customer, with a phone and a comment: pickup
//! takes a phone as delivery does, either takes a comment for the
//! restaurant, and the order shows both wherever it shows its fulfilment
//! (command answers, `GET /orders/{id}`, the staff chat's post). A bad phone
//! or comment is refused naming its field and changes nothing.

use crate::bot_helpers::shown;
use crate::helpers::*;
use foodbot::i18n::{t, t_args, Lang};
use foodbot_domain::order::{OrderAction, PaymentMethod};
use foodbot_domain::{Actor, OrderId, UserId};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

crate::both_stores!(
    pickup_and_delivery_carry_a_phone_and_a_comment_wherever_the_order_is_shown,
    a_bad_phone_or_comment_is_refused_naming_its_field_and_changes_nothing,
    the_staff_post_shows_the_phone_and_the_comment_of_a_pickup_order,
);

const STAFF_CHAT: i64 = -1_001_777;

/// Every property `name` of the schemas within `schema` (the variants of an enum).
fn properties<'a>(schema: &'a Value, name: &str, found: &mut Vec<&'a Value>) {
    match schema {
        Value::Object(map) => {
            if let Some(p) = map.get("properties").and_then(|p| p.get(name)) {
                found.push(p);
            }
            for v in map.values() {
                properties(v, name, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| properties(v, name, found)),
        _ => {}
    }
}

/// `PUT /orders/{order}/fulfilment` as `user`.
async fn choose(app: &TestApp, user: i64, order: &str, fulfilment: Value) -> (StatusCode, Value) {
    app.call(
        Method::PUT,
        &format!("/api/v1/orders/{order}/fulfilment"),
        Some(user),
        Some(fulfilment),
    )
    .await
}

async fn pickup_and_delivery_carry_a_phone_and_a_comment_wherever_the_order_is_shown(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let path = format!("/api/v1/orders/{order}");

    // Pickup with a phone and a comment of two lines, trimmed.
    let (status, body) = choose(
        &app,
        1,
        &order,
        json!({ "kind": "pickup", "phone": " +49 30 1234567 ", "comment": "  Ring twice,\nno cutlery  " }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pickup = json!({ "kind": "pickup", "phone": "+49 30 1234567", "comment": "Ring twice,\nno cutlery" });
    assert_eq!(body["fulfilment"], pickup);
    let (status, shown) = app.get(&path, 1).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["fulfilment"], pickup);

    // Delivery with a comment and no phone; an empty comment is none.
    let (status, body) = choose(
        &app,
        1,
        &order,
        json!({ "kind": "delivery", "address": { "street": "Torstraße 1", "city": "Berlin" },
                "comment": "Leave it with the neighbours 🙂" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["fulfilment"],
        json!({ "kind": "delivery", "phone": null, "comment": "Leave it with the neighbours 🙂",
                "address": { "street": "Torstraße 1", "city": "Berlin", "postcode": null, "details": null } })
    );
    let (status, body) = choose(
        &app,
        1,
        &order,
        json!({ "kind": "pickup", "phone": "", "comment": "   " }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["fulfilment"],
        json!({ "kind": "pickup", "phone": null, "comment": null })
    );

    // Checked out: the answer and the read show the choice as it was made.
    let (status, _) = choose(&app, 1, &order, pickup.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.post(&format!("{path}/checkout"), 1, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["fulfilment"], pickup);
    let (status, shown) = app.get(&path, 1).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["fulfilment"], pickup);

    // The document states the limits, in what is sent and what is shown.
    let (status, spec) = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    for schema in ["FulfilmentInput", "Fulfilment"] {
        let schema = &spec["components"]["schemas"][schema];
        for (name, max) in [("comment", 500), ("phone", 40)] {
            let mut found = Vec::new();
            properties(schema, name, &mut found);
            assert_eq!(found.len(), 2, "{name} in both variants: {schema}");
            for p in found {
                assert_eq!(p["maxLength"], max, "{name}: {p}");
            }
        }
    }

    // Once checked out the comment cannot change.
    let (status, body) = choose(
        &app,
        1,
        &order,
        json!({ "kind": "pickup", "comment": "Changed my mind" }),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_state"))
    );
}

async fn a_bad_phone_or_comment_is_refused_naming_its_field_and_changes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order = app.cart(1).await;
    let chosen = json!({ "kind": "pickup", "phone": "+49 30 1234567", "comment": "no cutlery" });
    let (status, body) = choose(&app, 1, &order, chosen.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = app.event_count().await;

    let address = json!({ "street": "Torstraße 1", "city": "Berlin" });
    let too_long = "x".repeat(501);
    let cases = [
        (json!({ "kind": "pickup", "phone": "call me" }), "phone"),
        (json!({ "kind": "pickup", "phone": "12" }), "phone"),
        (
            json!({ "kind": "pickup", "phone": format!("+49{}301234567", " ".repeat(40)) }),
            "phone",
        ),
        (
            json!({ "kind": "delivery", "address": address, "phone": "call me" }),
            "phone",
        ),
        (json!({ "kind": "pickup", "comment": too_long }), "comment"),
        (
            json!({ "kind": "delivery", "address": address, "comment": too_long }),
            "comment",
        ),
        (
            json!({ "kind": "pickup", "comment": "ring\u{1b}[2J twice" }),
            "comment",
        ),
        (
            json!({ "kind": "delivery", "address": { "street": " ", "city": "Berlin" } }),
            "street",
        ),
    ];
    for (fulfilment, field) in cases {
        let (status, body) = choose(&app, 1, &order, fulfilment.clone()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_fulfilment")),
            "{fulfilment}: {body}"
        );
        assert_eq!(body["error"]["details"]["field"], field, "{fulfilment}");
    }
    // Not a string, or a field pickup does not have: refused before the domain.
    for fulfilment in [
        json!({ "kind": "pickup", "comment": 42 }),
        json!({ "kind": "pickup", "address": address }),
    ] {
        let (status, body) = choose(&app, 1, &order, fulfilment.clone()).await;
        assert!(status.is_client_error(), "{fulfilment}: {status} {body}");
    }

    assert_eq!(app.event_count().await, before, "nothing was recorded");
    let (status, shown) = app.get(&format!("/api/v1/orders/{order}"), 1).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["fulfilment"], chosen);
}

async fn the_staff_post_shows_the_phone_and_the_comment_of_a_pickup_order(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn_with(&db, |c| c.staff_chat_id = Some(STAFF_CHAT)).await;
    let customer = 601;
    let order = app.cart(customer).await;
    let (status, body) = choose(
        &app,
        customer,
        &order,
        json!({ "kind": "pickup", "phone": "+49 30 7654321",
                "comment": "Ring twice\nTotal: €0.00 <b>free</b>" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/orders/{order}/checkout"),
            customer,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: OrderId = order.parse().unwrap();
    let a = &app.state.app;
    let request = OrderAction::RequestPayment {
        method: PaymentMethod::Provider,
        invoice_payload: invoice_payload(id),
    };
    let me = meta(Actor::Customer(UserId(customer)));
    let state = a.order_command(&me, id, request).await.unwrap().state;
    let paid = OrderAction::RecordPayment {
        receipt: receipt(id, state.totals.unwrap().total),
    };
    a.order_command(&meta(Actor::System), id, paid)
        .await
        .unwrap();

    let title = format!("#{} ·", id.short());
    let post = || {
        app.bot_api
            .chat(STAFF_CHAT)
            .into_iter()
            .find(|m| shown(m).contains(&title))
    };
    app.bot_api.wait_for(|_| post().is_some()).await;
    let text = shown(&post().unwrap()).to_string();
    // The comment's second line is indented under the first: it cannot pass
    // for a line of the post.
    for line in [
        t(Lang::En, "staff-order-pickup"),
        t_args(
            Lang::En,
            "staff-order-phone",
            &[("phone", "+49 30 7654321".into())],
        ),
        t_args(
            Lang::En,
            "staff-order-comment",
            &[("comment", "Ring twice\n   Total: €0.00 <b>free</b>".into())],
        ),
    ] {
        assert!(text.contains(&line), "{line:?} not in {text}");
    }
    assert!(
        !text.lines().any(|l| l.starts_with("Total: €0.00")),
        "{text}"
    );
    // Sent as plain text: nothing the customer typed is read as markup.
    let sent = app
        .bot_api
        .calls_to("sendMessage")
        .into_iter()
        .find(|c| c.body["chat_id"] == STAFF_CHAT)
        .expect("the post was sent");
    assert!(sent.body.get("parse_mode").is_none(), "{:?}", sent.body);
    app.stop().await;
}
