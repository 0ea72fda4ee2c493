//! The decision: (state, command) → events or a typed error. Pure and synchronous.

use super::{
    CartLine, Order, OrderAction, OrderCommand, OrderError, OrderEvent, OrderStatus,
    UnavailableLine, MAX_LINES,
};
use super::{Fulfilment, PaymentMethod, PaymentRequest, RefundState};
use crate::actor::Actor;
use crate::catalog::{Catalog, LineRequest};
use crate::money::{Money, STARS};
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use OrderStatus::*;

/// Events are built against a scratch copy of the state, so that derived values
/// (subtotals) in later events of one command see the earlier ones.
struct Draft {
    state: Order,
    events: Vec<OrderEvent>,
}

impl Draft {
    fn emit(&mut self, event: OrderEvent) {
        self.state.apply(event.clone());
        self.events.push(event);
    }
}

/// Who may issue an action.
enum Authority {
    /// The order's customer only.
    Owner,
    /// The order's customer, or the server acting on a fact from Telegram.
    OwnerOrSystem,
    /// Staff, or the server itself.
    Staff,
    /// The owner (with rules of their own) or staff/system.
    OwnerOrStaff,
}

impl Order {
    pub fn decide(&self, cmd: OrderCommand) -> Result<Vec<OrderEvent>, OrderError> {
        let OrderCommand { actor, at, action } = cmd;
        let mut d = Draft {
            state: self.clone(),
            events: Vec::new(),
        };

        match &action {
            OrderAction::Create { .. } | OrderAction::Reorder { .. } => {
                if self.status != New {
                    return Err(OrderError::AlreadyExists);
                }
                if !matches!(actor, Actor::Customer(_)) {
                    return Err(OrderError::CustomerOnly);
                }
            }
            _ => {
                if self.status == New {
                    return Err(OrderError::NotFound);
                }
                self.authorize(actor, authority(&action))?;
            }
        }

        match action {
            OrderAction::Create {
                order_id,
                menu,
                items,
            } => {
                let Actor::Customer(customer) = actor else {
                    unreachable!("checked above")
                };
                d.emit(OrderEvent::OrderCreated {
                    order_id,
                    customer,
                    currency: menu.currency(),
                    at,
                });
                for item in items {
                    add_item(&mut d, &menu, &item, at)?;
                }
            }
            OrderAction::Reorder {
                order_id,
                source,
                lines,
                menu,
            } => {
                let Actor::Customer(customer) = actor else {
                    unreachable!("checked above")
                };
                let mut available = Vec::new();
                let mut unavailable = Vec::new();
                for line in lines {
                    match menu.price(&line) {
                        Ok(priced) => available.push(priced),
                        Err(reason) => unavailable.push(UnavailableLine {
                            name: menu
                                .item(&line.item_id)
                                .map(|i| i.name.clone())
                                .unwrap_or_default(),
                            item_id: line.item_id,
                            reason,
                        }),
                    }
                }
                if available.is_empty() {
                    return Err(OrderError::NothingToReorder);
                }
                d.emit(OrderEvent::OrderCreated {
                    order_id,
                    customer,
                    currency: menu.currency(),
                    at,
                });
                d.emit(OrderEvent::ReorderedFrom {
                    source,
                    unavailable,
                    at,
                });
                for item in available.into_iter().take(MAX_LINES) {
                    let line_id = crate::ids::LineId(d.state.next_line);
                    let subtotal = add_money(d.state.subtotal(), item.line_total)?;
                    d.emit(OrderEvent::ItemAdded {
                        line_id,
                        item,
                        subtotal,
                        at,
                    });
                }
            }
            OrderAction::AddItem { menu, item } => {
                self.require(&[Cart], "add items to")?;
                add_item(&mut d, &menu, &item, at)?;
            }
            OrderAction::ChangeQuantity { line, quantity } => {
                self.require(&[Cart], "change")?;
                let current = self.line(line).ok_or(OrderError::UnknownLine(line))?;
                if current.item.quantity != quantity {
                    let changed = current.item.with_quantity(quantity)?;
                    let without = sub_money(self.subtotal(), current.item.line_total)?;
                    let subtotal = add_money(without, changed.line_total)?;
                    d.emit(OrderEvent::ItemQuantityChanged {
                        line_id: line,
                        quantity,
                        line_total: changed.line_total,
                        subtotal,
                        at,
                    });
                }
            }
            OrderAction::RemoveItem { line } => {
                self.require(&[Cart], "change")?;
                let current = self.line(line).ok_or(OrderError::UnknownLine(line))?;
                let subtotal = sub_money(self.subtotal(), current.item.line_total)?;
                d.emit(OrderEvent::ItemRemoved {
                    line_id: line,
                    subtotal,
                    at,
                });
            }
            OrderAction::SetFulfilment { fulfilment } => {
                self.require(&[Cart], "change delivery of")?;
                let fulfilment = fulfilment.normalized()?;
                if self.fulfilment.as_ref() != Some(&fulfilment) {
                    d.emit(OrderEvent::FulfilmentChosen { fulfilment, at });
                }
            }
            OrderAction::Checkout { menu } => {
                self.require(&[Cart], "check out")?;
                if self.lines.is_empty() {
                    return Err(OrderError::EmptyCart);
                }
                if let Some(hours) = &menu.restaurant.hours {
                    if !hours.is_open(at) {
                        return Err(OrderError::Closed {
                            opens_at: hours.next_opening(at),
                        });
                    }
                }
                self.same_currency(&menu)?;
                let digital = self
                    .lines
                    .iter()
                    .filter(|l| menu.item(&l.item.item_id).is_some_and(|i| i.digital))
                    .count();
                if digital > 0 && digital < self.lines.len() {
                    // Food is paid with a provider in money, digital goods in
                    // Stars: one invoice cannot hold both.
                    return Err(OrderError::MixedDigitalAndPhysical);
                }
                let in_stars = digital > 0;
                // Digital goods are not delivered: no fulfilment is needed.
                let fulfilment = match (&self.fulfilment, in_stars) {
                    (Some(f), _) => Some(f),
                    (None, true) => None,
                    (None, false) => return Err(OrderError::FulfilmentMissing),
                };
                let mut lines = Vec::with_capacity(self.lines.len());
                let mut problems = Vec::new();
                for line in &self.lines {
                    let priced = menu.price(&line.item.to_request()).and_then(|item| {
                        if in_stars {
                            in_stars_price(&menu, item)
                        } else {
                            Ok(item)
                        }
                    });
                    match priced {
                        Ok(item) => lines.push(CartLine {
                            line_id: line.line_id,
                            item,
                        }),
                        Err(e) => problems.push((line.line_id, e)),
                    }
                }
                if !problems.is_empty() {
                    return Err(OrderError::ItemsUnavailable { problems });
                }
                let currency = if in_stars { STARS } else { menu.currency() };
                let subtotal = lines.iter().try_fold(Money::zero(currency), |acc, l| {
                    add_money(acc, l.item.line_total)
                })?;
                let delivery_fee = match fulfilment {
                    Some(Fulfilment::Delivery { .. }) if !in_stars => menu.restaurant.delivery_fee,
                    _ => Money::zero(currency),
                };
                let total = add_money(subtotal, delivery_fee)?;
                d.emit(OrderEvent::CheckedOut {
                    lines,
                    subtotal,
                    delivery_fee,
                    total,
                    at,
                });
            }
            OrderAction::ReopenCart => {
                self.require(&[CheckedOut, AwaitingPayment], "reopen")?;
                d.emit(OrderEvent::CartReopened { at });
            }
            OrderAction::RequestPayment {
                method,
                invoice_payload,
            } => {
                if self.payment.is_some() {
                    return Err(OrderError::AlreadyPaid);
                }
                if self.status == Cart {
                    return Err(OrderError::NotCheckedOut);
                }
                self.require(&[CheckedOut, AwaitingPayment], "pay")?;
                let same = PaymentRequest {
                    method,
                    amount: self
                        .totals
                        .as_ref()
                        .map(|t| t.total)
                        .unwrap_or(self.subtotal()),
                    invoice_payload: invoice_payload.clone(),
                };
                if self.status == AwaitingPayment && self.payment_request.as_ref() == Some(&same) {
                    // The same invoice asked for again: it stands as it is.
                    return Ok(vec![]);
                }
                let total = self
                    .totals
                    .as_ref()
                    .map(|t| t.total)
                    .ok_or(OrderError::EmptyCart)?;
                if (method == PaymentMethod::Stars) != (total.currency == STARS) {
                    return Err(OrderError::WrongPaymentMethod);
                }
                d.emit(OrderEvent::PaymentRequested {
                    method,
                    amount: total,
                    invoice_payload,
                    at,
                });
            }
            OrderAction::RecordPayment { receipt } => {
                if let Some(paid) = &self.payment {
                    if paid.telegram_charge_id == receipt.telegram_charge_id {
                        // Telegram told us twice about the same charge: nothing new.
                        return Ok(vec![]);
                    }
                    return Err(OrderError::AlreadyPaid);
                }
                let requested = self
                    .payment_request
                    .as_ref()
                    .ok_or(OrderError::NoPaymentRequested)?;
                if requested.amount != receipt.amount {
                    return Err(OrderError::PaymentMismatch {
                        expected: requested.amount,
                        got: receipt.amount,
                    });
                }
                let still_payable = self.status == AwaitingPayment;
                let amount = receipt.amount;
                d.emit(OrderEvent::PaymentReceived {
                    method: receipt.method,
                    amount,
                    telegram_charge_id: receipt.telegram_charge_id,
                    provider_charge_id: receipt.provider_charge_id,
                    at,
                });
                if !still_payable {
                    // The money arrived after the order was cancelled or reopened: it is
                    // recorded (it was taken) and given back.
                    d.emit(OrderEvent::RefundRequested {
                        amount,
                        reason: format!("payment arrived while the order was {}", self.status),
                        at,
                    });
                }
            }
            OrderAction::RecordPaymentFailure { reason } => {
                self.require(&[AwaitingPayment], "fail the payment of")?;
                d.emit(OrderEvent::PaymentFailed { reason, at });
            }
            OrderAction::Accept { eta_minutes } => {
                self.require(&[Paid], "accept")?;
                // A promise past the end of time is refused rather than dropped.
                let ready_by = eta_minutes
                    .map(|m| super::upcast::ready_by(at, m).ok_or(OrderError::AmountOutOfRange))
                    .transpose()?;
                d.emit(OrderEvent::OrderAccepted {
                    by: actor,
                    eta_minutes,
                    ready_by,
                    at,
                });
            }
            OrderAction::Reject { reason } => {
                self.require(&[Paid], "reject")?;
                let reason = required_reason(Some(reason))?;
                d.emit(OrderEvent::OrderRejected {
                    by: actor,
                    reason: reason.clone(),
                    at,
                });
                self.refund_all(&mut d, reason, at)?;
            }
            OrderAction::StartPreparing => {
                self.require(&[Accepted], "start preparing")?;
                d.emit(OrderEvent::PreparationStarted { by: actor, at });
            }
            OrderAction::MarkReady => {
                self.require(&[Accepted, Preparing], "mark ready")?;
                d.emit(OrderEvent::OrderReady { by: actor, at });
            }
            OrderAction::MarkOutForDelivery => {
                self.require(&[Ready], "send out")?;
                if !matches!(self.fulfilment, Some(Fulfilment::Delivery { .. })) {
                    return Err(OrderError::NotForDelivery);
                }
                d.emit(OrderEvent::OutForDelivery { by: actor, at });
            }
            OrderAction::MarkDelivered => {
                self.require(&[OutForDelivery], "mark delivered")?;
                d.emit(OrderEvent::OrderDelivered { by: actor, at });
            }
            OrderAction::MarkPickedUp => {
                self.require(&[Ready], "hand over")?;
                if !matches!(self.fulfilment, Some(Fulfilment::Pickup { .. })) {
                    return Err(OrderError::NotForPickup);
                }
                d.emit(OrderEvent::OrderPickedUp { by: actor, at });
            }
            OrderAction::Cancel { reason } => {
                let reason = match actor {
                    Actor::Customer(_) => {
                        self.require(&[Cart, CheckedOut, AwaitingPayment, Paid], "cancel")?;
                        // Optional for the customer; trimmed and capped like staff reasons.
                        required_reason(reason).ok()
                    }
                    Actor::Staff(_) | Actor::System => {
                        if self.status.is_final() {
                            return Err(OrderError::InvalidTransition {
                                status: self.status,
                                action: "cancel",
                            });
                        }
                        Some(required_reason(reason)?)
                    }
                };
                d.emit(OrderEvent::OrderCancelled {
                    by: actor,
                    reason: reason.clone(),
                    at,
                });
                if self.payment.is_some() {
                    self.refund_all(
                        &mut d,
                        reason.unwrap_or_else(|| "cancelled by the customer".into()),
                        at,
                    )?;
                }
            }
            OrderAction::RequestRefund { reason } => {
                let reason = required_reason(Some(reason))?;
                self.refund_all(&mut d, reason, at)?;
            }
            OrderAction::RecordRefund {
                amount,
                telegram_charge_id,
            } => match self.refund {
                Some(RefundState::Requested { amount: expected }) => {
                    if expected != amount {
                        return Err(OrderError::RefundMismatch {
                            expected,
                            got: amount,
                        });
                    }
                    d.emit(OrderEvent::RefundCompleted {
                        amount,
                        telegram_charge_id,
                        at,
                    });
                }
                Some(RefundState::Refunded { .. }) => return Ok(vec![]),
                None => return Err(OrderError::NoRefundRequested),
            },
        }
        Ok(d.events)
    }

