//! The bot's inbox: every Telegram update is stored here before it is
//! acknowledged, and handled from here once.
//!
//! Both ways updates arrive (the webhook route and the `getUpdates` loop)
//! [`Inbox::store`] the raw update keyed by its `update_id`: a redelivery finds
//! its row and changes nothing. The dispatcher then [`Inbox::claim`]s the
//! oldest pending update of each *lane* (the chat, or for updates without one
//! the user), so one chat's updates are handled one at a time in order while
//! different chats proceed concurrently. A claim is a lease: the claiming
//! process marks the update done when it is handled; if the process dies, the
//! lease lapses and another process (or the restarted one) takes it over. A
//! conditional `UPDATE` makes the claim, so with several processes on one
//! database each update is handled by one of them at a time.

use crate::store::Database;
use serde_json::Value;
use std::time::Duration;

/// The kinds of update the bot handles; every other kind is stored and
/// marked ignored. `telegram setup` asks Telegram for exactly these.
pub const HANDLED_KINDS: [&str; 4] = [
    "message",
    "callback_query",
    "inline_query",
    "pre_checkout_query",
];

/// Every kind of update the Bot API defines (to name what arrived).
const KNOWN_KINDS: [&str; 23] = [
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
];

/// After this many failed attempts an update is given up (`failed`) so that
/// its chat's later updates are not held back forever.
pub const MAX_ATTEMPTS: i32 = 5;

const PG_INSERT: &str =
    "INSERT INTO telegram_updates (update_id, kind, lane, body, state, error, handled_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, CASE WHEN $5 = 'ignored' THEN now() END)
     ON CONFLICT (update_id) DO NOTHING";
/// Many updates in one statement, one array per column. A row whose
/// `update_id` is already stored (or repeated in the batch) is skipped; the
/// ids actually inserted come back.
const PG_INSERT_MANY: &str =
    "INSERT INTO telegram_updates (update_id, kind, lane, body, state, error, handled_at)
     SELECT u.update_id, u.kind, u.lane, u.body::jsonb, u.state, u.error,
            CASE WHEN u.state = 'ignored' THEN now() END
       FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
            AS u(update_id, kind, lane, body, state, error)
     ON CONFLICT (update_id) DO NOTHING
     RETURNING update_id";
const SQLITE_INSERT: &str =
    "INSERT INTO telegram_updates (update_id, kind, lane, body, state, error, handled_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6,
             CASE WHEN ?5 = 'ignored' THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END)
     ON CONFLICT (update_id) DO NOTHING";

/// Why a request body is not an update.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BadUpdate {
    #[error("the body is not a JSON object: {0}")]
    NotJson(String),
    #[error("the update has no integer update_id")]
    NoUpdateId,
}

/// An update as it arrived, with what the inbox needs to file it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub update_id: i64,
    /// Its kind, as Telegram names its field, or `unknown`.
    pub kind: String,
    /// Its lane; `None` for updates that are not handled.
    pub lane: Option<i64>,
    /// The raw JSON, stored as it came.
    pub body: String,
    /// Why it is not handled, when it is not.
    pub ignored: Option<String>,
}

impl Incoming {
    /// Reads a request body (the webhook's) as an update.
    pub fn parse(raw: &[u8]) -> Result<Incoming, BadUpdate> {
        let value: Value =
            serde_json::from_slice(raw).map_err(|e| BadUpdate::NotJson(e.to_string()))?;
        if !value.is_object() {
            return Err(BadUpdate::NotJson("not an object".into()));
        }
        let body = String::from_utf8_lossy(raw).into_owned();
        Incoming::from_value(&value, body)
    }

