//! `/api/v1/me`: the caller's profile and settings. The first call registers
//! the user (the same user the bot knows, by Telegram id).

use super::auth::Customer;
use super::views::Me;
use super::{ApiError, ApiJson, AppState};
use axum::extract::{Path, Query, State};
use axum::Json;
use foodbot_domain::address::Address;
use foodbot_domain::user::{NotificationPreference, UserAction};
use serde::Deserialize;
use serde_json::{json, Value};

pub async fn me(State(state): State<AppState>, who: Customer) -> Result<Json<Me>, ApiError> {
    // Reading "me" registers the caller but is not the request's own command,
    // so it does not use up the request's idempotency key.
    let meta = crate::app::CommandMeta {
        idempotency_key: None,
        ..who.meta()
    };
    let out = state
        .app
        .record_contact(&meta, who.id, who.profile())
        .await?;
    Ok(Json(Me::from(&out.state)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageBody {
    language: String,
}

/// Registers the caller if this is their first contact. Recorded without the
/// request's idempotency key, which belongs to the request's own command.
pub(super) async fn ensure_user(state: &AppState, who: &Customer) -> Result<(), ApiError> {
    let meta = crate::app::CommandMeta {
        idempotency_key: None,
        ..who.meta()
    };
    state.app.ensure_user(&meta, who.id, who.profile()).await?;
    Ok(())
}

pub async fn set_language(
    State(state): State<AppState>,
    who: Customer,
    ApiJson(body): ApiJson<LanguageBody>,
) -> Result<Json<Me>, ApiError> {
    ensure_user(&state, &who).await?;
    let out = state
        .app
        .change_language(
            &who.meta_for(&json!(["language", &body.language])),
            who.id,
            body.language,
        )
        .await?;
    Ok(Json(Me::from(&out.state)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsBody {
    preference: NotificationPreference,
}

pub async fn set_notifications(
    State(state): State<AppState>,
    who: Customer,
    ApiJson(body): ApiJson<NotificationsBody>,
) -> Result<Json<Me>, ApiError> {
    ensure_user(&state, &who).await?;
    let out = state
        .app
        .user_command(
            &who.meta_for(&json!(["notifications", body.preference])),
            who.id,
            UserAction::SetNotifications {
                preference: body.preference,
            },
        )
        .await?;
    Ok(Json(Me::from(&out.state)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    label: String,
    address: Address,
}

pub async fn save_address(
    State(state): State<AppState>,
    who: Customer,
    ApiJson(body): ApiJson<AddressBody>,
) -> Result<Json<Me>, ApiError> {
    ensure_user(&state, &who).await?;
    let meta = who.meta_for(&json!(["address", &body.label, &body.address]));
    let action = UserAction::SaveAddress {
        label: body.label,
        address: body.address,
    };
    let out = state.app.user_command(&meta, who.id, action).await?;
    Ok(Json(Me::from(&out.state)))
}

pub async fn remove_address(
    State(state): State<AppState>,
    who: Customer,
    Path(address_id): Path<String>,
) -> Result<Json<Me>, ApiError> {
    let address_id: u32 = address_id.parse().map_err(|_| ApiError::not_found())?;
    let out = state
        .app
        .user_command(
            &who.meta_for(&json!(["remove_address", address_id])),
            who.id,
            UserAction::RemoveAddress { address_id },
        )
        .await?;
    Ok(Json(Me::from(&out.state)))
}

#[derive(Deserialize)]
pub struct DemoQuery {
    user_id: Option<i64>,
    first_name: Option<String>,
    language_code: Option<String>,
}

/// Offline demo mode only: a signed initData for a demo user, so the Mini App
/// can be tried in a plain browser without Telegram. 404 with a real bot token.
pub async fn demo_init_data(
    State(state): State<AppState>,
    q: Result<Query<DemoQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    if !state.demo {
        return Err(ApiError::not_found());
    }
    let Query(q) = q.map_err(|r| ApiError::bad_request("invalid_query", r.body_text()))?;
    use secrecy::ExposeSecret;
    let user = serde_json::json!({
        "id": q.user_id.unwrap_or(1_000_001),
        "first_name": q.first_name.unwrap_or_else(|| "Demo".into()),
        "language_code": q.language_code.unwrap_or_else(|| "en".into()),
    });
    let auth_date = chrono::Utc::now().timestamp().to_string();
    let raw = crate::telegram::init_data::sign(
        &[("user", &user.to_string()), ("auth_date", &auth_date)],
        state.bot_token.expose_secret(),
    );
    Ok(Json(serde_json::json!({ "init_data": raw })))
}
