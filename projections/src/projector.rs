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

use crate::db::{Conn, Db, Tx};
use crate::event::{read_after, Checkpoint, ReadError};
use crate::models::Model;
use sqlx::postgres::PgListener;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// The advisory lock whose holder projects ("foodbot" + 1).
pub const LEADER_LOCK: i64 = 0x666f_6f64_626f_7401;
/// Events per step.
pub const BATCH: i64 = 1000;
/// How often to look for new events when no wake-up arrives, and how often a
/// follower tries to become the leader.
pub const POLL: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct Projector {
    db: Db,
    models: Vec<Model>,
    wake: Arc<Notify>,
    progress: watch::Sender<Checkpoint>,
}

impl Projector {
    pub fn new(db: Db) -> Projector {
        Projector {
            db,
            models: Model::ALL.to_vec(),
            wake: Arc::new(Notify::new()),
            progress: watch::channel(Checkpoint::default()).0,
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

    /// One step: returns how many events were read (0 when caught up).
    pub async fn step(&self, conn: &mut Conn) -> Result<usize, ProjectError> {
        let mut tx = Tx::begin(conn).await?;
        match self.step_in(&mut tx).await {
            Ok((n, low)) => {
                tx.commit().await?;
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

    async fn step_in(&self, tx: &mut Tx<'_>) -> Result<(usize, Checkpoint), ProjectError> {
        let mut checkpoints = lock_checkpoints(tx, &self.models).await?;
        let low = checkpoints.values().copied().min().unwrap_or_default();
        let events = read_after(tx, low, BATCH).await?;
        if events.is_empty() {
            return Ok((0, low));
        }
        for e in &events {
            for m in &self.models {
                if e.checkpoint > checkpoints[m] {
                    m.apply(tx, e).await?;
                }
            }
        }
        let last = events.last().map(|e| e.checkpoint).unwrap_or(low);
        for m in &self.models {
            if checkpoints[m] < last {
                let sql = "UPDATE projection_checkpoints
                              SET last_transaction_id = $2, last_position = $3, updated_at = CURRENT_TIMESTAMP
                            WHERE projection = $1";
                tx.exec(
                    sql,
                    &[
                        m.name().into(),
                        last.transaction_id.into(),
                        last.position.into(),
                    ],
                )
                .await?;
                checkpoints.insert(*m, last);
            }
        }
        Ok((
            events.len(),
            checkpoints.values().copied().min().unwrap_or(last),
        ))
    }

    /// Steps until there is nothing left to read. Returns the events read.
    pub async fn catch_up(&self, conn: &mut Conn) -> Result<usize, ProjectError> {
        let mut total = 0;
        loop {
            let n = self.step(conn).await?;
            total += n;
            if n == 0 {
                return Ok(total);
            }
        }
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
            let n = self.step(&mut conn).await?;
            if n as i64 >= BATCH {
                continue;
            }
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

/// Reads (and on PostgreSQL locks) the models' checkpoints, creating missing ones.
async fn lock_checkpoints(
    tx: &mut Tx<'_>,
    models: &[Model],
) -> Result<HashMap<Model, Checkpoint>, sqlx::Error> {
    let mut out = HashMap::new();
    for m in models {
        let sql = "INSERT INTO projection_checkpoints (projection) VALUES ($1) ON CONFLICT (projection) DO NOTHING";
        tx.exec(sql, &[m.name().into()]).await?;
        let lock = if matches!(tx, Tx::Postgres(_)) {
            " FOR UPDATE"
        } else {
            ""
        };
        let sql = format!(
            "SELECT CAST(last_transaction_id AS TEXT) || ' ' || CAST(last_position AS TEXT) FROM projection_checkpoints WHERE projection = $1{lock}"
        );
        let text = tx.text(&sql, &[m.name().into()]).await?.unwrap_or_default();
        let mut parts = text.split(' ').map(|p| p.parse::<i64>().unwrap_or(0));
        out.insert(
            *m,
            Checkpoint {
                transaction_id: parts.next().unwrap_or(0),
                position: parts.next().unwrap_or(0),
            },
        );
    }
    Ok(out)
}

/// Empties a read model and sets its checkpoint back to the start, in one
/// transaction; the projector then replays the log into it.
pub async fn reset(conn: &mut Conn, model: Model) -> Result<(), ProjectError> {
    let mut tx = Tx::begin(conn).await?;
    let result = async {
        lock_checkpoints(&mut tx, &[model]).await?;
        for table in model.reset_tables() {
            tx.exec(&format!("DELETE FROM {table}"), &[]).await?;
        }
        let sql = "UPDATE projection_checkpoints SET last_transaction_id = 0, last_position = 0, updated_at = CURRENT_TIMESTAMP WHERE projection = $1";
        tx.exec(sql, &[model.name().into()]).await
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

/// Where one read model stands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelStatus {
    pub name: &'static str,
    pub checkpoint: Checkpoint,
    /// Committed events not yet projected into it.
    pub lag_events: i64,
    pub updated_at: Option<String>,
}

/// Every read model's checkpoint and lag.
pub async fn status(db: &Db) -> Result<Vec<ModelStatus>, sqlx::Error> {
    let mut out = Vec::new();
    for m in Model::ALL {
        let sql = "SELECT last_transaction_id, last_position, CAST(updated_at AS TEXT) AS updated_at FROM projection_checkpoints WHERE projection = $1";
        let row = db.rows(sql, &[m.name().into()]).await?.into_iter().next();
        let get = |k: &str| {
            row.as_ref()
                .and_then(|r| r.get(k))
                .and_then(|v| v.as_i64())
                .unwrap_or(0)
        };
        let checkpoint = Checkpoint {
            transaction_id: get("last_transaction_id"),
            position: get("last_position"),
        };
        let lag_sql = match db {
            Db::Postgres(_) => "SELECT count(*) AS n FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)",
            Db::Sqlite(_) => "SELECT count(*) AS n FROM events WHERE position > $2 AND $1 = $1",
        };
        let lag = db
            .rows(
                lag_sql,
                &[
                    checkpoint.transaction_id.to_string().into(),
                    checkpoint.position.into(),
                ],
            )
            .await?;
        out.push(ModelStatus {
            name: m.name(),
            checkpoint,
            lag_events: lag
                .first()
                .and_then(|r| r.get("n"))
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
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
