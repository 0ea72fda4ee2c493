//! `order_timeline`: every step of every order with its time.

use super::order_status::parse_status;
use super::{actor, order_events, stored_orders};
use crate::db::Kind::{Int, Text, Time};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use crate::time::format as ts;
use foodbot_domain::order::{OrderEvent, OrderStatus};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A short human detail of a step, where it has one.
fn detail(ev: &OrderEvent) -> Option<String> {
    use OrderEvent::*;
    match ev {
        ItemAdded { item, .. } => Some(format!("{} × {}", item.quantity, item.item_id)),
        ItemQuantityChanged {
            line_id, quantity, ..
        } => Some(format!("line {line_id} × {quantity}")),
        ItemRemoved { line_id, .. } => Some(format!("line {line_id}")),
        CheckedOut { total, .. }
        | PaymentRequested { amount: total, .. }
        | PaymentReceived { amount: total, .. } => Some(total.to_string()),
        RefundRequested { amount, reason, .. } => Some(format!("{amount}: {reason}")),
        RefundCompleted { amount, .. } => Some(amount.to_string()),
        PaymentFailed { reason, .. } | OrderRejected { reason, .. } => Some(reason.clone()),
        OrderCancelled { reason, .. } => reason.clone(),
        OrderAccepted {
            eta_minutes,
            ready_by,
            ..
        } => eta_minutes.map(|m| match ready_by {
            Some(t) => format!("{m} min, ready by {} UTC", t.format("%H:%M")),
            None => format!("{m} min"),
        }),
        ReorderedFrom { source, .. } => Some(source.to_string()),
        // The step's type and status say it all.
        OrderCreated { .. }
        | FulfilmentChosen { .. }
        | CartReopened { .. }
        | PreparationStarted { .. }
        | OrderReady { .. }
        | OutForDelivery { .. }
        | OrderDelivered { .. }
        | OrderPickedUp { .. } => None,
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct StepRow {
    order_id: String,
    sequence: i64,
    event_type: String,
    status: String,
    actor: String,
    actor_id: Option<i64>,
    detail: Option<String>,
    at: String,
}

impl Record for StepRow {
    const TABLE: Table = Table {
        name: "order_timeline",
        columns: &[
            ("order_id", Text),
            ("sequence", Int),
            ("event_type", Text),
            ("status", Text),
            ("actor", Text),
            ("actor_id", Int),
            ("detail", Text),
            ("at", Time),
        ],
        key: 2,
        write: Write::Append,
    };
    type Key = (String, i64);
    fn key(&self) -> (String, i64) {
        (self.order_id.clone(), self.sequence)
    }
}

/// True if the status after `ev` depends on the status before it.
fn needs_before(ev: &OrderEvent) -> bool {
    ev.status_after(OrderStatus::New) != ev.status_after(OrderStatus::Cancelled)
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&StepRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    // Each order's status as its last stored step has it, for the orders whose
    // next status depends on it.
    let mut status: HashMap<String, OrderStatus> = HashMap::new();
    let stored = stored_orders(events, needs_before);
    if !stored.is_empty() {
        let sql = "SELECT order_id, status FROM order_timeline t
                    WHERE order_id = ANY($1)
                      AND sequence = (SELECT max(sequence) FROM order_timeline m WHERE m.order_id = t.order_id)";
        for row in tx.select(sql, &[Val::Texts(stored)], &[Text, Text]).await? {
            if let [Val::OptText(Some(id)), Val::OptText(Some(s))] = &row[..] {
                status.insert(id.clone(), parse_status(s));
            }
        }
    }
    let mut rows = Rows::<StepRow>::new();
    for (e, ev) in order_events(events) {
        let id = e.aggregate_id.as_str();
        let before = status.get(id).copied().unwrap_or(OrderStatus::New);
        let after = ev.status_after(before);
        match status.get_mut(id) {
            Some(s) => *s = after,
            None => {
                status.insert(id.to_string(), after);
            }
        }
        let (actor, actor_id) = actor(e);
        rows.append(StepRow {
            order_id: id.to_string(),
            sequence: e.sequence,
            event_type: e.event_type.clone(),
            status: after.as_str().into(),
            actor,
            actor_id,
            detail: detail(ev),
            at: ts(ev.at()),
        });
    }
    rows.flush(tx).await
}
