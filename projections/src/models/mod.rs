//! The read models. Each owns its tables, reads nothing but its own tables and
//! the events, and so can be rebuilt alone from the log.

pub mod event_chain;
mod order_lines;
mod order_status;
mod order_timeline;
mod outbox;
mod payment_ledger;
mod sales;
mod staff_chat;
mod user_directory;

use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use crate::storage::Table;
use chrono::{DateTime, Utc};
use foodbot_domain::order::OrderEvent;
use foodbot_domain::user::UserEvent;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    OrderStatus,
    OrderLines,
    OrderTimeline,
    UserDirectory,
    PaymentLedger,
    Sales,
    Outbox,
    StaffChat,
    EventChain,
}

impl Model {
    pub const ALL: [Model; 9] = [
        Model::OrderStatus,
        Model::OrderLines,
        Model::OrderTimeline,
        Model::UserDirectory,
        Model::PaymentLedger,
        Model::Sales,
        Model::Outbox,
        Model::StaffChat,
        Model::EventChain,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Model::OrderStatus => "order_status",
            Model::OrderLines => "order_lines",
            Model::OrderTimeline => "order_timeline",
            Model::UserDirectory => "user_directory",
            Model::PaymentLedger => "payment_ledger",
            Model::Sales => "sales",
            Model::Outbox => "notification_outbox",
            Model::StaffChat => "staff_chat",
            Model::EventChain => "event_chain",
        }
    }

    pub fn parse(name: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The model's tables with the columns that order their rows, for exports
    /// and for comparing a rebuild with live projection.
    pub fn tables(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Model::OrderStatus => &[("order_status", "order_id")],
            Model::OrderLines => &[("order_lines", "order_id, line_id")],
            Model::OrderTimeline => &[("order_timeline", "order_id, sequence")],
            Model::UserDirectory => &[("user_directory", "user_id")],
            Model::PaymentLedger => &[
                ("payment_ledger", "position"),
                ("ledger_customers", "order_id"),
            ],
            Model::Sales => &[
                ("sales_orders", "order_id"),
                ("sales_lines", "order_id, line_id"),
                ("sales_checkouts", "order_id"),
            ],
            Model::EventChain => &[("event_chain", "link")],
            Model::Outbox => &[
                ("notification_outbox", "notification_id"),
                ("outbox_recipients", "user_id"),
                ("outbox_orders", "order_id"),
            ],
            Model::StaffChat => &[
                ("staff_posts", "order_id"),
                ("staff_notes", "note_id"),
                ("staff_orders", "order_id"),
            ],
        }
    }

    /// The descriptions of the tables the model writes (see
    /// [`crate::storage::schema`]); a test checks each against the migrated
    /// schema of both stores.
    pub fn described(self) -> &'static [&'static Table] {
        match self {
            Model::OrderStatus => order_status::TABLES,
            Model::OrderLines => order_lines::TABLES,
            Model::OrderTimeline => order_timeline::TABLES,
            Model::UserDirectory => user_directory::TABLES,
            Model::PaymentLedger => payment_ledger::TABLES,
            Model::Sales => sales::TABLES,
            Model::Outbox => outbox::TABLES,
            Model::StaffChat => staff_chat::TABLES,
            Model::EventChain => event_chain::TABLES,
        }
    }

    /// Tables emptied before a rebuild. The outbox keeps its notifications, so
    /// that what was sent is not sent again: a rebuild recreates the same rows
    /// (same ids), writing the projector's columns of existing ones again and
    /// leaving their delivery state alone.
    pub fn reset_tables(self) -> Vec<&'static str> {
        match self {
            Model::Outbox => vec!["outbox_recipients", "outbox_orders"],
            // The same for the staff chat: its posts and notes keep what the
            // worker has shown, so a rebuild posts nothing twice.
            Model::StaffChat => vec!["staff_orders"],
            m => m.tables().iter().map(|(t, _)| *t).collect(),
        }
    }

    /// A rebuild's relative cost per event of applying events to the model
    /// (as `make bench` measures it), for sharing models out among connections.
    pub fn cost(self) -> u32 {
        match self {
            Model::OrderTimeline => 13,
            Model::EventChain => 10,
            Model::OrderLines => 7,
            Model::Sales | Model::Outbox | Model::OrderStatus => 6,
            Model::StaffChat => 4,
            Model::PaymentLedger => 5,
            Model::UserDirectory => 4,
        }
    }

    /// A model that must see events strictly in final global order (it never
    /// takes an event before every earlier one is known).
    pub fn final_only(self) -> bool {
        matches!(self, Model::EventChain)
    }

    /// Applies a step's events (those this model has not seen, in global
    /// order) in one go: the rows they touch are loaded, changed in memory and
    /// written back with a few statements per table.
    pub async fn apply(self, tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        match self {
            Model::OrderStatus => order_status::apply(tx, events).await,
            Model::OrderLines => order_lines::apply(tx, events).await,
            Model::OrderTimeline => order_timeline::apply(tx, events).await,
            Model::UserDirectory => user_directory::apply(tx, events).await,
            Model::PaymentLedger => payment_ledger::apply(tx, events).await,
            Model::Sales => sales::apply(tx, events).await,
            Model::Outbox => outbox::apply(tx, events).await,
            Model::StaffChat => staff_chat::apply(tx, events).await,
            Model::EventChain => event_chain::apply(tx, events).await,
        }
    }
}

