//! The notification outbox on both stores: the projector stores what happened
//! (kind and params), and the application reads pending notifications back
//! and renders them in the language it is given at send time.

use crate::helpers::*;
use foodbot::app::NotificationKind;
use foodbot::i18n::{format, Lang};
use foodbot::store::Database;
use foodbot_domain::order::OrderAction;
use foodbot_domain::{Actor, Money, OrderId, UserId};
use foodbot_projections::{projector, Model};
use serde_json::{json, Value};

crate::both_stores!(
    a_paid_order_s_notifications_carry_their_facts_and_render_when_sent,
    rows_written_before_params_get_them_and_keep_their_delivery_state,
);

async fn a_paid_order_s_notifications_carry_their_facts_and_render_when_sent(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));
    // Customer 1 speaks German.
    let order: OrderId = app.cart(1).await.parse().unwrap();
    let (_, amount) = pay(&app, order, 1).await;
    let accepted = app
        .state
        .app
        .order_command(
            &staff,
            order,
            OrderAction::Accept {
                eta_minutes: Some(15),
            },
        )
        .await
        .unwrap();
    settle(&app, &format!("Order:{order}:{}", accepted.version)).await;

    let short = order.short();
    let sql = "SELECT kind, language, CAST(params AS TEXT) AS params FROM notification_outbox
                WHERE order_id = $1 ORDER BY position";
    let rows = app
        .db
        .projection_db()
        .rows(sql, &[order.to_string().into()])
        .await
        .unwrap();
    let stored: Vec<(Value, Value, Value)> = rows
        .into_iter()
        .map(|r| {
            let params: Value = serde_json::from_str(r["params"].as_str().unwrap()).unwrap();
            (r["kind"].clone(), r["language"].clone(), params)
        })
        .collect();
    assert_eq!(
        stored,
        [
            (
                json!("payment_received"),
                json!("de"),
                json!({ "short_id": short, "amount": { "amount": amount, "currency": "EUR" } })
            ),
            (
                json!("order_accepted"),
                json!("de"),
                json!({ "short_id": short, "eta_minutes": 15 })
            ),
        ]
    );

    // The sender reads them back, typed, and renders them in the language
    // the user has when it sends.
    let pending = app.state.app.pending_notifications(10).await.unwrap();
    let pending: Vec<_> = pending.into_iter().map(Result::unwrap).collect();
    let kinds: Vec<_> = pending.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::PaymentReceived,
            NotificationKind::OrderAccepted
        ]
    );
    let accepted_id = pending[1].id.clone();
    let paid = &pending[0];
    assert_eq!((paid.user_id, paid.order_id), (UserId(1), order));
    let money = Money::new(amount, "EUR".parse().unwrap());
    assert_eq!(paid.params.amount(), Some(money));
    let de = paid.render(Lang::De);
    assert!(
        de.contains(&format(Lang::De, &money)) && de.contains(&short),
        "{de}"
    );
    assert!(de.contains("Zahlung"), "{de}");
    let en = paid.render(Lang::En);
    assert!(
        en.contains(&format(Lang::En, &money)) && en.contains("Payment"),
        "{en}"
    );

    // A sent notification is no longer pending.
    app.db
        .projection_db()
        .exec(
            "UPDATE notification_outbox SET sent_at = '2026-01-01T00:00:00Z', attempts = 1
              WHERE notification_id = $1",
            &[paid.id.clone().into()],
        )
        .await
        .unwrap();
    let pending = app.state.app.pending_notifications(10).await.unwrap();
    let ids: Vec<String> = pending.into_iter().map(|n| n.unwrap().id).collect();
    assert_eq!(ids, [accepted_id]);
    app.stop().await;
}

/// The migration that replaced `text` with `params`, on a database that had
/// notifications (one of them sent) before it: the outbox model is projected
/// again, every row gets its params, and the sender's columns are kept.
async fn rows_written_before_params_get_them_and_keep_their_delivery_state(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let order: OrderId = app.cart(1).await.parse().unwrap();
    let (version, amount) = pay(&app, order, 1).await;
    settle(&app, &format!("Order:{order}:{version}")).await;
    app.stop().await;

    // The outbox as it was before the migration: text, no params, one
    // notification sent.
    let database = Database::connect(&db.url, 2).await.unwrap();
    let pdb = database.projection_db();
    for sql in [
        "ALTER TABLE notification_outbox ADD COLUMN text text",
        "UPDATE notification_outbox SET text = 'Payment received.', sent_at = '2026-01-01T00:00:00Z', attempts = 2, last_error = 'timeout'",
        "ALTER TABLE notification_outbox DROP COLUMN params",
        "DELETE FROM _sqlx_migrations WHERE version = 20261203000001",
    ] {
        pdb.exec(sql, &[]).await.unwrap();
    }
    database.close().await;

    let database = Database::connect(&db.url, 2).await.unwrap();
    let pdb = database.projection_db();
    let sql =
        "SELECT CAST(params AS TEXT) AS params, attempts, last_error, sent_at IS NOT NULL AS sent
                 FROM notification_outbox";
    let before = pdb.rows(sql, &[]).await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(
        before[0]["params"],
        Value::Null,
        "no params before the replay"
    );
    projector::replay(&pdb, &[Model::Outbox], &|_| true)
        .await
        .unwrap();
    let after = pdb.rows(sql, &[]).await.unwrap();
    assert_eq!(after.len(), 1);
    let params: Value = serde_json::from_str(after[0]["params"].as_str().unwrap()).unwrap();
    assert_eq!(
        params,
        json!({ "short_id": order.short(), "amount": { "amount": amount, "currency": "EUR" } })
    );
    assert_eq!(after[0]["attempts"], 2);
    assert_eq!(after[0]["last_error"], "timeout");
    assert!(
        after[0]["sent"] == true || after[0]["sent"] == 1,
        "{after:?}"
    );
    database.close().await;
}
