//! Events stored in an older shape: a row as an older server wrote it (put in
//! with SQL, as it would be found in a database being upgraded) is loaded by
//! the write side and projected by the read side through the one decoder and
//! its upcasters; a version nobody knows stops both, naming the row.

use crate::helpers::*;
use foodbot::app::AppError;
use foodbot::store::Database;
use foodbot_domain::order::{OrderAction, OrderStatus};
use foodbot_domain::{Actor, OrderId, UserId};
use foodbot_projections::event::{read_after, ReadError};
use foodbot_projections::{Checkpoint, Tx};

crate::both_stores!(
    an_order_accepted_as_an_old_server_wrote_it_is_loaded_and_projected,
    an_event_of_an_unknown_version_is_refused_with_its_row_named,
);

/// Takes a new cart of customer 1 to paid; returns it and its last sequence.
async fn paid_order(app: &TestApp) -> (OrderId, usize) {
    let order: OrderId = app.cart(1).await.parse().unwrap();
    let (version, _) = pay(app, order, 1).await;
    (order, version)
}

/// Appends a row around the server, as an older server would have written it.
async fn insert_row(app: &TestApp, order: OrderId, sequence: usize, version: &str, payload: &str) {
    let metadata = format!(
        r#"{{"actor":"staff","user_id":"{STAFF_ID}","channel":"staff","correlation_id":"old-server","command":"accept"}}"#
    );
    let (id, sequence) = (order.to_string(), sequence as i64);
    match &app.db {
        Database::Postgres(p) => sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ('Order', $1, $2, 'OrderAccepted', $3, $4::json, $5::json)",
        )
        .bind(id)
        .bind(sequence)
        .bind(version)
        .bind(payload)
        .bind(metadata)
        .execute(p)
        .await
        .map(drop)
        .unwrap(),
        Database::Sqlite(p) => sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
             VALUES ('Order', ?1, ?2, 'OrderAccepted', ?3, ?4, ?5)",
        )
        .bind(id)
        .bind(sequence)
        .bind(version)
        .bind(payload)
        .bind(metadata)
        .execute(p)
        .await
        .map(drop)
        .unwrap(),
    }
}

async fn an_order_accepted_as_an_old_server_wrote_it_is_loaded_and_projected(store: Store) {
    let db = TestDb::new(store).await;
    let server = TestApp::spawn(&db).await;
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));
    let (order, last) = paid_order(&server).await;

    // `OrderAccepted` 1.0 had no `ready_by`; the upcaster works it out as
    // `at` plus `eta_minutes`.
    let at = chrono::Utc::now();
    let at_text = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let accepted_1_0 = format!(
        r#"{{"OrderAccepted":{{"by":{{"kind":"staff","user_id":{STAFF_ID}}},"eta_minutes":20,"at":"{at_text}"}}}}"#
    );
    insert_row(&server, order, last + 1, "1.0", &accepted_1_0).await;

    // The write side: the order is accepted, so preparation may start. The
    // server's cached state predates the old row; the refusal decided on it
    // is checked against a fresh load, which reads the row.
    let out = server
        .state
        .app
        .order_command(&staff, order, OrderAction::StartPreparing)
        .await
        .unwrap();
    assert_eq!(out.state.status, OrderStatus::Preparing);
    assert_eq!(out.version, last + 2);

    // A fresh process loads the whole history, the old row included.
    server.stop().await;
    let server = TestApp::spawn(&db).await;
    let (state, version) = server
        .state
        .app
        .order_for(Actor::Staff(UserId(STAFF_ID)), order)
        .await
        .unwrap();
    assert_eq!((state.status, version), (OrderStatus::Preparing, last + 2));

    // The read side shows the acceptance with the promised time.
    settle(&server, &format!("Order:{order}:{}", last + 2)).await;
    let pdb = server.db.projection_db();
    let id = order.to_string();
    let status = pdb
        .rows(
            "SELECT status, eta_minutes, accepted_at FROM order_status WHERE order_id = $1",
            &[id.clone().into()],
        )
        .await
        .unwrap();
    assert_eq!(status[0]["status"], "preparing");
    assert_eq!(status[0]["eta_minutes"], 20);
    assert!(status[0]["accepted_at"].is_string(), "{status:?}");
    let step = pdb
        .rows(
            "SELECT detail FROM order_timeline WHERE order_id = $1 AND event_type = 'OrderAccepted'",
            &[id.clone().into()],
        )
        .await
        .unwrap();
    let ready_by = at + chrono::TimeDelta::minutes(20);
    let detail = format!("20 min, ready by {} UTC", ready_by.format("%H:%M"));
    assert_eq!(step[0]["detail"], detail.as_str());

    // The auditor's view of the order as of the acceptance reads it too.
    let show = foodbot::cli::OrderCommand::Show {
        id,
        as_of: Some(at),
    };
    assert!(foodbot::cli::order(&server.db, show).await.unwrap());
}

async fn an_event_of_an_unknown_version_is_refused_with_its_row_named(store: Store) {
    let db = TestDb::new(store).await;
    let server = TestApp::spawn(&db).await;
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));
    let (order, last) = paid_order(&server).await;
    let accepted = format!(
        r#"{{"OrderAccepted":{{"by":{{"kind":"staff","user_id":{STAFF_ID}}},"eta_minutes":null,"at":"2026-11-30T12:25:00Z"}}}}"#
    );
    insert_row(&server, order, last + 1, "0.7", &accepted).await;
    let before = server.event_count().await;

    // The write side refuses to decide on a history it cannot read.
    server.state.app.orders.evict(&order.to_string());
    let err = server
        .state
        .app
        .order_command(&staff, order, OrderAction::StartPreparing)
        .await
        .unwrap_err();
    let AppError::Storage(cause) = &err else {
        panic!("{err:?}");
    };
    let message = &foodbot::http::error_chain(cause.as_ref());
    assert!(
        message.contains(&format!("event {} of Order {order}", last + 1))
            && message.contains("version \"0.7\"")
            && message.contains("unknown version"),
        "{message}"
    );
    assert_eq!(server.event_count().await, before, "nothing was appended");

    // The read side names the row's position, aggregate and version.
    let pdb = server.db.projection_db();
    let mut conn = pdb.connect().await.unwrap();
    let mut tx = Tx::begin(&mut conn).await.unwrap();
    let after = Checkpoint {
        transaction_id: 0,
        position: i64::MIN,
    };
    let err = read_after(&mut tx, after, 10_000).await.err().unwrap();
    let ReadError::Undecodable {
        aggregate_id,
        cause,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(aggregate_id, &order.to_string());
    assert_eq!(cause.version, "0.7");
    assert!(err.to_string().contains("position"), "{err}");
}
