//! The notifications the projector put in the outbox, read back and rendered.
//!
//! The outbox (`notification_outbox`, a read model) stores what happened: a
//! notification's kind and the facts its text needs (`params`), not text. The
//! text is rendered here, from the message catalogs, when the notification is
//! sent: [`Notification::render`] takes the language, which the caller (the
//! sender) looks up at send time, so that a user who switched language gets
//! the message in the language they use now.
//!
//! A row that cannot be read as a notification (an unknown kind, params that
//! do not parse or do not fit the kind) is a [`NotificationError`] naming the
//! row and the cause; it is never rendered from defaults.

mod delivery;
#[cfg(test)]
mod tests;

pub use delivery::{Recipient, SenderTurn, Taken, SENDER_LOCK};

use super::{App, AppError};
use crate::i18n::{t_args, Arg, Lang};
use crate::store::Database;
use foodbot_domain::money::{Currency, Money, MoneyError};
use foodbot_domain::{OrderId, UserId};
use serde::Deserialize;
use std::fmt;

/// What a notification tells the user: one kind per order event that is
/// worth a message (as the outbox projection decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    PaymentReceived,
    OrderAccepted,
    OrderRejected,
    OrderReady,
    OutForDelivery,
    OrderDelivered,
    OrderPickedUp,
    OrderCancelled,
    RefundCompleted,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 9] = [
        NotificationKind::PaymentReceived,
        NotificationKind::OrderAccepted,
        NotificationKind::OrderRejected,
        NotificationKind::OrderReady,
        NotificationKind::OutForDelivery,
        NotificationKind::OrderDelivered,
        NotificationKind::OrderPickedUp,
        NotificationKind::OrderCancelled,
        NotificationKind::RefundCompleted,
    ];

    /// The kind as the outbox's `kind` column holds it.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::PaymentReceived => "payment_received",
            NotificationKind::OrderAccepted => "order_accepted",
            NotificationKind::OrderRejected => "order_rejected",
            NotificationKind::OrderReady => "order_ready",
            NotificationKind::OutForDelivery => "out_for_delivery",
            NotificationKind::OrderDelivered => "order_delivered",
            NotificationKind::OrderPickedUp => "order_picked_up",
            NotificationKind::OrderCancelled => "order_cancelled",
            NotificationKind::RefundCompleted => "refund_completed",
        }
    }

    /// The kind the column value `s` names, if any.
    pub fn parse(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a user who asked for essential notifications only gets this
    /// kind: what they must act on or would otherwise miss (a rejection, a
    /// cancellation by the restaurant, a refund, the order being ready or on
    /// its way). Not essential: the steps they take part in or see as they
    /// happen (their payment, its acceptance, the delivery or pickup itself).
    /// The outbox projection applies the same rule when it writes the rows
    /// (the preference at the time of the event); the sender applies it again
    /// with the preference at send time.
    pub fn essential(self) -> bool {
        match self {
            NotificationKind::OrderRejected
            | NotificationKind::OrderReady
            | NotificationKind::OutForDelivery
            | NotificationKind::OrderCancelled
            | NotificationKind::RefundCompleted => true,
            NotificationKind::PaymentReceived
            | NotificationKind::OrderAccepted
            | NotificationKind::OrderDelivered
            | NotificationKind::OrderPickedUp => false,
        }
    }

    /// Whether the user with `preference` gets this kind.
    pub fn wanted_by(self, preference: foodbot_domain::user::NotificationPreference) -> bool {
        use foodbot_domain::user::NotificationPreference as P;
        match preference {
            P::All => true,
            P::Essential => self.essential(),
            P::None => false,
        }
    }

    /// The catalog message of this kind (`locales/<lang>/bot.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            NotificationKind::PaymentReceived => "notify-payment-received",
            NotificationKind::OrderAccepted => "notify-order-accepted",
            NotificationKind::OrderRejected => "notify-order-rejected",
            NotificationKind::OrderReady => "notify-order-ready",
            NotificationKind::OutForDelivery => "notify-out-for-delivery",
            NotificationKind::OrderDelivered => "notify-order-delivered",
            NotificationKind::OrderPickedUp => "notify-order-picked-up",
            NotificationKind::OrderCancelled => "notify-order-cancelled",
            NotificationKind::RefundCompleted => "notify-refund-completed",
        }
    }

    /// Which facts the kind's text uses.
    fn uses(self) -> Uses {
        use Need::{Never, Optional, Required};
        let (amount, reason, eta) = match self {
            NotificationKind::PaymentReceived | NotificationKind::RefundCompleted => {
                (Required, Never, Never)
            }
            NotificationKind::OrderAccepted => (Never, Never, Optional),
            NotificationKind::OrderRejected => (Never, Required, Never),
            NotificationKind::OrderCancelled => (Never, Optional, Never),
            NotificationKind::OrderReady
            | NotificationKind::OutForDelivery
            | NotificationKind::OrderDelivered
            | NotificationKind::OrderPickedUp => (Never, Never, Never),
        };
        Uses {
            amount,
            reason,
            eta,
        }
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Need {
    Required,
    Optional,
    Never,
}

struct Uses {
    amount: Need,
    reason: Need,
    eta: Need,
}

/// The facts a notification's text fills in. Built only by decoding a row,
/// which checks them against the kind: a kind's required facts are there,
/// and no fact it does not use is.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationParams {
    short_id: String,
    amount: Option<Money>,
    reason: Option<String>,
    eta_minutes: Option<u32>,
}

