//! Refunds: the ones Telegram reports (`refunded_payment`), the Stars the
//! server gives back itself (`crate::telegram::refunds` finds them here and
//! records them), and provider refunds, which staff make at the provider and
//! then record ([`App::record_provider_refund`], for the staff chat's
//! "refunded at the provider" button). Each is recorded once, by its key.

use super::execute::{storage, CommandMeta, Outcome};
use super::payments::{money, system_meta, InvoicePayload};
use super::{App, AppError};
use chrono::Utc;
use cqrs_es::EventStore;
use foodbot_domain::order::{Order, OrderAction, OrderError, PaymentMethod, RefundState};
use foodbot_domain::{Actor, Channel, Money, OrderId, UserId};

/// A refund Telegram reports in `refunded_payment`.
#[derive(Debug, Clone)]
pub struct TelegramRefund {
    pub currency: String,
    pub total_amount: i64,
    pub invoice_payload: String,
    pub telegram_charge_id: String,
}

/// A Stars payment waiting to be given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingStarRefund {
    pub order_id: OrderId,
    pub customer: UserId,
    pub telegram_charge_id: String,
    pub amount: Money,
}

impl App {
    /// Records a refund Telegram reported in `refunded_payment` (Stars): also
    /// one made outside the server, for which a refund is first requested.
    pub async fn record_telegram_refund(
        &self,
        correlation_id: &str,
        refund: TelegramRefund,
    ) -> Result<Option<Outcome<Order>>, AppError> {
        let Some(invoice) = InvoicePayload::parse(&refund.invoice_payload) else {
            return Ok(None);
        };
        let Some(amount) = money(&refund.currency, refund.total_amount) else {
            return Ok(None);
        };
        let (order, _) = self.order_for(Actor::System, invoice.order_id).await?;
        if order.refund.is_none() {
            let meta = system_meta(
                correlation_id,
                format!("tg-refund:{}:request", refund.telegram_charge_id),
            );
            self.order_command(
                &meta,
                invoice.order_id,
                OrderAction::RequestRefund {
                    reason: "refunded through Telegram".into(),
                },
            )
            .await?;
        }
        let meta = system_meta(
            correlation_id,
            format!("tg-refund:{}", refund.telegram_charge_id),
        );
        let out = self
            .order_command(
                &meta,
                invoice.order_id,
                OrderAction::RecordRefund {
                    amount,
                    telegram_charge_id: refund.telegram_charge_id,
                },
            )
            .await?;
        Ok(Some(out))
    }

    /// Records that the Stars of `refund` went back (`refundStarPayment`
    /// succeeded, or Telegram said it was already refunded).
    pub async fn record_star_refund(
        &self,
        refund: &PendingStarRefund,
    ) -> Result<Outcome<Order>, AppError> {
        let meta = system_meta(
            &format!("star-refund:{}", refund.order_id),
            format!("star-refund:{}", refund.telegram_charge_id),
        );
        self.order_command(
            &meta,
            refund.order_id,
            OrderAction::RecordRefund {
                amount: refund.amount,
                telegram_charge_id: refund.telegram_charge_id.clone(),
            },
        )
        .await
    }

    /// Staff say a provider payment was refunded at the provider (Telegram
    /// cannot do it): records `RefundCompleted` for the refund requested.
    /// Refused for a Stars payment (the server refunds those itself), for an
    /// order without a requested refund, and for anyone not on the staff.
    pub async fn record_provider_refund(
        &self,
        order_id: OrderId,
        staff: UserId,
        correlation_id: &str,
    ) -> Result<Outcome<Order>, AppError> {
        let viewer = Actor::Staff(staff);
        let (order, _) = self.order_for(viewer, order_id).await?;
        let payment = order.payment.as_ref().ok_or(OrderError::NotPaid)?;
        if payment.method != PaymentMethod::Provider {
            return Err(OrderError::WrongPaymentMethod.into());
        }
        let amount = match order.refund {
            Some(RefundState::Requested { amount } | RefundState::Refunded { amount }) => amount,
            None => return Err(OrderError::NoRefundRequested.into()),
        };
        let meta = CommandMeta {
            actor: viewer,
            channel: Channel::Staff,
            correlation_id: correlation_id.to_string(),
            idempotency_key: Some(format!("provider-refund:{order_id}")),
            fingerprint: None,
            at: Utc::now(),
        };
        self.order_command(
            &meta,
            order_id,
            OrderAction::RecordRefund {
                amount,
                telegram_charge_id: payment.telegram_charge_id.clone(),
            },
        )
        .await
    }

