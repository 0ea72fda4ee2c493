//! `payment_ledger`: every payment and refund, in event-log order.
//! `ledger_customers` knows each order's customer.

use super::{order_events, stored_orders};
use crate::db::Kind::{Int, Text, Time};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use crate::time::format as ts;
use foodbot_domain::order::{OrderEvent, PaymentMethod};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub(super) struct CustomerRow {
    pub(super) order_id: String,
    pub(super) customer_id: i64,
}

impl Record for CustomerRow {
    const TABLE: Table = Table {
        name: "ledger_customers",
        columns: &[("order_id", Text), ("customer_id", Int)],
        key: 1,
        write: Write::Keep,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct EntryRow {
    position: i64,
    order_id: String,
    customer_id: i64,
    kind: String,
    amount: i64,
    currency: String,
    method: Option<String>,
    telegram_charge_id: Option<String>,
    provider_charge_id: Option<String>,
    reason: Option<String>,
    at: String,
}

impl Record for EntryRow {
    const TABLE: Table = Table {
        name: "payment_ledger",
        columns: &[
            ("position", Int),
            ("order_id", Text),
            ("customer_id", Int),
            ("kind", Text),
            ("amount", Int),
            ("currency", Text),
            ("method", Text),
            ("telegram_charge_id", Text),
            ("provider_charge_id", Text),
            ("reason", Text),
            ("at", Time),
        ],
        key: 1,
        write: Write::Append,
    };
    type Key = i64;
    fn key(&self) -> i64 {
        self.position
    }
}

/// True for the events that move money (and so need the order's customer).
/// A payment requested is not money yet; a rejection or cancellation is
/// followed by its own `RefundRequested`.
fn is_payment(ev: &OrderEvent) -> bool {
    match ev {
        OrderEvent::PaymentReceived { .. }
        | OrderEvent::RefundRequested { .. }
        | OrderEvent::RefundCompleted { .. } => true,
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
        | OrderEvent::OrderCancelled { .. } => false,
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&EntryRow::TABLE, &CustomerRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    let mut customers = Rows::<CustomerRow>::new();
    customers
        .load(
            tx,
            "order_id",
            Val::Texts(stored_orders(events, is_payment)),
        )
        .await?;
    let mut entries = Rows::<EntryRow>::new();
    for (e, ev) in order_events(events) {
        let id = e.aggregate_id.as_str();
        let (kind, amount, method, telegram, provider, reason) = match ev {
            OrderEvent::OrderCreated { customer, .. } => {
                customers.create(CustomerRow {
                    order_id: id.to_string(),
                    customer_id: customer.0,
                });
                continue;
            }
            OrderEvent::PaymentReceived {
                method,
                amount,
                telegram_charge_id,
                provider_charge_id,
                ..
            } => (
                "payment",
                amount,
                Some(match method {
                    PaymentMethod::Provider => "provider",
                    PaymentMethod::Stars => "stars",
                }),
                Some(telegram_charge_id),
                Some(provider_charge_id),
                None,
            ),
            OrderEvent::RefundRequested { amount, reason, .. } => {
                ("refund_requested", amount, None, None, None, Some(reason))
            }
            OrderEvent::RefundCompleted {
                amount,
                telegram_charge_id,
                ..
            } => ("refund", amount, None, Some(telegram_charge_id), None, None),
            OrderEvent::ReorderedFrom { .. }
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
            | OrderEvent::OrderCancelled { .. } => continue,
        };
        let Some(customer_id) = customers.get(&id.to_string()).map(|c| c.customer_id) else {
            continue;
        };
        entries.append(EntryRow {
            position: e.position(),
            order_id: id.to_string(),
            customer_id,
            kind: kind.into(),
            amount: amount.amount,
            currency: amount.currency.to_string(),
            method: method.map(String::from),
            telegram_charge_id: telegram.cloned(),
            provider_charge_id: provider.cloned(),
            reason: reason.cloned(),
            at: ts(ev.at()),
        });
    }
    customers.flush(tx).await?;
    entries.flush(tx).await
}
