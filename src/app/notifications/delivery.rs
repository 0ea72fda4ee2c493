//! The outbox's delivery state, as the notification sender changes it.
//!
//! The projector writes what a notification is; the sender owns whether it
//! was delivered: `sent_at`, `attempts`, `last_error`, and the columns of a
//! claim (`claimed_by`, `claimed_until`), of a backoff (`next_attempt_at`) and
//! of giving up (`given_up_at`). The outbox model does not describe them, so
//! neither projection nor a rebuild writes them.
//!
//! A notification is *pending* while it is neither sent nor given up. The
//! sender [`claim`](App::claim_notifications)s the oldest pending notification
//! of each user (by the position of its event) whose head nobody holds and
//! whose backoff is over: so one user's notifications go out one at a time, in
//! order, and different users' at once. A claim is a lease, made by a
//! conditional `UPDATE` that checks the lease again on the row itself, so with
//! several server processes on one database each notification is sent by one
//! of them at a time; a claim whose process died lapses and is taken over.
//! The sender then marks it sent, backs it off, or gives it up, each with the
//! cause. The only window for a duplicate is a crash between Telegram's
//! answer and the mark.
//!
//! Every statement is written once, in PostgreSQL's dialect, and rewritten
//! for SQLite (`NOW` and `AFTER($n)` below stand for the current time and the
//! time `$n` milliseconds from now, in each store's form).

use super::{Notification, NotificationError, OutboxRow};
use crate::app::{App, AppError};
use crate::i18n::Lang;
use foodbot_domain::user::NotificationPreference;
use foodbot_domain::UserId;
use foodbot_projections::{Db, Val};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::time::Duration;

/// The heads (each user's oldest pending notification) free to claim, oldest
/// first, among the first `$4` pending notifications: a bounded walk of the
/// pending index, so that a claim costs the same however long the queue is.
/// The walk stops as soon as `$3` are found; a notification is a head when
/// no pending one of its user comes before it (one probe of the per-user
/// index, made only for notifications nobody holds). A head further back
/// waits until the ones before it are sent (or given up).
///
/// Written so that its plan does not depend on the table's statistics: a
/// table filled in one go (before statistics were gathered) is walked the
/// same way as one that grew slowly.
const HEADS: &str = "SELECT w.notification_id
   FROM (SELECT notification_id, user_id, position, claimed_until, next_attempt_at
           FROM notification_outbox
          WHERE sent_at IS NULL AND given_up_at IS NULL
          ORDER BY position
          LIMIT $4) w
  WHERE (w.claimed_until IS NULL OR w.claimed_until < NOW)
    AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= NOW)
    AND w.position = (SELECT MIN(p.position) FROM notification_outbox p
                       WHERE p.user_id = w.user_id
                         AND p.sent_at IS NULL AND p.given_up_at IS NULL)
  ORDER BY w.position
  LIMIT $3";

/// How many pending notifications a claim of `limit` looks at.
fn window(limit: i64) -> i64 {
    limit.saturating_mul(16).clamp(256, 2_048)
}

/// Whether the row is still free to claim, checked again on the row itself.
/// `IN_HEADS` is the heads, found once: an array on PostgreSQL (so the rows
/// are looked up by their key), a subquery SQLite runs once. "Neither sent
/// nor given up" is written so that it does not match the pending indexes'
/// predicate: otherwise, on a table without statistics, PostgreSQL takes
/// a pending index for tiny and filters every pending row by the array
/// (4 ms for a claim of 32 among 5,000 rows, against 0.8 ms by key).
const CLAIM: &str = "UPDATE notification_outbox
    SET claimed_by = $1, claimed_until = AFTER($2), attempts = attempts + 1
  WHERE notification_id IN_HEADS
    AND COALESCE(sent_at, given_up_at) IS NULL
    AND (claimed_until IS NULL OR claimed_until < NOW)
RETURNING notification_id, CAST(user_id AS BIGINT) AS user_id, order_id, kind,
          CAST(params AS TEXT) AS params, CAST(position AS BIGINT) AS position,
          CAST(attempts AS BIGINT) AS attempts, language";

/// Marks many at once: the sender gathers what Telegram accepted while the
/// previous mark is written. The rows are found by key alone (a row marked
/// before keeps its time): a `sent_at IS NULL` condition would, on a table
/// without statistics, make PostgreSQL scan the whole table instead.
const SENT: &str = "UPDATE notification_outbox
    SET sent_at = COALESCE(sent_at, NOW), claimed_by = NULL, claimed_until = NULL,
        next_attempt_at = NULL
  WHERE notification_id = ANY($1)";

