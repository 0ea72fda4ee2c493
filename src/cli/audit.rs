//! Auditors' commands: replay payment events, check the payment ledger
//! against the event log (for `verify`, which also checks the hash chain: see
//! `verify.rs`), and show an order as of a past time.
//!
//! Every read happens in one read transaction (REPEATABLE READ on PostgreSQL),
//! so a report is consistent even while the server keeps appending.

use cqrs_es::Aggregate;
use foodbot_domain::codec::{decode_event, Payload};
use foodbot_domain::order::{Order, OrderEvent};
use foodbot_projections::event::{read_after, read_only, Decoded, Envelope, Only};
use foodbot_projections::{Checkpoint, Db, Tx};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

/// Calls `each` for every committed event in global order.
/// With `only`, the database sends just the events it takes.
async fn for_each_event(
    db: &Db,
    only: Option<&Only>,
    mut each: impl FnMut(&Envelope) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let mut conn = db.connect().await?;
    let mut tx = Tx::begin(&mut conn).await?;
    if let Tx::Postgres(_) = tx {
        tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", &[])
            .await?;
    }
    // From below any position at all: an auditor must see rows a tamperer put
    // anywhere, not only where the server would have.
    let mut after = Checkpoint {
        transaction_id: 0,
        position: i64::MIN,
    };
    'read: loop {
        let batch = match only {
            Some(only) => read_only(&mut tx, after, 5000, only).await?,
            None => read_after(&mut tx, after, 5000).await?,
        };
        if batch.events.is_empty() {
            break;
        }
        for e in &batch.events {
            after = e.checkpoint;
            if !each(e)? {
                break 'read;
            }
        }
    }
    tx.rollback().await?;
    drop(conn);
    Ok(())
}

/// The event types the payment replay shows: every step of a payment, from
/// the invoice (`PaymentRequested`, no money yet) to the refund. PostgreSQL
/// has an index of exactly these (`events_payment_steps`).
const PAYMENT_EVENTS: [&str; 4] = [
    "PaymentRequested",
    "PaymentReceived",
    "RefundRequested",
    "RefundCompleted",
];

/// An invoice issued: a step of the payment, but no money moved (so not in
/// the ledger nor in the totals).
fn request_line(e: &Envelope) -> Option<Value> {
    let Decoded::Order(OrderEvent::PaymentRequested {
        method,
        amount,
        invoice_payload,
        at,
    }) = &e.event
    else {
        return None;
    };
    Some(json!({
        "position": e.position(),
        "order_id": e.aggregate_id,
        "sequence": e.sequence,
        "kind": "payment_requested",
        "amount": amount.amount,
        "currency": amount.currency,
        "method": method,
        "invoice_payload": invoice_payload,
        "at": foodbot_projections::time::format(*at),
    }))
}

fn payment_line(e: &Envelope) -> Option<Value> {
    let Decoded::Order(ev) = &e.event else {
        return None;
    };
    let (kind, amount, extra) = match ev {
        OrderEvent::PaymentReceived {
            amount,
            telegram_charge_id,
            provider_charge_id,
            method,
            ..
        } => (
            "payment",
            amount,
            json!({ "method": method, "telegram_charge_id": telegram_charge_id, "provider_charge_id": provider_charge_id }),
        ),
        OrderEvent::RefundRequested { amount, reason, .. } => {
            ("refund_requested", amount, json!({ "reason": reason }))
        }
        OrderEvent::RefundCompleted {
            amount,
            telegram_charge_id,
            ..
        } => (
            "refund",
            amount,
            json!({ "telegram_charge_id": telegram_charge_id }),
        ),
        // Not money movements (a rejection or cancellation of a paid order is
        // followed by its own `RefundRequested`).
        OrderEvent::OrderCreated { .. }
        | OrderEvent::ReorderedFrom { .. }
        | OrderEvent::ItemAdded { .. }
        | OrderEvent::ItemQuantityChanged { .. }
        | OrderEvent::ItemRemoved { .. }
        | OrderEvent::FulfilmentChosen { .. }
        | OrderEvent::CheckedOut { .. }
        | OrderEvent::CartReopened { .. }
        | OrderEvent::PaymentRequested { .. }
        | OrderEvent::PaymentFailed { .. }
        | OrderEvent::OrderAccepted { .. }
        | OrderEvent::OrderRejected { .. }
        | OrderEvent::PreparationStarted { .. }
        | OrderEvent::OrderReady { .. }
        | OrderEvent::OutForDelivery { .. }
        | OrderEvent::OrderDelivered { .. }
        | OrderEvent::OrderPickedUp { .. }
        | OrderEvent::OrderCancelled { .. } => return None,
    };
    let mut line = json!({
        "position": e.position(),
        "order_id": e.aggregate_id,
        "sequence": e.sequence,
        "kind": kind,
        "amount": amount.amount,
        "currency": amount.currency,
        "at": foodbot_projections::time::format(ev.at()),
    });
    if let (Some(l), Some(x)) = (line.as_object_mut(), extra.as_object()) {
        l.extend(x.clone());
    }
    Some(line)
}

