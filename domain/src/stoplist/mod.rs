//! The stop-list: what the kitchen has run out of.
//!
//! One aggregate per restaurant (keyed by the restaurant id). Staff mark an
//! item, or one option of an item, sold out and later back on sale; each mark
//! is an event, so when and by whom is on record. The menu file says what the
//! restaurant offers; the stop-list says what it cannot serve right now. The
//! application layer lays the stop-list over the menu (see
//! [`StopList::apply_to`]) before pricing a cart line or a checkout, so a
//! sold-out item is refused at once, and shown as such by the menu API.

#[cfg(test)]
mod tests;

use crate::actor::Actor;
use crate::catalog::Catalog;
use crate::codec::{Upcaster, VersionedEvent};
use crate::ids::UserId;
use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a mark is about: an item, or one option of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dish {
    pub item_id: String,
    /// `None` for the whole item; otherwise the option (its group and id).
    #[serde(default)]
    pub option: Option<OptionRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OptionRef {
    pub group: String,
    pub option: String,
}

impl Dish {
    pub fn item(item_id: impl Into<String>) -> Dish {
        Dish {
            item_id: item_id.into(),
            option: None,
        }
    }

    pub fn option(
        item_id: impl Into<String>,
        group: impl Into<String>,
        option: impl Into<String>,
    ) -> Dish {
        Dish {
            item_id: item_id.into(),
            option: Some(OptionRef {
                group: group.into(),
                option: option.into(),
            }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StopListCommand {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub action: StopListAction,
}

#[derive(Debug, Clone)]
pub enum StopListAction {
    /// `menu` is the menu as the file states it, to check the dish exists.
    MarkSoldOut {
        dish: Dish,
        menu: std::sync::Arc<Catalog>,
    },
    MarkBackOnSale {
        dish: Dish,
        menu: std::sync::Arc<Catalog>,
    },
}

impl StopListAction {
    pub fn name(&self) -> &'static str {
        match self {
            StopListAction::MarkSoldOut { .. } => "mark_sold_out",
            StopListAction::MarkBackOnSale { .. } => "mark_back_on_sale",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopListEvent {
    SoldOut {
        dish: Dish,
        by: UserId,
        at: DateTime<Utc>,
    },
    BackOnSale {
        dish: Dish,
        by: UserId,
        at: DateTime<Utc>,
    },
}

impl StopListEvent {
    pub const TYPES: [&'static str; 2] = ["SoldOut", "BackOnSale"];

    pub fn name(&self) -> &'static str {
        match self {
            StopListEvent::SoldOut { .. } => "SoldOut",
            StopListEvent::BackOnSale { .. } => "BackOnSale",
        }
    }

    pub fn current_version(event_type: &str) -> Option<&'static str> {
        match event_type {
            "SoldOut" | "BackOnSale" => Some("1.0"),
            _ => None,
        }
    }
}

impl DomainEvent for StopListEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

impl VersionedEvent for StopListEvent {
    const AGGREGATE_TYPE: &'static str = "StopList";
    const UPCASTERS: &'static [Upcaster] = &[];

    fn current_version(event_type: &str) -> Option<&'static str> {
        StopListEvent::current_version(event_type)
    }

    fn name(&self) -> &'static str {
        StopListEvent::name(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StopListError {
    #[error("only staff may change the stop-list")]
    StaffOnly,
    #[error("there is no item {0:?} on the menu")]
    UnknownItem(String),
    #[error("item {item_id:?} has no option {option:?} in group {group:?}")]
    UnknownOption {
        item_id: String,
        group: String,
        option: String,
    },
}

/// The dishes sold out now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StopList {
    pub sold_out: BTreeSet<Dish>,
}

impl StopList {
    pub fn is_sold_out(&self, dish: &Dish) -> bool {
        self.sold_out.contains(dish)
    }

    /// `menu` with every sold-out dish marked unavailable. Dishes the menu no
    /// longer has are left out (a menu edit may have removed them).
    pub fn apply_to(&self, menu: &Catalog) -> Catalog {
        let mut menu = menu.clone();
        for dish in &self.sold_out {
            let Some(item) = menu.items.iter_mut().find(|i| i.id == dish.item_id) else {
                continue;
            };
            match &dish.option {
                None => item.available = false,
                Some(o) => {
                    let option = item
                        .option_groups
                        .iter_mut()
                        .filter(|g| g.id == o.group)
                        .flat_map(|g| g.options.iter_mut())
                        .find(|x| x.id == o.option);
                    if let Some(option) = option {
                        option.available = false;
                    }
                }
            }
        }
        menu
    }

    fn check(dish: &Dish, menu: &Catalog) -> Result<(), StopListError> {
        let item = menu
            .item(&dish.item_id)
            .ok_or_else(|| StopListError::UnknownItem(dish.item_id.clone()))?;
        if let Some(o) = &dish.option {
            let known = item
                .option_groups
                .iter()
                .filter(|g| g.id == o.group)
                .any(|g| g.options.iter().any(|x| x.id == o.option));
            if !known {
                return Err(StopListError::UnknownOption {
                    item_id: dish.item_id.clone(),
                    group: o.group.clone(),
                    option: o.option.clone(),
                });
            }
        }
        Ok(())
    }

    /// The events `command` causes. Marking what is already so changes
    /// nothing (a double tap is no second event).
    pub fn decide(&self, command: StopListCommand) -> Result<Vec<StopListEvent>, StopListError> {
        let Actor::Staff(by) = command.actor else {
            return Err(StopListError::StaffOnly);
        };
        let at = command.at;
        Ok(match command.action {
            StopListAction::MarkSoldOut { dish, menu } => {
                StopList::check(&dish, &menu)?;
                if self.is_sold_out(&dish) {
                    vec![]
                } else {
                    vec![StopListEvent::SoldOut { dish, by, at }]
                }
            }
            StopListAction::MarkBackOnSale { dish, menu } => {
                StopList::check(&dish, &menu)?;
                if self.is_sold_out(&dish) {
                    vec![StopListEvent::BackOnSale { dish, by, at }]
                } else {
                    vec![]
                }
            }
        })
    }
}

impl Aggregate for StopList {
    const TYPE: &'static str = "StopList";
    type Command = StopListCommand;
    type Event = StopListEvent;
    type Error = StopListError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            StopListEvent::SoldOut { dish, .. } => {
                self.sold_out.insert(dish);
            }
            StopListEvent::BackOnSale { dish, .. } => {
                self.sold_out.remove(&dish);
            }
        }
    }
}
