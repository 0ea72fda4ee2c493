//! Order aggregate tests: given/when/then with cqrs-es' TestFramework, and
//! property tests over random command sequences.

use super::*;
use crate::actor::Actor;
use crate::address::Address;
use crate::catalog::fixtures::{catalog, eur};
use crate::catalog::{LineRequest, PricingError};
use crate::ids::{LineId, OrderId, UserId};
use chrono::{DateTime, TimeZone, Utc};
use cqrs_es::test::TestFramework;
use std::sync::Arc;

type Given = TestFramework<Order>;

const ALICE: UserId = UserId(1);
const BOB: UserId = UserId(2);
const STAFF: Actor = Actor::Staff(UserId(99));

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn id() -> OrderId {
    OrderId(uuid::Uuid::from_u128(7))
}

fn cmd(actor: Actor, action: OrderAction) -> OrderCommand {
    OrderCommand {
        actor,
        at: now(),
        action,
    }
}

fn alice(action: OrderAction) -> OrderCommand {
    cmd(Actor::Customer(ALICE), action)
}

fn menu() -> Arc<crate::catalog::Catalog> {
    Arc::new(catalog())
}

fn cola(qty: u32) -> LineRequest {
    LineRequest {
        item_id: "cola".into(),
        size: None,
        options: [("ice".to_string(), vec!["no-ice".to_string()])].into(),
        quantity: qty,
        note: None,
    }
}

fn pizza() -> LineRequest {
    LineRequest {
        item_id: "margherita".into(),
        size: None,
        options: Default::default(),
        quantity: 1,
        note: None,
    }
}

fn delivery() -> Fulfilment {
    Fulfilment::Delivery {
        address: Address {
            street: "Main St 1".into(),
            city: "Berlin".into(),
            postcode: None,
            details: None,
        },
        phone: None,
        comment: None,
    }
}

/// Runs commands from an empty order and returns the events, panicking on error.
fn history(cmds: Vec<OrderCommand>) -> Vec<OrderEvent> {
    let mut order = Order::default();
    let mut all = Vec::new();
    for c in cmds {
        for e in order.decide(c).expect("command accepted") {
            order.apply(e.clone());
            all.push(e);
        }
    }
    all
}

fn cart_with_cola() -> Vec<OrderEvent> {
    history(vec![alice(OrderAction::Create {
        order_id: id(),
        menu: menu(),
        items: vec![cola(2)],
    })])
}

fn checked_out(f: Fulfilment) -> Vec<OrderEvent> {
    history(vec![
        alice(OrderAction::Create {
            order_id: id(),
            menu: menu(),
            items: vec![cola(2)],
        }),
        alice(OrderAction::SetFulfilment { fulfilment: f }),
        alice(OrderAction::Checkout { menu: menu() }),
    ])
}

fn awaiting_payment(f: Fulfilment) -> Vec<OrderEvent> {
    let mut events = checked_out(f);
    events.push(OrderEvent::PaymentRequested {
        method: PaymentMethod::Provider,
        amount: total_of(&events),
        invoice_payload: "inv-1".into(),
        at: now(),
    });
    events
}

fn total_of(events: &[OrderEvent]) -> Money {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            OrderEvent::CheckedOut { total, .. } => Some(*total),
            _ => None,
        })
        .expect("checked out")
}

fn receipt(amount: Money, charge: &str) -> PaymentReceipt {
    PaymentReceipt {
        method: PaymentMethod::Provider,
        amount,
        telegram_charge_id: charge.into(),
        provider_charge_id: format!("prov-{charge}"),
    }
}

fn paid(f: Fulfilment) -> Vec<OrderEvent> {
    let mut events = awaiting_payment(f);
    events.push(OrderEvent::PaymentReceived {
        method: PaymentMethod::Provider,
        amount: total_of(&events),
        telegram_charge_id: "tg-1".into(),
        provider_charge_id: "prov-tg-1".into(),
        at: now(),
    });
    events
}

fn with(mut events: Vec<OrderEvent>, more: Vec<OrderEvent>) -> Vec<OrderEvent> {
    events.extend(more);
    events
}

