//! Every error code the API answers with, and its HTTP status: the one list
//! the OpenAPI document shows (schema `ErrorCode`) and the contract tests hold
//! every error answer to.

use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// A stable, machine-readable error code. The HTTP status of each is on its
/// variant (and in [`ErrorCode::status`]).
#[derive(Serialize, ToSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// HTTP 400.
    InvalidIdempotencyKey,
    /// HTTP 400.
    InvalidJson,
    /// HTTP 400.
    InvalidQuery,
    /// HTTP 400.
    InvalidReadToken,
    /// HTTP 401.
    InitDataExpired,
    /// HTTP 401.
    InvalidInitData,
    /// HTTP 401.
    MissingAuth,
    /// HTTP 403.
    Forbidden,
    /// HTTP 404.
    NotFound,
    /// HTTP 404.
    UnknownAddress,
    /// HTTP 404.
    UnknownLine,
    /// HTTP 405.
    MethodNotAllowed,
    /// HTTP 409.
    AlreadyPaid,
    /// HTTP 409.
    ConcurrentUpdate,
    /// HTTP 409.
    CurrencyChanged,
    /// HTTP 409.
    IdempotencyKeyReused,
    /// HTTP 409.
    InvalidState,
    /// HTTP 409.
    NoPaymentRequested,
    /// HTTP 409.
    NoRefundRequested,
    /// HTTP 409.
    NotPaid,
    /// HTTP 409.
    NotCheckedOut,
    /// HTTP 409.
    OrderExists,
    /// HTTP 409.
    RefundExists,
    /// HTTP 409. Checkout outside the opening hours; `details.opens_at` is
    /// the next opening (RFC 3339), or null.
    RestaurantClosed,
    /// HTTP 409.
    WrongFulfilment,
    /// HTTP 413.
    PayloadTooLarge,
    /// HTTP 415.
    UnsupportedMediaType,
    /// HTTP 422.
    AmountOutOfRange,
    /// HTTP 422.
    CartFull,
    /// HTTP 422.
    EmptyCart,
    /// HTTP 422.
    FulfilmentMissing,
    /// HTTP 422. `details.field` names the field: `street`, `city`,
    /// `postcode` or `details`.
    InvalidAddress,
    /// HTTP 422.
    InvalidBody,
    /// HTTP 422. `details.field` names the field: `street`, `city`,
    /// `postcode`, `details` (of the address), `phone` or `comment`.
    InvalidFulfilment,
    /// HTTP 422.
    InvalidItem,
    /// HTTP 422.
    InvalidLabel,
    /// HTTP 422.
    ItemsUnavailable,
    /// HTTP 422.
    MixedDigitalAndPhysical,
    /// HTTP 422.
    NothingToReorder,
    /// HTTP 422.
    PaymentMismatch,
    /// HTTP 422.
    ReasonRequired,
    /// HTTP 422.
    RefundMismatch,
    /// HTTP 422.
    TooManyAddresses,
    /// HTTP 422.
    UnsupportedLanguage,
    /// HTTP 422.
    WrongPaymentMethod,
    /// HTTP 500.
    Internal,
    /// HTTP 502.
    TelegramUnavailable,
    /// HTTP 503.
    NotYetVisible,
    /// HTTP 503.
    PaymentsNotConfigured,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidIdempotencyKey,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidQuery,
        ErrorCode::InvalidReadToken,
        ErrorCode::InitDataExpired,
        ErrorCode::InvalidInitData,
        ErrorCode::MissingAuth,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::UnknownAddress,
        ErrorCode::UnknownLine,
        ErrorCode::MethodNotAllowed,
        ErrorCode::AlreadyPaid,
        ErrorCode::ConcurrentUpdate,
        ErrorCode::CurrencyChanged,
        ErrorCode::IdempotencyKeyReused,
        ErrorCode::InvalidState,
        ErrorCode::NoPaymentRequested,
        ErrorCode::NoRefundRequested,
        ErrorCode::NotPaid,
        ErrorCode::NotCheckedOut,
        ErrorCode::OrderExists,
        ErrorCode::RefundExists,
        ErrorCode::RestaurantClosed,
        ErrorCode::WrongFulfilment,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::AmountOutOfRange,
        ErrorCode::CartFull,
        ErrorCode::EmptyCart,
        ErrorCode::FulfilmentMissing,
        ErrorCode::InvalidAddress,
        ErrorCode::InvalidBody,
        ErrorCode::InvalidFulfilment,
        ErrorCode::InvalidItem,
        ErrorCode::InvalidLabel,
        ErrorCode::ItemsUnavailable,
        ErrorCode::MixedDigitalAndPhysical,
        ErrorCode::NothingToReorder,
        ErrorCode::PaymentMismatch,
        ErrorCode::ReasonRequired,
        ErrorCode::RefundMismatch,
        ErrorCode::TooManyAddresses,
        ErrorCode::UnsupportedLanguage,
        ErrorCode::WrongPaymentMethod,
        ErrorCode::Internal,
        ErrorCode::TelegramUnavailable,
        ErrorCode::NotYetVisible,
        ErrorCode::PaymentsNotConfigured,
    ];

    pub fn status(self) -> StatusCode {
        use ErrorCode::*;
        match self {
            InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            InvalidJson => StatusCode::BAD_REQUEST,
            InvalidQuery => StatusCode::BAD_REQUEST,
            InvalidReadToken => StatusCode::BAD_REQUEST,
            InitDataExpired => StatusCode::UNAUTHORIZED,
            InvalidInitData => StatusCode::UNAUTHORIZED,
            MissingAuth => StatusCode::UNAUTHORIZED,
            Forbidden => StatusCode::FORBIDDEN,
            NotFound => StatusCode::NOT_FOUND,
            UnknownAddress => StatusCode::NOT_FOUND,
            UnknownLine => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AlreadyPaid => StatusCode::CONFLICT,
            ConcurrentUpdate => StatusCode::CONFLICT,
            CurrencyChanged => StatusCode::CONFLICT,
            IdempotencyKeyReused => StatusCode::CONFLICT,
            InvalidState => StatusCode::CONFLICT,
            NoPaymentRequested => StatusCode::CONFLICT,
            NoRefundRequested => StatusCode::CONFLICT,
            NotCheckedOut => StatusCode::CONFLICT,
            NotPaid => StatusCode::CONFLICT,
            OrderExists => StatusCode::CONFLICT,
            RefundExists => StatusCode::CONFLICT,
            RestaurantClosed => StatusCode::CONFLICT,
            WrongFulfilment => StatusCode::CONFLICT,
            PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AmountOutOfRange => StatusCode::UNPROCESSABLE_ENTITY,
            CartFull => StatusCode::UNPROCESSABLE_ENTITY,
            EmptyCart => StatusCode::UNPROCESSABLE_ENTITY,
            FulfilmentMissing => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidAddress => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidBody => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidFulfilment => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidItem => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidLabel => StatusCode::UNPROCESSABLE_ENTITY,
            MixedDigitalAndPhysical => StatusCode::UNPROCESSABLE_ENTITY,
            ItemsUnavailable => StatusCode::UNPROCESSABLE_ENTITY,
            NothingToReorder => StatusCode::UNPROCESSABLE_ENTITY,
            PaymentMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            ReasonRequired => StatusCode::UNPROCESSABLE_ENTITY,
            RefundMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            TooManyAddresses => StatusCode::UNPROCESSABLE_ENTITY,
            UnsupportedLanguage => StatusCode::UNPROCESSABLE_ENTITY,
            WrongPaymentMethod => StatusCode::UNPROCESSABLE_ENTITY,
            TelegramUnavailable => StatusCode::BAD_GATEWAY,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
            PaymentsNotConfigured => StatusCode::SERVICE_UNAVAILABLE,
            NotYetVisible => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidIdempotencyKey => "invalid_idempotency_key",
            InvalidJson => "invalid_json",
            InvalidQuery => "invalid_query",
            InvalidReadToken => "invalid_read_token",
            InitDataExpired => "init_data_expired",
            InvalidInitData => "invalid_init_data",
            MissingAuth => "missing_auth",
            Forbidden => "forbidden",
            NotFound => "not_found",
            UnknownAddress => "unknown_address",
            UnknownLine => "unknown_line",
            MethodNotAllowed => "method_not_allowed",
            AlreadyPaid => "already_paid",
            ConcurrentUpdate => "concurrent_update",
            CurrencyChanged => "currency_changed",
            IdempotencyKeyReused => "idempotency_key_reused",
            InvalidState => "invalid_state",
            NoPaymentRequested => "no_payment_requested",
            NoRefundRequested => "no_refund_requested",
            NotCheckedOut => "not_checked_out",
            NotPaid => "not_paid",
            OrderExists => "order_exists",
            RefundExists => "refund_exists",
            RestaurantClosed => "restaurant_closed",
            WrongFulfilment => "wrong_fulfilment",
            PayloadTooLarge => "payload_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            AmountOutOfRange => "amount_out_of_range",
            CartFull => "cart_full",
            EmptyCart => "empty_cart",
            FulfilmentMissing => "fulfilment_missing",
            InvalidAddress => "invalid_address",
            InvalidBody => "invalid_body",
            InvalidFulfilment => "invalid_fulfilment",
            InvalidItem => "invalid_item",
            InvalidLabel => "invalid_label",
            MixedDigitalAndPhysical => "mixed_digital_and_physical",
            ItemsUnavailable => "items_unavailable",
            NothingToReorder => "nothing_to_reorder",
            PaymentMismatch => "payment_mismatch",
            ReasonRequired => "reason_required",
            RefundMismatch => "refund_mismatch",
            TooManyAddresses => "too_many_addresses",
            UnsupportedLanguage => "unsupported_language",
            WrongPaymentMethod => "wrong_payment_method",
            TelegramUnavailable => "telegram_unavailable",
            Internal => "internal",
            PaymentsNotConfigured => "payments_not_configured",
            NotYetVisible => "not_yet_visible",
        }
    }

    /// The code named `code`, if the API has it.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serializes_as_its_name() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
    }

    #[test]
    fn every_refusal_of_the_domain_has_a_listed_code_with_its_status() {
        use foodbot_domain::order::OrderError;
        use foodbot_domain::user::UserError;
        let refusals = [
            crate::app::Refusal::from(&OrderError::EmptyCart),
            crate::app::Refusal::from(&OrderError::AlreadyPaid),
            crate::app::Refusal::from(&OrderError::NotFound),
            crate::app::Refusal::from(&OrderError::Closed { opens_at: None }),
            crate::app::Refusal::from(&UserError::BadLabel),
        ];
        for r in refusals {
            let code =
                ErrorCode::parse(&r.code).unwrap_or_else(|| panic!("{} is not listed", r.code));
            assert_eq!(code.status(), r.status, "{}", r.code);
        }
    }
}
