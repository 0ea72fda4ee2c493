//! The read side against a real database: no event skipped, exactly-once
//! application across failures and processes, and rebuilds equal to live.

use crate::helpers::*;
use foodbot_domain::order::OrderAction;
use foodbot_domain::{Actor, Channel, OrderId, UserId};
use foodbot_projections::{projector, Db, Model, Projector};
use reqwest::StatusCode;
use serde_json::{json, Value};

crate::both_stores!(
    every_read_model_rebuilt_from_zero_equals_the_live_one,
    a_read_model_that_cannot_go_on_stops_and_the_others_go_on,
    news_of_an_order_created_in_the_same_step_follows_the_stored_preference,
);

async fn dump(db: &Db, model: Model) -> Vec<(String, Vec<serde_json::Map<String, Value>>)> {
    let mut out = Vec::new();
    for (table, order) in model.tables() {
        let rows = db
            .rows(&format!("SELECT * FROM {table} ORDER BY {order}"), &[])
            .await
            .unwrap();
        out.push((table.to_string(), rows));
    }
    out
}

async fn every_read_model_rebuilt_from_zero_equals_the_live_one(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let a = &app.state.app;
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));

    // A day in the kitchen: three customers, carts, payments, every step, a
    // rejection with refund, a cancellation, a reorder, settings changes.
    let (_, me) = app.get("/api/v1/me", 3).await;
    assert_eq!(me["id"], 3);
    app.call(
        reqwest::Method::PUT,
        "/api/v1/me/language",
        Some(3),
        Some(json!({ "language": "en" })),
    )
    .await;
    app.call(
        reqwest::Method::PUT,
        "/api/v1/me/notifications",
        Some(2),
        Some(json!({ "preference": "essential" })),
    )
    .await;
    let mut last = String::new();
    for customer in [1, 2, 3] {
        let delivered: OrderId = app.cart(customer).await.parse().unwrap();
        pay(&app, delivered, customer).await;
        for action in [
            OrderAction::Accept {
                eta_minutes: Some(15),
            },
            OrderAction::StartPreparing,
            OrderAction::MarkReady,
            OrderAction::MarkPickedUp,
        ] {
            a.order_command(&staff, delivered, action).await.unwrap();
        }
        let rejected: OrderId = app.cart(customer).await.parse().unwrap();
        let (_, amount) = pay(&app, rejected, customer).await;
        a.order_command(
            &staff,
            rejected,
            OrderAction::Reject {
                // Characters that COPY's text format escapes.
                reason: "no dough \\ none\tleft\nsorry".into(),
            },
        )
        .await
        .unwrap();
        let refund = foodbot_domain::Money::new(amount, "EUR".parse().unwrap());
        a.order_command(
            &staff,
            rejected,
            OrderAction::RecordRefund {
                amount: refund,
                telegram_charge_id: "r".into(),
            },
        )
        .await
        .unwrap();
        let cancelled = app.cart(customer).await;
        let (status, _) = app
            .post(
                &format!("/api/v1/orders/{cancelled}/cancel"),
                customer,
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app
            .post(
                &format!("/api/v1/orders/{delivered}/reorder"),
                customer,
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        last = format!(
            "Order:{}:{}",
            body["order"]["id"].as_str().unwrap(),
            body["order"]["version"]
        );
    }
    settle(&app, &last).await;

    let pdb = app.db.projection_db();
    let ledger = dump(&pdb, Model::PaymentLedger).await;
    assert_eq!(
        ledger[0].1.len(),
        3 * 2 + 3 * 2,
        "six payments, three refund requests, three refunds"
    );
    let outbox = dump(&pdb, Model::Outbox).await;
    let kinds: Vec<&str> = outbox[0]
        .1
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"order_ready") && kinds.contains(&"refund_completed"),
        "{kinds:?}"
    );
    // Customer 2 asked for essential notifications only: no "accepted" for them.
    assert!(!outbox[0]
        .1
        .iter()
        .any(|r| r["user_id"] == 2 && r["kind"] == "order_accepted"));
    assert!(outbox[0]
        .1
        .iter()
        .any(|r| r["user_id"] == 1 && r["kind"] == "order_accepted" && r["language"] == "de"));
    assert!(outbox[0]
        .1
        .iter()
        .any(|r| r["user_id"] == 3 && r["language"] == "en"));

    // The hash chain follows final order only: wait until it has every event
    // too (another test's open transaction may hold it back a moment).
    crate::audit::chain_complete(&pdb).await;
    let mut conn = pdb.connect().await.unwrap();
    for model in Model::ALL {
        let live = dump(&pdb, model).await;
        assert!(
            live.iter().any(|(_, rows)| !rows.is_empty()),
            "{} is empty",
            model.name()
        );
        if model == Model::Outbox {
            // Nothing was sent yet, so the outbox may be rebuilt from nothing
            // too (before the reset: the live projector replays right after it).
            pdb.exec("DELETE FROM notification_outbox", &[])
                .await
                .unwrap();
        }
        projector::reset(&mut conn, model).await.unwrap();
        projector::replay(&pdb, &[model], &|_| true).await.unwrap();
        let rebuilt = dump(&pdb, model).await;
        assert_eq!(rebuilt, live, "{} rebuilt differs from live", model.name());
    }
    // All at once, as `foodbot projections rebuild --all` does: the models
    // shared out over several connections, every event in big steps.
    let mut live = Vec::new();
    for model in Model::ALL {
        live.push(dump(&pdb, model).await);
    }
    pdb.exec("DELETE FROM notification_outbox", &[])
        .await
        .unwrap();
    for model in Model::ALL {
        projector::reset(&mut conn, model).await.unwrap();
    }
    projector::replay(&pdb, &Model::ALL, &|_| true)
        .await
        .unwrap();
    for (model, live) in Model::ALL.into_iter().zip(live) {
        let rebuilt = dump(&pdb, model).await;
        assert_eq!(rebuilt, live, "{} rebuilt differs from live", model.name());
    }
    // A preference is kept when an order's creation and its news share a step.
    let outbox = dump(&pdb, Model::Outbox).await;
    assert!(!outbox[0]
        .1
        .iter()
        .any(|r| r["user_id"] == 2 && r["kind"] == "order_accepted"));
    // A rebuild keeps the notifications made before, with their delivery
    // state, and makes none of them again.
    pdb.exec(
        "UPDATE notification_outbox SET sent_at = '2026-01-01T00:00:00Z', attempts = 1",
        &[],
    )
    .await
    .unwrap();
    let sent = dump(&pdb, Model::Outbox).await;
    projector::reset(&mut conn, Model::Outbox).await.unwrap();
    projector::replay(&pdb, &[Model::Outbox], &|_| true)
        .await
        .unwrap();
    assert_eq!(dump(&pdb, Model::Outbox).await, sent);
    let status = projector::status(&pdb).await.unwrap();
    assert!(status.iter().all(|s| s.lag_events == 0), "{status:?}");
}

