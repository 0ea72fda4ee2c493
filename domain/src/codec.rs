//! One decoder for stored events, shared by the write side (loading an
//! aggregate for a command) and the read side (the projector, audits, `order
//! show --as-of`).
//!
//! A stored event is (aggregate type, event type, event version, payload). The
//! version says which shape the payload has: the shape the code writes today
//! (its *current* version) or an older one. An older payload is brought up to
//! date by the aggregate's registered [`Upcaster`]s, one step per version, in
//! memory; the stored row is never rewritten. The payload of the current version
//! is read straight from its text into the typed event, with no JSON tree in
//! between, so the common case costs what it did before there were versions.
//!
//! Nothing is guessed: an unknown aggregate type, event type or version, a
//! payload of another shape, or a payload that names another event than its row
//! is a [`DecodeError`] that says which, never a default. Callers add where the
//! row is (position, aggregate id, sequence).
//!
//! Pure: serde only, no IO.

use crate::order::OrderEvent;
use crate::stoplist::StopListEvent;
use crate::user::UserEvent;
use cqrs_es::DomainEvent;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A stored payload, as the store hands it over: text (the read side reads
/// `payload::text`) or an already parsed JSON value (cqrs-es' repositories).
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    Text(&'a str),
    Json(&'a Value),
}

/// Turns the fields of one event type from one version's shape into the next
/// version's. It gets the object inside `{"<event_type>": {…}}` and changes it
/// in place; an error says what in the old payload made that impossible.
#[derive(Debug, Clone, Copy)]
pub struct Upcaster {
    pub event_type: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub upcast: fn(&mut Map<String, Value>) -> Result<(), String>,
}

/// The events of one aggregate type, as the decoder needs to know them.
pub trait VersionedEvent: DeserializeOwned {
    /// The `aggregate_type` column of the aggregate's rows.
    const AGGREGATE_TYPE: &'static str;
    /// Every upcaster of the aggregate's events, each from one old version.
    const UPCASTERS: &'static [Upcaster];
    /// The version this code writes for `event_type`, or `None` when the
    /// aggregate has no such event.
    fn current_version(event_type: &str) -> Option<&'static str>;
    /// This event's stable type string, without allocating.
    fn name(&self) -> &'static str;
}

/// An event that could not be decoded, with what was asked for and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{aggregate_type} event {event_type} version {version:?}: {cause}")]
pub struct DecodeError {
    pub aggregate_type: String,
    pub event_type: String,
    pub version: String,
    pub cause: DecodeCause,
}

/// Why an event could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeCause {
    #[error("unknown aggregate type")]
    UnknownAggregateType,
    #[error("the aggregate has no such event type")]
    UnknownEventType,
    #[error("unknown version: this server writes {current} and has no upcaster from it")]
    UnknownVersion { current: &'static str },
    #[error("the payload does not have the version's shape: {0}")]
    Malformed(String),
    #[error("upcasting from version {from} failed: {message}")]
    Upcast { from: &'static str, message: String },
    #[error("the payload holds a {found} event")]
    TypeMismatch { found: String },
}

/// A decoded event of any aggregate.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Order(OrderEvent),
    User(UserEvent),
    StopList(StopListEvent),
}

/// Decodes a stored event of any aggregate type (the read side).
pub fn decode(
    aggregate_type: &str,
    event_type: &str,
    version: &str,
    payload: Payload<'_>,
) -> Result<Decoded, DecodeError> {
    match aggregate_type {
        OrderEvent::AGGREGATE_TYPE => {
            decode_event::<OrderEvent>(event_type, version, payload).map(Decoded::Order)
        }
        UserEvent::AGGREGATE_TYPE => {
            decode_event::<UserEvent>(event_type, version, payload).map(Decoded::User)
        }
        StopListEvent::AGGREGATE_TYPE => {
            decode_event::<StopListEvent>(event_type, version, payload).map(Decoded::StopList)
        }
        other => Err(unknown_aggregate(other, event_type, version)),
    }
}

/// Decodes a stored event of aggregate `E`, upcasting an old version.
pub fn decode_event<E: VersionedEvent>(
    event_type: &str,
    version: &str,
    payload: Payload<'_>,
) -> Result<E, DecodeError> {
    let versions = Versions::of::<E>();
    decode_with(&versions, event_type, version, payload, |e: &E| {
        Cow::Borrowed(e.name())
    })
}

/// Decodes a stored event of the aggregate whose `aggregate_type` is
/// `aggregate_type` into its event type `E` (the write side, which knows the
/// aggregate only as a cqrs-es `Aggregate`: `E` is its `Event`, and the
/// versions and upcasters are looked up by the type string).
pub fn decode_for<E: DomainEvent>(
    aggregate_type: &str,
    event_type: &str,
    version: &str,
    payload: Payload<'_>,
) -> Result<E, DecodeError> {
    let versions = match aggregate_type {
        OrderEvent::AGGREGATE_TYPE => Versions::of::<OrderEvent>(),
        UserEvent::AGGREGATE_TYPE => Versions::of::<UserEvent>(),
        StopListEvent::AGGREGATE_TYPE => Versions::of::<StopListEvent>(),
        other => return Err(unknown_aggregate(other, event_type, version)),
    };
    decode_with(&versions, event_type, version, payload, |e: &E| {
        Cow::Owned(e.event_type())
    })
}

fn unknown_aggregate(aggregate_type: &str, event_type: &str, version: &str) -> DecodeError {
    DecodeError {
        aggregate_type: aggregate_type.to_string(),
        event_type: event_type.to_string(),
        version: version.to_string(),
        cause: DecodeCause::UnknownAggregateType,
    }
}

/// What the decoder needs to know of one aggregate's events.
struct Versions {
    aggregate_type: &'static str,
    current_version: fn(&str) -> Option<&'static str>,
    upcasters: &'static [Upcaster],
}

impl Versions {
    fn of<E: VersionedEvent>() -> Versions {
        Versions {
            aggregate_type: E::AGGREGATE_TYPE,
            current_version: E::current_version,
            upcasters: E::UPCASTERS,
        }
    }
}

/// The decoder proper; `name_of` gives a decoded event's type string.
fn decode_with<E: DeserializeOwned>(
    versions: &Versions,
    event_type: &str,
    version: &str,
    payload: Payload<'_>,
    name_of: impl Fn(&E) -> Cow<'static, str>,
) -> Result<E, DecodeError> {
    let fail = |cause| DecodeError {
        aggregate_type: versions.aggregate_type.to_string(),
        event_type: event_type.to_string(),
        version: version.to_string(),
        cause,
    };
    let malformed = |e: serde_json::Error| fail(DecodeCause::Malformed(e.to_string()));
    let current = (versions.current_version)(event_type)
        .ok_or_else(|| fail(DecodeCause::UnknownEventType))?;
    let event: E = if version == current {
        match payload {
            Payload::Text(text) => serde_json::from_str(text).map_err(malformed)?,
            Payload::Json(value) => E::deserialize(value).map_err(malformed)?,
        }
    } else {
        // Only old rows pay for a JSON tree: the upcasters edit one.
        let mut value: Value = match payload {
            Payload::Text(text) => serde_json::from_str(text).map_err(malformed)?,
            Payload::Json(value) => value.clone(),
        };
        upcast(versions.upcasters, event_type, version, current, &mut value).map_err(fail)?;
        serde_json::from_value(value).map_err(malformed)?
    };
    // The payload names its event too; a row that says one thing and holds
    // another is corrupt, not an event of either type.
    let found = name_of(&event);
    if found != event_type {
        return Err(fail(DecodeCause::TypeMismatch {
            found: found.into_owned(),
        }));
    }
    Ok(event)
}

/// Runs the upcasters from `version` up to `current` on `value`.
fn upcast(
    upcasters: &[Upcaster],
    event_type: &str,
    version: &str,
    current: &'static str,
    value: &mut Value,
) -> Result<(), DecodeCause> {
    let fields = value
        .get_mut(event_type)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| DecodeCause::Malformed(format!("expected {{\"{event_type}\": {{…}}}}")))?;
    let mut at = version;
    // Every step leaves a version behind, so there are at most as many steps as
    // upcasters; the bound keeps a wrongly registered cycle from looping.
    for _ in 0..=upcasters.len() {
        if at == current {
            return Ok(());
        }
        let step = upcasters
            .iter()
            .find(|u| u.event_type == event_type && u.from == at)
            .ok_or(DecodeCause::UnknownVersion { current })?;
        (step.upcast)(fields).map_err(|message| DecodeCause::Upcast {
            from: step.from,
            message,
        })?;
        at = step.to;
    }
    Err(DecodeCause::UnknownVersion { current })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATED: &str = r#"{"OrderCreated":{"order_id":"7f0c7d3e-0d6b-4f3a-9a53-2f1f7c1f5e10","customer":5,"currency":"EUR","at":"2026-11-30T12:00:00Z"}}"#;

    fn cause(r: Result<Decoded, DecodeError>) -> DecodeCause {
        match r {
            Err(e) => e.cause,
            Ok(ev) => panic!("decoded {ev:?}"),
        }
    }

    #[test]
    fn a_current_event_decodes_from_text_and_from_json_alike() {
        let value: Value = serde_json::from_str(CREATED).unwrap();
        let a = decode("Order", "OrderCreated", "1.0", Payload::Text(CREATED)).unwrap();
        let b = decode("Order", "OrderCreated", "1.0", Payload::Json(&value)).unwrap();
        assert_eq!(a, b);
        assert!(matches!(a, Decoded::Order(OrderEvent::OrderCreated { .. })));
    }

    #[test]
    fn unknown_aggregate_event_type_and_version_are_errors_that_say_which() {
        let text = Payload::Text(CREATED);
        assert_eq!(
            cause(decode("Invoice", "OrderCreated", "1.0", text)),
            DecodeCause::UnknownAggregateType
        );
        assert_eq!(
            cause(decode("Order", "OrderShredded", "1.0", text)),
            DecodeCause::UnknownEventType
        );
        assert_eq!(
            cause(decode("Order", "OrderCreated", "0.3", text)),
            DecodeCause::UnknownVersion { current: "1.0" }
        );
        // A newer server's rows are not read as if they were this one's.
        assert_eq!(
            cause(decode("Order", "OrderCreated", "9.0", text)),
            DecodeCause::UnknownVersion { current: "1.0" }
        );
        let err = decode("Order", "OrderCreated", "0.3", text).unwrap_err();
        assert!(err
            .to_string()
            .contains("Order event OrderCreated version \"0.3\""));
    }

    #[test]
    fn a_row_whose_type_disagrees_with_its_payload_is_refused() {
        assert_eq!(
            cause(decode(
                "Order",
                "CartReopened",
                "1.0",
                Payload::Text(CREATED)
            )),
            DecodeCause::TypeMismatch {
                found: "OrderCreated".into()
            }
        );
    }

    #[test]
    fn a_payload_of_another_shape_is_malformed_not_defaulted() {
        let text = r#"{"OrderCreated":{"order_id":"x"}}"#;
        assert!(matches!(
            cause(decode("Order", "OrderCreated", "1.0", Payload::Text(text))),
            DecodeCause::Malformed(_)
        ));
        assert!(matches!(
            cause(decode(
                "User",
                "BotBlocked",
                "1.0",
                Payload::Text("not json")
            )),
            DecodeCause::Malformed(_)
        ));
    }
}
