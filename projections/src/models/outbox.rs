//! `notification_outbox`: what to push to whom and why.
//!
//! The projector stores what happened (the kind and its facts, `params`), not
//! text: the sender renders the text from the message catalogs when it sends,
//! in the user's language at that time.
//!
//! One notification per causing event, keyed `<order id>:<sequence>`, so a
//! rebuild recreates the same rows and a user never gets the same one twice.
//! Whether a kind is sent follows the user's preference at that point of the log.

use super::{order_events, stored_orders, stored_users};
use crate::db::Kind::{Int, Json, Text, Time};
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use crate::storage::{ints, Record, Rows, Table, Write};
use crate::time::format as ts;
use foodbot_domain::order::OrderEvent;
use foodbot_domain::user::UserEvent;
use foodbot_domain::OrderId;
use serde::{Deserialize, Serialize};

/// (kind, essential) for the order events that are worth a message.
fn kind(ev: &OrderEvent) -> Option<(&'static str, bool)> {
    use foodbot_domain::Actor;
    Some(match ev {
        OrderEvent::PaymentReceived { .. } => ("payment_received", false),
        OrderEvent::OrderAccepted { .. } => ("order_accepted", false),
        OrderEvent::OrderRejected { .. } => ("order_rejected", true),
        OrderEvent::OrderReady { .. } => ("order_ready", true),
        OrderEvent::OutForDelivery { .. } => ("out_for_delivery", true),
        OrderEvent::OrderDelivered { .. } => ("order_delivered", false),
        OrderEvent::OrderPickedUp { .. } => ("order_picked_up", false),
        // A customer who cancels knows it already.
        OrderEvent::OrderCancelled {
            by: Actor::Customer(_),
            ..
        } => return None,
        OrderEvent::OrderCancelled { .. } => ("order_cancelled", true),
        OrderEvent::RefundCompleted { .. } => ("refund_completed", true),
        // Steps the customer takes themselves, or sees in the app as they
        // happen; a refund is worth a message once it is done.
        OrderEvent::OrderCreated { .. }
        | OrderEvent::ReorderedFrom { .. }
        | OrderEvent::ItemAdded { .. }
        | OrderEvent::ItemQuantityChanged { .. }
        | OrderEvent::ItemRemoved { .. }
        | OrderEvent::FulfilmentChosen { .. }
        | OrderEvent::CheckedOut { .. }
        | OrderEvent::CartReopened { .. }
        | OrderEvent::PaymentRequested { .. }
        | OrderEvent::PaymentFailed { .. }
        | OrderEvent::PreparationStarted { .. }
        | OrderEvent::RefundRequested { .. } => return None,
    })
}

/// An amount of money as `params` stores it: minor units and the ISO code.
#[derive(Clone, Serialize, Deserialize)]
struct Amount {
    amount: i64,
    currency: String,
}

/// What a notification's text needs to know, stored as JSON in `params`:
/// the order's short id always, and only the facts its kind uses (the amount
/// paid or refunded, the reason of a rejection or cancellation, the estimate
/// of an acceptance). The text itself is rendered when the notification is
/// sent, in the user's language then (see the server's `app::notifications`).
#[derive(Clone, Serialize, Deserialize)]
struct Params {
    short_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    eta_minutes: Option<u32>,
}

/// The facts of `ev` that its notification's text fills in.
fn params(short_id: String, ev: &OrderEvent) -> Params {
    let mut p = Params {
        short_id,
        amount: None,
        reason: None,
        eta_minutes: None,
    };
    match ev {
        OrderEvent::PaymentReceived { amount, .. } | OrderEvent::RefundCompleted { amount, .. } => {
            p.amount = Some(Amount {
                amount: amount.amount,
                currency: amount.currency.to_string(),
            });
        }
        OrderEvent::OrderAccepted { eta_minutes, .. } => p.eta_minutes = *eta_minutes,
        OrderEvent::OrderRejected { reason, .. } => p.reason = Some(reason.clone()),
        OrderEvent::OrderCancelled { reason, .. } => p.reason.clone_from(reason),
        // The texts of these events need the short id only.
        OrderEvent::OrderCreated { .. }
        | OrderEvent::ReorderedFrom { .. }
        | OrderEvent::ItemAdded { .. }
        | OrderEvent::ItemQuantityChanged { .. }
        | OrderEvent::ItemRemoved { .. }
        | OrderEvent::FulfilmentChosen { .. }
        | OrderEvent::CheckedOut { .. }
        | OrderEvent::CartReopened { .. }
        | OrderEvent::PaymentRequested { .. }
        | OrderEvent::PaymentFailed { .. }
        | OrderEvent::PreparationStarted { .. }
        | OrderEvent::OrderReady { .. }
        | OrderEvent::OutForDelivery { .. }
        | OrderEvent::OrderDelivered { .. }
        | OrderEvent::OrderPickedUp { .. }
        | OrderEvent::RefundRequested { .. } => {}
    }
    p
}

#[derive(Clone, Serialize, Deserialize)]
struct RecipientRow {
    user_id: i64,
    language: String,
    notifications: String,
}