/// Where an order's event stands in the global order.
async fn payment_checkpoint(
    db: &Db,
    order: OrderId,
    sequence: usize,
) -> foodbot_projections::Checkpoint {
    let sql = match db {
        Db::Postgres(_) => "SELECT transaction_id::text::bigint AS tx, position FROM events WHERE aggregate_id = $1 AND sequence = $2",
        Db::Sqlite(_) => "SELECT 0 AS tx, position FROM events WHERE aggregate_id = $1 AND sequence = $2",
    };
    let row = db
        .rows(sql, &[order.to_string().into(), (sequence as i64).into()])
        .await
        .unwrap()
        .remove(0);
    foodbot_projections::Checkpoint {
        transaction_id: row["tx"].as_i64().unwrap(),
        position: row["position"].as_i64().unwrap(),
    }
}

/// Installs a fault: inserting into the payment ledger fails.
async fn break_ledger(db: &Db) {
    match db {
        Db::Postgres(_) => {
            db.exec("CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$", &[]).await.unwrap();
            db.exec("CREATE TRIGGER test_fail BEFORE INSERT ON payment_ledger FOR EACH ROW EXECUTE FUNCTION test_fail()", &[]).await.unwrap();
        }
        Db::Sqlite(_) => {
            db.exec("CREATE TRIGGER test_fail BEFORE INSERT ON payment_ledger BEGIN SELECT RAISE(ABORT, 'disk full'); END", &[]).await.unwrap();
        }
    }
}

