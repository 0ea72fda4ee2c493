//! The User decision: (state, command) → events or a typed error.

use super::{User, UserAction, UserCommand, UserError, UserEvent, MAX_ADDRESSES};
use crate::actor::Actor;

impl User {
    pub fn decide(&self, cmd: UserCommand) -> Result<Vec<UserEvent>, UserError> {
        let UserCommand { actor, at, action } = cmd;
        if let UserAction::RecordContact {
            user_id,
            profile,
            language,
            via,
        } = action
        {
            if actor != Actor::System && actor.user_id() != Some(user_id) {
                return Err(UserError::NotYourself);
            }
            return Ok(match self.id {
                None => vec![UserEvent::UserRegistered {
                    user_id,
                    profile,
                    language,
                    via,
                    at,
                }],
                Some(_) if self.profile != profile => {
                    vec![UserEvent::ProfileUpdated { profile, at }]
                }
                Some(_) => vec![],
            });
        }
        let Some(me) = self.id else {
            return Err(UserError::NotFound);
        };
        // Only the person themselves changes their settings; the server records
        // facts it learns from Telegram (blocked / unblocked).
        if actor != Actor::System && actor.user_id() != Some(me) {
            return Err(UserError::NotYourself);
        }
        let events = match action {
            UserAction::RecordContact { .. } => unreachable!("handled above"),
            UserAction::ChangeLanguage {
                language,
                supported,
            } => {
                if !supported.contains(&language) {
                    return Err(UserError::UnsupportedLanguage(language));
                }
                if language == self.language {
                    vec![]
                } else {
                    vec![UserEvent::LanguageChanged { language, at }]
                }
            }
            UserAction::SaveAddress { label, address } => {
                let label = label.trim().to_string();
                if label.is_empty() || label.chars().count() > 40 {
                    return Err(UserError::BadLabel);
                }
                if self.addresses.len() >= MAX_ADDRESSES {
                    return Err(UserError::TooManyAddresses { max: MAX_ADDRESSES });
                }
                let address = address.normalized()?;
                vec![UserEvent::AddressSaved {
                    address_id: self.next_address,
                    label,
                    address,
                    at,
                }]
            }
            UserAction::RemoveAddress { address_id } => {
                if !self.addresses.iter().any(|a| a.address_id == address_id) {
                    return Err(UserError::UnknownAddress(address_id));
                }
                vec![UserEvent::AddressRemoved { address_id, at }]
            }
            UserAction::SetNotifications { preference } => {
                if preference == self.notifications {
                    vec![]
                } else {
                    vec![UserEvent::NotificationsChanged { preference, at }]
                }
            }
            UserAction::RecordBotBlocked => {
                if self.bot_blocked {
                    vec![]
                } else {
                    vec![UserEvent::BotBlocked { at }]
                }
            }
            UserAction::RecordBotUnblocked => {
                if self.bot_blocked {
                    vec![UserEvent::BotUnblocked { at }]
                } else {
                    vec![]
                }
            }
        };
        Ok(events)
    }
}
