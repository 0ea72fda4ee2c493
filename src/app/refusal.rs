//! How a domain refusal is answered: status, stable code, message and details.
//!
//! The answer is decided here rather than at the HTTP edge because a refused
//! command sent with an idempotency key is recorded as it was answered, and
//! its retry must get the same answer even when the order has changed since
//! (and would now be refused differently, or not at all). The HTTP error type
//! renders a [`Refusal`] as is; the status is the `http` crate's type, the
//! vocabulary every Rust HTTP stack shares.

use super::AppError;
use crate::store::idempotency::StoredRefusal;
use axum::http::StatusCode;
use foodbot_domain::order::OrderError;
use foodbot_domain::stoplist::StopListError;
use foodbot_domain::user::UserError;
use serde_json::{json, Value};
use std::borrow::Cow;

/// A refusal as the client sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: StatusCode,
    /// Stable and machine-readable.
    pub code: Cow<'static, str>,
    pub message: String,
    pub details: Option<Value>,
}

impl Refusal {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code: Cow::Borrowed(code),
            message: message.into(),
            details: None,
        }
    }

    /// The answer for anything the caller may not see: the same as for what
    /// does not exist.
    pub fn not_found() -> Self {
        Refusal::new(StatusCode::NOT_FOUND, "not_found", "not found")
    }

    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// The refusal behind `error`, if it is one (storage failures and lost
    /// races are not: they decide nothing).
    pub fn of(error: &AppError) -> Option<Refusal> {
        match error {
            AppError::Order(e) => Some(e.into()),
            AppError::User(e) => Some(e.into()),
            AppError::StopList(e) => Some(e.into()),
            AppError::Refused(r) => Some(r.clone()),
            AppError::IdempotencyKeyReused(_) | AppError::Conflict | AppError::Storage(_) => None,
        }
    }

    /// The form in which it is kept with its idempotency key.
    pub fn to_stored(&self) -> StoredRefusal {
        StoredRefusal {
            status: self.status.as_u16(),
            code: self.code.to_string(),
            message: self.message.clone(),
            details: self.details.clone(),
        }
    }

    /// Back from the kept form; `None` if its status is not a client error
    /// (the table's CHECK forbids that).
    pub fn from_stored(stored: StoredRefusal) -> Option<Refusal> {
        let status = StatusCode::from_u16(stored.status)
            .ok()
            .filter(StatusCode::is_client_error)?;
        Some(Refusal {
            status,
            code: Cow::Owned(stored.code),
            message: stored.message,
            details: stored.details,
        })
    }
}

impl From<&OrderError> for Refusal {
    fn from(e: &OrderError) -> Refusal {
        order_refusal(e)
    }
}

impl From<&UserError> for Refusal {
    fn from(e: &UserError) -> Refusal {
        user_refusal(e)
    }
}

fn order_refusal(e: &OrderError) -> Refusal {
    use OrderError::*;
    let message = e.to_string();
    let (status, code) = match e {
        NotFound | NotYourOrder => return Refusal::not_found(),
        AlreadyExists => (StatusCode::CONFLICT, "order_exists"),
        StaffOnly | CustomerOnly => (StatusCode::FORBIDDEN, "forbidden"),
        Pricing(p) => {
            return Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_item", message)
                .with_details(json!(p));
        }
        ItemsUnavailable { problems } => {
            let details: Vec<Value> = problems
                .iter()
                .map(|(line, p)| json!({ "line_id": line, "problem": p }))
                .collect();
            return Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "items_unavailable",
                message,
            )
            .with_details(json!(details));
        }
        CurrencyChanged { .. } => (StatusCode::CONFLICT, "currency_changed"),
        UnknownLine(_) => (StatusCode::NOT_FOUND, "unknown_line"),
        CartFull { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "cart_full"),
        InvalidTransition { status, .. } => {
            return Refusal::new(StatusCode::CONFLICT, "invalid_state", message)
                .with_details(json!({ "status": status }));
        }
        EmptyCart => (StatusCode::UNPROCESSABLE_ENTITY, "empty_cart"),
        FulfilmentMissing => (StatusCode::UNPROCESSABLE_ENTITY, "fulfilment_missing"),
        MixedDigitalAndPhysical => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "mixed_digital_and_physical",
        ),
        InvalidFulfilment(e) => {
            // Which field, so that a form can mark it.
            return Refusal::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_fulfilment",
                message,
            )
            .with_details(json!({ "field": e.field() }));
        }
        WrongPaymentMethod => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_payment_method"),
        NoPaymentRequested => (StatusCode::CONFLICT, "no_payment_requested"),
        PaymentMismatch { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "payment_mismatch"),
        AlreadyPaid => (StatusCode::CONFLICT, "already_paid"),
        NotCheckedOut => (StatusCode::CONFLICT, "not_checked_out"),
        NotPaid => (StatusCode::CONFLICT, "not_paid"),
        RefundAlreadyRequested => (StatusCode::CONFLICT, "refund_exists"),
        NoRefundRequested => (StatusCode::CONFLICT, "no_refund_requested"),
        RefundMismatch { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "refund_mismatch"),
        ReasonRequired => (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"),
        NotForDelivery | NotForPickup => (StatusCode::CONFLICT, "wrong_fulfilment"),
        NothingToReorder => (StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_reorder"),
        AmountOutOfRange => (StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range"),
        Closed { opens_at } => {
            return Refusal::new(StatusCode::CONFLICT, "restaurant_closed", message)
                .with_details(json!({ "opens_at": opens_at }));
        }
    };
    Refusal::new(status, code, message)
}

impl From<&StopListError> for Refusal {
    fn from(e: &StopListError) -> Refusal {
        let message = e.to_string();
        match e {
            StopListError::StaffOnly => Refusal::new(StatusCode::FORBIDDEN, "forbidden", message),
            StopListError::UnknownItem(_) | StopListError::UnknownOption { .. } => {
                Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_item", message)
            }
        }
    }
}

fn user_refusal(e: &UserError) -> Refusal {
    let message = e.to_string();
    let (status, code) = match e {
        UserError::NotFound | UserError::NotYourself => return Refusal::not_found(),
        UserError::UnsupportedLanguage(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "unsupported_language")
        }
        UserError::InvalidAddress(e) => {
            return Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_address", message)
                .with_details(json!({ "field": e.field() }));
        }
        UserError::BadLabel => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_label"),
        UserError::TooManyAddresses { .. } => {
            (StatusCode::UNPROCESSABLE_ENTITY, "too_many_addresses")
        }
        UserError::UnknownAddress(_) => (StatusCode::NOT_FOUND, "unknown_address"),
    };
    Refusal::new(status, code, message)
}
