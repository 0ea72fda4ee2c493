//! `user_directory`: every customer's profile, language and preferences.

use super::ts;
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::user::UserEvent;

pub(crate) fn preference(p: &foodbot_domain::user::NotificationPreference) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let Decoded::User(ev) = &e.event else {
        return Ok(());
    };
    let id: i64 = e.aggregate_id.parse().unwrap_or_default();
    let (sql, args): (&str, Vec<Val>) = match ev {
        UserEvent::UserRegistered { profile, language, via, at, .. } => (
            "INSERT INTO user_directory (user_id, first_name, last_name, username, language, notifications, bot_blocked,
                                         registered_via, saved_addresses, registered_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'all', false, $6, 0, $7::timestamptz, $7::timestamptz)
             ON CONFLICT (user_id) DO NOTHING",
            vec![
                id.into(),
                profile.first_name.as_str().into(),
                profile.last_name.clone().into(),
                profile.username.clone().into(),
                language.as_str().into(),
                via.as_str().into(),
                ts(*at),
            ],
        ),
        UserEvent::ProfileUpdated { profile, at } => (
            "UPDATE user_directory SET first_name = $2, last_name = $3, username = $4, updated_at = $5::timestamptz WHERE user_id = $1",
            vec![id.into(), profile.first_name.as_str().into(), profile.last_name.clone().into(), profile.username.clone().into(), ts(*at)],
        ),
        UserEvent::LanguageChanged { language, at } => (
            "UPDATE user_directory SET language = $2, updated_at = $3::timestamptz WHERE user_id = $1",
            vec![id.into(), language.as_str().into(), ts(*at)],
        ),
        UserEvent::AddressSaved { at, .. } => (
            "UPDATE user_directory SET saved_addresses = saved_addresses + 1, updated_at = $2::timestamptz WHERE user_id = $1",
            vec![id.into(), ts(*at)],
        ),
        UserEvent::AddressRemoved { at, .. } => (
            "UPDATE user_directory SET saved_addresses = saved_addresses - 1, updated_at = $2::timestamptz WHERE user_id = $1",
            vec![id.into(), ts(*at)],
        ),
        UserEvent::NotificationsChanged { preference: p, at } => (
            "UPDATE user_directory SET notifications = $2, updated_at = $3::timestamptz WHERE user_id = $1",
            vec![id.into(), preference(p).into(), ts(*at)],
        ),
        UserEvent::BotBlocked { at } | UserEvent::BotUnblocked { at } => (
            "UPDATE user_directory SET bot_blocked = $2, updated_at = $3::timestamptz WHERE user_id = $1",
            vec![id.into(), matches!(ev, UserEvent::BotBlocked { .. }).into(), ts(*at)],
        ),
    };
    tx.exec(sql, &args).await.map(|_| ())
}
