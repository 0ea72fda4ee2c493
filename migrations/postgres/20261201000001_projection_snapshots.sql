-- A read model's mark becomes a snapshot of the transactions whose events it
-- holds (see projections/src/snapshot.rs), so that a step reads only what is
-- new however long an old transaction stays open. The list of events applied
-- beyond the checkpoint (`applied_above`) goes away.
ALTER TABLE projection_checkpoints ADD COLUMN base_snapshot text NOT NULL DEFAULT '0:0:';
ALTER TABLE projection_checkpoints ADD COLUMN next_snapshot text;
-- A model that cannot go on (an event it cannot decode or apply) stops here,
-- with the cause, while the others go on.
ALTER TABLE projection_checkpoints ADD COLUMN error text;

-- A model at (t, p) with nothing applied beyond it holds every transaction
-- below t, and of t the events up to position p.
UPDATE projection_checkpoints
   SET base_snapshot = last_transaction_id || ':' || last_transaction_id || ':',
       next_snapshot = CASE WHEN last_transaction_id = 0 THEN NULL
                            ELSE (last_transaction_id + 1) || ':' || (last_transaction_id + 1) || ':' END
 WHERE applied_above = '[]';

-- A model that had applied events beyond its checkpoint cannot say which as a
-- snapshot: it is emptied and projected again from the first event (the outbox
-- keeps its notifications, so nothing is sent twice).
CREATE FUNCTION pg_temp.reset_if_above(model text, tables text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t text;
BEGIN
    IF EXISTS (SELECT 1 FROM projection_checkpoints WHERE projection = model AND applied_above <> '[]') THEN
        FOREACH t IN ARRAY tables LOOP
            EXECUTE format('DELETE FROM %I', t);
        END LOOP;
        UPDATE projection_checkpoints
           SET last_transaction_id = 0, last_position = 0, base_snapshot = '0:0:', next_snapshot = NULL
         WHERE projection = model;
    END IF;
END $$;
SELECT pg_temp.reset_if_above('order_status', ARRAY['order_status']);
SELECT pg_temp.reset_if_above('order_lines', ARRAY['order_lines']);
SELECT pg_temp.reset_if_above('order_timeline', ARRAY['order_timeline']);
SELECT pg_temp.reset_if_above('user_directory', ARRAY['user_directory']);
SELECT pg_temp.reset_if_above('payment_ledger', ARRAY['payment_ledger', 'ledger_customers']);
SELECT pg_temp.reset_if_above('sales', ARRAY['sales_orders', 'sales_lines', 'sales_checkouts']);
SELECT pg_temp.reset_if_above('notification_outbox', ARRAY['outbox_recipients', 'outbox_orders']);

ALTER TABLE projection_checkpoints DROP COLUMN applied_above;

COMMENT ON TABLE projection_checkpoints IS 'How far each read model has projected the event log, written in the same transaction as its rows: the snapshot of transactions whose events it holds.';
COMMENT ON COLUMN projection_checkpoints.base_snapshot IS 'The model holds every event of the transactions this snapshot shows (pg_snapshot text, xmin:xmax:running,...).';
COMMENT ON COLUMN projection_checkpoints.next_snapshot IS 'When a step stopped at its batch limit: the snapshot it is part-way to; of the events it adds to base_snapshot, those up to (last_transaction_id, last_position) are applied. NULL otherwise.';
COMMENT ON COLUMN projection_checkpoints.last_transaction_id IS 'Writing transaction of the last event applied.';
COMMENT ON COLUMN projection_checkpoints.last_position IS 'Position of the last event applied (for event_chain: the chain''s head).';
COMMENT ON COLUMN projection_checkpoints.error IS 'Why the model stopped (it is retried with backoff and the others go on); NULL while it projects.';
