-- One server process sends notifications at a time (it holds the sender's
-- advisory lock) and holds what it is sending in memory: nothing is written to
-- a row to take it, so the claim columns go. attempts now counts the attempts
-- whose outcome was written: sent, failed, or given up after trying.
ALTER TABLE notification_outbox
    DROP COLUMN claimed_by,
    DROP COLUMN claimed_until;

COMMENT ON COLUMN notification_outbox.attempts IS 'Delivery attempts so far: each send Telegram answered, or that failed on the way (answers of Telegram''s flood control, 429, are not counted).';