#[test]
fn creating_an_order_with_items_prices_them_and_carries_the_subtotal() {
    let line = catalog().price(&cola(2)).unwrap();
    Given::with(())
        .given_no_previous_events()
        .when(alice(OrderAction::Create {
            order_id: id(),
            menu: menu(),
            items: vec![cola(2)],
        }))
        .then_expect_events(vec![
            OrderEvent::OrderCreated {
                order_id: id(),
                customer: ALICE,
                currency: "EUR".parse().unwrap(),
                at: now(),
            },
            OrderEvent::ItemAdded {
                line_id: LineId(1),
                item: line,
                subtotal: eur(600),
                at: now(),
            },
        ]);
}

#[test]
fn commands_on_an_order_that_does_not_exist_are_not_found() {
    Given::with(())
        .given_no_previous_events()
        .when(alice(OrderAction::AddItem {
            menu: menu(),
            item: cola(1),
        }))
        .then_expect_error(OrderError::NotFound);
}

#[test]
fn another_customer_cannot_touch_the_order() {
    Given::with(())
        .given(cart_with_cola())
        .when(cmd(
            Actor::Customer(BOB),
            OrderAction::RemoveItem { line: LineId(1) },
        ))
        .then_expect_error(OrderError::NotYourOrder);
}

#[test]
fn adding_an_unknown_item_is_refused() {
    Given::with(())
        .given(cart_with_cola())
        .when(alice(OrderAction::AddItem {
            menu: menu(),
            item: LineRequest {
                item_id: "sushi".into(),
                ..pizza()
            },
        }))
        .then_expect_error(OrderError::Pricing(PricingError::UnknownItem {
            item_id: "sushi".into(),
        }));
}

#[test]
fn changing_quantity_recomputes_line_total_and_subtotal() {
    Given::with(())
        .given(cart_with_cola())
        .when(alice(OrderAction::ChangeQuantity {
            line: LineId(1),
            quantity: 5,
        }))
        .then_expect_events(vec![OrderEvent::ItemQuantityChanged {
            line_id: LineId(1),
            quantity: 5,
            line_total: eur(1500),
            subtotal: eur(1500),
            at: now(),
        }]);
}

#[test]
fn removing_an_unknown_line_is_refused() {
    Given::with(())
        .given(cart_with_cola())
        .when(alice(OrderAction::RemoveItem { line: LineId(9) }))
        .then_expect_error(OrderError::UnknownLine(LineId(9)));
}

#[test]
fn checkout_of_an_empty_cart_is_refused() {
    let events = with(
        cart_with_cola(),
        vec![OrderEvent::ItemRemoved {
            line_id: LineId(1),
            subtotal: eur(0),
            at: now(),
        }],
    );
    Given::with(())
        .given(events)
        .when(alice(OrderAction::Checkout { menu: menu() }))
        .then_expect_error(OrderError::EmptyCart);
}

#[test]
fn checkout_needs_delivery_or_pickup() {
    Given::with(())
        .given(cart_with_cola())
        .when(alice(OrderAction::Checkout { menu: menu() }))
        .then_expect_error(OrderError::FulfilmentMissing);
}

