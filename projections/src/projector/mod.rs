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

mod mark;
mod replay;
mod status;

pub use mark::Mark;
pub use replay::replay;
pub use status::{head, held_back, status, ModelStatus, OpenTransaction};

use crate::db::{Conn, Db, Kind, Tx, Val};
use crate::event::{read_delta, Checkpoint, Envelope, ReadError};
use crate::models::Model;
use crate::snapshot::Snapshot;
use crate::table::{Record, Rows, Table, Write};
use sqlx::postgres::PgListener;
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
}

/// One group's part of a step: models at one mark, where they go, and the
/// events on the way.
struct Plan {
    mark: Mark,
    models: Vec<Model>,
    target: Snapshot,
    events: Vec<Envelope>,
    /// The read stopped at its limit: the models stop part-way to `target`.
    full: bool,
}

/// What a projector has done, for operators and tests: how many steps looked
/// for events, and how many of them found some and wrote.
#[derive(Debug)]
pub struct Counters {
    pub looked: AtomicU64,
    pub wrote: AtomicU64,
    pub events: AtomicU64,
    /// The number of steps looked, published after each.
    steps: watch::Sender<u64>,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            looked: AtomicU64::new(0),
            wrote: AtomicU64::new(0),
            events: AtomicU64::new(0),
            steps: watch::channel(0).0,
        }
    }
}

impl Counters {
    /// Hears the number of steps looked after each step.
    pub fn steps(&self) -> watch::Receiver<u64> {
        self.steps.subscribe()
    }

    fn count(&self, wrote: Option<usize>) {
        if let Some(n) = wrote {
            self.wrote.fetch_add(1, Ordering::SeqCst);
            self.events.fetch_add(n as u64, Ordering::SeqCst);
        }
        let looked = self.looked.fetch_add(1, Ordering::SeqCst) + 1;
        self.steps.send_replace(looked);
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
        let mut tx = Tx::begin(conn).await?;
        match self.step_in(&mut tx, skip_locked).await {
            Ok(done) => {
                tx.commit().await?;
                self.created.store(true, Ordering::Relaxed);
                self.counters.count(done.map(|(n, _)| n));
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
    async fn step_in(
        &self,
        tx: &mut Tx<'_>,
        skip_locked: bool,
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
        let (mut applied, mut last) = (0, Checkpoint::default());
        for plan in plans {
            let read: Vec<Checkpoint> = plan.events.iter().map(|e| e.checkpoint).collect();
            let mut after = plan.mark;
            after.advance(plan.target, &read, plan.full);
            apply(tx, &plan.models, &plan.events, &after).await?;
            applied = applied.max(plan.events.len());
            last = last.max(after.at);
        }
        Ok(Some((applied, last)))
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
        for (mark, models) in groups(&self.models, marks) {
            // The hash chain moves to the final part of the snapshot only.
            let final_only = models[0].final_only();
            let target = mark.target(&if final_only {
                now.final_part()
            } else {
                now.clone()
            });
            let delta = mark.base.delta(&target);
            let events = read_delta(tx, &delta, mark.read_from(), limit).await?;
            // A step part-way to its target that finds the rest empty still
            // has to record that it got there.
            if !events.is_empty() || mark.next.is_some() {
                let full = events.len() as i64 >= limit;
                plans.push(Plan {
                    mark,
                    models,
                    target,
                    events,
                    full,
                });
            }
        }
        Ok(plans)
    }

    /// Projects until `shutdown` resolves, as leader when it can be.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                result = self.lead() => {
                    if let Err(e) = result {
                        tracing::error!(error = %e, "Projector stopped; retrying.");
                    }
                    tokio::select! {
                        _ = &mut shutdown => return,
                        _ = tokio::time::sleep(POLL) => {}
                    }
                }
            }
        }
    }

    /// Becomes leader (PostgreSQL: waits for the lock) and projects until an error.
    async fn lead(&self) -> Result<(), ProjectError> {
        let mut conn = self.db.connect().await?;
        let mut listener = None;
        if let (Conn::Postgres(c), Db::Postgres(pool)) = (&mut conn, &self.db) {
            loop {
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(LEADER_LOCK)
                    .fetch_one(&mut *c)
                    .await?;
                if got {
                    break;
                }
                tokio::time::sleep(POLL).await;
            }
            tracing::info!("Projecting as leader.");
            let mut l = PgListener::connect_with(pool).await?;
            l.listen("foodbot_events").await?;
            listener = Some(l);
        }
        loop {
            // A rebuild's steps hold the models they rebuild; the others go on.
            if self.step_with(&mut conn, true).await?.is_some() {
                // More may have committed while we worked.
                continue;
            }
            match &mut listener {
                Some(l) => tokio::select! {
                    r = l.recv() => { r?; }
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                },
                None => tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                },
            }
        }
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

/// A read model's checkpoint row.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct CheckpointRow {
    projection: String,
    last_transaction_id: i64,
    last_position: i64,
    base_snapshot: String,
    next_snapshot: Option<String>,
    updated_at: String,
}

impl CheckpointRow {
    fn new(name: &str, mark: &Mark, now: &str) -> CheckpointRow {
        CheckpointRow {
            projection: name.to_string(),
            last_transaction_id: mark.at.transaction_id,
            last_position: mark.at.position,
            base_snapshot: mark.base.text(),
            next_snapshot: mark.next.as_ref().map(Snapshot::text),
            updated_at: now.to_string(),
        }
    }
}

