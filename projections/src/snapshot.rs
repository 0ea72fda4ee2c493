//! Which transactions' events a read model holds, as a database snapshot.
//!
//! On PostgreSQL a transaction's events become visible all at once, when it
//! commits, and `pg_current_snapshot()` says exactly which transactions had
//! committed at a moment: every transaction id below `xmin`, and those from
//! `xmin` up to `xmax` that are not in the in-progress list `xip`. A read model
//! that has applied the events of exactly the transactions one snapshot shows
//! can go on from there without re-reading anything: the next snapshot's new
//! events are those of the transactions it shows and the last one did not,
//! which are the earlier snapshot's in-progress transactions that have finished
//! since, and the transactions from its `xmax` on. Both are index ranges of the
//! log, however long an old transaction stays open.
//!
//! On SQLite one writer commits at a time and positions are numbered at
//! commit, so the position plays the part of the transaction id: a snapshot
//! there is "every position below `xmax`", with `xmin == xmax` and nothing in
//! progress. Events read from SQLite carry transaction id 0, which PostgreSQL
//! never gives a transaction, so [`Snapshot::shows`] knows which to compare.

use crate::event::Checkpoint;

/// A set of committed transactions (PostgreSQL) or positions (SQLite).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Everything below this is shown.
    pub xmin: i64,
    /// Nothing from this on is shown.
    pub xmax: i64,
    /// Between the two, these are not shown (they were still running); sorted.
    pub xip: Vec<i64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("snapshot {0:?} is not of the form xmin:xmax:xip,…")]
pub struct BadSnapshot(pub String);

impl Snapshot {
    /// Everything below `bound` and nothing else: the final part of the log
    /// below a horizon on PostgreSQL, positions below `bound` on SQLite.
    pub fn below(bound: i64) -> Snapshot {
        Snapshot {
            xmin: bound,
            xmax: bound,
            xip: Vec::new(),
        }
    }

    /// Parses PostgreSQL's text form of `pg_snapshot`, `xmin:xmax:xip1,xip2`.
    pub fn parse(text: &str) -> Result<Snapshot, BadSnapshot> {
        let bad = || BadSnapshot(text.to_string());
        let mut parts = text.trim().splitn(3, ':');
        let number = |p: Option<&str>| p.and_then(|p| p.parse::<i64>().ok()).ok_or_else(bad);
        let xmin = number(parts.next())?;
        let xmax = number(parts.next())?;
        let mut xip = Vec::new();
        for x in parts
            .next()
            .ok_or_else(bad)?
            .split(',')
            .filter(|x| !x.is_empty())
        {
            xip.push(x.parse::<i64>().map_err(|_| bad())?);
        }
        xip.sort_unstable();
        if xmin > xmax || xip.iter().any(|x| *x < xmin || *x >= xmax) {
            return Err(bad());
        }
        Ok(Snapshot { xmin, xmax, xip })
    }

    /// The text form PostgreSQL reads as `pg_snapshot`.
    pub fn text(&self) -> String {
        let xip: Vec<String> = self.xip.iter().map(i64::to_string).collect();
        format!("{}:{}:{}", self.xmin, self.xmax, xip.join(","))
    }

    /// True if the transaction (or SQLite position) `x` is shown.
    pub fn shows_id(&self, x: i64) -> bool {
        x < self.xmin || (x < self.xmax && self.xip.binary_search(&x).is_err())
    }

    /// True if the event at `c` is shown.
    pub fn shows(&self, c: Checkpoint) -> bool {
        self.shows_id(commit_id(c))
    }

    /// The part of this snapshot that is final: every transaction below its
    /// `xmin` had ended, so no event can still appear there.
    pub fn final_part(&self) -> Snapshot {
        Snapshot::below(self.xmin)
    }

    /// True if every transaction `self` shows, `later` shows too.
    pub fn within(&self, later: &Snapshot) -> bool {
        self.xmax <= later.xmax
            && self.xmin <= later.xmin
            && later.xip.iter().all(|x| !self.shows_id(*x))
    }

    /// What `later` shows and this does not: this snapshot's in-progress
    /// transactions that `later` shows (they ended since), and the range from
    /// this `xmax` to `later.xmax` less `later`'s in-progress list.
    pub fn delta(&self, later: &Snapshot) -> Delta {
        Delta {
            ended: self
                .xip
                .iter()
                .copied()
                .filter(|x| later.shows_id(*x))
                .collect(),
            from: self.xmax,
            to: later.xmax,
            running: later
                .xip
                .iter()
                .copied()
                .filter(|x| *x >= self.xmax)
                .collect(),
        }
    }
}

/// The transactions one snapshot shows beyond another (see [`Snapshot::delta`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delta {
    /// Transactions that were running and have ended (all below `from`).
    pub ended: Vec<i64>,
    /// The new range `[from, to)`…
    pub from: i64,
    pub to: i64,
    /// …less these, still running.
    pub running: Vec<i64>,
}

impl Delta {
    /// True if no transaction at all is in it.
    pub fn is_empty(&self) -> bool {
        self.ended.is_empty() && self.from >= self.to
    }
}

/// The number snapshots compare for the event at `c`: its transaction on
/// PostgreSQL, its position on SQLite (where events carry transaction 0).
pub fn commit_id(c: Checkpoint) -> i64 {
    if c.transaction_id == 0 {
        c.position
    } else {
        c.transaction_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_round_trip_through_postgresql_text() {
        let s = Snapshot::parse("100:108:104,101").unwrap();
        assert_eq!(s.xip, vec![101, 104]);
        assert_eq!(s.text(), "100:108:101,104");
        assert_eq!(Snapshot::parse("7:7:").unwrap(), Snapshot::below(7));
        for bad in ["", "1:2", "x:2:", "5:3:", "1:5:9", "1:5:a"] {
            assert!(Snapshot::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_snapshot_shows_what_had_committed() {
        let s = Snapshot::parse("100:108:101,104").unwrap();
        assert!(s.shows_id(99) && s.shows_id(100) && s.shows_id(102));
        assert!(!s.shows_id(101) && !s.shows_id(104) && !s.shows_id(108));
        let final_part = s.final_part();
        assert!(final_part.shows_id(99) && !final_part.shows_id(100));
        assert!(final_part.within(&s) && s.within(&Snapshot::parse("101:110:104").unwrap()));
        assert!(!s.within(&Snapshot::parse("100:110:102").unwrap()));
    }

    #[test]
    fn the_delta_holds_the_ended_transactions_and_the_new_range() {
        let old = Snapshot::parse("100:108:100,104").unwrap();
        let new = Snapshot::parse("100:115:100,110").unwrap();
        let d = old.delta(&new);
        assert_eq!(d.ended, vec![104]);
        assert_eq!((d.from, d.to), (108, 115));
        assert_eq!(d.running, vec![110]);
        assert!(old.delta(&old).is_empty());
    }

    #[test]
    fn sqlite_positions_stand_for_transactions() {
        let s = Snapshot::below(6);
        let at = |position| Checkpoint {
            transaction_id: 0,
            position,
        };
        assert!(s.shows(at(5)) && !s.shows(at(6)));
    }
}