impl Record for RecipientRow {
    const TABLE: Table = Table {
        name: "outbox_recipients",
        columns: &[
            ("user_id", Int),
            ("language", Text),
            ("notifications", Text),
        ],
        key: 1,
        write: Write::Upsert,
    };
    type Key = i64;
    fn key(&self) -> i64 {
        self.user_id
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct OrderRow {
    order_id: String,
    customer_id: i64,
}

impl Record for OrderRow {
    const TABLE: Table = Table {
        name: "outbox_orders",
        columns: &[("order_id", Text), ("customer_id", Int)],
        key: 1,
        write: Write::Keep,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

/// A notification as the projector writes it: what happened, not text. Its
/// delivery state (`sent_at`, `attempts`, `last_error`) belongs to the sender
/// and is not described here, so the projector never writes it: a rebuild
/// writes the described columns of an existing row again (with the same
/// values, the log being the same) and leaves its delivery state alone.
#[derive(Clone, Serialize, Deserialize)]
struct NotificationRow {
    notification_id: String,
    user_id: i64,
    order_id: String,
    kind: String,
    /// The user's language when the event happened (the sender renders in
    /// the user's language at send time; this says what it was then).
    language: String,
    params: Params,
    position: i64,
    created_at: String,
}

impl Record for NotificationRow {
    const TABLE: Table = Table {
        name: "notification_outbox",
        columns: &[
            ("notification_id", Text),
            ("user_id", Int),
            ("order_id", Text),
            ("kind", Text),
            ("language", Text),
            ("params", Json),
            ("position", Int),
            ("created_at", Time),
        ],
        key: 1,
        write: Write::Refresh,
    };
    type Key = String;
    fn key(&self) -> String {
        self.notification_id.clone()
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[
    &NotificationRow::TABLE,
    &RecipientRow::TABLE,
    &OrderRow::TABLE,
];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    let mut orders = Rows::<OrderRow>::new();
    let notifying = |ev: &OrderEvent| kind(ev).is_some();
    orders
        .load(tx, "order_id", Val::Texts(stored_orders(events, notifying)))
        .await?;
    let mut users: Vec<i64> = stored_users(events).into_iter().flatten().collect();
    // The customers of the orders with news, stored or created in this batch.
    users.extend(
        order_events(events)
            .filter(|(_, ev)| notifying(ev))
            .filter_map(|(e, _)| orders.get(&e.aggregate_id).map(|o| o.customer_id)),
    );
    // … and the customers of the orders created in it.
    users.extend(order_events(events).filter_map(|(_, ev)| {
        if let OrderEvent::OrderCreated { customer, .. } = ev {
            Some(customer.0)
        } else {
            None
        }
    }));
    let mut recipients = Rows::<RecipientRow>::new();
    recipients
        .load(tx, "user_id", Val::Ints(ints(users)))
        .await?;
    let mut notifications = Rows::<NotificationRow>::new();
    for e in events {
        match &e.event {
            Decoded::User(ev) => {
                let user: i64 = e.aggregate_id.parse().unwrap_or_default();
                match ev {
                    UserEvent::UserRegistered { language, .. } => recipients.create(RecipientRow {
                        user_id: user,
                        language: language.as_str().into(),
                        notifications: "all".into(),
                    }),
                    UserEvent::LanguageChanged { language, .. } => {
                        if let Some(r) = recipients.get_mut(&user) {
                            r.language = language.as_str().into();
                        }
                    }
                    UserEvent::NotificationsChanged { preference, .. } => {
                        if let Some(r) = recipients.get_mut(&user) {
                            r.notifications = super::user_directory::preference(preference);
                        }
                    }
                    // Only the language and the preference decide what is
                    // written to the outbox; whether a message can still be
                    // delivered is left to whoever sends it.
                    UserEvent::ProfileUpdated { .. }
                    | UserEvent::AddressSaved { .. }
                    | UserEvent::AddressRemoved { .. }
                    | UserEvent::BotBlocked { .. }
                    | UserEvent::BotUnblocked { .. } => {}
                }
            }
            // What the kitchen runs out of is shown on the menu, not sent to
            // anyone.
            Decoded::StopList(_) => {}
            Decoded::Order(ev) => {
                let id = e.aggregate_id.as_str();
                if let OrderEvent::OrderCreated { customer, .. } = ev {
                    orders.create(OrderRow {
                        order_id: id.to_string(),
                        customer_id: customer.0,
                    });
                    continue;
                }
                let Some((kind, essential)) = kind(ev) else {
                    continue;
                };
                let Some(user) = orders.get(&id.to_string()).map(|o| o.customer_id) else {
                    continue;
                };
                let (lang, wants) = match recipients.get(&user) {
                    Some(r) => (r.language.clone(), r.notifications.clone()),
                    None => ("en".to_string(), "all".to_string()),
                };
                if wants == "none" || (wants == "essential" && !essential) {
                    continue;
                }
                // An order's events are stored under its id: one that is not
                // an order id stops the model, with the cause.
                let short = id
                    .parse::<OrderId>()
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
                    .short();
                notifications.put_new(NotificationRow {
                    notification_id: format!("{id}:{}", e.sequence),
                    user_id: user,
                    order_id: id.to_string(),
                    kind: kind.into(),
                    language: lang,
                    params: params(short, ev),
                    position: e.position(),
                    created_at: ts(ev.at()),
                });
            }
        }
    }
    orders.flush(tx).await?;
    recipients.flush(tx).await?;
    notifications.flush(tx).await
}
