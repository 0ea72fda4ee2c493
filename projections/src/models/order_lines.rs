//! `order_lines`: every order's lines with items and options.

use super::{order_events, stored_orders};
use crate::db::Kind::{Int, Json, Text};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use foodbot_domain::catalog::PricedLine;
use foodbot_domain::order::OrderEvent;
use foodbot_domain::LineId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Serialize, Deserialize)]
struct LineRow {
    order_id: String,
    line_id: i64,
    item_id: String,
    category: String,
    name: Value,
    size_id: Option<String>,
    options: Value,
    quantity: i64,
    unit_price: i64,
    line_total: i64,
    currency: String,
    note: Option<String>,
}

impl Record for LineRow {
    const TABLE: Table = Table {
        name: "order_lines",
        columns: &[
            ("order_id", Text),
            ("line_id", Int),
            ("item_id", Text),
            ("category", Text),
            ("name", Json),
            ("size_id", Text),
            ("options", Json),
            ("quantity", Int),
            ("unit_price", Int),
            ("line_total", Int),
            ("currency", Text),
            ("note", Text),
        ],
        key: 2,
        write: Write::Upsert,
    };
    type Key = (String, i64);
    fn key(&self) -> (String, i64) {
        (self.order_id.clone(), self.line_id)
    }
}

fn line(order_id: &str, line_id: LineId, item: &PricedLine) -> LineRow {
    LineRow {
        order_id: order_id.to_string(),
        line_id: i64::from(line_id.0),
        item_id: item.item_id.clone(),
        category: item.category.clone(),
        name: serde_json::to_value(&item.name).unwrap_or(Value::Null),
        size_id: item.size.as_ref().map(|s| s.id.clone()),
        options: serde_json::to_value(&item.options).unwrap_or(Value::Null),
        quantity: i64::from(item.quantity),
        unit_price: item.unit_price.amount,
        line_total: item.line_total.amount,
        currency: item.unit_price.currency.to_string(),
        note: item.note.clone(),
    }
}

/// True for the events that change lines stored before the step (so that
/// the step loads them first). `ItemAdded` makes a new line and needs none.
fn changes_lines(ev: &OrderEvent) -> bool {
    use OrderEvent::*;
    match ev {
        ItemQuantityChanged { .. } | ItemRemoved { .. } | CheckedOut { .. } => true,
        OrderCreated { .. }
        | ReorderedFrom { .. }
        | ItemAdded { .. }
        | FulfilmentChosen { .. }
        | CartReopened { .. }
        | PaymentRequested { .. }
        | PaymentReceived { .. }
        | PaymentFailed { .. }
        | OrderAccepted { .. }
        | OrderRejected { .. }
        | PreparationStarted { .. }
        | OrderReady { .. }
        | OutForDelivery { .. }
        | OrderDelivered { .. }
        | OrderPickedUp { .. }
        | OrderCancelled { .. }
        | RefundRequested { .. }
        | RefundCompleted { .. } => false,
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&LineRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    let mut rows = Rows::<LineRow>::new();
    rows.load(
        tx,
        "order_id",
        Val::Texts(stored_orders(events, changes_lines)),
    )
    .await?;
    for (e, ev) in order_events(events) {
        let id = e.aggregate_id.as_str();
        match ev {
            OrderEvent::ItemAdded { line_id, item, .. } => rows.create(line(id, *line_id, item)),
            OrderEvent::ItemQuantityChanged {
                line_id,
                quantity,
                line_total,
                ..
            } => {
                if let Some(row) = rows.get_mut(&(id.to_string(), i64::from(line_id.0))) {
                    row.quantity = i64::from(*quantity);
                    row.line_total = line_total.amount;
                }
            }
            OrderEvent::ItemRemoved { line_id, .. } => {
                rows.remove(&(id.to_string(), i64::from(line_id.0)))
            }
            OrderEvent::CheckedOut { lines, .. } => {
                // Checkout re-prices every line: the frozen lines replace the cart's.
                for key in rows.keys_in((id.to_string(), i64::MIN)..=(id.to_string(), i64::MAX)) {
                    rows.remove(&key);
                }
                for l in lines {
                    rows.put(line(id, l.line_id, &l.item));
                }
            }
            // Nothing about the lines.
            OrderEvent::OrderCreated { .. }
            | OrderEvent::ReorderedFrom { .. }
            | OrderEvent::FulfilmentChosen { .. }
            | OrderEvent::CartReopened { .. }
            | OrderEvent::PaymentRequested { .. }
            | OrderEvent::PaymentReceived { .. }
            | OrderEvent::PaymentFailed { .. }
            | OrderEvent::OrderAccepted { .. }
            | OrderEvent::OrderRejected { .. }
            | OrderEvent::PreparationStarted { .. }
            | OrderEvent::OrderReady { .. }
            | OrderEvent::OutForDelivery { .. }
            | OrderEvent::OrderDelivered { .. }
            | OrderEvent::OrderPickedUp { .. }
            | OrderEvent::OrderCancelled { .. }
            | OrderEvent::RefundRequested { .. }
            | OrderEvent::RefundCompleted { .. } => {}
        }
    }
    rows.flush(tx).await
}
