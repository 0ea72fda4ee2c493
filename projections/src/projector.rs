//! The catch-up projector: drives every read model from the global event order.
//!
//! A step is one transaction: it reads the read models' checkpoints (locked, so
//! that a rebuild or a second process waits), reads the next events after the
//! lowest checkpoint, applies each event to every model that has not seen it,
//! and writes the new checkpoints, all before one commit. A crash anywhere in a
//! step leaves rows and checkpoints as they were: nothing is lost and nothing is
//! applied twice.
//!
//! With several processes on one PostgreSQL database, the one holding a session
//! advisory lock projects; the lock lives on the projector's own connection, so
//! if the process dies the lock goes with it and another process takes over
//! within a poll interval. It wakes on `NOTIFY foodbot_events` (SQLite: an
//! in-process signal from the command path), polling as a fallback.

use crate::db::{Conn, Db, Kind, Tx, Val};
use crate::event::{read_after, Checkpoint, Envelope, ReadError};
use crate::models::Model;
use crate::table::{Record, Rows, Table, Write};
use sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
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
        }
    }

    /// Signal to call after appending events (needed on SQLite; harmless on PostgreSQL).
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// The lowest checkpoint over all read models after each step of this projector.
    pub fn subscribe(&self) -> watch::Receiver<Checkpoint> {
        self.progress.subscribe()
    }

    /// One step: returns how many events were read (0 when caught up). It
    /// waits for read models that another step (a rebuild's) is projecting.
    pub async fn step(&self, conn: &mut Conn) -> Result<usize, ProjectError> {
        self.step_with(conn, false).await
    }

    /// With `skip_locked`, the read models another step is projecting right
    /// now are left out of this one, which goes on with the others.
    async fn step_with(&self, conn: &mut Conn, skip_locked: bool) -> Result<usize, ProjectError> {
        let mut tx = Tx::begin(conn).await?;
        match self.step_in(&mut tx, skip_locked).await {
            Ok((n, low)) => {
                tx.commit().await?;
                self.created.store(true, Ordering::Relaxed);
                if n > 0 {
                    self.progress.send_replace(low);
                }
                Ok(n)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn step_in(
        &self,
        tx: &mut Tx<'_>,
        skip_locked: bool,
    ) -> Result<(usize, Checkpoint), ProjectError> {
        let horizon = crate::event::horizon(tx).await?;
        if !self.created.load(Ordering::Relaxed) {
            create_checkpoints(tx, &self.models).await?;
        }
        let mut marks = lock_checkpoints(tx, &self.models, skip_locked).await?;
        if marks.is_empty() {
            return Ok((0, Checkpoint::default()));
        }
        let models: Vec<Model> = self
            .models
            .iter()
            .copied()
            .filter(|m| marks.contains_key(m))
            .collect();
        let low = marks.values().map(|m| m.at).min().unwrap_or_default();
        // Skip what every model has already applied above its checkpoint.
        let skip: Vec<i64> = marks
            .values()
            .next()
            .map(|first| {
                first
                    .applied_above
                    .iter()
                    .filter(|c| marks.values().all(|m| m.applied_above.contains(c)))
                    .map(|c| c.position)
                    .collect()
            })
            .unwrap_or_default();
        let limit = self.batch.load(Ordering::Relaxed);
        let batch = read_after(tx, low, &skip, limit, horizon).await?;
        let full = batch.events.len() as i64 >= limit;
        let next = if full {
            (limit * 2).min(MAX_BATCH)
        } else {
            BATCH
        };
        self.batch.store(next, Ordering::Relaxed);
        apply_events(tx, &models, &mut marks, &batch.events, batch.horizon, full).await?;
        Ok((
            batch.events.len(),
            marks.values().map(|m| m.at).min().unwrap_or(low),
        ))
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
            let n = self.step_with(&mut conn, true).await?;
            if n > 0 {
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

/// Applies events (read in global order after the models' marks) to each model
/// that has not seen them, and moves the marks over them: the rows and the
/// checkpoints are written in `tx`. `full` tells whether the read stopped at
/// its limit (events after the last one may not have been read).
async fn apply_events(
    tx: &mut Tx<'_>,
    models: &[Model],
    marks: &mut HashMap<Model, Mark>,
    events: &[Envelope],
    horizon: i64,
    full: bool,
) -> Result<(), ProjectError> {
    for m in models {
        let mark = &marks[m];
        let unseen: Vec<&Envelope> = events
            .iter()
            .filter(|e| mark.needs(e.checkpoint))
            .filter(|e| e.checkpoint.transaction_id < horizon || !m.final_only())
            .collect();
        m.apply(tx, &unseen).await?;
    }
    let read: Vec<Checkpoint> = events.iter().map(|e| e.checkpoint).collect();
    let finals: Vec<Checkpoint> = read
        .iter()
        .copied()
        .filter(|c| c.transaction_id < horizon)
        .collect();
    let mut moved = Rows::<CheckpointRow>::new();
    let now = crate::time::format(chrono::Utc::now());
    for m in models {
        let mark = marks.get_mut(m).expect("every model has a mark");
        let before = mark.clone();
        let seen = if m.final_only() { &finals } else { &read };
        mark.advance(seen, horizon, full);
        if *mark != before {
            moved.put(CheckpointRow::new(m.name(), mark, &now));
        }
    }
    moved.flush(tx).await?;
    Ok(())
}

/// How far one read model has come: every event up to `at` is applied, and so
/// are the events in `applied_above` (which committed while an older
/// transaction was still open).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark {
    pub at: Checkpoint,
    pub applied_above: Vec<Checkpoint>,
}

impl Mark {
    /// A mark from its stored columns (`applied_above` as JSON pairs).
    pub fn from_parts(transaction_id: i64, position: i64, applied_above: &str) -> Mark {
        let applied: Vec<[i64; 2]> = serde_json::from_str(applied_above).unwrap_or_default();
        Mark {
            at: Checkpoint {
                transaction_id,
                position,
            },
            applied_above: applied
                .into_iter()
                .map(|[t, p]| Checkpoint {
                    transaction_id: t,
                    position: p,
                })
                .collect(),
        }
    }

    /// True if the model has not seen the event at `c` yet.
    pub fn needs(&self, c: Checkpoint) -> bool {
        c > self.at && !self.applied_above.contains(&c)
    }

    /// True if the model has seen the event at `c`.
    pub fn has(&self, c: Checkpoint) -> bool {
        c <= self.at || self.applied_above.contains(&c)
    }

    /// After applying `events` (ordered, read after this mark): moves the
    /// checkpoint over the final ones and remembers the others. Events below the
    /// horizon come first in the order, so they form a prefix; when the batch
    /// was not full, the remembered events below the horizon are final too.
    fn advance(&mut self, read: &[Checkpoint], horizon: i64, full: bool) {
        let mut seen: Vec<Checkpoint> = read.iter().copied().filter(|c| *c > self.at).collect();
        let last_read = seen.last().copied();
        for c in std::mem::take(&mut self.applied_above) {
            if !full || last_read.is_some_and(|l| c <= l) {
                seen.push(c);
            } else {
                self.applied_above.push(c);
            }
        }
        seen.sort();
        seen.dedup();
        for c in seen {
            if c.transaction_id < horizon
                && self
                    .applied_above
                    .iter()
                    .all(|a| c < *a || a.transaction_id >= horizon)
            {
                self.at = self.at.max(c);
            } else {
                self.applied_above.push(c);
            }
        }
        let at = self.at;
        self.applied_above.retain(|c| *c > at);
        self.applied_above.sort();
        self.applied_above.dedup();
    }
}

/// A read model's checkpoint row.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct CheckpointRow {
    projection: String,
    last_transaction_id: i64,
    last_position: i64,
    applied_above: String,
    updated_at: String,
}

impl CheckpointRow {
    fn new(name: &str, mark: &Mark, now: &str) -> CheckpointRow {
        let applied: Vec<[i64; 2]> = mark
            .applied_above
            .iter()
            .map(|c| [c.transaction_id, c.position])
            .collect();
        CheckpointRow {
            projection: name.to_string(),
            last_transaction_id: mark.at.transaction_id,
            last_position: mark.at.position,
            applied_above: serde_json::to_string(&applied).unwrap_or_else(|_| "[]".into()),
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
            ("applied_above", Kind::Text),
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

/// Reads (and on PostgreSQL locks) the models' marks. With `skip_locked`,
/// models whose checkpoint another transaction holds are left out.
async fn lock_checkpoints(
    tx: &mut Tx<'_>,
    models: &[Model],
    skip_locked: bool,
) -> Result<HashMap<Model, Mark>, sqlx::Error> {
    let lock = match (&tx, skip_locked) {
        (Tx::Postgres(_), false) => " FOR UPDATE",
        (Tx::Postgres(_), true) => " FOR UPDATE SKIP LOCKED",
        (Tx::Sqlite(_), _) => "",
    };
    let sql = format!(
        "SELECT projection, last_transaction_id, last_position, applied_above
           FROM projection_checkpoints WHERE projection = ANY($1){lock}"
    );
    let names = Val::Texts(models.iter().map(|m| Some(m.name().to_string())).collect());
    let kinds = [Kind::Text, Kind::Int, Kind::Int, Kind::Text];
    let mut out = HashMap::new();
    for row in tx.select(&sql, &[names], &kinds).await? {
        if let [Val::OptText(Some(name)), Val::OptInt(Some(t)), Val::OptInt(Some(p)), Val::OptText(Some(applied))] =
            &row[..]
        {
            if let Some(m) = Model::parse(name) {
                out.insert(m, Mark::from_parts(*t, *p, applied));
            }
        }
    }
    Ok(out)
}

/// Parses "<tx> <position> <applied json>".
pub fn parse_mark(text: &str) -> Mark {
    let mut parts = text.splitn(3, ' ');
    let mut num = || {
        parts
            .next()
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let (t, p) = (num(), num());
    Mark::from_parts(t, p, parts.next().unwrap_or("[]"))
}

/// Empties a read model and sets its checkpoint back to the start, in one
/// transaction; the projector then replays the log into it.
pub async fn reset(conn: &mut Conn, model: Model) -> Result<(), ProjectError> {
    let mut tx = Tx::begin(conn).await?;
    let result = async {
        create_checkpoints(&mut tx, &[model]).await?;
        lock_checkpoints(&mut tx, &[model], false).await?;
        for table in model.reset_tables() {
            tx.exec(&format!("DELETE FROM {table}"), &[]).await?;
        }
        let sql = "UPDATE projection_checkpoints SET last_transaction_id = 0, last_position = 0, applied_above = '[]',
                          updated_at = $2::timestamptz WHERE projection = $1";
        tx.exec(sql, &[model.name().into(), crate::models::ts(chrono::Utc::now())]).await
    }
    .await;
    match result {
        Ok(_) => Ok(tx.commit().await?),
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e.into())
        }
    }
}

/// Replays the log into `models` (reset before) until they reach the head.
///
/// On PostgreSQL the models are shared out among several connections by their
/// cost per event, and the final part of the log (every event of a transaction
/// below the horizon, a prefix of the global order) is read and decoded once:
/// a reader hands each batch to every share's worker, which applies it to its
/// models and moves their checkpoints in one transaction of its own, while the
/// reader fetches the next batch. The rest (events of transactions still open
/// when the reader got there, and whatever committed since) each share then
/// projects with ordinary steps. SQLite replays with steps on one connection.
///
/// `progress` hears the events of each batch read; when it answers false, the
/// replay stops once the batches read are applied. Returns the events read.
pub async fn replay(
    db: &Db,
    models: &[Model],
    progress: &(dyn Fn(usize) -> bool + Sync),
) -> Result<usize, ProjectError> {
    if let Db::Sqlite(_) = db {
        let mut conn = db.connect().await?;
        let projector = Projector::with_models(db.clone(), models);
        return catch_up(&projector, &mut conn, progress).await;
    }
    let parallel = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let stop = Arc::new(AtomicBool::new(false));
    let mut senders = Vec::new();
    let mut workers = Vec::new();
    for share in share_out(models, parallel) {
        let (send, receive) = tokio::sync::mpsc::channel::<Arc<Bulk>>(AHEAD);
        senders.push(send);
        let (db, stop) = (db.clone(), stop.clone());
        workers.push(tokio::spawn(replay_share(db, share, receive, stop)));
    }
    let read = read_final_part(db, models, &senders, progress).await;
    if !matches!(read, Ok((_, true))) {
        stop.store(true, Ordering::Relaxed);
    }
    drop(senders);
    let mut total = 0;
    for (i, worker) in workers.into_iter().enumerate() {
        let n = worker
            .await
            .map_err(|e| ProjectError::Worker(e.to_string()))??;
        if i == 0 {
            total += n;
        }
    }
    Ok(read?.0 + total)
}

/// Shares `models` out among at most `n` connections, evening out their cost.
fn share_out(models: &[Model], n: usize) -> Vec<Vec<Model>> {
    let mut shares: Vec<(u32, Vec<Model>)> = vec![(0, Vec::new()); n.min(models.len())];
    let mut by_cost = models.to_vec();
    by_cost.sort_by_key(|m| std::cmp::Reverse(m.cost()));
    for m in by_cost {
        if let Some(share) = shares.iter_mut().min_by_key(|(cost, _)| *cost) {
            share.0 += m.cost();
            share.1.push(m);
        }
    }
    shares.into_iter().map(|(_, share)| share).collect()
}

/// How many batches a replay's reader may be ahead of its slowest share.
const AHEAD: usize = 2;

/// A batch of final events for every share of a replay.
struct Bulk {
    /// Where the read began: every event up to here was in earlier batches.
    after: Checkpoint,
    events: Vec<Envelope>,
    horizon: i64,
}

/// The reader of a replay: reads the final part of the log, from the lowest
/// of the models' checkpoints, in batches growing to [`MAX_BATCH`], and hands
/// each to every share. Returns the events read and whether it went on to the
/// end (rather than being stopped by `progress` or a failed share).
async fn read_final_part(
    db: &Db,
    models: &[Model],
    shares: &[tokio::sync::mpsc::Sender<Arc<Bulk>>],
    progress: &(dyn Fn(usize) -> bool + Sync),
) -> Result<(usize, bool), ProjectError> {
    let mut conn = db.connect().await?;
    let mut at = {
        let mut tx = Tx::begin(&mut conn).await?;
        create_checkpoints(&mut tx, models).await?;
        let marks = lock_checkpoints(&mut tx, models, false).await?;
        tx.commit().await?;
        marks.values().map(|m| m.at).min().unwrap_or_default()
    };
    let (mut total, mut limit) = (0, BATCH);
    loop {
        let mut tx = Tx::begin(&mut conn).await?;
        let horizon = crate::event::horizon(&mut tx).await?;
        let batch = crate::event::read_final(&mut tx, at, limit, horizon).await?;
        tx.commit().await?;
        let n = batch.events.len();
        let Some(last) = batch.events.last().map(|e| e.checkpoint) else {
            return Ok((total, true));
        };
        let bulk = Arc::new(Bulk {
            after: at,
            events: batch.events,
            horizon,
        });
        for share in shares {
            if share.send(bulk.clone()).await.is_err() {
                // The share failed; its error is reported when it is joined.
                return Ok((total, false));
            }
        }
        (at, total) = (last, total + n);
        if !progress(n) {
            return Ok((total, false));
        }
        if (n as i64) < limit {
            return Ok((total, true));
        }
        limit = (limit * 2).min(MAX_BATCH);
    }
}

/// One share of a replay: applies the reader's batches to its models, each
/// batch in one transaction with their checkpoints, then (unless stopped)
/// projects the rest with ordinary steps. Returns the events those steps read.
async fn replay_share(
    db: Db,
    models: Vec<Model>,
    mut batches: tokio::sync::mpsc::Receiver<Arc<Bulk>>,
    stop: Arc<AtomicBool>,
) -> Result<usize, ProjectError> {
    let mut conn = db.connect().await?;
    // Once a checkpoint is found behind a batch (moved back by a reset since),
    // the batches are left to the steps, which read from the checkpoints.
    let mut in_bulk = true;
    while let Some(bulk) = batches.recv().await {
        if !in_bulk {
            continue;
        }
        let mut tx = Tx::begin(&mut conn).await?;
        let result = async {
            let mut marks = lock_checkpoints(&mut tx, &models, false).await?;
            if models
                .iter()
                .any(|m| marks.get(m).is_none_or(|mark| mark.at < bulk.after))
            {
                return Ok(false);
            }
            // Every event is final, and the batch ends where the next begins.
            apply_events(
                &mut tx,
                &models,
                &mut marks,
                &bulk.events,
                bulk.horizon,
                true,
            )
            .await?;
            Ok::<bool, ProjectError>(true)
        }
        .await;
        match result {
            Ok(applied) => {
                tx.commit().await?;
                in_bulk = applied;
            }
            Err(e) => {
                let _ = tx.rollback().await;
                return Err(e);
            }
        }
    }
    if stop.load(Ordering::Relaxed) {
        return Ok(0);
    }
    let projector = Projector::with_models(db, &models);
    catch_up(&projector, &mut conn, &|_| !stop.load(Ordering::Relaxed)).await
}

/// Steps until caught up, or until `go_on` (told each step's events) says
/// stop. Returns the events read.
async fn catch_up(
    projector: &Projector,
    conn: &mut Conn,
    go_on: &(dyn Fn(usize) -> bool + Sync),
) -> Result<usize, ProjectError> {
    let mut total = 0;
    loop {
        let n = projector.step(conn).await?;
        total += n;
        if n == 0 || !go_on(n) {
            return Ok(total);
        }
    }
}

/// Where one read model stands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelStatus {
    pub name: &'static str,
    pub checkpoint: Checkpoint,
    /// Events applied beyond the checkpoint (committed past an open transaction).
    pub applied_above: usize,
    /// Committed events not yet projected into it.
    pub lag_events: i64,
    pub updated_at: Option<String>,
}

/// Every read model's checkpoint and lag.
pub async fn status(db: &Db) -> Result<Vec<ModelStatus>, sqlx::Error> {
    let mut out = Vec::new();
    // One read of all checkpoints, so that they come from the same moment.
    let sql = "SELECT projection, CAST(last_transaction_id AS TEXT) || ' ' || CAST(last_position AS TEXT) || ' ' || applied_above AS mark,
                      CAST(updated_at AS TEXT) AS updated_at
                 FROM projection_checkpoints";
    let rows = db.rows(sql, &[]).await?;
    for m in Model::ALL {
        let row = rows
            .iter()
            .find(|r| r.get("projection").and_then(|v| v.as_str()) == Some(m.name()))
            .cloned();
        let text = row
            .as_ref()
            .and_then(|r| r.get("mark"))
            .and_then(|v| v.as_str())
            .unwrap_or("0 0 []");
        let mark = parse_mark(text);
        let lag_sql = match db {
            Db::Postgres(_) => "SELECT count(*) AS n FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)",
            Db::Sqlite(_) => "SELECT count(*) AS n FROM events WHERE position > $2 AND $1 = $1",
        };
        let args = [
            mark.at.transaction_id.to_string().into(),
            mark.at.position.into(),
        ];
        let after = db.rows(lag_sql, &args).await?;
        let after = after
            .first()
            .and_then(|r| r.get("n"))
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        out.push(ModelStatus {
            name: m.name(),
            checkpoint: mark.at,
            applied_above: mark.applied_above.len(),
            lag_events: after - mark.applied_above.len() as i64,
            updated_at: row
                .as_ref()
                .and_then(|r| r.get("updated_at"))
                .and_then(|v| v.as_str())
                .map(String::from),
        });
    }
    Ok(out)
}

/// The newest committed event's place in the global order (the head).
pub async fn head(db: &Db) -> Result<Checkpoint, sqlx::Error> {
    let sql = match db {
        Db::Postgres(_) => "SELECT transaction_id::text::bigint AS tx, position FROM events ORDER BY transaction_id DESC, position DESC LIMIT 1",
        Db::Sqlite(_) => "SELECT 0 AS tx, position FROM events ORDER BY position DESC LIMIT 1",
    };
    let row = db.rows(sql, &[]).await?.into_iter().next();
    let get = |k: &str| {
        row.as_ref()
            .and_then(|r| r.get(k))
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
    };
    Ok(Checkpoint {
        transaction_id: get("tx"),
        position: get("position"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(transaction_id: i64, position: i64) -> Checkpoint {
        Checkpoint {
            transaction_id,
            position,
        }
    }

    #[test]
    fn the_checkpoint_moves_over_final_events_only() {
        let mut mark = Mark::default();
        // Transaction 100 is still open; 101 and 102 committed after it began.
        mark.advance(&[at(90, 1), at(101, 3), at(102, 4)], 100, false);
        assert_eq!(mark.at, at(90, 1));
        assert_eq!(mark.applied_above, vec![at(101, 3), at(102, 4)]);
        assert!(!mark.needs(at(101, 3)) && mark.needs(at(100, 2)));
    }

    #[test]
    fn a_late_commit_is_applied_and_then_the_checkpoint_catches_up() {
        let mut mark = Mark {
            at: at(90, 1),
            applied_above: vec![at(101, 3), at(102, 4)],
        };
        // Transaction 100 committed: its event is read (the others are skipped
        // by the reader) and everything below the new horizon is final.
        mark.advance(&[at(100, 2)], 103, false);
        assert_eq!(mark.at, at(102, 4));
        assert!(mark.applied_above.is_empty());
    }

    #[test]
    fn a_full_batch_does_not_jump_over_unread_events() {
        let mut mark = Mark {
            at: at(90, 1),
            applied_above: vec![at(150, 9)],
        };
        // The batch was full and ended at (100, 5): (150, 9) is final now, but
        // events between (100, 5) and it have not been read yet.
        mark.advance(&[at(100, 2), at(100, 5)], 200, true);
        assert_eq!(mark.at, at(100, 5));
        assert_eq!(mark.applied_above, vec![at(150, 9)]);
    }

    #[test]
    fn marks_round_trip_through_their_stored_form() {
        let mark = parse_mark("7 42 [[9,50],[10,51]]");
        assert_eq!(
            mark,
            Mark {
                at: at(7, 42),
                applied_above: vec![at(9, 50), at(10, 51)]
            }
        );
        assert!(mark.has(at(7, 40)) && mark.has(at(10, 51)));
        assert!(!mark.has(at(9, 49)) && mark.needs(at(9, 49)));
    }
}