/// `$4` is 1 for a failure that does not count as an attempt (flood control).
const RETRY: &str = "UPDATE notification_outbox
    SET claimed_by = NULL, claimed_until = NULL, next_attempt_at = AFTER($3),
        last_error = $2, attempts = attempts - $4
  WHERE notification_id = $1 AND sent_at IS NULL AND given_up_at IS NULL";

const GIVE_UP: &str = "UPDATE notification_outbox
    SET given_up_at = NOW, last_error = $2, claimed_by = NULL, claimed_until = NULL
  WHERE notification_id = $1 AND sent_at IS NULL AND given_up_at IS NULL";

const GIVE_UP_USER: &str = "UPDATE notification_outbox
    SET given_up_at = NOW, last_error = $2, claimed_by = NULL, claimed_until = NULL
  WHERE user_id = $1 AND sent_at IS NULL AND given_up_at IS NULL";

/// A claim given back at shutdown was not an attempt.
const RELEASE: &str = "UPDATE notification_outbox
    SET claimed_by = NULL, claimed_until = NULL, attempts = attempts - 1
  WHERE claimed_by = $1 AND sent_at IS NULL AND given_up_at IS NULL";

/// `sql` with `IN_HEADS`, `NOW` and `AFTER($n)` written for `db`.
fn dialect(db: &Db, sql: &str) -> String {
    written_for(matches!(db, Db::Sqlite(_)), sql)
}

fn written_for(sqlite: bool, sql: &str) -> String {
    let heads = match sqlite {
        false => format!("= ANY (ARRAY({HEADS}))"),
        true => format!("IN ({HEADS})"),
    };
    let sql = sql.replace("IN_HEADS", &heads);
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

/// One claimed notification: the row's facts, and the notification it holds
/// (or why it holds none).
#[derive(Debug)]
pub struct Claimed {
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
        .ok_or_else(|| AppError::storage(format!("the outbox claim gave no column {name}")))
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

impl App {
    async fn outbox_exec(&self, sql: &str, args: &[Val]) -> Result<u64, AppError> {
        let db = self.db.projection_db();
        db.exec(&dialect(&db, sql), args)
            .await
            .map_err(AppError::storage)
    }

    /// Claims up to `limit` notifications for the process `me`, for `lease`:
    /// the oldest pending one of each user whose head nobody holds and whose
    /// backoff is over, oldest first.
    pub async fn claim_notifications(
        &self,
        me: &str,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>, AppError> {
        let db = self.db.projection_db();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = db
            .rows(
                &dialect(&db, CLAIM),
                &[
                    me.into(),
                    ms(lease).into(),
                    limit.into(),
                    window(limit).into(),
                ],
            )
            .await
            .map_err(AppError::storage)?;
        let mut claimed = rows
            .iter()
            .map(|r| {
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
                Ok(Claimed {
                    id: row.notification_id.clone(),
                    user_id: UserId(row.user_id),
                    attempt: i32::try_from(int(r, "attempts")?).unwrap_or(i32::MAX),
                    language_then: text(r, "language")?,
                    notification: Notification::decode(row),
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        claimed.sort_by_key(|c| match &c.notification {
            Ok(n) => n.position,
            Err(_) => i64::MIN,
        });
        Ok(claimed)
    }

    /// Telegram accepted these notifications.
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
        let uncount = i64::from(!counted);
        self.outbox_exec(
            RETRY,
            &[id.into(), error.into(), ms(after).into(), uncount.into()],
        )
        .await
        .map(|_| ())
    }

    /// The notification will not be delivered, for `reason`.
    pub async fn notification_given_up(&self, id: &str, reason: &str) -> Result<(), AppError> {
        self.outbox_exec(GIVE_UP, &[id.into(), reason.into()])
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

    /// Gives back the claims of process `me` (at shutdown), so that another
    /// process need not wait for their leases to lapse.
    pub async fn release_notifications(&self, me: &str) -> Result<u64, AppError> {
        self.outbox_exec(RELEASE, &[me.into()]).await
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
        let pg = written_for(false, CLAIM);
        assert!(pg.contains("claimed_until = now() + make_interval(secs => CAST($2 AS DOUBLE PRECISION) / 1000)"), "{pg}");
        assert!(
            pg.contains("notification_id = ANY (ARRAY(SELECT w.notification_id")
                && pg.contains("MIN(p.position)")
                && !pg.contains("NOW"),
            "{pg}"
        );
        let lite = written_for(true, CLAIM);
        assert!(
            lite.contains("notification_id IN (SELECT w.notification_id"),
            "{lite}"
        );
    }
}