async fn a_read_model_that_cannot_go_on_stops_and_the_others_go_on(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let pdb = app.db.projection_db();
    let order: OrderId = app.cart(1).await.parse().unwrap();
    let a = &app.state.app;
    let invoiced = invoice(&app, order, 1).await;
    let version = app.events_of(&order.to_string()).await.len();
    settle(&app, &format!("Order:{order}:{version}")).await;
    let ledger_before = dump(&pdb, Model::PaymentLedger).await;

    break_ledger(&pdb).await;
    let amount = invoiced.totals.as_ref().unwrap().total;
    let paid = a
        .order_command(
            &meta(Actor::System),
            order,
            OrderAction::RecordPayment {
                receipt: receipt(order, amount),
            },
        )
        .await
        .unwrap();
    // One step here (the server's projector may take it first: the outcome
    // is the same). The ledger cannot take the payment: it stops with the
    // cause and keeps nothing of the step; the other models go on.
    let mut conn = pdb.connect().await.unwrap();
    Projector::new(pdb.clone()).step(&mut conn).await.unwrap();
    settle(&app, &format!("Order:{order}:{}", paid.version)).await;
    let status = pdb
        .rows(
            "SELECT status, paid_amount FROM order_status WHERE order_id = $1",
            &[order.to_string().into()],
        )
        .await
        .unwrap();
    assert_eq!(status[0]["status"], "paid", "the others went on");
    assert_eq!(dump(&pdb, Model::PaymentLedger).await, ledger_before);
    let payment = payment_checkpoint(&pdb, order, paid.version).await;
    let marks = projector::marks(&pdb).await.unwrap();
    let ledger = &marks[&Model::PaymentLedger];
    assert!(ledger.needs(payment), "{ledger:?}");
    assert!(
        ledger.stuck.as_deref().unwrap().contains("disk full"),
        "{ledger:?}"
    );
    for (m, mark) in marks.iter().filter(|(m, _)| **m != Model::PaymentLedger) {
        assert!(mark.stuck.is_none(), "{} stopped too", m.name());
    }
    // The operator sees which model stopped and why.
    let (code, body) = app.get("/readyz", 1).await;
    assert_eq!(code, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["stopped"][0]["read_model"], "payment_ledger", "{body}");
    assert!(body["stopped"][0]["error"]
        .as_str()
        .unwrap()
        .contains("disk full"));
    let status = projector::status(&pdb).await.unwrap();
    let ledger = status.iter().find(|s| s.name == "payment_ledger").unwrap();
    assert!(
        ledger.error.is_some() && ledger.lag_events > 0,
        "{ledger:?}"
    );

    // Once the fault is gone it takes the payment, exactly once.
    pdb.exec("DROP TRIGGER test_fail ON payment_ledger", &[])
        .await
        .ok();
    pdb.exec("DROP TRIGGER test_fail", &[]).await.ok();
    Projector::new(pdb.clone()).step(&mut conn).await.unwrap();
    let rows = pdb
        .rows(
            "SELECT kind FROM payment_ledger WHERE order_id = $1",
            &[order.to_string().into()],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the payment is in the ledger exactly once");
    let marks = projector::marks(&pdb).await.unwrap();
    assert!(marks.values().all(|m| m.stuck.is_none()), "{marks:?}");
    let (code, body) = app.get("/readyz", 1).await;
    assert_eq!(code, StatusCode::OK, "{body}");
}

crate::both_stores!(@postgres_only
    no_event_is_skipped_when_a_transaction_commits_late,
    two_processes_project_once_and_the_survivor_takes_over,
    a_process_that_does_not_project_reads_its_writes,
);

async fn no_event_is_skipped_when_a_transaction_commits_late(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let foodbot::store::Database::Postgres(pool) = &app.db else {
        unreachable!()
    };
    // A writer takes a position and holds its transaction open.
    let registered = foodbot_domain::user::UserEvent::UserRegistered {
        user_id: UserId(77),
        profile: foodbot_domain::user::Profile {
            first_name: "Late".into(),
            ..Default::default()
        },
        language: "en".into(),
        via: Channel::Bot,
        at: chrono::Utc::now(),
    };
    let mut held = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
                 VALUES ('User', '77', 1, 'UserRegistered', '1.0', $1, '{}')")
        .bind(serde_json::to_value(&registered).unwrap())
        .execute(&mut *held)
        .await
        .unwrap();
    let held_position: i64 =
        sqlx::query_scalar("SELECT position FROM events WHERE aggregate_id = '77'")
            .fetch_one(&mut *held)
            .await
            .unwrap();

    // Later events commit and are projected while it is open.
    let later = app.cart(2).await;
    let (status, body) = app.get("/api/v1/orders", 2).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["orders"][0]["id"], later.as_str());
    let later_position: i64 = sqlx::query_scalar("SELECT max(position) FROM events")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(
        later_position > held_position,
        "the held event has the lower position"
    );
    let pdb = app.db.projection_db();
    // A rebuild meanwhile ends, and its models hold the later events but not
    // the held one: its reader stops where the open transaction holds the
    // horizon, and the steps after it (or the live projector's, which takes
    // any model the rebuild is not holding at the moment) apply the rest.
    let mut conn = pdb.connect().await.unwrap();
    let rebuilt = [Model::OrderStatus, Model::UserDirectory];
    for model in rebuilt {
        projector::reset(&mut conn, model).await.unwrap();
    }
    projector::replay(&pdb, &rebuilt, &|_| true).await.unwrap();
    let orders = pdb
        .rows(
            "SELECT order_id FROM order_status WHERE order_id = $1",
            &[later.clone().into()],
        )
        .await
        .unwrap();
    assert_eq!(orders.len(), 1, "the later order is rebuilt");
    let users = pdb
        .rows("SELECT user_id FROM user_directory WHERE user_id = 77", &[])
        .await
        .unwrap();
    assert!(users.is_empty());

    // It commits late: it is projected too, once.
    held.commit().await.unwrap();
    settle(&app, "User:77:1").await;
    let users = pdb
        .rows(
            "SELECT first_name FROM user_directory WHERE user_id = 77",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["first_name"], "Late");
    // And nothing is left waiting.
    let last = app.cart(3).await;
    settle(&app, &format!("Order:{last}:2")).await;
    let status = projector::status(&pdb).await.unwrap();
    // (Events may still wait in `applied_above` while other transactions in the
    // cluster hold the horizon back; none is missing.)
    // The hash chain follows final order only, so it may trail the same way.
    let served = status
        .iter()
        .filter(|s| !Model::parse(s.name).unwrap().final_only());
    assert!(served.clone().count() == Model::ALL.len() - 1);
    assert!(served.clone().all(|s| s.lag_events == 0), "{status:?}");
}

