//! The JSON shapes the API returns: types of their own, mapped here (and only
//! here) from the domain's and the read models' types.
//!
//! Events are a persisted format and the API a public one; each changes on its
//! own schedule, so no type stored in an event is serialized as an API body.
//! One order has one shape (`Order`) in every command's answer and in
//! `GET /orders/{id}` (which adds its history); the list's `OrderSummary` uses
//! the same names and types for the fields it shares. Money is always
//! `{amount, currency}`, times RFC 3339 in UTC.

use crate::app::{OrderDetail as AppOrderDetail, OrderSummary as AppOrderSummary, TimelineEntry};
use chrono::{DateTime, Utc};
use foodbot_domain::address::Address as DomainAddress;
use foodbot_domain::catalog::{Localized, PricedLine};
use foodbot_domain::order::{
    CartLine, Fulfilment as DomainFulfilment, Order as DomainOrder, OrderStatus, RefundState,
};
use foodbot_domain::{Money as DomainMoney, OrderId};
use serde::Serialize;
use utoipa::ToSchema;

/// An amount in integer minor units of an ISO 4217 currency (XTR: stars).
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

impl From<DomainMoney> for Money {
    fn from(m: DomainMoney) -> Self {
        Money {
            amount: m.amount,
            currency: m.currency.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub city: String,
    #[schema(required = true)]
    pub postcode: Option<String>,
    #[schema(required = true)]
    pub details: Option<String>,
}

impl From<&DomainAddress> for Address {
    fn from(a: &DomainAddress) -> Self {
        Address {
            street: a.street.clone(),
            city: a.city.clone(),
            postcode: a.postcode.clone(),
            details: a.details.clone(),
        }
    }
}

/// How the customer gets the food.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fulfilment {
    Delivery {
        address: Address,
        #[schema(required = true)]
        phone: Option<String>,
    },
    Pickup,
}

impl From<&DomainFulfilment> for Fulfilment {
    fn from(f: &DomainFulfilment) -> Self {
        match f {
            DomainFulfilment::Delivery { address, phone } => Fulfilment::Delivery {
                address: address.into(),
                phone: phone.clone(),
            },
            DomainFulfilment::Pickup => Fulfilment::Pickup,
        }
    }
}

/// Where an order stands.
#[derive(Serialize, serde::Deserialize, ToSchema, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Cart,
    CheckedOut,
    AwaitingPayment,
    Paid,
    Accepted,
    Preparing,
    Ready,
    OutForDelivery,
    Delivered,
    PickedUp,
    Rejected,
    Cancelled,
}

impl Status {
    /// The status a read model row names, if it is one.
    pub fn parse(name: &str) -> Option<Status> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }

    fn of(s: OrderStatus) -> Status {
        use OrderStatus as O;
        match s {
            // An order is `New` only before its first event, and the API
            // shows no such order (reads answer 404, a create makes a cart).
            O::New | O::Cart => Status::Cart,
            O::CheckedOut => Status::CheckedOut,
            O::AwaitingPayment => Status::AwaitingPayment,
            O::Paid => Status::Paid,
            O::Accepted => Status::Accepted,
            O::Preparing => Status::Preparing,
            O::Ready => Status::Ready,
            O::OutForDelivery => Status::OutForDelivery,
            O::Delivered => Status::Delivered,
            O::PickedUp => Status::PickedUp,
            O::Rejected => Status::Rejected,
            O::Cancelled => Status::Cancelled,
        }
    }
}

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub id: String,
    pub name: Localized,
    pub price_delta: Money,
}

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct ChosenOption {
    pub group: String,
    pub option: String,
    pub name: Localized,
    pub price_delta: Money,
}

/// One line of a cart or order, priced.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub line_id: u32,
    pub item_id: String,
    pub category: String,
    pub name: Localized,
    #[schema(required = true)]
    pub size: Option<Size>,
    pub options: Vec<ChosenOption>,
    pub quantity: u32,
    /// The customer's note to the kitchen, as typed.
    #[schema(required = true)]
    pub note: Option<String>,
    pub unit_price: Money,
    pub line_total: Money,
}

impl From<&CartLine> for Line {
    fn from(l: &CartLine) -> Self {
        let p: &PricedLine = &l.item;
        let delta = |amount| Money {
            amount,
            currency: p.unit_price.currency.to_string(),
        };
        Line {
            line_id: l.line_id.0,
            item_id: p.item_id.clone(),
            category: p.category.clone(),
            name: p.name.clone(),
            size: p.size.as_ref().map(|s| Size {
                id: s.id.clone(),
                name: s.name.clone(),
                price_delta: delta(s.price_delta),
            }),
            options: p
                .options
                .iter()
                .map(|o| ChosenOption {
                    group: o.group.clone(),
                    option: o.option.clone(),
                    name: o.name.clone(),
                    price_delta: delta(o.price_delta),
                })
                .collect(),
            quantity: p.quantity,
            note: p.note.clone(),
            unit_price: p.unit_price.into(),
            line_total: p.line_total.into(),
        }
    }
}

#[derive(Serialize, ToSchema, Debug, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Requested,
    Refunded,
}

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Refund {
    pub status: RefundStatus,
    pub amount: Money,
}

