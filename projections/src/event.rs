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
use crate::snapshot::{BadSnapshot, Delta, Snapshot};
use chrono::{DateTime, Utc};
use foodbot_domain::codec::{self, DecodeError, Payload};
use serde_json::Value;
use sqlx::Row;

/// How far a reader has come: the (transaction id, position) of the last event
/// taken. On SQLite the transaction id is always 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Checkpoint {
    pub transaction_id: i64,
    pub position: i64,
}

/// A decoded event: the domain's one decoder is used for reading the log too.
pub use foodbot_domain::codec::Decoded;

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
    #[error(transparent)]
    Snapshot(#[from] BadSnapshot),
    /// The row is named by its position and aggregate id; the cause names
    /// the aggregate type, event type and version.
    #[error("event at position {position} of aggregate {aggregate_id:?} cannot be read: {cause}")]
    Undecodable {
        position: i64,
        aggregate_id: String,
        #[source]
        cause: Box<DecodeError>,
    },
    #[error("event at position {position} has a recorded_at of {recorded_at:?}: {message}")]
    BadRecordedAt {
        position: i64,
        recorded_at: String,
        message: String,
    },
}

/// Turns a stored payload into a domain event, upcasting an old version
/// (`foodbot_domain::codec`, the same decoder that loads aggregates for
/// commands). `position` and `aggregate_id` say which row could not be read.
pub fn decode(
    aggregate_type: &str,
    aggregate_id: &str,
    event_type: &str,
    version: &str,
    payload: &str,
    position: i64,
) -> Result<Decoded, ReadError> {
    codec::decode(aggregate_type, event_type, version, Payload::Text(payload)).map_err(|cause| {
        ReadError::Undecodable {
            position,
            aggregate_id: aggregate_id.to_string(),
            cause: Box::new(cause),
        }
    })
}

const PG_HORIZON: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

const PG_BATCH: &str = "
SELECT transaction_id::text::bigint AS tx, position, aggregate_type, aggregate_id, sequence,
       event_type, event_version, payload::text AS payload, metadata::text AS metadata, recorded_at
  FROM events
 WHERE (transaction_id, position) > ($1::text::xid8, $2){filter}
 ORDER BY transaction_id, position
 LIMIT $3";

const SQLITE_BATCH: &str = "
SELECT 0 AS tx, position, aggregate_type, aggregate_id, sequence,
       event_type, event_version, payload, metadata, recorded_at
  FROM events
 WHERE position > ?2{filter}
 ORDER BY position
 LIMIT ?3";

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

/// Which transactions have committed right now ([`Snapshot`]); on SQLite,
/// every position up to the newest event's (the caller holds the write lock,
/// so none can commit meanwhile). Like [`horizon`], to be taken before the
/// transaction writes anything.
pub async fn snapshot(tx: &mut Tx<'_>) -> Result<Snapshot, ReadError> {
    match tx {
        Tx::Postgres(c) => {
            let text: String = sqlx::query_scalar("SELECT pg_current_snapshot()::text")
                .fetch_one(&mut **c)
                .await?;
            Snapshot::parse(&text).map_err(ReadError::Snapshot)
        }
        Tx::Sqlite(c) => {
            let newest: i64 = sqlx::query_scalar("SELECT COALESCE(max(position), 0) FROM events")
                .fetch_one(&mut **c)
                .await?;
            Ok(Snapshot::below(newest + 1))
        }
    }
}

/// Up to `limit` events after `after`, in global order (audits read the whole log this way).
pub async fn read_after(
    tx: &mut Tx<'_>,
    after: Checkpoint,
    limit: i64,
) -> Result<Batch, ReadError> {
    let events = read(tx, after, limit, &[]).await?;
    Ok(Batch {
        events,
        horizon: i64::MAX,
    })
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
    let cond = match tx {
        Tx::Postgres(_) => vec![Cond::Below(horizon)],
        // SQLite: every visible event is final.
        Tx::Sqlite(_) => vec![],
    };
    let events = read(tx, after, limit, &cond).await?;
    Ok(Batch { events, horizon })
}

