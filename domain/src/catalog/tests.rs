//! Menu texts in a language the menu is not written in, and the choice of a
//! customer's interface language.

use super::fixtures::catalog;
use super::*;

fn interface() -> Vec<String> {
    [
        "en", "de", "es", "fr", "it", "pt", "ru", "uk", "pl", "tr", "uz", "ar",
    ]
    .map(String::from)
    .to_vec()
}

fn text(pairs: &[(&str, &str)]) -> Localized {
    pairs
        .iter()
        .map(|(l, t)| (l.to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_text_in_the_asked_language_is_used() {
    let name = text(&[("en", "Drinks"), ("de", "Getränke")]);
    assert_eq!(localize(&name, "de", "en"), "Getränke");
}

#[test]
fn a_missing_language_falls_back_to_the_default_not_the_alphabetically_first() {
    let name = text(&[("en", "Drinks"), ("de", "Getränke")]);
    assert_eq!(localize(&name, "ru", "en"), "Drinks");
    assert_eq!(localize(&name, "ru", "de"), "Getränke");
}

#[test]
fn a_text_without_the_default_language_still_shows_something() {
    let name = text(&[("de", "Getränke")]);
    assert_eq!(localize(&name, "ru", "en"), "Getränke");
    assert_eq!(localize(&Localized::new(), "ru", "en"), "");
}

#[test]
fn the_catalog_falls_back_to_its_first_language() {
    let menu = catalog();
    assert_eq!(menu.default_language(), "en");
    let drinks = &menu.categories[1].name;
    assert_eq!(menu.text(drinks, "uk"), "Drinks");
    assert_eq!(menu.text(drinks, "de"), "Drinks (de)");
}

#[test]
fn any_interface_language_can_be_picked_even_if_the_menu_lacks_it() {
    let menu = catalog();
    let supported = interface();
    assert_eq!(menu.pick_language(Some("ru"), &supported), "ru");
    assert_eq!(menu.pick_language(Some("de-AT"), &supported), "de");
    assert_eq!(menu.pick_language(Some("pt-br"), &supported), "pt");
    assert_eq!(menu.pick_language(Some("AR"), &supported), "ar");
}

#[test]
fn an_unknown_language_gets_the_menu_default_when_the_interface_speaks_it() {
    let mut menu = catalog();
    let supported = interface();
    assert_eq!(menu.pick_language(Some("ja"), &supported), "en");
    assert_eq!(menu.pick_language(None, &supported), "en");
    menu.restaurant.languages = vec!["de".into(), "en".into()];
    assert_eq!(menu.pick_language(Some("ja"), &supported), "de");
    menu.restaurant.languages = vec!["nl".into()];
    assert_eq!(menu.pick_language(Some("ja"), &supported), "en");
}
