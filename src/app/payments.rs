//! Payments through Telegram: invoices, the pre-checkout answer, and the
//! payments Telegram reports.
//!
//! Food is paid with a payment provider in the menu's currency; digital goods
//! in Telegram Stars (`XTR`). Which one an order takes follows from its
//! checkout (an order of digital items only is checked out in Stars). An
//! invoice's payload names the order and the number of its checkout
//! ([`InvoicePayload`]), so the pre-checkout answer refuses an invoice made for
//! a checkout the customer has since reopened. An order is paid only when
//! `successful_payment` arrives ([`App::record_telegram_payment`]), recorded
//! once per Telegram charge id however often Telegram reports it.
//!
//! Refunds are in `refunds.rs`.

use super::execute::{CommandMeta, Outcome};
use super::{App, AppError};
use chrono::{DateTime, Utc};
use foodbot_domain::money::STARS;
use foodbot_domain::order::{
    Order, OrderAction, OrderError, OrderStatus, PaymentMethod, PaymentReceipt,
};
use foodbot_domain::{Actor, Channel, Currency, Money, OrderId, UserId};

/// What an invoice's payload says: which order, at which checkout.
/// Written as `fb1:<order id, 32 hex digits>:<checkout number>` (at most 48
/// bytes; Telegram allows 128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoicePayload {
    pub order_id: OrderId,
    /// The order's checkout the invoice is for (`Order::checkouts`).
    pub checkout: u32,
}

impl InvoicePayload {
    const PREFIX: &'static str = "fb1";

    pub fn encode(&self) -> String {
        format!(
            "{}:{}:{}",
            Self::PREFIX,
            self.order_id.0.simple(),
            self.checkout
        )
    }

    /// The payload Telegram sends back, or `None` when it is not one of ours.
    pub fn parse(raw: &str) -> Option<InvoicePayload> {
        let mut parts = raw.split(':');
        let (prefix, id, checkout) = (parts.next()?, parts.next()?, parts.next()?);
        if prefix != Self::PREFIX || parts.next().is_some() || id.len() != 32 {
            return None;
        }
        let order_id = OrderId(uuid::Uuid::try_parse(id).ok()?);
        let checkout = checkout.parse().ok().filter(|n| *n > 0)?;
        Some(InvoicePayload { order_id, checkout })
    }
}

/// An invoice to show: the order as it is after `PaymentRequested`.
#[derive(Debug, Clone)]
pub struct Invoice {
    pub order_id: OrderId,
    pub order: Order,
    /// Sequence number of the order's last event.
    pub version: usize,
    pub method: PaymentMethod,
    pub amount: Money,
    pub payload: String,
    /// Delivery without a known phone number: Telegram asks for one.
    pub need_phone: bool,
}

/// Why no invoice was made.
#[derive(Debug, thiserror::Error)]
pub enum InvoiceError {
    #[error(transparent)]
    App(#[from] AppError),
    /// The order is paid with a provider, and no provider token is set.
    #[error("payments with a provider are not configured (PAYMENT_PROVIDER_TOKEN)")]
    NotConfigured,
}

/// Why a pre-checkout query is answered `ok = false`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreCheckoutRefusal {
    /// Not our payload, or an order that does not exist or is not the payer's
    /// (indistinguishable, as everywhere).
    #[error("unknown invoice")]
    UnknownInvoice,
    /// The order was reopened, checked out again, paid, cancelled: this
    /// invoice no longer stands.
    #[error("the order changed since the invoice was made")]
    OrderChanged,
    #[error("the amount or currency differs from the order's")]
    AmountMismatch,
    #[error("the restaurant does not take orders now")]
    RestaurantClosed,
    /// The order could not be read; the payer may try again.
    #[error("the order could not be checked")]
    Unavailable,
}

/// The restaurant does not take orders now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the restaurant is closed")]
pub struct RestaurantClosed;

/// A payment as Telegram reports it in `successful_payment`.
#[derive(Debug, Clone)]
pub struct TelegramPayment {
    pub payer: UserId,
    pub currency: String,
    pub total_amount: i64,
    pub invoice_payload: String,
    pub telegram_charge_id: String,
    pub provider_charge_id: Option<String>,
}

pub(super) fn system_meta(correlation_id: &str, key: String) -> CommandMeta {
    CommandMeta {
        actor: Actor::System,
        channel: Channel::Bot,
        correlation_id: correlation_id.to_string(),
        idempotency_key: Some(key),
        fingerprint: None,
        at: Utc::now(),
    }
}

pub(super) fn money(currency: &str, amount: i64) -> Option<Money> {
    let currency: Currency = currency.parse().ok()?;
    Some(Money::new(amount, currency))
}

impl App {
    /// Whether a payment provider token is configured.
    pub fn provider_payments(&self) -> bool {
        self.provider_token.is_some()
    }

