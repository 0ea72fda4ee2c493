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
    customer_id integer NOT NULL,
    fulfilment  text,
    last_event  text   NOT NULL
);

CREATE TABLE staff_posts
(
    order_id      text PRIMARY KEY,
    customer_id   integer NOT NULL,
    fulfilment    text,
    method        text   NOT NULL,
    position      integer NOT NULL,
    paid_at       integer NOT NULL,
    version       integer NOT NULL,
    message_id    integer,
    shown_version integer,
    lease_owner   text,
    lease_until   integer NOT NULL DEFAULT 0,
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text
);
CREATE INDEX staff_posts_pending ON staff_posts (position) WHERE shown_version IS NULL OR shown_version < version;

CREATE TABLE staff_notes
(
    note_id     text PRIMARY KEY,
    order_id    text   NOT NULL,
    kind        text   NOT NULL,
    params      text  NOT NULL,
    position    integer NOT NULL,
    sent_at     integer,
    lease_owner text,
    lease_until integer NOT NULL DEFAULT 0,
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text
);
CREATE INDEX staff_notes_pending ON staff_notes (position) WHERE sent_at IS NULL;

