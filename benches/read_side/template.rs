//! The events the benchmark's event log is cloned from: a few customers' complete
//! order lifecycles, driven through the application layer, so that every payload and
//! metadata row is exactly what the server writes.

use anyhow::{Context, Result};
use foodbot::app::{App, CommandMeta};
use foodbot_domain::address::Address;
use foodbot_domain::catalog::LineRequest;
use foodbot_domain::order::{Fulfilment, OrderAction, PaymentMethod, PaymentReceipt};
use foodbot_domain::user::{NotificationPreference, Profile, UserAction};
use foodbot_domain::{Actor, Channel, LineId, Money, OrderId, UserId};
use serde_json::json;

/// The kitchen's staff member who accepts, prepares and hands over orders.
pub(crate) const STAFF_ID: i64 = 900;
/// Template customers. Ten digits that appear nowhere else in an event, so that the
/// cloner can find and replace them in payload and metadata text.
pub(crate) const CUSTOMERS: [i64; 5] = [
    7_100_000_001,
    7_100_000_002,
    7_100_000_003,
    7_100_000_004,
    7_100_000_005,
];

/// One template customer and the orders they placed.
pub(crate) struct Unit {
    pub(crate) customer: i64,
    pub(crate) orders: Vec<OrderId>,
}

pub(crate) fn meta(actor: Actor, channel: Channel) -> CommandMeta {
    CommandMeta {
        actor,
        channel,
        correlation_id: uuid::Uuid::new_v4().to_string(),
        idempotency_key: None,
        fingerprint: None,
        at: chrono::Utc::now(),
    }
}

pub(crate) fn customer(id: i64) -> CommandMeta {
    meta(Actor::Customer(UserId(id)), Channel::MiniApp)
}

pub(crate) fn staff() -> CommandMeta {
    meta(Actor::Staff(UserId(STAFF_ID)), Channel::Staff)
}

pub(crate) fn system() -> CommandMeta {
    meta(Actor::System, Channel::Bot)
}

pub(crate) fn line(request: serde_json::Value) -> LineRequest {
    serde_json::from_value(request).expect("a valid line request")
}

pub(crate) fn margherita(quantity: u32) -> LineRequest {
    line(json!({ "item_id": "margherita", "quantity": quantity }))
}

pub(crate) fn burger() -> LineRequest {
    line(json!({"item_id": "veggie-burger", "options": {"bun": ["sesame"]}, "quantity": 1}))
}

pub(crate) fn cola() -> LineRequest {
    line(json!({"item_id": "cola", "size": "05l", "quantity": 1}))
}

fn address() -> Address {
    Address {
        street: "Hauptstraße 12".into(),
        city: "Berlin".into(),
        postcode: Some("10115".into()),
        details: Some("2nd floor, ring twice".into()),
    }
}

pub(crate) fn profile(id: i64) -> Profile {
    Profile {
        first_name: "Bench".into(),
        last_name: Some("Customer".into()),
        username: Some(format!("bench_{}", id % 1000)),
        language_code: Some("en".into()),
    }
}

/// Chooses how the order is fulfilled, checks out, asks for payment and records
/// Telegram's payment, as the bot's payment updates do. Returns the amount paid.
pub(crate) async fn pay(
    app: &App,
    who: i64,
    order: OrderId,
    fulfilment: Fulfilment,
) -> Result<Money> {
    let me = customer(who);
    app.order_command(&me, order, OrderAction::SetFulfilment { fulfilment })
        .await?;
    let menu = app.menu.clone();
    app.order_command(&me, order, OrderAction::Checkout { menu })
        .await?;
    let request = OrderAction::RequestPayment {
        method: PaymentMethod::Provider,
        invoice_payload: format!("o:{order}"),
    };
    let out = app.order_command(&me, order, request).await?;
    let amount = out.state.totals.as_ref().context("no totals")?.total;
    let receipt = PaymentReceipt {
        method: PaymentMethod::Provider,
        amount,
        telegram_charge_id: format!("tg-{order}"),
        provider_charge_id: format!("pp-{order}"),
    };
    let record = OrderAction::RecordPayment { receipt };
    app.order_command(&system(), order, record).await?;
    Ok(amount)
}

/// Staff steps, one command each.
async fn kitchen(app: &App, order: OrderId, steps: Vec<OrderAction>) -> Result<()> {
    for step in steps {
        app.order_command(&staff(), order, step).await?;
    }
    Ok(())
}

/// The `i`th template customer's day: registration and settings, then four orders:
/// picked up, delivered, rejected and refunded, and a reorder cancelled in the cart.
pub(crate) async fn drive(app: &App, i: usize) -> Result<Unit> {
    let c = CUSTOMERS[i];
    let user = UserId(c);
    let me = || customer(c);
    app.record_contact(&me(), user, profile(c)).await?;
    match i {
        1 => {
            app.change_language(&me(), user, "de".into()).await?;
        }
        2 => {
            let preference = NotificationPreference::Essential;
            let set = UserAction::SetNotifications { preference };
            app.user_command(&me(), user, set).await?;
        }
        3 => {
            let save = UserAction::SaveAddress {
                label: "home".into(),
                address: address(),
            };
            app.user_command(&me(), user, save).await?;
        }
        _ => {}
    }

    let (picked_up, _) = app
        .create_order(&me(), user, vec![margherita(1), burger()])
        .await?;
    let menu = || app.menu.clone();
    let add = OrderAction::AddItem {
        menu: menu(),
        item: cola(),
    };
    app.order_command(&me(), picked_up, add).await?;
    let more = OrderAction::ChangeQuantity {
        line: LineId(1),
        quantity: 2,
    };
    app.order_command(&me(), picked_up, more).await?;
    pay(app, c, picked_up, Fulfilment::pickup()).await?;
    use OrderAction::*;
    let accept = Accept {
        eta_minutes: Some(15),
    };
    let steps = vec![accept, StartPreparing, MarkReady, MarkPickedUp];
    kitchen(app, picked_up, steps).await?;

    let (delivered, _) = app.create_order(&me(), user, vec![margherita(1)]).await?;
    let to_door = Fulfilment::Delivery {
        address: address(),
        phone: Some("+49 30 1234567".into()),
        comment: None,
    };
    pay(app, c, delivered, to_door).await?;
    let steps = vec![
        Accept { eta_minutes: None },
        StartPreparing,
        MarkReady,
        MarkOutForDelivery,
        MarkDelivered,
    ];
    kitchen(app, delivered, steps).await?;

    let (rejected, _) = app.create_order(&me(), user, vec![burger()]).await?;
    let amount = pay(app, c, rejected, Fulfilment::pickup()).await?;
    let reason = "out of dough".to_string();
    let refund = RecordRefund {
        amount,
        telegram_charge_id: format!("rf-{rejected}"),
    };
    kitchen(app, rejected, vec![Reject { reason }, refund]).await?;

    let (cancelled, _) = app.reorder(&me(), user, picked_up).await?;
    app.order_command(&me(), cancelled, RemoveItem { line: LineId(3) })
        .await?;
    let cancel = Cancel {
        reason: Some("changed my mind".into()),
    };
    app.order_command(&me(), cancelled, cancel).await?;
    Ok(Unit {
        customer: c,
        orders: vec![picked_up, delivered, rejected, cancelled],
    })
}
