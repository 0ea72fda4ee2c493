//! Running the projector: leadership among processes (a PostgreSQL advisory
//! lock on the projector's own connection), wake-ups and polling.

use super::{ProjectError, Projector, LEADER_LOCK, POLL};
use crate::db::{Conn, Db};
use futures::FutureExt;
use sqlx::postgres::PgListener;

impl Projector {
    /// Projects until `shutdown` resolves, as leader when it can be. An error
    /// or a panic is logged, shown in [`super::Counters::failure`], and the
    /// projector starts again after a poll interval.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => return,
                result = std::panic::AssertUnwindSafe(self.lead()).catch_unwind() => {
                    let failure = match result {
                        Ok(Ok(())) => None,
                        Ok(Err(e)) => Some(e.to_string()),
                        Err(panic) => Some(format!("panicked: {}", panic_message(&panic))),
                    };
                    if let Some(f) = &failure {
                        tracing::error!(error = %f, "Projector stopped; starting again.");
                    }
                    self.counters.set_failure(failure);
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

/// What a panic said, if it said it in words.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "without a message".into())
}
