//! The menu catalog: what a restaurant sells, as data.
//!
//! A restaurant's menu is a TOML file (format in docs/menu.md) deserialised into
//! [`Catalog`] and checked by [`Catalog::validate`], whose issues name the bad
//! entry and field. Pricing a cart line against the catalog ([`Catalog::price`])
//! is pure code, so the Order aggregate can freeze prices without doing IO: the
//! application layer puts the current catalog into the command.

mod pricing;
mod validate;

pub use pricing::{ChosenOption, ChosenSize, LineRequest, PricedLine, PricingError};
pub use validate::CatalogIssue;

use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in every language the restaurant supports, keyed by language code.
pub type Localized = BTreeMap<String, String>;

/// Picks the text for `lang`, falling back to the first language present.
pub fn localize<'a>(text: &'a Localized, lang: &str) -> &'a str {
    text.get(lang)
        .or_else(|| text.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub restaurant: Restaurant,
    pub categories: Vec<Category>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restaurant {
    pub id: String,
    pub name: Localized,
    pub currency: Currency,
    /// Supported languages; the first is the default.
    pub languages: Vec<String>,
    pub delivery_fee: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: Localized,
}

/// Tags a customer can filter the menu by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    Vegetarian,
    Vegan,
    Spicy,
    New,
    Popular,
    GlutenFree,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub category: String,
    pub name: Localized,
    pub description: Localized,
    pub price: Money,
    /// Path of the photo relative to the menu file.
    pub photo: String,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default = "yes")]
    pub available: bool,
    /// If present, one must be chosen; the first is the default.
    #[serde(default)]
    pub sizes: Vec<Size>,
    #[serde(default)]
    pub option_groups: Vec<OptionGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Size {
    pub id: String,
    pub name: Localized,
    pub price_delta: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionGroup {
    pub id: String,
    pub name: Localized,
    pub min: u32,
    pub max: u32,
    pub options: Vec<ItemOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemOption {
    pub id: String,
    pub name: Localized,
    pub price_delta: i64,
    #[serde(default = "yes")]
    pub available: bool,
}

fn yes() -> bool {
    true
}

impl Catalog {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn currency(&self) -> Currency {
        self.restaurant.currency
    }

    pub fn default_language(&self) -> &str {
        self.restaurant
            .languages
            .first()
            .map(String::as_str)
            .unwrap_or("en")
    }

    /// The supported language closest to a Telegram `language_code` ("de-AT" → "de"),
    /// or the default language.
    pub fn pick_language(&self, requested: Option<&str>) -> String {
        let wanted = requested
            .map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase())
            .unwrap_or_default();
        self.restaurant
            .languages
            .iter()
            .find(|l| **l == wanted)
            .cloned()
            .unwrap_or_else(|| self.default_language().to_string())
    }
}

#[cfg(test)]
pub(crate) mod fixtures;
