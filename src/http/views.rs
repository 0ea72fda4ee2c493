//! The JSON shapes the API returns: types of their own, mapped here (and only
//! here) from the domain's and the read models' types.
//!
//! Events are a persisted format and the API a public one; each changes on its
//! own schedule, so no type stored in an event is serialized as an API body.
//! One order has one shape (`Order`) in every command's answer and in
//! `GET /orders/{id}` (which adds its history); the list's `OrderSummary` uses
//! the same names and types for the fields it shares. Money is always
//! `{amount, currency}`, times RFC 3339 in UTC.

use foodbot_domain::address::Address as DomainAddress;
use foodbot_domain::catalog::{Catalog, Localized, PricedLine};
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

/// How the customer gets the food, the phone they left and their comment to
/// the restaurant (null when none).
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fulfilment {
    Delivery {
        address: Address,
        #[schema(required = true, max_length = 40)]
        phone: Option<String>,
        /// As typed, trimmed; line breaks kept.
        #[schema(required = true, max_length = 500)]
        comment: Option<String>,
    },
    Pickup {
        #[schema(required = true, max_length = 40)]
        phone: Option<String>,
        /// As typed, trimmed; line breaks kept.
        #[schema(required = true, max_length = 500)]
        comment: Option<String>,
    },
}

impl From<&DomainFulfilment> for Fulfilment {
    fn from(f: &DomainFulfilment) -> Self {
        match f {
            DomainFulfilment::Delivery {
                address,
                phone,
                comment,
            } => Fulfilment::Delivery {
                address: address.into(),
                phone: phone.clone(),
                comment: comment.clone(),
            },
            DomainFulfilment::Pickup { phone, comment } => Fulfilment::Pickup {
                phone: phone.clone(),
                comment: comment.clone(),
            },
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
    /// In a cart: false when the dish, its size or one of its options cannot
    /// be ordered now (sold out, or no longer on the menu), so checkout would
    /// refuse the line. Once checked out, always true: the line is bought.
    pub available: bool,
}

impl Line {
    /// The line, `available` as `menu` (the menu now) says for a cart.
    fn of(l: &CartLine, cart: bool, menu: &Catalog) -> Self {
        let available = !cart || menu.price(&l.item.to_request()).is_ok();
        Line {
            available,
            ..Line::from(l)
        }
    }
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
            available: true,
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
    /// The order's view; `menu` is the menu now, which says whether a cart's
    /// lines can still be ordered.
    pub fn new(id: OrderId, order: &DomainOrder, version: usize, menu: &Catalog) -> Self {
        let cart = order.status == OrderStatus::Cart;
        Order {
            id,
            short_id: id.short(),
            status: Status::of(order.status),
            lines: order
                .lines
                .iter()
                .map(|l| Line::of(l, cart, menu))
                .collect(),
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
