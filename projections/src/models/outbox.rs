//! `notification_outbox`: what to push to whom and why, in the user's language.
//!
//! One notification per causing event, keyed `<order id>:<sequence>`, so a
//! rebuild recreates the same rows and a user never gets the same one twice.
//! Whether a kind is sent follows the user's preference at that point of the log.

use super::{order_events, stored_orders, stored_users};
use crate::db::Kind::{Int, Text, Time};
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

/// The message text in `lang` (English when the language has no text).
pub fn text(kind: &str, lang: &str, short: &str, ev: &OrderEvent) -> String {
    // What the texts fill in: the reason, the amount, the estimate (empty
    // strings do not allocate).
    let (reason, amount, eta) = match ev {
        OrderEvent::OrderRejected { reason, .. } => (reason.clone(), String::new(), String::new()),
        OrderEvent::OrderCancelled { reason, .. } => (
            reason.clone().unwrap_or_default(),
            String::new(),
            String::new(),
        ),
        OrderEvent::PaymentReceived { amount, .. } | OrderEvent::RefundCompleted { amount, .. } => {
            (String::new(), amount.to_string(), String::new())
        }
        OrderEvent::OrderAccepted { eta_minutes, .. } => (
            String::new(),
            String::new(),
            eta_minutes.map(|m| m.to_string()).unwrap_or_default(),
        ),
        // The texts of these events fill nothing in.
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
        | OrderEvent::RefundRequested { .. } => (String::new(), String::new(), String::new()),
    };
    match (lang, kind) {
        ("de", "payment_received") => {
            format!("Zahlung von {amount} für Bestellung #{short} erhalten. Danke!")
        }
        ("de", "order_accepted") if !eta.is_empty() => {
            format!("Bestellung #{short} angenommen – fertig in etwa {eta} Minuten.")
        }
        ("de", "order_accepted") => format!("Bestellung #{short} wurde angenommen."),
        ("de", "order_rejected") => format!(
            "Bestellung #{short} wurde leider abgelehnt: {reason}. Das Geld wird erstattet."
        ),
        ("de", "order_ready") => format!("Deine Bestellung #{short} ist fertig!"),
        ("de", "out_for_delivery") => format!("Deine Bestellung #{short} ist unterwegs."),
        ("de", "order_delivered") => format!("Bestellung #{short} wurde geliefert. Guten Appetit!"),
        ("de", "order_picked_up") => format!("Bestellung #{short} abgeholt. Guten Appetit!"),
        ("de", "order_cancelled") => format!("Bestellung #{short} wurde storniert: {reason}."),
        ("de", "refund_completed") => format!("{amount} für Bestellung #{short} wurden erstattet."),
        (_, "payment_received") => {
            format!("Payment of {amount} received for order #{short}. Thank you!")
        }
        (_, "order_accepted") if !eta.is_empty() => {
            format!("Order #{short} accepted – ready in about {eta} minutes.")
        }
        (_, "order_accepted") => format!("Order #{short} has been accepted."),
        (_, "order_rejected") => {
            format!("Sorry, order #{short} was rejected: {reason}. Your money will be refunded.")
        }
        (_, "order_ready") => format!("Your order #{short} is ready!"),
        (_, "out_for_delivery") => format!("Your order #{short} is on its way."),
        (_, "order_delivered") => format!("Order #{short} has been delivered. Enjoy your meal!"),
        (_, "order_picked_up") => format!("Order #{short} picked up. Enjoy your meal!"),
        (_, "order_cancelled") => format!("Order #{short} was cancelled: {reason}."),
        (_, "refund_completed") => format!("{amount} for order #{short} has been refunded."),
        _ => format!("Order #{short}: {kind}"),
    }
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

/// A notification as the projector writes it; its delivery state belongs to
/// the sender and is never overwritten.
#[derive(Clone, Serialize, Deserialize)]
struct NotificationRow {
    notification_id: String,
    user_id: i64,
    order_id: String,
    kind: String,
    language: String,
    text: String,
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
            ("text", Text),
            ("position", Int),
            ("created_at", Time),
        ],
        key: 1,
        write: Write::Keep,
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
                let short = id.parse::<OrderId>().map(|o| o.short()).unwrap_or_default();
                notifications.put_new(NotificationRow {
                    notification_id: format!("{id}:{}", e.sequence),
                    user_id: user,
                    order_id: id.to_string(),
                    kind: kind.into(),
                    text: text(kind, &lang, &short, ev),
                    language: lang,
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
