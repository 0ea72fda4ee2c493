-- The event store: postgres-es' tables, plus the columns the read side needs.
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    -- Global order of appends. Numbers are taken at insert time, so a transaction
    -- that commits late can hold a lower number than rows already visible: readers
    -- must use transaction_id below the snapshot horizon, never "no gap seen".
    position       bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id xid8                         NOT NULL DEFAULT pg_current_xact_id(),
    recorded_at    timestamptz                  NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);
CREATE UNIQUE INDEX events_position ON events (position);
CREATE INDEX events_transaction_position ON events (transaction_id, position);

COMMENT ON TABLE events IS 'Append-only event log of every aggregate (Order, User). Never updated or deleted.';
COMMENT ON COLUMN events.aggregate_type IS 'Order or User.';
COMMENT ON COLUMN events.aggregate_id IS 'Order id (UUID) or Telegram user id.';
COMMENT ON COLUMN events.sequence IS 'Per-aggregate event number from 1; the primary key gives optimistic concurrency.';
COMMENT ON COLUMN events.event_type IS 'Stable event name, see docs/events.md.';
COMMENT ON COLUMN events.event_version IS 'Shape version of the payload, see docs/events.md.';
COMMENT ON COLUMN events.payload IS 'The event as JSON: {"<event_type>": {...fields}}.';
COMMENT ON COLUMN events.metadata IS 'Who (actor, user_id), through what (channel), correlation_id, idempotency_key, command, at.';
COMMENT ON COLUMN events.position IS 'Global append order (may commit out of order; see transaction_id).';
COMMENT ON COLUMN events.transaction_id IS 'Writing transaction, for gap-safe catch-up reads.';
COMMENT ON COLUMN events.recorded_at IS 'When the row was written.';

CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);
COMMENT ON TABLE snapshots IS 'Reserved for aggregate snapshots (postgres-es); unused while aggregates stay short.';
