//! Idempotency records: what a command sent with an idempotency key did.
//!
//! One row per (aggregate type, aggregate id, key) in `idempotency_keys`. An
//! effectful command claims its key in the same statement as its events
//! ([`super::append`]), so the key and the effect commit together or not at
//! all, and a second claim of the key (a retry, in this process or another)
//! is refused by the primary key. A command that changed nothing, or that the
//! domain refused, has no events to travel with: its row is written alone by
//! [`record`], and a retry finds it there and is answered the same way
//! instead of being decided again on a state that may have changed since.
//!
//! Rows are kept for `IDEMPOTENCY_KEY_TTL_HOURS` and then removed by
//! [`purge_expired`], which the server runs periodically. Keys in the metadata
//! of events written before this table existed (and of every event since) are
//! still recognised when the aggregate is loaded.

use super::Database;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

/// A command's claim on an idempotency key: what the key is being used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim {
    pub key: String,
    /// The command's name; the key used for another command is refused.
    pub command: String,
    /// A digest of the request; the key used for another request is refused.
    pub fingerprint: Option<String>,
}

/// What the command that first used a key did.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyOutcome {
    /// It appended events (written with them).
    Applied,
    /// It changed nothing.
    Unchanged,
    /// The domain refused it; a retry is answered with the same refusal.
    Refused(StoredRefusal),
}

/// A refusal as it was answered: status, stable code, message and details.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRefusal {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Option<Value>,
}

/// A key's row.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    pub command: String,
    pub fingerprint: Option<String>,
    /// The aggregate's sequence when the command was decided (after its own
    /// events when it applied some).
    pub sequence: usize,
    pub outcome: KeyOutcome,
}

impl KeyRecord {
    /// True when `claim` is the same request as the one recorded.
    pub fn matches(&self, claim: &KeyClaim) -> bool {
        self.command == claim.command && self.fingerprint == claim.fingerprint
    }
}

