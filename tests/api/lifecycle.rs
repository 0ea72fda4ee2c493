//! The whole order lifecycle through the application layer (staff and payment
//! steps have no Mini App endpoint: the bot and Telegram's payment updates drive
//! them), against the real database.

use crate::helpers::*;
use foodbot::app::AppError;
use foodbot_domain::order::{OrderAction, OrderError, OrderStatus};
use foodbot_domain::{Actor, OrderId, UserId};

crate::both_stores!(an_order_goes_from_cart_to_delivery_and_a_rejection_is_refunded);

async fn an_order_goes_from_cart_to_delivery_and_a_rejection_is_refunded(store: Store) {
    let db = TestDb::new(store).await;
    let server = TestApp::spawn(&db).await;
    let app = &server.state.app;
    let alice = meta(Actor::Customer(UserId(1)));
    let staff = meta(Actor::Staff(UserId(STAFF_ID)));
    let intruder = meta(Actor::Staff(UserId(STAFF_ID + 1)));
    let system = meta(Actor::System);

    let mut ids = Vec::new();
    for _ in 0..2 {
        let order: OrderId = server.cart(1).await.parse().unwrap();
        let invoiced = invoice(&server, order, 1).await;
        let total = invoiced.totals.as_ref().unwrap().total;
        invoiced
            .check_payable(total, &invoice_payload(order))
            .unwrap();
        let receipt = receipt(order, total);
        let paid = app
            .order_command(
                &system,
                order,
                OrderAction::RecordPayment {
                    receipt: receipt.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(paid.state.status, OrderStatus::Paid);
        // Telegram reporting the same payment again changes nothing.
        let again = app
            .order_command(&system, order, OrderAction::RecordPayment { receipt })
            .await
            .unwrap();
        assert!(again.events.is_empty());
        ids.push(order);
    }

    let [delivered, rejected] = [ids[0], ids[1]];
    let err = app
        .order_command(
            &intruder,
            delivered,
            OrderAction::Accept { eta_minutes: None },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Order(OrderError::StaffOnly)),
        "{err:?}"
    );
    let err = app
        .order_command(&alice, delivered, OrderAction::Accept { eta_minutes: None })
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Order(OrderError::StaffOnly)),
        "{err:?}"
    );
    for action in [
        OrderAction::Accept {
            eta_minutes: Some(20),
        },
        OrderAction::StartPreparing,
        OrderAction::MarkReady,
        OrderAction::MarkPickedUp,
    ] {
        app.order_command(&staff, delivered, action).await.unwrap();
    }
    let out = app
        .order_command(
            &staff,
            rejected,
            OrderAction::Reject {
                reason: "out of mozzarella".into(),
            },
        )
        .await
        .unwrap();
    let refund = out.state.payment.as_ref().unwrap().amount;
    app.order_command(
        &system,
        rejected,
        OrderAction::RecordRefund {
            amount: refund,
            telegram_charge_id: format!("tg-{rejected}"),
        },
    )
    .await
    .unwrap();

    // A fresh process (no cache) sees the same states.
    server.stop().await;
    let server = TestApp::spawn(&db).await;
    let (a, _) = server
        .state
        .app
        .order_for(Actor::Customer(UserId(1)), delivered)
        .await
        .unwrap();
    let (b, _) = server
        .state
        .app
        .order_for(Actor::Staff(UserId(STAFF_ID)), rejected)
        .await
        .unwrap();
    assert_eq!(a.status, OrderStatus::PickedUp);
    assert_eq!(b.status, OrderStatus::Rejected);
    assert!(matches!(
        b.refund,
        Some(foodbot_domain::order::RefundState::Refunded { .. })
    ));
    let types: Vec<String> = server
        .events_of(&rejected.to_string())
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        &types[types.len() - 3..],
        ["OrderRejected", "RefundRequested", "RefundCompleted"]
    );
}
