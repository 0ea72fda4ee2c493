//! The server's anchor writer: every `AUDIT_ANCHOR_INTERVAL_SECS` it signs the
//! stored chain's head into `AUDIT_ANCHOR_DIR`, when the head moved.
//!
//! Files are named `chain-head-<links, 20 digits>.json`, so that their names
//! sort by link, and written whole or not at all (a temporary file renamed
//! over the name). Before it signs, the writer checks that the stored chain
//! still holds the newest anchor's hash: a chain rewritten behind an anchor is
//! not vouched for.

use super::anchor::{is_anchor_file, read, sign, stored_head, Anchor, AnchorError};
use super::keys::AuditKey;
use foodbot_projections::Db;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The start of every anchor file name the writer uses.
const PREFIX: &str = "chain-head-";

/// The newest anchor the server wrote to `dir` (the highest link), if any.
pub fn newest(dir: &Path) -> Result<Option<Anchor>, AnchorError> {
    let newest = std::fs::read_dir(dir)
        .map_err(|cause| AnchorError::Io {
            file: dir.display().to_string(),
            cause,
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| is_anchor_file(p, PREFIX))
        .max();
    Ok(match newest {
        Some(path) => read(&[path])?.pop(),
        None => None,
    })
}

/// Checks that the stored chain still holds `anchor`'s hash at its link: a
/// cheap look before signing a new head, so that a chain rewritten behind the
/// anchor is not vouched for.
pub async fn still_holds(db: &Db, anchor: &Anchor) -> Result<(), AnchorError> {
    let at = &anchor.statement.head;
    if at.links == 0 {
        return Ok(());
    }
    let sql = "SELECT hash FROM event_chain WHERE link = $1";
    let rows = db.rows(sql, &[at.links.into()]).await?;
    if rows.first().and_then(|r| r["hash"].as_str()) == Some(at.hash.as_str()) {
        Ok(())
    } else {
        Err(AnchorError::Diverged {
            file: anchor.file.clone(),
            link: at.links,
        })
    }
}

/// The file name of an anchor at `links`.
pub fn file_name(links: i64) -> String {
    format!("{PREFIX}{links:020}.json")
}

/// Writes a signed anchor of the stored chain's head to `dir` if the head
/// moved past the newest anchor there; returns the new file. Refuses when the
/// stored chain no longer holds the newest anchor's hash at its link: signing
/// a rewritten chain would vouch for it.
pub async fn write_if_moved(
    db: &Db,
    key: &AuditKey,
    dir: &Path,
) -> Result<Option<PathBuf>, AnchorError> {
    let io = |cause| AnchorError::Write {
        file: dir.display().to_string(),
        cause,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let newest = newest(dir)?;
    let head = stored_head(db).await?;
    match &newest {
        Some(newest) if head.links <= newest.statement.head.links => return Ok(None),
        Some(newest) => still_holds(db, newest).await?,
        None if head.links == 0 => return Ok(None),
        None => {}
    }
    let doc = sign(key, head.clone(), chrono::Utc::now());
    let path = dir.join(file_name(head.links));
    write_atomically(&path, format!("{doc:#}\n").as_bytes()).map_err(|cause| {
        AnchorError::Write {
            file: path.display().to_string(),
            cause,
        }
    })?;
    Ok(Some(path))
}

/// Writes a file so that readers see all of it or none: a temporary file in
/// the same directory, flushed to disk, then renamed over the name.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("anchor");
    let temp = dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    // The rename itself survives a crash once the directory is on disk; where
    // a directory cannot be synced the anchor is still whole, only maybe lost.
    if result.is_ok() {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// The server's anchor writer: every `every` (the first time at once) writes
/// an anchor if the head moved, until `shutdown` resolves.
pub async fn run(
    db: Db,
    key: Arc<AuditKey>,
    dir: PathBuf,
    every: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = ticks.tick() => match write_if_moved(&db, &key, &dir).await {
                Ok(Some(path)) => tracing::info!(file = %path.display(), "Chain head anchored."),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "Chain head not anchored."),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_file_names_sort_by_link() {
        assert!(file_name(9) < file_name(10) && file_name(10) < file_name(i64::MAX));
    }
}
