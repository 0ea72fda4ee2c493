//! Order events: the persisted, versioned record of what happened to an order.
//!
//! Names are past tense and `event_type()` strings are stable; a change of shape
//! bumps `event_version()` and comes with an upcaster, and stored rows are never
//! rewritten. Events carry derived values (line totals, subtotals, totals) so that
//! read models never recompute business rules. docs/events.md catalogues them.

use super::command::{Fulfilment, PaymentMethod};
use super::OrderStatus;
use crate::actor::Actor;
use crate::catalog::{Localized, PricedLine, PricingError};
use crate::codec::{Upcaster, VersionedEvent};
use crate::ids::{LineId, OrderId, UserId};
use crate::money::{Currency, Money};
use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

/// A line in a cart or a checked-out order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub line_id: LineId,
    pub item: PricedLine,
}

/// A line of a past order that could not be reordered, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnavailableLine {
    pub item_id: String,
    pub name: Localized,
    pub reason: PricingError,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderEvent {
    OrderCreated {
        order_id: OrderId,
        customer: UserId,
        currency: Currency,
        at: DateTime<Utc>,
    },
    ReorderedFrom {
        source: OrderId,
        unavailable: Vec<UnavailableLine>,
        at: DateTime<Utc>,
    },
    ItemAdded {
        line_id: LineId,
        item: PricedLine,
        subtotal: Money,
        at: DateTime<Utc>,
    },
    ItemQuantityChanged {
        line_id: LineId,
        quantity: u32,
        line_total: Money,
        subtotal: Money,
        at: DateTime<Utc>,
    },
    ItemRemoved {
        line_id: LineId,
        subtotal: Money,
        at: DateTime<Utc>,
    },
    FulfilmentChosen {
        fulfilment: Fulfilment,
        at: DateTime<Utc>,
    },
    CheckedOut {
        lines: Vec<CartLine>,
        subtotal: Money,
        delivery_fee: Money,
        total: Money,
        at: DateTime<Utc>,
    },
    CartReopened {
        at: DateTime<Utc>,
    },
    PaymentRequested {
        method: PaymentMethod,
        amount: Money,
        invoice_payload: String,
        at: DateTime<Utc>,
    },
    PaymentReceived {
        method: PaymentMethod,
        amount: Money,
        telegram_charge_id: String,
        provider_charge_id: String,
        at: DateTime<Utc>,
    },
    PaymentFailed {
        reason: String,
        at: DateTime<Utc>,
    },
    /// Version 1.1 added `ready_by`; 1.0 rows are upcast (`upcast.rs`).
    OrderAccepted {
        by: Actor,
        eta_minutes: Option<u32>,
        /// `at` plus `eta_minutes`: the time promised to the customer, worked
        /// out once here so that every reader shows the same instant.
        ready_by: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    },
    OrderRejected {
        by: Actor,
        reason: String,
        at: DateTime<Utc>,
    },
    PreparationStarted {
        by: Actor,
        at: DateTime<Utc>,
    },
    OrderReady {
        by: Actor,
        at: DateTime<Utc>,
    },
    OutForDelivery {
        by: Actor,
        at: DateTime<Utc>,
    },
    OrderDelivered {
        by: Actor,
        at: DateTime<Utc>,
    },
    OrderPickedUp {
        by: Actor,
        at: DateTime<Utc>,
    },
    OrderCancelled {
        by: Actor,
        reason: Option<String>,
        at: DateTime<Utc>,
    },
    RefundRequested {
        amount: Money,
        reason: String,
        at: DateTime<Utc>,
    },
    RefundCompleted {
        amount: Money,
        telegram_charge_id: String,
        at: DateTime<Utc>,
    },
}

impl OrderEvent {
    /// When it happened (business time, as put in the command).
    pub fn at(&self) -> DateTime<Utc> {
        use OrderEvent::*;
        match self {
            OrderCreated { at, .. }
            | ReorderedFrom { at, .. }
            | ItemAdded { at, .. }
            | ItemQuantityChanged { at, .. }
            | ItemRemoved { at, .. }
            | FulfilmentChosen { at, .. }
            | CheckedOut { at, .. }
            | CartReopened { at }
            | PaymentRequested { at, .. }
            | PaymentReceived { at, .. }
            | PaymentFailed { at, .. }
            | OrderAccepted { at, .. }
            | OrderRejected { at, .. }
            | PreparationStarted { at, .. }
            | OrderReady { at, .. }
            | OutForDelivery { at, .. }
            | OrderDelivered { at, .. }
            | OrderPickedUp { at, .. }
            | OrderCancelled { at, .. }
            | RefundRequested { at, .. }
            | RefundCompleted { at, .. } => *at,
        }
    }

