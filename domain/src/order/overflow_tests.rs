//! Money in an order never wraps: quantities × prices and the sums of lines
//! past what an `i64` of minor units holds are refused with a typed error.

use super::*;
use crate::actor::Actor;
use crate::catalog::fixtures::{catalog, eur};
use crate::catalog::{Catalog, LineRequest, PricingError};
use crate::ids::{LineId, OrderId, UserId};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use std::sync::Arc;

/// The test menu with the margherita (one size at no extra cost) at `price`.
fn menu_with_pizza_at(price: i64) -> Arc<Catalog> {
    let mut menu = catalog();
    for item in menu.items.iter_mut().filter(|i| i.id == "margherita") {
        item.price = eur(price);
    }
    Arc::new(menu)
}

fn pizzas(quantity: u32) -> LineRequest {
    LineRequest {
        item_id: "margherita".into(),
        size: None,
        options: Default::default(),
        quantity,
        note: None,
    }
}

fn by_alice(action: OrderAction) -> OrderCommand {
    OrderCommand {
        actor: Actor::Customer(UserId(1)),
        at: Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap(),
        action,
    }
}

/// A cart created with `items` from `menu`.
fn cart(menu: &Arc<Catalog>, items: Vec<LineRequest>) -> Order {
    let mut order = Order::default();
    let create = OrderAction::Create {
        order_id: OrderId(uuid::Uuid::from_u128(9)),
        menu: menu.clone(),
        items,
    };
    for e in order.decide(by_alice(create)).expect("cart created") {
        order.apply(e);
    }
    order
}

#[test]
fn a_line_whose_total_overflows_is_refused() {
    let menu = menu_with_pizza_at(i64::MAX / 2 + 1);
    let order = cart(&menu, vec![]);
    let add = OrderAction::AddItem {
        menu,
        item: pizzas(2),
    };
    assert_eq!(
        order.decide(by_alice(add)),
        Err(OrderError::Pricing(PricingError::PriceOutOfRange))
    );
}

#[test]
fn a_cart_whose_subtotal_overflows_is_refused() {
    let menu = menu_with_pizza_at(i64::MAX / 2 + 1);
    let order = cart(&menu, vec![pizzas(1)]);
    let add = OrderAction::AddItem {
        menu: menu.clone(),
        item: pizzas(1),
    };
    assert_eq!(
        order.decide(by_alice(add)),
        Err(OrderError::AmountOutOfRange)
    );
    // Raising the quantity of the one line overflows its total first.
    let more = OrderAction::ChangeQuantity {
        line: LineId(1),
        quantity: 2,
    };
    assert_eq!(
        order.decide(by_alice(more)),
        Err(OrderError::Pricing(PricingError::PriceOutOfRange))
    );
}

#[test]
fn a_quantity_change_whose_subtotal_overflows_is_refused() {
    let third = i64::MAX / 3;
    let menu = menu_with_pizza_at(third);
    // Two lines: 2 × a third, then 1 × a third; the subtotal is just under the limit.
    let order = cart(&menu, vec![pizzas(2), pizzas(1)]);
    assert_eq!(order.subtotal(), eur(3 * third));
    let more = OrderAction::ChangeQuantity {
        line: LineId(2),
        quantity: 2,
    };
    assert_eq!(
        order.decide(by_alice(more)),
        Err(OrderError::AmountOutOfRange)
    );
}

proptest! {
    /// Pricing a line either gives exactly unit price × quantity or, when that
    /// does not fit in an `i64`, refuses it; it never wraps or panics.
    #[test]
    fn quantity_times_price_is_exact_or_refused(price in 1i64..=i64::MAX, quantity in 1u32..=50) {
        let menu = menu_with_pizza_at(price);
        let exact = i128::from(price) * i128::from(quantity);
        match menu.price(&pizzas(quantity)) {
            Ok(line) => prop_assert_eq!(i128::from(line.line_total.amount), exact),
            Err(e) => {
                prop_assert_eq!(e, PricingError::PriceOutOfRange);
                prop_assert!(exact > i128::from(i64::MAX));
            }
        }
    }
}
