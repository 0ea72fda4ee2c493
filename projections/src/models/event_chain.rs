//! `event_chain`: a hash chain over the event log in global order.
//!
//! Link n is SHA-256 over link n-1's hash and event n's stored fields. The
//! chain only ever grows over final events (see the projector), so it is the
//! same whenever and wherever it is built; `foodbot audit verify` recomputes it
//! from the log and names the first event where the two part.

use crate::db::{Tx, Val};
use crate::event::Envelope;
use sha2::{Digest, Sha256};

/// The hash of the link for `e` following a link with hash `previous`.
pub fn link_hash(previous: &str, e: &Envelope) -> String {
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    for part in [
        e.checkpoint.transaction_id.to_string(),
        e.checkpoint.position.to_string(),
        e.aggregate_type.clone(),
        e.aggregate_id.clone(),
        e.sequence.to_string(),
        e.event_type.clone(),
        e.event_version.clone(),
        // The stored text itself: any changed byte changes the hash.
        e.payload.clone(),
        e.metadata.clone(),
    ] {
        h.update([0u8]);
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let last = tx
        .text(
            "SELECT CAST(link AS TEXT) || ' ' || hash FROM event_chain ORDER BY link DESC LIMIT 1",
            &[],
        )
        .await?;
    let (link, previous) = match last.as_deref().and_then(|l| l.split_once(' ')) {
        Some((n, h)) => (n.parse::<i64>().unwrap_or(0) + 1, h.to_string()),
        None => (1, String::new()),
    };
    let sql = "INSERT INTO event_chain (link, transaction_id, position, aggregate_type, aggregate_id, sequence, hash)
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let args: [Val; 7] = [
        link.into(),
        e.checkpoint.transaction_id.into(),
        e.position().into(),
        e.aggregate_type.as_str().into(),
        e.aggregate_id.as_str().into(),
        e.sequence.into(),
        link_hash(&previous, e).into(),
    ];
    tx.exec(sql, &args).await.map(|_| ())
}