#[test]
fn checkout_freezes_todays_prices_and_adds_the_delivery_fee() {
    let mut dearer = catalog();
    dearer.items[1].price = eur(350);
    let events = with(
        cart_with_cola(),
        vec![OrderEvent::FulfilmentChosen {
            fulfilment: delivery(),
            at: now(),
        }],
    );
    let result = Given::with(())
        .given(events)
        .when(alice(OrderAction::Checkout {
            menu: Arc::new(dearer),
        }))
        .inspect_result()
        .unwrap();
    match &result[..] {
        [OrderEvent::CheckedOut {
            subtotal,
            delivery_fee,
            total,
            lines,
            ..
        }] => {
            assert_eq!(*subtotal, eur(700));
            assert_eq!(*delivery_fee, eur(299));
            assert_eq!(*total, eur(999));
            assert_eq!(lines[0].item.unit_price, eur(350));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn checkout_refuses_items_that_became_unavailable() {
    let mut sold_out = catalog();
    sold_out.items[1].available = false;
    let events = with(
        cart_with_cola(),
        vec![OrderEvent::FulfilmentChosen {
            fulfilment: Fulfilment::pickup(),
            at: now(),
        }],
    );
    Given::with(())
        .given(events)
        .when(alice(OrderAction::Checkout {
            menu: Arc::new(sold_out),
        }))
        .then_expect_error(OrderError::ItemsUnavailable {
            problems: vec![(
                LineId(1),
                PricingError::ItemUnavailable {
                    item_id: "cola".into(),
                },
            )],
        });
}

#[test]
fn checkout_outside_the_opening_hours_is_refused_with_the_next_opening() {
    // now() is Saturday 2026-11-21, 12:00 UTC = 13:00 in Berlin.
    let with_hours = |saturday: &str| {
        let mut c = catalog();
        c.restaurant.hours = Some(
            serde_json::from_value(serde_json::json!({
                "time_zone": "Europe/Berlin",
                "saturday": [saturday],
                "monday": ["11:00-22:00"],
            }))
            .unwrap(),
        );
        Arc::new(c)
    };
    let pickup = with(
        cart_with_cola(),
        vec![OrderEvent::FulfilmentChosen {
            fulfilment: Fulfilment::pickup(),
            at: now(),
        }],
    );
    Given::with(())
        .given(pickup.clone())
        .when(alice(OrderAction::Checkout {
            menu: with_hours("17:00-23:00"),
        }))
        .then_expect_error(OrderError::Closed {
            opens_at: Some(Utc.with_ymd_and_hms(2026, 11, 21, 16, 0, 0).unwrap()),
        });
    let events = Given::with(())
        .given(pickup)
        .when(alice(OrderAction::Checkout {
            menu: with_hours("12:00-14:00"),
        }))
        .inspect_result()
        .unwrap();
    assert!(matches!(events[0], OrderEvent::CheckedOut { .. }));
}

#[test]
fn a_checked_out_order_cannot_be_edited() {
    Given::with(())
        .given(checked_out(Fulfilment::pickup()))
        .when(alice(OrderAction::AddItem {
            menu: menu(),
            item: cola(1),
        }))
        .then_expect_error(OrderError::InvalidTransition {
            status: OrderStatus::CheckedOut,
            action: "add items to",
        });
}

#[test]
fn stars_cannot_pay_for_food_priced_in_euros() {
    Given::with(())
        .given(checked_out(Fulfilment::pickup()))
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Stars,
            invoice_payload: "x".into(),
        }))
        .then_expect_error(OrderError::WrongPaymentMethod);
}

#[test]
fn a_payment_of_the_wrong_amount_is_refused() {
    Given::with(())
        .given(awaiting_payment(Fulfilment::pickup()))
        .when(cmd(
            Actor::System,
            OrderAction::RecordPayment {
                receipt: receipt(eur(1), "tg-1"),
            },
        ))
        .then_expect_error(OrderError::PaymentMismatch {
            expected: eur(600),
            got: eur(1),
        });
}

