//! The Order aggregate: one customer's order from cart to delivery or refund.
//!
//! Lifecycle (staff steps need a staff actor; customer steps need the owner):
//!
//! ```text
//! cart ⇄ checked_out → awaiting_payment → paid → accepted → preparing → ready
//!   ↑____reopen_____________|     |          ↘ rejected      out_for_delivery → delivered
//!                     payment failed → checked_out            (pickup: ready → picked_up)
//! cancelled: by the customer before acceptance, by staff with a reason until the end.
//! refund: requested (on rejection, cancellation of a paid order, or by staff) → refunded.
//! ```

mod command;
mod decide;
mod error;
mod event;
#[cfg(test)]
mod overflow_tests;
#[cfg(test)]
mod tests;
mod upcast;

pub use command::{Fulfilment, OrderAction, OrderCommand, PaymentMethod, PaymentReceipt};
pub use error::OrderError;
pub use event::{CartLine, OrderEvent, UnavailableLine};
pub use upcast::ORDER_ACCEPTED_VERSION;

use crate::ids::{LineId, OrderId, UserId};
use crate::money::{Currency, Money};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Most lines one cart may hold.
pub const MAX_LINES: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Not created yet: the aggregate has no events.
    #[default]
    New,
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

impl OrderStatus {
    pub fn as_str(&self) -> &'static str {
        use OrderStatus::*;
        match self {
            New => "new",
            Cart => "cart",
            CheckedOut => "checked_out",
            AwaitingPayment => "awaiting_payment",
            Paid => "paid",
            Accepted => "accepted",
            Preparing => "preparing",
            Ready => "ready",
            OutForDelivery => "out_for_delivery",
            Delivered => "delivered",
            PickedUp => "picked_up",
            Rejected => "rejected",
            Cancelled => "cancelled",
        }
    }

    /// No further status change is possible (refunds may still follow).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            OrderStatus::Delivered
                | OrderStatus::PickedUp
                | OrderStatus::Rejected
                | OrderStatus::Cancelled
        )
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub subtotal: Money,
    pub delivery_fee: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    pub method: PaymentMethod,
    pub amount: Money,
    pub invoice_payload: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundState {
    Requested { amount: Money },
    Refunded { amount: Money },
}

/// The state of one order, rebuilt from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: Option<OrderId>,
    pub customer: Option<UserId>,
    pub currency: Option<Currency>,
    pub status: OrderStatus,
    pub lines: Vec<CartLine>,
    pub next_line: u32,
    pub fulfilment: Option<Fulfilment>,
    /// The cart's subtotal as the last event that changed it says (`None`
    /// before any line): events carry it, so it is never summed again here.
    #[serde(default)]
    pub cart_subtotal: Option<Money>,
    /// Frozen at checkout; cleared when the cart is reopened.
    pub totals: Option<Totals>,
    pub reordered_from: Option<OrderId>,
    /// Lines of the source order that could not be reordered.
    #[serde(default)]
    pub reorder_unavailable: Vec<UnavailableLine>,
    pub payment_request: Option<PaymentRequest>,
    pub payment: Option<PaymentReceipt>,
    pub refund: Option<RefundState>,
    /// How many times the order was checked out: the number of its current
    /// checkout, which an invoice names so that a payment for an earlier
    /// checkout (since reopened and changed) is refused.
    #[serde(default)]
    pub checkouts: u32,
}

impl Order {
    /// The sum of the cart's line totals. Each event that changes the lines
    /// carries the subtotal after it (worked out with checked arithmetic when
    /// it was decided), so this is a lookup rather than a sum that could
    /// overflow.
    pub fn subtotal(&self) -> Money {
        let currency = self.currency.unwrap_or(crate::money::STARS);
        self.cart_subtotal.unwrap_or(Money::zero(currency))
    }

    pub fn line(&self, id: LineId) -> Option<&CartLine> {
        self.lines.iter().find(|l| l.line_id == id)
    }

