//! Auditors' commands through the `foodbot` binary: verify detects an edited,
//! inserted or deleted historical event (naming it) and a tampered ledger, and
//! passes on an untouched log; replay recomputes totals; order show --as-of
//! gives an order's past state.

use crate::helpers::*;
use foodbot_domain::order::OrderAction;
use foodbot_domain::{Actor, OrderId, UserId};
use foodbot_projections::{projector, Db};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

crate::both_stores!(audit_verify_names_the_first_tampered_event_and_replay_adds_up);

pub(crate) fn foodbot(db: &TestDb, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_foodbot"))
        .args(["--database-url", &db.url])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Waits until the hash chain (which follows final order only) has every event.
pub(crate) async fn chain_complete(db: &Db) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = projector::status(db).await.unwrap();
        if status
            .iter()
            .all(|s| s.lag_events == 0 && s.catching_up_to.is_none())
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "projection did not finish: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn position_of(db: &Db, order: OrderId, sequence: i64) -> i64 {
    let rows = db
        .rows(
            "SELECT position FROM events WHERE aggregate_id = $1 AND sequence = $2",
            &[order.to_string().into(), sequence.into()],
        )
        .await
        .unwrap();
    rows[0]["position"].as_i64().unwrap()
}

async fn audit_verify_names_the_first_tampered_event_and_replay_adds_up(store: Store) {
    let db = TestDb::new(store).await;
    let app = TestApp::spawn(&db).await;
    let a = &app.state.app;
    let staff = || meta(Actor::Staff(UserId(STAFF_ID)));
    let order: OrderId = app.cart(1).await.parse().unwrap();
    let total = invoice(&app, order, 1).await.totals.unwrap().total;
    a.order_command(
        &meta(Actor::System),
        order,
        OrderAction::RecordPayment {
            receipt: receipt(order, total),
        },
    )
    .await
    .unwrap();
    let paid_at = chrono::Utc::now();
    a.order_command(
        &staff(),
        order,
        OrderAction::Reject {
            reason: "closed".into(),
        },
    )
    .await
    .unwrap();
    a.order_command(
        &staff(),
        order,
        OrderAction::RecordRefund {
            amount: total,
            telegram_charge_id: "tg-1".into(),
        },
    )
    .await
    .unwrap();
    let pdb = app.db.projection_db();
    chain_complete(&pdb).await;
    app.stop().await;
    let pdb = foodbot::store::Database::connect(&db.url, 2)
        .await
        .unwrap()
        .projection_db();

    // Untouched: everything verifies.
    let (ok, report) = foodbot(&db, &["audit", "verify"]);
    assert!(ok, "{report}");
    assert!(
        report.contains("hash chain: ok") && report.contains("payment ledger: ok, 3 entries"),
        "{report}"
    );

    // Replay recomputes the money: paid, then refunded in full.
    let (ok, lines) = foodbot(
        &db,
        &[
            "audit",
            "replay",
            "--payments",
            "--order",
            &order.to_string(),
        ],
    );
    assert!(ok, "{lines}");
    let lines: Vec<Value> = lines
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["payment_requested", "payment", "refund_requested", "refund"]
    );
    let totals = &lines.last().unwrap()["totals"]["EUR"];
    assert_eq!(
        (
            totals["received"].as_i64(),
            totals["refunded"].as_i64(),
            totals["net"].as_i64()
        ),
        (Some(total.amount), Some(total.amount), Some(0))
    );

    // The order as it was right after payment, and as it is now.
    let (ok, then) = foodbot(
        &db,
        &[
            "order",
            "show",
            &order.to_string(),
            "--as-of",
            &paid_at.to_rfc3339(),
        ],
    );
    assert!(ok, "{then}");
    assert!(then.contains("\"status\": \"paid\""), "{then}");
    let (_, now) = foodbot(&db, &["order", "show", &order.to_string()]);
    assert!(now.contains("\"status\": \"rejected\""), "{now}");

    // A tampered ledger row is found.
    pdb.exec(
        "UPDATE payment_ledger SET amount = amount + 1 WHERE kind = 'refund'",
        &[],
    )
    .await
    .unwrap();
    let (ok, report) = foodbot(&db, &["audit", "verify"]);
    assert!(!ok && report.contains("payment ledger: FAILED"), "{report}");
    pdb.exec(
        "UPDATE payment_ledger SET amount = amount - 1 WHERE kind = 'refund'",
        &[],
    )
    .await
    .unwrap();

    // An edited event is named.
    let item_added = position_of(&pdb, order, 2).await;
    let edit = match store {
        Store::Postgres => "UPDATE events SET payload = replace(payload::text, 'Margherita', 'Marinara')::json WHERE position = $1",
        Store::Sqlite => "UPDATE events SET payload = replace(payload, 'Margherita', 'Marinara') WHERE position = $1",
    };
    assert_eq!(pdb.exec(edit, &[item_added.into()]).await.unwrap(), 1);
    let (ok, report) = foodbot(&db, &["audit", "verify"]);
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!("event at position {item_added} ")) && report.contains("edited"),
        "{report}"
    );
    let undo = edit.replace("'Margherita', 'Marinara'", "'Marinara', 'Margherita'");
    pdb.exec(&undo, &[item_added.into()]).await.unwrap();
    let (ok, report) = foodbot(&db, &["audit", "verify"]);
    assert!(ok, "restored log must verify: {report}");

    // An event slipped into history is named.
    let first = position_of(&pdb, order, 1).await;
    let inserted = match store {
        Store::Postgres => {
            let sql = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, position, transaction_id)
                       OVERRIDING SYSTEM VALUE
                       SELECT aggregate_type, 'forged', 1, event_type, event_version, payload, metadata, 1000000, transaction_id
                         FROM events WHERE position = $1";
            pdb.exec(sql, &[first.into()]).await.unwrap();
            1_000_000
        }
        Store::Sqlite => {
            let sql = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
                       SELECT aggregate_type, 'forged', 1, event_type, event_version, payload, metadata FROM events WHERE position = $1";
            pdb.exec(sql, &[first.into()]).await.unwrap();
            pdb.exec(
                "UPDATE events SET position = -1 WHERE aggregate_id = 'forged'",
                &[],
            )
            .await
            .unwrap();
            -1
        }
    };
    let (ok, report) = foodbot(&db, &["audit", "verify"]);
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!("event at position {inserted} ")) && report.contains("inserted"),
        "{report}"
    );
    pdb.exec("DELETE FROM events WHERE aggregate_id = 'forged'", &[])
        .await
        .unwrap();

    // A deleted event is named.
    let checkout = position_of(&pdb, order, 4).await;
    pdb.exec("DELETE FROM events WHERE position = $1", &[checkout.into()])
        .await
        .unwrap();
    let (ok, report) = foodbot(&db, &["audit", "verify"]);
    assert!(!ok, "{report}");
    assert!(
        report.contains(&format!("event at position {checkout} ")) && report.contains("deleted"),
        "{report}"
    );
}