#[test]
fn the_same_payment_reported_twice_has_one_effect() {
    Given::with(())
        .given(paid(Fulfilment::pickup()))
        .when(cmd(
            Actor::System,
            OrderAction::RecordPayment {
                receipt: receipt(eur(600), "tg-1"),
            },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn a_payment_after_cancellation_is_recorded_and_refunded() {
    let events = with(
        awaiting_payment(Fulfilment::pickup()),
        vec![OrderEvent::OrderCancelled {
            by: Actor::Customer(ALICE),
            reason: None,
            at: now(),
        }],
    );
    let result = Given::with(())
        .given(events)
        .when(cmd(
            Actor::System,
            OrderAction::RecordPayment {
                receipt: receipt(eur(600), "tg-9"),
            },
        ))
        .inspect_result()
        .unwrap();
    assert!(matches!(result[0], OrderEvent::PaymentReceived { .. }));
    assert!(matches!(result[1], OrderEvent::RefundRequested { amount, .. } if amount == eur(600)));
}

#[test]
fn customers_cannot_accept_their_own_orders() {
    Given::with(())
        .given(paid(Fulfilment::pickup()))
        .when(alice(OrderAction::Accept {
            eta_minutes: Some(20),
        }))
        .then_expect_error(OrderError::StaffOnly);
}

#[test]
fn staff_rejection_of_a_paid_order_requests_a_refund() {
    Given::with(())
        .given(paid(Fulfilment::pickup()))
        .when(cmd(
            STAFF,
            OrderAction::Reject {
                reason: "kitchen closed".into(),
            },
        ))
        .then_expect_events(vec![
            OrderEvent::OrderRejected {
                by: STAFF,
                reason: "kitchen closed".into(),
                at: now(),
            },
            OrderEvent::RefundRequested {
                amount: eur(600),
                reason: "kitchen closed".into(),
                at: now(),
            },
        ]);
}

#[test]
fn a_delivery_goes_through_every_kitchen_step() {
    let mut order = Order::default();
    for e in paid(delivery()) {
        order.apply(e);
    }
    for action in [
        OrderAction::Accept {
            eta_minutes: Some(25),
        },
        OrderAction::StartPreparing,
        OrderAction::MarkReady,
        OrderAction::MarkOutForDelivery,
        OrderAction::MarkDelivered,
    ] {
        for e in order.decide(cmd(STAFF, action)).unwrap() {
            order.apply(e);
        }
    }
    assert_eq!(order.status, OrderStatus::Delivered);
}

#[test]
fn a_pickup_order_is_never_out_for_delivery() {
    let events = with(
        paid(Fulfilment::pickup()),
        vec![
            OrderEvent::OrderAccepted {
                by: STAFF,
                eta_minutes: None,
                ready_by: None,
                at: now(),
            },
            OrderEvent::OrderReady {
                by: STAFF,
                at: now(),
            },
        ],
    );
    Given::with(())
        .given(events)
        .when(cmd(STAFF, OrderAction::MarkOutForDelivery))
        .then_expect_error(OrderError::NotForDelivery);
}

#[test]
fn customers_cannot_cancel_after_acceptance() {
    let events = with(
        paid(Fulfilment::pickup()),
        vec![OrderEvent::OrderAccepted {
            by: STAFF,
            eta_minutes: None,
            ready_by: None,
            at: now(),
        }],
    );
    Given::with(())
        .given(events)
        .when(alice(OrderAction::Cancel { reason: None }))
        .then_expect_error(OrderError::InvalidTransition {
            status: OrderStatus::Accepted,
            action: "cancel",
        });
}

#[test]
fn staff_cancellation_needs_a_reason_and_refunds_a_paid_order() {
    let events = with(
        paid(Fulfilment::pickup()),
        vec![OrderEvent::OrderAccepted {
            by: STAFF,
            eta_minutes: None,
            ready_by: None,
            at: now(),
        }],
    );
    Given::with(())
        .given(events.clone())
        .when(cmd(STAFF, OrderAction::Cancel { reason: None }))
        .then_expect_error(OrderError::ReasonRequired);
    Given::with(())
        .given(events)
        .when(cmd(
            STAFF,
            OrderAction::Cancel {
                reason: Some("no driver".into()),
            },
        ))
        .then_expect_events(vec![
            OrderEvent::OrderCancelled {
                by: STAFF,
                reason: Some("no driver".into()),
                at: now(),
            },
            OrderEvent::RefundRequested {
                amount: eur(600),
                reason: "no driver".into(),
                at: now(),
            },
        ]);
}

#[test]
fn a_refund_must_match_the_requested_amount_and_completes_once() {
    let events = with(
        paid(Fulfilment::pickup()),
        vec![OrderEvent::RefundRequested {
            amount: eur(600),
            reason: "x".into(),
            at: now(),
        }],
    );
    Given::with(())
        .given(events.clone())
        .when(cmd(
            STAFF,
            OrderAction::RecordRefund {
                amount: eur(500),
                telegram_charge_id: "tg-1".into(),
            },
        ))
        .then_expect_error(OrderError::RefundMismatch {
            expected: eur(600),
            got: eur(500),
        });
    let done = with(
        events,
        vec![OrderEvent::RefundCompleted {
            amount: eur(600),
            telegram_charge_id: "tg-1".into(),
            at: now(),
        }],
    );
    Given::with(())
        .given(done)
        .when(cmd(
            STAFF,
            OrderAction::RecordRefund {
                amount: eur(600),
                telegram_charge_id: "tg-1".into(),
            },
        ))
        .then_expect_events(vec![]);
}

#[test]
fn reorder_uses_todays_prices_and_reports_what_is_gone() {
    let mut today = catalog();
    today.items[1].price = eur(320);
    let lines = vec![
        cola(1),
        LineRequest {
            item_id: "pumpkin-pie".into(),
            ..pizza()
        },
    ];
    let result = Given::with(())
        .given_no_previous_events()
        .when(alice(OrderAction::Reorder {
            order_id: id(),
            source: OrderId(uuid::Uuid::from_u128(1)),
            lines,
            menu: Arc::new(today),
        }))
        .inspect_result()
        .unwrap();
    match &result[..] {
        [OrderEvent::OrderCreated { .. }, OrderEvent::ReorderedFrom { unavailable, .. }, OrderEvent::ItemAdded { item, subtotal, .. }] =>
        {
            assert_eq!(unavailable[0].item_id, "pumpkin-pie");
            assert_eq!(
                unavailable[0].reason,
                PricingError::ItemUnavailable {
                    item_id: "pumpkin-pie".into()
                }
            );
            assert_eq!(item.unit_price, eur(320));
            assert_eq!(*subtotal, eur(320));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn reorder_with_nothing_available_is_refused() {
    Given::with(())
        .given_no_previous_events()
        .when(alice(OrderAction::Reorder {
            order_id: id(),
            source: OrderId(uuid::Uuid::from_u128(1)),
            lines: vec![LineRequest {
                item_id: "pumpkin-pie".into(),
                ..pizza()
            }],
            menu: menu(),
        }))
        .then_expect_error(OrderError::NothingToReorder);
}

#[test]
fn every_event_type_is_listed_and_round_trips_through_json() {
    let mut events = paid(delivery());
    events.push(OrderEvent::CartReopened { at: now() });
    for e in &events {
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(serde_json::from_value::<OrderEvent>(json).unwrap(), *e);
        assert!(OrderEvent::TYPES.contains(&cqrs_es::DomainEvent::event_type(e).as_str()));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_action() -> impl Strategy<Value = (u8, OrderAction)> {
        let m = menu();
        prop_oneof![
            (0u8..3, 1u32..4).prop_map({
                let m = m.clone();
                move |(who, q)| {
                    (
                        who,
                        OrderAction::AddItem {
                            menu: m.clone(),
                            item: cola(q),
                        },
                    )
                }
            }),
            (0u8..3).prop_map({
                let m = m.clone();
                move |who| {
                    (
                        who,
                        OrderAction::AddItem {
                            menu: m.clone(),
                            item: pizza(),
                        },
                    )
                }
            }),
            (0u8..3, 1u32..4, 0u32..60).prop_map(|(who, l, q)| (
                who,
                OrderAction::ChangeQuantity {
                    line: LineId(l),
                    quantity: q
                }
            )),
            (0u8..3, 1u32..4)
                .prop_map(|(who, l)| (who, OrderAction::RemoveItem { line: LineId(l) })),
            (0u8..3, any::<bool>()).prop_map(|(who, d)| (
                who,
                OrderAction::SetFulfilment {
                    fulfilment: if d { delivery() } else { Fulfilment::pickup() }
                }
            )),
            (0u8..3).prop_map({
                let m = m.clone();
                move |who| (who, OrderAction::Checkout { menu: m.clone() })
            }),
            (0u8..3).prop_map(|who| (who, OrderAction::ReopenCart)),
            (0u8..3).prop_map(|who| (
                who,
                OrderAction::RequestPayment {
                    method: PaymentMethod::Provider,
                    invoice_payload: "p".into()
                }
            )),
            (0u8..3, 0i64..2000).prop_map(|(who, a)| (
                who,
                OrderAction::RecordPayment {
                    receipt: receipt(eur(a), "tg")
                }
            )),
            (0u8..3).prop_map(|who| (who, OrderAction::Accept { eta_minutes: None })),
            (0u8..3).prop_map(|who| (who, OrderAction::StartPreparing)),
            (0u8..3).prop_map(|who| (who, OrderAction::MarkReady)),
            (0u8..3).prop_map(|who| (who, OrderAction::MarkOutForDelivery)),
            (0u8..3).prop_map(|who| (who, OrderAction::MarkDelivered)),
            (0u8..3).prop_map(|who| (who, OrderAction::MarkPickedUp)),
            (0u8..3, any::<bool>()).prop_map(|(who, r)| (
                who,
                OrderAction::Cancel {
                    reason: r.then(|| "why".to_string())
                }
            )),
            (0u8..3).prop_map(|who| (
                who,
                OrderAction::Reject {
                    reason: "no".into()
                }
            )),
            (0u8..3).prop_map(|who| (who, OrderAction::RequestRefund { reason: "r".into() })),
            (0u8..3, 0i64..2000).prop_map(|(who, a)| (
                who,
                OrderAction::RecordRefund {
                    amount: eur(a),
                    telegram_charge_id: "r".into()
                }
            )),
        ]
    }

    fn actor(who: u8) -> Actor {
        match who {
            0 => Actor::Customer(ALICE),
            1 => Actor::Customer(BOB),
            _ => STAFF,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever commands arrive, accepted ones yield events that apply cleanly,
        /// money never goes negative, a paid order's total equals the payment, and
        /// nobody but Alice (the owner) or staff ever changed the order.
        #[test]
        fn accepted_commands_keep_the_order_consistent(actions in prop::collection::vec(any_action(), 0..40)) {
            let mut order = Order::default();
            for e in order.decide(alice(OrderAction::Create { order_id: id(), menu: menu(), items: vec![] })).unwrap() {
                order.apply(e);
            }
            for (who, action) in actions {
                let by = actor(who);
                let before = order.clone();
                match order.decide(cmd(by, action)) {
                    Ok(events) => {
                        prop_assert!(by != Actor::Customer(BOB) || events.is_empty(), "Bob changed Alice's order");
                        for e in events {
                            if let OrderEvent::ItemAdded { subtotal, .. }
                            | OrderEvent::ItemQuantityChanged { subtotal, .. }
                            | OrderEvent::ItemRemoved { subtotal, .. } = &e {
                                prop_assert!(subtotal.amount >= 0);
                            }
                            order.apply(e);
                        }
                        prop_assert_eq!(order.subtotal().amount, order.lines.iter().map(|l| l.item.line_total.amount).sum::<i64>());
                    }
                    Err(_) => prop_assert_eq!(&order, &before),
                }
                if let Some(t) = &order.totals {
                    prop_assert!(t.subtotal.amount >= 0 && t.total.amount >= t.subtotal.amount);
                }
                if let (Some(p), OrderStatus::Paid) = (&order.payment, order.status) {
                    prop_assert_eq!(Some(p.amount), order.totals.as_ref().map(|t| t.total));
                }
            }
        }
    }
}

fn gift_card(qty: u32) -> LineRequest {
    LineRequest {
        item_id: "gift-card".into(),
        size: None,
        options: Default::default(),
        quantity: qty,
        note: None,
    }
}

fn stars(amount: i64) -> Money {
    Money::new(amount, crate::money::STARS)
}

#[test]
fn an_order_of_digital_items_only_is_checked_out_in_stars_without_fulfilment() {
    let events = history(vec![
        alice(OrderAction::Create {
            order_id: id(),
            menu: menu(),
            items: vec![gift_card(2)],
        }),
        alice(OrderAction::Checkout { menu: menu() }),
    ]);
    let OrderEvent::CheckedOut {
        lines,
        subtotal,
        delivery_fee,
        total,
        ..
    } = events.last().unwrap()
    else {
        panic!("checked out: {events:?}")
    };
    assert_eq!(lines[0].item.unit_price, stars(500));
    assert_eq!(lines[0].item.line_total, stars(1000));
    assert_eq!(*subtotal, stars(1000));
    assert_eq!(*delivery_fee, stars(0));
    assert_eq!(*total, stars(1000));
    // Paid in Stars, and only in Stars.
    Given::with(())
        .given(events.clone())
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Provider,
            invoice_payload: "x".into(),
        }))
        .then_expect_error(OrderError::WrongPaymentMethod);
    Given::with(())
        .given(events)
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Stars,
            invoice_payload: "x".into(),
        }))
        .then_expect_events(vec![OrderEvent::PaymentRequested {
            method: PaymentMethod::Stars,
            amount: stars(1000),
            invoice_payload: "x".into(),
            at: now(),
        }]);
}

#[test]
fn an_order_mixing_digital_items_and_food_is_refused_at_checkout() {
    let cart = history(vec![
        alice(OrderAction::Create {
            order_id: id(),
            menu: menu(),
            items: vec![gift_card(1), cola(1)],
        }),
        alice(OrderAction::SetFulfilment {
            fulfilment: Fulfilment::pickup(),
        }),
    ]);
    Given::with(())
        .given(cart)
        .when(alice(OrderAction::Checkout { menu: menu() }))
        .then_expect_error(OrderError::MixedDigitalAndPhysical);
}

#[test]
fn a_reopened_stars_checkout_goes_on_in_the_menus_currency() {
    let events = history(vec![
        alice(OrderAction::Create {
            order_id: id(),
            menu: menu(),
            items: vec![gift_card(1)],
        }),
        alice(OrderAction::Checkout { menu: menu() }),
        alice(OrderAction::ReopenCart),
        alice(OrderAction::AddItem {
            menu: menu(),
            item: gift_card(1),
        }),
    ]);
    let mut order = Order::default();
    for e in events {
        order.apply(e);
    }
    assert_eq!(order.subtotal(), eur(2000));
    assert_eq!(order.checkouts, 1);
}

#[test]
fn every_checkout_is_counted() {
    let mut order = Order::default();
    for e in checked_out(Fulfilment::pickup()) {
        order.apply(e);
    }
    assert_eq!(order.checkouts, 1);
    for action in [
        OrderAction::ReopenCart,
        OrderAction::Checkout { menu: menu() },
    ] {
        for e in order.decide(alice(action)).unwrap() {
            order.apply(e);
        }
    }
    assert_eq!(order.checkouts, 2);
}

#[test]
fn a_cart_cannot_be_invoiced_before_checkout() {
    Given::with(())
        .given(cart_with_cola())
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Provider,
            invoice_payload: "x".into(),
        }))
        .then_expect_error(OrderError::NotCheckedOut);
}

#[test]
fn a_paid_order_cannot_be_invoiced_again() {
    Given::with(())
        .given(paid(Fulfilment::pickup()))
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Provider,
            invoice_payload: "inv-1".into(),
        }))
        .then_expect_error(OrderError::AlreadyPaid);
}

#[test]
fn the_same_invoice_asked_for_again_stands_as_it_is() {
    Given::with(())
        .given(awaiting_payment(Fulfilment::pickup()))
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Provider,
            invoice_payload: "inv-1".into(),
        }))
        .then_expect_events(vec![]);
    // Another payload (another checkout's) is a new invoice.
    let events = awaiting_payment(Fulfilment::pickup());
    let amount = total_of(&events);
    Given::with(())
        .given(events)
        .when(alice(OrderAction::RequestPayment {
            method: PaymentMethod::Provider,
            invoice_payload: "inv-2".into(),
        }))
        .then_expect_events(vec![OrderEvent::PaymentRequested {
            method: PaymentMethod::Provider,
            amount,
            invoice_payload: "inv-2".into(),
            at: now(),
        }]);
}

mod fulfilment;
