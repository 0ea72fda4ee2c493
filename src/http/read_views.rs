//! The read shapes of orders: `GET /orders/{id}` (the order with its history)
//! and `GET /orders` (summaries), mapped here from the application layer's
//! read API. They share the names and types of `views::Order`'s fields.

use super::views::{Fulfilment, Line, Money, Order, Refund, Status};
use crate::app::{OrderDetail as AppOrderDetail, OrderSummary as AppOrderSummary, TimelineEntry};
use chrono::{DateTime, Utc};
use foodbot_domain::catalog::Catalog;
use foodbot_domain::OrderId;
use serde::Serialize;
use utoipa::ToSchema;

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

impl OrderDetail {
    /// The detail's view; `menu` is the menu now (see [`Order::new`]).
    pub fn new(d: AppOrderDetail, menu: &Catalog) -> Result<Self, UnknownStatus> {
        let timeline = d
            .timeline
            .into_iter()
            .map(Step::try_from)
            .collect::<Result<_, _>>()?;
        let o = Order::new(d.id, &d.order, d.version, menu);
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