    /// Files an update already parsed (one of a `getUpdates` batch).
    pub fn from_value(value: &Value, body: String) -> Result<Incoming, BadUpdate> {
        let update_id = value
            .get("update_id")
            .and_then(Value::as_i64)
            .ok_or(BadUpdate::NoUpdateId)?;
        let kind = value
            .as_object()
            .and_then(|o| o.keys().find(|k| KNOWN_KINDS.contains(&k.as_str())))
            .cloned()
            .unwrap_or_else(|| "unknown".to_string());
        let (lane, ignored) = if HANDLED_KINDS.contains(&kind.as_str()) {
            match lane_of(&kind, &value[&kind]) {
                Some(lane) => (Some(lane), None),
                None => (None, Some(format!("{kind} without a chat or a sender"))),
            }
        } else {
            (None, Some(format!("{kind} updates are not handled")))
        };
        Ok(Incoming {
            update_id,
            kind,
            lane,
            body,
            ignored,
        })
    }
}

/// The chat an update belongs to, or the user for updates without a chat.
fn lane_of(kind: &str, inner: &Value) -> Option<i64> {
    let chat = |v: &Value| v.pointer("/chat/id").and_then(Value::as_i64);
    let from = |v: &Value| v.pointer("/from/id").and_then(Value::as_i64);
    match kind {
        "message" => chat(inner),
        // A button under a message in a chat belongs to that chat; a button
        // under an inline message (in someone else's chat) to its presser.
        "callback_query" => inner.get("message").and_then(chat).or_else(|| from(inner)),
        _ => from(inner),
    }
}

/// Whether a stored update was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    /// Stored before: a redelivery, which changes nothing.
    Again,
}

/// An update a dispatcher holds a lease on.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub update_id: i64,
    pub kind: String,
    pub lane: i64,
    pub body: String,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
}

/// How handling an update ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    Done,
    /// It could not be handled and never will be (e.g. it does not parse).
    Ignored(String),
    /// This attempt failed; try again after the delay, or give up after
    /// [`MAX_ATTEMPTS`].
    Retry {
        error: String,
        after: Duration,
    },
}

/// Counts of the inbox's rows by state, for status output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: i64,
    pub done: i64,
    pub ignored: i64,
    pub failed: i64,
}

/// The inbox table, and who this process is when it claims.
#[derive(Clone, Debug)]
pub struct Inbox {
    db: Database,
    me: String,
    lease: Duration,
}

impl Inbox {
    /// `me` names this process in claims; `lease` is how long a claim holds
    /// before another process may take the update over.
    pub fn new(db: Database, me: String, lease: Duration) -> Inbox {
        Inbox { db, me, lease }
    }

    pub fn me(&self) -> &str {
        &self.me
    }

    /// Stores one update in one statement (the webhook's path: one round
    /// trip). Returns only once the row is durable (or was there).
    pub async fn store(&self, u: &Incoming) -> Result<Stored, sqlx::Error> {
        let n = match &self.db {
            Database::Postgres(pool) => insert_pg(u).execute(pool).await?.rows_affected(),
            Database::Sqlite(pool) => insert_sqlite(u).execute(pool).await?.rows_affected(),
        };
        Ok(if n == 1 { Stored::New } else { Stored::Again })
    }

    /// Stores a batch: on PostgreSQL in one statement, on SQLite in one
    /// transaction. Used for a `getUpdates` answer and for the webhook's
    /// updates filed together by the [`Filer`](super::filer::Filer). Returns,
    /// for each update in order, whether it was new; an update that appears
    /// twice in the batch is new at most once.
    pub async fn store_all(&self, updates: &[Incoming]) -> Result<Vec<Stored>, sqlx::Error> {
        match &self.db {
            Database::Postgres(pool) => {
                let inserted: Vec<i64> = sqlx::query_scalar(PG_INSERT_MANY)
                    .bind(updates.iter().map(|u| u.update_id).collect::<Vec<_>>())
                    .bind(updates.iter().map(|u| u.kind.as_str()).collect::<Vec<_>>())
                    .bind(updates.iter().map(|u| u.lane).collect::<Vec<_>>())
                    .bind(updates.iter().map(|u| u.body.as_str()).collect::<Vec<_>>())
                    .bind(updates.iter().map(state_of).collect::<Vec<_>>())
                    .bind(
                        updates
                            .iter()
                            .map(|u| u.ignored.as_deref())
                            .collect::<Vec<_>>(),
                    )
                    .fetch_all(pool)
                    .await?;
                let mut inserted: std::collections::HashSet<i64> = inserted.into_iter().collect();
                Ok(updates
                    .iter()
                    .map(|u| {
                        if inserted.remove(&u.update_id) {
                            Stored::New
                        } else {
                            Stored::Again
                        }
                    })
                    .collect())
            }
            Database::Sqlite(pool) => {
                let mut out = Vec::with_capacity(updates.len());
                let mut tx = pool.begin().await?;
                for u in updates {
                    let n = insert_sqlite(u).execute(&mut *tx).await?.rows_affected();
                    out.push(if n == 1 { Stored::New } else { Stored::Again });
                }
                tx.commit().await?;
                Ok(out)
            }
        }
    }