/// An order: the one shape of every command's answer.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Order {
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    /// Six characters, for people.
    pub short_id: String,
    pub status: Status,
    pub lines: Vec<Line>,
    pub subtotal: Money,
    /// Frozen at checkout; null before.
    #[schema(required = true)]
    pub delivery_fee: Option<Money>,
    /// Frozen at checkout; null before.
    #[schema(required = true)]
    pub total: Option<Money>,
    #[schema(required = true)]
    pub fulfilment: Option<Fulfilment>,
    /// What was received; null while unpaid.
    #[schema(required = true)]
    pub paid: Option<Money>,
    #[schema(required = true)]
    pub refund: Option<Refund>,
    #[schema(required = true, value_type = Option<String>, format = Uuid)]
    pub reordered_from: Option<OrderId>,
    /// Sequence number of the order's last event.
    pub version: usize,
}

impl Order {
    pub fn new(id: OrderId, order: &DomainOrder, version: usize) -> Self {
        Order {
            id,
            short_id: id.short(),
            status: Status::of(order.status),
            lines: order.lines.iter().map(Line::from).collect(),
            subtotal: order.subtotal().into(),
            delivery_fee: order.totals.as_ref().map(|t| t.delivery_fee.into()),
            total: order.totals.as_ref().map(|t| t.total.into()),
            fulfilment: order.fulfilment.as_ref().map(Fulfilment::from),
            paid: order.payment.as_ref().map(|p| p.amount.into()),
            refund: order.refund.map(|r| match r {
                RefundState::Requested { amount } => Refund {
                    status: RefundStatus::Requested,
                    amount: amount.into(),
                },
                RefundState::Refunded { amount } => Refund {
                    status: RefundStatus::Refunded,
                    amount: amount.into(),
                },
            }),
            reordered_from: order.reordered_from,
            version,
        }
    }
}

/// One step of an order's history.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub sequence: i64,
    pub event_type: String,
    /// The order's status after the step.
    pub status: Status,
    /// `customer`, `staff` or `system`.
    pub actor: String,
    #[schema(required = true)]
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

impl TryFrom<TimelineEntry> for Step {
    type Error = UnknownStatus;

    fn try_from(t: TimelineEntry) -> Result<Self, UnknownStatus> {
        let status = Status::parse(&t.status).ok_or_else(|| UnknownStatus(t.status.clone()))?;
        Ok(Step {
            sequence: t.sequence,
            event_type: t.event_type,
            status,
            actor: t.actor,
            detail: t.detail,
            at: t.at,
        })
    }
}

/// `GET /orders/{id}`: the order, as a command answers it (the same fields,
/// written out so that both shapes refuse other fields), with its history.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct OrderDetail {
    #[schema(value_type = String, format = Uuid)]
    pub id: OrderId,
    pub short_id: String,
    pub status: Status,
    pub lines: Vec<Line>,
    pub subtotal: Money,
    #[schema(required = true)]
    pub delivery_fee: Option<Money>,
    #[schema(required = true)]
    pub total: Option<Money>,
    #[schema(required = true)]
    pub fulfilment: Option<Fulfilment>,
    #[schema(required = true)]
    pub paid: Option<Money>,
    #[schema(required = true)]
    pub refund: Option<Refund>,
    #[schema(required = true, value_type = Option<String>, format = Uuid)]
    pub reordered_from: Option<OrderId>,
    pub version: usize,
    /// The kitchen's estimate in minutes, once accepted.
    #[schema(required = true)]
    pub eta_minutes: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub timeline: Vec<Step>,
}

impl TryFrom<AppOrderDetail> for OrderDetail {
    type Error = UnknownStatus;

    fn try_from(d: AppOrderDetail) -> Result<Self, UnknownStatus> {
        let timeline = d
            .timeline
            .into_iter()
            .map(Step::try_from)
            .collect::<Result<_, _>>()?;
        let o = Order::new(d.id, &d.order, d.version);
        Ok(OrderDetail {
            id: o.id,
            short_id: o.short_id,
            status: o.status,
            lines: o.lines,
            subtotal: o.subtotal,
            delivery_fee: o.delivery_fee,
            total: o.total,
            fulfilment: o.fulfilment,
            paid: o.paid,
            refund: o.refund,
            reordered_from: o.reordered_from,
            version: o.version,
            eta_minutes: d.history.eta_minutes,
            created_at: d.history.created_at,
            updated_at: d.history.updated_at,
            timeline,
        })
    }
}

/// One entry of `GET /orders`: the order's fields that a list shows, under the
/// same names and types as in `Order`.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct OrderSummary {
    #[schema(format = Uuid)]
    pub id: String,
    pub short_id: String,
    pub status: Status,
    pub subtotal: Money,
    #[schema(required = true)]
    pub total: Option<Money>,
    pub item_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<AppOrderSummary> for OrderSummary {
    type Error = UnknownStatus;

    fn try_from(s: AppOrderSummary) -> Result<Self, UnknownStatus> {
        let status = Status::parse(&s.status).ok_or_else(|| UnknownStatus(s.status.clone()))?;
        Ok(OrderSummary {
            subtotal: Money {
                amount: s.subtotal,
                currency: s.currency.clone(),
            },
            total: s.total.map(|amount| Money {
                amount,
                currency: s.currency.clone(),
            }),
            id: s.id,
            short_id: s.short_id,
            status,
            item_count: s.item_count,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        })
    }
}

/// A read model row names a status the API does not know: a server fault.
#[derive(Debug, thiserror::Error)]
#[error("order_status holds an unknown status {0:?}")]
pub struct UnknownStatus(String);

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct OrderList {
    pub orders: Vec<OrderSummary>,
}
