//! What a check of the log found ([`Report`]), and how its messages name
//! events and spans of the log.

use super::keys::TrustedKeys;
use super::seal::{self, Seal};
use foodbot_projections::{Checkpoint, Envelope};
use std::collections::HashMap;

/// What the pass found.
#[derive(Debug, Default)]
pub struct Report {
    /// Events in the log, and how many of them are final.
    pub events: i64,
    pub final_events: i64,
    /// Links in the stored chain (the highest link number), and the head's hash.
    pub stored_links: i64,
    pub stored_head: String,
    /// The first link where the stored chain and the log part, naming the event.
    pub stored_problem: Option<String>,
    /// Why the stored chain is too short, naming the first event it lacks.
    pub short: Option<String>,
    /// Every anchor, in link order, and whether the log holds its hash.
    pub anchors: Vec<AnchorCheck>,
    /// Where the log departs from the anchors, when one does not hold.
    pub anchor_problem: Option<String>,
    /// The seals, when there were keys to check them with.
    pub seals: Option<Seals>,
}

/// One anchor as the pass found it.
#[derive(Debug, Clone)]
pub struct AnchorCheck {
    pub file: String,
    pub links: i64,
    pub holds: bool,
}

/// The events' seals as the pass found them.
#[derive(Debug, Clone, Default)]
pub struct Seals {
    /// Events with a valid seal.
    pub sealed: i64,
    /// Events without a seal before the first sealed one: written before
    /// sealing was configured.
    pub unsealed_before: i64,
    /// The first event whose seal is missing (after sealed events) or bad.
    pub problem: Option<String>,
}

impl Report {
    /// What a rebuild of the chain from the log as it is would erase: where
    /// the stored chain or an anchor disagrees with the log.
    pub fn evidence(&self) -> Vec<String> {
        let stored = self
            .stored_problem
            .iter()
            .map(|p| format!("stored chain: {p}"));
        let anchors = self.anchor_problem.iter().map(|p| format!("anchors: {p}"));
        stored.chain(anchors).collect()
    }

    /// True when nothing failed.
    pub fn ok(&self) -> bool {
        self.stored_problem.is_none()
            && self.short.is_none()
            && self.anchor_problem.is_none()
            && self.seals.as_ref().is_none_or(|s| s.problem.is_none())
    }
}

/// How reports name an event.
pub fn name(c: Checkpoint, aggregate_type: &str, aggregate_id: &str, sequence: i64) -> String {
    format!(
        "event at position {} ({aggregate_type} {aggregate_id} #{sequence})",
        c.position
    )
}

pub(super) fn name_of(e: &Envelope) -> String {
    name(e.checkpoint, &e.aggregate_type, &e.aggregate_id, e.sequence)
}

pub(super) fn check_seal(
    keys: &TrustedKeys,
    e: &Envelope,
    s: &mut Seals,
    first: &mut Option<String>,
) {
    match seal::check(keys, e) {
        Ok(Seal::Valid { .. }) => {
            s.sealed += 1;
            first.get_or_insert_with(|| name_of(e));
        }
        Ok(Seal::Missing) => match first {
            None => s.unsealed_before += 1,
            Some(first) => {
                s.problem.get_or_insert_with(|| {
                    format!(
                        "{} has no seal, though events from {first} on are sealed: \
                         written around the server (forged), or its seal stripped",
                        name_of(e)
                    )
                });
            }
        },
        Err(err) => {
            s.problem
                .get_or_insert_with(|| format!("{}: {err}", name_of(e)));
        }
    }
}

/// Names the span where the first changed event must be: after the last
/// anchor that holds and up to the first that does not.
pub(super) fn anchor_problem(
    checks: &[AnchorCheck],
    events: i64,
    names: &HashMap<i64, String>,
) -> Option<String> {
    let failed = checks.iter().find(|a| !a.holds)?;
    let from = checks
        .iter()
        .filter(|a| a.holds && a.links < failed.links)
        .map(|a| a.links)
        .max()
        .unwrap_or(0);
    let first = names.get(&(from + 1)).cloned().unwrap_or_default();
    let since = if from > 0 {
        format!(" (the log still holds the anchors up to link {from})")
    } else {
        String::new()
    };
    Some(if failed.links > events {
        format!(
            "anchor {} covers {} links, but the log has only {events} events: \
             events were deleted at or after link {}, {first}{since}",
            failed.file,
            failed.links,
            from + 1
        )
    } else {
        let last = names.get(&failed.links).cloned().unwrap_or_default();
        format!(
            "anchor {} does not hold at link {}: an event from link {} ({first}) \
             to link {} ({last}) was edited, inserted or deleted{since}",
            failed.file,
            failed.links,
            from + 1,
            failed.links
        )
    })
}
