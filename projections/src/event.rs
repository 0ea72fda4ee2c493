//! Reading the event log in global order, without ever skipping an event.
//!
//! On PostgreSQL, `position` is taken when a row is inserted, not when its
//! transaction commits, so a reader that saw position 8 may later find a 7
//! that committed late. Instead of waiting for "gaps" to fill (which loses
//! events when a gap is older than the wait), the reader orders rows by
//! (writing transaction id, position) and learns the horizon
//! `pg_snapshot_xmin(pg_current_snapshot())`: every row whose transaction is
//! below it is final, as no transaction that could still add an earlier row is
//! running. Checkpoints only ever advance over final rows. Rows above the
//! horizon that are already visible are returned too, so that one long
//! transaction does not hold everything back; the projector applies them and
//! remembers them (`applied_above`) until the checkpoint passes them. On SQLite
//! one writer commits at a time and positions are numbered at commit, so every
//! visible row is final and position order is commit order.

use crate::db::Tx;
use chrono::{DateTime, Utc};
use foodbot_domain::order::OrderEvent;
use foodbot_domain::user::UserEvent;
use serde_json::Value;
use sqlx::Row;

/// How far a reader has come: the (transaction id, position) of the last event
/// taken. On SQLite the transaction id is always 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Checkpoint {
    pub transaction_id: i64,
    pub position: i64,
}

/// A decoded event.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Order(OrderEvent),
    User(UserEvent),
}

/// One event as stored, with its place in the global order.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub checkpoint: Checkpoint,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    /// The payload as stored (JSON text).
    pub payload: String,
    /// The metadata as stored (JSON text); see [`Envelope::meta`].
    pub metadata: String,
    pub recorded_at: DateTime<Utc>,
    pub event: Decoded,
}

impl Envelope {
    /// One metadata field (who acted, through what), parsed when asked for.
    pub fn meta(&self, key: &str) -> Option<String> {
        let all: serde_json::Map<String, Value> = serde_json::from_str(&self.metadata).ok()?;
        all.get(key).and_then(Value::as_str).map(String::from)
    }

    pub fn position(&self) -> i64 {
        self.checkpoint.position
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("event at position {position} ({event_type} {version}) cannot be read: {message}")]
    Undecodable {
        position: i64,
        event_type: String,
        version: String,
        message: String,
    },
}

/// Turns a stored payload into a domain event. Old versions would be upcast here.
pub fn decode(
    aggregate_type: &str,
    event_type: &str,
    version: &str,
    payload: &str,
    position: i64,
) -> Result<Decoded, ReadError> {
    let fail = |message: String| ReadError::Undecodable {
        position,
        event_type: event_type.to_string(),
        version: version.to_string(),
        message,
    };
    if version != "1.0" {
        return Err(fail("unknown version".into()));
    }
    // Straight from the stored text into the typed event: no JSON tree between.
    match aggregate_type {
        "Order" => serde_json::from_str(payload)
            .map(Decoded::Order)
            .map_err(|e| fail(e.to_string())),
        "User" => serde_json::from_str(payload)
            .map(Decoded::User)
            .map_err(|e| fail(e.to_string())),
        other => Err(fail(format!("unknown aggregate type {other}"))),
    }
}

const PG_HORIZON: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

const PG_BATCH: &str = "
SELECT transaction_id::text::bigint AS tx, position, aggregate_type, aggregate_id, sequence,
       event_type, event_version, payload::text AS payload, metadata::text AS metadata, recorded_at
  FROM events
 WHERE (transaction_id, position) > ($1::text::xid8, $2)
   AND NOT (position = ANY($4)){filter}
 ORDER BY transaction_id, position
 LIMIT $3";

const SQLITE_BATCH: &str = "
SELECT 0 AS tx, position, aggregate_type, aggregate_id, sequence,
       event_type, event_version, payload, metadata, recorded_at
  FROM events
 WHERE position > ?1{filter}
 ORDER BY position
 LIMIT ?2";

/// A batch of events and the horizon below which transactions are final.
pub struct Batch {
    pub events: Vec<Envelope>,
    /// Events whose transaction id is below this are final (SQLite: all).
    pub horizon: i64,
}

type Raw = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
);

/// Up to `limit` events after `after`, in global order, leaving out the
/// positions in `skip` (already applied above an earlier horizon).
/// The transaction horizon, to be taken before the transaction writes anything
/// (once it holds an id of its own, the horizon cannot pass it). Every
/// transaction below it had finished, so all of its rows are visible to reads
/// made after this call.
pub async fn horizon(tx: &mut Tx<'_>) -> Result<i64, ReadError> {
    match tx {
        Tx::Postgres(c) => Ok(sqlx::query_scalar(PG_HORIZON).fetch_one(&mut **c).await?),
        Tx::Sqlite(_) => Ok(i64::MAX),
    }
}

pub async fn read_after(
    tx: &mut Tx<'_>,
    after: Checkpoint,
    skip: &[i64],
    limit: i64,
    horizon: i64,
) -> Result<Batch, ReadError> {
    read(tx, after, skip, limit, horizon, None, false).await
}

