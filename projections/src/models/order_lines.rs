//! `order_lines`: every order's lines with items and options.

use super::json;
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::catalog::PricedLine;
use foodbot_domain::order::OrderEvent;
use foodbot_domain::LineId;

async fn insert(
    tx: &mut Tx<'_>,
    order_id: &str,
    line_id: LineId,
    item: &PricedLine,
) -> sqlx::Result<()> {
    let sql = "INSERT INTO order_lines (order_id, line_id, item_id, category, name, size_id, options, quantity, unit_price, line_total, currency, note)
               VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9, $10, $11, $12)
               ON CONFLICT (order_id, line_id) DO NOTHING";
    let args: [Val; 12] = [
        order_id.into(),
        i64::from(line_id.0).into(),
        item.item_id.as_str().into(),
        item.category.as_str().into(),
        json(&item.name),
        item.size.as_ref().map(|s| s.id.clone()).into(),
        json(&item.options),
        i64::from(item.quantity).into(),
        item.unit_price.amount.into(),
        item.line_total.amount.into(),
        item.unit_price.currency.to_string().into(),
        item.note.clone().into(),
    ];
    tx.exec(sql, &args).await.map(|_| ())
}

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let Decoded::Order(ev) = &e.event else {
        return Ok(());
    };
    let id = e.aggregate_id.as_str();
    match ev {
        OrderEvent::ItemAdded { line_id, item, .. } => insert(tx, id, *line_id, item).await,
        OrderEvent::ItemQuantityChanged {
            line_id,
            quantity,
            line_total,
            ..
        } => {
            let sql = "UPDATE order_lines SET quantity = $3, line_total = $4 WHERE order_id = $1 AND line_id = $2";
            let args = [
                id.into(),
                i64::from(line_id.0).into(),
                i64::from(*quantity).into(),
                line_total.amount.into(),
            ];
            tx.exec(sql, &args).await.map(|_| ())
        }
        OrderEvent::ItemRemoved { line_id, .. } => {
            let sql = "DELETE FROM order_lines WHERE order_id = $1 AND line_id = $2";
            tx.exec(sql, &[id.into(), i64::from(line_id.0).into()])
                .await
                .map(|_| ())
        }
        OrderEvent::CheckedOut { lines, .. } => {
            // Checkout re-prices every line: the frozen lines replace the cart's.
            tx.exec("DELETE FROM order_lines WHERE order_id = $1", &[id.into()])
                .await?;
            for line in lines {
                insert(tx, id, line.line_id, &line.item).await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
