//! Reading and writing the read models' marks in `projection_checkpoints`,
//! and resetting a model for a rebuild.

use super::{Mark, ProjectError};
use crate::db::{Conn, Db, Kind, Tx, Val};
use crate::models::Model;
use crate::snapshot::Snapshot;
use crate::storage::{Record, Table, Write};
use std::collections::HashMap;

/// How the projector writes `projection_checkpoints` (for the schema test).
pub const CHECKPOINTS: &Table = &CheckpointRow::TABLE;

/// A read model's checkpoint row.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct CheckpointRow {
    projection: String,
    last_transaction_id: i64,
    last_position: i64,
    base_snapshot: String,
    next_snapshot: Option<String>,
    error: Option<String>,
    updated_at: String,
}

impl CheckpointRow {
    pub(super) fn new(name: &str, mark: &Mark, now: &str) -> CheckpointRow {
        CheckpointRow {
            projection: name.to_string(),
            last_transaction_id: mark.at.transaction_id,
            last_position: mark.at.position,
            base_snapshot: mark.base.text(),
            next_snapshot: mark.next.as_ref().map(Snapshot::text),
            error: mark.stuck.clone(),
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
            ("error", Kind::Text),
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
pub(super) async fn create_checkpoints(
    tx: &mut Tx<'_>,
    models: &[Model],
) -> Result<(), sqlx::Error> {
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
pub(super) enum Lock {
    None,
    Wait,
    /// Leaves out the models whose checkpoint another transaction holds.
    SkipLocked,
}

/// The models' marks, read as stored; a mark that cannot be read is an error,
/// never a fresh start.
pub(super) async fn read_checkpoints(
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
        "SELECT projection, last_transaction_id, last_position, base_snapshot, next_snapshot, error
           FROM projection_checkpoints WHERE projection = ANY($1){lock}"
    );
    let names = Val::Texts(models.iter().map(|m| Some(m.name().to_string())).collect());
    let kinds = [
        Kind::Text,
        Kind::Int,
        Kind::Int,
        Kind::Text,
        Kind::Text,
        Kind::Text,
    ];
    let mut out = HashMap::new();
    for row in tx.select(&sql, &[names], &kinds).await? {
        let [Val::OptText(Some(name)), Val::OptInt(Some(t)), Val::OptInt(Some(p)), Val::OptText(Some(base)), Val::OptText(next), Val::OptText(error)] =
            &row[..]
        else {
            return Err(ProjectError::Checkpoint(format!("{row:?}")));
        };
        if let Some(m) = Model::parse(name) {
            let mut mark = Mark::from_parts(base, next.as_deref(), *t, *p)
                .map_err(|e| ProjectError::Checkpoint(format!("{name}: {e}")))?;
            mark.stuck = error.clone();
            out.insert(m, mark);
        }
    }
    Ok(out)
}

/// Every read model's mark as stored, in one query on the pool (for status
/// and for read-your-writes).
pub async fn marks(db: &Db) -> Result<HashMap<Model, Mark>, ProjectError> {
    use serde_json::Value;
    let sql =
        "SELECT projection, last_transaction_id, last_position, base_snapshot, next_snapshot, error
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
        let mut mark = Mark::from_parts(base, next, t, p)
            .map_err(|e| ProjectError::Checkpoint(format!("{name}: {e}")))?;
        mark.stuck = row.get("error").and_then(Value::as_str).map(String::from);
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
                          next_snapshot = NULL, error = NULL, updated_at = $2::timestamptz WHERE projection = $1";
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