    /// Stars payments whose refund was requested and not yet made, oldest
    /// first, as the payment ledger shows them; each is checked against the
    /// order itself before anything is done.
    pub async fn pending_star_refunds(
        &self,
        limit: i64,
    ) -> Result<Vec<PendingStarRefund>, AppError> {
        const SQL: &str = "SELECT r.order_id FROM payment_ledger r
             WHERE r.kind = 'refund_requested'
               AND NOT EXISTS (SELECT 1 FROM payment_ledger d
                                WHERE d.order_id = r.order_id AND d.kind = 'refund')
               AND EXISTS (SELECT 1 FROM payment_ledger p
                            WHERE p.order_id = r.order_id AND p.kind = 'payment'
                              AND p.method = 'stars')
             ORDER BY r.position LIMIT $1";
        let ids: Vec<String> = match &self.db {
            crate::store::Database::Postgres(p) => sqlx::query_scalar(SQL)
                .bind(limit)
                .fetch_all(p)
                .await
                .map_err(AppError::storage)?,
            crate::store::Database::Sqlite(p) => sqlx::query_scalar(SQL)
                .bind(limit)
                .fetch_all(p)
                .await
                .map_err(AppError::storage)?,
        };
        let mut pending = Vec::new();
        for id in ids {
            let order_id: OrderId = id
                .parse()
                .map_err(|_| AppError::storage(format!("payment_ledger names order {id:?}")))?;
            let loaded = self
                .orders
                .load_aggregate(&order_id.to_string())
                .await
                .map_err(storage)?;
            let order = loaded.aggregate;
            let (Some(payment), Some(RefundState::Requested { amount }), Some(customer)) =
                (&order.payment, order.refund, order.customer)
            else {
                continue;
            };
            if payment.method == PaymentMethod::Stars {
                pending.push(PendingStarRefund {
                    order_id,
                    customer,
                    telegram_charge_id: payment.telegram_charge_id.clone(),
                    amount,
                });
            }
        }
        Ok(pending)
    }
}

/// The right to make Stars refunds now, held by one server process at a
/// time: on PostgreSQL a session advisory lock on a connection of its own
/// (released with [`RefundTurn::release`], or when the process dies with its
/// connection); SQLite has one server process, which holds it always.
pub struct RefundTurn {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
}

/// The advisory lock key of Stars refunds (`'refunds'` as a number).
const REFUND_LOCK: i64 = 0x0072_6566_756e_6473;

impl RefundTurn {
    pub async fn release(self) {
        if let Some(mut conn) = self.conn {
            if let Err(e) = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(REFUND_LOCK)
                .execute(&mut *conn)
                .await
            {
                // The lock is released when the connection closes: close it.
                tracing::warn!(error = %e, "Could not release the refund lock; closing its connection.");
                conn.close_on_drop();
            }
        }
    }
}

impl App {
    /// The refund turn if no other process holds it.
    pub async fn refund_turn(&self) -> Result<Option<RefundTurn>, AppError> {
        let turn = self
            .db
            .try_turn(REFUND_LOCK)
            .await
            .map_err(AppError::storage)?;
        Ok(turn.map(|conn| RefundTurn { conn }))
    }
}
