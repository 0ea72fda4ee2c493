//! The read API of the application: what an order is now, its history, and a
//! customer's orders, typed, for every interface (the Mini App's HTTP API, the
//! bot's /status and /orders).
//!
//! An order's own fields come from the write side (the aggregate, as the last
//! command left it), so that a read shows the order exactly as a command's
//! answer does; its history (timeline, times, estimate) and the lists come from
//! the read models, which may lag: callers wait for a read token first (see
//! `foodbot_projections::queries::wait_for`). The SQL is written once per
//! dialect only where the two differ in their types (PostgreSQL `timestamptz`,
//! SQLite RFC 3339 text), and decoded into the same structs.

use super::{App, AppError};
use crate::store::Database;
use chrono::{DateTime, Utc};
use foodbot_domain::order::{Order, OrderError, OrderStatus};
use foodbot_domain::{Actor, OrderId, UserId};

/// One step in an order's history.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TimelineEntry {
    pub sequence: i64,
    pub event_type: String,
    /// The order's status after the step.
    pub status: String,
    /// `customer`, `staff` or `system`.
    pub actor: String,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// What the read models know of an order besides its state.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrderHistory {
    pub eta_minutes: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One order with its history, as its customer (or staff) sees it.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub id: OrderId,
    pub order: Order,
    /// Sequence number of the order's last event.
    pub version: usize,
    pub history: OrderHistory,
    pub timeline: Vec<TimelineEntry>,
}

/// One line of a customer's order list.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrderSummary {
    pub id: String,
    pub short_id: String,
    pub status: String,
    pub currency: String,
    pub subtotal: i64,
    /// Frozen at checkout; `None` before.
    pub total: Option<i64>,
    /// How many items (the sum of the lines' quantities).
    pub item_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SUMMARIES: &str = "SELECT s.order_id AS id, s.short_id, s.status, s.currency, s.subtotal, s.total,
        CAST((SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = s.order_id) AS BIGINT) AS item_count,
        CAST(s.version AS BIGINT) AS version, s.created_at, s.updated_at
   FROM order_status s
  WHERE s.customer_id = $1 AND ($4 OR s.status <> 'cart')
  ORDER BY s.created_at DESC, s.order_id
  LIMIT $2 OFFSET $3";
const COUNT: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM order_status
  WHERE customer_id = $1 AND ($2 OR status <> 'cart')";
const HISTORY: &str =
    "SELECT eta_minutes, created_at, updated_at FROM order_status WHERE order_id = $1";
const TIMELINE_AFTER: &str =
    "SELECT CAST(sequence AS BIGINT) AS sequence, event_type, status, actor, detail, at
   FROM order_timeline WHERE order_id = $1 AND sequence > $2 ORDER BY sequence";
const TIMELINE: &str =
    "SELECT CAST(sequence AS BIGINT) AS sequence, event_type, status, actor, detail, at
   FROM order_timeline WHERE order_id = $1 ORDER BY sequence";

impl App {
    /// `customer`'s orders, newest first, at most `limit`.
    pub async fn order_history(
        &self,
        customer: UserId,
        limit: i64,
    ) -> Result<Vec<OrderSummary>, AppError> {
        self.order_page(customer, limit, 0, true).await
    }

    /// How many orders `customer` has (carts included or not).
    pub async fn order_count(&self, customer: UserId, carts: bool) -> Result<i64, AppError> {
        let n = match &self.db {
            Database::Postgres(p) => {
                sqlx::query_scalar(COUNT)
                    .bind(customer.0)
                    .bind(carts)
                    .fetch_one(p)
                    .await
            }
            Database::Sqlite(p) => {
                sqlx::query_scalar(COUNT)
                    .bind(customer.0)
                    .bind(carts)
                    .fetch_one(p)
                    .await
            }
        };
        n.map_err(AppError::storage)
    }

    /// A page of `customer`'s orders, newest first: at most `limit`, after
    /// skipping `offset` (the bot's `/orders` pages through them), open
    /// carts included or not.
    pub async fn order_page(
        &self,
        customer: UserId,
        limit: i64,
        offset: i64,
        carts: bool,
    ) -> Result<Vec<OrderSummary>, AppError> {
        let rows = match &self.db {
            Database::Postgres(p) => {
                sqlx::query_as(SUMMARIES)
                    .bind(customer.0)
                    .bind(limit)
                    .bind(offset)
                    .bind(carts)
                    .fetch_all(p)
                    .await
            }
            Database::Sqlite(p) => {
                sqlx::query_as(SUMMARIES)
                    .bind(customer.0)
                    .bind(limit)
                    .bind(offset)
                    .bind(carts)
                    .fetch_all(p)
                    .await
            }
        };
        rows.map_err(AppError::storage)
    }

    /// One order with its history for `viewer`: customers see only their own
    /// orders, anything else is not found, as is an order the read models do
    /// not show yet.
    pub async fn order_detail(&self, viewer: Actor, id: OrderId) -> Result<OrderDetail, AppError> {
        let (order, version) = self.order_for(viewer, id).await?;
        let key = id.to_string();
        let (history, timeline) = match &self.db {
            Database::Postgres(p) => {
                let h = sqlx::query_as(HISTORY).bind(&key).fetch_optional(p);
                let t = sqlx::query_as(TIMELINE).bind(&key).fetch_all(p);
                (h.await, t.await)
            }
            Database::Sqlite(p) => {
                let h = sqlx::query_as(HISTORY).bind(&key).fetch_optional(p);
                let t = sqlx::query_as(TIMELINE).bind(&key).fetch_all(p);
                (h.await, t.await)
            }
        };
        let history = history
            .map_err(AppError::storage)?
            .ok_or(AppError::Order(OrderError::NotFound))?;
        Ok(OrderDetail {
            id,
            order,
            version,
            history,
            timeline: timeline.map_err(AppError::storage)?,
        })
    }

    /// The steps of an order after the one numbered `after`, in order, as the
    /// read models show them now. The caller has made sure the viewer may see
    /// the order ([`App::order_detail`]).
    pub async fn timeline_after(
        &self,
        id: OrderId,
        after: i64,
    ) -> Result<Vec<TimelineEntry>, AppError> {
        let key = id.to_string();
        let rows = match &self.db {
            Database::Postgres(p) => {
                sqlx::query_as(TIMELINE_AFTER)
                    .bind(&key)
                    .bind(after)
                    .fetch_all(p)
                    .await
            }
            Database::Sqlite(p) => {
                sqlx::query_as(TIMELINE_AFTER)
                    .bind(&key)
                    .bind(after)
                    .fetch_all(p)
                    .await
            }
        };
        rows.map_err(AppError::storage)
    }

    /// Where an order stands, for a one-line status (the bot's /status).
    pub async fn order_status(
        &self,
        viewer: Actor,
        id: OrderId,
    ) -> Result<(OrderStatus, Option<i32>), AppError> {
        let detail = self.order_detail(viewer, id).await?;
        Ok((detail.order.status, detail.history.eta_minutes))
    }
}