    fn authorize(&self, actor: Actor, authority: Authority) -> Result<(), OrderError> {
        let owner = self.customer;
        match (actor, authority) {
            (Actor::Customer(u), _) if Some(u) != owner => Err(OrderError::NotYourOrder),
            (Actor::Customer(_), Authority::Staff) => Err(OrderError::StaffOnly),
            (Actor::Customer(_), _) => Ok(()),
            (Actor::Staff(_), Authority::Staff | Authority::OwnerOrStaff) => Ok(()),
            (
                Actor::System,
                Authority::Staff | Authority::OwnerOrStaff | Authority::OwnerOrSystem,
            ) => Ok(()),
            (Actor::Staff(_) | Actor::System, _) => Err(OrderError::CustomerOnly),
        }
    }

    fn require(&self, allowed: &[OrderStatus], action: &'static str) -> Result<(), OrderError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(OrderError::InvalidTransition {
                status: self.status,
                action,
            })
        }
    }

    fn same_currency(&self, menu: &Catalog) -> Result<(), OrderError> {
        match self.currency {
            Some(c) if c != menu.currency() => Err(OrderError::CurrencyChanged {
                order: c.to_string(),
                menu: menu.currency().to_string(),
            }),
            _ => Ok(()),
        }
    }

    fn refund_all(
        &self,
        d: &mut Draft,
        reason: String,
        at: DateTime<Utc>,
    ) -> Result<(), OrderError> {
        let paid = self.payment.as_ref().ok_or(OrderError::NotPaid)?;
        if self.refund.is_some() {
            return Err(OrderError::RefundAlreadyRequested);
        }
        d.emit(OrderEvent::RefundRequested {
            amount: paid.amount,
            reason,
            at,
        });
        Ok(())
    }
}

