//! The menu as the API shows it: its own types, mapped from the menu file's
//! (`foodbot_domain::catalog`) here only, so the file's format and the API's
//! shape change on their own schedules. Texts are maps from language code to
//! text in the menu's languages (`restaurant.languages`, the first is the
//! default every text falls back to); money is `{amount, currency}` like
//! everywhere in the API, price differences of sizes and options included.

use super::views::Money;
use foodbot_domain::catalog::{self, Catalog, Localized};
use foodbot_domain::Money as DomainMoney;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Text in the menu's languages, keyed by language code.
pub type Texts = BTreeMap<String, String>;

#[derive(Serialize, ToSchema)]
pub struct Menu {
    pub restaurant: Restaurant,
    pub categories: Vec<Category>,
    pub items: Vec<Item>,
}

#[derive(Serialize, ToSchema)]
pub struct Restaurant {
    pub id: String,
    pub name: Texts,
    /// ISO 4217 code every price is in.
    pub currency: String,
    /// The languages the menu is written in; the first is the default.
    pub languages: Vec<String>,
    pub delivery_fee: Money,
    /// When orders are taken; absent when at any time. Checkout outside
    /// these hours is refused with `restaurant_closed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
}

/// Opening hours as wall-clock times in the restaurant's time zone.
#[derive(Serialize, ToSchema)]
pub struct Hours {
    /// IANA time zone name, e.g. `Europe/Berlin`.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// Monday first, every day present; a day without spans is closed.
    pub week: Vec<Day>,
    /// Dates (`YYYY-MM-DD`, in the restaurant's zone) closed all day.
    pub closed_on: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Day {
    #[schema(example = "monday")]
    pub day: String,
    /// Spans `HH:MM-HH:MM`; one whose end is not after its start runs past
    /// midnight, `24:00` is the end of the day.
    #[schema(example = json!(["11:30-15:00", "17:30-22:30"]))]
    pub spans: Vec<String>,
}

impl From<&catalog::OpeningHours> for Hours {
    fn from(h: &catalog::OpeningHours) -> Hours {
        Hours {
            time_zone: h.time_zone.name().to_string(),
            week: h
                .week()
                .into_iter()
                .map(|(day, spans)| Day {
                    day: day.to_string(),
                    spans: spans.iter().map(ToString::to_string).collect(),
                })
                .collect(),
            closed_on: h.closed_on.iter().map(ToString::to_string).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Category {
    pub id: String,
    pub name: Texts,
}

/// A tag customers can filter by.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    Vegetarian,
    Vegan,
    Spicy,
    New,
    Popular,
    GlutenFree,
}

#[derive(Serialize, ToSchema)]
pub struct Item {
    pub id: String,
    /// The id of its category.
    pub category: String,
    pub name: Texts,
    pub description: Texts,
    pub price: Money,
    /// Where the photo is served (`/menu/photos/<file>`).
    pub photo_url: String,
    pub tags: Vec<Tag>,
    /// False while the item cannot be ordered.
    pub available: bool,
    /// When not empty, one must be chosen; the first is the default.
    pub sizes: Vec<Size>,
    pub option_groups: Vec<OptionGroup>,
    /// A digital good (a gift card): paid in Telegram Stars, never delivered.
    /// An order holds either digital items only or none.
    pub digital: bool,
    /// What a digital item costs in Telegram Stars (currency `XTR`), charged
    /// at checkout; null for other items.
    #[schema(required = true)]
    pub stars_price: Option<Money>,
}

#[derive(Serialize, ToSchema)]
pub struct Size {
    pub id: String,
    pub name: Texts,
    /// Added to the item's price.
    pub price_delta: Money,
}

#[derive(Serialize, ToSchema)]
pub struct OptionGroup {
    pub id: String,
    pub name: Texts,
    /// How many options of the group must be chosen at least…
    pub min: u32,
    /// …and may be chosen at most.
    pub max: u32,
    pub options: Vec<ItemOption>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemOption {
    pub id: String,
    pub name: Texts,
    /// Added to the item's price per item.
    pub price_delta: Money,
    pub available: bool,
}

fn texts(t: &Localized) -> Texts {
    t.clone()
}

impl From<&Catalog> for Menu {
    fn from(c: &Catalog) -> Menu {
        let currency = c.currency();
        let delta = |amount: i64| Money::from(DomainMoney::new(amount, currency));
        Menu {
            restaurant: Restaurant {
                id: c.restaurant.id.clone(),
                name: texts(&c.restaurant.name),
                currency: currency.as_str().to_string(),
                languages: c.restaurant.languages.clone(),
                delivery_fee: c.restaurant.delivery_fee.into(),
                hours: c.restaurant.hours.as_ref().map(Hours::from),
            },
            categories: c
                .categories
                .iter()
                .map(|k| Category {
                    id: k.id.clone(),
                    name: texts(&k.name),
                })
                .collect(),
            items: c
                .items
                .iter()
                .map(|i| Item {
                    id: i.id.clone(),
                    category: i.category.clone(),
                    name: texts(&i.name),
                    description: texts(&i.description),
                    price: i.price.into(),
                    photo_url: format!(
                        "/menu/photos/{}",
                        i.photo.strip_prefix("photos/").unwrap_or(&i.photo)
                    ),
                    tags: i.tags.iter().map(tag).collect(),
                    available: i.available,
                    digital: i.digital,
                    stars_price: c.stars_price(&i.id).map(Into::into),
                    sizes: i
                        .sizes
                        .iter()
                        .map(|s| Size {
                            id: s.id.clone(),
                            name: texts(&s.name),
                            price_delta: delta(s.price_delta),
                        })
                        .collect(),
                    option_groups: i
                        .option_groups
                        .iter()
                        .map(|g| OptionGroup {
                            id: g.id.clone(),
                            name: texts(&g.name),
                            min: g.min,
                            max: g.max,
                            options: g
                                .options
                                .iter()
                                .map(|o| ItemOption {
                                    id: o.id.clone(),
                                    name: texts(&o.name),
                                    price_delta: delta(o.price_delta),
                                    available: o.available,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn tag(t: &catalog::Tag) -> Tag {
    match t {
        catalog::Tag::Vegetarian => Tag::Vegetarian,
        catalog::Tag::Vegan => Tag::Vegan,
        catalog::Tag::Spicy => Tag::Spicy,
        catalog::Tag::New => Tag::New,
        catalog::Tag::Popular => Tag::Popular,
        catalog::Tag::GlutenFree => Tag::GlutenFree,
    }
}