    /// Claims up to `limit` updates: the oldest pending one of each lane
    /// whose head nobody holds, oldest lanes first.
    pub async fn claim(&self, limit: usize) -> Result<Vec<Claimed>, sqlx::Error> {
        self.claim_where(None, limit).await
    }

    /// Claims one particular update, out of its lane's order (for updates
    /// that must be answered at once, such as a pre-checkout query).
    pub async fn claim_one(&self, update_id: i64) -> Result<Option<Claimed>, sqlx::Error> {
        Ok(self.claim_where(Some(update_id), 1).await?.pop())
    }

    async fn claim_where(
        &self,
        only: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Claimed>, sqlx::Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let lease = self.lease.as_secs_f64();
        let rows: Vec<(i64, String, i64, String, i32)> = match &self.db {
            Database::Postgres(pool) => {
                // The state and the lease are checked again on the row itself,
                // so two processes that both saw it free cannot both claim it.
                let heads = if only.is_some() {
                    "SELECT $4::bigint"
                } else {
                    "SELECT min(update_id) FROM telegram_updates WHERE state = 'pending'
                      GROUP BY lane ORDER BY 1 LIMIT $3"
                };
                sqlx::query_as(&format!(
                    "UPDATE telegram_updates
                        SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2),
                            attempts = attempts + 1
                      WHERE state = 'pending'
                        AND (claimed_until IS NULL OR claimed_until < now())
                        AND update_id IN ({heads})
                  RETURNING update_id, kind, lane, body::text, attempts"
                ))
                .bind(&self.me)
                .bind(lease)
                .bind(limit)
                .bind(only.unwrap_or(0))
                .fetch_all(pool)
                .await?
            }
            Database::Sqlite(pool) => {
                let heads = if only.is_some() {
                    "SELECT ?4"
                } else {
                    "SELECT min(update_id) FROM telegram_updates WHERE state = 'pending'
                      GROUP BY lane ORDER BY 1 LIMIT ?3"
                };
                sqlx::query_as(&format!(
                    "UPDATE telegram_updates
                        SET claimed_by = ?1,
                            claimed_until = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2),
                            attempts = attempts + 1
                      WHERE state = 'pending'
                        AND (claimed_until IS NULL
                             OR claimed_until < strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                        AND update_id IN ({heads})
                  RETURNING update_id, kind, lane, body, attempts"
                ))
                .bind(&self.me)
                .bind(format!("+{lease:.3} seconds"))
                .bind(limit)
                .bind(only.unwrap_or(0))
                .fetch_all(pool)
                .await?
            }
        };
        let mut claimed: Vec<Claimed> = rows
            .into_iter()
            .map(|(update_id, kind, lane, body, attempt)| Claimed {
                update_id,
                kind,
                lane,
                body,
                attempt,
            })
            .collect();
        claimed.sort_by_key(|c| c.update_id);
        Ok(claimed)
    }

    /// Records how handling ended, if this process still holds the claim.
    /// Returns false when it did not (its lease lapsed and another process
    /// took the update over).
    pub async fn finish(&self, c: &Claimed, how: &Finish) -> Result<bool, sqlx::Error> {
        let give_up = matches!(how, Finish::Retry { .. }) && c.attempt >= MAX_ATTEMPTS;
        let (state, error, retry_secs) = match how {
            Finish::Done => ("done", None, 0.0),
            Finish::Ignored(why) => ("ignored", Some(why.as_str()), 0.0),
            Finish::Retry { error, .. } if give_up => ("failed", Some(error.as_str()), 0.0),
            Finish::Retry { error, after } => {
                ("pending", Some(error.as_str()), after.as_secs_f64())
            }
        };
        let n = match &self.db {
            Database::Postgres(pool) => sqlx::query(
                "UPDATE telegram_updates
                    SET state = $3, error = $4, claimed_by = NULL,
                        claimed_until = CASE WHEN $3 = 'pending'
                                             THEN now() + make_interval(secs => $5) END,
                        handled_at = CASE WHEN $3 <> 'pending' THEN now() END
                  WHERE update_id = $1 AND claimed_by = $2 AND state = 'pending'",
            )
            .bind(c.update_id)
            .bind(&self.me)
            .bind(state)
            .bind(error)
            .bind(retry_secs)
            .execute(pool)
            .await?
            .rows_affected(),
            Database::Sqlite(pool) => sqlx::query(
                "UPDATE telegram_updates
                    SET state = ?3, error = ?4, claimed_by = NULL,
                        claimed_until = CASE WHEN ?3 = 'pending'
                            THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?5) END,
                        handled_at = CASE WHEN ?3 <> 'pending'
                            THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END
                  WHERE update_id = ?1 AND claimed_by = ?2 AND state = 'pending'",
            )
            .bind(c.update_id)
            .bind(&self.me)
            .bind(state)
            .bind(error)
            .bind(format!("+{retry_secs:.3} seconds"))
            .execute(pool)
            .await?
            .rows_affected(),
        };
        Ok(n == 1)
    }

    /// Gives back every claim this process holds (at shutdown), so that a
    /// restarted process need not wait for the leases to lapse.
    pub async fn release_mine(&self) -> Result<u64, sqlx::Error> {
        let n = match &self.db {
            Database::Postgres(p) => sqlx::query(
                "UPDATE telegram_updates SET claimed_by = NULL, claimed_until = NULL
                  WHERE claimed_by = $1 AND state = 'pending'",
            )
            .bind(&self.me)
            .execute(p)
            .await?
            .rows_affected(),
            Database::Sqlite(p) => sqlx::query(
                "UPDATE telegram_updates SET claimed_by = NULL, claimed_until = NULL
                  WHERE claimed_by = ?1 AND state = 'pending'",
            )
            .bind(&self.me)
            .execute(p)
            .await?
            .rows_affected(),
        };
        Ok(n)
    }

    /// Deletes updates handled (done or ignored) more than `keep` ago, and
    /// returns how many. Failed ones stay for someone to look at, and so does
    /// the newest update, whose id polling resumes after. Telegram delivers
    /// an update again for a day at most, so a week's handled updates are
    /// ample to recognise a repeated one.
    pub async fn purge_handled(&self, keep: Duration) -> Result<u64, sqlx::Error> {
        let secs = keep.as_secs_f64();
        let n = match &self.db {
            Database::Postgres(p) => sqlx::query(
                "DELETE FROM telegram_updates
                  WHERE state IN ('done', 'ignored')
                    AND handled_at < now() - make_interval(secs => $1)
                    AND update_id < (SELECT MAX(update_id) FROM telegram_updates)",
            )
            .bind(secs)
            .execute(p)
            .await?
            .rows_affected(),
            Database::Sqlite(p) => sqlx::query(
                "DELETE FROM telegram_updates
                  WHERE state IN ('done', 'ignored')
                    AND handled_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)
                    AND update_id < (SELECT MAX(update_id) FROM telegram_updates)",
            )
            .bind(format!("-{secs:.3} seconds"))
            .execute(p)
            .await?
            .rows_affected(),
        };
        Ok(n)
    }

    /// The largest `update_id` stored, if any.
    pub async fn last_update_id(&self) -> Result<Option<i64>, sqlx::Error> {
        let sql = "SELECT MAX(update_id) FROM telegram_updates";
        match &self.db {
            Database::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            Database::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        }
    }

    /// How many updates are in each state.
    pub async fn counts(&self) -> Result<Counts, sqlx::Error> {
        let sql = "SELECT state, count(*) FROM telegram_updates GROUP BY state";
        let rows: Vec<(String, i64)> = match &self.db {
            Database::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
            Database::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
        };
        let mut c = Counts::default();
        for (state, n) in rows {
            match state.as_str() {
                "pending" => c.pending = n,
                "done" => c.done = n,
                "ignored" => c.ignored = n,
                "failed" => c.failed = n,
                other => {
                    return Err(sqlx::Error::Decode(
                        format!("telegram_updates.state {other:?} is not a state").into(),
                    ))
                }
            }
        }
        Ok(c)
    }
}

