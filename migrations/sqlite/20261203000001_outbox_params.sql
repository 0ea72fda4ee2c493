-- The outbox stores what happened, not text: a notification's text is
-- rendered from the message catalogs when it is sent, in the user's language
-- at that time. `text` gives way to `params`, the facts the text needs (JSON
-- text; see the PostgreSQL migration's comments for its keys).
ALTER TABLE notification_outbox ADD COLUMN params text;
ALTER TABLE notification_outbox DROP COLUMN text;

-- Rows written before have no params, and only the events know them: the
-- outbox model is reset, so that the projector projects it again from the
-- first event. It writes the projector's columns (params among them) of every
-- existing notification again and leaves the sender's (sent_at, attempts,
-- last_error) alone, so nothing is sent twice. Until the replay has reached a
-- row its params are NULL, and the sender reports it as not ready to render.
DELETE FROM outbox_recipients;
DELETE FROM outbox_orders;
UPDATE projection_checkpoints
   SET last_transaction_id = 0, last_position = 0, base_snapshot = '0:0:',
       next_snapshot = NULL, error = NULL,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
 WHERE projection = 'notification_outbox';
