//! The read side while a transaction stays open on the database server (a
//! backup, an analyst's session, a slow writer): the projector neither spins
//! nor stalls, a rebuild finishes, and the operator can see who holds the
//! log's final part back.

use crate::helpers::*;
use foodbot_domain::user::{Profile, UserEvent};
use foodbot_domain::{Channel, UserId};
use foodbot_projections::{projector, Model};
use reqwest::StatusCode;
use sqlx::{PgPool, Postgres, Transaction};
use std::sync::atomic::Ordering;
use std::time::Duration;

crate::both_stores!(@postgres_only
    an_idle_projector_with_an_open_writer_locks_and_writes_nothing,
    more_than_a_step_of_events_committed_past_an_open_transaction_is_readable,
    a_rebuild_finishes_while_a_writer_stays_open,
);

/// A `UserRegistered` payload whose user id is `987654321`, for SQL to replace.
fn registered_template() -> String {
    let event = UserEvent::UserRegistered {
        user_id: UserId(987_654_321),
        profile: Profile {
            first_name: "Bulk".into(),
            ..Default::default()
        },
        language: "en".into(),
        via: Channel::Bot,
        at: chrono::Utc::now(),
    };
    serde_json::to_string(&event).unwrap()
}

/// Registers users `first..first + n` straight into the log, in one transaction.
async fn register_users(pool: &PgPool, first: i64, n: i64) {
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'User', g::text, 1, 'UserRegistered', '1.0', replace($1, '987654321', g::text)::json, '{}'
           FROM generate_series($2::int8, $2::int8 + $3::int8 - 1) AS g",
    )
    .bind(registered_template())
    .bind(first)
    .bind(n)
    .execute(pool)
    .await
    .unwrap();
}

/// A writer that has appended an event and keeps its transaction open, with
/// its backend's process id and its transaction id.
async fn open_writer(pool: &PgPool) -> (Transaction<'static, Postgres>, i64, i64) {
    let mut held = pool.begin().await.unwrap();
    let template = registered_template();
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         VALUES ('User', '77', 1, 'UserRegistered', '1.0', replace($1, '987654321', '77')::json, '{}')",
    )
    .bind(template)
    .execute(&mut *held)
    .await
    .unwrap();
    let (pid, xid): (i32, i64) =
        sqlx::query_as("SELECT pg_backend_pid(), pg_current_xact_id()::text::int8")
            .fetch_one(&mut *held)
            .await
            .unwrap();
    (held, i64::from(pid), xid)
}

