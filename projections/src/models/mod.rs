//! The read models. Each owns its tables, reads nothing but its own tables and
//! the events, and so can be rebuilt alone from the log.

pub mod event_chain;
mod order_lines;
mod order_status;
mod order_timeline;
mod outbox;
mod payment_ledger;
mod sales;
mod user_directory;

use crate::db::{Tx, Val};
use crate::event::Envelope;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    OrderStatus,
    OrderLines,
    OrderTimeline,
    UserDirectory,
    PaymentLedger,
    Sales,
    Outbox,
    EventChain,
}

impl Model {
    pub const ALL: [Model; 8] = [
        Model::OrderStatus,
        Model::OrderLines,
        Model::OrderTimeline,
        Model::UserDirectory,
        Model::PaymentLedger,
        Model::Sales,
        Model::Outbox,
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
        }
    }

    /// Tables emptied before a rebuild. The outbox keeps its notifications, so
    /// that what was sent is not sent again: a rebuild recreates the same rows
    /// (same ids) and leaves the existing ones, with their delivery state, alone.
    pub fn reset_tables(self) -> Vec<&'static str> {
        match self {
            Model::Outbox => vec!["outbox_recipients", "outbox_orders"],
            m => m.tables().iter().map(|(t, _)| *t).collect(),
        }
    }

    /// A model that must see events strictly in final global order (it never
    /// takes an event before every earlier one is known).
    pub fn final_only(self) -> bool {
        matches!(self, Model::EventChain)
    }

    pub async fn apply(self, tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
        match self {
            Model::OrderStatus => order_status::apply(tx, e).await,
            Model::OrderLines => order_lines::apply(tx, e).await,
            Model::OrderTimeline => order_timeline::apply(tx, e).await,
            Model::UserDirectory => user_directory::apply(tx, e).await,
            Model::PaymentLedger => payment_ledger::apply(tx, e).await,
            Model::Sales => sales::apply(tx, e).await,
            Model::Outbox => outbox::apply(tx, e).await,
            Model::EventChain => event_chain::apply(tx, e).await,
        }
    }
}

pub(crate) fn ts(t: DateTime<Utc>) -> Val {
    Val::Text(crate::time::format(t))
}

pub(crate) fn json(v: &impl serde::Serialize) -> Val {
    Val::Text(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

/// Who acted (customer, staff or system) and their Telegram user id, from an
/// event's metadata.
pub(crate) fn actor(e: &Envelope) -> (String, Option<i64>) {
    let kind = e.meta("actor").unwrap_or_else(|| "system".into());
    let user = e.meta("user_id").and_then(|s| s.parse().ok());
    (kind, user)
}
