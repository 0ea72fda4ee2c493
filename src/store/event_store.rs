//! The cqrs-es `EventStore` the application layer uses, with an in-process cache.
//!
//! Loading an aggregate starts from the cached state (if any) and reads only the
//! events appended after it, so a command costs the same on an order's first
//! event as on its fiftieth. The cache is only a starting point: every load
//! still asks the database for newer events, and every append is checked by the
//! (aggregate, sequence) primary key, so another process writing the same
//! aggregate can never be overwritten; on any failed commit the entry is dropped.
//!
//! Events are appended by [`super::append`], which can claim the command's
//! idempotency key in the same statement. Keys also travel in event metadata;
//! loading collects them, so a key already in the aggregate's history (also
//! one written before the `idempotency_keys` table existed) is recognised as
//! done without asking the database.
//!
//! With an audit key, every row is sealed (signed, `crate::audit::seal`) just
//! before it is appended, so a row written around the server has no seal.

use super::append::{append, AppendError};
use super::idempotency::KeyClaim;
use super::{AnyRepository, Database};
use crate::audit::seal::seal_rows;
use crate::audit::AuditKey;
use cqrs_es::persist::{PersistedEventRepository, SerializedEvent};
use cqrs_es::{Aggregate, AggregateContext, AggregateError, EventEnvelope, EventStore};
use foodbot_domain::codec::{self, DecodeError, Payload};
use lru::LruCache;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;

/// Metadata key holding a command's idempotency key.
pub const IDEMPOTENCY_KEY: &str = "idempotency_key";
/// Metadata key holding the command's name.
pub const COMMAND: &str = "command";
/// Metadata key holding a digest of the request that carried the idempotency key.
pub const FINGERPRINT: &str = "request_fingerprint";

/// What an idempotency key was used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    pub command: String,
    pub fingerprint: Option<String>,
}

/// An aggregate as loaded for a command.
#[derive(Debug, Clone)]
pub struct Loaded<A> {
    pub aggregate_id: String,
    pub aggregate: A,
    /// Sequence number of the last event applied (0 for none).
    pub sequence: usize,
    /// Idempotency keys already used on this aggregate, and what for.
    pub keys: HashMap<String, KeyUse>,
}

impl<A: Aggregate> AggregateContext<A> for Loaded<A> {
    fn aggregate(&mut self) -> &mut A {
        &mut self.aggregate
    }
}

impl<A: Default> Loaded<A> {
    /// An aggregate with no events yet.
    pub fn empty(aggregate_id: &str) -> Self {
        Loaded {
            aggregate_id: aggregate_id.to_string(),
            aggregate: A::default(),
            sequence: 0,
            keys: HashMap::new(),
        }
    }
}

fn remember_key(keys: &mut HashMap<String, KeyUse>, metadata: &HashMap<String, String>) {
    if let Some(key) = metadata.get(IDEMPOTENCY_KEY) {
        let used = KeyUse {
            command: metadata.get(COMMAND).cloned().unwrap_or_default(),
            fingerprint: metadata.get(FINGERPRINT).cloned(),
        };
        keys.insert(key.clone(), used);
    }
}

/// A stored row of an aggregate that cannot be turned into its event.
#[derive(Debug, thiserror::Error)]
pub enum UnreadableEvent {
    #[error("event {sequence} of {} {aggregate_id}: {cause}", cause.aggregate_type)]
    Payload {
        aggregate_id: String,
        sequence: usize,
        #[source]
        cause: Box<DecodeError>,
    },
    #[error("event {sequence} of {aggregate_type} {aggregate_id}: metadata is not a map of strings: {message}")]
    Metadata {
        aggregate_type: String,
        aggregate_id: String,
        sequence: usize,
        message: String,
    },
}

/// A stored row as the aggregate's event, through the one decoder of the
/// domain (`foodbot_domain::codec`), which honours `event_version` and runs the
/// upcasters of old versions. cqrs-es' own conversion would ignore the version.
fn envelope<A: Aggregate>(row: SerializedEvent) -> Result<EventEnvelope<A>, UnreadableEvent> {
    let payload = codec::decode_for::<A::Event>(
        &row.aggregate_type,
        &row.event_type,
        &row.event_version,
        Payload::Json(&row.payload),
    )
    .map_err(|cause| UnreadableEvent::Payload {
        aggregate_id: row.aggregate_id.clone(),
        sequence: row.sequence,
        cause: Box::new(cause),
    })?;
    let metadata = serde_json::from_value(row.metadata).map_err(|e| UnreadableEvent::Metadata {
        aggregate_type: row.aggregate_type.clone(),
        aggregate_id: row.aggregate_id.clone(),
        sequence: row.sequence,
        message: e.to_string(),
    })?;
    Ok(EventEnvelope {
        aggregate_id: row.aggregate_id,
        sequence: row.sequence,
        payload,
        metadata,
    })
}

