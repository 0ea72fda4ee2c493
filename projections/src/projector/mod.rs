//! The catch-up projector: drives every read model from the event log.
//!
//! Each read model's mark ([`Mark`]) says which transactions' events it holds,
//! as a database snapshot. A step takes the current snapshot, reads for each
//! group of models at the same mark the events that snapshot shows and theirs
//! does not ([`crate::snapshot::Snapshot::delta`]), and when there are any,
//! locks the checkpoints, applies the events and writes the new marks, all in
//! one transaction. A crash anywhere in a step leaves rows and checkpoints as
//! they were: nothing is lost and nothing is applied twice. A model that takes
//! final events only (the hash chain) moves to the final part of the snapshot,
//! so it sees events strictly in global order.
//!
//! A step that finds nothing new locks nothing and writes nothing (it takes
//! no transaction id), so an idle projector costs a few index probes per poll
//! even while an old transaction stays open; the events committed after that
//! transaction are read once, forward, however many there are.
//!
//! With several processes on one PostgreSQL database, the one holding a session
//! advisory lock projects; the lock lives on the projector's own connection, so
//! if the process dies the lock goes with it and another process takes over
//! within a poll interval. It wakes on `NOTIFY foodbot_events` (SQLite: an
//! in-process signal from the command path), polling as a fallback.

mod checkpoint;
mod mark;
mod replay;
mod run;
mod status;

use checkpoint::{create_checkpoints, read_checkpoints, CheckpointRow, Lock};
pub use checkpoint::{marks, reset, CHECKPOINTS};
pub use mark::Mark;
pub use replay::replay;
pub use status::{head, held_back, status, ModelStatus, OpenTransaction};

use crate::db::{Conn, Db, Tx};
use crate::event::{read_delta, Checkpoint, Envelope, ReadError};
use crate::models::Model;
use crate::snapshot::Snapshot;
use crate::storage::Rows;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// The advisory lock whose holder projects ("foodbot" + 1).
pub const LEADER_LOCK: i64 = 0x666f_6f64_626f_7401;
/// Events per step.
pub const BATCH: i64 = 1000;
/// Events per step at most, when far behind (as in a rebuild): each step that
/// reads a full batch doubles the next one's, up to this. Bigger steps touch
/// each order's rows once for more of its events.
pub const MAX_BATCH: i64 = 16_000;
/// How often to look for new events when no wake-up arrives, and how often a
/// follower tries to become the leader.
pub const POLL: Duration = Duration::from_millis(250);
/// How long a read model that stopped waits before it is tried again; each
/// failure doubles the wait, up to [`RETRY_MAX`].
pub const RETRY_FIRST: Duration = Duration::from_millis(500);
pub const RETRY_MAX: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("a read model's checkpoint cannot be read: {0}")]
    Checkpoint(String),
    #[error("a replay worker stopped: {0}")]
    Worker(String),
}

pub struct Projector {
    db: Db,
    models: Vec<Model>,
    wake: Arc<Notify>,
    progress: watch::Sender<Checkpoint>,
    /// The next step's batch size.
    batch: AtomicI64,
    /// Whether this projector's checkpoints are known to exist.
    created: AtomicBool,
    counters: Arc<Counters>,
    /// Models that stopped, and when (and after how long a wait) to try them again.
    backoff: std::sync::Mutex<HashMap<Model, (std::time::Instant, Duration)>>,
}

/// One group's part of a step: models at one mark, where they go, and the
/// events on the way.
struct Plan {
    mark: Mark,
    models: Vec<Model>,
    target: Snapshot,
    /// The events, or why they cannot be read (an event no model can decode).
    events: Result<Vec<Envelope>, String>,
    /// The read stopped at its limit: the models stop part-way to `target`.
    full: bool,
}

/// What a projector has done, for operators and tests: how many steps looked
/// for events, and how many of them found some and wrote.
#[derive(Debug)]
pub struct Counters {
    pub wrote: AtomicU64,
    /// The number of steps looked, published after each.
    steps: watch::Sender<u64>,
    /// Why the projector as a whole last stopped (an error or a panic), until
    /// a step succeeds again.
    failure: std::sync::Mutex<Option<String>>,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            wrote: AtomicU64::new(0),
            steps: watch::channel(0).0,
            failure: Default::default(),
        }
    }
}

