//! When the restaurant takes orders: opening hours per weekday in the
//! restaurant's own time zone, and days it stays closed.
//!
//! In the menu file:
//!
//! ```toml
//! [restaurant.hours]
//! time_zone = "Europe/Berlin"
//! monday = ["11:30-15:00", "17:30-22:30"]
//! friday = ["11:30-15:00", "17:30-02:00"]   # past midnight: until 02:00 on Saturday
//! sunday = []                               # closed all day (so is a day left out)
//! closed_on = ["2026-12-25"]
//! ```
//!
//! A span `HH:MM-HH:MM` opens at its first time and closes at its second
//! (which may be `24:00`, the end of the day). A span whose closing time is
//! not after its opening time runs past midnight into the next day. A date in
//! `closed_on` cancels the spans that start on it. Times are wall-clock times
//! in `time_zone`, so a kitchen opening at 11:30 opens at 11:30 in summer and
//! winter alike; an opening time that does not exist on a day the clocks go
//! forward opens when it would have (the first instant after the gap).

use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// How far ahead [`OpeningHours::next_opening`] looks.
const LOOK_AHEAD_DAYS: u64 = 400;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    /// An IANA time zone name, e.g. `Europe/Berlin`.
    pub time_zone: Tz,
    #[serde(default)]
    pub monday: Vec<Span>,
    #[serde(default)]
    pub tuesday: Vec<Span>,
    #[serde(default)]
    pub wednesday: Vec<Span>,
    #[serde(default)]
    pub thursday: Vec<Span>,
    #[serde(default)]
    pub friday: Vec<Span>,
    #[serde(default)]
    pub saturday: Vec<Span>,
    #[serde(default)]
    pub sunday: Vec<Span>,
    /// Dates (in the restaurant's time zone) with no opening at all.
    #[serde(default)]
    pub closed_on: Vec<NaiveDate>,
}

/// One opening: from `opens` to `closes` on the same day, or, when `closes`
/// is not after `opens`, to `closes` on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub opens: NaiveTime,
    /// `None` is `24:00`: the end of the day.
    pub closes: Option<NaiveTime>,
}

impl Span {
    /// Minutes from the day's midnight to the opening and to the closing
    /// (past 1440 when the span runs into the next day).
    fn minutes(&self) -> (u32, u32) {
        let of = |t: NaiveTime| t.hour() * 60 + t.minute();
        let opens = of(self.opens);
        let closes = self.closes.map_or(24 * 60, of);
        if closes > opens {
            (opens, closes)
        } else {
            (opens, closes + 24 * 60)
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let closes = self
            .closes
            .map_or_else(|| "24:00".to_string(), |t| t.format("%H:%M").to_string());
        write!(f, "{}-{closes}", self.opens.format("%H:%M"))
    }
}

/// Why a span could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an opening span like \"11:30-22:00\"")]
pub struct BadSpan(pub String);

impl std::str::FromStr for Span {
    type Err = BadSpan;

