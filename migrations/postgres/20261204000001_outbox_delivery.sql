-- The notification sender's delivery state. Like sent_at, attempts and
-- last_error, these columns belong to the sender: the outbox model does not
-- describe them, so neither live projection nor a rebuild ever writes them,
-- and a rebuild keeps them as it keeps sent_at.
ALTER TABLE notification_outbox
    ADD COLUMN claimed_by      text,
    ADD COLUMN claimed_until   timestamptz,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN given_up_at     timestamptz;

COMMENT ON COLUMN notification_outbox.attempts IS 'Delivery attempts so far (answers of Telegram''s flood control, 429, are not counted).';
COMMENT ON COLUMN notification_outbox.claimed_by IS 'The server process sending the notification right now; NULL when none is.';
COMMENT ON COLUMN notification_outbox.claimed_until IS 'Until when the claim holds; after that another process may take the notification over (its sender died).';
COMMENT ON COLUMN notification_outbox.next_attempt_at IS 'After a failed attempt: not tried again before this time (backoff).';
COMMENT ON COLUMN notification_outbox.given_up_at IS 'When the sender stopped trying without delivering: the user blocked the bot, turned notifications off, or the attempts ran out; last_error says why. NULL while pending or once sent.';

-- Pending = neither sent nor given up. The sender walks the pending
-- notifications in position order and takes each user's oldest (the head of
-- their queue, found through the second index).
DROP INDEX notification_outbox_pending;
CREATE INDEX notification_outbox_pending ON notification_outbox (position)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
CREATE INDEX notification_outbox_pending_by_user ON notification_outbox (user_id, position)
    WHERE sent_at IS NULL AND given_up_at IS NULL;

-- Wake the senders of every server process when the projector writes
-- notifications (they poll as well).
CREATE FUNCTION foodbot_notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('foodbot_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER notification_outbox_notify AFTER INSERT ON notification_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION foodbot_notify_outbox();
