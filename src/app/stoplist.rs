//! The stop-list: staff mark dishes sold out and back, and every cart line and
//! checkout is priced against the menu with the stop-list laid over it.
//!
//! The stop-list is one small aggregate per restaurant. [`App::menu_now`]
//! reads it from the event store on each call (only the events after the
//! cached ones: one indexed query that usually returns nothing), so a dish
//! marked sold out by any server process is refused by every process from the
//! next command on. The menu with the stop-list applied is kept until the
//! stop-list changes.

use super::execute::{storage, CommandMeta, Outcome};
use super::{App, AppError};
use cqrs_es::EventStore;
use foodbot_domain::catalog::Catalog;
use foodbot_domain::stoplist::{Dish, StopList, StopListAction, StopListCommand, StopListError};
use foodbot_domain::Actor;
use std::sync::Arc;

/// The menu as served now: the stop-list's version it was made from, and the
/// menu with that stop-list applied.
#[derive(Clone)]
pub struct MenuNow {
    pub version: usize,
    pub menu: Arc<Catalog>,
}

impl App {
    /// The stop-list as it is now, and its version (the number of its events).
    pub async fn stop_list(&self) -> Result<(StopList, usize), AppError> {
        let loaded = self
            .stop_lists
            .load_aggregate(&self.menu.restaurant.id)
            .await
            .map_err(storage)?;
        Ok((loaded.aggregate, loaded.sequence))
    }

    /// The menu with every sold-out dish marked unavailable, as of now.
    pub async fn menu_now(&self) -> Result<MenuNow, AppError> {
        let (list, version) = self.stop_list().await?;
        let mut current = self.menu_now.lock();
        if let Some(made) = current.as_ref().filter(|m| m.version == version) {
            return Ok(made.clone());
        }
        let made = MenuNow {
            version,
            menu: Arc::new(list.apply_to(&self.menu)),
        };
        *current = Some(made.clone());
        Ok(made)
    }

    async fn stop_list_command(
        &self,
        meta: &CommandMeta,
        action: StopListAction,
    ) -> Result<Outcome<StopList>, AppError> {
        match meta.actor {
            Actor::Staff(u) if self.is_staff(u) => {}
            _ => return Err(StopListError::StaffOnly.into()),
        }
        let name = action.name();
        let id = self.menu.restaurant.id.clone();
        self.execute(&self.stop_lists, &id, false, meta, name, || {
            StopListCommand {
                actor: meta.actor,
                at: meta.at,
                action: action.clone(),
            }
        })
        .await
    }

    /// Staff mark `dish` sold out; marking it again changes nothing.
    pub async fn mark_sold_out(
        &self,
        meta: &CommandMeta,
        dish: Dish,
    ) -> Result<Outcome<StopList>, AppError> {
        let menu = self.menu.clone();
        self.stop_list_command(meta, StopListAction::MarkSoldOut { dish, menu })
            .await
    }

    /// Staff put `dish` back on sale; for a dish on sale this changes nothing.
    pub async fn mark_back_on_sale(
        &self,
        meta: &CommandMeta,
        dish: Dish,
    ) -> Result<Outcome<StopList>, AppError> {
        let menu = self.menu.clone();
        self.stop_list_command(meta, StopListAction::MarkBackOnSale { dish, menu })
            .await
    }
}
