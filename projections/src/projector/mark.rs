//! How far one read model has come, as stored in `projection_checkpoints`.
//!
//! A model holds the events of exactly the transactions its `base` snapshot
//! shows. A step moves it to a later snapshot (the current one; for a model
//! that takes final events only, the final part of it) by reading the events
//! the later one shows and `base` does not ([`Snapshot::delta`]). When there
//! are more of those than one step takes, the model stops part-way: `next` is
//! the snapshot it is moving to and `at` the last event applied, and the next
//! step reads on after `at`. Nothing is ever read twice, whatever stays open.

use crate::event::Checkpoint;
use crate::snapshot::{BadSnapshot, Snapshot};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark {
    /// Every event of a transaction this shows is applied.
    pub base: Snapshot,
    /// The snapshot a step is part-way to: of the events it shows and `base`
    /// does not, those up to `at` in global order are applied too.
    pub next: Option<Snapshot>,
    /// The last event applied (in a final-only model, the chain's head).
    pub at: Checkpoint,
    /// Why the model stopped here, when it cannot go on (an event it cannot
    /// decode or apply); `None` while it projects.
    pub stuck: Option<String>,
}

impl Mark {
    /// A mark from its stored columns.
    pub fn from_parts(
        base: &str,
        next: Option<&str>,
        transaction_id: i64,
        position: i64,
    ) -> Result<Mark, BadSnapshot> {
        Ok(Mark {
            base: Snapshot::parse(base)?,
            next: next.map(Snapshot::parse).transpose()?,
            at: Checkpoint {
                transaction_id,
                position,
            },
            stuck: None,
        })
    }

    /// True if the model has seen the event at `c`.
    pub fn has(&self, c: Checkpoint) -> bool {
        self.base.shows(c)
            || self
                .next
                .as_ref()
                .is_some_and(|n| n.shows(c) && c <= self.at)
    }

    /// True if the model has not seen the event at `c` yet.
    pub fn needs(&self, c: Checkpoint) -> bool {
        !self.has(c)
    }

    /// Where the next step goes: on to the snapshot it is part-way to, or to
    /// `now`.
    pub fn target(&self, now: &Snapshot) -> Snapshot {
        self.next.clone().unwrap_or_else(|| now.clone())
    }

    /// Where the next read toward the target starts.
    pub fn read_from(&self) -> Checkpoint {
        if self.next.is_some() {
            self.at
        } else {
            Checkpoint::default()
        }
    }

    /// After `applied` (the events read toward `target`, in global order):
    /// when the read stopped at its limit (`full`), the model is part-way to
    /// `target`, else it holds what `target` shows.
    pub fn advance(&mut self, target: Snapshot, applied: &[Checkpoint], full: bool) {
        self.stuck = None;
        if let Some(last) = applied.last() {
            self.at = *last;
        }
        if full {
            self.next = Some(target);
        } else {
            self.base = target;
            self.next = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(transaction_id: i64, position: i64) -> Checkpoint {
        Checkpoint {
            transaction_id,
            position,
        }
    }

    #[test]
    fn a_model_holds_what_its_snapshot_shows() {
        // Transaction 100 is still open; 101 and 102 committed after it began.
        let mut mark = Mark::default();
        let now = Snapshot::parse("100:103:100").unwrap();
        mark.advance(now.clone(), &[at(90, 1), at(101, 3), at(102, 4)], false);
        assert!(mark.has(at(90, 1)) && mark.has(at(101, 3)) && mark.has(at(102, 4)));
        assert!(mark.needs(at(100, 2)));
        // The next step reads only what ended since: transaction 100.
        let later = Snapshot::parse("103:103:").unwrap();
        let delta = mark.base.delta(&later);
        assert_eq!(delta.ended, vec![100]);
        assert!(delta.from >= delta.to);
        mark.advance(mark.target(&later), &[at(100, 2)], false);
        assert!(mark.has(at(100, 2)) && mark.next.is_none());
    }

    #[test]
    fn a_full_read_leaves_the_model_part_way() {
        let mut mark = Mark::default();
        let now = Snapshot::parse("200:200:").unwrap();
        mark.advance(now.clone(), &[at(100, 2), at(100, 5)], true);
        assert_eq!(mark.next, Some(now.clone()));
        assert!(mark.has(at(100, 5)) && mark.needs(at(150, 9)));
        assert_eq!(mark.read_from(), at(100, 5));
        // A later snapshot does not change where it is going until it is there.
        let later = Snapshot::parse("300:300:").unwrap();
        assert_eq!(mark.target(&later), now);
        mark.advance(now.clone(), &[at(150, 9)], false);
        assert!(mark.has(at(150, 9)) && mark.next.is_none());
        assert_eq!(mark.read_from(), Checkpoint::default());
    }

    #[test]
    fn marks_round_trip_through_their_stored_form() {
        let mark = Mark::from_parts("10:14:12", Some("15:15:"), 13, 42).unwrap();
        // 12 was running at the base and is part of the step, before `at`.
        assert!(mark.has(at(11, 1)) && mark.has(at(13, 42)) && mark.has(at(12, 40)));
        assert!(mark.needs(at(14, 43)) && mark.has(at(13, 43)));
        assert!(Mark::from_parts("nonsense", None, 0, 0).is_err());
    }
}
