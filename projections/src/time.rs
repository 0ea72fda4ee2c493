//! One text form for times in read models (RFC 3339, UTC, microseconds), so
//! that PostgreSQL and SQLite rows compare equal.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}
