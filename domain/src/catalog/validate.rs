//! Checks a catalog when it is loaded, so that a menu mistake is found at start
//! and reported with the entry and field at fault, not discovered by a customer.

use super::{Catalog, Localized};
use std::collections::BTreeSet;
use std::fmt;

/// One problem found in a menu: which entry, which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogIssue {
    /// e.g. `items[margherita].option_groups[toppings]`
    pub entry: String,
    pub field: String,
    pub problem: String,
}

impl fmt::Display for CatalogIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}: {}", self.entry, self.field, self.problem)
    }
}

struct Checker<'a> {
    languages: &'a [String],
    issues: Vec<CatalogIssue>,
}

impl Checker<'_> {
    fn fail(&mut self, entry: &str, field: &str, problem: impl Into<String>) {
        self.issues.push(CatalogIssue {
            entry: entry.to_string(),
            field: field.to_string(),
            problem: problem.into(),
        });
    }

    fn id(&mut self, entry: &str, id: &str) {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            self.fail(entry, "id", "must be 1-64 characters of a-z, 0-9 and '-'");
        }
    }

    fn text(&mut self, entry: &str, field: &str, text: &Localized) {
        for lang in self.languages {
            match text.get(lang) {
                Some(t) if !t.trim().is_empty() => {}
                _ => self.fail(entry, field, format!("missing text for language {lang:?}")),
            }
        }
        for lang in text.keys() {
            if !self.languages.contains(lang) {
                self.fail(
                    entry,
                    field,
                    format!("language {lang:?} is not in restaurant.languages"),
                );
            }
        }
    }

    fn unique<'b>(&mut self, entry: &str, what: &str, ids: impl Iterator<Item = &'b str>) {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id) {
                self.fail(entry, what, format!("id {id:?} is used twice"));
            }
        }
    }
}

