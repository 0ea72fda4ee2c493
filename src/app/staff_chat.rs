//! The staff chat's data: which posts and notes are due, what an order looks
//! like to the kitchen (from the read models), and the worker's records of
//! what it has shown.
//!
//! The `staff_chat` read model says what is to be shown (`staff_posts`: one
//! row per paid order with the version the projector has seen; `staff_notes`:
//! one row per note). The worker (`crate::telegram::staff_chat`) claims due
//! rows with a lease before it calls Telegram — the claim is its intent,
//! recorded first — and records the result right after the call. A row
//! claimed by one process is skipped by the others until its lease runs out
//! (PostgreSQL: `FOR UPDATE SKIP LOCKED` in the claim; SQLite has one writer
//! at a time), so each post and edit is made by one process. A claim returns
//! the row as stored, message id included, so a retry edits the message an
//! earlier attempt recorded rather than posting again.

use super::{App, AppError};
use crate::store::Database;
use foodbot_domain::order::OrderStatus;
use foodbot_domain::order::{Fulfilment, PaymentMethod};
use foodbot_domain::OrderId;

/// Runs one query on whichever pool the database has.
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            Database::Postgres($p) => $body,
            Database::Sqlite($p) => $body,
        }
    };
}

/// How long after its payment an order is still posted for the first time.
/// The staff chat is for the orders the kitchen is working on: when the read
/// model is first projected over old history (an upgrade, or `STAFF_CHAT_ID`
/// set on a running restaurant) old orders are not posted.
pub const FIRST_POST_WITHIN: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// A post claimed for posting or editing.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DuePost {
    pub order_id: String,
    /// The message showing the order, once posted.
    pub message_id: Option<i64>,
    /// The version the projector has seen.
    pub version: i64,
    /// Attempts since the last success, this one included.
    pub attempts: i32,
    /// Why the previous attempt failed, if it said so.
    pub last_error: Option<String>,
}

/// A note claimed for sending.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueNote {
    pub note_id: String,
    pub order_id: String,
    pub kind: String,
    pub params: String,
    pub attempts: i32,
}

/// One line of an order as the kitchen reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffLine {
    pub item_id: String,
    /// Item name per language (JSON object).
    pub name: String,
    pub size_id: Option<String>,
    /// `[{"group", "option", "name": {lang: text}, "price_delta"}]`.
    pub options: String,
    pub quantity: i64,
    pub line_total: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ViewRow {
    short_id: String,
    status: String,
    currency: String,
    total: Option<i64>,
    paid_amount: Option<i64>,
    refund: Option<String>,
    eta_minutes: Option<i64>,
    version: i64,
    fulfilment: Option<String>,
    method: String,
    customer_id: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    username: Option<String>,
}

/// A paid order as the staff chat shows it, read from the read models.
#[derive(Debug, Clone)]
pub struct StaffOrderView {
    pub id: OrderId,
    pub short_id: String,
    pub status: OrderStatus,
    /// The order's version the read models show (the buttons are made for it).
    pub version: i64,
    pub currency: String,
    pub total: Option<i64>,
    pub paid_amount: Option<i64>,
    /// `requested` or `refunded`.
    pub refund: Option<String>,
    pub eta_minutes: Option<i64>,
    pub fulfilment: Option<Fulfilment>,
    pub method: PaymentMethod,
    pub customer_id: i64,
    pub customer_name: Option<String>,
    pub lines: Vec<StaffLine>,
}

const CLAIM_POSTS_PG: &str = "UPDATE staff_posts
    SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
  WHERE order_id IN (
        SELECT order_id FROM staff_posts
         WHERE (shown_version IS NULL OR shown_version < version) AND lease_until < $3
           AND (message_id IS NOT NULL OR paid_at >= $5)
         ORDER BY position LIMIT $4 FOR UPDATE SKIP LOCKED)
    AND (shown_version IS NULL OR shown_version < version) AND lease_until < $3
RETURNING order_id, message_id, version, attempts, last_error";
const CLAIM_POSTS_SQLITE: &str = "UPDATE staff_posts
    SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
  WHERE order_id IN (
        SELECT order_id FROM staff_posts
         WHERE (shown_version IS NULL OR shown_version < version) AND lease_until < $3
           AND (message_id IS NOT NULL OR paid_at >= $5)
         ORDER BY position LIMIT $4)
RETURNING order_id, message_id, version, attempts, last_error";
const POST_SHOWN: &str = "UPDATE staff_posts
    SET message_id = $3, shown_version = $4, lease_until = $5, attempts = 0, last_error = NULL
  WHERE order_id = $1 AND lease_owner = $2";