/// Every event of the aggregates `ids` of type `aggregate_type`, in sequence
/// order per aggregate.
async fn events_of(
    db: &Database,
    aggregate_type: &str,
    ids: &[String],
) -> Result<Vec<SerializedEvent>, sqlx::Error> {
    type Row = (String, i64, String, String, String, String);
    let rows: Vec<Row> = match db {
        Database::Postgres(pool) => {
            sqlx::query_as(
                "SELECT aggregate_id, sequence, event_type, event_version,
                        payload::text, metadata::text
                   FROM events
                  WHERE aggregate_type = $1 AND aggregate_id = ANY($2)
                  ORDER BY aggregate_id, sequence",
            )
            .bind(aggregate_type)
            .bind(ids)
            .fetch_all(pool)
            .await?
        }
        Database::Sqlite(pool) => {
            let ids = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            sqlx::query_as(
                "SELECT aggregate_id, sequence, event_type, event_version, payload, metadata
                   FROM events
                  WHERE aggregate_type = ?1
                    AND aggregate_id IN (SELECT value FROM json_each(?2))
                  ORDER BY aggregate_id, sequence",
            )
            .bind(aggregate_type)
            .bind(ids)
            .fetch_all(pool)
            .await?
        }
    };
    rows.into_iter()
        .map(
            |(aggregate_id, sequence, event_type, event_version, payload, metadata)| {
                let json = |text: &str| {
                    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
                };
                Ok(SerializedEvent {
                    aggregate_id,
                    sequence: usize::try_from(sequence)
                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    aggregate_type: aggregate_type.to_string(),
                    event_type,
                    event_version,
                    payload: json(&payload)?,
                    metadata: json(&metadata)?,
                })
            },
        )
        .collect()
}

fn unreadable<E: std::error::Error>(e: UnreadableEvent) -> AggregateError<E> {
    AggregateError::DeserializationError(Box::new(e))
}

pub struct AggregateStore<A: Aggregate> {
    /// Reads events through postgres-es or sqlite-es.
    repo: Arc<AnyRepository>,
    /// Appends go straight to the database (see [`super::append`]).
    db: Database,
    cache: Mutex<LruCache<String, Loaded<A>>>,
    /// Seals every appended event when set (`AUDIT_SIGNING_KEY_FILE`).
    seal: Option<Arc<AuditKey>>,
}

impl<A: Aggregate + Clone> AggregateStore<A> {
    pub fn new(db: Database, repo: Arc<AnyRepository>, cache_size: usize) -> Self {
        let size = NonZeroUsize::new(cache_size.max(1)).expect("non-zero");
        AggregateStore {
            repo,
            db,
            cache: Mutex::new(LruCache::new(size)),
            seal: None,
        }
    }

    /// Seals every event appended from now on with `key` (none: no seals).
    pub fn seal_with(&mut self, key: Option<Arc<AuditKey>>) {
        self.seal = key;
    }

    /// The cached state (if any) without asking the database, as a starting
    /// point that may be stale; see [`AggregateStore::load_cached`].
    pub fn cached_or_empty(&self, aggregate_id: &str) -> Loaded<A> {
        self.cached(aggregate_id)
            .unwrap_or_else(|| Loaded::empty(aggregate_id))
    }

    /// Appends `events` and, with `claim`, records the idempotency key as
    /// applied in the same statement. As with cqrs-es' own stores,
    /// `context.aggregate` must already have the events applied (the sink does
    /// that in `handle`). On any failure the cached entry is dropped.
    pub async fn append(
        &self,
        events: Vec<A::Event>,
        mut context: Loaded<A>,
        metadata: HashMap<String, String>,
        claim: Option<&KeyClaim>,
    ) -> Result<Vec<EventEnvelope<A>>, AppendError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let envelopes: Vec<EventEnvelope<A>> = events
            .into_iter()
            .enumerate()
            .map(|(i, payload)| EventEnvelope {
                aggregate_id: context.aggregate_id.clone(),
                sequence: context.sequence + i + 1,
                payload,
                metadata: metadata.clone(),
            })
            .collect();
        let mut rows = envelopes
            .iter()
            .map(SerializedEvent::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(key) = &self.seal {
            seal_rows(key, &mut rows);
        }
        if let Err(e) = append(&self.db, A::TYPE, &rows, claim).await {
            // Whether or not the rows landed, the cached state can no longer be trusted.
            self.evict(&context.aggregate_id);
            return Err(e);
        }
        context.sequence += envelopes.len();
        remember_key(&mut context.keys, &metadata);
        let id = context.aggregate_id.clone();
        self.cache.lock().put(id, context);
        Ok(envelopes)
    }