impl Counters {
    /// How many steps have looked for events.
    pub fn looked(&self) -> u64 {
        *self.steps.borrow()
    }

    /// Hears the number of steps looked after each step.
    pub fn steps(&self) -> watch::Receiver<u64> {
        self.steps.subscribe()
    }

    /// Why the projector last stopped, while it has not stepped since.
    pub fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_failure(&self, failure: Option<String>) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = failure;
    }

    fn count(&self, wrote: bool) {
        self.set_failure(None);
        if wrote {
            self.wrote.fetch_add(1, Ordering::SeqCst);
        }
        self.steps.send_modify(|looked| *looked += 1);
    }
}

impl Projector {
    pub fn new(db: Db) -> Projector {
        Projector::with_models(db, &Model::ALL)
    }

    /// A projector of some read models only (as a rebuild runs several).
    pub fn with_models(db: Db, models: &[Model]) -> Projector {
        Projector {
            db,
            models: models.to_vec(),
            wake: Arc::new(Notify::new()),
            progress: watch::channel(Checkpoint::default()).0,
            batch: AtomicI64::new(BATCH),
            created: AtomicBool::new(false),
            counters: Arc::default(),
            backoff: Default::default(),
        }
    }

    /// This projector's counters (shared: they go on counting after `run`).
    pub fn counters(&self) -> Arc<Counters> {
        self.counters.clone()
    }

    /// Signal to call after appending events (needed on SQLite; harmless on PostgreSQL).
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// The lowest checkpoint over all read models after each step of this projector.
    pub fn subscribe(&self) -> watch::Receiver<Checkpoint> {
        self.progress.subscribe()
    }

    /// One step: returns how many events it applied, or `None` when there
    /// was nothing to do (caught up). It waits for read models that another
    /// step (a rebuild's) is projecting.
    pub async fn step(&self, conn: &mut Conn) -> Result<Option<usize>, ProjectError> {
        self.step_with(conn, false).await
    }

    /// With `skip_locked`, the read models another step is projecting right
    /// now are left out of this one, which goes on with the others.
    async fn step_with(
        &self,
        conn: &mut Conn,
        skip_locked: bool,
    ) -> Result<Option<usize>, ProjectError> {
        // Models are applied without savepoints (they cost round trips); when
        // one fails, the step is taken again with a savepoint around each
        // model, so that it stops alone.
        let mut careful = false;
        loop {
            let mut tx = Tx::begin(conn).await?;
            match self.step_in(&mut tx, skip_locked, careful).await {
                Err(e) if !careful && stops_the_model(&e) => {
                    let _ = tx.rollback().await;
                    careful = true;
                }
                result => return self.end_step(tx, result).await,
            }
        }
    }

