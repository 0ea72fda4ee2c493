//! User use cases: first contact, language, addresses, notifications, blocked state.

use super::execute::{storage, CommandMeta, Outcome};
use super::{App, AppError};
use crate::i18n::Lang;
use cqrs_es::EventStore;
use foodbot_domain::user::{Profile, User, UserAction, UserCommand, UserError};
use foodbot_domain::UserId;

impl App {
    pub async fn user_command(
        &self,
        meta: &CommandMeta,
        user_id: UserId,
        action: UserAction,
    ) -> Result<Outcome<User>, AppError> {
        let name = action.name();
        self.execute(&self.users, &user_id.to_string(), false, meta, name, || {
            UserCommand {
                actor: meta.actor,
                at: meta.at,
                action: action.clone(),
            }
        })
        .await
    }

    /// Called on every first (and later) contact from the bot or the Mini App:
    /// registers the user or records a changed profile. The language is the
    /// interface language closest to the Telegram client's.
    pub async fn record_contact(
        &self,
        meta: &CommandMeta,
        user_id: UserId,
        profile: Profile,
    ) -> Result<Outcome<User>, AppError> {
        let language = self
            .menu
            .pick_language(profile.language_code.as_deref(), &Lang::all_codes());
        let action = UserAction::RecordContact {
            user_id,
            profile,
            language,
            via: meta.channel,
        };
        self.user_command(meta, user_id, action).await
    }

    /// Makes sure the user exists before their first order or setting. A user
    /// already cached as registered with this very profile needs no command:
    /// registration is never undone, and a profile change is recorded on the
    /// next contact that finds it.
    pub async fn ensure_user(
        &self,
        meta: &CommandMeta,
        user_id: UserId,
        profile: Profile,
    ) -> Result<(), AppError> {
        if let Some(known) = self.users.peek(&user_id.to_string()) {
            if known.id.is_some() && known.profile == profile {
                return Ok(());
            }
        }
        self.record_contact(meta, user_id, profile)
            .await
            .map(|_| ())
    }

    pub async fn change_language(
        &self,
        meta: &CommandMeta,
        user_id: UserId,
        language: String,
    ) -> Result<Outcome<User>, AppError> {
        // Any interface language, whichever languages the menu is written in:
        // menu texts fall back to the menu's default language.
        let supported = Lang::all_codes();
        self.user_command(
            meta,
            user_id,
            UserAction::ChangeLanguage {
                language,
                supported,
            },
        )
        .await
    }

    pub async fn user(&self, user_id: UserId) -> Result<User, AppError> {
        let loaded = self
            .users
            .load_aggregate(&user_id.to_string())
            .await
            .map_err(storage)?;
        if loaded.aggregate.id.is_none() {
            return Err(UserError::NotFound.into());
        }
        Ok(loaded.aggregate)
    }
}
