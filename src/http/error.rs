//! The one error type of the HTTP API.
//!
//! Every error is JSON: `{"error": {"code": "...", "message": "..."}}`, where
//! `code` is stable and machine-readable. Statuses:
//! 400 malformed request, 401 missing/invalid initData, 403 customer asking for a
//! staff step, 404 not found (also for another user's order), 405 wrong method,
//! 409 wrong order state, lost race or reused idempotency key, 413 body too
//! large, 415 not JSON, 422 well-formed but refused by the domain, 500 internal
//! (never shown; logged once, with its cause, by [`log_server_errors`]). `/readyz` answers 503 while the database is unreachable.
//! How each domain refusal is answered is decided in `crate::app::refusal`, so
//! that a refused command's retry with its idempotency key is answered the same.

use super::codes::ErrorCode;
use crate::app::{AppError, BoxError, Refusal};
use crate::telegram::init_data::InitDataError;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// The one place a 5xx answer is logged: with the request id, the route and
/// the whole chain of its cause (a handler only attaches the cause).
pub async fn log_server_errors(req: axum::extract::Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let response = next.run(req).await;
    let status = response.status();
    if status.is_server_error() {
        let cause = response.extensions().get::<Cause>().map(|c| chain(&**c.0));
        let cause = cause.as_deref().unwrap_or("");
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(%request_id, %method, %path, status = status.as_u16(), cause, "Server error.");
        } else {
            tracing::warn!(%request_id, %method, %path, status = status.as_u16(), cause, "Unavailable.");
        }
    }
    response
}

/// `error: its source: its source …`
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

/// Every error answer: `{"error": {"code", "message", "details"?}}`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people (English); not stable, do not parse.
    pub message: String,
    /// Machine-readable particulars of some refusals (e.g. which lines are unavailable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

#[derive(Debug)]
pub struct ApiError {
    /// The code's status, except for a recorded refusal answered again,
    /// which keeps the status it was first answered with.
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub details: Option<Value>,
    /// What caused a server error: logged, never shown to the client.
    pub cause: Option<Arc<BoxError>>,
}

/// The cause of a 5xx answer, handed from the handler to [`log_server_errors`]
/// in the response's extensions, so that it is logged once, with the request id.
#[derive(Clone, Debug)]
pub struct Cause(pub Arc<BoxError>);

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            status: code.status(),
            code,
            message: message.into(),
            details: None,
            cause: None,
        }
    }

    /// A 500 that shows nothing of `cause`.
    pub fn internal(cause: impl Into<BoxError>) -> Self {
        ApiError {
            cause: Some(Arc::new(cause.into())),
            ..ApiError::new(ErrorCode::Internal, "internal error")
        }
    }

    pub fn not_found() -> Self {
        ApiError::new(ErrorCode::NotFound, "not found")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code.as_str(), "message": self.message });
        if let Some(d) = self.details {
            error["details"] = d;
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(Cause(cause));
        }
        response
    }
}

impl From<InitDataError> for ApiError {
    fn from(e: InitDataError) -> Self {
        let code = match e {
            InitDataError::Expired => ErrorCode::InitDataExpired,
            _ => ErrorCode::InvalidInitData,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let code = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
            StatusCode::UNPROCESSABLE_ENTITY => ErrorCode::InvalidBody,
            _ => ErrorCode::InvalidJson,
        };
        ApiError::new(code, r.body_text())
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        // A recorded refusal names its code as text; one this version does
        // not know is a fault to see, not an answer to guess.
        let Some(code) = ErrorCode::parse(&r.code) else {
            return ApiError::internal(format!("a refusal with an unknown code {:?}", r.code));
        };
        ApiError {
            status: r.status,
            code,
            message: r.message,
            details: r.details,
            cause: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Order(e) => Refusal::from(&e).into(),
            AppError::User(e) => Refusal::from(&e).into(),
            AppError::StopList(e) => Refusal::from(&e).into(),
            AppError::Refused(r) => r.into(),
            AppError::IdempotencyKeyReused(_) => {
                ApiError::new(ErrorCode::IdempotencyKeyReused, e.to_string())
            }
            AppError::Conflict => ApiError::new(ErrorCode::ConcurrentUpdate, e.to_string()),
            AppError::Storage(_) => ApiError::internal(e),
        }
    }
}