    /// Commits a step that went well, or rolls it back.
    async fn end_step(
        &self,
        tx: Tx<'_>,
        result: Result<Option<(usize, Checkpoint)>, ProjectError>,
    ) -> Result<Option<usize>, ProjectError> {
        match result {
            Ok(done) => {
                tx.commit().await?;
                self.created.store(true, Ordering::Relaxed);
                self.counters.count(done.is_some());
                if let Some((n, last)) = done {
                    self.progress.send_replace(last);
                    return Ok(Some(n));
                }
                Ok(None)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// Reads what is new for each group of models at one mark and, if
    /// anything is, applies it under the checkpoints' locks. Returns the events
    /// applied and the last of them, or `None` when nothing was written.
    /// With `careful`, each model is applied in a savepoint of its own, and
    /// one that cannot go on stops alone; without, such a failure fails the
    /// step.
    async fn step_in(
        &self,
        tx: &mut Tx<'_>,
        skip_locked: bool,
        careful: bool,
    ) -> Result<Option<(usize, Checkpoint)>, ProjectError> {
        // Taken before anything is written, so that our own transaction is not in it.
        let now = crate::event::snapshot(tx).await?;
        if !self.created.load(Ordering::Relaxed) {
            create_checkpoints(tx, &self.models).await?;
        }
        let marks = read_checkpoints(tx, &self.models, Lock::None).await?;
        let limit = self.batch.load(Ordering::Relaxed);
        let mut plans = self.plan(tx, &marks, &now, limit).await?;
        if plans.is_empty() {
            return Ok(None);
        }
        // Only now is anything locked. If another step moved some of these
        // models since their marks were read, plan again from the marks now
        // locked, which nothing else can move until this step ends.
        let wanted: Vec<Model> = plans.iter().flat_map(|p| p.models.clone()).collect();
        let lock = if skip_locked {
            Lock::SkipLocked
        } else {
            Lock::Wait
        };
        let locked = read_checkpoints(tx, &wanted, lock).await?;
        let unmoved = plans
            .iter()
            .all(|p| p.models.iter().all(|m| locked.get(m) == Some(&p.mark)));
        if !unmoved {
            plans = self.plan(tx, &locked, &now, limit).await?;
        }
        let full = plans.iter().any(|p| p.full);
        self.batch.store(
            if full {
                (limit * 2).min(MAX_BATCH)
            } else {
                BATCH
            },
            Ordering::Relaxed,
        );
        if plans.is_empty() {
            return Ok(None);
        }
        let (mut applied, mut last, mut wrote) = (0, Checkpoint::default(), false);
        let stamp = crate::time::format(chrono::Utc::now());
        for plan in plans {
            let events = match plan.events {
                Ok(events) => events,
                Err(cause) => {
                    wrote |= self
                        .stop(tx, &plan.models, &plan.mark, cause, &stamp)
                        .await?;
                    continue;
                }
            };
            let read: Vec<Checkpoint> = events.iter().map(|e| e.checkpoint).collect();
            let mut after = plan.mark.clone();
            after.advance(plan.target, &read, plan.full);
            // A model that stopped is always tried on its own.
            if !careful && plan.mark.stuck.is_none() {
                apply(tx, &plan.models, &events, &after).await?;
                self.note_outcome(&plan.models, None);
                (applied, last, wrote) = (applied.max(events.len()), last.max(after.at), true);
                continue;
            }
            for m in &plan.models {
                tx.exec("SAVEPOINT read_model", &[]).await?;
                match apply(tx, &[*m], &events, &after).await {
                    Ok(()) => {
                        tx.exec("RELEASE SAVEPOINT read_model", &[]).await?;
                        self.note_outcome(&[*m], None);
                        (applied, last, wrote) =
                            (applied.max(events.len()), last.max(after.at), true);
                    }
                    Err(e) if stops_the_model(&e) => {
                        tx.exec("ROLLBACK TO SAVEPOINT read_model", &[]).await?;
                        wrote |= self
                            .stop(tx, &[*m], &plan.mark, e.to_string(), &stamp)
                            .await?;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(wrote.then_some((applied, last)))
    }

    /// Records that `models` stopped at `mark` because of `cause` (written
    /// only when the cause is new). Returns whether it wrote.
    async fn stop(
        &self,
        tx: &mut Tx<'_>,
        models: &[Model],
        mark: &Mark,
        cause: String,
        stamp: &str,
    ) -> Result<bool, ProjectError> {
        self.note_outcome(models, Some(&cause));
        if mark.stuck.as_ref() == Some(&cause) {
            return Ok(false);
        }
        let stuck = Mark {
            stuck: Some(cause),
            ..mark.clone()
        };
        let mut rows = Rows::<CheckpointRow>::new();
        for m in models {
            rows.put(CheckpointRow::new(m.name(), &stuck, stamp));
        }
        rows.flush(tx).await?;
        Ok(true)
    }

    /// Remembers how a group of models fared: one that stopped waits longer
    /// each time before it is tried again; one that went on waits no more.
    fn note_outcome(&self, models: &[Model], failure: Option<&String>) {
        let mut backoff = self.backoff.lock().unwrap_or_else(|p| p.into_inner());
        let Some(cause) = failure else {
            for m in models {
                backoff.remove(m);
            }
            return;
        };
        let names: Vec<&str> = models.iter().map(|m| m.name()).collect();
        tracing::error!(models = ?names, error = %cause, "Read models stopped; the others go on.");
        for m in models {
            let wait = backoff
                .get(m)
                .map_or(RETRY_FIRST, |(_, w)| (*w * 2).min(RETRY_MAX));
            backoff.insert(*m, (std::time::Instant::now() + wait, wait));
        }
    }

    /// What a step would do for the models in `marks`, grouped by mark: the
    /// events each group has not seen up to its target, when there is
    /// anything to do.
    async fn plan(
        &self,
        tx: &mut Tx<'_>,
        marks: &HashMap<Model, Mark>,
        now: &Snapshot,
        limit: i64,
    ) -> Result<Vec<Plan>, ProjectError> {
        let mut plans = Vec::new();
        let waiting: Vec<Model> = {
            let backoff = self.backoff.lock().unwrap_or_else(|p| p.into_inner());
            let now = std::time::Instant::now();
            backoff
                .iter()
                .filter(|(_, (at, _))| *at > now)
                .map(|(m, _)| *m)
                .collect()
        };
        for (mark, models) in groups(&self.models, marks) {
            // A model that stopped is tried again after its backoff.
            if mark.stuck.is_some() && models.iter().all(|m| waiting.contains(m)) {
                continue;
            }
            // The hash chain moves to the final part of the snapshot only.
            let final_only = models[0].final_only();
            let target = mark.target(&if final_only {
                now.final_part()
            } else {
                now.clone()
            });
            let delta = mark.base.delta(&target);
            let (events, full) = match read_delta(tx, &delta, mark.read_from(), limit).await {
                Ok(events) => {
                    let full = events.len() as i64 >= limit;
                    // A step part-way to its target that finds the rest empty
                    // still has to record that it got there, and a model
                    // that stopped, that it goes on.
                    if events.is_empty() && mark.next.is_none() && mark.stuck.is_none() {
                        continue;
                    }
                    (Ok(events), full)
                }
                Err(e @ ReadError::Undecodable { .. }) => (Err(e.to_string()), false),
                Err(e) => return Err(e.into()),
            };
            plans.push(Plan {
                mark,
                models,
                target,
                events,
                full,
            });
        }
        Ok(plans)
    }
}

/// Applies `events` to each of `models` and writes `after` as their mark,
/// in `tx`.
async fn apply(
    tx: &mut Tx<'_>,
    models: &[Model],
    events: &[Envelope],
    after: &Mark,
) -> Result<(), ProjectError> {
    let refs: Vec<&Envelope> = events.iter().collect();
    for m in models {
        m.apply(tx, &refs).await?;
    }
    let stamp = crate::time::format(chrono::Utc::now());
    let mut moved = Rows::<CheckpointRow>::new();
    for m in models {
        moved.put(CheckpointRow::new(m.name(), after, &stamp));
    }
    moved.flush(tx).await?;
    Ok(())
}

/// True for an error that one group of models meets on its own (the
/// database refused a statement, an event cannot be decoded): those models
/// stop and the others go on. Anything else (the connection is gone) fails
/// the whole step, to be tried again.
fn stops_the_model(e: &ProjectError) -> bool {
    matches!(
        e,
        ProjectError::Db(
            sqlx::Error::Database(_)
                | sqlx::Error::ColumnDecode { .. }
                | sqlx::Error::Decode(_)
                | sqlx::Error::Encode(_)
        ) | ProjectError::Read(ReadError::Undecodable { .. })
    )
}

/// The models in groups of one mark each, with that mark: a group's events
/// are read once. A model that takes final events only is never grouped with
/// one that does not, as their targets differ.
fn groups(models: &[Model], marks: &HashMap<Model, Mark>) -> Vec<(Mark, Vec<Model>)> {
    let mut out: Vec<(Mark, Vec<Model>)> = Vec::new();
    for m in models {
        let Some(mark) = marks.get(m) else { continue };
        match out
            .iter_mut()
            .find(|(k, g)| k == mark && g[0].final_only() == m.final_only())
        {
            Some((_, g)) => g.push(*m),
            None => out.push((mark.clone(), vec![*m])),
        }
    }
    out
}
