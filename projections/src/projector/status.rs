//! Where the read models stand, for `foodbot projections status` and `/readyz`:
//! each model's mark and lag, and the open transaction, if any, that keeps
//! the final part of the log (and so the hash chain) from moving on.

use super::{marks, Mark, ProjectError};
use crate::db::{Db, Val};
use crate::event::Checkpoint;
use crate::models::Model;
use serde_json::Value;

/// Where one read model stands.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelStatus {
    pub name: &'static str,
    /// The transactions whose events it holds, as a snapshot
    /// (`xmin:xmax:running,…`; on SQLite, positions below `xmax`).
    pub snapshot: String,
    /// The snapshot it is part-way to, when a step stopped at its limit.
    pub catching_up_to: Option<String>,
    /// The last event applied.
    pub last_event: Checkpoint,
    /// Committed events not yet projected into it.
    pub lag_events: i64,
    /// Why it stopped, when it cannot go on (the others go on).
    pub error: Option<String>,
    pub updated_at: Option<String>,
}

/// The oldest transaction still open on the database server, when it holds
/// back the final part of the log: events committed after it began cannot be
/// final until it ends, so the hash chain waits for it (the other read models
/// do not). On PostgreSQL this can be any session in any database of the
/// server: a backup, an analyst's open transaction, a stuck migration.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OpenTransaction {
    /// The backend's process id (`SELECT pg_terminate_backend(pid)` ends it),
    /// when the server lets us see it.
    pub pid: Option<i64>,
    pub database: Option<String>,
    /// Seconds since the transaction began.
    pub age_secs: Option<i64>,
    /// `active`, `idle in transaction`, …
    pub state: Option<String>,
}

/// Every read model's mark and lag.
pub async fn status(db: &Db) -> Result<Vec<ModelStatus>, ProjectError> {
    // One read of all marks, so that they come from the same moment (the
    // times they were written are only shown).
    let marks = marks(db).await?;
    let stamps = db
        .rows(
            "SELECT projection, CAST(updated_at AS TEXT) AS updated_at FROM projection_checkpoints",
            &[],
        )
        .await?;
    let mut out = Vec::new();
    for m in Model::ALL {
        let mark = marks.get(&m).cloned().unwrap_or_default();
        let updated_at = stamps
            .iter()
            .find(|r| r.get("projection").and_then(Value::as_str) == Some(m.name()))
            .and_then(|r| r.get("updated_at").and_then(Value::as_str))
            .map(String::from);
        out.push(ModelStatus {
            name: m.name(),
            snapshot: mark.base.text(),
            catching_up_to: mark.next.as_ref().map(|n| n.text()),
            last_event: mark.at,
            lag_events: lag(db, &mark).await?,
            error: mark.stuck.clone(),
            updated_at,
        });
    }
    Ok(out)
}

/// How many committed events `mark` does not hold.
async fn lag(db: &Db, mark: &Mark) -> Result<i64, ProjectError> {
    let (sql, args): (&str, Vec<Val>) = match db {
        Db::Postgres(_) => (
            "SELECT count(*) AS n FROM events
              WHERE transaction_id >= $1::text::xid8
                AND NOT pg_visible_in_snapshot(transaction_id, $2::text::pg_snapshot)
                AND NOT COALESCE(pg_visible_in_snapshot(transaction_id, $3::text::pg_snapshot)
                                 AND (transaction_id, position) <= ($4::text::xid8, $5), false)",
            vec![
                mark.base.xmin.to_string().into(),
                pg_text(&mark.base).into(),
                mark.next.as_ref().map(pg_text).into(),
                mark.at.transaction_id.to_string().into(),
                mark.at.position.into(),
            ],
        ),
        Db::Sqlite(_) => (
            "SELECT count(*) AS n FROM events WHERE position >= $1 AND NOT (position < $2 AND position <= $3)",
            vec![
                mark.base.xmax.into(),
                mark.next.as_ref().map_or(0, |n| n.xmax).into(),
                mark.at.position.into(),
            ],
        ),
    };
    let rows = db.rows(sql, &args).await?;
    Ok(rows
        .first()
        .and_then(|r| r.get("n"))
        .and_then(Value::as_i64)
        .unwrap_or(0))
}

/// A snapshot as PostgreSQL reads it: it has no transaction 0, so a model
/// that holds nothing shows as holding what lies below the first id.
fn pg_text(s: &crate::snapshot::Snapshot) -> String {
    let mut s = s.clone();
    s.xmin = s.xmin.max(1);
    s.xmax = s.xmax.max(1);
    s.text()
}

/// The open transaction that keeps committed events from being final, if
/// one does (PostgreSQL; on SQLite every committed event is final at once).
pub async fn held_back(db: &Db) -> Result<Option<OpenTransaction>, ProjectError> {
    let Db::Postgres(_) = db else {
        return Ok(None);
    };
    let waiting = "SELECT count(*) AS n FROM (SELECT 1 FROM events
                    WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot()) LIMIT 1) AS w";
    let rows = db.rows(waiting, &[]).await?;
    if rows
        .first()
        .and_then(|r| r.get("n"))
        .and_then(Value::as_i64)
        != Some(1)
    {
        return Ok(None);
    }
    // The horizon is the oldest transaction id still running; its backend is
    // the one with the oldest `backend_xid`.
    let oldest = "SELECT pid::int8 AS pid, datname::text AS database, state::text AS state,
                         EXTRACT(EPOCH FROM now() - xact_start)::int8 AS age_secs
                    FROM pg_stat_activity
                   WHERE backend_xid IS NOT NULL
                   ORDER BY age(backend_xid) DESC
                   LIMIT 1";
    let row = db.rows(oldest, &[]).await?.into_iter().next();
    let text = |k: &str| {
        row.as_ref()
            .and_then(|r| r.get(k))
            .and_then(Value::as_str)
            .map(String::from)
    };
    let int = |k: &str| row.as_ref().and_then(|r| r.get(k)).and_then(Value::as_i64);
    Ok(Some(OpenTransaction {
        pid: int("pid"),
        database: text("database"),
        age_secs: int("age_secs"),
        state: text("state"),
    }))
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
