-- Idempotency records (the same table as on PostgreSQL; see its migration for
-- the documentation of every column). recorded_at has the format of events'
-- recorded_at, so that comparing the text compares the times.
CREATE TABLE idempotency_keys
(
    aggregate_type  text    NOT NULL,
    aggregate_id    text    NOT NULL,
    idempotency_key text    NOT NULL,
    command         text    NOT NULL,
    fingerprint     text,
    sequence        integer NOT NULL CHECK (sequence >= 0),
    outcome         text    NOT NULL CHECK (outcome IN ('applied', 'unchanged', 'refused')),
    error_status    integer CHECK (error_status BETWEEN 400 AND 499),
    error_code      text,
    error_message   text,
    error_details   text,
    recorded_at     text    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (aggregate_type, aggregate_id, idempotency_key),
    CHECK ((outcome = 'refused') = (error_status IS NOT NULL AND error_code IS NOT NULL AND error_message IS NOT NULL))
) STRICT;
CREATE INDEX idempotency_keys_recorded_at ON idempotency_keys (recorded_at);
