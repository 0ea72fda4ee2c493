//! Which orders' timelines moved, heard once per process and handed to the
//! live timelines that watch them (the Mini App's `GET /orders/{id}/events`).
//!
//! Each open stream subscribes to its order ([`TimelineChanges::subscribe`])
//! and sleeps until that order may have new steps; the stream then reads them
//! itself. However many streams are open, one [`ChangesListener`] per process
//! does the listening:
//!
//! - On PostgreSQL it holds one connection that listens on [`CHANNEL`]. A
//!   statement trigger on `order_timeline` notifies it with the ids of the
//!   orders each projector step added steps to, delivered when the step
//!   commits, whichever process's projector made it (this process's own
//!   commits arrive the same way). When that connection is lost, every
//!   stream is woken to look for itself, as notifications may have been
//!   missed.
//! - On SQLite (one process) it follows this process's projector: after each
//!   committed step, one query finds the watched orders whose last step moved.
//!
//! When the listener stops (the server shuts down), every subscription ends,
//! so open streams finish and the server can stop.

use crate::db::{Db, Val};
use crate::event::Checkpoint;
use sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// The notification channel of `order_timeline`'s trigger.
pub const CHANNEL: &str = "foodbot_timeline";

/// How long the listener waits before connecting again after an error.
const RECONNECT: Duration = Duration::from_millis(500);

/// The orders being watched in this process, each with a counter bumped
/// whenever its timeline may have moved. Cheap to clone.
#[derive(Clone)]
pub struct TimelineChanges {
    inner: Arc<Inner>,
}

struct Inner {
    orders: Mutex<HashMap<String, watch::Sender<u64>>>,
    closed: watch::Sender<bool>,
}

/// One stream's interest in one order; dropping it stops the watching.
pub struct Subscription {
    inner: Arc<Inner>,
    order_id: String,
    moved: watch::Receiver<u64>,
    closed: watch::Receiver<bool>,
}

