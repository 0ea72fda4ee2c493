use super::*;
use crate::catalog::fixtures::catalog;
use crate::catalog::{LineRequest, PricingError};
use chrono::TimeZone;
use cqrs_es::test::TestFramework;
use std::collections::BTreeMap;
use std::sync::Arc;

type Given = TestFramework<StopList>;

const CHEF: UserId = UserId(99);

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

fn by(actor: Actor, action: StopListAction) -> StopListCommand {
    StopListCommand {
        actor,
        at: at(),
        action,
    }
}

fn sold_out(dish: Dish) -> StopListCommand {
    by(
        Actor::Staff(CHEF),
        StopListAction::MarkSoldOut {
            dish,
            menu: Arc::new(catalog()),
        },
    )
}

fn back(dish: Dish) -> StopListCommand {
    by(
        Actor::Staff(CHEF),
        StopListAction::MarkBackOnSale {
            dish,
            menu: Arc::new(catalog()),
        },
    )
}

fn was_sold_out(dish: Dish) -> StopListEvent {
    StopListEvent::SoldOut {
        dish,
        by: CHEF,
        at: at(),
    }
}

#[test]
fn staff_mark_an_item_sold_out_and_back() {
    Given::with(())
        .given_no_previous_events()
        .when(sold_out(Dish::item("cola")))
        .then_expect_events(vec![was_sold_out(Dish::item("cola"))]);
    Given::with(())
        .given(vec![was_sold_out(Dish::item("cola"))])
        .when(back(Dish::item("cola")))
        .then_expect_events(vec![StopListEvent::BackOnSale {
            dish: Dish::item("cola"),
            by: CHEF,
            at: at(),
        }]);
}

#[test]
fn marking_what_is_already_so_changes_nothing() {
    Given::with(())
        .given(vec![was_sold_out(Dish::item("cola"))])
        .when(sold_out(Dish::item("cola")))
        .then_expect_events(vec![]);
    Given::with(())
        .given_no_previous_events()
        .when(back(Dish::item("cola")))
        .then_expect_events(vec![]);
}

#[test]
fn only_staff_change_it_and_only_for_dishes_on_the_menu() {
    Given::with(())
        .given_no_previous_events()
        .when(by(
            Actor::Customer(UserId(1)),
            StopListAction::MarkSoldOut {
                dish: Dish::item("cola"),
                menu: Arc::new(catalog()),
            },
        ))
        .then_expect_error(StopListError::StaffOnly);
    Given::with(())
        .given_no_previous_events()
        .when(sold_out(Dish::item("caviar")))
        .then_expect_error(StopListError::UnknownItem("caviar".into()));
    Given::with(())
        .given_no_previous_events()
        .when(sold_out(Dish::option("cola", "ice", "crushed")))
        .then_expect_error(StopListError::UnknownOption {
            item_id: "cola".into(),
            group: "ice".into(),
            option: "crushed".into(),
        });
}

#[test]
fn the_menu_with_the_stop_list_laid_over_it_refuses_sold_out_dishes() {
    let mut list = StopList::default();
    list.apply(was_sold_out(Dish::item("cola")));
    list.apply(was_sold_out(Dish::option(
        "margherita",
        "toppings",
        "olives",
    )));
    let menu = list.apply_to(&catalog());
    let line = |item: &str, options: BTreeMap<String, Vec<String>>| LineRequest {
        item_id: item.into(),
        size: None,
        options,
        quantity: 1,
        note: None,
    };
    assert!(matches!(
        menu.price(&line("cola", BTreeMap::new())),
        Err(PricingError::ItemUnavailable { .. })
    ));
    let olives = BTreeMap::from([("toppings".to_string(), vec!["olives".to_string()])]);
    assert!(matches!(
        menu.price(&line("margherita", olives)),
        Err(PricingError::OptionUnavailable { .. })
    ));
    assert!(menu.price(&line("margherita", BTreeMap::new())).is_ok());
    let basil = BTreeMap::from([("toppings".to_string(), vec!["basil".to_string()])]);
    assert!(menu.price(&line("margherita", basil)).is_ok());
    // The menu as the file states it is left as it was.
    assert!(catalog().item("cola").unwrap().available);
}