const POST_MESSAGE: &str = "UPDATE staff_posts SET message_id = $2 WHERE order_id = $1";
const POST_FAILED: &str = "UPDATE staff_posts SET lease_until = $3, last_error = $4
  WHERE order_id = $1 AND lease_owner = $2";
const POST_MESSAGE_ID: &str = "SELECT message_id FROM staff_posts WHERE order_id = $1";
const CLAIM_NOTES_PG: &str = "UPDATE staff_notes
    SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
  WHERE note_id IN (
        SELECT n.note_id FROM staff_notes n JOIN staff_posts p ON p.order_id = n.order_id
         WHERE n.sent_at IS NULL AND n.lease_until < $3 AND p.message_id IS NOT NULL
         ORDER BY n.position LIMIT $4 FOR UPDATE OF n SKIP LOCKED)
    AND sent_at IS NULL AND lease_until < $3
RETURNING note_id, order_id, kind, CAST(params AS TEXT) AS params, attempts";
const CLAIM_NOTES_SQLITE: &str = "UPDATE staff_notes
    SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
  WHERE note_id IN (
        SELECT n.note_id FROM staff_notes n JOIN staff_posts p ON p.order_id = n.order_id
         WHERE n.sent_at IS NULL AND n.lease_until < $3 AND p.message_id IS NOT NULL
         ORDER BY n.position LIMIT $4)
RETURNING note_id, order_id, kind, params, attempts";
const NOTE_SENT: &str = "UPDATE staff_notes SET sent_at = $3, last_error = NULL
  WHERE note_id = $1 AND lease_owner = $2";
const NOTE_FAILED: &str = "UPDATE staff_notes SET lease_until = $3, last_error = $4
  WHERE note_id = $1 AND lease_owner = $2";
const VIEW: &str = "SELECT s.short_id, s.status, s.currency, s.total, s.paid_amount, s.refund,
        CAST(s.eta_minutes AS BIGINT) AS eta_minutes, CAST(s.version AS BIGINT) AS version,
        CAST(p.fulfilment AS TEXT) AS fulfilment, p.method, CAST(p.customer_id AS BIGINT) AS customer_id,
        u.first_name, u.last_name, u.username
   FROM order_status s
   JOIN staff_posts p ON p.order_id = s.order_id
   LEFT JOIN user_directory u ON u.user_id = s.customer_id
  WHERE s.order_id = $1";
const LINES: &str =
    "SELECT item_id, CAST(name AS TEXT) AS name, size_id, CAST(options AS TEXT) AS options,
        CAST(quantity AS BIGINT) AS quantity, CAST(line_total AS BIGINT) AS line_total, note
   FROM order_lines WHERE order_id = $1 ORDER BY line_id";

