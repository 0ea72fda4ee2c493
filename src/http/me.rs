//! `/api/v1/me`: the caller's profile and settings. The first call registers
//! the user (the same user the bot knows, by Telegram id).

use super::auth::Customer;
use super::codes::ErrorCode;
use super::doc::{CommandErrors, IdempotencyKey};
use super::me_views::Me;
use super::requests::{SaveAddress, SetLanguage, SetNotifications};
use super::ErrorBody;
use super::{ApiError, ApiJson, AppState};
use axum::extract::{Path, Query, State};
use axum::Json;
use foodbot_domain::user::UserAction;
use serde::Deserialize;
use serde_json::json;

/// The caller's profile; the first call registers them.
#[utoipa::path(get, path = "/me", tag = "me", security(("tma" = [])),
    responses((status = 200, description = "The caller.", body = Me), CommandErrors))]
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

/// Chooses the language of the bot and the Mini App.
#[utoipa::path(put, path = "/me/language", tag = "me", request_body = SetLanguage, params(IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The caller.", body = Me), CommandErrors))]
pub async fn set_language(
    State(state): State<AppState>,
    who: Customer,
    ApiJson(body): ApiJson<SetLanguage>,
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

/// Chooses which order updates the bot sends.
#[utoipa::path(put, path = "/me/notifications", tag = "me", request_body = SetNotifications, params(IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The caller.", body = Me), CommandErrors))]
pub async fn set_notifications(
    State(state): State<AppState>,
    who: Customer,
    ApiJson(body): ApiJson<SetNotifications>,
) -> Result<Json<Me>, ApiError> {
    ensure_user(&state, &who).await?;
    let preference: foodbot_domain::user::NotificationPreference = body.preference.into();
    let out = state
        .app
        .user_command(
            &who.meta_for(&json!(["notifications", preference])),
            who.id,
            UserAction::SetNotifications { preference },
        )
        .await?;
    Ok(Json(Me::from(&out.state)))
}

/// Saves a delivery address under a label.
#[utoipa::path(post, path = "/me/addresses", tag = "me", request_body = SaveAddress, params(IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The caller.", body = Me), CommandErrors))]
pub async fn save_address(
    State(state): State<AppState>,
    who: Customer,
    ApiJson(body): ApiJson<SaveAddress>,
) -> Result<Json<Me>, ApiError> {
    ensure_user(&state, &who).await?;
    let address = foodbot_domain::address::Address::from(body.address);
    let meta = who.meta_for(&json!(["address", &body.label, &address]));
    let action = UserAction::SaveAddress {
        label: body.label,
        address,
    };
    let out = state.app.user_command(&meta, who.id, action).await?;
    Ok(Json(Me::from(&out.state)))
}

/// Removes a saved address.
#[utoipa::path(delete, path = "/me/addresses/{address_id}", tag = "me", params(("address_id" = u32, Path), IdempotencyKey), security(("tma" = [])),
    responses((status = 200, description = "The caller.", body = Me), CommandErrors))]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DemoQuery {
    user_id: Option<i64>,
    first_name: Option<String>,
    language_code: Option<String>,
    /// The start parameter Telegram signs into initData when the Mini App is
    /// opened by a `t.me/<bot>/<app>?startapp=…` link (`order_<id>`,
    /// `item_<id>`): 1–512 of `A-Z a-z 0-9 _ -`.
    start_param: Option<String>,
}

/// Telegram's rule for a start parameter.
fn start_param_ok(p: &str) -> bool {
    (1..=512).contains(&p.len())
        && p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A signed initData for the demo login.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DemoInitData {
    pub init_data: String,
}

/// Offline demo mode only: a signed initData for a demo user, so the Mini App
/// can be tried in a plain browser without Telegram, opened at `start_param`
/// when one is given (as by a `t.me` link). 404 with a real bot token.
#[utoipa::path(get, path = "/demo/init-data", tag = "demo", params(DemoQuery),
    responses(
        (status = 200, description = "A demo user's initData.", body = DemoInitData),
        (status = 400, description = "`invalid_query`.", body = ErrorBody),
        (status = 404, description = "`not_found`: not in demo mode.", body = ErrorBody),
    ))]
pub async fn demo_init_data(
    State(state): State<AppState>,
    q: Result<Query<DemoQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DemoInitData>, ApiError> {
    if !state.demo {
        return Err(ApiError::not_found());
    }
    let Query(q) = q.map_err(|r| ApiError::new(ErrorCode::InvalidQuery, r.body_text()))?;
    if q.start_param.as_deref().is_some_and(|p| !start_param_ok(p)) {
        return Err(ApiError::new(
            ErrorCode::InvalidQuery,
            "start_param: 1 to 512 of A-Z, a-z, 0-9, _ and -",
        ));
    }
    use secrecy::ExposeSecret;
    let user = serde_json::json!({
        "id": q.user_id.unwrap_or(crate::startup::DEMO_USER_ID),
        "first_name": q.first_name.unwrap_or_else(|| "Demo".into()),
        "language_code": q.language_code.unwrap_or_else(|| "en".into()),
    });
    let auth_date = chrono::Utc::now().timestamp().to_string();
    let user = user.to_string();
    let mut fields = vec![("user", user.as_str()), ("auth_date", auth_date.as_str())];
    if let Some(start) = q.start_param.as_deref() {
        fields.push(("start_param", start));
    }
    let raw = crate::telegram::init_data::sign(&fields, state.bot_token.expose_secret());
    Ok(Json(DemoInitData { init_data: raw }))
}