impl Subscription {
    /// Waits until the order's timeline may have moved (true), or the server
    /// is shutting down (false). A move that happened since the last call,
    /// or since subscribing, is reported at once.
    pub async fn changed(&mut self) -> bool {
        if *self.closed.borrow() {
            return false;
        }
        let moved = tokio::select! {
            moved = self.moved.changed() => moved.is_ok(),
            _ = self.closed.wait_for(|c| *c) => false,
        };
        moved && !*self.closed.borrow()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut orders = self.inner.lock();
        // The map's sender counts this receiver: the last one removes the entry.
        if orders
            .get(&self.order_id)
            .is_some_and(|tx| tx.receiver_count() <= 1)
        {
            orders.remove(&self.order_id);
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<u64>>> {
        self.orders.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl TimelineChanges {
    /// The changes and their listener, which must be run
    /// ([`ChangesListener::run`]). `progress` is this process's projector
    /// ([`crate::Projector::subscribe`]), followed on SQLite.
    pub fn new(
        db: Db,
        progress: watch::Receiver<Checkpoint>,
    ) -> (TimelineChanges, ChangesListener) {
        let changes = TimelineChanges {
            inner: Arc::new(Inner {
                orders: Mutex::new(HashMap::new()),
                closed: watch::channel(false).0,
            }),
        };
        let listener = ChangesListener {
            db,
            progress,
            changes: changes.clone(),
        };
        (changes, listener)
    }

    /// Watches `order_id` for as long as the subscription lives.
    pub fn subscribe(&self, order_id: &str) -> Subscription {
        let moved = {
            let mut orders = self.inner.lock();
            match orders.get(order_id) {
                Some(tx) => tx.subscribe(),
                None => {
                    let (tx, rx) = watch::channel(0);
                    orders.insert(order_id.to_string(), tx);
                    rx
                }
            }
        };
        Subscription {
            inner: self.inner.clone(),
            order_id: order_id.to_string(),
            moved,
            closed: self.inner.closed.subscribe(),
        }
    }

    /// How many orders are watched now.
    pub fn watched(&self) -> usize {
        self.inner.lock().len()
    }

    /// Wakes the streams of `order_id`, if any.
    pub fn touch(&self, order_id: &str) {
        if let Some(tx) = self.inner.lock().get(order_id) {
            tx.send_modify(|n| *n += 1);
        }
    }

    /// Wakes every stream.
    pub fn touch_all(&self) {
        for tx in self.inner.lock().values() {
            tx.send_modify(|n| *n += 1);
        }
    }

    fn ids(&self) -> Vec<String> {
        self.inner.lock().keys().cloned().collect()
    }

    /// Ends every subscription, now and to come.
    fn close(&self) {
        self.inner.closed.send_replace(true);
    }
}

/// Hears which orders moved and wakes their streams; see the module documentation.
pub struct ChangesListener {
    db: Db,
    progress: watch::Receiver<Checkpoint>,
    changes: TimelineChanges,
}

impl ChangesListener {
    /// Listens until `shutdown` resolves, then ends every subscription.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        let changes = self.changes.clone();
        tokio::select! {
            _ = &mut shutdown => {}
            _ = self.listen() => {}
        }
        changes.close();
    }

    async fn listen(self) {
        match &self.db {
            Db::Postgres(pool) => loop {
                if let Err(e) = notifications(pool, &self.changes).await {
                    tracing::warn!(error = %e, "Lost the timeline notifications; listening again.");
                }
                // Whatever was notified meanwhile is unheard: every stream looks.
                self.changes.touch_all();
                tokio::time::sleep(RECONNECT).await;
            },
            Db::Sqlite(_) => self.follow_projector().await,
        }
    }

    /// On SQLite: after each step of this process's projector, wakes the
    /// streams of the watched orders whose last step moved.
    async fn follow_projector(mut self) {
        let mut last: HashMap<String, i64> = HashMap::new();
        while self.progress.changed().await.is_ok() {
            let ids = self.changes.ids();
            last.retain(|id, _| ids.contains(id));
            if ids.is_empty() {
                continue;
            }
            let sql = "SELECT order_id, CAST(MAX(sequence) AS BIGINT) AS last FROM order_timeline
                        WHERE order_id = ANY($1) GROUP BY order_id";
            let list = Val::Texts(ids.into_iter().map(Some).collect());
            match self.db.rows(sql, &[list]).await {
                Ok(rows) => {
                    for row in rows {
                        let (Some(id), Some(seq)) = (
                            row.get("order_id").and_then(|v| v.as_str()),
                            row.get("last").and_then(|v| v.as_i64()),
                        ) else {
                            continue;
                        };
                        if last.get(id) != Some(&seq) {
                            last.insert(id.to_string(), seq);
                            self.changes.touch(id);
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Could not read which timelines moved; waking them all.");
                    self.changes.touch_all();
                }
            }
        }
        // This process projects no more; nothing more will move here.
        std::future::pending::<()>().await
    }
}

/// Listens on [`CHANNEL`] on a connection of its own and wakes the named
/// orders' streams, until the connection fails.
async fn notifications(pool: &sqlx::PgPool, changes: &TimelineChanges) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Steps committed before the listening began were not heard.
    changes.touch_all();
    loop {
        match listener.try_recv().await? {
            Some(n) => {
                for id in n.payload().split(',') {
                    changes.touch(id);
                }
            }
            // The connection was lost (and is made again by the next call).
            None => changes.touch_all(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes() -> TimelineChanges {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .connect_lazy("sqlite::memory:")
            .unwrap();
        let (_, idle) = watch::channel(Checkpoint::default());
        TimelineChanges::new(Db::Sqlite(pool), idle).0
    }

    const LONG: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn only_the_named_orders_streams_wake() {
        let changes = changes();
        let mut a = changes.subscribe("a");
        let mut a2 = changes.subscribe("a");
        let mut b = changes.subscribe("b");
        assert_eq!(changes.watched(), 2);
        changes.touch("a");
        changes.touch("nobody");
        assert!(tokio::time::timeout(LONG, a.changed()).await.unwrap());
        assert!(tokio::time::timeout(LONG, a2.changed()).await.unwrap());
        assert!(tokio::time::timeout(Duration::from_millis(50), b.changed())
            .await
            .is_err());
        changes.touch_all();
        assert!(tokio::time::timeout(LONG, b.changed()).await.unwrap());
    }

    #[tokio::test]
    async fn the_last_subscription_of_an_order_stops_its_watching() {
        let changes = changes();
        let a = changes.subscribe("a");
        let a2 = changes.subscribe("a");
        drop(a);
        assert_eq!(changes.watched(), 1);
        drop(a2);
        assert_eq!(changes.watched(), 0);
    }

    #[tokio::test]
    async fn closing_ends_every_subscription() {
        let changes = changes();
        let mut a = changes.subscribe("a");
        let waiting = tokio::spawn(async move { a.changed().await });
        changes.close();
        assert!(!tokio::time::timeout(LONG, waiting).await.unwrap().unwrap());
        let mut late = changes.subscribe("b");
        assert!(!late.changed().await);
    }
}
