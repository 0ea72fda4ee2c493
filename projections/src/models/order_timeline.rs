//! `order_timeline`: every step of every order with its time.

use super::{actor, ts};
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::order::OrderEvent;

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
        OrderAccepted { eta_minutes, .. } => eta_minutes.map(|m| format!("{m} min")),
        ReorderedFrom { source, .. } => Some(source.to_string()),
        _ => None,
    }
}

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let Decoded::Order(ev) = &e.event else {
        return Ok(());
    };
    let id = e.aggregate_id.as_str();
    let last =
        "SELECT status FROM order_timeline WHERE order_id = $1 ORDER BY sequence DESC LIMIT 1";
    let status = super::order_status::status_after(tx, last, id, ev).await?;
    let (actor, actor_id) = actor(e);
    let sql = "INSERT INTO order_timeline (order_id, sequence, event_type, status, actor, actor_id, detail, at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)
               ON CONFLICT (order_id, sequence) DO NOTHING";
    let args: [Val; 8] = [
        id.into(),
        e.sequence.into(),
        e.event_type.as_str().into(),
        status.as_str().into(),
        actor.into(),
        actor_id.into(),
        detail(ev).into(),
        ts(ev.at()),
    ];
    tx.exec(sql, &args).await.map(|_| ())
}