    /// Several aggregates of this type as they are now, with one query for
    /// all of them: each starts from its cached state and takes the events
    /// after it. An id with no events comes back empty (`aggregate.id` unset,
    /// as from [`EventStore::load_aggregate`]).
    pub async fn load_many(
        &self,
        aggregate_ids: &[String],
    ) -> Result<HashMap<String, Loaded<A>>, AggregateError<A::Error>> {
        let mut loaded: HashMap<String, Loaded<A>> = aggregate_ids
            .iter()
            .map(|id| (id.clone(), self.cached_or_empty(id)))
            .collect();
        if loaded.is_empty() {
            return Ok(loaded);
        }
        let ids: Vec<String> = loaded.keys().cloned().collect();
        let rows = events_of(&self.db, A::TYPE, &ids)
            .await
            .map_err(|e| AggregateError::UnexpectedError(Box::new(e)))?;
        let mut moved = Vec::new();
        for row in rows {
            let Some(state) = loaded.get_mut(&row.aggregate_id) else {
                continue;
            };
            if row.sequence <= state.sequence {
                continue;
            }
            let envelope = envelope::<A>(row).map_err(unreadable)?;
            remember_key(&mut state.keys, &envelope.metadata);
            state.sequence = envelope.sequence;
            state.aggregate.apply(envelope.payload);
            moved.push(envelope.aggregate_id);
        }
        let mut cache = self.cache.lock();
        for id in moved {
            if let Some(state) = loaded.get(&id) {
                cache.put(id, state.clone());
            }
        }
        Ok(loaded)
    }

    /// Forgets a cached aggregate (after a conflict, or to force a full load).
    pub fn evict(&self, aggregate_id: &str) {
        self.cache.lock().pop(aggregate_id);
    }

    /// The cached aggregate if there is one (no database access), else a load.
    /// The caller must treat the result as possibly stale: appends are still
    /// checked by the primary key, but a refusal or no-op decided on it must be
    /// confirmed against [`EventStore::load_aggregate`].
    pub async fn load_cached(
        &self,
        aggregate_id: &str,
    ) -> Result<(Loaded<A>, bool), AggregateError<A::Error>> {
        if let Some(hit) = self.cached(aggregate_id) {
            return Ok((hit, true));
        }
        Ok((self.load_aggregate(aggregate_id).await?, false))
    }

    /// The cached state, if any, without asking the database. Only for
    /// decisions that stay right when the state is slightly old.
    pub fn peek(&self, aggregate_id: &str) -> Option<A> {
        self.cache
            .lock()
            .peek(aggregate_id)
            .map(|l| l.aggregate.clone())
    }

    fn cached(&self, aggregate_id: &str) -> Option<Loaded<A>> {
        self.cache.lock().get(aggregate_id).cloned()
    }
}

impl<A: Aggregate + Clone> EventStore<A> for AggregateStore<A> {
    type AC = Loaded<A>;

    async fn load_events(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let rows = self.repo.get_events::<A>(aggregate_id).await?;
        rows.into_iter()
            .map(|row| envelope::<A>(row).map_err(unreadable))
            .collect()
    }

    async fn load_aggregate(
        &self,
        aggregate_id: &str,
    ) -> Result<Loaded<A>, AggregateError<A::Error>> {
        let mut loaded = self
            .cached(aggregate_id)
            .unwrap_or_else(|| Loaded::empty(aggregate_id));
        let newer = if loaded.sequence == 0 {
            self.repo.get_events::<A>(aggregate_id).await?
        } else {
            self.repo
                .get_last_events::<A>(aggregate_id, loaded.sequence)
                .await?
        };
        if newer.is_empty() {
            return Ok(loaded);
        }
        for row in newer {
            let envelope = envelope::<A>(row).map_err(unreadable)?;
            remember_key(&mut loaded.keys, &envelope.metadata);
            loaded.sequence = envelope.sequence;
            loaded.aggregate.apply(envelope.payload);
        }
        self.cache
            .lock()
            .put(aggregate_id.to_string(), loaded.clone());
        Ok(loaded)
    }

    /// Appends `events` without an idempotency claim (see [`AggregateStore::append`]).
    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: Loaded<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        self.append(events, context, metadata, None)
            .await
            .map_err(|e| match e {
                AppendError::Conflict => AggregateError::AggregateConflict,
                other => AggregateError::UnexpectedError(Box::new(other)),
            })
    }
}
