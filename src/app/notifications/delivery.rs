//! The outbox's delivery state, as the notification sender changes it.
//!
//! The projector writes what a notification is; the sender owns whether it
//! was delivered: `sent_at`, `attempts`, `last_error`, and the columns of a
//! backoff (`next_attempt_at`) and of giving up (`given_up_at`). The outbox
//! model does not describe them, so neither projection nor a rebuild writes
//! them.
//!
//! A notification is *pending* while it is neither sent nor given up. One
//! server process at a time sends: the one holding the [`SenderTurn`] (on
//! PostgreSQL a session advisory lock on a connection of its own, which it
//! keeps while it lives; SQLite has one server process, which holds it
//! always). So Telegram's limits, which are per bot, are kept by one set of
//! limiters, and nothing needs to be written to a row to take it: the turn's
//! holder reads the [`due`](SenderTurn::due) notifications, the oldest pending
//! one of each user (by the position of its event) whose backoff is over,
//! leaves out those it already holds in memory, and writes only the outcome:
//! sent (with the attempt counted), backed off, or given up, each with the
//! cause. A user's next notification is due once the one before it is written
//! as sent (or given up): one user's notifications go out one at a time, in
//! order, and different users' at once. The only window for a duplicate is a
//! crash between Telegram's answer and the mark; a process that dies releases
//! the turn with its connection, and another takes over.
//!
//! Every statement is written once, in PostgreSQL's dialect, and rewritten
//! for SQLite (`NOW` and `AFTER($n)` below stand for the current time and the
//! time `$n` milliseconds from now, in each store's form).

use super::{Notification, NotificationError, OutboxRow};
use crate::app::{App, AppError};
use crate::i18n::Lang;
use foodbot_domain::user::NotificationPreference;
use foodbot_domain::UserId;
use foodbot_projections::{Conn, Db, Val};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// The notifications due (each user's oldest pending one, if its backoff is
/// over), oldest first, among the first `$2` pending notifications, leaving
/// out the users in `$3` (whose notification the sender holds): a bounded walk
/// of the pending index, so that it costs the same however long the queue is.
/// The walk stops as soon as `$1` are found; a notification is its user's
/// oldest when no pending one of theirs comes before it (one probe of the
/// per-user index, made only for users the sender does not hold). One further
/// back waits until the ones before it are sent (or given up).
///
/// Written so that its plan does not depend on the table's statistics: a
/// table filled in one go (before statistics were gathered) is walked the
/// same way as one that grew slowly.
const DUE: &str =
    "SELECT w.notification_id, CAST(w.user_id AS BIGINT) AS user_id, w.order_id, w.kind,
          CAST(w.params AS TEXT) AS params, CAST(w.position AS BIGINT) AS position,
          CAST(w.attempts AS BIGINT) AS attempts, w.language
   FROM (SELECT notification_id, user_id, order_id, kind, params, position, attempts,
                language, next_attempt_at
           FROM notification_outbox
          WHERE sent_at IS NULL AND given_up_at IS NULL
          ORDER BY position
          LIMIT $2) w
  WHERE (w.next_attempt_at IS NULL OR w.next_attempt_at <= NOW)
    AND NOT (w.user_id = ANY($3))
    AND w.position = (SELECT MIN(p.position) FROM notification_outbox p
                       WHERE p.user_id = w.user_id
                         AND p.sent_at IS NULL AND p.given_up_at IS NULL)
  ORDER BY w.position
  LIMIT $1";

/// How many pending notifications a look for `limit` walks.
fn window(limit: i64) -> i64 {
    limit.saturating_mul(16).clamp(256, 2_048)
}

/// Marks many at once, counting the attempt: the sender gathers what
/// Telegram accepted while the previous mark is written. The rows are found
/// by key alone (a row marked before keeps its time and count): a
/// `sent_at IS NULL` condition would, on a table without statistics, make
/// PostgreSQL scan the whole table instead.
const SENT: &str = "UPDATE notification_outbox
    SET attempts = attempts + CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END,
        sent_at = COALESCE(sent_at, NOW), next_attempt_at = NULL
  WHERE notification_id = ANY($1)";

/// `$4` is 1 for a failure that counts as an attempt, 0 for one that does
/// not (flood control).
const RETRY: &str = "UPDATE notification_outbox
    SET next_attempt_at = AFTER($3), last_error = $2, attempts = attempts + $4
  WHERE notification_id = $1 AND sent_at IS NULL AND given_up_at IS NULL";

