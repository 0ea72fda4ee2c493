-- The notification sender's delivery state (see the PostgreSQL migration for
-- the documentation of every column). Times have the format of sent_at,
-- so that comparing the text compares the times. The outbox model does not
-- describe these columns, so projection and rebuilds never write them.
ALTER TABLE notification_outbox ADD COLUMN claimed_by text;
ALTER TABLE notification_outbox ADD COLUMN claimed_until text;
ALTER TABLE notification_outbox ADD COLUMN next_attempt_at text;
ALTER TABLE notification_outbox ADD COLUMN given_up_at text;

DROP INDEX notification_outbox_pending;
CREATE INDEX notification_outbox_pending ON notification_outbox (position)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
CREATE INDEX notification_outbox_pending_by_user ON notification_outbox (user_id, position)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
