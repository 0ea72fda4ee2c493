//! Checking the event log against the evidence about it: the stored hash chain,
//! the chain's own checkpoint, signed anchors and the events' seals.
//!
//! One pass over the log in global order, in one read transaction
//! (REPEATABLE READ on PostgreSQL), recomputes the chain link by link and
//! compares as it goes:
//!
//! - each recomputed link with the stored link of the same number (the first
//!   difference names an edited, inserted or deleted event);
//! - the stored chain's length with the log's final part (events of
//!   transactions below the horizon; on SQLite every event) and with its own
//!   checkpoint: a chain cut short hides the events after the cut;
//! - each anchor's hash with the recomputed hash at the anchor's link: a chain
//!   rewritten to agree with an edited log still disagrees with an anchor
//!   signed before the edit;
//! - each event's seal, when public keys are given.
//!
//! `foodbot audit verify` prints the [`Report`]; `foodbot projections rebuild
//! event_chain` uses it to refuse erasing evidence.

use super::anchor::Anchor;
use super::keys::TrustedKeys;
use super::report::{anchor_problem, check_seal, name, name_of};
pub use super::report::{AnchorCheck, Report, Seals};
use foodbot_projections::db::Kind::{Int, Text};
use foodbot_projections::event::{horizon, read_after, ReadError};
use foodbot_projections::models::event_chain::link_hash;
use foodbot_projections::{Checkpoint, Db, Envelope, Tx, Val};
use std::collections::HashMap;

/// Events read at a time.
const BATCH: i64 = 5000;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A stored link.
struct Stored {
    link: i64,
    at: Checkpoint,
    name: String,
    hash: String,
}

async fn stored_links(tx: &mut Tx<'_>, after: i64, upto: i64) -> sqlx::Result<Vec<Stored>> {
    let sql = "SELECT link, transaction_id, position, aggregate_type, aggregate_id, sequence, hash
                 FROM event_chain WHERE link > $1 AND link <= $2 ORDER BY link";
    let kinds = [Int, Int, Int, Text, Text, Int, Text];
    let rows = tx.select(sql, &[after.into(), upto.into()], &kinds).await?;
    let int = |v: &Val| match v {
        Val::OptInt(Some(n)) => *n,
        _ => 0,
    };
    let text = |v: &Val| match v {
        Val::OptText(Some(s)) => s.clone(),
        _ => String::new(),
    };
    Ok(rows
        .iter()
        .map(|r| {
            let at = Checkpoint {
                transaction_id: int(&r[1]),
                position: int(&r[2]),
            };
            Stored {
                link: int(&r[0]),
                at,
                name: name(at, &text(&r[3]), &text(&r[4]), int(&r[5])),
                hash: text(&r[6]),
            }
        })
        .collect())
}

/// The integers of a one-row query, one per kind (0s when there is no row).
async fn scalar(
    tx: &mut Tx<'_>,
    sql: &str,
    kinds: &[foodbot_projections::db::Kind],
) -> sqlx::Result<Vec<i64>> {
    let rows = tx.select(sql, &[], kinds).await?;
    Ok(kinds
        .iter()
        .enumerate()
        .map(|(i, _)| match rows.first().map(|r| &r[i]) {
            Some(Val::OptInt(Some(n))) => *n,
            _ => 0,
        })
        .collect())
}

/// Runs the pass. `each` sees every event too (the ledger check uses it).
/// Seals are checked when `keys` has any; anchors are compared as given
/// (check their signatures first).
pub async fn check(
    db: &Db,
    anchors: &[Anchor],
    keys: &TrustedKeys,
    each: &mut dyn FnMut(&Envelope),
) -> Result<Report, ChainError> {
    let mut conn = db.connect().await?;
    let mut tx = Tx::begin(&mut conn).await?;
    let result = async {
        if let Tx::Postgres(_) = tx {
            tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", &[])
                .await?;
        }
        // The first statement fixes the snapshot: the horizon, the stored chain
        // and the log below are all seen as of one moment.
        let horizon = horizon(&mut tx).await?;
        pass(&mut tx, horizon, anchors, keys, each).await
    }
    .await;
    let _ = tx.rollback().await;
    result
}