/// Up to `limit` events of the transactions in `delta` after `after`, in
/// global order: the transactions that ended since come first (they are all
/// below the new range), then the new range. Each is an index range of the
/// log, so this costs the same however long an old transaction stays open.
pub async fn read_delta(
    tx: &mut Tx<'_>,
    delta: &Delta,
    after: Checkpoint,
    limit: i64,
) -> Result<Vec<Envelope>, ReadError> {
    let mut events = Vec::new();
    if !delta.ended.is_empty() {
        events = read(tx, after, limit, &[Cond::In(delta.ended.clone())]).await?;
    }
    let left = limit - events.len() as i64;
    if left > 0 && delta.from < delta.to {
        // The range's start as the read's lower bound, so that the index scan
        // begins there rather than at the cursor of a model that holds nothing.
        let start = match tx {
            Tx::Postgres(_) => Checkpoint {
                transaction_id: delta.from,
                position: i64::MIN,
            },
            // Positions are SQLite's transactions.
            Tx::Sqlite(_) => Checkpoint {
                transaction_id: 0,
                position: delta.from - 1,
            },
        };
        let range = [Cond::Below(delta.to), Cond::NotIn(delta.running.clone())];
        events.extend(read(tx, after.max(start), left, &range).await?);
    }
    Ok(events)
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
    let mut cond = Vec::new();
    if !only.event_types.is_empty() {
        cond.push(Cond::Types(only.event_types.clone()));
    }
    if let Some(a) = &only.aggregate_id {
        cond.push(Cond::Aggregate(a.clone()));
    }
    let events = read(tx, after, limit, &cond).await?;
    Ok(Batch {
        events,
        horizon: i64::MAX,
    })
}

/// A condition a read adds to "after a checkpoint". Transaction conditions
/// compare positions on SQLite, where a position is its own transaction.
enum Cond {
    /// Written by a transaction (SQLite: at a position) below this.
    Below(i64),
    /// … by one of these.
    In(Vec<i64>),
    /// … by none of these.
    NotIn(Vec<i64>),
    Types(Vec<String>),
    Aggregate(String),
}

/// A list of event types written into the statement, when every name is a
/// plain identifier: on PostgreSQL a literal list lets the planner use a
/// partial index made for those types (`events_payment_steps`, for the
/// auditors' payment replay); a bound list could match any type.
fn literal_types(types: &[String]) -> Option<String> {
    let plain =
        |t: &String| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (!types.is_empty() && types.iter().all(plain))
        .then(|| format!("'{{{}}}'::text[]", types.join(",")))
}

impl Cond {
    /// Whether the condition takes a parameter.
    fn binds(&self, sqlite: bool) -> bool {
        match self {
            Cond::Types(t) if !sqlite => literal_types(t).is_none(),
            _ => true,
        }
    }

    /// The condition as SQL, its value (if it [`binds`](Cond::binds) one) the
    /// `n`th parameter.
    fn sql(&self, sqlite: bool, n: usize) -> String {
        let (column, cast) = if sqlite {
            ("position", "")
        } else {
            ("transaction_id", "::text::xid8")
        };
        let p = if sqlite {
            format!("?{n}")
        } else {
            format!("${n}")
        };
        // Lists as index conditions on PostgreSQL (`= ANY` is probed in index
        // order), as JSON arrays on SQLite.
        let list = |op: &str, quantifier: &str| {
            if sqlite {
                format!(" AND {column} {op} (SELECT value FROM json_each({p}))")
            } else {
                format!(" AND {column} {quantifier}({p}::text[]::xid8[])")
            }
        };
        match self {
            Cond::Below(_) => format!(" AND {column} < {p}{cast}"),
            Cond::In(_) => list("IN", "= ANY"),
            Cond::NotIn(_) => list("NOT IN", "<> ALL"),
            Cond::Types(_) if sqlite => {
                format!(" AND event_type IN (SELECT value FROM json_each({p}))")
            }
            Cond::Types(t) => match literal_types(t) {
                Some(list) => format!(" AND event_type = ANY({list})"),
                None => format!(" AND event_type = ANY({p})"),
            },
            Cond::Aggregate(_) => format!(" AND aggregate_id = {p}"),
        }
    }
}

