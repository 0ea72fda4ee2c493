//! Order use cases: cart, checkout, payment facts, staff steps, cancel, reorder.

use super::execute::{storage, CommandMeta, Outcome};
use super::{App, AppError};
use cqrs_es::EventStore;
use foodbot_domain::catalog::LineRequest;
use foodbot_domain::order::{Order, OrderAction, OrderCommand, OrderError, OrderStatus};
use foodbot_domain::{Actor, OrderId, UserId};

impl App {
    /// Runs an order command after checking that the actor may act at all.
    pub async fn order_command(
        &self,
        meta: &CommandMeta,
        order_id: OrderId,
        action: OrderAction,
    ) -> Result<Outcome<Order>, AppError> {
        self.run_order_command(meta, order_id, false, action).await
    }

    async fn run_order_command(
        &self,
        meta: &CommandMeta,
        order_id: OrderId,
        likely_new: bool,
        action: OrderAction,
    ) -> Result<Outcome<Order>, AppError> {
        if let Actor::Staff(u) = meta.actor {
            if !self.is_staff(u) {
                return Err(OrderError::StaffOnly.into());
            }
        }
        let name = action.name();
        let id = order_id.to_string();
        let outcome = self
            .execute(&self.orders, &id, likely_new, meta, name, || OrderCommand {
                actor: meta.actor,
                at: meta.at,
                action: action.clone(),
            })
            .await?;
        // A replayed key answers with the order as it is, without deciding
        // anything: a customer who sends someone else's key for someone
        // else's order learns nothing of it.
        if let (true, Actor::Customer(u)) = (outcome.replayed, meta.actor) {
            if outcome.state.customer != Some(u) {
                return Err(OrderError::NotYourOrder.into());
            }
        }
        Ok(outcome)
    }

    /// Opens a new cart. With an idempotency key the order id is derived from
    /// (customer, key), so a retried request finds the order it already made:
    /// the first attempt assumes a new order, and a retry's append is refused
    /// by the primary key of its events or of its key, then answered as such.
    pub async fn create_order(
        &self,
        meta: &CommandMeta,
        customer: UserId,
        items: Vec<LineRequest>,
    ) -> Result<(OrderId, Outcome<Order>), AppError> {
        let order_id = new_order_id(meta, customer);
        let action = OrderAction::Create {
            order_id,
            menu: self.menu_now().await?.menu,
            items,
        };
        let outcome = self.run_order_command(meta, order_id, true, action).await?;
        Ok((order_id, outcome))
    }

    /// Reads an order for `viewer`: customers see only their own orders (anything
    /// else is "not found"), staff see all.
    pub async fn order_for(
        &self,
        viewer: Actor,
        order_id: OrderId,
    ) -> Result<(Order, usize), AppError> {
        let loaded = self
            .orders
            .load_aggregate(&order_id.to_string())
            .await
            .map_err(storage)?;
        let order = loaded.aggregate;
        match viewer {
            _ if order.status == OrderStatus::New => Err(OrderError::NotFound.into()),
            Actor::Customer(u) if order.customer != Some(u) => Err(OrderError::NotFound.into()),
            Actor::Staff(u) if !self.is_staff(u) => Err(OrderError::NotFound.into()),
            _ => Ok((order, loaded.sequence)),
        }
    }

    /// A new cart with a past order's lines at today's prices.
    pub async fn reorder(
        &self,
        meta: &CommandMeta,
        customer: UserId,
        source: OrderId,
    ) -> Result<(OrderId, Outcome<Order>), AppError> {
        let (past, _) = self.order_for(Actor::Customer(customer), source).await?;
        let lines = past.lines.iter().map(|l| l.item.to_request()).collect();
        let order_id = new_order_id(meta, customer);
        let action = OrderAction::Reorder {
            order_id,
            source,
            lines,
            menu: self.menu_now().await?.menu,
        };
        let outcome = self.run_order_command(meta, order_id, true, action).await?;
        Ok((order_id, outcome))
    }
}

fn new_order_id(meta: &CommandMeta, customer: UserId) -> OrderId {
    match &meta.idempotency_key {
        Some(key) => OrderId::from_idempotency_key(customer, key),
        None => OrderId(uuid::Uuid::new_v4()),
    }
}
