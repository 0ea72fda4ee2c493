//! The JSON shape of the caller (`/me`): a type of its own, mapped here from
//! the domain's user.

use super::requests::Notifications;
use super::views::Address;
use foodbot_domain::user::{SavedAddress, User};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct SavedAddressView {
    pub address_id: u32,
    pub label: String,
    pub address: Address,
}

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Me {
    pub id: i64,
    pub first_name: String,
    #[schema(required = true)]
    pub last_name: Option<String>,
    #[schema(required = true)]
    pub username: Option<String>,
    pub language: String,
    pub notifications: Notifications,
    pub addresses: Vec<SavedAddressView>,
    pub bot_blocked: bool,
}

impl From<&User> for Me {
    fn from(user: &User) -> Self {
        Me {
            id: user.id.map_or(0, |u| u.0),
            first_name: user.profile.first_name.clone(),
            last_name: user.profile.last_name.clone(),
            username: user.profile.username.clone(),
            language: user.language.clone(),
            notifications: user.notifications.into(),
            addresses: user
                .addresses
                .iter()
                .map(|a: &SavedAddress| SavedAddressView {
                    address_id: a.address_id,
                    label: a.label.clone(),
                    address: (&a.address).into(),
                })
                .collect(),
            bot_blocked: user.bot_blocked,
        }
    }
}