/// Streams payment events as JSON lines, then the totals they add up to.
pub async fn replay(
    db: &Db,
    from: Option<chrono::DateTime<chrono::Utc>>,
    to: Option<chrono::DateTime<chrono::Utc>>,
    order: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    // currency → (received, refunded)
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut count = 0u64;
    // Only payment events are sent: the rest of the log is filtered out by
    // the database, in the same global order.
    let only = Only {
        event_types: PAYMENT_EVENTS.iter().map(|t| t.to_string()).collect(),
        aggregate_id: order.map(String::from),
    };
    for_each_event(db, Some(&only), |e| {
        let Decoded::Order(ev) = &e.event else {
            return Ok(true);
        };
        let at = ev.at();
        if from.is_some_and(|f| at < f)
            || to.is_some_and(|t| at >= t)
            || order.is_some_and(|o| o != e.aggregate_id)
        {
            return Ok(true);
        }
        if let Some(line) = payment_line(e).or_else(|| request_line(e)) {
            let currency = line["currency"].as_str().unwrap_or("").to_string();
            let amount = line["amount"].as_i64().unwrap_or(0);
            let t = totals.entry(currency).or_default();
            match line["kind"].as_str() {
                Some("payment") => t.0 += amount,
                Some("refund") => t.1 += amount,
                _ => {}
            }
            count += 1;
            writeln!(out, "{line}")?;
        }
        Ok(true)
    })
    .await?;
    let totals: BTreeMap<String, Value> = totals
        .into_iter()
        .map(|(c, (received, refunded))| {
            (
                c,
                json!({ "received": received, "refunded": refunded, "net": received - refunded }),
            )
        })
        .collect();
    writeln!(out, "{}", json!({ "events": count, "totals": totals }))?;
    Ok(())
}

/// A payment event as the ledger should hold it: where, which order, what
/// kind, how much.
pub type LedgerEntry = (Checkpoint, String, String, i64);

/// The ledger entry an event should have, if it is a payment event.
pub fn ledger_entry(e: &Envelope) -> Option<LedgerEntry> {
    let line = payment_line(e)?;
    Some((
        e.checkpoint,
        e.aggregate_id.clone(),
        line["kind"].as_str().unwrap_or("").to_string(),
        line["amount"].as_i64().unwrap_or(0),
    ))
}

