//! The one error type of the HTTP API.
//!
//! Every error is JSON: `{"error": {"code": "...", "message": "..."}}`, where
//! `code` is stable and machine-readable. Statuses:
//! 400 malformed request, 401 missing/invalid initData, 403 customer asking for a
//! staff step, 404 not found (also for another user's order), 405 wrong method,
//! 409 wrong order state, lost race or reused idempotency key, 413 body too
//! large, 415 not JSON, 422 well-formed but refused by the domain, 500 internal
//! (logged, never shown). `/readyz` answers 503 while the database is unreachable.

use crate::app::AppError;
use crate::telegram::init_data::InitDataError;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use foodbot_domain::order::OrderError;
use foodbot_domain::user::UserError;
use serde_json::{json, Value};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found")
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(d) = self.details {
            error["details"] = d;
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

impl From<InitDataError> for ApiError {
    fn from(e: InitDataError) -> Self {
        let code = match e {
            InitDataError::Expired => "init_data_expired",
            _ => "invalid_init_data",
        };
        ApiError::new(StatusCode::UNAUTHORIZED, code, e.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let (code, status) = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE)
            }
            StatusCode::UNPROCESSABLE_ENTITY => ("invalid_body", StatusCode::UNPROCESSABLE_ENTITY),
            _ => ("invalid_json", StatusCode::BAD_REQUEST),
        };
        ApiError::new(status, code, r.body_text())
    }
}

fn order_error(e: OrderError) -> ApiError {
    use OrderError::*;
    let message = e.to_string();
    let (status, code) = match &e {
        NotFound | NotYourOrder => return ApiError::not_found(),
        AlreadyExists => (StatusCode::CONFLICT, "order_exists"),
        StaffOnly | CustomerOnly => (StatusCode::FORBIDDEN, "forbidden"),
        Pricing(p) => {
            return ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_item", message)
                .with_details(json!(p));
        }
        ItemsUnavailable { problems } => {
            let details: Vec<Value> = problems
                .iter()
                .map(|(line, p)| json!({ "line_id": line, "problem": p }))
                .collect();
            return ApiError::new(
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
            return ApiError::new(StatusCode::CONFLICT, "invalid_state", message)
                .with_details(json!({ "status": status }));
        }
        EmptyCart => (StatusCode::UNPROCESSABLE_ENTITY, "empty_cart"),
        FulfilmentMissing => (StatusCode::UNPROCESSABLE_ENTITY, "fulfilment_missing"),
        InvalidFulfilment(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fulfilment"),
        WrongPaymentMethod => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_payment_method"),
        NoPaymentRequested => (StatusCode::CONFLICT, "no_payment_requested"),
        PaymentMismatch { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "payment_mismatch"),
        AlreadyPaid => (StatusCode::CONFLICT, "already_paid"),
        NotPaid => (StatusCode::CONFLICT, "not_paid"),
        RefundAlreadyRequested => (StatusCode::CONFLICT, "refund_exists"),
        NoRefundRequested => (StatusCode::CONFLICT, "no_refund_requested"),
        RefundMismatch { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "refund_mismatch"),
        ReasonRequired => (StatusCode::UNPROCESSABLE_ENTITY, "reason_required"),
        NotForDelivery | NotForPickup => (StatusCode::CONFLICT, "wrong_fulfilment"),
        NothingToReorder => (StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_reorder"),
        AmountOutOfRange => (StatusCode::UNPROCESSABLE_ENTITY, "amount_out_of_range"),
    };
    ApiError::new(status, code, message)
}

fn user_error(e: UserError) -> ApiError {
    let message = e.to_string();
    let (status, code) = match e {
        UserError::NotFound | UserError::NotYourself => return ApiError::not_found(),
        UserError::UnsupportedLanguage(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, "unsupported_language")
        }
        UserError::InvalidAddress(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_address"),
        UserError::BadLabel => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_label"),
        UserError::TooManyAddresses { .. } => {
            (StatusCode::UNPROCESSABLE_ENTITY, "too_many_addresses")
        }
        UserError::UnknownAddress(_) => (StatusCode::NOT_FOUND, "unknown_address"),
    };
    ApiError::new(status, code, message)
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Order(e) => order_error(e),
            AppError::User(e) => user_error(e),
            AppError::IdempotencyKeyReused(_) => ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                e.to_string(),
            ),
            AppError::Conflict => {
                ApiError::new(StatusCode::CONFLICT, "concurrent_update", e.to_string())
            }
            AppError::Storage(detail) => {
                tracing::error!(%detail, "Storage failure.");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
    }
}
