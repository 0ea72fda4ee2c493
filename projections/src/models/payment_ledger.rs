//! `payment_ledger`: every payment and refund, in event-log order.

use super::ts;
use crate::db::{Tx, Val};
use crate::event::{Decoded, Envelope};
use foodbot_domain::order::{OrderEvent, PaymentMethod};

const INSERT: &str = "
INSERT INTO payment_ledger (position, order_id, customer_id, kind, amount, currency, method,
                            telegram_charge_id, provider_charge_id, reason, at)
SELECT $1, $2, c.customer_id, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz
  FROM ledger_customers c WHERE c.order_id = $2
ON CONFLICT (position) DO NOTHING";

pub(super) async fn apply(tx: &mut Tx<'_>, e: &Envelope) -> sqlx::Result<()> {
    let Decoded::Order(ev) = &e.event else {
        return Ok(());
    };
    let id = e.aggregate_id.as_str();
    let none = || Val::OptText(None);
    let row: [Val; 10] = match ev {
        OrderEvent::OrderCreated { customer, .. } => {
            let sql = "INSERT INTO ledger_customers (order_id, customer_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING";
            return tx
                .exec(sql, &[id.into(), customer.0.into()])
                .await
                .map(|_| ());
        }
        OrderEvent::PaymentReceived {
            method,
            amount,
            telegram_charge_id,
            provider_charge_id,
            at,
        } => [
            e.position().into(),
            id.into(),
            "payment".into(),
            amount.amount.into(),
            amount.currency.to_string().into(),
            match method {
                PaymentMethod::Provider => "provider".into(),
                PaymentMethod::Stars => "stars".into(),
            },
            telegram_charge_id.as_str().into(),
            provider_charge_id.as_str().into(),
            none(),
            ts(*at),
        ],
        OrderEvent::RefundRequested { amount, reason, at } => [
            e.position().into(),
            id.into(),
            "refund_requested".into(),
            amount.amount.into(),
            amount.currency.to_string().into(),
            none(),
            none(),
            none(),
            reason.as_str().into(),
            ts(*at),
        ],
        OrderEvent::RefundCompleted {
            amount,
            telegram_charge_id,
            at,
        } => [
            e.position().into(),
            id.into(),
            "refund".into(),
            amount.amount.into(),
            amount.currency.to_string().into(),
            none(),
            telegram_charge_id.as_str().into(),
            none(),
            none(),
            ts(*at),
        ],
        _ => return Ok(()),
    };
    tx.exec(INSERT, &row).await.map(|_| ())
}
