//! Appending a command's events, and claiming its idempotency key with them.
//!
//! postgres-es' and sqlite-es' `persist` write events in a transaction of their
//! own, so nothing else can join it; the key of an effectful command must
//! commit with its events (a retry is then refused by the key's primary key
//! atomically, in any process), so events are inserted here instead. The
//! columns are the ones those crates write; everything else in `events`
//! (global position, writing transaction, recorded-at) keeps its default.
//!
//! On PostgreSQL one statement does it all (the key claimed in a data-modifying
//! `WITH`, the events inserted from arrays only if the claim succeeded), so an
//! append is one round trip; on SQLite a short transaction.

use super::idempotency::KeyClaim;
use super::Database;
use cqrs_es::persist::SerializedEvent;

/// Why an append wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another writer took one of the sequence numbers first.
    #[error("the aggregate was changed concurrently")]
    Conflict,
    /// The idempotency key already has a record.
    #[error("the idempotency key was already used")]
    KeyTaken,
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// An event could not be turned into its stored form.
    #[error(transparent)]
    Event(#[from] cqrs_es::persist::PersistenceError),
    #[error(transparent)]
    Database(sqlx::Error),
}

/// The primary-key violation codes that mean "sequence taken": PostgreSQL's
/// unique_violation and SQLite's SQLITE_CONSTRAINT_PRIMARYKEY, as postgres-es
/// and sqlite-es read them.
fn classify(e: sqlx::Error) -> AppendError {
    if let sqlx::Error::Database(d) = &e {
        if matches!(d.code().as_deref(), Some("23505") | Some("1555")) {
            return AppendError::Conflict;
        }
    }
    AppendError::Database(e)
}

const PG_EVENTS: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT $1, $2, e.sequence, e.event_type, e.event_version, e.payload::json, e.metadata::json
  FROM UNNEST($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS e(sequence, event_type, event_version, payload, metadata)
 ORDER BY e.sequence";

/// The same, only when the key is claimed first (`$8` to `$11`).
const PG_KEYED_EVENTS: &str = "WITH claimed AS (
    INSERT INTO idempotency_keys (aggregate_type, aggregate_id, idempotency_key, command, fingerprint, sequence, outcome)
    VALUES ($1, $2, $8, $9, $10, $11, 'applied')
    ON CONFLICT (aggregate_type, aggregate_id, idempotency_key) DO NOTHING
    RETURNING 1)
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT $1, $2, e.sequence, e.event_type, e.event_version, e.payload::json, e.metadata::json
  FROM UNNEST($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS e(sequence, event_type, event_version, payload, metadata)
 WHERE EXISTS (SELECT 1 FROM claimed)
 ORDER BY e.sequence";

const SQLITE_CLAIM: &str = "INSERT INTO idempotency_keys (aggregate_type, aggregate_id, idempotency_key, command, fingerprint, sequence, outcome)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'applied')
ON CONFLICT (aggregate_type, aggregate_id, idempotency_key) DO NOTHING";
const SQLITE_EVENT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// Appends `events` (all of one aggregate, in sequence order) and, with
/// `claim`, records the key as applied at the last event's sequence, all or
/// nothing.
pub async fn append(
    db: &Database,
    aggregate_type: &str,
    events: &[SerializedEvent],
    claim: Option<&KeyClaim>,
) -> Result<(), AppendError> {
    let Some(last) = events.last() else {
        return Ok(());
    };
    let aggregate_id = last.aggregate_id.as_str();
    let last_sequence = last.sequence as i64;
    match db {
        Database::Postgres(pool) => {
            let mut sequences = Vec::with_capacity(events.len());
            let mut types = Vec::with_capacity(events.len());
            let mut versions = Vec::with_capacity(events.len());
            let mut payloads = Vec::with_capacity(events.len());
            let mut metadata = Vec::with_capacity(events.len());
            for e in events {
                sequences.push(e.sequence as i64);
                types.push(e.event_type.as_str());
                versions.push(e.event_version.as_str());
                payloads.push(serde_json::to_string(&e.payload)?);
                metadata.push(serde_json::to_string(&e.metadata)?);
            }
            let sql = if claim.is_some() {
                PG_KEYED_EVENTS
            } else {
                PG_EVENTS
            };
            let mut query = sqlx::query(sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .bind(&sequences)
                .bind(&types)
                .bind(&versions)
                .bind(&payloads)
                .bind(&metadata);
            if let Some(c) = claim {
                query = query
                    .bind(&c.key)
                    .bind(&c.command)
                    .bind(&c.fingerprint)
                    .bind(last_sequence);
            }
            let done = query.execute(pool).await.map_err(classify)?;
            // With a claim, no row written means the claim found the key taken.
            if claim.is_some() && done.rows_affected() == 0 {
                return Err(AppendError::KeyTaken);
            }
            Ok(())
        }
        Database::Sqlite(pool) => {
            let mut tx = pool.begin().await.map_err(AppendError::Database)?;
            if let Some(c) = claim {
                let claimed = sqlx::query(SQLITE_CLAIM)
                    .bind(aggregate_type)
                    .bind(aggregate_id)
                    .bind(&c.key)
                    .bind(&c.command)
                    .bind(&c.fingerprint)
                    .bind(last_sequence)
                    .execute(&mut *tx)
                    .await
                    .map_err(AppendError::Database)?;
                if claimed.rows_affected() == 0 {
                    return Err(AppendError::KeyTaken);
                }
            }
            for e in events {
                sqlx::query(SQLITE_EVENT)
                    .bind(aggregate_type)
                    .bind(aggregate_id)
                    .bind(e.sequence as i64)
                    .bind(&e.event_type)
                    .bind(&e.event_version)
                    .bind(serde_json::to_string(&e.payload)?)
                    .bind(serde_json::to_string(&e.metadata)?)
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
            }
            tx.commit().await.map_err(AppendError::Database)?;
            Ok(())
        }
    }
}
