//! Dispatch: stored updates are handled in order per chat, concurrently
//! across chats, each marked done when handled.
//!
//! The loop claims the head of every lane nobody holds (see
//! [`Inbox::claim`]), hands each to the handler on a task of its own (at most
//! `concurrency` at once) and claims again when one finishes, when a new
//! update arrives, or on a slow poll (for updates stored by another process).
//! A failed attempt is retried later with backoff (or after Telegram's
//! `retry_after`); after [`MAX_ATTEMPTS`](super::inbox::MAX_ATTEMPTS) it is
//! given up so that the chat's later updates go on. At shutdown the loop
//! stops claiming, lets running handlers finish, and gives back the claims it
//! still holds, so a restarted process takes them over at once.
//!
//! Updates that must be answered quickly whatever the queue (a
//! `pre_checkout_query` within Telegram's 10 s) are claimed and handled the
//! moment they are stored, outside the lanes and the concurrency limit.

use super::inbox::{Claimed, Finish, Inbox, Incoming};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify, Semaphore};
use tracing::Instrument;

/// Kinds handled the moment they are stored.
pub const URGENT_KINDS: [&str; 1] = ["pre_checkout_query"];

/// Handles one claimed update and says how it ended.
pub type Handler =
    Arc<dyn Fn(Claimed) -> Pin<Box<dyn Future<Output = Finish> + Send>> + Send + Sync>;

/// How often the loop looks for updates stored by other processes.
const POLL: Duration = Duration::from_secs(1);
/// How often old handled updates are deleted.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// The dispatcher: cheap to clone, shared by the ingest paths and the loop.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    inbox: Inbox,
    handler: Handler,
    wake: Notify,
    slots: Arc<Semaphore>,
    concurrency: usize,
    /// False in a process that only stores updates.
    active: bool,
    /// How long handled updates are kept (`None`: for ever).
    keep: Option<Duration>,
}

impl Dispatcher {
    /// `active: false` makes a dispatcher that stores but never handles.
    /// Handled updates older than `keep` are deleted once an hour (`None`:
    /// never).
    pub fn new(
        inbox: Inbox,
        handler: Handler,
        concurrency: usize,
        active: bool,
        keep: Option<Duration>,
    ) -> Dispatcher {
        Dispatcher {
            inner: Arc::new(Inner {
                inbox,
                handler,
                wake: Notify::new(),
                slots: Arc::new(Semaphore::new(concurrency)),
                concurrency,
                active,
                keep,
            }),
        }
    }

    pub fn inbox(&self) -> &Inbox {
        &self.inner.inbox
    }

    /// Told after an update was stored: urgent ones are handled now, the
    /// rest wake the loop.
    pub fn arrived(&self, update: &Incoming) {
        if !self.inner.active || update.ignored.is_some() {
            return;
        }
        if URGENT_KINDS.contains(&update.kind.as_str()) {
            let this = self.clone();
            let id = update.update_id;
            tokio::spawn(async move { this.handle_now(id).await });
        } else {
            self.inner.wake.notify_one();
        }
    }

    /// Claims and handles one update out of its lane's order.
    async fn handle_now(&self, update_id: i64) {
        match self.inner.inbox.claim_one(update_id).await {
            Ok(Some(c)) => self.handle(c).await,
            // Someone else holds it (the loop got there first).
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(update_id, error = %e, "Could not claim an urgent update; the loop will.");
                self.inner.wake.notify_one();
            }
        }
    }

    async fn handle(&self, c: Claimed) {
        let span = tracing::info_span!("update", update_id = c.update_id, kind = %c.kind, attempt = c.attempt);
        async {
            let how = (self.inner.handler)(c.clone()).await;
            match &how {
                Finish::Done => tracing::debug!("Update handled."),
                Finish::Ignored(why) => tracing::info!(why = %why, "Update ignored."),
                Finish::Retry { error, after } => {
                    tracing::warn!(error = %error, retry_in = ?after, "Update handling failed; it will be tried again.")
                }
            }
            match self.inner.inbox.finish(&c, &how).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!("The claim on the update lapsed while it was handled; another process took it over."),
                Err(e) => tracing::error!(error = %e, "Could not record how the update ended; its claim will lapse and it is handled again."),
            }
            // The lane's next update may be claimed now.
            self.inner.wake.notify_one();
        }
        .instrument(span)
        .await
    }

    /// Runs the loop until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        if !self.inner.active {
            return;
        }
        let slots = self.inner.slots.clone();
        let mut purged: Option<tokio::time::Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            if let Some(keep) = self.inner.keep {
                if purged.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
                    purged = Some(tokio::time::Instant::now());
                    match self.inner.inbox.purge_handled(keep).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(deleted = n, "Deleted old handled updates."),
                        Err(e) => {
                            tracing::warn!(error = %e, "Could not delete old handled updates.")
                        }
                    }
                }
            }
            let free = slots.available_permits();
            if free > 0 {
                match self.inner.inbox.claim(free).await {
                    Ok(batch) => {
                        for c in batch {
                            let Ok(permit) = slots.clone().acquire_owned().await else {
                                return;
                            };
                            let this = self.clone();
                            tokio::spawn(async move {
                                this.handle(c).await;
                                drop(permit);
                            });
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "Could not claim updates; trying again."),
                }
            }
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => {}
            }
        }
        // Let running handlers finish, then give back what is left.
        let all = u32::try_from(self.inner.concurrency).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(Duration::from_secs(10), slots.acquire_many(all)).await;
        match self.inner.inbox.release_mine().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "Gave back unfinished updates."),
            Err(e) => {
                tracing::warn!(error = %e, "Could not give back claims; they lapse with their lease.")
            }
        }
    }
}

/// The delay before attempt `attempt + 1`: 1 s, 2 s, 4 s, … up to a minute.
pub fn backoff(attempt: i32) -> Duration {
    let exp = u32::try_from(attempt.clamp(1, 7) - 1).unwrap_or(0);
    Duration::from_secs(2u64.pow(exp)).min(Duration::from_secs(60))
}