/// Up to `limit` final events after `after` (those of transactions below
/// `horizon`), in global order. They form a prefix of the order that no later
/// commit can change, so a reader may go on from the last one without
/// looking back (as a rebuild's reader does).
pub async fn read_final(
    tx: &mut Tx<'_>,
    after: Checkpoint,
    limit: i64,
    horizon: i64,
) -> Result<Batch, ReadError> {
    read(tx, after, &[], limit, horizon, None, true).await
}

/// Which events a filtered read returns.
#[derive(Debug, Clone, Default)]
pub struct Only {
    /// These event types (all when empty).
    pub event_types: Vec<String>,
    /// This aggregate's events only.
    pub aggregate_id: Option<String>,
}

/// Like [`read_after`], but the database leaves out every event that `only`
/// does not take, so that they are neither sent nor decoded.
pub async fn read_only(
    tx: &mut Tx<'_>,
    after: Checkpoint,
    limit: i64,
    only: &Only,
) -> Result<Batch, ReadError> {
    read(tx, after, &[], limit, i64::MAX, Some(only), false).await
}

async fn read(
    tx: &mut Tx<'_>,
    after: Checkpoint,
    skip: &[i64],
    limit: i64,
    horizon: i64,
    only: Option<&Only>,
    final_only: bool,
) -> Result<Batch, ReadError> {
    // Extra conditions, numbered after the statement's own parameters.
    let types = only.map(|o| o.event_types.clone()).unwrap_or_default();
    let aggregate = only.and_then(|o| o.aggregate_id.clone());
    let filter = |sqlite: bool| {
        let (mut n, sign) = if sqlite { (2, '?') } else { (4, '$') };
        let mut f = String::new();
        if !types.is_empty() {
            n += 1;
            f.push_str(&if sqlite {
                format!(" AND event_type IN (SELECT value FROM json_each({sign}{n}))")
            } else {
                format!(" AND event_type = ANY({sign}{n})")
            });
        }
        if aggregate.is_some() {
            n += 1;
            f.push_str(&format!(" AND aggregate_id = {sign}{n}"));
        }
        // SQLite: every visible event is final.
        if final_only && !sqlite {
            n += 1;
            f.push_str(&format!(" AND transaction_id < {sign}{n}::text::xid8"));
        }
        f
    };
    let rows: Vec<Raw> = match tx {
        Tx::Postgres(c) => {
            let sql = PG_BATCH.replace("{filter}", &filter(false));
            let mut q = sqlx::query(&sql)
                .bind(after.transaction_id.to_string())
                .bind(after.position)
                .bind(limit)
                .bind(skip);
            if !types.is_empty() {
                q = q.bind(types.clone());
            }
            if let Some(a) = &aggregate {
                q = q.bind(a.clone());
            }
            if final_only {
                q = q.bind(horizon.to_string());
            }
            let rows = q.fetch_all(&mut **c).await?;
            let rows = rows
                .iter()
                .map(|r| {
                    (
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get(5),
                        r.get(6),
                        r.get(7),
                        r.get(8),
                        r.get(9),
                    )
                })
                .collect();
            rows
        }
        Tx::Sqlite(c) => {
            let sql = SQLITE_BATCH.replace("{filter}", &filter(true));
            let mut q = sqlx::query(&sql).bind(after.position).bind(limit);
            if !types.is_empty() {
                q = q.bind(serde_json::to_string(&types).unwrap_or_default());
            }
            if let Some(a) = &aggregate {
                q = q.bind(a.clone());
            }
            let rows = q.fetch_all(&mut **c).await?;
            let rows = rows
                .iter()
                .map(|r| {
                    let recorded: String = r.get(9);
                    (
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get(5),
                        r.get(6),
                        r.get(7),
                        r.get(8),
                        DateTime::parse_from_rfc3339(&recorded)
                            .map(|t| t.with_timezone(&Utc))
                            .unwrap_or_default(),
                    )
                })
                .collect();
            rows
        }
    };
    // Sized up front: an envelope is large, and growing the list moves them all.
    let mut events = Vec::with_capacity(rows.len());
    for raw in rows {
        events.push(envelope(raw)?);
    }
    Ok(Batch { events, horizon })
}

fn envelope(raw: Raw) -> Result<Envelope, ReadError> {
    let (
        tx,
        position,
        aggregate_type,
        aggregate_id,
        sequence,
        event_type,
        event_version,
        payload,
        metadata,
        recorded_at,
    ) = raw;

    let event = decode(
        &aggregate_type,
        &event_type,
        &event_version,
        &payload,
        position,
    )?;
    Ok(Envelope {
        checkpoint: Checkpoint {
            transaction_id: tx,
            position,
        },
        aggregate_type,
        aggregate_id,
        sequence,
        event_type,
        event_version,
        payload,
        metadata,
        recorded_at,
        event,
    })
}
