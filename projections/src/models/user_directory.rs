//! `user_directory`: every customer's profile, language and preferences.

use super::{stored_users, user_events};
use crate::db::Kind::{Bool, Int, Text, Time};
use crate::db::{Tx, Val};
use crate::event::Envelope;
use crate::storage::{Record, Rows, Table, Write};
use crate::time::format as ts;
use foodbot_domain::user::UserEvent;
use serde::{Deserialize, Serialize};

pub(crate) fn preference(p: &foodbot_domain::user::NotificationPreference) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

#[derive(Clone, Serialize, Deserialize)]
struct UserRow {
    user_id: i64,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language: String,
    notifications: String,
    bot_blocked: bool,
    registered_via: String,
    saved_addresses: i64,
    registered_at: String,
    updated_at: String,
}

impl Record for UserRow {
    const TABLE: Table = Table {
        name: "user_directory",
        columns: &[
            ("user_id", Int),
            ("first_name", Text),
            ("last_name", Text),
            ("username", Text),
            ("language", Text),
            ("notifications", Text),
            ("bot_blocked", Bool),
            ("registered_via", Text),
            ("saved_addresses", Int),
            ("registered_at", Time),
            ("updated_at", Time),
        ],
        key: 1,
        write: Write::Upsert,
    };
    type Key = i64;
    fn key(&self) -> i64 {
        self.user_id
    }
}

/// The tables this model writes, as it describes them.
pub(crate) const TABLES: &[&Table] = &[&UserRow::TABLE];

pub(super) async fn apply(tx: &mut Tx<'_>, events: &[&Envelope]) -> sqlx::Result<()> {
    let mut rows = Rows::<UserRow>::new();
    rows.load(tx, "user_id", Val::Ints(stored_users(events)))
        .await?;
    for (id, ev) in user_events(events) {
        if let UserEvent::UserRegistered {
            profile,
            language,
            via,
            at,
            ..
        } = ev
        {
            rows.create(UserRow {
                user_id: id,
                first_name: profile.first_name.clone(),
                last_name: profile.last_name.clone(),
                username: profile.username.clone(),
                language: language.as_str().into(),
                notifications: "all".into(),
                bot_blocked: false,
                registered_via: via.as_str().into(),
                saved_addresses: 0,
                registered_at: ts(*at),
                updated_at: ts(*at),
            });
            continue;
        }
        let Some(row) = rows.get_mut(&id) else {
            continue;
        };
        match ev {
            UserEvent::UserRegistered { .. } => {}
            UserEvent::ProfileUpdated { profile, at } => {
                row.first_name = profile.first_name.clone();
                row.last_name = profile.last_name.clone();
                row.username = profile.username.clone();
                row.updated_at = ts(*at);
            }
            UserEvent::LanguageChanged { language, at } => {
                row.language = language.as_str().into();
                row.updated_at = ts(*at);
            }
            UserEvent::AddressSaved { at, .. } => {
                row.saved_addresses += 1;
                row.updated_at = ts(*at);
            }
            UserEvent::AddressRemoved { at, .. } => {
                row.saved_addresses -= 1;
                row.updated_at = ts(*at);
            }
            UserEvent::NotificationsChanged { preference: p, at } => {
                row.notifications = preference(p);
                row.updated_at = ts(*at);
            }
            UserEvent::BotBlocked { at } => {
                row.bot_blocked = true;
                row.updated_at = ts(*at);
            }
            UserEvent::BotUnblocked { at } => {
                row.bot_blocked = false;
                row.updated_at = ts(*at);
            }
        }
    }
    rows.flush(tx).await
}
