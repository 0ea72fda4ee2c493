//! The answer of `POST /orders/{id}/reorder`: the new cart, and the past
//! order's lines that could not be copied, with why (types of the API's own).

use super::views::Order;
use foodbot_domain::catalog::{Localized, PricingError};
use foodbot_domain::order::UnavailableLine;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a past order's line could not be reordered.
#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Unavailable {
    pub item_id: String,
    pub name: Localized,
    /// Stable and machine-readable, e.g. `item_unavailable`.
    pub code: String,
    pub message: String,
}

impl From<&UnavailableLine> for Unavailable {
    fn from(u: &UnavailableLine) -> Self {
        Unavailable {
            item_id: u.item_id.clone(),
            name: u.name.clone(),
            code: pricing_code(&u.reason).to_string(),
            message: u.reason.to_string(),
        }
    }
}

/// The API's name of a pricing problem (the same names the domain's errors use).
fn pricing_code(e: &PricingError) -> &'static str {
    use PricingError::*;
    match e {
        UnknownItem { .. } => "unknown_item",
        ItemUnavailable { .. } => "item_unavailable",
        UnknownSize { .. } => "unknown_size",
        SizeNotApplicable { .. } => "size_not_applicable",
        UnknownOptionGroup { .. } => "unknown_option_group",
        UnknownOption { .. } => "unknown_option",
        OptionUnavailable { .. } => "option_unavailable",
        DuplicateOption { .. } => "duplicate_option",
        TooFewOptions { .. } => "too_few_options",
        TooManyOptions { .. } => "too_many_options",
        InvalidQuantity { .. } => "invalid_quantity",
        NoteTooLong { .. } => "note_too_long",
        PriceOutOfRange => "price_out_of_range",
    }
}

#[derive(Serialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Reorder {
    pub order: Order,
    pub unavailable: Vec<Unavailable>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pricing_problem_is_named_as_the_domain_names_it() {
        let id = || "margherita".to_string();
        let (group, option) = (|| "g".to_string(), || "o".to_string());
        let problems = [
            PricingError::UnknownItem { item_id: id() },
            PricingError::ItemUnavailable { item_id: id() },
            PricingError::UnknownSize {
                item_id: id(),
                size: "xl".into(),
            },
            PricingError::SizeNotApplicable { item_id: id() },
            PricingError::UnknownOptionGroup {
                item_id: id(),
                group: group(),
            },
            PricingError::UnknownOption {
                item_id: id(),
                group: group(),
                option: option(),
            },
            PricingError::OptionUnavailable {
                item_id: id(),
                group: group(),
                option: option(),
            },
            PricingError::DuplicateOption {
                item_id: id(),
                group: group(),
                option: option(),
            },
            PricingError::PriceOutOfRange,
        ];
        for p in problems {
            let stored = serde_json::to_value(&p).unwrap();
            assert_eq!(stored["code"], pricing_code(&p), "{p:?}");
        }
    }
}