impl App {
    /// Claims up to `limit` posts that are due (never posted, or showing an
    /// older version than the projector has seen) and not claimed by anyone
    /// else, for `owner` until `lease_until` (Unix milliseconds; `now` too).
    /// An order is posted for the first time only if it was paid at
    /// `paid_since` or later ([`FIRST_POST_WITHIN`]).
    pub async fn claim_staff_posts(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<DuePost>, AppError> {
        let paid_since = now - FIRST_POST_WITHIN.num_milliseconds();
        let sql = match &self.db {
            Database::Postgres(_) => CLAIM_POSTS_PG,
            Database::Sqlite(_) => CLAIM_POSTS_SQLITE,
        };
        on_db!(&self.db, |p| sqlx::query_as(sql)
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .bind(paid_since)
            .fetch_all(p)
            .await)
        .map_err(AppError::storage)
    }

    /// Records that `message_id` shows `order` at `version`. `next` is when the
    /// row may be claimed again (the worker's own pause after a show whose
    /// read models lagged the projector's version).
    pub async fn staff_post_shown(
        &self,
        order: &str,
        owner: &str,
        message_id: i64,
        version: i64,
        next: i64,
    ) -> Result<(), AppError> {
        on_db!(&self.db, |p| sqlx::query(POST_SHOWN)
            .bind(order)
            .bind(owner)
            .bind(message_id)
            .bind(version)
            .bind(next)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(AppError::storage)
    }

    /// Records the message id of a post right after Telegram gave it, before
    /// anything else is done: a later attempt edits it instead of posting.
    pub async fn staff_post_message(&self, order: &str, message_id: i64) -> Result<(), AppError> {
        on_db!(&self.db, |p| sqlx::query(POST_MESSAGE)
            .bind(order)
            .bind(message_id)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(AppError::storage)
    }

    /// Records a failed attempt; the row is tried again from `retry_at`.
    pub async fn staff_post_failed(
        &self,
        order: &str,
        owner: &str,
        retry_at: i64,
        error: &str,
    ) -> Result<(), AppError> {
        on_db!(&self.db, |p| sqlx::query(POST_FAILED)
            .bind(order)
            .bind(owner)
            .bind(retry_at)
            .bind(error)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(AppError::storage)
    }

    /// The staff chat message showing `order`, if it was posted.
    pub async fn staff_message_of(&self, order: OrderId) -> Result<Option<i64>, AppError> {
        let id = order.to_string();
        let found: Option<Option<i64>> = on_db!(&self.db, |p| sqlx::query_scalar(POST_MESSAGE_ID)
            .bind(&id)
            .fetch_optional(p)
            .await)
        .map_err(AppError::storage)?;
        Ok(found.flatten())
    }

    /// Claims up to `limit` unsent notes whose order's post exists.
    pub async fn claim_staff_notes(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<DueNote>, AppError> {
        let sql = match &self.db {
            Database::Postgres(_) => CLAIM_NOTES_PG,
            Database::Sqlite(_) => CLAIM_NOTES_SQLITE,
        };
        on_db!(&self.db, |p| sqlx::query_as(sql)
            .bind(owner)
            .bind(lease_until)
            .bind(now)
            .bind(limit)
            .fetch_all(p)
            .await)
        .map_err(AppError::storage)
    }

    /// Records that a note was sent at `at` (Unix milliseconds).
    pub async fn staff_note_sent(&self, note: &str, owner: &str, at: i64) -> Result<(), AppError> {
        on_db!(&self.db, |p| sqlx::query(NOTE_SENT)
            .bind(note)
            .bind(owner)
            .bind(at)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(AppError::storage)
    }

    /// Records a failed attempt to send a note; tried again from `retry_at`.
    pub async fn staff_note_failed(
        &self,
        note: &str,
        owner: &str,
        retry_at: i64,
        error: &str,
    ) -> Result<(), AppError> {
        on_db!(&self.db, |p| sqlx::query(NOTE_FAILED)
            .bind(note)
            .bind(owner)
            .bind(retry_at)
            .bind(error)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(AppError::storage)
    }

    /// A paid order as the staff chat shows it, from the read models; `None`
    /// while they do not show it (or it was never paid).
    pub async fn staff_order_view(
        &self,
        order: OrderId,
    ) -> Result<Option<StaffOrderView>, AppError> {
        let id = order.to_string();
        let row: Option<ViewRow> = on_db!(&self.db, |p| sqlx::query_as(VIEW)
            .bind(&id)
            .fetch_optional(p)
            .await)
        .map_err(AppError::storage)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let lines: Vec<StaffLine> = on_db!(&self.db, |p| sqlx::query_as(LINES)
            .bind(&id)
            .fetch_all(p)
            .await)
        .map_err(AppError::storage)?;
        let bad = |what: &str, value: &str| {
            AppError::storage(format!(
                "staff view of order {id}: {what} {value:?} cannot be read"
            ))
        };
        let status: OrderStatus =
            serde_json::from_value(serde_json::Value::String(row.status.clone()))
                .map_err(|_| bad("status", &row.status))?;
        let fulfilment = match &row.fulfilment {
            Some(f) => Some(serde_json::from_str(f).map_err(|_| bad("fulfilment", f))?),
            None => None,
        };
        let method = match row.method.as_str() {
            "provider" => PaymentMethod::Provider,
            "stars" => PaymentMethod::Stars,
            other => return Err(bad("payment method", other)),
        };
        let customer_name = row.first_name.map(|first| {
            let mut name = first;
            if let Some(last) = row.last_name.filter(|l| !l.is_empty()) {
                name = format!("{name} {last}");
            }
            if let Some(user) = row.username.filter(|u| !u.is_empty()) {
                name = format!("{name} (@{user})");
            }
            name
        });
        Ok(Some(StaffOrderView {
            id: order,
            short_id: row.short_id,
            status,
            version: row.version,
            currency: row.currency,
            total: row.total,
            paid_amount: row.paid_amount,
            refund: row.refund,
            eta_minutes: row.eta_minutes,
            fulfilment,
            method,
            customer_id: row.customer_id,
            customer_name,
            lines,
        }))
    }
}