/// The insert of one update, its values bound.
macro_rules! insert_of {
    ($name:ident, $db:ty, $sql:expr) => {
        fn $name(
            u: &Incoming,
        ) -> sqlx::query::Query<'_, $db, <$db as sqlx::Database>::Arguments<'_>> {
            sqlx::query($sql)
                .bind(u.update_id)
                .bind(&u.kind)
                .bind(u.lane)
                .bind(&u.body)
                .bind(state_of(u))
                .bind(&u.ignored)
        }
    };
}
insert_of!(insert_pg, sqlx::Postgres, PG_INSERT);
insert_of!(insert_sqlite, sqlx::Sqlite, SQLITE_INSERT);

fn state_of(u: &Incoming) -> &'static str {
    if u.ignored.is_some() {
        "ignored"
    } else {
        "pending"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filed(v: Value) -> Incoming {
        Incoming::parse(v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn a_message_waits_in_its_chat_and_a_button_in_the_chat_of_its_message() {
        let m =
            filed(json!({"update_id": 7, "message": {"chat": {"id": -100}, "from": {"id": 5}}}));
        assert_eq!(
            (m.kind.as_str(), m.lane, m.ignored),
            ("message", Some(-100), None)
        );
        let c = filed(json!({"update_id": 8, "callback_query": {
            "from": {"id": 5}, "message": {"chat": {"id": 42}}}}));
        assert_eq!(c.lane, Some(42));
        let inline_button = filed(json!({"update_id": 9, "callback_query": {"from": {"id": 5}}}));
        assert_eq!(inline_button.lane, Some(5));
        let q = filed(json!({"update_id": 10, "inline_query": {"from": {"id": 6}}}));
        assert_eq!(q.lane, Some(6));
    }

    #[test]
    fn kinds_the_bot_does_not_handle_and_malformed_ones_are_ignored() {
        let poll = filed(json!({"update_id": 1, "poll": {"id": "x"}}));
        assert_eq!(poll.kind, "poll");
        assert_eq!(poll.lane, None);
        assert!(poll.ignored.is_some());
        let strange = filed(json!({"update_id": 2, "something_new": {}}));
        assert_eq!(strange.kind, "unknown");
        assert!(strange.ignored.is_some());
        let chatless = filed(json!({"update_id": 3, "message": {"text": "hi"}}));
        assert!(chatless.ignored.is_some());
    }

    #[test]
    fn a_body_that_is_not_an_update_is_refused() {
        assert!(matches!(
            Incoming::parse(b"{not json"),
            Err(BadUpdate::NotJson(_))
        ));
        assert!(matches!(
            Incoming::parse(b"[1]"),
            Err(BadUpdate::NotJson(_))
        ));
        assert_eq!(
            Incoming::parse(br#"{"update_id": "7"}"#),
            Err(BadUpdate::NoUpdateId)
        );
    }
}