/// Why an idempotency record could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("idempotency record has an invalid {column}: {value}")]
    Invalid { column: &'static str, value: String },
    #[error("refused idempotency record has no {0}")]
    MissingRefusal(&'static str),
    #[error("idempotency record has unreadable error details: {0}")]
    Details(#[from] serde_json::Error),
}

const PG_RECORD: &str = "INSERT INTO idempotency_keys (aggregate_type, aggregate_id, idempotency_key, command, fingerprint, sequence, outcome, error_status, error_code, error_message, error_details)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::json)
ON CONFLICT (aggregate_type, aggregate_id, idempotency_key) DO NOTHING";
const SQLITE_RECORD: &str = "INSERT INTO idempotency_keys (aggregate_type, aggregate_id, idempotency_key, command, fingerprint, sequence, outcome, error_status, error_code, error_message, error_details)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (aggregate_type, aggregate_id, idempotency_key) DO NOTHING";

/// Records the outcome of a command that appended nothing. Returns false when
/// the key already has a record (written by a retry that got there first, in
/// this process or another); the caller then answers from [`find`].
pub async fn record(
    db: &Database,
    aggregate_type: &str,
    aggregate_id: &str,
    claim: &KeyClaim,
    sequence: usize,
    outcome: &KeyOutcome,
) -> Result<bool, KeyError> {
    let (name, refusal) = match outcome {
        KeyOutcome::Applied => ("applied", None),
        KeyOutcome::Unchanged => ("unchanged", None),
        KeyOutcome::Refused(r) => ("refused", Some(r)),
    };
    let status = refusal.map(|r| i32::from(r.status));
    let code = refusal.map(|r| r.code.as_str());
    let message = refusal.map(|r| r.message.as_str());
    let details = match refusal.and_then(|r| r.details.as_ref()) {
        Some(d) => Some(serde_json::to_string(d)?),
        None => None,
    };
    let sequence = sequence as i64;
    macro_rules! run {
        ($sql:expr, $pool:expr) => {
            sqlx::query($sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .bind(&claim.key)
                .bind(&claim.command)
                .bind(&claim.fingerprint)
                .bind(sequence)
                .bind(name)
                .bind(status)
                .bind(code)
                .bind(message)
                .bind(&details)
                .execute($pool)
                .await?
        };
    }
    let done = match db {
        Database::Postgres(p) => run!(PG_RECORD, p).rows_affected(),
        Database::Sqlite(p) => run!(SQLITE_RECORD, p).rows_affected(),
    };
    Ok(done == 1)
}

type Row = (
    String,
    Option<String>,
    i64,
    String,
    Option<i32>,
    Option<String>,
    Option<String>,
    Option<String>,
);

const PG_FIND: &str = "SELECT command, fingerprint, sequence, outcome, CAST(error_status AS integer), error_code, error_message, CAST(error_details AS text)
  FROM idempotency_keys WHERE aggregate_type = $1 AND aggregate_id = $2 AND idempotency_key = $3";
const SQLITE_FIND: &str = "SELECT command, fingerprint, sequence, outcome, error_status, error_code, error_message, error_details
  FROM idempotency_keys WHERE aggregate_type = ?1 AND aggregate_id = ?2 AND idempotency_key = ?3";

/// The record of `key` on an aggregate, if there is one.
pub async fn find(
    db: &Database,
    aggregate_type: &str,
    aggregate_id: &str,
    key: &str,
) -> Result<Option<KeyRecord>, KeyError> {
    let row: Option<Row> = match db {
        Database::Postgres(p) => {
            sqlx::query_as(PG_FIND)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .bind(key)
                .fetch_optional(p)
                .await?
        }
        Database::Sqlite(p) => {
            sqlx::query_as(SQLITE_FIND)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .bind(key)
                .fetch_optional(p)
                .await?
        }
    };
    row.map(decode).transpose()
}

fn decode(row: Row) -> Result<KeyRecord, KeyError> {
    let (command, fingerprint, sequence, outcome, status, code, message, details) = row;
    let outcome = match outcome.as_str() {
        "applied" => KeyOutcome::Applied,
        "unchanged" => KeyOutcome::Unchanged,
        "refused" => {
            let status = status.ok_or(KeyError::MissingRefusal("error_status"))?;
            KeyOutcome::Refused(StoredRefusal {
                status: u16::try_from(status).map_err(|_| invalid("error_status", status))?,
                code: code.ok_or(KeyError::MissingRefusal("error_code"))?,
                message: message.ok_or(KeyError::MissingRefusal("error_message"))?,
                details: details.map(|d| serde_json::from_str(&d)).transpose()?,
            })
        }
        _ => return Err(invalid("outcome", outcome)),
    };
    Ok(KeyRecord {
        command,
        fingerprint,
        sequence: usize::try_from(sequence).map_err(|_| invalid("sequence", sequence))?,
        outcome,
    })
}

fn invalid(column: &'static str, value: impl ToString) -> KeyError {
    KeyError::Invalid {
        column,
        value: value.to_string(),
    }
}

/// The database's clock. Rows are stamped by it, so the purge measures their
/// age by it too: a server whose own clock runs ahead cannot purge early.
pub async fn database_now(db: &Database) -> Result<DateTime<Utc>, sqlx::Error> {
    match db {
        Database::Postgres(p) => sqlx::query_scalar("SELECT now()").fetch_one(p).await,
        // SQLite stamps rows with this machine's clock, which is ours.
        Database::Sqlite(_) => Ok(Utc::now()),
    }
}

/// Removes the records older than `ttl` at `now` and returns how many. A
/// record exactly `ttl` old, or younger, is kept.
pub async fn purge_expired(
    db: &Database,
    ttl: TimeDelta,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let cutoff = now - ttl;
    let done = match db {
        Database::Postgres(p) => sqlx::query("DELETE FROM idempotency_keys WHERE recorded_at < $1")
            .bind(cutoff)
            .execute(p)
            .await?
            .rows_affected(),
        Database::Sqlite(p) => {
            // The same text format as the column's default, so that comparing
            // the texts compares the times.
            let cutoff = cutoff.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            sqlx::query("DELETE FROM idempotency_keys WHERE recorded_at < ?1")
                .bind(cutoff)
                .execute(p)
                .await?
                .rows_affected()
        }
    };
    Ok(done)
}

/// How often the server purges expired records. A record lives at most this
/// much longer than the TTL.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Purges expired records now and then every [`PURGE_EVERY`] until `stop`
/// resolves. A failed purge is logged and tried again at the next turn: the
/// records it left are only kept longer.
pub async fn purge_periodically(
    db: Database,
    ttl: TimeDelta,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => return,
            _ = every.tick() => {}
        }
        let purged = match database_now(&db).await {
            Ok(now) => purge_expired(&db, ttl, now).await,
            Err(e) => Err(e),
        };
        match purged {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "Purged expired idempotency keys."),
            Err(error) => tracing::error!(%error, "Purging idempotency keys failed."),
        }
    }
}
