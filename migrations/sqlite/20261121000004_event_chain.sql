-- A hash chain over the event log (see the PostgreSQL migration).
CREATE TABLE event_chain
(
    link           integer PRIMARY KEY,
    transaction_id integer NOT NULL,
    position       integer NOT NULL,
    aggregate_type text    NOT NULL,
    aggregate_id   text    NOT NULL,
    sequence       integer NOT NULL,
    hash           text    NOT NULL
) STRICT;
