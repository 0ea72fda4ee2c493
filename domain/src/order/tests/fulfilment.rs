//! How the customer gets the food: pickup with a phone, a comment to the
//! restaurant with either choice, both checked as delivery details are, and
//! fulfilments stored before those fields existed still read.

use super::*;
use crate::address::{AddressError, MAX_COMMENT_CHARS};
use crate::codec::{decode, Decoded, Payload};

fn pickup(phone: Option<&str>, comment: Option<&str>) -> Fulfilment {
    Fulfilment::Pickup {
        phone: phone.map(Into::into),
        comment: comment.map(Into::into),
    }
}

fn set(fulfilment: Fulfilment) -> OrderCommand {
    alice(OrderAction::SetFulfilment { fulfilment })
}

#[test]
fn pickup_takes_a_phone_and_a_comment_trimmed() {
    Given::with(())
        .given(cart_with_cola())
        .when(set(pickup(
            Some("  +49 30 1234567 "),
            Some("  Ring twice,\r\nno cutlery  "),
        )))
        .then_expect_events(vec![OrderEvent::FulfilmentChosen {
            fulfilment: pickup(Some("+49 30 1234567"), Some("Ring twice,\nno cutlery")),
            at: now(),
        }]);
}

#[test]
fn an_empty_phone_or_comment_is_none() {
    Given::with(())
        .given(cart_with_cola())
        .when(set(pickup(Some("   "), Some(" \n "))))
        .then_expect_events(vec![OrderEvent::FulfilmentChosen {
            fulfilment: Fulfilment::pickup(),
            at: now(),
        }]);
}

#[test]
fn a_pickup_phone_is_checked_as_a_delivery_phone_is() {
    for fulfilment in [
        pickup(Some("call me"), None),
        Fulfilment::Delivery {
            address: delivery_address(),
            phone: Some("call me".into()),
            comment: None,
        },
    ] {
        Given::with(())
            .given(cart_with_cola())
            .when(set(fulfilment))
            .then_expect_error(OrderError::InvalidFulfilment(AddressError::BadPhone));
    }
}

#[test]
fn a_comment_longer_than_the_limit_is_refused_with_either_choice() {
    let long = "x".repeat(MAX_COMMENT_CHARS + 1);
    for fulfilment in [
        pickup(None, Some(&long)),
        Fulfilment::Delivery {
            address: delivery_address(),
            phone: None,
            comment: Some(long.clone()),
        },
    ] {
        Given::with(())
            .given(cart_with_cola())
            .when(set(fulfilment))
            .then_expect_error(OrderError::InvalidFulfilment(
                AddressError::CommentTooLong {
                    max: MAX_COMMENT_CHARS,
                },
            ));
    }
    let longest = "x".repeat(MAX_COMMENT_CHARS);
    let events = Given::with(())
        .given(cart_with_cola())
        .when(set(pickup(None, Some(&longest))))
        .inspect_result()
        .unwrap();
    assert_eq!(events.len(), 1);
}

#[test]
fn a_comment_with_control_characters_is_refused() {
    Given::with(())
        .given(cart_with_cola())
        .when(set(pickup(None, Some("ring\u{1b}[2J twice"))))
        .then_expect_error(OrderError::InvalidFulfilment(
            AddressError::CommentUnprintable,
        ));
}

#[test]
fn a_changed_comment_is_a_new_choice_and_the_same_one_again_is_nothing() {
    let chosen = with(
        cart_with_cola(),
        vec![OrderEvent::FulfilmentChosen {
            fulfilment: pickup(None, Some("no cutlery")),
            at: now(),
        }],
    );
    Given::with(())
        .given(chosen.clone())
        .when(set(pickup(None, Some(" no cutlery "))))
        .then_expect_events(vec![]);
    Given::with(())
        .given(chosen)
        .when(set(pickup(None, Some("extra napkins"))))
        .then_expect_events(vec![OrderEvent::FulfilmentChosen {
            fulfilment: pickup(None, Some("extra napkins")),
            at: now(),
        }]);
}

#[test]
fn the_comment_cannot_change_once_checked_out() {
    Given::with(())
        .given(checked_out(pickup(None, Some("no cutlery"))))
        .when(set(pickup(None, Some("extra napkins"))))
        .then_expect_error(OrderError::InvalidTransition {
            status: OrderStatus::CheckedOut,
            action: "change delivery of",
        });
}

#[test]
fn fulfilments_stored_before_phone_and_comment_read_as_having_none() {
    let stored = [
        (
            r#"{"FulfilmentChosen":{"fulfilment":{"kind":"pickup"},"at":"2026-11-21T12:00:00Z"}}"#,
            Fulfilment::pickup(),
        ),
        (
            r#"{"FulfilmentChosen":{"fulfilment":{"kind":"delivery","address":{"street":"Main St 1","city":"Berlin","postcode":null,"details":null},"phone":"+49 30 1234567"},"at":"2026-11-21T12:00:00Z"}}"#,
            Fulfilment::Delivery {
                address: delivery_address(),
                phone: Some("+49 30 1234567".into()),
                comment: None,
            },
        ),
    ];
    for (text, fulfilment) in stored {
        let got = decode("Order", "FulfilmentChosen", "1.0", Payload::Text(text)).unwrap();
        assert_eq!(
            got,
            Decoded::Order(OrderEvent::FulfilmentChosen {
                fulfilment,
                at: now()
            })
        );
    }
}

#[test]
fn a_fulfilment_without_phone_or_comment_is_stored_as_before() {
    // Stored events and idempotency fingerprints of such a choice do not change.
    assert_eq!(
        serde_json::to_value(Fulfilment::pickup()).unwrap(),
        serde_json::json!({ "kind": "pickup" })
    );
    assert_eq!(
        serde_json::to_value(delivery()).unwrap(),
        serde_json::json!({ "kind": "delivery", "phone": null,
            "address": { "street": "Main St 1", "city": "Berlin", "postcode": null, "details": null } })
    );
    let full = pickup(Some("+49 30 1234567"), Some("no cutlery"));
    let text = serde_json::to_string(&full).unwrap();
    assert_eq!(serde_json::from_str::<Fulfilment>(&text).unwrap(), full);
}

fn delivery_address() -> Address {
    match delivery() {
        Fulfilment::Delivery { address, .. } => address,
        Fulfilment::Pickup { .. } => unreachable!("delivery() delivers"),
    }
}