async fn pass(
    tx: &mut Tx<'_>,
    horizon: i64,
    anchors: &[Anchor],
    keys: &TrustedKeys,
    each: &mut dyn FnMut(&Envelope),
) -> Result<Report, ChainError> {
    let max_sql = "SELECT coalesce(max(link), 0) FROM event_chain";
    let stored_max = scalar(tx, max_sql, &[Int]).await?[0];
    let mark_sql = "SELECT last_transaction_id, last_position FROM projection_checkpoints
                     WHERE projection = 'event_chain'";
    let mark = scalar(tx, mark_sql, &[Int, Int]).await?;
    let mark = Checkpoint {
        transaction_id: mark[0],
        position: mark[1],
    };
    let head_sql = "SELECT hash FROM event_chain WHERE link = $1";
    let head = tx.select(head_sql, &[stored_max.into()], &[Text]).await?;
    let stored_head = match head.first().map(|r| &r[0]) {
        Some(Val::OptText(Some(h))) => h.clone(),
        _ => String::new(),
    };

    let mut by_link: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, a) in anchors.iter().enumerate() {
        by_link.entry(a.statement.head.links).or_default().push(i);
    }
    // The links whose events a message may have to name.
    let mut names: HashMap<i64, String> = [1, stored_max + 1]
        .into_iter()
        .chain(anchors.iter().flat_map(|a| {
            let l = a.statement.head.links;
            [l, l + 1]
        }))
        .map(|l| (l, String::new()))
        .collect();
    let mut holds: Vec<bool> = anchors
        .iter()
        .map(|a| a.statement.head.links == 0 && a.statement.head.hash.is_empty())
        .collect();
    let mut seals = (!keys.is_empty()).then(Seals::default);
    let mut first_sealed: Option<String> = None;

    let mut report = Report {
        stored_links: stored_max,
        stored_head,
        ..Report::default()
    };
    let (mut link, mut previous, mut covered) = (0i64, String::new(), 0i64);
    let mut after = Checkpoint {
        transaction_id: 0,
        position: i64::MIN,
    };
    loop {
        // From below any position at all: an auditor must see rows a tamperer
        // put anywhere, not only where the server would have.
        let batch = read_after(tx, after, BATCH).await?;
        if batch.events.is_empty() {
            break;
        }
        let stored = if report.stored_problem.is_none() {
            let upto = link + batch.events.len() as i64;
            stored_links(tx, link, upto).await?
        } else {
            Vec::new()
        };
        let mut stored = stored.into_iter().peekable();
        for e in &batch.events {
            after = e.checkpoint;
            link += 1;
            previous = link_hash(&previous, e);
            each(e);
            if e.checkpoint.transaction_id < horizon {
                report.final_events += 1;
            }
            if e.checkpoint <= mark {
                covered += 1;
            }
            if let Some(n) = names.get_mut(&link) {
                *n = name_of(e);
            }
            for &i in by_link.get(&link).into_iter().flatten() {
                holds[i] = anchors[i].statement.head.hash == previous;
            }
            if report.stored_problem.is_none() {
                let row = stored.next_if(|s| s.link == link);
                report.stored_problem = compare(link, e, &previous, row, stored_max);
            }
            if let Some(s) = seals.as_mut() {
                check_seal(keys, e, s, &mut first_sealed);
            }
        }
    }
    report.events = link;
    if report.stored_problem.is_none() && stored_max > link {
        let rest = stored_links(tx, link, link + 1).await?;
        report.stored_problem = rest
            .first()
            .map(|s| format!("{} is missing from the log: deleted", s.name));
    }
    let needed = report.final_events.max(covered);
    if stored_max < needed {
        let missing = &names[&(stored_max + 1)];
        report.short = Some(if covered > stored_max {
            format!(
                "the stored chain has {stored_max} links, but its checkpoint (transaction {}, position {}) \
                 says it covers {covered}: its links from {} on, {missing}, were deleted",
                mark.transaction_id, mark.position, stored_max + 1
            )
        } else {
            format!(
                "the stored chain has {stored_max} links, but the log has {} final events: \
                 nothing from link {} on, {missing}, is chained (its tail was deleted; on a running \
                 server the projector may not have chained the newest events yet: run verify again)",
                report.final_events,
                stored_max + 1
            )
        });
    }
    report.anchors = anchors
        .iter()
        .zip(&holds)
        .map(|(a, holds)| AnchorCheck {
            file: a.file.clone(),
            links: a.statement.head.links,
            holds: *holds,
        })
        .collect();
    report.anchors.sort_by_key(|a| a.links);
    report.anchor_problem = anchor_problem(&report.anchors, link, &names);
    report.seals = seals;
    Ok(report)
}

/// Compares recomputed link `link` (for event `e`, with hash `hash`) with the
/// stored link of that number, if the chain has one.
fn compare(
    link: i64,
    e: &Envelope,
    hash: &str,
    stored: Option<Stored>,
    stored_max: i64,
) -> Option<String> {
    let Some(s) = stored else {
        // Past the chain's end is a short chain, not a difference.
        return (link <= stored_max).then(|| {
            format!(
                "link {link} is missing from the stored chain: {} is not chained",
                name_of(e)
            )
        });
    };
    if e.checkpoint < s.at {
        Some(format!("{} is not in the chain: inserted", name_of(e)))
    } else if e.checkpoint > s.at {
        Some(format!("{} is missing from the log: deleted", s.name))
    } else if s.hash != hash {
        Some(format!("{} does not match its hash: edited", s.name))
    } else {
        None
    }
}