/// `$3` is 1 when an attempt was made, 0 when it was given up untried.
const GIVE_UP: &str = "UPDATE notification_outbox
    SET given_up_at = NOW, last_error = $2, attempts = attempts + $3
  WHERE notification_id = $1 AND sent_at IS NULL AND given_up_at IS NULL";

const GIVE_UP_USER: &str = "UPDATE notification_outbox
    SET given_up_at = NOW, last_error = $2
  WHERE user_id = $1 AND sent_at IS NULL AND given_up_at IS NULL";

/// The advisory lock key of the notification sender (`'notify'` as a number).
pub const SENDER_LOCK: i64 = 0x6e6f_7469_6679;

/// `sql` with `NOW` and `AFTER($n)` written for `db`.
fn dialect(db: &Db, sql: &str) -> String {
    written_for(matches!(db, Db::Sqlite(_)), sql)
}

fn written_for(sqlite: bool, sql: &str) -> String {
    let (now, after) = match sqlite {
        false => (
            "now()",
            "now() + make_interval(secs => CAST($N AS DOUBLE PRECISION) / 1000)",
        ),
        true => (
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+' || ($N / 1000.0) || ' seconds')",
        ),
    };
    let mut out = sql.replace("NOW", now);
    while let Some(at) = out.find("AFTER($") {
        let rest = &out[at + "AFTER(".len()..];
        let end = rest.find(')').unwrap_or(rest.len());
        let n = rest[1..end].to_string();
        out = format!(
            "{}{}{}",
            &out[..at],
            after.replace("$N", &format!("${n}")),
            &rest[end + 1..]
        );
    }
    out
}

/// The right to send notifications, held by one server process at a time:
/// on PostgreSQL a session advisory lock on a connection of its own, which
/// the holder reads the due notifications on (a lost connection loses the
/// turn, and the next read says so); SQLite has one server process, which
/// holds it always. Dropping it releases it (the connection closes).
pub struct SenderTurn {
    db: Db,
    conn: Option<Conn>,
}

/// One notification the sender took to send: the row's facts, and the
/// notification it holds (or why it holds none).
#[derive(Debug)]
pub struct Taken {
    pub id: String,
    pub user_id: UserId,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
    /// The user's language when the event happened (for a user the sender
    /// cannot look up any more).
    pub language_then: String,
    pub notification: Result<Notification, NotificationError>,
}

/// What the sender needs to know of a recipient when it sends: taken from
/// the User aggregate (the write side), so a change made a moment ago counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    /// The language the user has now; `None` when the stored code is none
    /// the bot speaks (the caller falls back to the language at event time).
    pub language: Option<Lang>,
    pub preference: NotificationPreference,
    pub blocked: bool,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn field<'a>(row: &'a Map<String, Value>, name: &str) -> Result<&'a Value, AppError> {
    row.get(name)
        .ok_or_else(|| AppError::storage(format!("the due notifications gave no column {name}")))
}

fn int(row: &Map<String, Value>, name: &str) -> Result<i64, AppError> {
    field(row, name)?
        .as_i64()
        .ok_or_else(|| AppError::storage(format!("outbox column {name} is not an integer")))
}

fn text(row: &Map<String, Value>, name: &str) -> Result<String, AppError> {
    field(row, name)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| AppError::storage(format!("outbox column {name} is not text")))
}

/// A due row as a [`Taken`] notification.
fn taken(r: &Map<String, Value>) -> Result<Taken, AppError> {
    let row = OutboxRow {
        notification_id: text(r, "notification_id")?,
        user_id: int(r, "user_id")?,
        order_id: text(r, "order_id")?,
        kind: text(r, "kind")?,
        params: match field(r, "params")? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        },
        position: int(r, "position")?,
    };
    let made = int(r, "attempts")?;
    Ok(Taken {
        id: row.notification_id.clone(),
        user_id: UserId(row.user_id),
        attempt: i32::try_from(made.saturating_add(1)).unwrap_or(i32::MAX),
        language_then: text(r, "language")?,
        notification: Notification::decode(row),
    })
}

