-- Read models (the same tables as on PostgreSQL; see its migration for the
-- documentation of every column). Tables the catch-up projector owns. Each is rebuilt from the
-- event log on demand; none is ever written by anything else.

CREATE TABLE projection_checkpoints
(
    projection          text PRIMARY KEY,
    last_transaction_id integer      NOT NULL DEFAULT 0,
    last_position       integer      NOT NULL DEFAULT 0,
    applied_above       text        NOT NULL DEFAULT '[]',
    updated_at          text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE order_status
(
    order_id            text PRIMARY KEY,
    short_id            text        NOT NULL,
    customer_id         integer      NOT NULL,
    status              text        NOT NULL,
    fulfilment          text,
    currency            text        NOT NULL,
    subtotal            integer      NOT NULL DEFAULT 0,
    delivery_fee        integer,
    total               integer,
    paid_amount         integer,
    refund              text,
    eta_minutes         integer,
    reordered_from      text,
    created_at          text NOT NULL,
    checked_out_at      text,
    paid_at             text,
    accepted_at         text,
    ready_at            text,
    completed_at        text,
    cancelled_at        text,
    updated_at          text NOT NULL,
    version             integer      NOT NULL
);
CREATE INDEX order_status_customer ON order_status (customer_id, created_at DESC);
CREATE INDEX order_status_active ON order_status (status, paid_at)
    WHERE status IN ('paid', 'accepted', 'preparing', 'ready', 'out_for_delivery');

CREATE VIEW staff_queue AS
    SELECT order_id, short_id, customer_id, status, fulfilment, total, currency, eta_minutes, paid_at, accepted_at, ready_at
      FROM order_status
     WHERE status IN ('paid', 'accepted', 'preparing', 'ready', 'out_for_delivery')
     ORDER BY paid_at;

CREATE TABLE order_lines
(
    order_id     text    NOT NULL,
    line_id      integer NOT NULL,
    item_id      text    NOT NULL,
    category     text    NOT NULL,
    name         text   NOT NULL,
    size_id      text,
    options      text   NOT NULL,
    quantity     integer NOT NULL,
    unit_price   integer  NOT NULL,
    line_total   integer  NOT NULL,
    currency     text    NOT NULL,
    note         text,
    PRIMARY KEY (order_id, line_id)
);

CREATE TABLE order_timeline
(
    order_id    text        NOT NULL,
    sequence    integer      NOT NULL,
    event_type  text        NOT NULL,
    status      text        NOT NULL,
    actor       text        NOT NULL,
    actor_id    integer,
    detail      text,
    at          text NOT NULL,
    PRIMARY KEY (order_id, sequence)
);

CREATE TABLE user_directory
(
    user_id        integer PRIMARY KEY,
    first_name     text        NOT NULL,
    last_name      text,
    username       text,
    language       text        NOT NULL,
    notifications  text        NOT NULL,
    bot_blocked    integer     NOT NULL,
    registered_via text        NOT NULL,
    saved_addresses integer    NOT NULL,
    registered_at  text NOT NULL,
    updated_at     text NOT NULL
);

CREATE TABLE payment_ledger
(
    position           integer PRIMARY KEY,
    order_id           text        NOT NULL,
    customer_id        integer      NOT NULL,
    kind               text        NOT NULL,
    amount             integer      NOT NULL,
    currency           text        NOT NULL,
    method             text,
    telegram_charge_id text,
    provider_charge_id text,
    reason             text,
    at                 text NOT NULL
);
CREATE INDEX payment_ledger_order ON payment_ledger (order_id);

CREATE TABLE sales_orders
(
    order_id          text PRIMARY KEY,
    customer_id       integer      NOT NULL,
    created_at        text NOT NULL,
    checked_out_at    text,
    paid_at           text,
    ready_at          text,
    delivered_at      text,
    cancelled_at      text,
    total             integer,
    currency          text        NOT NULL
);

CREATE TABLE sales_lines
(
    order_id    text    NOT NULL,
    line_id     integer NOT NULL,
    customer_id integer  NOT NULL,
    item_id     text    NOT NULL,
    category    text    NOT NULL,
    quantity    integer NOT NULL,
    revenue     integer  NOT NULL,
    currency    text    NOT NULL,
    paid_at     text NOT NULL,
    paid_day    text    NOT NULL,
    paid_hour   integer NOT NULL,
    refunded    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_id)
);
CREATE INDEX sales_lines_day ON sales_lines (paid_day);

CREATE TABLE sales_checkouts
(
    order_id text PRIMARY KEY,
    lines    text NOT NULL
);

CREATE TABLE notification_outbox
(
    notification_id text PRIMARY KEY,
    user_id         integer      NOT NULL,
    order_id        text        NOT NULL,
    kind            text        NOT NULL,
    language        text        NOT NULL,
    text            text        NOT NULL,
    position        integer      NOT NULL,
    created_at      text NOT NULL,
    sent_at         text,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text
);
CREATE INDEX notification_outbox_pending ON notification_outbox (position) WHERE sent_at IS NULL;

CREATE TABLE outbox_recipients
(
    user_id       integer PRIMARY KEY,
    language      text NOT NULL,
    notifications text NOT NULL
);

CREATE TABLE ledger_customers
(
    order_id    text PRIMARY KEY,
    customer_id integer NOT NULL
);

CREATE TABLE outbox_orders
(
    order_id    text PRIMARY KEY,
    customer_id integer NOT NULL
);
