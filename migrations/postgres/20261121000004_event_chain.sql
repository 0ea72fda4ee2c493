-- A hash chain over the event log in global order: each link hashes the
-- previous link and one event, so an edited, deleted or inserted historical
-- event breaks the chain at that event (`foodbot audit verify`).
CREATE TABLE event_chain
(
    link           bigint PRIMARY KEY,
    transaction_id bigint NOT NULL,
    position       bigint NOT NULL,
    aggregate_type text   NOT NULL,
    aggregate_id   text   NOT NULL,
    sequence       bigint NOT NULL,
    hash           text   NOT NULL
);
COMMENT ON TABLE event_chain IS 'Hash chain over the event log: link n = sha256(link n-1 hash, event n). Verified by foodbot audit verify.';
COMMENT ON COLUMN event_chain.link IS '1, 2, 3, … in global event order.';
COMMENT ON COLUMN event_chain.hash IS 'Hex SHA-256 of the previous link''s hash and this event''s stored fields.';
GRANT SELECT ON event_chain TO foodbot_analyst;