/// The order events of a batch.
pub(crate) fn order_events<'a>(
    events: &'a [&'a Envelope],
) -> impl Iterator<Item = (&'a Envelope, &'a OrderEvent)> + 'a {
    events.iter().filter_map(|e| match &e.event {
        Decoded::Order(ev) => Some((*e, ev)),
        Decoded::User(_) | Decoded::StopList(_) => None,
    })
}

/// The user events of a batch, with the user's id.
pub(crate) fn user_events<'a>(
    events: &'a [&'a Envelope],
) -> impl Iterator<Item = (i64, &'a UserEvent)> + 'a {
    events.iter().filter_map(|e| match &e.event {
        Decoded::User(ev) => Some((e.aggregate_id.parse().unwrap_or_default(), ev)),
        Decoded::Order(_) | Decoded::StopList(_) => None,
    })
}

/// The orders with an event that `wanted` picks whose creation is not in the
/// batch: only their rows can be stored already.
pub(crate) fn stored_orders(
    events: &[&Envelope],
    wanted: impl Fn(&OrderEvent) -> bool,
) -> Vec<Option<String>> {
    let created: HashSet<&str> = order_events(events)
        .filter(|(_, ev)| matches!(ev, OrderEvent::OrderCreated { .. }))
        .map(|(e, _)| e.aggregate_id.as_str())
        .collect();
    crate::storage::texts(
        order_events(events)
            .filter(|(e, ev)| wanted(ev) && !created.contains(e.aggregate_id.as_str()))
            .map(|(e, _)| e.aggregate_id.as_str()),
    )
}

/// The users with an event in the batch whose registration is not in it.
pub(crate) fn stored_users(events: &[&Envelope]) -> Vec<Option<i64>> {
    let registered: HashSet<i64> = user_events(events)
        .filter(|(_, ev)| matches!(ev, UserEvent::UserRegistered { .. }))
        .map(|(id, _)| id)
        .collect();
    crate::storage::ints(
        user_events(events)
            .map(|(id, _)| id)
            .filter(|id| !registered.contains(id)),
    )
}

pub(crate) fn ts(t: DateTime<Utc>) -> Val {
    Val::Text(crate::time::format(t))
}

/// Who acted (customer, staff or system) and their Telegram user id, from an
/// event's metadata.
pub(crate) fn actor(e: &Envelope) -> (String, Option<i64>) {
    /// The two fields wanted; the others are skipped unread.
    #[derive(serde::Deserialize)]
    struct Who {
        actor: Option<String>,
        user_id: Option<String>,
    }
    let who: Option<Who> = serde_json::from_str(&e.metadata).ok();
    let (kind, user) = who.map_or((None, None), |w| (w.actor, w.user_id));
    (
        kind.unwrap_or_else(|| "system".into()),
        user.and_then(|s| s.parse().ok()),
    )
}