impl SenderTurn {
    /// Up to `limit` due notifications of users other than those in `held`
    /// (whose notification the sender took before and has not written back
    /// yet), oldest first.
    pub async fn due(
        &mut self,
        limit: usize,
        held: &HashSet<UserId>,
    ) -> Result<Vec<Taken>, AppError> {
        let wanted = i64::try_from(limit).unwrap_or(i64::MAX);
        let walk = window(i64::try_from(limit.saturating_add(held.len())).unwrap_or(i64::MAX));
        let users = Val::Ints(held.iter().map(|u| Some(u.0)).collect());
        let sql = dialect(&self.db, DUE);
        let args = [wanted.into(), walk.into(), users];
        let rows = match &mut self.conn {
            Some(conn) => conn.rows(&sql, &args).await,
            None => self.db.rows(&sql, &args).await,
        }
        .map_err(AppError::storage)?;
        let mut due = rows
            .iter()
            .map(taken)
            .collect::<Result<Vec<_>, AppError>>()?;
        due.sort_by_key(|c| match &c.notification {
            Ok(n) => n.position,
            Err(_) => i64::MIN,
        });
        Ok(due)
    }
}

impl App {
    async fn outbox_exec(&self, sql: &str, args: &[Val]) -> Result<u64, AppError> {
        let db = self.db.projection_db();
        db.exec(&dialect(&db, sql), args)
            .await
            .map_err(AppError::storage)
    }

    /// The sender's turn if no other process holds it. On PostgreSQL the
    /// connection that holds it leaves the pool for good.
    pub async fn sender_turn(&self) -> Result<Option<SenderTurn>, AppError> {
        let turn = self
            .db
            .try_turn(SENDER_LOCK)
            .await
            .map_err(AppError::storage)?;
        Ok(turn.map(|conn| SenderTurn {
            db: self.db.projection_db(),
            conn: conn.map(|c| Conn::Postgres(c.detach())),
        }))
    }

    /// Telegram accepted these notifications: each is sent, its attempt
    /// counted.
    pub async fn notifications_sent(&self, ids: &[String]) -> Result<u64, AppError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let ids = Val::Texts(ids.iter().cloned().map(Some).collect());
        self.outbox_exec(SENT, &[ids]).await
    }

    /// The attempt failed; the notification is tried again after `after`.
    /// `counted: false` for flood control, which does not use up attempts.
    pub async fn notification_retry(
        &self,
        id: &str,
        error: &str,
        after: Duration,
        counted: bool,
    ) -> Result<(), AppError> {
        self.outbox_exec(
            RETRY,
            &[
                id.into(),
                error.into(),
                ms(after).into(),
                i64::from(counted).into(),
            ],
        )
        .await
        .map(|_| ())
    }

    /// The notification will not be delivered, for `reason`; `tried` when
    /// this was the outcome of an attempt (not when it was never sent).
    pub async fn notification_given_up(
        &self,
        id: &str,
        reason: &str,
        tried: bool,
    ) -> Result<(), AppError> {
        self.outbox_exec(
            GIVE_UP,
            &[id.into(), reason.into(), i64::from(tried).into()],
        )
        .await
        .map(|_| ())
    }

    /// None of the user's pending notifications will be delivered, for
    /// `reason` (they blocked the bot). Returns how many there were.
    pub async fn notifications_given_up_for(
        &self,
        user: UserId,
        reason: &str,
    ) -> Result<u64, AppError> {
        self.outbox_exec(GIVE_UP_USER, &[user.0.into(), reason.into()])
            .await
    }

    /// The recipients as they are now, looked up together: `None` for a user
    /// who was never registered.
    pub async fn recipients(
        &self,
        users: &[UserId],
    ) -> Result<HashMap<UserId, Option<Recipient>>, AppError> {
        let ids: Vec<String> = users.iter().map(UserId::to_string).collect();
        let loaded = self
            .users
            .load_many(&ids)
            .await
            .map_err(AppError::storage)?;
        Ok(users
            .iter()
            .map(|user| {
                let recipient = loaded
                    .get(&user.to_string())
                    .map(|l| &l.aggregate)
                    .filter(|u| u.id.is_some())
                    .map(|u| Recipient {
                        language: Lang::parse(&u.language),
                        preference: u.notifications,
                        blocked: u.bot_blocked,
                    });
                (*user, recipient)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_for_each_store() {
        let lite = written_for(true, RETRY);
        assert!(
            lite.contains("'now', '+' || ($3 / 1000.0) || ' seconds')"),
            "{lite}"
        );
        assert!(!lite.contains("AFTER") && !lite.contains("NOW"), "{lite}");
        let pg = written_for(false, RETRY);
        assert!(
            pg.contains("next_attempt_at = now() + make_interval(secs => CAST($3 AS DOUBLE PRECISION) / 1000)"),
            "{pg}"
        );
        let pg = written_for(false, DUE);
        assert!(
            pg.contains("w.next_attempt_at <= now()")
                && pg.contains("MIN(p.position)")
                && !pg.contains("NOW"),
            "{pg}"
        );
    }
}