    /// Asks for payment of a checked-out order of `customer`: records
    /// `PaymentRequested` (once per checkout; asking again changes nothing)
    /// and says what the invoice must hold.
    pub async fn request_invoice(
        &self,
        meta: &CommandMeta,
        customer: UserId,
        order_id: OrderId,
    ) -> Result<Invoice, InvoiceError> {
        let (order, _) = self.order_for(Actor::Customer(customer), order_id).await?;
        let total = order.totals.as_ref().map(|t| t.total);
        let method = match total {
            Some(t) if t.currency == STARS => PaymentMethod::Stars,
            _ => PaymentMethod::Provider,
        };
        // Only an order that could be invoiced needs a provider: other
        // refusals (not checked out, paid) are the domain's to give.
        let payable = matches!(
            order.status,
            OrderStatus::CheckedOut | OrderStatus::AwaitingPayment
        ) && order.payment.is_none();
        if payable && method == PaymentMethod::Provider && !self.provider_payments() {
            return Err(InvoiceError::NotConfigured);
        }
        let payload = InvoicePayload {
            order_id,
            checkout: order.checkouts,
        }
        .encode();
        let out = self
            .order_command(
                meta,
                order_id,
                OrderAction::RequestPayment {
                    method,
                    invoice_payload: payload,
                },
            )
            .await?;
        // A replayed key answers with the order as it is now: the invoice is
        // the one its payment request names.
        let Some(request) = out.state.payment_request.clone() else {
            return Err(AppError::from(OrderError::NoPaymentRequested).into());
        };
        if out.state.status != OrderStatus::AwaitingPayment {
            return Err(AppError::from(match out.state.payment {
                Some(_) => OrderError::AlreadyPaid,
                None => OrderError::InvalidTransition {
                    status: out.state.status,
                    action: "pay",
                },
            })
            .into());
        }
        let need_phone = matches!(
            &out.state.fulfilment,
            Some(foodbot_domain::order::Fulfilment::Delivery { phone: None, .. })
        );
        Ok(Invoice {
            order_id,
            version: out.version,
            method: request.method,
            amount: request.amount,
            payload: request.invoice_payload,
            need_phone,
            order: out.state,
        })
    }

    /// The pre-checkout check: may `payer` pay `total_amount` `currency` for
    /// the invoice `payload` now? Reads the order fresh from the store. Must
    /// be quick: Telegram waits 10 s for the answer.
    pub async fn pre_checkout(
        &self,
        payer: UserId,
        currency: &str,
        total_amount: i64,
        payload: &str,
        at: DateTime<Utc>,
    ) -> Result<OrderId, PreCheckoutRefusal> {
        let invoice = InvoicePayload::parse(payload).ok_or(PreCheckoutRefusal::UnknownInvoice)?;
        let order = match self
            .order_for(Actor::Customer(payer), invoice.order_id)
            .await
        {
            Ok((order, _)) => order,
            Err(AppError::Order(_)) => return Err(PreCheckoutRefusal::UnknownInvoice),
            Err(e) => {
                tracing::warn!(order_id = %invoice.order_id, error = %e, "Could not read an order for a pre-checkout query.");
                return Err(PreCheckoutRefusal::Unavailable);
            }
        };
        let current = order.payment_request.as_ref();
        if order.status != OrderStatus::AwaitingPayment
            || order.checkouts != invoice.checkout
            || current.map(|r| r.invoice_payload.as_str()) != Some(payload)
        {
            return Err(PreCheckoutRefusal::OrderChanged);
        }
        let asked = money(currency, total_amount).ok_or(PreCheckoutRefusal::AmountMismatch)?;
        order
            .check_payable(asked, payload)
            .map_err(|_| PreCheckoutRefusal::AmountMismatch)?;
        self.check_open_for_payment(at)
            .map_err(|RestaurantClosed| PreCheckoutRefusal::RestaurantClosed)?;
        Ok(invoice.order_id)
    }

    /// Whether the restaurant takes orders at `at` by its opening hours (a
    /// menu without hours is always open): the one place the pre-checkout
    /// answer asks, so an order checked out just before closing is not
    /// charged after it.
    pub fn check_open_for_payment(&self, at: DateTime<Utc>) -> Result<(), RestaurantClosed> {
        match &self.menu.restaurant.hours {
            Some(hours) if !hours.is_open(at) => Err(RestaurantClosed),
            _ => Ok(()),
        }
    }

    /// Records a payment Telegram reported in `successful_payment`. The same
    /// charge reported twice (also in two different updates) is recorded
    /// once: the command's idempotency key is the charge id. `None` when the
    /// payload is not one of ours.
    pub async fn record_telegram_payment(
        &self,
        correlation_id: &str,
        payment: TelegramPayment,
    ) -> Result<Option<Outcome<Order>>, AppError> {
        let Some(invoice) = InvoicePayload::parse(&payment.invoice_payload) else {
            return Ok(None);
        };
        let Some(amount) = money(&payment.currency, payment.total_amount) else {
            return Ok(None);
        };
        let method = if amount.currency == STARS {
            PaymentMethod::Stars
        } else {
            PaymentMethod::Provider
        };
        let receipt = PaymentReceipt {
            method,
            amount,
            telegram_charge_id: payment.telegram_charge_id.clone(),
            provider_charge_id: payment.provider_charge_id.unwrap_or_default(),
        };
        // Money Telegram took is recorded by the server on Telegram's word
        // (the payer is whoever Telegram says; the pre-checkout answer
        // already made sure it is the order's customer).
        let meta = system_meta(
            correlation_id,
            format!("tg-payment:{}", payment.telegram_charge_id),
        );
        let out = self
            .order_command(
                &meta,
                invoice.order_id,
                OrderAction::RecordPayment { receipt },
            )
            .await?;
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_names_the_order_and_its_checkout_in_few_bytes() {
        let p = InvoicePayload {
            order_id: OrderId(uuid::Uuid::from_u128(u128::MAX)),
            checkout: u32::MAX,
        };
        let raw = p.encode();
        assert!(raw.len() <= 128, "{raw}");
        assert_eq!(InvoicePayload::parse(&raw), Some(p));
    }

    #[test]
    fn payloads_that_are_not_ours_are_refused() {
        let id = uuid::Uuid::from_u128(7).simple().to_string();
        for bad in [
            String::new(),
            "fb1".into(),
            format!("fb2:{id}:1"),
            format!("fb1:{id}:0"),
            format!("fb1:{id}:x"),
            format!("fb1:{id}:1:2"),
            "fb1:not-an-id:1".into(),
        ] {
            assert_eq!(InvoicePayload::parse(&bad), None, "{bad}");
        }
    }
}
