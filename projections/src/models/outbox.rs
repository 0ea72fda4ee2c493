//! `notification_outbox`: what to push to whom and why, in the user's language.
//!
//! One notification per causing event, keyed `<order id>:<sequence>`, so a
//! rebuild recreates the same rows and a user never gets the same one twice.
//! Whether a kind is sent follows the user's preference at that point of the log.

use super::ts;
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::order::OrderEvent;
use foodbot_domain::user::UserEvent;
use foodbot_domain::OrderId;

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
        _ => return None,
    })
}

/// The message text in `lang` (English when the language has no text).
pub fn text(kind: &str, lang: &str, short: &str, ev: &OrderEvent) -> String {
    let reason = match ev {
        OrderEvent::OrderRejected { reason, .. } => reason.clone(),
        OrderEvent::OrderCancelled { reason, .. } => reason.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let amount = match ev {
        OrderEvent::PaymentReceived { amount, .. } | OrderEvent::RefundCompleted { amount, .. } => {
            amount.to_string()
        }
        _ => String::new(),
    };
    let eta = match ev {
        OrderEvent::OrderAccepted {
            eta_minutes: Some(m),
            ..
        } => m.to_string(),
        _ => String::new(),
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

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    match &e.event {
        Decoded::User(ev) => {
            let user: i64 = e.aggregate_id.parse().unwrap_or_default();
            let (sql, args): (&str, Vec<Val>) = match ev {
                UserEvent::UserRegistered { language, .. } => (
                    "INSERT INTO outbox_recipients (user_id, language, notifications) VALUES ($1, $2, 'all')
                     ON CONFLICT (user_id) DO NOTHING",
                    vec![user.into(), language.as_str().into()],
                ),
                UserEvent::LanguageChanged { language, .. } => (
                    "UPDATE outbox_recipients SET language = $2 WHERE user_id = $1",
                    vec![user.into(), language.as_str().into()],
                ),
                UserEvent::NotificationsChanged { preference, .. } => (
                    "UPDATE outbox_recipients SET notifications = $2 WHERE user_id = $1",
                    vec![user.into(), super::user_directory::preference(preference).into()],
                ),
                _ => return Ok(()),
            };
            tx.exec(sql, &args).await.map(|_| ())
        }
        Decoded::Order(ev) => {
            let id = e.aggregate_id.as_str();
            if let OrderEvent::OrderCreated { customer, .. } = ev {
                let sql = "INSERT INTO outbox_orders (order_id, customer_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING";
                return tx
                    .exec(sql, &[id.into(), customer.0.into()])
                    .await
                    .map(|_| ());
            }
            let Some((kind, essential)) = kind(ev) else {
                return Ok(());
            };
            let sql = "SELECT o.customer_id || ' ' || coalesce(r.language, '') || ' ' || coalesce(r.notifications, 'all')
                         FROM outbox_orders o LEFT JOIN outbox_recipients r ON r.user_id = o.customer_id
                        WHERE o.order_id = $1";
            let Some(found) = tx.text(sql, &[id.into()]).await? else {
                return Ok(());
            };
            let mut parts = found.split(' ');
            let user: i64 = parts
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or_default();
            let lang = parts
                .next()
                .filter(|l| !l.is_empty())
                .unwrap_or("en")
                .to_string();
            let wants = parts.next().unwrap_or("all");
            if wants == "none" || (wants == "essential" && !essential) {
                return Ok(());
            }
            let short = id.parse::<OrderId>().map(|o| o.short()).unwrap_or_default();
            let sql = "INSERT INTO notification_outbox (notification_id, user_id, order_id, kind, language, text, position, created_at)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)
                       ON CONFLICT (notification_id) DO NOTHING";
            let args: [Val; 8] = [
                format!("{id}:{}", e.sequence).into(),
                user.into(),
                id.into(),
                kind.into(),
                lang.as_str().into(),
                text(kind, &lang, &short, ev).into(),
                e.position().into(),
                ts(ev.at()),
            ];
            tx.exec(sql, &args).await.map(|_| ())
        }
    }
}
