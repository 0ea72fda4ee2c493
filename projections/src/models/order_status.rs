//! `order_status`: one row per order, what /status and the Mini App show now.

use super::ts;
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::order::{Fulfilment, OrderEvent, OrderStatus};
use foodbot_domain::OrderId;

/// The status after `event`, reading the current one only when the rule needs it.
pub(crate) async fn status_after(
    tx: &mut Tx<'_>,
    table_sql: &str,
    order_id: &str,
    event: &OrderEvent,
) -> sqlx::Result<OrderStatus> {
    let from_new = event.status_after(OrderStatus::New);
    let from_cancelled = event.status_after(OrderStatus::Cancelled);
    if from_new == from_cancelled {
        return Ok(from_new);
    }
    let before = tx.text(table_sql, &[order_id.into()]).await?;
    let before = before
        .and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok())
        .unwrap_or(OrderStatus::New);
    Ok(event.status_after(before))
}

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let Decoded::Order(ev) = &e.event else {
        return Ok(());
    };
    let id = e.aggregate_id.as_str();
    if let OrderEvent::OrderCreated {
        order_id,
        customer,
        currency,
        at,
    } = ev
    {
        let sql = "INSERT INTO order_status (order_id, short_id, customer_id, status, currency, created_at, updated_at, version)
                   VALUES ($1, $2, $3, 'cart', $4, $5::timestamptz, $5::timestamptz, $6)
                   ON CONFLICT (order_id) DO NOTHING";
        let args = [
            id.into(),
            OrderId::short(order_id).into(),
            customer.0.into(),
            currency.to_string().into(),
            ts(*at),
            e.sequence.into(),
        ];
        return tx.exec(sql, &args).await.map(|_| ());
    }
    let status = status_after(
        tx,
        "SELECT status FROM order_status WHERE order_id = $1",
        id,
        ev,
    )
    .await?;
    let mut args: Vec<Val> = vec![
        id.into(),
        status.as_str().into(),
        ts(ev.at()),
        e.sequence.into(),
    ];
    let extra = match ev {
        OrderEvent::ReorderedFrom { source, .. } => {
            args.push(source.to_string().into());
            ", reordered_from = $5"
        }
        OrderEvent::ItemAdded { subtotal, .. }
        | OrderEvent::ItemQuantityChanged { subtotal, .. }
        | OrderEvent::ItemRemoved { subtotal, .. } => {
            args.push(subtotal.amount.into());
            ", subtotal = $5"
        }
        OrderEvent::FulfilmentChosen { fulfilment, .. } => {
            args.push(match fulfilment {
                Fulfilment::Delivery { .. } => "delivery".into(),
                Fulfilment::Pickup => "pickup".into(),
            });
            ", fulfilment = $5"
        }
        OrderEvent::CheckedOut {
            subtotal,
            delivery_fee,
            total,
            ..
        } => {
            args.extend([
                subtotal.amount.into(),
                delivery_fee.amount.into(),
                total.amount.into(),
            ]);
            ", subtotal = $5, delivery_fee = $6, total = $7, checked_out_at = $3::timestamptz"
        }
        OrderEvent::CartReopened { .. } => ", delivery_fee = NULL, total = NULL",
        OrderEvent::PaymentReceived { amount, .. } => {
            args.push(amount.amount.into());
            ", paid_amount = $5, paid_at = $3::timestamptz"
        }
        OrderEvent::OrderAccepted { eta_minutes, .. } => {
            args.push(eta_minutes.map(i64::from).into());
            ", accepted_at = $3::timestamptz, eta_minutes = $5"
        }
        OrderEvent::OrderRejected { .. } | OrderEvent::OrderCancelled { .. } => {
            ", cancelled_at = $3::timestamptz"
        }
        OrderEvent::OrderReady { .. } => ", ready_at = $3::timestamptz",
        OrderEvent::OrderDelivered { .. } | OrderEvent::OrderPickedUp { .. } => {
            ", completed_at = $3::timestamptz"
        }
        OrderEvent::RefundRequested { .. } => ", refund = 'requested'",
        OrderEvent::RefundCompleted { .. } => ", refund = 'refunded'",
        _ => "",
    };
    let sql = format!("UPDATE order_status SET status = $2, updated_at = $3::timestamptz, version = $4{extra} WHERE order_id = $1");
    tx.exec(&sql, &args).await.map(|_| ())
}
