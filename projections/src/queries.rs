//! Read-your-writes: read tokens, and waiting until the read models show one.
//! (The typed reads the API serves are `foodbot::app`'s read API.)

use crate::db::{Db, Val};
use crate::event::Checkpoint;
use crate::visibility::Visibility;
use serde_json::Value;
use std::time::Duration;

/// Names the last event of a command: `<aggregate type>:<aggregate id>:<sequence>`.
pub fn read_token(aggregate_type: &str, aggregate_id: &str, sequence: usize) -> String {
    format!("{aggregate_type}:{aggregate_id}:{sequence}")
}

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("unknown read token")]
    UnknownToken,
    #[error("not yet visible in the read models; retry shortly")]
    TimedOut,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Returns once every read model the API reads from has projected the event
/// `token` names, or fails after `timeout`. The wait is on the process's shared
/// [`Visibility`]: no query of its own besides finding the event.
pub async fn wait_for(
    db: &Db,
    token: &str,
    visibility: &Visibility,
    timeout: Duration,
) -> Result<(), WaitError> {
    let mut parts = token.splitn(3, ':');
    let (Some(kind), Some(id), Some(seq)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(WaitError::UnknownToken);
    };
    let seq: i64 = seq.parse().map_err(|_| WaitError::UnknownToken)?;
    let sql = match db {
        Db::Postgres(_) => "SELECT transaction_id::text::bigint AS tx, position FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3",
        Db::Sqlite(_) => "SELECT 0 AS tx, position FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3",
    };
    let args: [Val; 3] = [kind.into(), id.into(), seq.into()];
    let row = db
        .rows(sql, &args)
        .await?
        .into_iter()
        .next()
        .ok_or(WaitError::UnknownToken)?;
    let target = Checkpoint {
        transaction_id: row.get("tx").and_then(Value::as_i64).unwrap_or(0),
        position: row.get("position").and_then(Value::as_i64).unwrap_or(0),
    };
    if visibility.wait(target, timeout).await {
        Ok(())
    } else {
        Err(WaitError::TimedOut)
    }
}