async fn two_processes_project_once_and_the_survivor_takes_over(store: Store) {
    let db = TestDb::new(store).await;
    let one = TestApp::spawn(&db).await;
    let two = TestApp::spawn(&db).await;
    // Queries go through the survivor's pool (stopping a server closes its own).
    let foodbot::store::Database::Postgres(pool) = two.db.clone() else {
        unreachable!()
    };
    let pool = &pool;
    let leaders = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1::bigint::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    let lock_low = projector::LEADER_LOCK & 0xffff_ffff;
    // Each server registers its address changes; any double application would
    // show in the counter.
    for (app, user) in [(&one, 1), (&two, 1), (&one, 1)] {
        let body = json!({ "label": format!("Home {}", app.base), "address": { "street": "A 1", "city": "B" } });
        let (status, _) = app.post("/api/v1/me/addresses", user, body).await;
        assert_eq!(status, StatusCode::OK);
    }
    let order = one.cart(1).await;
    settle(&one, &format!("Order:{order}:2")).await;
    let held: i64 = sqlx::query_scalar(leaders)
        .bind(lock_low)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(held, 1, "exactly one process projects");

    // The first server goes away; the second takes over and projects new events.
    one.stop().await;
    let next = two.cart(1).await;
    settle(&two, &format!("Order:{next}:2")).await;
    let pdb = two.db.projection_db();
    let user = pdb
        .rows(
            "SELECT saved_addresses FROM user_directory WHERE user_id = 1",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        user[0]["saved_addresses"], 3,
        "every event applied exactly once"
    );
    let orders = pdb
        .rows(
            "SELECT order_id FROM order_status WHERE customer_id = 1",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(orders.len(), 2);
    let held: i64 = sqlx::query_scalar(leaders)
        .bind(lock_low)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(held, 1);
}

async fn a_process_that_does_not_project_reads_its_writes(store: Store) {
    let db = TestDb::new(store).await;
    let leader = TestApp::spawn(&db).await;
    // The only process projects what it is given: it is the leader.
    let first = leader.cart(1).await;
    settle(&leader, &format!("Order:{first}:2")).await;
    let follower = TestApp::spawn(&db).await;

    // A write through the follower is projected by the leader; the follower's
    // reads given its token still show it.
    let order = follower.cart(2).await;
    let token = format!("Order:{order}:2");
    let path = format!("/api/v1/orders/{order}?after={token}");
    let (status, body) = follower
        .call(reqwest::Method::GET, &path, Some(2), None)
        .await;
    assert_eq!(
        (status, body["version"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{body}"
    );
    let path = format!("/api/v1/orders?after={token}");
    let (status, body) = follower
        .call(reqwest::Method::GET, &path, Some(2), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["orders"][0]["id"], order.as_str());
    let foodbot::store::Database::Postgres(pool) = &follower.db else {
        unreachable!()
    };
    let leaders = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1::bigint::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    let held: i64 = sqlx::query_scalar(leaders)
        .bind(projector::LEADER_LOCK & 0xffff_ffff)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(held, 1, "exactly one process projects");
}

async fn news_of_an_order_created_in_the_same_step_follows_the_stored_preference(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));
    // Customer 2 wants essential news only, and that is projected (stored).
    let (status, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/notifications",
            Some(2),
            Some(json!({ "preference": "essential" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let first = app.cart(2).await;
    settle(&app, &format!("Order:{first}:2")).await;

    // A whole order happens while the projector is held back, so that one
    // step gets its creation and its news together.
    let undo = hold_back_projection(&app).await;
    let order: OrderId = app.cart(2).await.parse().unwrap();
    pay(&app, order, 2).await;
    let a = &app.state.app;
    a.order_command(&staff, order, OrderAction::Accept { eta_minutes: None })
        .await
        .unwrap();
    a.order_command(&staff, order, OrderAction::StartPreparing)
        .await
        .unwrap();
    let ready = a
        .order_command(&staff, order, OrderAction::MarkReady)
        .await
        .unwrap();
    release_projection(&app, undo).await;
    settle(&app, &format!("Order:{order}:{}", ready.version)).await;

    let sql = "SELECT kind FROM notification_outbox WHERE order_id = $1 ORDER BY position";
    let kinds: Vec<Value> = app
        .db
        .projection_db()
        .rows(sql, &[order.to_string().into()])
        .await
        .unwrap()
        .into_iter()
        .map(|r| r["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("order_ready")]);
}