    /// The pre-checkout check: may this order be paid now with this amount?
    /// Telegram asks before it charges; the answer must be given within 10 s.
    pub fn check_payable(&self, amount: Money, invoice_payload: &str) -> Result<(), OrderError> {
        if self.status != OrderStatus::AwaitingPayment {
            return Err(OrderError::InvalidTransition {
                status: self.status,
                action: "pay",
            });
        }
        let req = self
            .payment_request
            .as_ref()
            .ok_or(OrderError::NoPaymentRequested)?;
        if req.amount != amount || req.invoice_payload != invoice_payload {
            return Err(OrderError::PaymentMismatch {
                expected: req.amount,
                got: amount,
            });
        }
        Ok(())
    }
}

impl Aggregate for Order {
    const TYPE: &'static str = "Order";
    type Command = OrderCommand;
    type Event = OrderEvent;
    type Error = OrderError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use OrderEvent::*;
        self.status = event.status_after(self.status);
        match event {
            OrderCreated {
                order_id,
                customer,
                currency,
                ..
            } => {
                self.id = Some(order_id);
                self.customer = Some(customer);
                self.currency = Some(currency);
                self.next_line = 1;
            }
            ReorderedFrom {
                source,
                unavailable,
                ..
            } => {
                self.reordered_from = Some(source);
                self.reorder_unavailable = unavailable;
            }
            ItemAdded {
                line_id,
                item,
                subtotal,
                ..
            } => {
                self.next_line = self.next_line.max(line_id.0.saturating_add(1));
                self.lines.push(CartLine { line_id, item });
                self.cart_subtotal = Some(subtotal);
            }
            ItemQuantityChanged {
                line_id,
                quantity,
                line_total,
                subtotal,
                ..
            } => {
                if let Some(l) = self.lines.iter_mut().find(|l| l.line_id == line_id) {
                    l.item.quantity = quantity;
                    l.item.line_total = line_total;
                }
                self.cart_subtotal = Some(subtotal);
            }
            ItemRemoved {
                line_id, subtotal, ..
            } => {
                self.lines.retain(|l| l.line_id != line_id);
                self.cart_subtotal = Some(subtotal);
            }
            FulfilmentChosen { fulfilment, .. } => self.fulfilment = Some(fulfilment),
            CheckedOut {
                lines,
                subtotal,
                delivery_fee,
                total,
                ..
            } => {
                self.checkouts = self.checkouts.saturating_add(1);
                // A checkout in Stars (digital goods) freezes the total in
                // Stars; the cart's lines keep their prices in the menu's
                // currency, so that a reopened cart goes on in that currency.
                // The event's lines (in Stars) are what was sold.
                if Some(total.currency) == self.currency {
                    self.lines = lines;
                    self.cart_subtotal = Some(subtotal);
                }
                self.totals = Some(Totals {
                    subtotal,
                    delivery_fee,
                    total,
                });
            }
            CartReopened { .. } => self.totals = None,
            PaymentRequested {
                method,
                amount,
                invoice_payload,
                ..
            } => {
                self.payment_request = Some(PaymentRequest {
                    method,
                    amount,
                    invoice_payload,
                });
            }
            PaymentReceived {
                method,
                amount,
                telegram_charge_id,
                provider_charge_id,
                ..
            } => {
                self.payment = Some(PaymentReceipt {
                    method,
                    amount,
                    telegram_charge_id,
                    provider_charge_id,
                });
            }
            RefundRequested { amount, .. } => self.refund = Some(RefundState::Requested { amount }),
            RefundCompleted { amount, .. } => self.refund = Some(RefundState::Refunded { amount }),
            PaymentFailed { .. }
            | OrderAccepted { .. }
            | OrderRejected { .. }
            | PreparationStarted { .. }
            | OrderReady { .. }
            | OutForDelivery { .. }
            | OrderDelivered { .. }
            | OrderPickedUp { .. }
            | OrderCancelled { .. } => {}
        }
    }
}
