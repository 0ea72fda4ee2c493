//! The menu catalog: what a restaurant sells, as data.
//!
//! A restaurant's menu is a TOML file (format in docs/menu.md) deserialised into
//! [`Catalog`] and checked by [`Catalog::validate`], whose issues name the bad
//! entry and field. Pricing a cart line against the catalog ([`Catalog::price`])
//! is pure code, so the Order aggregate can freeze prices without doing IO: the
//! application layer puts the current catalog into the command.

mod hours;
mod pricing;
mod validate;

pub use hours::{BadSpan, OpeningHours, Span};
pub use pricing::{ChosenOption, ChosenSize, LineRequest, PricedLine, PricingError};
pub use validate::CatalogIssue;

use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in every language the menu is written in, keyed by language code.
pub type Localized = BTreeMap<String, String>;

/// Picks the text for `lang`, falling back to `default` (the menu's default
/// language, see [`Catalog::default_language`]): a customer may use an
/// interface language the menu is not written in. A validated catalog has
/// every text in its default language; should one still lack it, the first
/// language present is used rather than nothing.
pub fn localize<'a>(text: &'a Localized, lang: &str, default: &str) -> &'a str {
    text.get(lang)
        .or_else(|| text.get(default))
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
    /// The languages the menu is written in; the first is the default, which
    /// every text falls back to. Independent of the interface languages.
    pub languages: Vec<String>,
    pub delivery_fee: Money,
    /// When orders are taken; without it, at any time.
    #[serde(default)]
    pub hours: Option<OpeningHours>,
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
    /// A digital good (a gift card, a voucher): nothing is cooked or delivered.
    /// Digital goods are paid in Telegram Stars, so an order holding only
    /// digital items is checked out in Stars; one mixing them with food is
    /// refused at checkout.
    #[serde(default)]
    pub digital: bool,
    /// The price of a digital item in Telegram Stars (whole Stars, currency
    /// `XTR`), charged when it is checked out. Its `price` (in the menu's
    /// currency) is what the menu and the cart show beside it. Required for
    /// digital items, refused on others.
    #[serde(default)]
    pub stars: Option<u32>,
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

    /// The price in Stars of one unit of digital item `id`: `None` for an
    /// unknown item or one that is not digital.
    pub fn stars_price(&self, id: &str) -> Option<Money> {
        let item = self.item(id).filter(|i| i.digital)?;
        item.stars
            .map(|n| Money::new(i64::from(n), crate::money::STARS))
    }

    /// The menu's default language: the first of `restaurant.languages`.
    pub fn default_language(&self) -> &str {
        self.restaurant
            .languages
            .first()
            .map(String::as_str)
            .unwrap_or("en")
    }

    /// A menu text in `lang`, or in the menu's default language when the menu
    /// is not written in `lang`.
    pub fn text<'a>(&self, text: &'a Localized, lang: &str) -> &'a str {
        localize(text, lang, self.default_language())
    }

    /// The interface language for a Telegram `language_code`: the one of
    /// `supported` (the interface languages, passed in by the application)
    /// that matches its primary subtag ("de-AT" → "de", "pt-br" → "pt");
    /// else the menu's default language if the interface speaks it; else the
    /// first of `supported`.
    pub fn pick_language(&self, requested: Option<&str>, supported: &[String]) -> String {
        let wanted = requested
            .map(|l| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase())
            .unwrap_or_default();
        let default = self.default_language();
        supported
            .iter()
            .find(|l| **l == wanted)
            .or_else(|| supported.iter().find(|l| *l == default))
            .or_else(|| supported.first())
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests;
