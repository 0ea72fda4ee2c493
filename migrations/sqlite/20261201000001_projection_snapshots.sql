-- A read model's mark becomes a snapshot of what it holds (see
-- projections/src/snapshot.rs). On SQLite positions are numbered at commit,
-- so a model at position p holds every position below p + 1; nothing was
-- ever applied beyond a checkpoint here.
ALTER TABLE projection_checkpoints ADD COLUMN base_snapshot text NOT NULL DEFAULT '0:0:';
ALTER TABLE projection_checkpoints ADD COLUMN next_snapshot text;
-- A model that cannot go on (an event it cannot decode or apply) stops here,
-- with the cause, while the others go on.
ALTER TABLE projection_checkpoints ADD COLUMN error text;
UPDATE projection_checkpoints
   SET base_snapshot = (last_position + 1) || ':' || (last_position + 1) || ':'
 WHERE last_position > 0;
ALTER TABLE projection_checkpoints DROP COLUMN applied_above;
