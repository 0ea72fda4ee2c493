//! The User aggregate, keyed by the Telegram user id.
//!
//! A user is created on first contact, from the bot or the Mini App alike: both
//! know the same Telegram id, so both reach the same user. It holds the profile
//! Telegram shows us, the language we speak to them in, saved delivery addresses,
//! whether they want status notifications, and whether they have blocked the bot
//! (so that the sender stops trying).

mod decide;
#[cfg(test)]
mod tests;

use crate::actor::{Actor, Channel};
use crate::address::{Address, AddressError};
use crate::codec::{Upcaster, VersionedEvent};
use crate::ids::UserId;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

/// Most addresses one user may save.
pub const MAX_ADDRESSES: usize = 10;

/// What Telegram tells us about a person.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    /// The language code Telegram reports for the client (`de`, `en-US`).
    #[serde(default)]
    pub language_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub address_id: u32,
    pub label: String,
    pub address: Address,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationPreference {
    /// Every step of every order.
    #[default]
    All,
    /// Only what needs the customer: ready, out for delivery, refunds.
    Essential,
    None,
}

#[derive(Debug, Clone)]
pub struct UserCommand {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub action: UserAction,
}

#[derive(Debug, Clone)]
pub enum UserAction {
    /// First contact or a later one: registers the user, or records a changed
    /// profile. `language` is the interface language picked for them.
    RecordContact {
        user_id: UserId,
        profile: Profile,
        language: String,
        via: Channel,
    },
    /// `supported` is the list of interface languages, given by the caller
    /// (not the menu's languages: menu texts fall back to its default).
    ChangeLanguage {
        language: String,
        supported: Vec<String>,
    },
    SaveAddress {
        label: String,
        address: Address,
    },
    RemoveAddress {
        address_id: u32,
    },
    SetNotifications {
        preference: NotificationPreference,
    },
    RecordBotBlocked,
    RecordBotUnblocked,
}

impl UserAction {
    pub fn name(&self) -> &'static str {
        match self {
            UserAction::RecordContact { .. } => "record_contact",
            UserAction::ChangeLanguage { .. } => "change_language",
            UserAction::SaveAddress { .. } => "save_address",
            UserAction::RemoveAddress { .. } => "remove_address",
            UserAction::SetNotifications { .. } => "set_notifications",
            UserAction::RecordBotBlocked => "record_bot_blocked",
            UserAction::RecordBotUnblocked => "record_bot_unblocked",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserEvent {
    UserRegistered {
        user_id: UserId,
        profile: Profile,
        language: String,
        via: Channel,
        at: DateTime<Utc>,
    },
    ProfileUpdated {
        profile: Profile,
        at: DateTime<Utc>,
    },
    LanguageChanged {
        language: String,
        at: DateTime<Utc>,
    },
    AddressSaved {
        address_id: u32,
        label: String,
        address: Address,
        at: DateTime<Utc>,
    },
    AddressRemoved {
        address_id: u32,
        at: DateTime<Utc>,
    },
    NotificationsChanged {
        preference: NotificationPreference,
        at: DateTime<Utc>,
    },
    BotBlocked {
        at: DateTime<Utc>,
    },
    BotUnblocked {
        at: DateTime<Utc>,
    },
}

impl UserEvent {
    pub const TYPES: [&'static str; 8] = [
        "UserRegistered",
        "ProfileUpdated",
        "LanguageChanged",
        "AddressSaved",
        "AddressRemoved",
        "NotificationsChanged",
        "BotBlocked",
        "BotUnblocked",
    ];
}

impl UserEvent {
    /// The stable `event_type` string, without allocating.
    pub fn name(&self) -> &'static str {
        match self {
            UserEvent::UserRegistered { .. } => "UserRegistered",
            UserEvent::ProfileUpdated { .. } => "ProfileUpdated",
            UserEvent::LanguageChanged { .. } => "LanguageChanged",
            UserEvent::AddressSaved { .. } => "AddressSaved",
            UserEvent::AddressRemoved { .. } => "AddressRemoved",
            UserEvent::NotificationsChanged { .. } => "NotificationsChanged",
            UserEvent::BotBlocked { .. } => "BotBlocked",
            UserEvent::BotUnblocked { .. } => "BotUnblocked",
        }
    }

    /// The version of each event type's shape that this code writes; `None`
    /// for a type the user does not have. Every user event is still at its
    /// first shape, so there are no user upcasters.
    pub fn current_version(event_type: &str) -> Option<&'static str> {
        match event_type {
            "UserRegistered"
            | "ProfileUpdated"
            | "LanguageChanged"
            | "AddressSaved"
            | "AddressRemoved"
            | "NotificationsChanged"
            | "BotBlocked"
            | "BotUnblocked" => Some("1.0"),
            _ => None,
        }
    }
}

impl DomainEvent for UserEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

impl VersionedEvent for UserEvent {
    const AGGREGATE_TYPE: &'static str = "User";
    const UPCASTERS: &'static [Upcaster] = &[];

    fn current_version(event_type: &str) -> Option<&'static str> {
        UserEvent::current_version(event_type)
    }

    fn name(&self) -> &'static str {
        UserEvent::name(self)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UserError {
    #[error("user not found")]
    NotFound,
    #[error("a user may only change their own profile")]
    NotYourself,
    #[error("language {0:?} is not supported")]
    UnsupportedLanguage(String),
    #[error("invalid address: {0}")]
    InvalidAddress(#[from] AddressError),
    #[error("a label of 1 to 40 characters is required")]
    BadLabel,
    #[error("at most {max} addresses can be saved")]
    TooManyAddresses { max: usize },
    #[error("there is no saved address {0}")]
    UnknownAddress(u32),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: Option<UserId>,
    pub profile: Profile,
    pub language: String,
    pub addresses: Vec<SavedAddress>,
    pub next_address: u32,
    pub notifications: NotificationPreference,
    pub bot_blocked: bool,
    pub registered_at: Option<DateTime<Utc>>,
}

impl Aggregate for User {
    const TYPE: &'static str = "User";
    type Command = UserCommand;
    type Event = UserEvent;
    type Error = UserError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            UserEvent::UserRegistered {
                user_id,
                profile,
                language,
                at,
                ..
            } => {
                self.id = Some(user_id);
                self.profile = profile;
                self.language = language;
                self.next_address = 1;
                self.registered_at = Some(at);
            }
            UserEvent::ProfileUpdated { profile, .. } => self.profile = profile,
            UserEvent::LanguageChanged { language, .. } => self.language = language,
            UserEvent::AddressSaved {
                address_id,
                label,
                address,
                ..
            } => {
                self.next_address = self.next_address.max(address_id + 1);
                self.addresses.push(SavedAddress {
                    address_id,
                    label,
                    address,
                });
            }
            UserEvent::AddressRemoved { address_id, .. } => {
                self.addresses.retain(|a| a.address_id != address_id)
            }
            UserEvent::NotificationsChanged { preference, .. } => self.notifications = preference,
            UserEvent::BotBlocked { .. } => self.bot_blocked = true,
            UserEvent::BotUnblocked { .. } => self.bot_blocked = false,
        }
    }
}
