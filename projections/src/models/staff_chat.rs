//! `staff_chat`: what the staff chat is to show — one post per paid order, and
//! notes for staff (a cancellation after payment, a payment anomaly, a refund
//! to make).
//!
//! The projector writes what is to be shown: a post's row is made when the
//! order's payment arrives and its `version` follows every later event of the
//! order; a note's row is made once per causing event (`<order>:<sequence>`).
//! The server's staff-chat worker reads these rows, posts or edits the message
//! from the read models and records what it has shown in columns of its own
//! (`message_id`, `shown_version`, `sent_at`, its lease), which are not
//! described here, so the projector never writes them: a rebuild writes the
//! described columns again and nothing is posted twice.
//!
//! `staff_orders` holds what the model must know of an order before it is
//! paid (customer, fulfilment, its last event); it is rebuilt from the log.

use super::{order_events, stored_orders};
use crate::db::Kind::{Int, Json, Text};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use foodbot_domain::order::{OrderEvent, PaymentMethod};
use foodbot_domain::{Actor, OrderId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Serialize, Deserialize)]
struct OrderRow {
    order_id: String,
    customer_id: i64,
    fulfilment: Option<Value>,
    last_event: String,
}

impl Record for OrderRow {
    const TABLE: Table = Table {
        name: "staff_orders",
        columns: &[
            ("order_id", Text),
            ("customer_id", Int),
            ("fulfilment", Json),
            ("last_event", Text),
        ],
        key: 1,
        write: Write::Upsert,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

/// A post as the projector writes it; the worker's columns are not described.
#[derive(Clone, Serialize, Deserialize)]
struct PostRow {
    order_id: String,
    customer_id: i64,
    fulfilment: Option<Value>,
    method: String,
    position: i64,
    /// When the payment arrived, Unix milliseconds (the event's time).
    paid_at: i64,
    version: i64,
}

impl Record for PostRow {
    const TABLE: Table = Table {
        name: "staff_posts",
        columns: &[
            ("order_id", Text),
            ("customer_id", Int),
            ("fulfilment", Json),
            ("method", Text),
            ("position", Int),
            ("paid_at", Int),
            ("version", Int),
        ],
        key: 1,
        write: Write::Refresh,
    };
    type Key = String;
    fn key(&self) -> String {
        self.order_id.clone()
    }
}

/// An amount of money as `params` stores it.
#[derive(Clone, Serialize, Deserialize)]
struct Amount {
    amount: i64,
    currency: String,
}

/// The facts a note's text needs.
#[derive(Clone, Serialize, Deserialize)]
struct Params {
    short_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
}

/// A note as the projector writes it; the worker's columns are not described.
#[derive(Clone, Serialize, Deserialize)]
struct NoteRow {
    note_id: String,
    order_id: String,
    kind: String,
    params: Params,
    position: i64,
}

impl Record for NoteRow {
    const TABLE: Table = Table {
        name: "staff_notes",
        columns: &[
            ("note_id", Text),
            ("order_id", Text),
            ("kind", Text),
            ("params", Json),
            ("position", Int),
        ],
        key: 1,
        write: Write::Refresh,
    };
    type Key = String;
    fn key(&self) -> String {
        self.note_id.clone()
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&OrderRow::TABLE, &PostRow::TABLE, &NoteRow::TABLE];

fn method_name(m: PaymentMethod) -> &'static str {
    match m {
        PaymentMethod::Provider => "provider",
        PaymentMethod::Stars => "stars",
    }
}

fn actor_kind(a: &Actor) -> &'static str {
    match a {
        Actor::Customer(_) => "customer",
        Actor::Staff(_) => "staff",
        Actor::System => "system",
    }
}

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    let ids = stored_orders(events, |_| true);
    let mut orders = Rows::<OrderRow>::new();
    orders.load(tx, "order_id", Val::Texts(ids.clone())).await?;
    let mut posts = Rows::<PostRow>::new();
    posts.load(tx, "order_id", Val::Texts(ids)).await?;
    let mut notes = Rows::<NoteRow>::new();
    for (e, ev) in order_events(events) {
        let id = e.aggregate_id.clone();
        if let OrderEvent::OrderCreated { customer, .. } = ev {
            orders.create(OrderRow {
                order_id: id,
                customer_id: customer.0,
                fulfilment: None,
                last_event: ev.name().into(),
            });
            continue;
        }
        let Some(order) = orders.get_mut(&id) else {
            continue;
        };
        let previous = std::mem::replace(&mut order.last_event, ev.name().into());
        if let OrderEvent::FulfilmentChosen { fulfilment, .. } = ev {
            order.fulfilment =
                Some(serde_json::to_value(fulfilment).map_err(|e| sqlx::Error::Decode(e.into()))?);
        }
        let (customer, fulfilment) = (order.customer_id, order.fulfilment.clone());
        if let OrderEvent::PaymentReceived { method, at, .. } = ev {
            // Posted once: a second payment of one order (refused by the
            // domain) would not make a second post.
            if posts.get(&id).is_none() {
                posts.put(PostRow {
                    order_id: id.clone(),
                    customer_id: customer,
                    fulfilment,
                    method: method_name(*method).into(),
                    position: e.position(),
                    paid_at: at.timestamp_millis(),
                    version: e.sequence,
                });
            }
        }
        let Some(post) = posts.get_mut(&id) else {
            // Not paid: nothing for the staff chat.
            continue;
        };
        post.version = e.sequence;
        let method = post.method.clone();
        let short = id
            .parse::<OrderId>()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?
            .short();
        let mut params = Params {
            short_id: short,
            by: None,
            reason: None,
            amount: None,
            method: None,
            cause: None,
        };
        let kind = match ev {
            OrderEvent::OrderCancelled { by, reason, .. } => {
                params.by = Some(actor_kind(by).into());
                params.reason.clone_from(reason);
                "order_cancelled"
            }
            OrderEvent::RefundRequested { amount, reason, .. } => {
                params.amount = Some(Amount {
                    amount: amount.amount,
                    currency: amount.currency.to_string(),
                });
                params.method = Some(method);
                params.reason = Some(reason.clone());
                match previous.as_str() {
                    // The money came after the order was cancelled or reopened.
                    "PaymentReceived" => "payment_anomaly",
                    cause => {
                        params.cause = Some(
                            match cause {
                                "OrderRejected" => "rejected",
                                "OrderCancelled" => "cancelled",
                                _ => "requested",
                            }
                            .into(),
                        );
                        "refund_needed"
                    }
                }
            }
            _ => continue,
        };
        notes.put(NoteRow {
            note_id: format!("{id}:{}", e.sequence),
            order_id: id,
            kind: kind.into(),
            params,
            position: e.position(),
        });
    }
    orders.flush(tx).await?;
    posts.flush(tx).await?;
    notes.flush(tx).await
}
