//! Sales analytics: `sales_orders` (the time of each funnel step) and `sales_lines` (revenue by item, category, day and
//! hour). `sales_checkouts` holds frozen lines between checkout and payment.

use super::{json, ts};
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::order::OrderEvent;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct StagedLine {
    line_id: u32,
    item_id: String,
    category: String,
    quantity: u32,
    revenue: i64,
    currency: String,
}

async fn set_time(
    tx: &mut Tx<'_>,
    column: &str,
    id: &str,
    at: Val,
    only_first: bool,
) -> sqlx::Result<()> {
    let value = if only_first {
        format!("COALESCE({column}, $2::timestamptz)")
    } else {
        "$2::timestamptz".to_string()
    };
    let sql = format!("UPDATE sales_orders SET {column} = {value} WHERE order_id = $1");
    tx.exec(&sql, &[id.into(), at]).await.map(|_| ())
}

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let Decoded::Order(ev) = &e.event else {
        return Ok(());
    };
    let id = e.aggregate_id.as_str();
    match ev {
        OrderEvent::OrderCreated {
            customer,
            currency,
            at,
            ..
        } => {
            let sql = "INSERT INTO sales_orders (order_id, customer_id, created_at, currency)
                       VALUES ($1, $2, $3::timestamptz, $4) ON CONFLICT (order_id) DO NOTHING";
            tx.exec(
                sql,
                &[
                    id.into(),
                    customer.0.into(),
                    ts(*at),
                    currency.to_string().into(),
                ],
            )
            .await
            .map(|_| ())
        }
        OrderEvent::CheckedOut { lines, at, .. } => {
            set_time(tx, "checked_out_at", id, ts(*at), true).await?;
            let staged: Vec<StagedLine> = lines
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
            let sql = "INSERT INTO sales_checkouts (order_id, lines) VALUES ($1, $2::jsonb)
                       ON CONFLICT (order_id) DO UPDATE SET lines = excluded.lines";
            tx.exec(sql, &[id.into(), json(&staged)]).await.map(|_| ())
        }
        OrderEvent::PaymentReceived { amount, at, .. } => {
            let sql = "UPDATE sales_orders SET paid_at = $2::timestamptz, total = $3 WHERE order_id = $1 AND paid_at IS NULL";
            tx.exec(sql, &[id.into(), ts(*at), amount.amount.into()])
                .await?;
            let staged = tx
                .text(
                    "SELECT CAST(lines AS TEXT) FROM sales_checkouts WHERE order_id = $1",
                    &[id.into()],
                )
                .await?;
            let lines: Vec<StagedLine> = staged
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            let day = at.format("%Y-%m-%d").to_string();
            let hour = i64::from(chrono::Timelike::hour(at));
            for l in lines {
                let sql = "INSERT INTO sales_lines (order_id, line_id, customer_id, item_id, category, quantity, revenue, currency,
                                                    paid_at, paid_day, paid_hour)
                           SELECT $1, $2, o.customer_id, $3, $4, $5, $6, $7, $8::timestamptz, $9::date, $10
                             FROM sales_orders o WHERE o.order_id = $1
                           ON CONFLICT (order_id, line_id) DO NOTHING";
                let args: [Val; 10] = [
                    id.into(),
                    i64::from(l.line_id).into(),
                    l.item_id.into(),
                    l.category.into(),
                    i64::from(l.quantity).into(),
                    l.revenue.into(),
                    l.currency.into(),
                    ts(*at),
                    day.as_str().into(),
                    hour.into(),
                ];
                tx.exec(sql, &args).await?;
            }
            tx.exec(
                "DELETE FROM sales_checkouts WHERE order_id = $1",
                &[id.into()],
            )
            .await
            .map(|_| ())
        }
        OrderEvent::OrderReady { at, .. } => set_time(tx, "ready_at", id, ts(*at), true).await,
        OrderEvent::OrderDelivered { at, .. } | OrderEvent::OrderPickedUp { at, .. } => {
            set_time(tx, "delivered_at", id, ts(*at), true).await
        }
        OrderEvent::OrderCancelled { at, .. } | OrderEvent::OrderRejected { at, .. } => {
            set_time(tx, "cancelled_at", id, ts(*at), true).await
        }
        OrderEvent::RefundCompleted { .. } => tx
            .exec(
                "UPDATE sales_lines SET refunded = true WHERE order_id = $1",
                &[id.into()],
            )
            .await
            .map(|_| ()),
        _ => Ok(()),
    }
}