impl NotificationParams {
    /// The order's short id, as the user sees it ("#1A2B3C").
    pub fn short_id(&self) -> &str {
        &self.short_id
    }

    /// The amount paid or refunded (payment_received, refund_completed).
    pub fn amount(&self) -> Option<Money> {
        self.amount
    }

    /// Why the order was rejected or cancelled.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The kitchen's estimate when it accepted the order.
    pub fn eta_minutes(&self) -> Option<u32> {
        self.eta_minutes
    }
}

/// One notification to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// `<order id>:<event sequence>`, the outbox's key.
    pub id: String,
    pub user_id: UserId,
    pub order_id: OrderId,
    /// Global position of the causing event: the order to send in.
    pub position: i64,
    pub kind: NotificationKind,
    pub params: NotificationParams,
}

/// A row of the outbox that cannot be sent, with the reason.
#[derive(Debug, thiserror::Error)]
#[error("notification {id} cannot be read")]
pub struct NotificationError {
    pub id: String,
    #[source]
    pub cause: BadNotification,
}

/// Why an outbox row is not a notification.
#[derive(Debug, thiserror::Error)]
pub enum BadNotification {
    #[error("unknown kind {0:?}")]
    UnknownKind(String),
    #[error("order id {0:?} is not an order id")]
    OrderId(String, #[source] uuid::Error),
    /// Written before the outbox stored params, and not reached yet by the
    /// replay the migration started.
    #[error("no params yet (the outbox model has not been projected again since the params column came)")]
    NoParams,
    #[error("params are not the expected JSON")]
    Json(#[from] serde_json::Error),
    #[error("params have no currency code")]
    Currency(#[from] MoneyError),
    #[error("{kind} needs the param {param}")]
    Missing {
        kind: NotificationKind,
        param: &'static str,
    },
    #[error("{kind} takes no param {param}")]
    Unexpected {
        kind: NotificationKind,
        param: &'static str,
    },
}

/// `params` as stored (see the projection's `Params`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredParams {
    short_id: String,
    amount: Option<StoredAmount>,
    reason: Option<String>,
    eta_minutes: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredAmount {
    amount: i64,
    currency: String,
}

/// One pending row as read from the outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub notification_id: String,
    pub user_id: i64,
    pub order_id: String,
    pub kind: String,
    pub params: Option<String>,
    pub position: i64,
}

fn check(
    kind: NotificationKind,
    param: &'static str,
    need: Need,
    present: bool,
) -> Result<(), BadNotification> {
    match (need, present) {
        (Need::Required, false) => Err(BadNotification::Missing { kind, param }),
        (Need::Never, true) => Err(BadNotification::Unexpected { kind, param }),
        _ => Ok(()),
    }
}

impl Notification {
    /// The notification a row of the outbox holds.
    pub fn decode(row: OutboxRow) -> Result<Notification, NotificationError> {
        let id = row.notification_id.clone();
        Self::try_decode(row).map_err(|cause| NotificationError { id, cause })
    }

    fn try_decode(row: OutboxRow) -> Result<Notification, BadNotification> {
        let kind = NotificationKind::parse(&row.kind)
            .ok_or_else(|| BadNotification::UnknownKind(row.kind.clone()))?;
        let order_id = row
            .order_id
            .parse()
            .map_err(|e| BadNotification::OrderId(row.order_id.clone(), e))?;
        let stored: StoredParams =
            serde_json::from_str(row.params.as_deref().ok_or(BadNotification::NoParams)?)?;
        let uses = kind.uses();
        check(kind, "amount", uses.amount, stored.amount.is_some())?;
        check(kind, "reason", uses.reason, stored.reason.is_some())?;
        check(kind, "eta_minutes", uses.eta, stored.eta_minutes.is_some())?;
        let amount = match stored.amount {
            Some(a) => Some(Money::new(a.amount, a.currency.parse::<Currency>()?)),
            None => None,
        };
        Ok(Notification {
            id: row.notification_id,
            user_id: UserId(row.user_id),
            order_id,
            position: row.position,
            kind,
            params: NotificationParams {
                short_id: stored.short_id,
                amount,
                reason: stored.reason,
                eta_minutes: stored.eta_minutes,
            },
        })
    }

    /// The message's arguments, named as the catalogs name them.
    fn args(&self) -> Vec<(&'static str, Arg<'_>)> {
        let p = &self.params;
        let mut args = vec![("short_id", Arg::from(p.short_id.as_str()))];
        if let Some(amount) = p.amount {
            args.push(("amount", amount.into()));
        }
        match self.kind {
            // 0 is the catalogs' "no estimate".
            NotificationKind::OrderAccepted => {
                args.push(("eta", p.eta_minutes.unwrap_or(0).into()));
            }
            // A cancellation without a reason says nothing more.
            NotificationKind::OrderRejected | NotificationKind::OrderCancelled => {
                args.push(("reason", p.reason.as_deref().unwrap_or("").into()));
            }
            NotificationKind::PaymentReceived
            | NotificationKind::RefundCompleted
            | NotificationKind::OrderReady
            | NotificationKind::OutForDelivery
            | NotificationKind::OrderDelivered
            | NotificationKind::OrderPickedUp => {}
        }
        args
    }

    /// The message in `lang`: the caller looks up the user's language when it
    /// sends (the language at the time of the event may have changed since).
    /// Money is formatted for `lang`.
    pub fn render(&self, lang: Lang) -> String {
        t_args(lang, self.kind.message_id(), &self.args())
    }
}

/// The pending notifications, oldest event first. Both stores: `params` is
/// `jsonb` on PostgreSQL and text on SQLite, read as text on both.
const PENDING: &str = "SELECT notification_id, CAST(user_id AS BIGINT) AS user_id, order_id, kind,
        CAST(params AS TEXT) AS params, CAST(position AS BIGINT) AS position
   FROM notification_outbox
  WHERE sent_at IS NULL
  ORDER BY position, notification_id
  LIMIT $1";

impl App {
    /// At most `limit` notifications not sent yet (`sent_at IS NULL`), in the
    /// order of their events. A row that cannot be read is returned as its
    /// error, in its place, so that the sender can record why and go on with
    /// the others; a failing database is the call's error.
    pub async fn pending_notifications(
        &self,
        limit: i64,
    ) -> Result<Vec<Result<Notification, NotificationError>>, AppError> {
        let rows: Vec<OutboxRow> = match &self.db {
            Database::Postgres(p) => sqlx::query_as(PENDING).bind(limit).fetch_all(p).await,
            Database::Sqlite(p) => sqlx::query_as(PENDING).bind(limit).fetch_all(p).await,
        }
        .map_err(AppError::storage)?;
        Ok(rows.into_iter().map(Notification::decode).collect())
    }
}
