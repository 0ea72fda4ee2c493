//! Running one command: load, decide, append; idempotency and conflict retries.

use super::{App, AppError};
use crate::store::{AggregateStore, Loaded, COMMAND, FINGERPRINT, IDEMPOTENCY_KEY};
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, AggregateError, EventEnvelope, EventStore};
use foodbot_domain::{Actor, Channel};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use tokio::sync::{Mutex, MutexGuard};

/// How many times a command is retried after losing an optimistic-concurrency race.
pub const MAX_ATTEMPTS: usize = 5;

/// Who asks, through what, why and when. Stored as event metadata.
#[derive(Debug, Clone)]
pub struct CommandMeta {
    pub actor: Actor,
    pub channel: Channel,
    /// Telegram `update_id` or the HTTP request id.
    pub correlation_id: String,
    /// The same key twice on one aggregate has one effect.
    pub idempotency_key: Option<String>,
    /// A digest of the request the key came with: the key used again for a
    /// different request is refused rather than answered with the first result.
    pub fingerprint: Option<String>,
    pub at: DateTime<Utc>,
}

impl CommandMeta {
    fn to_metadata(&self, command: &str) -> HashMap<String, String> {
        let mut m = HashMap::new();
        let (kind, user) = match self.actor {
            Actor::Customer(u) => ("customer", Some(u)),
            Actor::Staff(u) => ("staff", Some(u)),
            Actor::System => ("system", None),
        };
        m.insert("actor".into(), kind.into());
        if let Some(u) = user {
            m.insert("user_id".into(), u.to_string());
        }
        m.insert("channel".into(), self.channel.as_str().into());
        m.insert("correlation_id".into(), self.correlation_id.clone());
        m.insert("at".into(), self.at.to_rfc3339());
        m.insert(COMMAND.into(), command.into());
        if let Some(k) = &self.idempotency_key {
            m.insert(IDEMPOTENCY_KEY.into(), k.clone());
            if let Some(f) = &self.fingerprint {
                m.insert(FINGERPRINT.into(), f.clone());
            }
        }
        m
    }
}

/// The result of a command: the aggregate's state after it and the events it
/// appended (none when it changed nothing or was a replay of a known key).
#[derive(Debug)]
pub struct Outcome<A: Aggregate> {
    pub state: A,
    pub events: Vec<EventEnvelope<A>>,
    /// Sequence number of the aggregate's last event.
    pub version: usize,
    /// True when the idempotency key had been seen: nothing was done again.
    pub replayed: bool,
}

/// Commands on one aggregate run one at a time inside this process, so they do
/// not race each other to the database; the primary key still guards against
/// other processes. Striped so memory stays bounded.
pub struct StripedLocks {
    stripes: Vec<Mutex<()>>,
    hasher: RandomState,
}

impl StripedLocks {
    pub fn new(n: usize) -> Self {
        StripedLocks {
            stripes: (0..n).map(|_| Mutex::new(())).collect(),
            hasher: RandomState::new(),
        }
    }

    pub async fn lock(&self, kind: &str, id: &str) -> MutexGuard<'_, ()> {
        let i = self.hasher.hash_one((kind, id)) as usize % self.stripes.len();
        self.stripes[i].lock().await
    }
}

pub(super) fn storage<E: std::error::Error>(e: AggregateError<E>) -> AppError {
    AppError::Storage(e.to_string())
}

impl App {
    /// Loads, decides and appends, retrying lost races a bounded number of times.
    ///
    /// The first attempt decides on the cached state without reading the
    /// database (with `new_id`, the id was just made at random, so there is no
    /// history to read). That is safe for appends: if anyone appended to the
    /// aggregate meanwhile, our sequence number is taken and the primary key
    /// refuses the append, and the retry reads the real state. A refusal or a
    /// no-op decided on cached state is confirmed on fresh state before it is
    /// answered.
    pub(super) async fn execute<A>(
        &self,
        store: &AggregateStore<A>,
        aggregate_id: &str,
        new_id: bool,
        meta: &CommandMeta,
        name: &'static str,
        command: impl Fn() -> A::Command,
    ) -> Result<Outcome<A>, AppError>
    where
        A: Aggregate<Services = ()> + Clone,
        AppError: From<A::Error>,
    {
        let _serial = self.locks.lock(A::TYPE, aggregate_id).await;
        let metadata = meta.to_metadata(name);
        let mut fresh = false;
        for attempt in 0..MAX_ATTEMPTS {
            let (mut loaded, maybe_stale) = if new_id && attempt == 0 {
                (Loaded::empty(aggregate_id), true)
            } else if !fresh {
                store.load_cached(aggregate_id).await.map_err(storage)?
            } else {
                (
                    store.load_aggregate(aggregate_id).await.map_err(storage)?,
                    false,
                )
            };
            fresh = true;
            if let Some(key) = &meta.idempotency_key {
                if let Some(done) = loaded.keys.get(key) {
                    if done.command != name || done.fingerprint != meta.fingerprint {
                        return Err(AppError::IdempotencyKeyReused(key.clone()));
                    }
                    return Ok(Outcome {
                        version: loaded.sequence,
                        state: loaded.aggregate,
                        events: vec![],
                        replayed: true,
                    });
                }
            }
            let sink = EventSink::default();
            if let Err(e) = loaded.aggregate.handle(command(), &(), &sink).await {
                if maybe_stale {
                    continue;
                }
                return Err(e.into());
            }
            let events = sink.collect().await;
            if events.is_empty() && maybe_stale {
                continue;
            }
            let state = loaded.aggregate.clone();
            let before = loaded.sequence;
            match store.commit(events, loaded, metadata.clone()).await {
                Ok(events) => {
                    if !events.is_empty() {
                        self.wake.notify_one();
                    }
                    let version = before + events.len();
                    return Ok(Outcome {
                        state,
                        events,
                        version,
                        replayed: false,
                    });
                }
                Err(AggregateError::AggregateConflict) => {
                    tracing::debug!(
                        aggregate = A::TYPE,
                        aggregate_id,
                        "Lost a concurrent append; retrying."
                    );
                    store.evict(aggregate_id);
                }
                Err(e) => return Err(storage(e)),
            }
        }
        tracing::warn!(
            aggregate = A::TYPE,
            aggregate_id,
            "Gave up after repeated conflicts."
        );
        Err(AppError::Conflict)
    }
}
