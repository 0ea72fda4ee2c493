//! Every way an order command can be refused.

use super::OrderStatus;
use crate::address::AddressError;
use crate::catalog::PricingError;
use crate::ids::LineId;
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OrderError {
    #[error("order not found")]
    NotFound,
    #[error("order already exists")]
    AlreadyExists,
    /// Deliberately indistinguishable from `NotFound` at the edges.
    #[error("order not found")]
    NotYourOrder,
    #[error("only staff may do this")]
    StaffOnly,
    #[error("only the customer may do this")]
    CustomerOnly,
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error("some items can no longer be ordered")]
    ItemsUnavailable {
        problems: Vec<(LineId, PricingError)>,
    },
    #[error("the order is priced in {order} but the menu is in {menu}")]
    CurrencyChanged { order: String, menu: String },
    #[error("there is no line {0} in the cart")]
    UnknownLine(LineId),
    #[error("the cart can hold at most {max} lines")]
    CartFull { max: usize },
    #[error("cannot {action} an order that is {status}")]
    InvalidTransition {
        status: OrderStatus,
        action: &'static str,
    },
    #[error("the cart is empty")]
    EmptyCart,
    #[error("digital items (paid in Telegram Stars) and food cannot be checked out in one order")]
    MixedDigitalAndPhysical,
    #[error("choose delivery or pickup first")]
    FulfilmentMissing,
    #[error("invalid fulfilment details: {0}")]
    InvalidFulfilment(#[from] AddressError),
    #[error("this payment method does not fit the order's currency")]
    WrongPaymentMethod,
    #[error("no payment was requested for this order")]
    NoPaymentRequested,
    #[error("payment of {got} does not match the amount due, {expected}")]
    PaymentMismatch { expected: Money, got: Money },
    #[error("the order is not checked out")]
    NotCheckedOut,
    #[error("the order is already paid")]
    AlreadyPaid,
    #[error("the order is not paid")]
    NotPaid,
    #[error("a refund is already under way or done")]
    RefundAlreadyRequested,
    #[error("no refund was requested")]
    NoRefundRequested,
    #[error("refund of {got} does not match the amount due, {expected}")]
    RefundMismatch { expected: Money, got: Money },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("this order is for pickup")]
    NotForDelivery,
    #[error("this order is for delivery")]
    NotForPickup,
    #[error("none of the items of that order can be ordered now")]
    NothingToReorder,
    /// Checkout outside the opening hours; `opens_at` is the next opening,
    /// if there is one within a year.
    #[error("the restaurant is closed now")]
    Closed {
        opens_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    #[error("amount out of range")]
    AmountOutOfRange,
}
