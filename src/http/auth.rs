//! Mini App authentication: `Authorization: tma <raw initData>` on every request.
//!
//! The raw initData string is validated here, on the server (HMAC with the key
//! derived from the bot token, constant-time compare, `auth_date` within the
//! configured window). Nothing the client sends unsigned is trusted.

use super::codes::ErrorCode;
use super::{ApiError, AppState};
use crate::app::CommandMeta;
use crate::telegram::init_data::{self, InitData};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use foodbot_domain::user::Profile;
use foodbot_domain::{Actor, Channel, UserId};
use secrecy::ExposeSecret;

/// An authenticated Mini App user.
pub struct Customer {
    pub id: UserId,
    pub init: InitData,
    pub request_id: String,
    pub idempotency_key: Option<String>,
}

impl Customer {
    pub fn meta(&self) -> CommandMeta {
        CommandMeta {
            actor: Actor::Customer(self.id),
            channel: Channel::MiniApp,
            correlation_id: self.request_id.clone(),
            idempotency_key: self.idempotency_key.clone(),
            fingerprint: None,
            at: chrono::Utc::now(),
        }
    }

    /// Metadata for a command made from `request` (path parameters and body),
    /// whose digest is kept with the idempotency key.
    pub fn meta_for(&self, request: &impl serde::Serialize) -> CommandMeta {
        use sha2::{Digest, Sha256};
        let bytes = serde_json::to_vec(request).unwrap_or_default();
        let digest = Sha256::digest(&bytes);
        CommandMeta {
            fingerprint: Some(hex::encode(&digest[..16])),
            ..self.meta()
        }
    }

    pub fn profile(&self) -> Profile {
        let u = &self.init.user;
        Profile {
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            username: u.username.clone(),
            language_code: u.language_code.clone(),
        }
    }
}

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

fn idempotency_key(parts: &Parts) -> Result<Option<String>, ApiError> {
    let Some(v) = parts.headers.get(IDEMPOTENCY_HEADER) else {
        return Ok(None);
    };
    let key = v.to_str().unwrap_or("");
    if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::new(
            ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key must be 1-128 visible ASCII characters",
        ));
    }
    Ok(Some(key.to_string()))
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::MissingAuth,
                    "Authorization: tma <initData> is required",
                )
            })?;
        let raw = header.strip_prefix("tma ").ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingAuth,
                "Authorization must use the tma scheme",
            )
        })?;
        let init = init_data::validate(
            raw,
            state.bot_token.expose_secret(),
            chrono::Utc::now(),
            state.init_data_max_age,
        )?;
        let request_id = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        Ok(Customer {
            id: UserId(init.user.id),
            idempotency_key: idempotency_key(parts)?,
            init,
            request_id,
        })
    }
}