async fn read(
    tx: &mut Tx<'_>,
    after: Checkpoint,
    limit: i64,
    cond: &[Cond],
) -> Result<Vec<Envelope>, ReadError> {
    let sqlite = matches!(tx, Tx::Sqlite(_));
    // Extra conditions, numbered after the statement's own parameters.
    let mut n = 4;
    let filter: String = cond
        .iter()
        .map(|c| {
            let sql = c.sql(sqlite, n);
            n += usize::from(c.binds(sqlite));
            sql
        })
        .collect();
    let ids = |v: &Vec<i64>| v.iter().map(i64::to_string).collect::<Vec<_>>();
    let rows: Vec<Raw> = match tx {
        Tx::Postgres(c) => {
            let sql = PG_BATCH.replace("{filter}", &filter);
            let mut q = sqlx::query(&sql)
                .bind(after.transaction_id.to_string())
                .bind(after.position)
                .bind(limit);
            for c in cond {
                q = match c {
                    Cond::Below(x) => q.bind(x.to_string()),
                    Cond::In(v) | Cond::NotIn(v) => q.bind(ids(v)),
                    Cond::Types(_) if !c.binds(false) => q,
                    Cond::Types(t) => q.bind(t.clone()),
                    Cond::Aggregate(a) => q.bind(a.clone()),
                };
            }
            let rows = q.fetch_all(&mut **c).await?;
            rows.iter()
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
                .collect()
        }
        Tx::Sqlite(c) => {
            let sql = SQLITE_BATCH.replace("{filter}", &filter);
            // ?1 is unused on SQLite (no transaction ids); bound to keep the numbering.
            let mut q = sqlx::query(&sql)
                .bind(after.transaction_id)
                .bind(after.position)
                .bind(limit);
            for c in cond {
                q = match c {
                    Cond::Below(x) => q.bind(*x),
                    Cond::In(v) | Cond::NotIn(v) => {
                        q.bind(serde_json::to_string(v).unwrap_or_default())
                    }
                    Cond::Types(t) => q.bind(serde_json::to_string(t).unwrap_or_default()),
                    Cond::Aggregate(a) => q.bind(a.clone()),
                };
            }
            let rows = q.fetch_all(&mut **c).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let recorded: String = r.get(9);
                let recorded_at = DateTime::parse_from_rfc3339(&recorded)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| ReadError::BadRecordedAt {
                        position: r.get(1),
                        recorded_at: recorded.clone(),
                        message: e.to_string(),
                    })?;
                out.push((
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                    r.get(8),
                    recorded_at,
                ));
            }
            out
        }
    };
    // Sized up front: an envelope is large, and growing the list moves them all.
    let mut events = Vec::with_capacity(rows.len());
    for raw in rows {
        events.push(envelope(raw)?);
    }
    Ok(events)
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
        &aggregate_id,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_event_types_are_written_into_postgres_statements() {
        let types = Cond::Types(vec!["PaymentReceived".into(), "RefundCompleted".into()]);
        assert!(!types.binds(false));
        assert_eq!(
            types.sql(false, 4),
            " AND event_type = ANY('{PaymentReceived,RefundCompleted}'::text[])"
        );
        // SQLite binds them as a JSON array, as ever.
        assert!(types.binds(true));
        assert!(types.sql(true, 4).contains("json_each(?4)"));
        // A name that is not a plain identifier is bound, never written.
        let odd = Cond::Types(vec!["Paid'); DROP TABLE events; --".into()]);
        assert!(odd.binds(false));
        assert_eq!(odd.sql(false, 4), " AND event_type = ANY($4)");
        assert!(Cond::Types(vec![]).binds(false));
    }
}