/// Checks the payment ledger against the payment events of the log: every
/// row matches the event at its position, and every event the ledger has seen
/// has its row. Prints one line; returns false on a mismatch.
pub async fn verify_ledger(
    db: &Db,
    expected_ledger: &[LedgerEntry],
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let rows = db
        .rows(
            "SELECT position, order_id, kind, amount FROM payment_ledger ORDER BY position",
            &[],
        )
        .await?;
    let mark = foodbot_projections::projector::marks(db)
        .await?
        .remove(&foodbot_projections::Model::PaymentLedger)
        .unwrap_or_default();
    let mut problem = None;
    for r in &rows {
        let actual = (
            r["order_id"].as_str().unwrap_or("").to_string(),
            r["kind"].as_str().unwrap_or("").to_string(),
            r["amount"].as_i64().unwrap_or(0),
        );
        let position = r["position"].as_i64().unwrap_or(0);
        match expected_ledger
            .iter()
            .find(|(c, ..)| c.position == position)
        {
            Some((_, o, k, a)) if (o, k, a) == (&actual.0, &actual.1, &actual.2) => {}
            Some((_, o, k, a)) => {
                problem = problem.or(Some(format!(
                    "entry at position {position} says {actual:?}, the event log says {:?}",
                    (o, k, a)
                )))
            }
            None => {
                problem = problem.or(Some(format!(
                    "entry at position {position} {actual:?} has no payment event"
                )))
            }
        }
    }
    for (c, o, k, a) in expected_ledger {
        if mark.has(*c)
            && !rows
                .iter()
                .any(|r| r["position"].as_i64() == Some(c.position))
        {
            problem = problem.or(Some(format!(
                "payment event at position {} ({o} {k} {a}) is missing from the ledger",
                c.position
            )));
        }
    }
    match problem {
        None => {
            writeln!(
                out,
                "payment ledger: ok, {} entries match the event log",
                rows.len()
            )?;
            Ok(true)
        }
        Some(p) => {
            writeln!(out, "payment ledger: FAILED: {p}")?;
            Ok(false)
        }
    }
}

/// An order's state from its events that happened up to `as_of` (all when `None`).
pub async fn order_as_of(
    db: &Db,
    id: &str,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<Option<Value>> {
    let sql = match db {
        Db::Postgres(_) => "SELECT sequence, event_type, event_version, payload::text AS payload, CAST(recorded_at AS TEXT) AS recorded_at
                              FROM events WHERE aggregate_type = 'Order' AND aggregate_id = $1 ORDER BY sequence",
        Db::Sqlite(_) => "SELECT sequence, event_type, event_version, payload, recorded_at
                            FROM events WHERE aggregate_type = 'Order' AND aggregate_id = $1 ORDER BY sequence",
    };
    let rows = db.rows(sql, &[id.into()]).await?;
    let mut order = Order::default();
    let mut applied = 0;
    for r in rows {
        let version = r["event_version"].as_str().unwrap_or_default();
        let event_type = r["event_type"].as_str().unwrap_or_default();
        // The one decoder, so that an old version is upcast here as everywhere.
        let payload = match &r["payload"] {
            Value::String(s) => Payload::Text(s),
            v => Payload::Json(v),
        };
        let event = decode_event::<OrderEvent>(event_type, version, payload)
            .map_err(|e| anyhow::anyhow!("order {id}, event {}: {e}", r["sequence"]))?;
        // Business time, exact to the microsecond on every store.
        if as_of.is_some_and(|t| event.at() > t) {
            break;
        }
        order.apply(event);
        applied += 1;
    }
    if applied == 0 {
        return Ok(None);
    }
    Ok(Some(
        json!({ "order_id": id, "as_of": as_of.map(foodbot_projections::time::format), "events": applied, "state": order }),
    ))
}

#[cfg(test)]
mod tests {
    use super::PAYMENT_EVENTS;

    /// The replay's event types and PostgreSQL's index of them name the same
    /// types, or the replay would walk the whole log again.
    #[test]
    fn the_payment_index_covers_the_replayed_types() {
        let migration =
            include_str!("../../migrations/postgres/20261207000005_events_payment_steps.sql");
        let listed = migration
            .split("IN (")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .expect("the index lists its event types");
        let mut indexed: Vec<&str> = listed
            .split(',')
            .map(|t| t.trim().trim_matches('\''))
            .collect();
        let mut replayed = PAYMENT_EVENTS.to_vec();
        indexed.sort_unstable();
        replayed.sort_unstable();
        assert_eq!(indexed, replayed);
    }
}
