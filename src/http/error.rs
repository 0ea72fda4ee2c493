//! The one error type of the HTTP API.
//!
//! Every error is JSON: `{"error": {"code": "...", "message": "..."}}`, where
//! `code` is stable and machine-readable. Statuses:
//! 400 malformed request, 401 missing/invalid initData, 403 customer asking for a
//! staff step, 404 not found (also for another user's order), 405 wrong method,
//! 409 wrong order state, lost race or reused idempotency key, 413 body too
//! large, 415 not JSON, 422 well-formed but refused by the domain, 500 internal
//! (logged, never shown). `/readyz` answers 503 while the database is unreachable.
//! How each domain refusal is answered is decided in `crate::app::refusal`, so
//! that a refused command's retry with its idempotency key is answered the same.

use crate::app::{AppError, Refusal};
use crate::telegram::init_data::InitDataError;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::borrow::Cow;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: Cow::Borrowed(code),
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

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        ApiError {
            status: r.status,
            code: r.code,
            message: r.message,
            details: r.details,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Order(e) => Refusal::from(&e).into(),
            AppError::User(e) => Refusal::from(&e).into(),
            AppError::Refused(r) => r.into(),
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
