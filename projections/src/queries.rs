//! Reads of the read models that the API serves, and read-your-writes.

use crate::db::{Db, Val};
use crate::event::Checkpoint;
use crate::storage::row::parse_json_columns;
use crate::visibility::Visibility;
use serde_json::{Map, Value};
use std::time::Duration;

/// A customer's orders, newest first.
pub async fn order_summaries(
    db: &Db,
    customer: i64,
    limit: i64,
) -> sqlx::Result<Vec<Map<String, Value>>> {
    let sql = "SELECT s.order_id AS id, s.short_id, s.status, s.currency, COALESCE(s.total, s.subtotal) AS total,
                      CAST(s.created_at AS TEXT) AS created_at,
                      (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = s.order_id) AS items
                 FROM order_status s
                WHERE s.customer_id = $1
                ORDER BY s.created_at DESC, s.order_id
                LIMIT $2";
    db.rows(sql, &[customer.into(), limit.into()]).await
}

/// One order as the read models hold it: status, lines and timeline, or
/// `None` if it does not exist or belongs to someone else.
pub async fn order_detail(
    db: &Db,
    order_id: &str,
    viewer: Option<i64>,
) -> sqlx::Result<Option<Value>> {
    let sql = "SELECT order_id AS id, short_id, customer_id, status, fulfilment, currency, subtotal, delivery_fee, total,
                      paid_amount, refund, eta_minutes, reordered_from, version,
                      CAST(created_at AS TEXT) AS created_at, CAST(updated_at AS TEXT) AS updated_at
                 FROM order_status WHERE order_id = $1";
    let Some(mut order) = db.rows(sql, &[order_id.into()]).await?.into_iter().next() else {
        return Ok(None);
    };
    if viewer.is_some() && order.get("customer_id").and_then(Value::as_i64) != viewer {
        return Ok(None);
    }
    let lines = "SELECT line_id, item_id, category, name, size_id, options, quantity, unit_price, line_total, note
                   FROM order_lines WHERE order_id = $1 ORDER BY line_id";
    let timeline = "SELECT sequence, event_type, status, actor, detail, CAST(at AS TEXT) AS at
                      FROM order_timeline WHERE order_id = $1 ORDER BY sequence";
    let mut lines = db.rows(lines, &[order_id.into()]).await?;
    // The item's name and options are JSON columns of `order_lines`.
    for line in &mut lines {
        for table in crate::Model::OrderLines.described() {
            parse_json_columns(table, line)?;
        }
    }
    let timeline = db.rows(timeline, &[order_id.into()]).await?;
    order.insert(
        "lines".into(),
        Value::Array(lines.into_iter().map(Value::Object).collect()),
    );
    order.insert(
        "timeline".into(),
        Value::Array(timeline.into_iter().map(Value::Object).collect()),
    );
    Ok(Some(Value::Object(order)))
}

/// Names the last event of a command: `<aggregate type>:<aggregate id>:<sequence>`.
pub fn read_token(aggregate_type: &str, aggregate_id: &str, sequence: usize) -> String {
    format!("{aggregate_type}:{aggregate_id}:{sequence}")
}

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("unknown read token")]
    UnknownToken,
    #[error("not yet visible in the read models; retry shortly")]
    TimedOut,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Returns once every read model the API reads from has projected the event
/// `token` names, or fails after `timeout`. The wait is on the process's shared
/// [`Visibility`]: no query of its own besides finding the event.
pub async fn wait_for(
    db: &Db,
    token: &str,
    visibility: &Visibility,
    timeout: Duration,
) -> Result<(), WaitError> {
    let mut parts = token.splitn(3, ':');
    let (Some(kind), Some(id), Some(seq)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(WaitError::UnknownToken);
    };
    let seq: i64 = seq.parse().map_err(|_| WaitError::UnknownToken)?;
    let sql = match db {
        Db::Postgres(_) => "SELECT transaction_id::text::bigint AS tx, position FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3",
        Db::Sqlite(_) => "SELECT 0 AS tx, position FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3",
    };
    let args: [Val; 3] = [kind.into(), id.into(), seq.into()];
    let row = db
        .rows(sql, &args)
        .await?
        .into_iter()
        .next()
        .ok_or(WaitError::UnknownToken)?;
    let target = Checkpoint {
        transaction_id: row.get("tx").and_then(Value::as_i64).unwrap_or(0),
        position: row.get("position").and_then(Value::as_i64).unwrap_or(0),
    };
    if visibility.wait(target, timeout).await {
        Ok(())
    } else {
        Err(WaitError::TimedOut)
    }
}
