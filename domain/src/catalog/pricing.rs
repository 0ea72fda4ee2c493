//! Pricing a requested cart line against the catalog.

use super::{Catalog, Localized};
use crate::money::{Money, MoneyError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Most of one item a single cart line may hold.
pub const MAX_QUANTITY: u32 = 50;
/// Longest kitchen note on a line, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

/// What a customer asks for: an item, its size, option choices per group, a
/// quantity and a note for the kitchen. Untrusted until priced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    pub item_id: String,
    #[serde(default)]
    pub size: Option<String>,
    /// Chosen option ids keyed by option group id.
    #[serde(default)]
    pub options: BTreeMap<String, Vec<String>>,
    pub quantity: u32,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenSize {
    pub id: String,
    pub name: Localized,
    pub price_delta: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenOption {
    pub group: String,
    pub option: String,
    pub name: Localized,
    pub price_delta: i64,
}

/// A line priced at the catalog's current prices, with the names it had then, so
/// that an order still reads right after the menu changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub item_id: String,
    pub category: String,
    pub name: Localized,
    pub size: Option<ChosenSize>,
    pub options: Vec<ChosenOption>,
    pub quantity: u32,
    pub note: Option<String>,
    /// Base price plus size and option deltas.
    pub unit_price: Money,
    /// `unit_price × quantity`.
    pub line_total: Money,
}

impl PricedLine {
    /// The request that would order this line again.
    pub fn to_request(&self) -> LineRequest {
        let mut options: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for o in &self.options {
            options
                .entry(o.group.clone())
                .or_default()
                .push(o.option.clone());
        }
        LineRequest {
            item_id: self.item_id.clone(),
            size: self.size.as_ref().map(|s| s.id.clone()),
            options,
            quantity: self.quantity,
            note: self.note.clone(),
        }
    }

    /// The same line with another quantity.
    pub fn with_quantity(&self, quantity: u32) -> Result<PricedLine, PricingError> {
        check_quantity(quantity)?;
        Ok(PricedLine {
            quantity,
            line_total: self.unit_price.checked_mul(quantity)?,
            ..self.clone()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PricingError {
    #[error("there is no item {item_id:?} on the menu")]
    UnknownItem { item_id: String },
    #[error("{item_id:?} is not available right now")]
    ItemUnavailable { item_id: String },
    #[error("{item_id:?} has no size {size:?}")]
    UnknownSize { item_id: String, size: String },
    #[error("{item_id:?} comes in one size only")]
    SizeNotApplicable { item_id: String },
    #[error("{item_id:?} has no option group {group:?}")]
    UnknownOptionGroup { item_id: String, group: String },
    #[error("{item_id:?} has no option {option:?} in {group:?}")]
    UnknownOption {
        item_id: String,
        group: String,
        option: String,
    },
    #[error("option {option:?} of {item_id:?} is not available right now")]
    OptionUnavailable {
        item_id: String,
        group: String,
        option: String,
    },
    #[error("option {option:?} is chosen twice")]
    DuplicateOption {
        item_id: String,
        group: String,
        option: String,
    },
    #[error("{group:?} of {item_id:?} needs at least {min} choice(s)")]
    TooFewOptions {
        item_id: String,
        group: String,
        min: u32,
    },
    #[error("{group:?} of {item_id:?} allows at most {max} choice(s)")]
    TooManyOptions {
        item_id: String,
        group: String,
        max: u32,
    },
    #[error("quantity must be between 1 and {max}")]
    InvalidQuantity { max: u32 },
    #[error("the note is longer than {max} characters")]
    NoteTooLong { max: usize },
    #[error("the price is out of range")]
    PriceOutOfRange,
}

impl From<MoneyError> for PricingError {
    fn from(_: MoneyError) -> Self {
        PricingError::PriceOutOfRange
    }
}

fn check_quantity(quantity: u32) -> Result<(), PricingError> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(())
    } else {
        Err(PricingError::InvalidQuantity { max: MAX_QUANTITY })
    }
}

impl Catalog {
    /// Prices a line at the catalog's current prices, or says exactly what is
    /// wrong with it.
    pub fn price(&self, req: &LineRequest) -> Result<PricedLine, PricingError> {
        let item_id = req.item_id.clone();
        let item = self
            .item(&req.item_id)
            .ok_or_else(|| PricingError::UnknownItem {
                item_id: item_id.clone(),
            })?;
        if !item.available {
            return Err(PricingError::ItemUnavailable { item_id });
        }
        check_quantity(req.quantity)?;
        let note = match req.note.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) if n.chars().count() > MAX_NOTE_CHARS => {
                return Err(PricingError::NoteTooLong {
                    max: MAX_NOTE_CHARS,
                })
            }
            Some(n) => Some(n.to_string()),
        };

        let size = match (&req.size, item.sizes.first()) {
            (None, None) => None,
            (Some(_), None) => return Err(PricingError::SizeNotApplicable { item_id }),
            (None, Some(default)) => Some(default),
            (Some(wanted), Some(_)) => {
                Some(item.sizes.iter().find(|s| &s.id == wanted).ok_or_else(|| {
                    PricingError::UnknownSize {
                        item_id: item_id.clone(),
                        size: wanted.clone(),
                    }
                })?)
            }
        };

        for group in req.options.keys() {
            if !item.option_groups.iter().any(|g| &g.id == group) {
                return Err(PricingError::UnknownOptionGroup {
                    item_id,
                    group: group.clone(),
                });
            }
        }
        let mut options = Vec::new();
        for group in &item.option_groups {
            let chosen = req.options.get(&group.id).map(Vec::as_slice).unwrap_or(&[]);
            let mut seen = BTreeSet::new();
            for option_id in chosen {
                let err = |make: fn(String, String, String) -> PricingError| {
                    make(item_id.clone(), group.id.clone(), option_id.clone())
                };
                if !seen.insert(option_id) {
                    return Err(err(|item_id, group, option| {
                        PricingError::DuplicateOption {
                            item_id,
                            group,
                            option,
                        }
                    }));
                }
                let option = group
                    .options
                    .iter()
                    .find(|o| &o.id == option_id)
                    .ok_or_else(|| {
                        err(|item_id, group, option| PricingError::UnknownOption {
                            item_id,
                            group,
                            option,
                        })
                    })?;
                if !option.available {
                    return Err(err(|item_id, group, option| {
                        PricingError::OptionUnavailable {
                            item_id,
                            group,
                            option,
                        }
                    }));
                }
                options.push(super::ChosenOption {
                    group: group.id.clone(),
                    option: option.id.clone(),
                    name: option.name.clone(),
                    price_delta: option.price_delta,
                });
            }
            let n = chosen.len() as u32;
            if n < group.min {
                return Err(PricingError::TooFewOptions {
                    item_id,
                    group: group.id.clone(),
                    min: group.min,
                });
            }
            if n > group.max {
                return Err(PricingError::TooManyOptions {
                    item_id,
                    group: group.id.clone(),
                    max: group.max,
                });
            }
        }

        // Deltas come from the menu file; their sum is checked like any other
        // money, so an absurd menu refuses the line instead of wrapping.
        let deltas = options
            .iter()
            .map(|o| o.price_delta)
            .try_fold(size.map_or(0, |s| s.price_delta), i64::checked_add)
            .ok_or(PricingError::PriceOutOfRange)?;
        let unit_price = item
            .price
            .checked_add(Money::new(deltas, item.price.currency))?;
        if unit_price.amount <= 0 {
            return Err(PricingError::PriceOutOfRange);
        }
        Ok(PricedLine {
            item_id: item.id.clone(),
            category: item.category.clone(),
            name: item.name.clone(),
            size: size.map(|s| ChosenSize {
                id: s.id.clone(),
                name: s.name.clone(),
                price_delta: s.price_delta,
            }),
            options,
            quantity: req.quantity,
            note,
            unit_price,
            line_total: unit_price.checked_mul(req.quantity)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{catalog, eur};
    use super::*;

    fn req(item: &str, size: Option<&str>, opts: &[(&str, &[&str])], qty: u32) -> LineRequest {
        LineRequest {
            item_id: item.into(),
            size: size.map(Into::into),
            options: opts
                .iter()
                .map(|(g, o)| (g.to_string(), o.iter().map(|s| s.to_string()).collect()))
                .collect(),
            quantity: qty,
            note: None,
        }
    }

    #[test]
    fn price_adds_size_and_option_deltas_and_multiplies_by_quantity() {
        let line = catalog()
            .price(&req(
                "margherita",
                Some("32cm"),
                &[("toppings", &["olives", "basil"])],
                2,
            ))
            .unwrap();
        assert_eq!(line.unit_price, eur(890 + 300 + 100 + 50));
        assert_eq!(line.line_total, eur(2 * 1340));
    }

    #[test]
    fn missing_size_means_the_first_size() {
        let line = catalog().price(&req("margherita", None, &[], 1)).unwrap();
        assert_eq!(line.size.unwrap().id, "26cm");
        assert_eq!(line.unit_price, eur(890));
    }

    #[test]
    fn every_bad_choice_has_its_own_error() {
        let c = catalog();
        type Check = fn(&PricingError) -> bool;
        let cases: Vec<(LineRequest, Check)> = vec![
            (req("sushi", None, &[], 1), |e| {
                matches!(e, PricingError::UnknownItem { .. })
            }),
            (req("pumpkin-pie", None, &[], 1), |e| {
                matches!(e, PricingError::ItemUnavailable { .. })
            }),
            (req("margherita", Some("40cm"), &[], 1), |e| {
                matches!(e, PricingError::UnknownSize { .. })
            }),
            (req("cola", Some("big"), &[("ice", &["no-ice"])], 1), |e| {
                matches!(e, PricingError::SizeNotApplicable { .. })
            }),
            (req("margherita", None, &[("sauce", &["x"])], 1), |e| {
                matches!(e, PricingError::UnknownOptionGroup { .. })
            }),
            (req("margherita", None, &[("toppings", &["ham"])], 1), |e| {
                matches!(e, PricingError::UnknownOption { .. })
            }),
            (
                req("margherita", None, &[("toppings", &["truffle"])], 1),
                |e| matches!(e, PricingError::OptionUnavailable { .. }),
            ),
            (
                req(
                    "margherita",
                    None,
                    &[("toppings", &["olives", "olives"])],
                    1,
                ),
                |e| matches!(e, PricingError::DuplicateOption { .. }),
            ),
            (req("cola", None, &[], 1), |e| {
                matches!(e, PricingError::TooFewOptions { min: 1, .. })
            }),
            (
                req("cola", None, &[("ice", &["no-ice", "with-ice"])], 1),
                |e| matches!(e, PricingError::TooManyOptions { max: 1, .. }),
            ),
            (req("cola", None, &[("ice", &["no-ice"])], 0), |e| {
                matches!(e, PricingError::InvalidQuantity { .. })
            }),
            (req("cola", None, &[("ice", &["no-ice"])], 51), |e| {
                matches!(e, PricingError::InvalidQuantity { .. })
            }),
        ];
        for (r, check) in cases {
            let err = c.price(&r).unwrap_err();
            assert!(check(&err), "{r:?} gave {err:?}");
        }
    }

    #[test]
    fn a_note_over_the_limit_is_rejected_and_blank_notes_are_dropped() {
        let c = catalog();
        let mut r = req("cola", None, &[("ice", &["no-ice"])], 1);
        r.note = Some("x".repeat(MAX_NOTE_CHARS + 1));
        assert!(matches!(c.price(&r), Err(PricingError::NoteTooLong { .. })));
        r.note = Some("   ".into());
        assert_eq!(c.price(&r).unwrap().note, None);
    }

    #[test]
    fn a_priced_line_round_trips_to_the_same_request() {
        let r = req("margherita", Some("32cm"), &[("toppings", &["olives"])], 3);
        let line = catalog().price(&r).unwrap();
        assert_eq!(line.to_request(), r);
    }
}