fn authority(action: &OrderAction) -> Authority {
    use OrderAction::*;
    match action {
        RecordPayment { .. } | RecordPaymentFailure { .. } => Authority::OwnerOrSystem,
        Accept { .. }
        | Reject { .. }
        | StartPreparing
        | MarkReady
        | MarkOutForDelivery
        | MarkDelivered
        | MarkPickedUp
        | RequestRefund { .. }
        | RecordRefund { .. } => Authority::Staff,
        Cancel { .. } => Authority::OwnerOrStaff,
        // Every action is listed, so that a new one does not compile until it
        // says who may take it. Create and Reorder are checked before this.
        Create { .. }
        | Reorder { .. }
        | AddItem { .. }
        | ChangeQuantity { .. }
        | RemoveItem { .. }
        | SetFulfilment { .. }
        | Checkout { .. }
        | ReopenCart
        | RequestPayment { .. } => Authority::Owner,
    }
}

fn add_item(
    d: &mut Draft,
    menu: &Catalog,
    req: &LineRequest,
    at: DateTime<Utc>,
) -> Result<(), OrderError> {
    d.state.same_currency(menu)?;
    if d.state.lines.len() >= MAX_LINES {
        return Err(OrderError::CartFull { max: MAX_LINES });
    }
    let item = menu.price(req)?;
    let line_id = crate::ids::LineId(d.state.next_line);
    let subtotal = add_money(d.state.subtotal(), item.line_total)?;
    d.emit(OrderEvent::ItemAdded {
        line_id,
        item,
        subtotal,
        at,
    });
    Ok(())
}

