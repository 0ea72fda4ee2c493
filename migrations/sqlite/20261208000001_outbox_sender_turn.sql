-- The sender holds what it is sending in memory (see the PostgreSQL
-- migration): the claim columns go.
ALTER TABLE notification_outbox DROP COLUMN claimed_by;
ALTER TABLE notification_outbox DROP COLUMN claimed_until;
