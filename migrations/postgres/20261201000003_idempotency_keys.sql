-- Idempotency records: what a command sent with an Idempotency-Key did, so that
-- the same key again has no second effect. An effectful command's row is written
-- in the same statement as its events; a command that changed nothing or that
-- the domain refused writes its row alone. Rows older than
-- IDEMPOTENCY_KEY_TTL_HOURS are purged by the server.
CREATE TABLE idempotency_keys
(
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    idempotency_key text        NOT NULL,
    command         text        NOT NULL,
    fingerprint     text,
    sequence        bigint      NOT NULL CHECK (sequence >= 0),
    outcome         text        NOT NULL CHECK (outcome IN ('applied', 'unchanged', 'refused')),
    error_status    smallint CHECK (error_status BETWEEN 400 AND 499),
    error_code      text,
    error_message   text,
    error_details   json,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aggregate_type, aggregate_id, idempotency_key),
    -- A refusal is answered again from these columns, so they are all there or none is.
    CHECK ((outcome = 'refused') = (error_status IS NOT NULL AND error_code IS NOT NULL AND error_message IS NOT NULL))
);
CREATE INDEX idempotency_keys_recorded_at ON idempotency_keys (recorded_at);

COMMENT ON TABLE idempotency_keys IS 'One row per Idempotency-Key used on an aggregate: what the command did, so that a retry with the same key has no second effect. Purged after IDEMPOTENCY_KEY_TTL_HOURS; not for analysis.';
COMMENT ON COLUMN idempotency_keys.aggregate_type IS 'Order or User: the aggregate the command went to.';
COMMENT ON COLUMN idempotency_keys.aggregate_id IS 'Order id (UUID) or Telegram user id.';
COMMENT ON COLUMN idempotency_keys.idempotency_key IS 'The client''s Idempotency-Key (1-128 visible ASCII characters).';
COMMENT ON COLUMN idempotency_keys.command IS 'The command''s name (as in events.metadata->>''command''); the key used for another command is refused.';
COMMENT ON COLUMN idempotency_keys.fingerprint IS 'Digest of the request (path parameters and body) the key came with; null for commands without one (bot, CLI). The key used for another request is refused.';
COMMENT ON COLUMN idempotency_keys.sequence IS 'The aggregate''s last event sequence when the command was decided: after its own events when applied, the sequence it was decided on otherwise.';
COMMENT ON COLUMN idempotency_keys.outcome IS 'applied (events were appended in the same transaction), unchanged (a no-op: nothing to append), refused (the domain refused it; see error_*).';
COMMENT ON COLUMN idempotency_keys.error_status IS 'For refused: the HTTP status the refusal was answered with (4xx), answered again on a retry.';
COMMENT ON COLUMN idempotency_keys.error_code IS 'For refused: the stable machine-readable error code (e.g. invalid_state).';
COMMENT ON COLUMN idempotency_keys.error_message IS 'For refused: the human-readable message the refusal was answered with.';
COMMENT ON COLUMN idempotency_keys.error_details IS 'For refused: the error''s details object, if it had one.';
COMMENT ON COLUMN idempotency_keys.recorded_at IS 'When the row was written (database clock); the purge removes rows older than the TTL by this column.';