    fn from_str(s: &str) -> Result<Span, BadSpan> {
        let bad = || BadSpan(s.to_string());
        let (opens, closes) = s.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| {
            // Exactly HH:MM, so "9:00" or "09:00:00" are mistakes, not guesses.
            if t.len() != 5 {
                return Err(bad());
            }
            NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad())
        };
        let opens = time(opens.trim())?;
        let closes = match closes.trim() {
            "24:00" => None,
            t => Some(time(t)?),
        };
        if closes == Some(opens) {
            return Err(bad());
        }
        Ok(Span { opens, closes })
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Span, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl OpeningHours {
    /// The spans of the weekday of `date`, or none when it is a closed date.
    fn spans_on(&self, date: NaiveDate) -> &[Span] {
        use chrono::Weekday::*;
        if self.closed_on.contains(&date) {
            return &[];
        }
        match date.weekday() {
            Mon => &self.monday,
            Tue => &self.tuesday,
            Wed => &self.wednesday,
            Thu => &self.thursday,
            Fri => &self.friday,
            Sat => &self.saturday,
            Sun => &self.sunday,
        }
    }

    /// Every weekday's spans, Monday first, with the day's name.
    pub fn week(&self) -> [(&'static str, &[Span]); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }

    /// The instant a wall-clock time on `date` (plus `minutes`, which may run
    /// into the next day) happens in the restaurant's zone. A time skipped by
    /// a clock change happens at the end of the gap.
    fn instant(&self, date: NaiveDate, minutes: u32) -> Option<DateTime<Utc>> {
        let local: NaiveDateTime =
            date.and_time(NaiveTime::MIN) + chrono::Duration::minutes(i64::from(minutes));
        let mut probe = local;
        // Gaps are at most a few hours; walk forward a minute at a time
        // only through such a gap.
        for _ in 0..(4 * 60) {
            if let Some(t) = self.time_zone.from_local_datetime(&probe).earliest() {
                return Some(t.with_timezone(&Utc));
            }
            probe += chrono::Duration::minutes(1);
        }
        None
    }

    /// The openings (start, end) that start on `date`, as instants.
    fn openings_on(
        &self,
        date: NaiveDate,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.spans_on(date).iter().filter_map(move |span| {
            let (opens, closes) = span.minutes();
            Some((self.instant(date, opens)?, self.instant(date, closes)?))
        })
    }

    fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The openings `at` falls in (one that started yesterday may still run
    /// past midnight).
    fn openings_at(
        &self,
        at: DateTime<Utc>,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let today = self.local_date(at);
        today
            .checked_sub_days(Days::new(1))
            .into_iter()
            .chain([today])
            .flat_map(|d| self.openings_on(d).collect::<Vec<_>>())
            .filter(move |(opens, closes)| *opens <= at && at < *closes)
    }

    /// Whether the restaurant takes orders at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.openings_at(at).next().is_some()
    }

    /// The next moment after `at` the restaurant opens, if it ever does
    /// within a year or so.
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = self.local_date(at);
        (0..=LOOK_AHEAD_DAYS)
            .filter_map(|n| today.checked_add_days(Days::new(n)))
            .find_map(|d| {
                self.openings_on(d)
                    .map(|(opens, _)| opens)
                    .filter(|opens| *opens > at)
                    .min()
            })
    }

    /// The end of the opening `at` falls in, when the restaurant is open.
    pub fn closes_at(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.openings_at(at).map(|(_, closes)| closes).max()
    }

    /// True when no weekday has an opening.
    pub fn never_opens(&self) -> bool {
        self.week().iter().all(|(_, spans)| spans.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hours from `day=span,span;day=…`, Berlin time.
    fn hours(spec: &str) -> OpeningHours {
        let mut h = OpeningHours {
            time_zone: "Europe/Berlin".parse().unwrap(),
            monday: vec![],
            tuesday: vec![],
            wednesday: vec![],
            thursday: vec![],
            friday: vec![],
            saturday: vec![],
            sunday: vec![],
            closed_on: vec![],
        };
        for part in spec.split(';').filter(|p| !p.trim().is_empty()) {
            let (day, spans) = part.split_once('=').unwrap();
            let spans: Vec<Span> = spans
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            match day.trim() {
                "mon" => h.monday = spans,
                "tue" => h.tuesday = spans,
                "wed" => h.wednesday = spans,
                "thu" => h.thursday = spans,
                "fri" => h.friday = spans,
                "sat" => h.saturday = spans,
                "sun" => h.sunday = spans,
                other => panic!("{other}"),
            }
        }
        h
    }

    /// A Berlin wall-clock time as an instant.
    fn berlin(s: &str) -> DateTime<Utc> {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        tz.from_local_datetime(&local)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn spans_parse_strictly() {
        let s: Span = "11:30-22:00".parse().unwrap();
        assert_eq!(s.to_string(), "11:30-22:00");
        assert_eq!("18:00-24:00".parse::<Span>().unwrap().closes, None);
        for bad in [
            "",
            "11:30",
            "9:00-12:00",
            "11:30-11:30",
            "25:00-26:00",
            "11:30-22:00:00",
            "a-b",
        ] {
            assert!(bad.parse::<Span>().is_err(), "{bad}");
        }
    }

    #[test]
    fn open_within_a_span_and_closed_outside_it() {
        // 2026-12-07 is a Monday.
        let h = hours("mon=11:30-15:00,17:30-22:30");
        assert!(!h.is_open(berlin("2026-12-07 11:29")));
        assert!(h.is_open(berlin("2026-12-07 11:30")));
        assert!(h.is_open(berlin("2026-12-07 14:59")));
        assert!(!h.is_open(berlin("2026-12-07 15:00")));
        assert!(h.is_open(berlin("2026-12-07 22:00")));
        assert!(
            !h.is_open(berlin("2026-12-08 12:00")),
            "Tuesday has no spans"
        );
        assert_eq!(
            h.next_opening(berlin("2026-12-07 15:00")),
            Some(berlin("2026-12-07 17:30"))
        );
        assert_eq!(
            h.next_opening(berlin("2026-12-07 23:00")),
            Some(berlin("2026-12-14 11:30")),
            "the next Monday"
        );
        assert_eq!(
            h.closes_at(berlin("2026-12-07 12:00")),
            Some(berlin("2026-12-07 15:00"))
        );
    }

    #[test]
    fn a_span_past_midnight_belongs_to_the_day_it_starts() {
        // 2026-12-11 is a Friday.
        let h = hours("fri=18:00-02:00");
        assert!(h.is_open(berlin("2026-12-11 23:59")));
        assert!(h.is_open(berlin("2026-12-12 01:59")));
        assert!(!h.is_open(berlin("2026-12-12 02:00")));
        assert!(
            !h.is_open(berlin("2026-12-12 19:00")),
            "Saturday has no spans"
        );
        let all_day = hours("sat=00:00-24:00");
        assert!(all_day.is_open(berlin("2026-12-12 00:00")));
        assert!(all_day.is_open(berlin("2026-12-12 23:59")));
        assert!(!all_day.is_open(berlin("2026-12-13 00:00")));
    }

    #[test]
    fn closed_dates_cancel_the_spans_that_start_on_them() {
        let mut h = hours("fri=11:00-22:00;sat=11:00-22:00");
        h.closed_on = vec![NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()];
        assert!(!h.is_open(berlin("2026-12-25 12:00")));
        assert_eq!(
            h.next_opening(berlin("2026-12-25 12:00")),
            Some(berlin("2026-12-26 11:00"))
        );
    }

    #[test]
    fn wall_clock_times_hold_across_clock_changes() {
        // Clocks go forward at 02:00 on 2027-03-28 (Sunday) in Berlin: 02:30
        // does not exist that day and opens at 03:00.
        let h = hours("sun=02:30-05:00,11:00-15:00");
        let gap = h.next_opening(berlin("2027-03-28 01:00")).unwrap();
        assert_eq!(gap, berlin("2027-03-28 03:00"));
        // 11:00 in Berlin is 09:00 UTC in summer time and 10:00 UTC before.
        let summer = h.next_opening(berlin("2027-03-28 06:00")).unwrap();
        assert_eq!(summer.format("%H:%M").to_string(), "09:00");
        let winter = h.next_opening(berlin("2027-03-21 06:00")).unwrap();
        assert_eq!(winter.format("%H:%M").to_string(), "10:00");
    }

    #[test]
    fn hours_read_with_their_zone_and_refuse_unknown_zones() {
        let h: OpeningHours = serde_json::from_value(serde_json::json!({
            "time_zone": "Asia/Tashkent",
            "monday": ["09:00-18:00"],
            "closed_on": ["2027-01-01"],
        }))
        .unwrap();
        assert_eq!(h.time_zone.name(), "Asia/Tashkent");
        assert_eq!(h.monday[0].to_string(), "09:00-18:00");
        assert!(!h.never_opens());
        let unknown = serde_json::json!({"time_zone": "Mars/Olympus", "monday": ["09:00-18:00"]});
        assert!(serde_json::from_value::<OpeningHours>(unknown).is_err());
        let typo = serde_json::json!({"time_zone": "UTC", "munday": ["09:00-18:00"]});
        assert!(serde_json::from_value::<OpeningHours>(typo).is_err());
    }
}
