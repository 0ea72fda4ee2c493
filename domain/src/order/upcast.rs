//! Upcasters of order events: how a payload stored in an older shape is read
//! as the event the code has today (`crate::codec` runs them; stored rows are
//! never rewritten). docs/events.md lists each version of each event.
//!
//! `OrderAccepted` 1.0 → 1.1: version 1.1 carries `ready_by`, the time the
//! customer was promised (`at` plus `eta_minutes`). Before, every reader that
//! wanted to show "ready by 12:45" added the minutes itself, to whichever time
//! it had at hand (the business time, the row's `recorded_at`, the time the
//! notification was sent), so the Mini App, the bot and the analysts could show
//! three different promises for one order. A 1.0 payload has everything the
//! new field is made of, so the upcaster works it out exactly as the decision
//! does today.

use crate::codec::Upcaster;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The shape of `OrderAccepted` this code writes.
pub const ORDER_ACCEPTED_VERSION: &str = "1.1";

/// Every upcaster of order events.
pub(super) const UPCASTERS: &[Upcaster] = &[Upcaster {
    event_type: "OrderAccepted",
    from: "1.0",
    to: "1.1",
    upcast: order_accepted_1_0,
}];

/// The promised time: `at` plus `eta_minutes` minutes. `None` only when the
/// sum is past the last time chrono can represent, which no business time of
/// this era reaches with a `u32` of minutes.
pub(super) fn ready_by(at: DateTime<Utc>, eta_minutes: u32) -> Option<DateTime<Utc>> {
    at.checked_add_signed(TimeDelta::minutes(i64::from(eta_minutes)))
}

/// `OrderAccepted` 1.0 had `by`, `eta_minutes` and `at`; 1.1 adds `ready_by`.
fn order_accepted_1_0(fields: &mut Map<String, Value>) -> Result<(), String> {
    let at = fields.get("at").ok_or("no `at`")?;
    let at = DateTime::<Utc>::deserialize(at).map_err(|e| format!("`at`: {e}"))?;
    // A missing estimate reads as none, as serde reads a missing `Option`.
    let eta: Option<u32> = match fields.get("eta_minutes") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|m| u32::try_from(m).ok())
                .ok_or_else(|| format!("`eta_minutes` is not a count of minutes: {v}"))?,
        ),
    };
    let ready = eta
        .map(|m| ready_by(at, m).ok_or("`at` plus `eta_minutes` is out of range"))
        .transpose()?;
    let value = serde_json::to_value(ready).map_err(|e| e.to_string())?;
    fields.insert("ready_by".into(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::codec::{decode, DecodeCause, Decoded, Payload};
    use crate::order::OrderEvent;
    use crate::{Actor, UserId};
    use chrono::{TimeZone, Utc};
    use cqrs_es::DomainEvent;

    /// `OrderAccepted` as a server before version 1.1 wrote it.
    const ACCEPTED_1_0: &str = r#"{"OrderAccepted":{"by":{"kind":"staff","user_id":900},"eta_minutes":20,"at":"2026-11-30T12:25:00.5Z"}}"#;

    #[test]
    fn an_order_accepted_1_0_reads_with_the_promised_time_worked_out() {
        let got = decode("Order", "OrderAccepted", "1.0", Payload::Text(ACCEPTED_1_0)).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 12, 25, 0).unwrap()
            + chrono::TimeDelta::milliseconds(500);
        assert_eq!(
            got,
            Decoded::Order(OrderEvent::OrderAccepted {
                by: Actor::Staff(UserId(900)),
                eta_minutes: Some(20),
                ready_by: Some(at + chrono::TimeDelta::minutes(20)),
                at,
            })
        );
    }

    #[test]
    fn an_order_accepted_1_0_without_an_estimate_promises_nothing() {
        let text = r#"{"OrderAccepted":{"by":{"kind":"system"},"eta_minutes":null,"at":"2026-11-30T12:25:00Z"}}"#;
        let Decoded::Order(OrderEvent::OrderAccepted { ready_by, .. }) =
            decode("Order", "OrderAccepted", "1.0", Payload::Text(text)).unwrap()
        else {
            panic!("not an OrderAccepted");
        };
        assert_eq!(ready_by, None);
    }

    #[test]
    fn a_broken_1_0_payload_is_an_upcast_error_not_a_default() {
        let text = r#"{"OrderAccepted":{"by":{"kind":"system"},"eta_minutes":-3,"at":"2026-11-30T12:25:00Z"}}"#;
        let err = decode("Order", "OrderAccepted", "1.0", Payload::Text(text)).unwrap_err();
        assert!(
            matches!(err.cause, DecodeCause::Upcast { from: "1.0", .. }),
            "{err}"
        );
    }

    #[test]
    fn the_current_shape_round_trips_at_its_version() {
        let at = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let ev = OrderEvent::OrderAccepted {
            by: Actor::System,
            eta_minutes: Some(5),
            ready_by: Some(at + chrono::TimeDelta::minutes(5)),
            at,
        };
        let text = serde_json::to_string(&ev).unwrap();
        assert_eq!(ev.event_version(), "1.1");
        let back = decode(
            "Order",
            "OrderAccepted",
            &ev.event_version(),
            Payload::Text(&text),
        );
        assert_eq!(back.unwrap(), Decoded::Order(ev));
    }

    #[test]
    fn every_order_event_type_has_a_current_version() {
        for name in OrderEvent::TYPES {
            assert!(OrderEvent::current_version(name).is_some(), "{name}");
        }
    }
}
