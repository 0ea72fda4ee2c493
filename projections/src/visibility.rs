//! What the read models show, watched once per process for read-your-writes.
//!
//! A read given a read token waits until every served read model has applied
//! the event the token names. Instead of every waiting request reading
//! `projection_checkpoints` on its own, one [`Watcher`] per process reads all
//! checkpoints in one query and publishes the marks on a watch channel, and each
//! waiter ([`Visibility::wait`]) looks at what was published. The watcher reads
//! only while someone waits: at once when the first waiter arrives, at once
//! whenever this process's projector commits a step, and every [`POLL`] in
//! between, so that steps committed by the projector of another process (the
//! leader on the same PostgreSQL database) are seen too. With nobody waiting it
//! reads nothing.

use crate::db::Db;
use crate::event::Checkpoint;
use crate::models::Model;
use crate::projector::{marks, Mark, ProjectError};
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// How often the checkpoints are read while someone waits and this process's
/// projector reports nothing.
pub const POLL: Duration = Duration::from_millis(15);

/// Every read model's mark, as last read from `projection_checkpoints`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks(HashMap<Model, Mark>);

impl Marks {
    /// Reads every read model's mark in one query.
    pub async fn read(db: &Db) -> Result<Marks, ProjectError> {
        Ok(Marks(marks(db).await?))
    }

    /// One read model's mark (none before the projector's first step).
    pub fn get(&self, model: Model) -> Option<&Mark> {
        self.0.get(&model)
    }

    /// True if every read model the API reads from has applied the event at
    /// `c`. The hash chain follows final order only and may rightly lag behind
    /// a long transaction, so it is not waited for; nor is a model that has
    /// stopped (it shows in `/readyz`), so that the others stay readable.
    pub fn show(&self, c: Checkpoint) -> bool {
        Model::ALL.into_iter().filter(|m| !m.final_only()).all(|m| {
            self.get(m)
                .is_some_and(|mark| mark.has(c) || mark.stuck.is_some())
        })
    }
}

/// The requests waiting right now, and the signal that one has arrived.
#[derive(Default)]
struct Waiting {
    count: AtomicUsize,
    arrived: Notify,
}

/// Counts one waiter for as long as it lives.
struct Waiter<'a>(&'a Waiting);

