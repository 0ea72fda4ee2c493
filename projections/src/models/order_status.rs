//! `order_status`: one row per order, what /status and the Mini App show now.

use super::{order_events, stored_orders};
use crate::db::Kind::{Int, Text, Time};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use crate::time::format as ts;
use foodbot_domain::order::{Fulfilment, OrderEvent, OrderStatus};
use foodbot_domain::OrderId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
struct StatusRow {
    order_id: String,
    short_id: String,
    customer_id: i64,
    status: String,
    fulfilment: Option<String>,
    currency: String,
    subtotal: i64,
    delivery_fee: Option<i64>,
    total: Option<i64>,
    paid_amount: Option<i64>,
    refund: Option<String>,
    eta_minutes: Option<i64>,
    reordered_from: Option<String>,
    created_at: String,
    checked_out_at: Option<String>,
    paid_at: Option<String>,
    accepted_at: Option<String>,
    ready_at: Option<String>,
    completed_at: Option<String>,
    cancelled_at: Option<String>,
    updated_at: String,
    version: i64,
}

impl Record for StatusRow {
    const TABLE: Table = Table {
        name: "order_status",
        columns: &[
            ("order_id", Text),
            ("short_id", Text),
            ("customer_id", Int),
            ("status", Text),
            ("fulfilment", Text),
            ("currency", Text),
            ("subtotal", Int),
            ("delivery_fee", Int),
            ("total", Int),
            ("paid_amount", Int),
            ("refund", Text),
            ("eta_minutes", Int),
            ("reordered_from", Text),
            ("created_at", Time),
            ("checked_out_at", Time),
            ("paid_at", Time),
            ("accepted_at", Time),
            ("ready_at", Time),
            ("completed_at", Time),
            ("cancelled_at", Time),
            ("updated_at", Time),
            ("version", Int),
        ],
        key: 1,
        write: Write::Upsert,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

/// A status as stored, read back (an unknown one counts as new).
pub(crate) fn parse_status(s: &str) -> OrderStatus {
    serde_json::from_value(serde_json::Value::String(s.to_string())).unwrap_or(OrderStatus::New)
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&StatusRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    let mut rows = Rows::<StatusRow>::new();
    rows.load(tx, "order_id", Val::Texts(stored_orders(events, |_| true)))
        .await?;
    for (e, ev) in order_events(events) {
        let id = e.aggregate_id.as_str();
        if let OrderEvent::OrderCreated {
            order_id,
            customer,
            currency,
            at,
        } = ev
        {
            rows.create(StatusRow {
                order_id: id.to_string(),
                short_id: OrderId::short(order_id),
                customer_id: customer.0,
                status: "cart".into(),
                fulfilment: None,
                currency: currency.to_string(),
                subtotal: 0,
                delivery_fee: None,
                total: None,
                paid_amount: None,
                refund: None,
                eta_minutes: None,
                reordered_from: None,
                created_at: ts(*at),
                checked_out_at: None,
                paid_at: None,
                accepted_at: None,
                ready_at: None,
                completed_at: None,
                cancelled_at: None,
                updated_at: ts(*at),
                version: e.sequence,
            });
            continue;
        }
        let Some(row) = rows.get_mut(&id.to_string()) else {
            continue;
        };
        let at = ts(ev.at());
        row.status = ev.status_after(parse_status(&row.status)).as_str().into();
        row.updated_at = at.clone();
        row.version = e.sequence;
        match ev {
            OrderEvent::ReorderedFrom { source, .. } => {
                row.reordered_from = Some(source.to_string())
            }
            OrderEvent::ItemAdded { subtotal, .. }
            | OrderEvent::ItemQuantityChanged { subtotal, .. }
            | OrderEvent::ItemRemoved { subtotal, .. } => {
                row.subtotal = subtotal.amount;
                row.currency = subtotal.currency.to_string();
            }
            OrderEvent::FulfilmentChosen { fulfilment, .. } => {
                row.fulfilment = Some(match fulfilment {
                    Fulfilment::Delivery { .. } => "delivery".into(),
                    Fulfilment::Pickup { .. } => "pickup".into(),
                })
            }
            OrderEvent::CheckedOut {
                subtotal,
                delivery_fee,
                total,
                ..
            } => {
                // An order of digital goods is checked out in Stars: every
                // amount of the row is then in the checkout's currency.
                row.currency = total.currency.to_string();
                row.subtotal = subtotal.amount;
                row.delivery_fee = Some(delivery_fee.amount);
                row.total = Some(total.amount);
                row.checked_out_at = Some(at);
            }
            OrderEvent::CartReopened { .. } => {
                row.delivery_fee = None;
                row.total = None;
            }
            OrderEvent::PaymentReceived { amount, .. } => {
                row.paid_amount = Some(amount.amount);
                row.paid_at = Some(at);
            }
            OrderEvent::OrderAccepted { eta_minutes, .. } => {
                row.accepted_at = Some(at);
                row.eta_minutes = eta_minutes.map(i64::from);
            }
            OrderEvent::OrderRejected { .. } | OrderEvent::OrderCancelled { .. } => {
                row.cancelled_at = Some(at)
            }
            OrderEvent::OrderReady { .. } => row.ready_at = Some(at),
            OrderEvent::OrderDelivered { .. } | OrderEvent::OrderPickedUp { .. } => {
                row.completed_at = Some(at)
            }
            OrderEvent::RefundRequested { .. } => row.refund = Some("requested".into()),
            OrderEvent::RefundCompleted { .. } => row.refund = Some("refunded".into()),
            // The row was made above.
            OrderEvent::OrderCreated { .. } => {}
            // These move the status (set above for every event) and nothing else.
            OrderEvent::PaymentRequested { .. }
            | OrderEvent::PaymentFailed { .. }
            | OrderEvent::PreparationStarted { .. }
            | OrderEvent::OutForDelivery { .. } => {}
        }
    }
    rows.flush(tx).await
}
