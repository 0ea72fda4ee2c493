-- The staff chat: each paid order is posted once to STAFF_CHAT_ID and edited
-- as it moves; cancellations and payment anomalies get a note of their own.
-- The projector (read model `staff_chat`) writes what is to be shown; the
-- server's staff-chat worker writes what it has shown (message id, shown
-- version, sent time) and its lease. A rebuild empties `staff_orders` only and
-- rewrites the projector's columns of `staff_posts` and `staff_notes`, leaving
-- the worker's alone, so nothing is posted twice.

CREATE TABLE staff_orders
(
    order_id    text PRIMARY KEY,
    customer_id bigint NOT NULL,
    fulfilment  jsonb,
    last_event  text   NOT NULL
);
COMMENT ON TABLE staff_orders IS 'Working rows of the staff_chat read model: what it needs to know of every order before it is paid.';
COMMENT ON COLUMN staff_orders.fulfilment IS 'The fulfilment as last chosen: {"kind": "delivery", "address", "phone"} or {"kind": "pickup"}.';
COMMENT ON COLUMN staff_orders.last_event IS 'The event type of the order''s last event (tells a payment anomaly from a refund after rejection).';

CREATE TABLE staff_posts
(
    order_id      text PRIMARY KEY,
    customer_id   bigint NOT NULL,
    fulfilment    jsonb,
    method        text   NOT NULL,
    position      bigint NOT NULL,
    paid_at       bigint NOT NULL,
    version       bigint NOT NULL,
    message_id    bigint,
    shown_version bigint,
    lease_owner   text,
    lease_until   bigint NOT NULL DEFAULT 0,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX staff_posts_pending ON staff_posts (position) WHERE shown_version IS NULL OR shown_version < version;
COMMENT ON TABLE staff_posts IS 'One row per paid order: the staff chat message that shows it. The worker posts it once and edits it whenever version moves past shown_version.';
COMMENT ON COLUMN staff_posts.fulfilment IS 'Delivery address and phone, or pickup, as chosen before payment.';
COMMENT ON COLUMN staff_posts.method IS 'provider or stars: how the order was paid.';
COMMENT ON COLUMN staff_posts.position IS 'Global position of the PaymentReceived event: orders are posted in payment order.';
COMMENT ON COLUMN staff_posts.paid_at IS 'When the payment arrived (Unix milliseconds, the event''s business time). An order is posted for the first time only within a day of it, so that a first projection over old history (an upgrade, a new STAFF_CHAT_ID) does not post old orders.';
COMMENT ON COLUMN staff_posts.version IS 'The order''s last event sequence the projector has seen.';
COMMENT ON COLUMN staff_posts.message_id IS 'The staff chat message showing the order; NULL until posted.';
COMMENT ON COLUMN staff_posts.shown_version IS 'The order version the message shows; NULL until posted.';
COMMENT ON COLUMN staff_posts.lease_owner IS 'The server process that last claimed the row for posting or editing.';
COMMENT ON COLUMN staff_posts.lease_until IS 'Until when (Unix milliseconds) the claim holds; also the earliest next attempt after a failure.';
COMMENT ON COLUMN staff_posts.attempts IS 'Attempts since the last success.';
COMMENT ON COLUMN staff_posts.last_error IS 'Why the last attempt failed; NULL if it did not.';

CREATE TABLE staff_notes
(
    note_id     text PRIMARY KEY,
    order_id    text   NOT NULL,
    kind        text   NOT NULL,
    params      jsonb  NOT NULL,
    position    bigint NOT NULL,
    sent_at     bigint,
    lease_owner text,
    lease_until bigint NOT NULL DEFAULT 0,
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text
);
CREATE INDEX staff_notes_pending ON staff_notes (position) WHERE sent_at IS NULL;
COMMENT ON TABLE staff_notes IS 'Notes for staff in the staff chat, each sent once as a reply to its order''s post: cancellations after payment, payment anomalies, refunds to make.';
COMMENT ON COLUMN staff_notes.note_id IS '<order id>:<event sequence>.';
COMMENT ON COLUMN staff_notes.kind IS 'order_cancelled, payment_anomaly or refund_needed.';
COMMENT ON COLUMN staff_notes.params IS '{"short_id", "by": customer|staff|system, "reason", "amount": {"amount", "currency"}, "method": provider|stars, "cause": rejected|cancelled|requested}: the facts the text needs.';
COMMENT ON COLUMN staff_notes.position IS 'Global position of the causing event.';
COMMENT ON COLUMN staff_notes.sent_at IS 'When Telegram accepted the note (Unix milliseconds); NULL while pending.';
COMMENT ON COLUMN staff_notes.lease_until IS 'Until when (Unix milliseconds) a claim holds; also the earliest next attempt after a failure.';

GRANT SELECT ON staff_posts, staff_notes TO foodbot_analyst;
