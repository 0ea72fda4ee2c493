-- Read models: tables the catch-up projector owns. Each is rebuilt from the
-- event log on demand; none is ever written by anything else.

-- Wake the projector when events commit (it polls as well).
CREATE FUNCTION foodbot_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('foodbot_events', '');
    RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION foodbot_notify_events();

CREATE TABLE projection_checkpoints
(
    projection          text PRIMARY KEY,
    last_transaction_id bigint      NOT NULL DEFAULT 0,
    last_position       bigint      NOT NULL DEFAULT 0,
    applied_above       text        NOT NULL DEFAULT '[]',
    updated_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON COLUMN projection_checkpoints.applied_above IS 'Events already applied beyond the checkpoint because they committed while an older transaction was still open: [[transaction id, position], …].';
COMMENT ON TABLE projection_checkpoints IS 'How far each read model has projected the event log: (transaction id, position) of the last event applied. Written in the same transaction as the read model rows.';

CREATE TABLE order_status
(
    order_id            text PRIMARY KEY,
    short_id            text        NOT NULL,
    customer_id         bigint      NOT NULL,
    status              text        NOT NULL,
    fulfilment          text,
    currency            text        NOT NULL,
    subtotal            bigint      NOT NULL DEFAULT 0,
    delivery_fee        bigint,
    total               bigint,
    paid_amount         bigint,
    refund              text,
    eta_minutes         integer,
    reordered_from      text,
    created_at          timestamptz NOT NULL,
    checked_out_at      timestamptz,
    paid_at             timestamptz,
    accepted_at         timestamptz,
    ready_at            timestamptz,
    completed_at        timestamptz,
    cancelled_at        timestamptz,
    updated_at          timestamptz NOT NULL,
    version             bigint      NOT NULL
);
CREATE INDEX order_status_customer ON order_status (customer_id, created_at DESC);
CREATE INDEX order_status_active ON order_status (status, paid_at)
    WHERE status IN ('paid', 'accepted', 'preparing', 'ready', 'out_for_delivery');
COMMENT ON TABLE order_status IS 'One row per order: what /status and the Mini App show now. Money in minor units of currency.';
COMMENT ON COLUMN order_status.order_id IS 'Order id (UUID).';
COMMENT ON COLUMN order_status.short_id IS 'Six-character reference shown to customers and staff.';
COMMENT ON COLUMN order_status.customer_id IS 'Telegram user id of the customer.';
COMMENT ON COLUMN order_status.status IS 'cart, checked_out, awaiting_payment, paid, accepted, preparing, ready, out_for_delivery, delivered, picked_up, rejected or cancelled.';
COMMENT ON COLUMN order_status.fulfilment IS 'delivery or pickup; null until chosen.';
COMMENT ON COLUMN order_status.currency IS 'ISO 4217 code of every amount in the row.';
COMMENT ON COLUMN order_status.subtotal IS 'Sum of line totals (minor units).';
COMMENT ON COLUMN order_status.delivery_fee IS 'Frozen at checkout (minor units); null before.';
COMMENT ON COLUMN order_status.total IS 'Frozen at checkout: subtotal + delivery fee (minor units); null before.';
COMMENT ON COLUMN order_status.paid_amount IS 'Amount received (minor units); null while unpaid.';
COMMENT ON COLUMN order_status.refund IS 'requested or refunded; null if no refund.';
COMMENT ON COLUMN order_status.eta_minutes IS 'Preparation estimate given by staff on acceptance.';
COMMENT ON COLUMN order_status.reordered_from IS 'The past order this cart was copied from.';
COMMENT ON COLUMN order_status.created_at IS 'When the cart was opened.';
COMMENT ON COLUMN order_status.checked_out_at IS 'Last checkout (prices frozen).';
COMMENT ON COLUMN order_status.paid_at IS 'When the payment arrived.';
COMMENT ON COLUMN order_status.accepted_at IS 'When staff accepted.';
COMMENT ON COLUMN order_status.ready_at IS 'When the food was ready.';
COMMENT ON COLUMN order_status.completed_at IS 'When it was delivered or picked up.';
COMMENT ON COLUMN order_status.cancelled_at IS 'When it was cancelled or rejected.';
COMMENT ON COLUMN order_status.updated_at IS 'Time of the last event.';
COMMENT ON COLUMN order_status.version IS 'Sequence number of the last event applied.';

CREATE VIEW staff_queue AS
    SELECT order_id, short_id, customer_id, status, fulfilment, total, currency, eta_minutes, paid_at, accepted_at, ready_at
      FROM order_status
     WHERE status IN ('paid', 'accepted', 'preparing', 'ready', 'out_for_delivery')
     ORDER BY paid_at;
COMMENT ON VIEW staff_queue IS 'Active orders for the kitchen, oldest payment first.';

CREATE TABLE order_lines
(
    order_id     text    NOT NULL,
    line_id      integer NOT NULL,
    item_id      text    NOT NULL,
    category     text    NOT NULL,
    name         jsonb   NOT NULL,
    size_id      text,
    options      jsonb   NOT NULL,
    quantity     integer NOT NULL,
    unit_price   bigint  NOT NULL,
    line_total   bigint  NOT NULL,
    currency     text    NOT NULL,
    note         text,
    PRIMARY KEY (order_id, line_id)
);
COMMENT ON TABLE order_lines IS 'The lines of every order with items and options, for order history and reorder. Prices as frozen at checkout (or current in an open cart).';
COMMENT ON COLUMN order_lines.name IS 'Item name per language, e.g. {"en": "Margherita", "de": "Margherita"}.';
COMMENT ON COLUMN order_lines.size_id IS 'Chosen size id from the menu, if the item has sizes.';
COMMENT ON COLUMN order_lines.options IS 'Chosen options: [{"group", "option", "name", "price_delta"}].';
COMMENT ON COLUMN order_lines.unit_price IS 'Price of one, with size and options (minor units).';
COMMENT ON COLUMN order_lines.line_total IS 'unit_price × quantity (minor units).';

CREATE TABLE order_timeline
(
    order_id    text        NOT NULL,
    sequence    bigint      NOT NULL,
    event_type  text        NOT NULL,
    status      text        NOT NULL,
    actor       text        NOT NULL,
    actor_id    bigint,
    detail      text,
    at          timestamptz NOT NULL,
    PRIMARY KEY (order_id, sequence)
);
COMMENT ON TABLE order_timeline IS 'Every step of every order with its time: the live timeline in the Mini App.';
COMMENT ON COLUMN order_timeline.sequence IS 'The event''s number within the order.';
COMMENT ON COLUMN order_timeline.event_type IS 'See docs/events.md.';
COMMENT ON COLUMN order_timeline.status IS 'Order status after this step.';
COMMENT ON COLUMN order_timeline.actor IS 'customer, staff or system.';
COMMENT ON COLUMN order_timeline.detail IS 'A reason, an ETA or an item name, where the step has one.';

CREATE TABLE user_directory
(
    user_id        bigint PRIMARY KEY,
    first_name     text        NOT NULL,
    last_name      text,
    username       text,
    language       text        NOT NULL,
    notifications  text        NOT NULL,
    bot_blocked    boolean     NOT NULL,
    registered_via text        NOT NULL,
    saved_addresses integer    NOT NULL,
    registered_at  timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
COMMENT ON TABLE user_directory IS 'Every customer: profile, language, notification preference, bot-blocked state.';
COMMENT ON COLUMN user_directory.user_id IS 'Telegram user id.';
COMMENT ON COLUMN user_directory.language IS 'Language the bot and notifications use.';
COMMENT ON COLUMN user_directory.notifications IS 'all, essential or none.';
COMMENT ON COLUMN user_directory.bot_blocked IS 'True while the user has blocked the bot.';
COMMENT ON COLUMN user_directory.registered_via IS 'bot or mini_app: where the first contact came from.';
COMMENT ON COLUMN user_directory.saved_addresses IS 'Number of saved delivery addresses.';

CREATE TABLE payment_ledger
(
    position           bigint PRIMARY KEY,
    order_id           text        NOT NULL,
    customer_id        bigint      NOT NULL,
    kind               text        NOT NULL,
    amount             bigint      NOT NULL,
    currency           text        NOT NULL,
    method             text,
    telegram_charge_id text,
    provider_charge_id text,
    reason             text,
    at                 timestamptz NOT NULL
);
CREATE INDEX payment_ledger_order ON payment_ledger (order_id);
COMMENT ON TABLE payment_ledger IS 'Every payment and refund, one row per money event, in event-log order.';
COMMENT ON COLUMN payment_ledger.position IS 'Global position of the event in the log.';
COMMENT ON COLUMN payment_ledger.kind IS 'payment (money in), refund_requested, or refund (money out).';
COMMENT ON COLUMN payment_ledger.amount IS 'Minor units, always positive; the kind says the direction.';
COMMENT ON COLUMN payment_ledger.method IS 'provider or stars (payments only).';
COMMENT ON COLUMN payment_ledger.telegram_charge_id IS 'Telegram''s charge id (payment and refund).';
COMMENT ON COLUMN payment_ledger.provider_charge_id IS 'The payment provider''s charge id (payments only).';
COMMENT ON COLUMN payment_ledger.reason IS 'Why a refund was requested.';
COMMENT ON COLUMN payment_ledger.at IS 'When it happened.';

CREATE TABLE sales_orders
(
    order_id          text PRIMARY KEY,
    customer_id       bigint      NOT NULL,
    created_at        timestamptz NOT NULL,
    checked_out_at    timestamptz,
    paid_at           timestamptz,
    ready_at          timestamptz,
    delivered_at      timestamptz,
    cancelled_at      timestamptz,
    total             bigint,
    currency          text        NOT NULL
);
COMMENT ON TABLE sales_orders IS 'One row per order with the time of each funnel step (cart → checkout → paid → delivered).';
COMMENT ON COLUMN sales_orders.created_at IS 'Cart opened (funnel step 1).';
COMMENT ON COLUMN sales_orders.checked_out_at IS 'First checkout (funnel step 2).';
COMMENT ON COLUMN sales_orders.paid_at IS 'Payment received (funnel step 3).';
COMMENT ON COLUMN sales_orders.ready_at IS 'Food ready (for preparation times).';
COMMENT ON COLUMN sales_orders.delivered_at IS 'Delivered or picked up (funnel step 4).';
COMMENT ON COLUMN sales_orders.cancelled_at IS 'Cancelled or rejected.';
COMMENT ON COLUMN sales_orders.total IS 'Amount paid (minor units); null while unpaid.';

CREATE TABLE sales_lines
(
    order_id    text    NOT NULL,
    line_id     integer NOT NULL,
    customer_id bigint  NOT NULL,
    item_id     text    NOT NULL,
    category    text    NOT NULL,
    quantity    integer NOT NULL,
    revenue     bigint  NOT NULL,
    currency    text    NOT NULL,
    paid_at     timestamptz NOT NULL,
    paid_day    date    NOT NULL,
    paid_hour   integer NOT NULL,
    refunded    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (order_id, line_id)
);
CREATE INDEX sales_lines_day ON sales_lines (paid_day);
COMMENT ON TABLE sales_lines IS 'Every paid order line: revenue by item, category, day and hour (UTC).';
COMMENT ON COLUMN sales_lines.category IS 'Menu category id at checkout.';
COMMENT ON COLUMN sales_lines.revenue IS 'Line total at the frozen price (minor units).';
COMMENT ON COLUMN sales_lines.paid_day IS 'UTC day of payment.';
COMMENT ON COLUMN sales_lines.paid_hour IS 'UTC hour of payment, 0-23.';
COMMENT ON COLUMN sales_lines.refunded IS 'True once the order was refunded; exclude for net revenue.';

CREATE TABLE sales_checkouts
(
    order_id text PRIMARY KEY,
    lines    jsonb NOT NULL
);
COMMENT ON TABLE sales_checkouts IS 'Working table of the sales model: the frozen lines of checked-out orders until they are paid.';

CREATE TABLE notification_outbox
(
    notification_id text PRIMARY KEY,
    user_id         bigint      NOT NULL,
    order_id        text        NOT NULL,
    kind            text        NOT NULL,
    language        text        NOT NULL,
    text            text        NOT NULL,
    position        bigint      NOT NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX notification_outbox_pending ON notification_outbox (position) WHERE sent_at IS NULL;
COMMENT ON TABLE notification_outbox IS 'What to push to whom and why, in the user''s language; the bot''s sender delivers pending rows and records the result.';
COMMENT ON COLUMN notification_outbox.notification_id IS '<order id>:<event sequence>: one notification per event, so none is made twice.';
COMMENT ON COLUMN notification_outbox.kind IS 'payment_received, order_accepted, order_ready, out_for_delivery, order_delivered, order_picked_up, order_rejected, order_cancelled, refund_completed.';
COMMENT ON COLUMN notification_outbox.language IS 'The user''s language when the event happened.';
COMMENT ON COLUMN notification_outbox.position IS 'Global position of the causing event.';
COMMENT ON COLUMN notification_outbox.sent_at IS 'When Telegram accepted the message; null while pending.';
COMMENT ON COLUMN notification_outbox.attempts IS 'Delivery attempts so far.';

CREATE TABLE outbox_recipients
(
    user_id       bigint PRIMARY KEY,
    language      text NOT NULL,
    notifications text NOT NULL
);
COMMENT ON TABLE outbox_recipients IS 'Working table of the outbox model: each user''s language and preference as of the projected events.';

CREATE TABLE ledger_customers
(
    order_id    text PRIMARY KEY,
    customer_id bigint NOT NULL
);

CREATE TABLE outbox_orders
(
    order_id    text PRIMARY KEY,
    customer_id bigint NOT NULL
);
COMMENT ON TABLE ledger_customers IS 'Working table of the payment ledger: the customer of each order.';
COMMENT ON TABLE outbox_orders IS 'Working table of the outbox: the customer of each order.';

-- Analysts read the read models and nothing else.
-- Roles belong to the whole server, and several databases may be migrated at
-- once: creating it must not fail because another migration just did.
DO $$
BEGIN
    CREATE ROLE foodbot_analyst NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END $$;
GRANT USAGE ON SCHEMA public TO foodbot_analyst;
GRANT SELECT ON order_status, staff_queue, order_lines, order_timeline, user_directory,
    payment_ledger, sales_orders, sales_lines, notification_outbox, projection_checkpoints
    TO foodbot_analyst;
