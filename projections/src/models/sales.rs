//! Sales analytics: `sales_orders` (the time of each funnel step) and `sales_lines` (revenue by item, category, day and
//! hour). `sales_checkouts` holds frozen lines between checkout and payment.

use super::{order_events, stored_orders};
use crate::db::Kind::{Bool, Date, Int, Json, Text, Time};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use crate::time::format as ts;
use foodbot_domain::order::OrderEvent;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
struct StagedLine {
    line_id: u32,
    item_id: String,
    category: String,
    quantity: u32,
    revenue: i64,
    currency: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct OrderRow {
    order_id: String,
    customer_id: i64,
    created_at: String,
    checked_out_at: Option<String>,
    paid_at: Option<String>,
    ready_at: Option<String>,
    delivered_at: Option<String>,
    cancelled_at: Option<String>,
    total: Option<i64>,
    currency: String,
}

impl Record for OrderRow {
    const TABLE: Table = Table {
        name: "sales_orders",
        columns: &[
            ("order_id", Text),
            ("customer_id", Int),
            ("created_at", Time),
            ("checked_out_at", Time),
            ("paid_at", Time),
            ("ready_at", Time),
            ("delivered_at", Time),
            ("cancelled_at", Time),
            ("total", Int),
            ("currency", Text),
        ],
        key: 1,
        write: Write::Upsert,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct CheckoutRow {
    order_id: String,
    lines: Vec<StagedLine>,
}

impl Record for CheckoutRow {
    const TABLE: Table = Table {
        name: "sales_checkouts",
        columns: &[("order_id", Text), ("lines", Json)],
        key: 1,
        write: Write::Upsert,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct LineRow {
    order_id: String,
    line_id: i64,
    customer_id: i64,
    item_id: String,
    category: String,
    quantity: i64,
    revenue: i64,
    currency: String,
    paid_at: String,
    paid_day: String,
    paid_hour: i64,
    refunded: bool,
}

impl Record for LineRow {
    const TABLE: Table = Table {
        name: "sales_lines",
        columns: &[
            ("order_id", Text),
            ("line_id", Int),
            ("customer_id", Int),
            ("item_id", Text),
            ("category", Text),
            ("quantity", Int),
            ("revenue", Int),
            ("currency", Text),
            ("paid_at", Time),
            ("paid_day", Date),
            ("paid_hour", Int),
            ("refunded", Bool),
        ],
        key: 2,
        write: Write::Upsert,
    };
    type Key = (String, i64);
    fn key(&self) -> (String, i64) {
        (self.order_id.clone(), self.line_id)
    }
}

/// Which of the model's stored rows an event reads or changes, so that a
/// step loads them before applying it.
#[derive(Clone, Copy, Default)]
struct Needs {
    order: bool,
    checkout: bool,
    lines: bool,
}

fn needs(ev: &OrderEvent) -> Needs {
    use OrderEvent::*;
    let order = Needs {
        order: true,
        ..Needs::default()
    };
    match ev {
        CheckedOut { .. }
        | OrderReady { .. }
        | OrderDelivered { .. }
        | OrderPickedUp { .. }
        | OrderCancelled { .. }
        | OrderRejected { .. } => order,
        PaymentReceived { .. } => Needs {
            checkout: true,
            ..order
        },
        RefundCompleted { .. } => Needs {
            lines: true,
            ..Needs::default()
        },
        // `OrderCreated` makes its row; the others mean nothing to sales.
        OrderCreated { .. }
        | ReorderedFrom { .. }
        | ItemAdded { .. }
        | ItemQuantityChanged { .. }
        | ItemRemoved { .. }
        | FulfilmentChosen { .. }
        | CartReopened { .. }
        | PaymentRequested { .. }
        | PaymentFailed { .. }
        | OrderAccepted { .. }
        | PreparationStarted { .. }
        | OutForDelivery { .. }
        | RefundRequested { .. } => Needs::default(),
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&OrderRow::TABLE, &LineRow::TABLE, &CheckoutRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    use OrderEvent::*;
    let mut orders = Rows::<OrderRow>::new();
    let mut checkouts = Rows::<CheckoutRow>::new();
    let mut lines = Rows::<LineRow>::new();
    let touches = |ev: &OrderEvent| needs(ev).order;
    orders
        .load(tx, "order_id", Val::Texts(stored_orders(events, touches)))
        .await?;
    let paid = |ev: &OrderEvent| needs(ev).checkout;
    checkouts
        .load(tx, "order_id", Val::Texts(stored_orders(events, paid)))
        .await?;
    let refunded = |ev: &OrderEvent| needs(ev).lines;
    lines
        .load(tx, "order_id", Val::Texts(stored_orders(events, refunded)))
        .await?;
    for (e, ev) in order_events(events) {
        let id = e.aggregate_id.to_string();
        // The first time of a step is kept.
        let first = |slot: &mut Option<String>, at| {
            slot.get_or_insert_with(|| ts(at));
        };
        match ev {
            OrderCreated {
                customer,
                currency,
                at,
                ..
            } => orders.create(OrderRow {
                order_id: id,
                customer_id: customer.0,
                created_at: ts(*at),
                checked_out_at: None,
                paid_at: None,
                ready_at: None,
                delivered_at: None,
                cancelled_at: None,
                total: None,
                currency: currency.to_string(),
            }),
            CheckedOut {
                lines: frozen, at, ..
            } => {
                if let Some(o) = orders.get_mut(&id) {
                    first(&mut o.checked_out_at, *at);
                }
                let staged = frozen
                    .iter()
                    .map(|l| StagedLine {
                        line_id: l.line_id.0,
                        item_id: l.item.item_id.clone(),
                        category: l.item.category.clone(),
                        quantity: l.item.quantity,
                        revenue: l.item.line_total.amount,
                        currency: l.item.line_total.currency.to_string(),
                    })
                    .collect();
                checkouts.put(CheckoutRow {
                    order_id: id,
                    lines: staged,
                });
            }
            PaymentReceived { amount, at, .. } => {
                let customer = orders.get_mut(&id).map(|o| {
                    if o.paid_at.is_none() {
                        o.paid_at = Some(ts(*at));
                        o.total = Some(amount.amount);
                        // The currency paid in: Stars for digital goods.
                        o.currency = amount.currency.to_string();
                    }
                    o.customer_id
                });
                let staged = checkouts
                    .get(&id)
                    .map(|c| c.lines.clone())
                    .unwrap_or_default();
                if let Some(customer_id) = customer {
                    // An order is paid once (the domain refuses a second payment).
                    for l in staged {
                        lines.create(LineRow {
                            order_id: id.clone(),
                            line_id: i64::from(l.line_id),
                            customer_id,
                            item_id: l.item_id,
                            category: l.category,
                            quantity: i64::from(l.quantity),
                            revenue: l.revenue,
                            currency: l.currency,
                            paid_at: ts(*at),
                            paid_day: at.format("%Y-%m-%d").to_string(),
                            paid_hour: i64::from(chrono::Timelike::hour(at)),
                            refunded: false,
                        });
                    }
                }
                checkouts.remove(&id);
            }
            OrderReady { at, .. } => {
                if let Some(o) = orders.get_mut(&id) {
                    first(&mut o.ready_at, *at);
                }
            }
            OrderDelivered { at, .. } | OrderPickedUp { at, .. } => {
                if let Some(o) = orders.get_mut(&id) {
                    first(&mut o.delivered_at, *at);
                }
            }
            OrderCancelled { at, .. } | OrderRejected { at, .. } => {
                if let Some(o) = orders.get_mut(&id) {
                    first(&mut o.cancelled_at, *at);
                }
            }
            RefundCompleted { .. } => {
                for key in lines.keys_in((id.clone(), i64::MIN)..=(id.clone(), i64::MAX)) {
                    if let Some(l) = lines.get_mut(&key) {
                        l.refunded = true;
                    }
                }
            }
            // Not a funnel step or a sale: the cart's contents count only as
            // frozen at checkout, and a refund only once it is done.
            ReorderedFrom { .. }
            | ItemAdded { .. }
            | ItemQuantityChanged { .. }
            | ItemRemoved { .. }
            | FulfilmentChosen { .. }
            | CartReopened { .. }
            | PaymentRequested { .. }
            | PaymentFailed { .. }
            | OrderAccepted { .. }
            | PreparationStarted { .. }
            | OutForDelivery { .. }
            | RefundRequested { .. } => {}
        }
    }
    orders.flush(tx).await?;
    checkouts.flush(tx).await?;
    lines.flush(tx).await
}
