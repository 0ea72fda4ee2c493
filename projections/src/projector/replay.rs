//! Rebuilding read models: replaying the log into models that were reset,
//! on PostgreSQL on several connections at once.

use super::{
    apply, create_checkpoints, read_checkpoints, Lock, Mark, ProjectError, Projector, BATCH,
    MAX_BATCH,
};
use crate::db::{Conn, Db, Tx};
use crate::event::{read_delta, Checkpoint, Envelope};
use crate::models::Model;
use crate::snapshot::Snapshot;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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
    // One share more than there are cores: a share spends part of each batch
    // waiting for the database's answers, whose work runs on the same cores
    // (on 2 cores, 3 shares rebuild the bench's log ~10 % faster than 2, and 4
    // slower than 3).
    let parallel = std::thread::available_parallelism().map_or(3, |n| (n.get() + 1).clamp(3, 4));
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

/// A batch of final events for every share of a replay, with the models'
/// marks before and after it.
struct Bulk {
    before: Mark,
    after: Mark,
    events: Vec<Envelope>,
}

/// The reader of a replay: reads the final part of the log (every event of a
/// transaction below the horizon as it was when the reader began) in batches
/// growing to [`MAX_BATCH`], and hands each to every share. Returns the events
/// read and whether it went on to the end (rather than being stopped by
/// `progress` or a failed share). It reads only when every model stands at
/// one mark that holds a final part of the log (as after a reset); otherwise
/// the shares' steps do all the work.
async fn read_final_part(
    db: &Db,
    models: &[Model],
    shares: &[tokio::sync::mpsc::Sender<Arc<Bulk>>],
    progress: &(dyn Fn(usize) -> bool + Sync),
) -> Result<(usize, bool), ProjectError> {
    let mut conn = db.connect().await?;
    let (mut mark, target) = {
        let mut tx = Tx::begin(&mut conn).await?;
        let horizon = crate::event::horizon(&mut tx).await?;
        create_checkpoints(&mut tx, models).await?;
        let marks = read_checkpoints(&mut tx, models, Lock::None).await?;
        tx.commit().await?;
        let Some(first) = marks.values().next().cloned() else {
            return Ok((0, true));
        };
        let target = Snapshot::below(horizon);
        let one_final_mark = marks.len() == models.len()
            && marks.values().all(|m| *m == first)
            && first.base == first.base.final_part()
            && first.next.is_none()
            && first.base.within(&target);
        if !one_final_mark {
            return Ok((0, true));
        }
        (first, target)
    };
    let (mut total, mut limit) = (0, BATCH);
    loop {
        let mut tx = Tx::begin(&mut conn).await?;
        let delta = mark.base.delta(&target);
        let events = read_delta(&mut tx, &delta, mark.read_from(), limit).await?;
        tx.commit().await?;
        let n = events.len();
        let full = n as i64 >= limit;
        let read: Vec<Checkpoint> = events.iter().map(|e| e.checkpoint).collect();
        let mut after = mark.clone();
        after.advance(target.clone(), &read, full);
        if after == mark {
            return Ok((total, true));
        }
        let bulk = Arc::new(Bulk {
            before: mark,
            after: after.clone(),
            events,
        });
        for share in shares {
            if share.send(bulk.clone()).await.is_err() {
                // The share failed; its error is reported when it is joined.
                return Ok((total, false));
            }
        }
        (mark, total) = (after, total + n);
        if !progress(n) {
            return Ok((total, false));
        }
        if !full {
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
    // Once a mark is found elsewhere than a batch expects (a reset moved it
    // back, say), the batches are left to the steps, which read from the marks.
    let mut in_bulk = true;
    while let Some(bulk) = batches.recv().await {
        if !in_bulk {
            continue;
        }
        let mut tx = Tx::begin(&mut conn).await?;
        let result = async {
            let marks = read_checkpoints(&mut tx, &models, Lock::Wait).await?;
            if models.iter().any(|m| marks.get(m) != Some(&bulk.before)) {
                return Ok(false);
            }
            apply(&mut tx, &models, &bulk.events, &bulk.after).await?;
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
        let Some(n) = projector.step(conn).await? else {
            return Ok(total);
        };
        total += n;
        if !go_on(n) {
            return Ok(total);
        }
    }
}
