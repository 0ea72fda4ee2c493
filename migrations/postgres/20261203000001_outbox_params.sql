-- The outbox stores what happened, not text: a notification's text is
-- rendered from the message catalogs when it is sent, in the user's language
-- at that time. `text` gives way to `params`, the facts the text needs.
ALTER TABLE notification_outbox ADD COLUMN params jsonb;
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
       next_snapshot = NULL, error = NULL, updated_at = now()
 WHERE projection = 'notification_outbox';

COMMENT ON TABLE notification_outbox IS 'What to push to whom and why: the kind and its facts, not text. The bot''s sender renders each pending row in the user''s language at send time, delivers it and records the result.';
COMMENT ON COLUMN notification_outbox.user_id IS 'The Telegram user id of the recipient (the order''s customer).';
COMMENT ON COLUMN notification_outbox.order_id IS 'The order the notification is about.';
COMMENT ON COLUMN notification_outbox.language IS 'The user''s language when the event happened (the text is rendered in the user''s language at send time, which may differ).';
COMMENT ON COLUMN notification_outbox.params IS 'The facts the text needs, only those its kind uses: {"short_id": text} always; "amount": {"amount": minor units, "currency": ISO code} for payment_received and refund_completed; "reason": text for order_rejected (and order_cancelled when one was given); "eta_minutes": number for order_accepted when an estimate was given. NULL only for a row written before this column existed, until the replay this migration starts has reached it.';
COMMENT ON COLUMN notification_outbox.created_at IS 'When the causing event happened.';
COMMENT ON COLUMN notification_outbox.last_error IS 'Why the last delivery attempt failed; NULL if none did.';
