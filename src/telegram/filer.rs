//! Files the webhook's updates in the inbox together (group commit).
//!
//! Each webhook request must see its update stored before it answers 200, but
//! it need not be stored alone: requests that arrive while an insert is under
//! way wait in a queue, and the next insert files all of them in one statement
//! and one commit. Under load this turns many one-row transactions into a few
//! many-row ones; a lone request is filed at once, as before. Nothing changes
//! for the sender: its answer still comes only after its row is durable, and a
//! failed insert answers every request in it with an error, so Telegram
//! delivers those updates again.

use super::inbox::{Inbox, Incoming, Stored};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Inserts that may run at once. One in flight while the next batch gathers
/// keeps the database busy; the collector hands out batches only when a
/// writer is free, so the queue is not split into small batches.
const WRITERS: usize = 2;
/// Most updates filed by one statement.
const MAX_BATCH: usize = 256;
/// Requests that may wait for a writer before senders wait to queue.
const QUEUE: usize = 4 * MAX_BATCH;

/// Why an update could not be filed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FileError {
    #[error("storing the update failed: {0}")]
    Storage(Arc<sqlx::Error>),
    #[error("the inbox writer has stopped")]
    Stopped,
}

type Answer = Result<(Stored, Incoming), FileError>;

struct Job {
    update: Incoming,
    answer: oneshot::Sender<Answer>,
}

/// The queue in front of the inbox's writers.
#[derive(Clone)]
pub struct Filer {
    queue: mpsc::Sender<Job>,
}

impl Filer {
    /// Starts the collector on the current runtime; it stops when the last
    /// `Filer` is dropped, after filing what was queued.
    pub fn start(inbox: Inbox) -> Filer {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(collect(inbox, jobs));
        Filer { queue }
    }

    /// Files `update` and returns once it is durable (or was already stored),
    /// handing the update back with whether it was new.
    pub async fn file(&self, update: Incoming) -> Answer {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job { update, answer })
            .await
            .map_err(|_| FileError::Stopped)?;
        // No answer: the writer went away with the update (the runtime stops).
        answered.await.map_err(|_| FileError::Stopped)?
    }
}

/// Gathers the queued requests into batches and hands each to a free
/// writer. While every writer is busy the batch keeps growing, so under load
/// each insert files everything that arrived during the one before it; a lone
/// request finds a writer free and is filed at once.
async fn collect(inbox: Inbox, mut jobs: mpsc::Receiver<Job>) {
    let writers = Arc::new(Semaphore::new(WRITERS));
    let free = |w: &Arc<Semaphore>| w.clone().acquire_owned();
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        let mut open = true;
        let writer = loop {
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            if batch.len() >= MAX_BATCH || !open {
                break free(&writers).await;
            }
            tokio::select! {
                biased;
                writer = free(&writers) => break writer,
                job = jobs.recv() => match job {
                    Some(job) => batch.push(job),
                    None => open = false,
                },
            }
        };
        // The semaphore is never closed.
        let Ok(writer) = writer else { return };
        let inbox = inbox.clone();
        tokio::spawn(async move {
            write(&inbox, batch).await;
            drop(writer);
        });
        if !open {
            break;
        }
    }
}

/// Files one batch in one statement and answers each request in it.
async fn write(inbox: &Inbox, batch: Vec<Job>) {
    let (updates, answers): (Vec<Incoming>, Vec<_>) =
        batch.into_iter().map(|j| (j.update, j.answer)).unzip();
    let outcome = inbox.store_all(&updates).await.map_err(Arc::new);
    for (i, (update, answer)) in updates.into_iter().zip(answers).enumerate() {
        let result = match &outcome {
            Ok(stored) => Ok((stored[i], update)),
            Err(e) => Err(FileError::Storage(e.clone())),
        };
        // A sender that went away (its connection closed) needs no answer.
        let _ = answer.send(result);
    }
}