impl Catalog {
    /// Checks every rule of the menu format. `photo_exists` is asked about each
    /// photo path, so that this stays free of IO.
    pub fn validate(&self, photo_exists: &dyn Fn(&str) -> bool) -> Result<(), Vec<CatalogIssue>> {
        let r = &self.restaurant;
        let mut c = Checker {
            languages: &r.languages,
            issues: Vec::new(),
        };
        c.id("restaurant", &r.id);
        if r.languages.is_empty() {
            c.fail(
                "restaurant",
                "languages",
                "at least one language is required",
            );
        }
        c.text("restaurant", "name", &r.name);
        if r.delivery_fee.currency != r.currency {
            c.fail(
                "restaurant",
                "delivery_fee",
                "currency differs from restaurant.currency",
            );
        }
        if r.delivery_fee.amount < 0 {
            c.fail("restaurant", "delivery_fee", "must not be negative");
        }
        if let Some(hours) = &r.hours {
            if hours.never_opens() {
                c.fail(
                    "restaurant.hours",
                    "monday..sunday",
                    "no day has an opening span, so no order could ever be checked out",
                );
            }
            for (day, spans) in hours.week() {
                let mut starts: Vec<_> = spans.iter().map(|s| s.opens).collect();
                starts.sort();
                if starts.windows(2).any(|w| w[0] == w[1]) {
                    c.fail("restaurant.hours", day, "two spans open at the same time");
                }
            }
        }
        if self.categories.is_empty() {
            c.fail("menu", "categories", "at least one category is required");
        }
        c.unique(
            "menu",
            "categories",
            self.categories.iter().map(|x| x.id.as_str()),
        );
        for cat in &self.categories {
            let entry = format!("categories[{}]", cat.id);
            c.id(&entry, &cat.id);
            c.text(&entry, "name", &cat.name);
        }
        c.unique("menu", "items", self.items.iter().map(|x| x.id.as_str()));
        for item in &self.items {
            let entry = format!("items[{}]", item.id);
            c.id(&entry, &item.id);
            if !self.categories.iter().any(|x| x.id == item.category) {
                c.fail(
                    &entry,
                    "category",
                    format!("unknown category {:?}", item.category),
                );
            }
            c.text(&entry, "name", &item.name);
            c.text(&entry, "description", &item.description);
            if item.price.currency != r.currency {
                c.fail(&entry, "price", "currency differs from restaurant.currency");
            }
            if item.price.amount <= 0 {
                c.fail(&entry, "price", "must be greater than zero");
            }
            if item.photo.contains("..") || item.photo.starts_with('/') {
                c.fail(&entry, "photo", "must be a path inside the menu folder");
            } else if !photo_exists(&item.photo) {
                c.fail(
                    &entry,
                    "photo",
                    format!("file {:?} does not exist", item.photo),
                );
            }
            match (item.digital, item.stars) {
                (true, None | Some(0)) => c.fail(
                    &entry,
                    "stars",
                    "a digital item needs its price in Telegram Stars (at least 1)",
                ),
                (false, Some(_)) => {
                    c.fail(&entry, "stars", "only digital items are priced in Stars")
                }
                _ => {}
            }
            if item.digital && (!item.sizes.is_empty() || !item.option_groups.is_empty()) {
                c.fail(
                    &entry,
                    "digital",
                    "a digital item has one Stars price: no sizes or option groups",
                );
            }
            c.unique(&entry, "sizes", item.sizes.iter().map(|x| x.id.as_str()));
            for size in &item.sizes {
                let e = format!("{entry}.sizes[{}]", size.id);
                c.id(&e, &size.id);
                c.text(&e, "name", &size.name);
                if size.price_delta < 0 {
                    c.fail(&e, "price_delta", "must not be negative");
                }
            }
            c.unique(
                &entry,
                "option_groups",
                item.option_groups.iter().map(|x| x.id.as_str()),
            );
            for group in &item.option_groups {
                let e = format!("{entry}.option_groups[{}]", group.id);
                c.id(&e, &group.id);
                c.text(&e, "name", &group.name);
                if group.options.is_empty() {
                    c.fail(&e, "options", "at least one option is required");
                }
                if group.max == 0 || group.max < group.min {
                    c.fail(&e, "max", "must be at least 1 and at least min");
                }
                if group.max as usize > group.options.len() {
                    c.fail(&e, "max", "is more than the number of options");
                }
                c.unique(&e, "options", group.options.iter().map(|x| x.id.as_str()));
                for option in &group.options {
                    let oe = format!("{e}.options[{}]", option.id);
                    c.id(&oe, &option.id);
                    c.text(&oe, "name", &option.name);
                    if option.price_delta < 0 {
                        c.fail(&oe, "price_delta", "must not be negative");
                    }
                }
            }
        }
        if c.issues.is_empty() {
            Ok(())
        } else {
            Err(c.issues)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::catalog;

    #[test]
    fn the_test_catalog_is_valid() {
        assert_eq!(catalog().validate(&|_| true), Ok(()));
    }

    #[test]
    fn issues_name_the_entry_and_field() {
        let mut c = catalog();
        c.items[0].name.remove("de");
        c.items[1].category = "sushi".into();
        c.items[0].option_groups[0].max = 9;
        let issues = c.validate(&|p| p != "photos/cola.svg").unwrap_err();
        let shown: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert!(
            shown.contains(&"items[margherita].name: missing text for language \"de\"".to_string()),
            "{shown:?}"
        );
        assert!(shown
            .iter()
            .any(|s| s.starts_with("items[cola].category: unknown category")));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("items[cola].photo: file")));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("items[margherita].option_groups[toppings].max")));
    }

    #[test]
    fn digital_items_need_a_stars_price_and_only_they_have_one() {
        let mut c = catalog();
        c.items[1].digital = true;
        c.items[2].stars = Some(10);
        let issues = c.validate(&|_| true).unwrap_err();
        let shown: Vec<String> = issues.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|s| s.starts_with("items[cola].stars:")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|s| s.starts_with("items[cola].digital:")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("items[pumpkin-pie].stars:")),
            "{shown:?}"
        );
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let mut c = catalog();
        let dup = c.items[0].clone();
        c.items.push(dup);
        let issues = c.validate(&|_| true).unwrap_err();
        assert!(issues
            .iter()
            .any(|i| i.field == "items" && i.problem.contains("margherita")));
    }
}
