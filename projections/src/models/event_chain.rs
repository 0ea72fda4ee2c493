//! `event_chain`: a hash chain over the event log in global order.
//!
//! Link n is SHA-256 over link n-1's hash and event n's stored fields. The
//! chain only ever grows over final events (see the projector), so it is the
//! same whenever and wherever it is built; `foodbot audit verify` recomputes it
//! from the log and names the first event where the two part.

use crate::db::Kind::{Int, Text};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash of the link for `e` following a link with hash `previous`.
pub fn link_hash(previous: &str, e: &Envelope) -> String {
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    let (mut transaction_id, mut position, mut sequence) = (
        itoa::Buffer::new(),
        itoa::Buffer::new(),
        itoa::Buffer::new(),
    );
    for part in [
        transaction_id.format(e.checkpoint.transaction_id),
        position.format(e.checkpoint.position),
        &e.aggregate_type,
        &e.aggregate_id,
        sequence.format(e.sequence),
        &e.event_type,
        &e.event_version,
        // The stored text itself: any changed byte changes the hash.
        &e.payload,
        &e.metadata,
    ] {
        h.update([0u8]);
        h.update(part.as_bytes());
    }
    let mut hex = [0u8; 64];
    // 32 bytes always fit 64 hex digits.
    let _ = hex::encode_to_slice(h.finalize(), &mut hex);
    String::from_utf8_lossy(&hex).into_owned()
}

#[derive(Clone, Serialize, Deserialize)]
struct LinkRow {
    link: i64,
    transaction_id: i64,
    position: i64,
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    hash: String,
}

impl Record for LinkRow {
    const TABLE: Table = Table {
        name: "event_chain",
        columns: &[
            ("link", Int),
            ("transaction_id", Int),
            ("position", Int),
            ("aggregate_type", Text),
            ("aggregate_id", Text),
            ("sequence", Int),
            ("hash", Text),
        ],
        key: 1,
        write: Write::Append,
    };
    type Key = i64;
    fn key(&self) -> i64 {
        self.link
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&LinkRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    // The head, found through the primary key whatever the table's statistics say.
    let sql = "SELECT link, hash FROM event_chain WHERE link = (SELECT max(link) FROM event_chain)";
    let head = tx.select(sql, &[], &[Int, Text]).await?;
    let (mut link, mut previous) = match head.first().map(|r| &r[..]) {
        Some([Val::OptInt(Some(n)), Val::OptText(Some(h))]) => (*n, h.clone()),
        _ => (0, String::new()),
    };
    let mut rows = Rows::<LinkRow>::new();
    for e in events {
        link += 1;
        previous = link_hash(&previous, e);
        rows.append(LinkRow {
            link,
            transaction_id: e.checkpoint.transaction_id,
            position: e.position(),
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: e.aggregate_id.clone(),
            sequence: e.sequence,
            hash: previous.clone(),
        });
    }
    rows.flush(tx).await
}