/// A digital line priced in Stars: the item's Stars price times the quantity.
fn in_stars_price(
    menu: &Catalog,
    item: crate::catalog::PricedLine,
) -> Result<crate::catalog::PricedLine, crate::catalog::PricingError> {
    let unit_price = menu.stars_price(&item.item_id).ok_or_else(|| {
        crate::catalog::PricingError::ItemUnavailable {
            item_id: item.item_id.clone(),
        }
    })?;
    Ok(crate::catalog::PricedLine {
        line_total: unit_price.checked_mul(item.quantity)?,
        unit_price,
        ..item
    })
}

/// Sums and differences of money in an order are checked: an amount past
/// what an `i64` of minor units holds is refused, never wrapped. A currency
/// mismatch cannot reach here (`same_currency` guards every line), and would be
/// refused the same way rather than mixed.
fn add_money(a: Money, b: Money) -> Result<Money, OrderError> {
    a.checked_add(b).map_err(|_| OrderError::AmountOutOfRange)
}

fn sub_money(a: Money, b: Money) -> Result<Money, OrderError> {
    a.checked_sub(b).map_err(|_| OrderError::AmountOutOfRange)
}

fn required_reason(reason: Option<String>) -> Result<String, OrderError> {
    match reason.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => Ok(r.chars().take(500).collect()),
        _ => Err(OrderError::ReasonRequired),
    }
}
