//! Failures the fake Bot API answers with when a test orders them.
//!
//! Telegram fails in a handful of ways that a bot must survive: flood control (429 with
//! `retry_after`), a user who blocked the bot (403), an edit that changes nothing (400), and
//! the occasional server error. A test orders them here, either for the next few calls to a
//! method ([`FaultPlan::fail_next`]) or as a deterministic storm that hits a fixed fraction of
//! the calls ([`FaultPlan::fail_fraction`]). The fake never fails on its own otherwise.

use axum::http::StatusCode;
use serde_json::{json, Value};

/// Matches every method in [`FaultPlan::fail_next`] and [`FaultPlan::fail_fraction`].
pub const ANY_METHOD: &str = "*";

/// The description Telegram gives for an edit that changes nothing.
pub const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message \
    content and reply markup are exactly the same as a current content and reply markup of \
    the message";

/// One failure, answered the way Telegram answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `parameters.retry_after` in seconds.
    TooManyRequests { retry_after: u32 },
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// 400 "message is not modified".
    NotModified,
    /// Any status with the given description, e.g. a 502 "Bad Gateway".
    Status(u16, String),
}

impl Fault {
    /// The HTTP status and the JSON body of the answer.
    pub fn answer(&self) -> (StatusCode, Value) {
        match self {
            Fault::TooManyRequests { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({
                    "ok": false,
                    "error_code": 429,
                    "description": format!("Too Many Requests: retry after {retry_after}"),
                    "parameters": { "retry_after": retry_after },
                }),
            ),
            Fault::Blocked => error(403, "Forbidden: bot was blocked by the user"),
            Fault::NotModified => error(400, NOT_MODIFIED),
            Fault::Status(code, description) => error(*code, description),
        }
    }
}

/// The `{"ok":false,…}` answer Telegram gives for an error without parameters.
pub fn error(code: u16, description: &str) -> (StatusCode, Value) {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "ok": false, "error_code": code, "description": description });
    (status, body)
}

struct Next {
    method: String,
    fault: Fault,
    remaining: u32,
}

struct Storm {
    method: String,
    fraction: f64,
    seen: u64,
    fault: Fault,
}

/// The faults still to be answered.
#[derive(Default)]
pub struct FaultPlan {
    next: Vec<Next>,
    storms: Vec<Storm>,
}

fn matches(filter: &str, method: &str) -> bool {
    filter == ANY_METHOD || filter.eq_ignore_ascii_case(method)
}

impl FaultPlan {
    /// The next `times` calls to `method` (or [`ANY_METHOD`]) fail with `fault`.
    pub fn fail_next(&mut self, method: &str, fault: Fault, times: u32) {
        self.next.push(Next {
            method: method.to_owned(),
            fault,
            remaining: times,
        });
    }

    /// From now on, `fraction` of the calls to `method` fail with `fault`: call number `n`
    /// (counted from 1 for this storm) fails when `floor(n·fraction)` grows, so ½ fails every
    /// second call and ⅓ every third, the same way on every run.
    pub fn fail_fraction(&mut self, method: &str, fraction: f64, fault: Fault) {
        let fraction = fraction.clamp(0.0, 1.0);
        self.storms.push(Storm {
            method: method.to_owned(),
            fraction,
            seen: 0,
            fault,
        });
    }

    /// Forgets every ordered fault.
    pub fn clear(&mut self) {
        self.next.clear();
        self.storms.clear();
    }

    /// The fault this call to `method` gets, if any. Orders for the next calls come first,
    /// in the order they were given; each storm counts every call it matches.
    pub fn take(&mut self, method: &str) -> Option<Fault> {
        let mut hit = None;
        if let Some(next) = self.next.iter_mut().find(|n| matches(&n.method, method)) {
            next.remaining -= 1;
            hit = Some(next.fault.clone());
        }
        self.next.retain(|n| n.remaining > 0);
        for storm in self
            .storms
            .iter_mut()
            .filter(|s| matches(&s.method, method))
        {
            storm.seen += 1;
            let before = ((storm.seen - 1) as f64 * storm.fraction).floor();
            let now = (storm.seen as f64 * storm.fraction).floor();
            if now > before && hit.is_none() {
                hit = Some(storm.fault.clone());
            }
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_storm_fails_every_second_call() {
        let mut plan = FaultPlan::default();
        plan.fail_fraction(ANY_METHOD, 0.5, Fault::Blocked);
        let hits: Vec<bool> = (0..6).map(|_| plan.take("sendMessage").is_some()).collect();
        assert_eq!(hits, [false, true, false, true, false, true]);
    }

    #[test]
    fn next_faults_run_out() {
        let mut plan = FaultPlan::default();
        plan.fail_next("sendmessage", Fault::NotModified, 2);
        assert_eq!(plan.take("getMe"), None);
        assert_eq!(plan.take("sendMessage"), Some(Fault::NotModified));
        assert_eq!(plan.take("SENDMESSAGE"), Some(Fault::NotModified));
        assert_eq!(plan.take("sendMessage"), None);
    }
}