    /// The order's status once this event has happened to an order that was
    /// `before`. The one definition of how events move an order along, shared
    /// by the aggregate and the read models.
    pub fn status_after(&self, before: OrderStatus) -> OrderStatus {
        use OrderEvent::*;
        match self {
            OrderCreated { .. } => OrderStatus::Cart,
            CheckedOut { .. } | PaymentFailed { .. } => OrderStatus::CheckedOut,
            CartReopened { .. } => OrderStatus::Cart,
            PaymentRequested { .. } => OrderStatus::AwaitingPayment,
            // Money that arrives late (after a cancellation or reopening) does
            // not revive the order; it is refunded instead.
            PaymentReceived { .. } if before == OrderStatus::AwaitingPayment => OrderStatus::Paid,
            OrderAccepted { .. } => OrderStatus::Accepted,
            OrderRejected { .. } => OrderStatus::Rejected,
            PreparationStarted { .. } => OrderStatus::Preparing,
            OrderReady { .. } => OrderStatus::Ready,
            OutForDelivery { .. } => OrderStatus::OutForDelivery,
            OrderDelivered { .. } => OrderStatus::Delivered,
            OrderPickedUp { .. } => OrderStatus::PickedUp,
            OrderCancelled { .. } => OrderStatus::Cancelled,
            ReorderedFrom { .. }
            | ItemAdded { .. }
            | ItemQuantityChanged { .. }
            | ItemRemoved { .. }
            | FulfilmentChosen { .. }
            | PaymentReceived { .. }
            | RefundRequested { .. }
            | RefundCompleted { .. } => before,
        }
    }

    /// Every event type string, for the catalogue test.
    pub const TYPES: [&'static str; 21] = [
        "OrderCreated",
        "ReorderedFrom",
        "ItemAdded",
        "ItemQuantityChanged",
        "ItemRemoved",
        "FulfilmentChosen",
        "CheckedOut",
        "CartReopened",
        "PaymentRequested",
        "PaymentReceived",
        "PaymentFailed",
        "OrderAccepted",
        "OrderRejected",
        "PreparationStarted",
        "OrderReady",
        "OutForDelivery",
        "OrderDelivered",
        "OrderPickedUp",
        "OrderCancelled",
        "RefundRequested",
        "RefundCompleted",
    ];
}

impl OrderEvent {
    /// The stable `event_type` string, without allocating.
    pub fn name(&self) -> &'static str {
        use OrderEvent::*;
        match self {
            OrderCreated { .. } => "OrderCreated",
            ReorderedFrom { .. } => "ReorderedFrom",
            ItemAdded { .. } => "ItemAdded",
            ItemQuantityChanged { .. } => "ItemQuantityChanged",
            ItemRemoved { .. } => "ItemRemoved",
            FulfilmentChosen { .. } => "FulfilmentChosen",
            CheckedOut { .. } => "CheckedOut",
            CartReopened { .. } => "CartReopened",
            PaymentRequested { .. } => "PaymentRequested",
            PaymentReceived { .. } => "PaymentReceived",
            PaymentFailed { .. } => "PaymentFailed",
            OrderAccepted { .. } => "OrderAccepted",
            OrderRejected { .. } => "OrderRejected",
            PreparationStarted { .. } => "PreparationStarted",
            OrderReady { .. } => "OrderReady",
            OutForDelivery { .. } => "OutForDelivery",
            OrderDelivered { .. } => "OrderDelivered",
            OrderPickedUp { .. } => "OrderPickedUp",
            OrderCancelled { .. } => "OrderCancelled",
            RefundRequested { .. } => "RefundRequested",
            RefundCompleted { .. } => "RefundCompleted",
        }
    }

    /// The version of this event's shape that this code writes. Listed per
    /// variant so that a new event does not compile until it has one.
    pub fn version(&self) -> &'static str {
        use OrderEvent::*;
        match self {
            OrderAccepted { .. } => super::upcast::ORDER_ACCEPTED_VERSION,
            OrderCreated { .. }
            | ReorderedFrom { .. }
            | ItemAdded { .. }
            | ItemQuantityChanged { .. }
            | ItemRemoved { .. }
            | FulfilmentChosen { .. }
            | CheckedOut { .. }
            | CartReopened { .. }
            | PaymentRequested { .. }
            | PaymentReceived { .. }
            | PaymentFailed { .. }
            | OrderRejected { .. }
            | PreparationStarted { .. }
            | OrderReady { .. }
            | OutForDelivery { .. }
            | OrderDelivered { .. }
            | OrderPickedUp { .. }
            | OrderCancelled { .. }
            | RefundRequested { .. }
            | RefundCompleted { .. } => "1.0",
        }
    }

    /// The version of each event type's shape that this code writes (and
    /// reads without upcasting); `None` for a type the order does not have.
    pub fn current_version(event_type: &str) -> Option<&'static str> {
        match event_type {
            "OrderAccepted" => Some(super::upcast::ORDER_ACCEPTED_VERSION),
            "OrderCreated"
            | "ReorderedFrom"
            | "ItemAdded"
            | "ItemQuantityChanged"
            | "ItemRemoved"
            | "FulfilmentChosen"
            | "CheckedOut"
            | "CartReopened"
            | "PaymentRequested"
            | "PaymentReceived"
            | "PaymentFailed"
            | "OrderRejected"
            | "PreparationStarted"
            | "OrderReady"
            | "OutForDelivery"
            | "OrderDelivered"
            | "OrderPickedUp"
            | "OrderCancelled"
            | "RefundRequested"
            | "RefundCompleted" => Some("1.0"),
            _ => None,
        }
    }
}

impl DomainEvent for OrderEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        self.version().to_string()
    }
}

impl VersionedEvent for OrderEvent {
    const AGGREGATE_TYPE: &'static str = "Order";
    const UPCASTERS: &'static [Upcaster] = super::upcast::UPCASTERS;

    fn current_version(event_type: &str) -> Option<&'static str> {
        OrderEvent::current_version(event_type)
    }

    fn name(&self) -> &'static str {
        OrderEvent::name(self)
    }
}
