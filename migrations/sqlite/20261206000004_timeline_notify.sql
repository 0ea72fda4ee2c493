-- The PostgreSQL store notifies every server process when steps of orders are
-- projected (channel foodbot_timeline). The embedded SQLite store is served by
-- one process, whose live timelines are woken in-process by its projector's
-- commits, so it has nothing to add here; this keeps the two stores'
-- migrations numbered alike.
SELECT 1;
