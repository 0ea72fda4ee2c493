//! Running one command: load, decide, append; idempotency and conflict retries.

use super::{App, AppError, Refusal};
use crate::store::idempotency::{self, KeyClaim, KeyOutcome};
use crate::store::{AggregateStore, AppendError, Loaded, COMMAND, FINGERPRINT, IDEMPOTENCY_KEY};
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

    /// The claim this command makes on its idempotency key, if it has one.
    fn claim(&self, command: &str) -> Option<KeyClaim> {
        self.idempotency_key.as_ref().map(|key| KeyClaim {
            key: key.clone(),
            command: command.to_string(),
            fingerprint: self.fingerprint.clone(),
        })
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

impl<A: Aggregate> Outcome<A> {
    /// The answer to a retry: the aggregate as it is now, nothing appended.
    fn replay(loaded: Loaded<A>) -> Self {
        Outcome {
            version: loaded.sequence,
            state: loaded.aggregate,
            events: vec![],
            replayed: true,
        }
    }
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

/// A failure to load an aggregate. The boxed causes are kept as they are; a
/// business error cannot come out of a load, but would be kept by its message.
pub(super) fn storage<E: std::error::Error>(e: AggregateError<E>) -> AppError {
    match e {
        AggregateError::DatabaseConnectionError(e)
        | AggregateError::DeserializationError(e)
        | AggregateError::UnexpectedError(e) => AppError::Storage(e),
        other => AppError::storage(other.to_string()),
    }
}

impl App {
    /// Loads, decides and appends, retrying lost races a bounded number of times.
    ///
    /// The first attempt decides on the cached state without reading the
    /// database (with `likely_new`, on the cached state or none at all: a new
    /// order's id is fresh, or derived from a key that is new unless this is a
    /// retry). That is safe for appends: if anyone appended to the aggregate
    /// meanwhile, our sequence number is taken and the primary key refuses the
    /// append, and the retry reads the real state. A refusal or a no-op decided
    /// on cached state is confirmed on fresh state before it is answered.
    ///
    /// With an idempotency key, the outcome is recorded: with the events in one
    /// statement when there are any, alone for a no-op or a domain refusal. If
    /// the key already has a record (a retry), that record answers instead,
    /// whatever the command would do now; a key recorded for a different
    /// request is refused.
    pub(super) async fn execute<A>(
        &self,
        store: &AggregateStore<A>,
        aggregate_id: &str,
        likely_new: bool,
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
        let claim = meta.claim(name);
        let mut fresh = false;
        for attempt in 0..MAX_ATTEMPTS {
            let (mut loaded, maybe_stale) = if likely_new && attempt == 0 {
                (store.cached_or_empty(aggregate_id), true)
            } else if !fresh {
                store.load_cached(aggregate_id).await.map_err(storage)?
            } else {
                (
                    store.load_aggregate(aggregate_id).await.map_err(storage)?,
                    false,
                )
            };
            fresh = true;
            // Keys in the metadata of loaded events are known without a query
            // (and so are those of events written before the key table).
            if let Some(claim) = &claim {
                if let Some(done) = loaded.keys.get(&claim.key) {
                    if done.command != claim.command || done.fingerprint != claim.fingerprint {
                        return Err(AppError::IdempotencyKeyReused(claim.key.clone()));
                    }
                    return Ok(Outcome::replay(loaded));
                }
            }
            let sink = EventSink::default();
            if let Err(e) = loaded.aggregate.handle(command(), &(), &sink).await {
                if maybe_stale {
                    continue;
                }
                let error = AppError::from(e);
                let (Some(claim), Some(refusal)) = (&claim, Refusal::of(&error)) else {
                    return Err(error);
                };
                let refused = KeyOutcome::Refused(refusal.to_stored());
                if self
                    .record::<A>(aggregate_id, claim, &loaded, &refused)
                    .await?
                {
                    return Err(error);
                }
                match self.recorded(aggregate_id, claim, loaded).await? {
                    Some(answer) => return Ok(answer),
                    None => continue,
                }
            }
            let events = sink.collect().await;
            if events.is_empty() {
                if maybe_stale {
                    continue;
                }
                if let Some(claim) = &claim {
                    let unchanged = KeyOutcome::Unchanged;
                    if !self
                        .record::<A>(aggregate_id, claim, &loaded, &unchanged)
                        .await?
                    {
                        match self.recorded(aggregate_id, claim, loaded).await? {
                            Some(answer) => return Ok(answer),
                            None => continue,
                        }
                    }
                }
                return Ok(Outcome {
                    version: loaded.sequence,
                    state: loaded.aggregate,
                    events: vec![],
                    replayed: false,
                });
            }
            let state = loaded.aggregate.clone();
            let before = loaded.sequence;
            match store
                .append(events, loaded, metadata.clone(), claim.as_ref())
                .await
            {
                Ok(events) => {
                    self.wake.notify_one();
                    let version = before + events.len();
                    return Ok(Outcome {
                        state,
                        events,
                        version,
                        replayed: false,
                    });
                }
                Err(AppendError::Conflict) => {
                    tracing::debug!(
                        aggregate = A::TYPE,
                        aggregate_id,
                        "Lost a concurrent append; retrying."
                    );
                }
                Err(e) => {
                    // Only a claimed key can be found taken.
                    let (AppendError::KeyTaken, Some(claim)) = (&e, &claim) else {
                        return Err(AppError::storage(e));
                    };
                    // The key was recorded first (a no-op or a refusal, or a
                    // retry that got there first): answer as recorded, from
                    // the state as it is, not the one just decided on.
                    let now = store.load_aggregate(aggregate_id).await.map_err(storage)?;
                    if let Some(answer) = self.recorded(aggregate_id, claim, now).await? {
                        return Ok(answer);
                    }
                }
            }
        }
        tracing::warn!(
            aggregate = A::TYPE,
            aggregate_id,
            "Gave up after repeated conflicts."
        );
        Err(AppError::Conflict)
    }

    /// Records what a keyed command that appended nothing did; false when the
    /// key already had a record.
    async fn record<A: Aggregate>(
        &self,
        aggregate_id: &str,
        claim: &KeyClaim,
        loaded: &Loaded<A>,
        outcome: &KeyOutcome,
    ) -> Result<bool, AppError> {
        idempotency::record(
            &self.db,
            A::TYPE,
            aggregate_id,
            claim,
            loaded.sequence,
            outcome,
        )
        .await
        .map_err(AppError::storage)
    }

    /// The answer a key's record gives, on the aggregate as `loaded`: the
    /// aggregate as it is for a command that applied or changed nothing, the
    /// same refusal for a refused one, `IdempotencyKeyReused` for a different
    /// request. `None` when there is no record after all (it was purged
    /// meanwhile), so the command is decided again.
    async fn recorded<A: Aggregate>(
        &self,
        aggregate_id: &str,
        claim: &KeyClaim,
        loaded: Loaded<A>,
    ) -> Result<Option<Outcome<A>>, AppError> {
        let found = idempotency::find(&self.db, A::TYPE, aggregate_id, &claim.key)
            .await
            .map_err(AppError::storage)?;
        let Some(record) = found else {
            return Ok(None);
        };
        if !record.matches(claim) {
            return Err(AppError::IdempotencyKeyReused(claim.key.clone()));
        }
        match record.outcome {
            KeyOutcome::Applied | KeyOutcome::Unchanged => Ok(Some(Outcome::replay(loaded))),
            KeyOutcome::Refused(stored) => match Refusal::from_stored(stored) {
                Some(refusal) => Err(AppError::Refused(refusal)),
                None => Err(AppError::storage(format!(
                    "idempotency key {:?} on {aggregate_id} has a refusal without a client-error status",
                    claim.key
                ))),
            },
        }
    }
}