async fn db_name(pool: &PgPool) -> String {
    sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn pool(app: &TestApp) -> PgPool {
    let foodbot::store::Database::Postgres(pool) = &app.db else {
        unreachable!("PostgreSQL only")
    };
    pool.clone()
}

/// The transaction ids that last locked or wrote each checkpoint row.
async fn checkpoint_xmax(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as("SELECT projection, xmax::text FROM projection_checkpoints ORDER BY projection")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn an_idle_projector_with_an_open_writer_locks_and_writes_nothing(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let pool = pool(&app);
    let (held, pid, _) = open_writer(&pool).await;
    // Events commit after it and are projected while it stays open.
    let order = app.cart(2).await;
    settle(&app, &format!("Order:{order}:2")).await;

    // The operator sees who holds the final part of the log back.
    let (status, body) = app.get("/readyz", 2).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // (Another test's transaction on the same server may be older than ours.)
    let oldest = &body["held_back_by"];
    assert!(
        oldest["pid"].is_i64() && oldest["age_secs"].as_i64() >= Some(0),
        "{body}"
    );
    if oldest["pid"] == pid {
        assert_eq!(oldest["database"], db_name(&pool).await.as_str());
    }

    // Once caught up, a step finds nothing: it neither reads nor locks.
    let counters = app.state.projector.clone();
    let mut steps = counters.steps();
    let wrote = || counters.wrote.load(Ordering::SeqCst);
    let locks = checkpoint_xmax(&pool).await;
    // The projector may still be finishing a step it began before the order
    // settled: wait until two steps in a row write nothing.
    let mut caught_up = wrote();
    loop {
        let seen = *steps.borrow_and_update();
        steps.wait_for(|n| *n >= seen + 2).await.unwrap();
        if std::mem::replace(&mut caught_up, wrote()) == caught_up {
            break;
        }
    }
    let (started, locks_idle) = (*steps.borrow(), checkpoint_xmax(&pool).await);
    // A second of idling, measured: it polls every 250 ms and does not spin.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_steps = *steps.borrow() - started;
    assert!(
        (1..=12).contains(&idle_steps),
        "{idle_steps} steps in a second while idle"
    );
    assert_eq!(wrote(), caught_up, "an idle step wrote");
    assert_eq!(
        checkpoint_xmax(&pool).await,
        locks_idle,
        "an idle step locked the checkpoints (before settling: {locks:?})"
    );

    // When the old transaction commits, its event is projected once.
    held.commit().await.unwrap();
    settle(&app, "User:77:1").await;
    let users = app
        .scalar("SELECT count(*) FROM user_directory WHERE user_id = 77")
        .await;
    assert_eq!(users, 1);
}

async fn more_than_a_step_of_events_committed_past_an_open_transaction_is_readable(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let pool = pool(&app);
    let (held, _, _) = open_writer(&pool).await;
    // More events than the projector's largest step, in many transactions.
    let per = 1_000;
    let batches = projector::MAX_BATCH / per + 1;
    for b in 0..batches {
        register_users(&pool, 1_000_000 + b * per, per).await;
    }

    let order = app.cart(2).await;
    let path = format!("/api/v1/orders/{order}?after=Order:{order}:2");
    let (status, body) = app.get(&path, 2).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], order.as_str());
    let users = app
        .scalar("SELECT count(*) FROM user_directory WHERE user_id >= 1000000")
        .await;
    assert_eq!(users, batches * per);
    let status = projector::status(&app.db.projection_db()).await.unwrap();
    for s in status.iter().filter(|s| s.name != Model::EventChain.name()) {
        assert_eq!(s.lag_events, 0, "{s:?}");
    }
    // The chain waits for the open transaction: what committed after it is
    // not final yet.
    let chain = status.iter().find(|s| s.name == "event_chain").unwrap();
    assert!(chain.lag_events >= batches * per, "{chain:?}");
    held.commit().await.unwrap();
}

async fn a_rebuild_finishes_while_a_writer_stays_open(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let pool = pool(&app);
    let first = app.cart(1).await;
    settle(&app, &format!("Order:{first}:2")).await;
    let (held, _, xid) = open_writer(&pool).await;
    let later = app.cart(2).await;
    register_users(&pool, 5_000, 3_000).await;

    let pdb = app.db.projection_db();
    let mut conn = pdb.connect().await.unwrap();
    for m in Model::ALL {
        projector::reset(&mut conn, m).await.unwrap();
    }
    tokio::time::timeout(
        Duration::from_secs(60),
        projector::replay(&pdb, &Model::ALL, &|_| true),
    )
    .await
    .expect("the rebuild finishes while the writer stays open")
    .unwrap();
    // (The server's projector may have taken some or all of the steps itself,
    // so the events replayed here are not counted.)
    let status = projector::status(&pdb).await.unwrap();
    for s in status.iter().filter(|s| s.name != Model::EventChain.name()) {
        assert_eq!(s.lag_events, 0, "the rebuild ended short: {s:?}");
    }
    let rows = pdb
        .rows(
            "SELECT order_id FROM order_status WHERE order_id = $1",
            &[later.clone().into()],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the later order is rebuilt");
    // The chain holds final events only: none of the open transaction's or
    // of those after it (the server's horizon may be older still).
    let links = app.scalar("SELECT count(*) FROM event_chain").await;
    let after_writer = app
        .scalar(&format!(
            "SELECT count(*) FROM event_chain WHERE transaction_id >= {xid}"
        ))
        .await;
    assert_eq!(after_writer, 0);
    assert!(
        links
            <= app
                .scalar(&format!(
                    "SELECT count(*) FROM events WHERE transaction_id < '{xid}'::xid8"
                ))
                .await
    );

    held.commit().await.unwrap();
    settle(&app, "User:77:1").await;
    let status = projector::status(&pdb).await.unwrap();
    for s in status.iter().filter(|s| s.name != Model::EventChain.name()) {
        assert_eq!(s.lag_events, 0, "{s:?}");
    }
}