impl Waiting {
    fn enter(&self) -> Waiter<'_> {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.arrived.notify_one();
        Waiter(self)
    }

    fn any(&self) -> bool {
        self.count.load(Ordering::SeqCst) > 0
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The read models' marks as this process's [`Watcher`] last read them; cheap
/// to clone, one per process shared by every request.
#[derive(Clone)]
pub struct Visibility {
    marks: watch::Receiver<Marks>,
    waiting: Arc<Waiting>,
}

impl Visibility {
    /// A visibility and the watcher that keeps it current, which must be run
    /// ([`Watcher::run`]). `progress` is this process's projector
    /// ([`crate::Projector::subscribe`]).
    pub fn new(db: Db, progress: watch::Receiver<Checkpoint>) -> (Visibility, Watcher) {
        let (marks, rx) = watch::channel(Marks::default());
        let waiting = Arc::new(Waiting::default());
        let watcher = Watcher {
            db,
            marks,
            waiting: waiting.clone(),
            progress,
            poll: POLL,
        };
        (Visibility { marks: rx, waiting }, watcher)
    }

    /// The marks as last read.
    pub fn marks(&self) -> Marks {
        self.marks.borrow().clone()
    }

    /// Waits until every served read model has applied the event at `target`
    /// (see [`Marks::show`]). False if that takes longer than `timeout`, or at
    /// once if the watcher has stopped (the server is shutting down).
    pub async fn wait(&self, target: Checkpoint, timeout: Duration) -> bool {
        let mut marks = self.marks.clone();
        if marks.borrow_and_update().show(target) {
            return true;
        }
        let _waiter = self.waiting.enter();
        let shown = tokio::time::timeout(timeout, marks.wait_for(|m| m.show(target))).await;
        matches!(shown, Ok(Ok(_)))
    }
}

/// Keeps a [`Visibility`] current; see the module documentation.
pub struct Watcher {
    db: Db,
    marks: watch::Sender<Marks>,
    waiting: Arc<Waiting>,
    progress: watch::Receiver<Checkpoint>,
    poll: Duration,
}

impl Watcher {
    /// Reads the checkpoints every `poll` while someone waits (instead of [`POLL`]).
    pub fn poll_every(mut self, poll: Duration) -> Watcher {
        self.poll = poll;
        self
    }

    /// Keeps the marks current until `shutdown` resolves or every
    /// [`Visibility`] is dropped.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let Watcher {
            db,
            marks,
            waiting,
            mut progress,
            poll,
        } = self;
        tokio::pin!(shutdown);
        let mut projecting = true;
        loop {
            // Nobody waits: read nothing until somebody does.
            while !waiting.any() {
                tokio::select! {
                    _ = &mut shutdown => return,
                    _ = marks.closed() => return,
                    _ = waiting.arrived.notified() => {}
                }
            }
            progress.borrow_and_update();
            match Marks::read(&db).await {
                // Waiters are woken only when a mark moved.
                Ok(read) => {
                    marks.send_if_modified(|m| {
                        let moved = *m != read;
                        *m = read;
                        moved
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Could not read the read models' checkpoints; retrying.")
                }
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = marks.closed() => return,
                changed = progress.changed(), if projecting => projecting = changed.is_ok(),
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::SqlitePoolOptions;

    fn at(position: i64) -> Checkpoint {
        Checkpoint {
            transaction_id: 0,
            position,
        }
    }

    /// A database holding only the checkpoints, every model at `position`.
    async fn checkpoints_at(position: i64) -> Db {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let db = Db::Sqlite(pool);
        db.exec(
            "CREATE TABLE projection_checkpoints (projection text PRIMARY KEY, last_transaction_id integer NOT NULL DEFAULT 0,
                    last_position integer NOT NULL DEFAULT 0, base_snapshot text NOT NULL DEFAULT '0:0:',
                    next_snapshot text, error text)",
            &[],
        )
        .await
        .unwrap();
        for m in Model::ALL {
            // On SQLite a model at position p holds every position below p + 1.
            let sql =
                "INSERT INTO projection_checkpoints (projection, last_position, base_snapshot)
                       VALUES ($1, $2, ($2 + 1) || ':' || ($2 + 1) || ':')";
            db.exec(sql, &[m.name().into(), position.into()])
                .await
                .unwrap();
        }
        db
    }

    /// What another process's projector does: moves the served models on.
    async fn project_to(db: &Db, position: i64) {
        let sql = "UPDATE projection_checkpoints SET last_position = $1, base_snapshot = ($1 + 1) || ':' || ($1 + 1) || ':'
                    WHERE projection <> 'event_chain'";
        db.exec(sql, &[position.into()]).await.unwrap();
    }

    const LONG: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn a_waiter_sees_what_another_process_projects() {
        let db = checkpoints_at(5).await;
        // This process's projector never reports anything.
        let (_progress, idle) = watch::channel(Checkpoint::default());
        let (visibility, watcher) = Visibility::new(db.clone(), idle);
        let watching = tokio::spawn(watcher.run(std::future::pending()));

        assert!(visibility.wait(at(5), LONG).await);
        let later = tokio::spawn({
            let visibility = visibility.clone();
            async move { visibility.wait(at(7), LONG).await }
        });
        project_to(&db, 7).await;
        assert!(
            later.await.unwrap(),
            "the other process's step was not seen"
        );
        assert!(!visibility.waiting.any());
        watching.abort();
    }

    #[tokio::test]
    async fn this_process_projector_is_followed_at_once() {
        let db = checkpoints_at(5).await;
        let (progress, steps) = watch::channel(Checkpoint::default());
        // Polling alone would take an hour.
        let (visibility, watcher) = Visibility::new(db.clone(), steps);
        let watching = tokio::spawn(
            watcher
                .poll_every(Duration::from_secs(3600))
                .run(std::future::pending()),
        );

        let later = tokio::spawn({
            let visibility = visibility.clone();
            async move { visibility.wait(at(7), LONG).await }
        });
        // The waiter's arrival made the watcher read the marks at 5.
        let mut published = visibility.marks.clone();
        published
            .wait_for(|m| m.get(Model::OrderStatus).is_some())
            .await
            .unwrap();
        assert!(!visibility.marks().show(at(7)));
        project_to(&db, 7).await;
        progress.send_replace(at(7));
        assert!(later.await.unwrap(), "the projector's step was not seen");
        watching.abort();
    }

    #[tokio::test]
    async fn a_write_not_projected_in_time_is_not_shown() {
        let db = checkpoints_at(5).await;
        let (_progress, steps) = watch::channel(Checkpoint::default());
        let (visibility, watcher) = Visibility::new(db.clone(), steps);
        let watching = tokio::spawn(watcher.run(std::future::pending()));

        assert!(!visibility.wait(at(6), Duration::from_millis(50)).await);
        assert!(!visibility.waiting.any(), "a timed-out waiter still counts");
        // The hash chain is not waited for.
        project_to(&db, 6).await;
        assert!(visibility.wait(at(6), LONG).await);
        assert!(!visibility
            .marks()
            .get(Model::EventChain)
            .unwrap()
            .has(at(6)));
        watching.abort();
    }

    #[tokio::test]
    async fn the_watcher_stops_at_shutdown_and_when_nobody_can_wait() {
        let db = checkpoints_at(5).await;
        let (_progress, steps) = watch::channel(Checkpoint::default());

        let (visibility, watcher) = Visibility::new(db.clone(), steps.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let watching = tokio::spawn(watcher.run(async {
            let _ = stopped.await;
        }));
        assert!(visibility.wait(at(5), LONG).await);
        stop.send(()).unwrap();
        tokio::time::timeout(LONG, watching)
            .await
            .expect("stopped at shutdown")
            .unwrap();
        // Nothing will be read any more: waiting gives up at once.
        assert!(!visibility.wait(at(6), LONG).await);

        let (visibility, watcher) = Visibility::new(db, steps);
        let watching = tokio::spawn(watcher.run(std::future::pending()));
        drop(visibility);
        tokio::time::timeout(LONG, watching)
            .await
            .expect("stopped when dropped")
            .unwrap();
    }
}