impl Record for CheckpointRow {
    const TABLE: Table = Table {
        name: "projection_checkpoints",
        columns: &[
            ("projection", Kind::Text),
            ("last_transaction_id", Kind::Int),
            ("last_position", Kind::Int),
            ("base_snapshot", Kind::Text),
            ("next_snapshot", Kind::Text),
            ("updated_at", Kind::Time),
        ],
        key: 1,
        write: Write::Upsert,
    };
    type Key = String;
    fn key(&self) -> String {
        self.projection.clone()
    }
}

/// Creates the models' checkpoints where missing (the first run on a database).
async fn create_checkpoints(tx: &mut Tx<'_>, models: &[Model]) -> Result<(), sqlx::Error> {
    let values: Vec<String> = (1..=models.len()).map(|i| format!("(${i})")).collect();
    let sql = format!(
        "INSERT INTO projection_checkpoints (projection) VALUES {} ON CONFLICT (projection) DO NOTHING",
        values.join(", ")
    );
    let args: Vec<Val> = models.iter().map(|m| m.name().into()).collect();
    tx.exec(&sql, &args).await.map(|_| ())
}

/// How [`read_checkpoints`] locks what it reads (on PostgreSQL; an SQLite
/// step holds the database's one write lock from its start).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lock {
    None,
    Wait,
    /// Leaves out the models whose checkpoint another transaction holds.
    SkipLocked,
}

/// The models' marks, read as stored; a mark that cannot be read is an error,
/// never a fresh start.
async fn read_checkpoints(
    tx: &mut Tx<'_>,
    models: &[Model],
    lock: Lock,
) -> Result<HashMap<Model, Mark>, ProjectError> {
    let lock = match (&tx, lock) {
        (Tx::Postgres(_), Lock::Wait) => " FOR UPDATE",
        (Tx::Postgres(_), Lock::SkipLocked) => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let sql = format!(
        "SELECT projection, last_transaction_id, last_position, base_snapshot, next_snapshot
           FROM projection_checkpoints WHERE projection = ANY($1){lock}"
    );
    let names = Val::Texts(models.iter().map(|m| Some(m.name().to_string())).collect());
    let kinds = [Kind::Text, Kind::Int, Kind::Int, Kind::Text, Kind::Text];
    let mut out = HashMap::new();
    for row in tx.select(&sql, &[names], &kinds).await? {
        let [Val::OptText(Some(name)), Val::OptInt(Some(t)), Val::OptInt(Some(p)), Val::OptText(Some(base)), Val::OptText(next)] =
            &row[..]
        else {
            return Err(ProjectError::Checkpoint(format!("{row:?}")));
        };
        if let Some(m) = Model::parse(name) {
            let mark = Mark::from_parts(base, next.as_deref(), *t, *p)
                .map_err(|e| ProjectError::Checkpoint(format!("{name}: {e}")))?;
            out.insert(m, mark);
        }
    }
    Ok(out)
}

/// Every read model's mark as stored, in one query on the pool (for status
/// and for read-your-writes).
pub async fn marks(db: &Db) -> Result<HashMap<Model, Mark>, ProjectError> {
    use serde_json::Value;
    let sql = "SELECT projection, last_transaction_id, last_position, base_snapshot, next_snapshot
                 FROM projection_checkpoints";
    let mut out = HashMap::new();
    for row in db.rows(sql, &[]).await? {
        let name = row.get("projection").and_then(Value::as_str).unwrap_or("");
        let Some(m) = Model::parse(name) else {
            continue;
        };
        let int = |k: &str| row.get(k).and_then(Value::as_i64);
        let (Some(t), Some(p), Some(base)) = (
            int("last_transaction_id"),
            int("last_position"),
            row.get("base_snapshot").and_then(Value::as_str),
        ) else {
            return Err(ProjectError::Checkpoint(format!("{name}: {row:?}")));
        };
        let next = row.get("next_snapshot").and_then(Value::as_str);
        let mark = Mark::from_parts(base, next, t, p)
            .map_err(|e| ProjectError::Checkpoint(format!("{name}: {e}")))?;
        out.insert(m, mark);
    }
    Ok(out)
}

/// Empties a read model and sets its checkpoint back to the start, in one
/// transaction; the projector then replays the log into it.
pub async fn reset(conn: &mut Conn, model: Model) -> Result<(), ProjectError> {
    let mut tx = Tx::begin(conn).await?;
    let result = async {
        create_checkpoints(&mut tx, &[model]).await?;
        read_checkpoints(&mut tx, &[model], Lock::Wait).await?;
        for table in model.reset_tables() {
            tx.exec(&format!("DELETE FROM {table}"), &[]).await?;
        }
        let sql = "UPDATE projection_checkpoints SET last_transaction_id = 0, last_position = 0, base_snapshot = '0:0:',
                          next_snapshot = NULL, updated_at = $2::timestamptz WHERE projection = $1";
        tx.exec(sql, &[model.name().into(), crate::models::ts(chrono::Utc::now())]).await?;
        Ok::<(), ProjectError>(())
    }
    .await;
    match result {
        Ok(_) => Ok(tx.commit().await?),
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}
