-- The bot's inbox (the same table as on PostgreSQL; see its migration for the
-- documentation of every column). Times have the format of events' recorded_at,
-- so that comparing the text compares the times.
CREATE TABLE telegram_updates
(
    update_id     integer PRIMARY KEY,
    kind          text    NOT NULL,
    lane          integer,
    body          text    NOT NULL,
    state         text    NOT NULL DEFAULT 'pending'
                          CHECK (state IN ('pending', 'done', 'ignored', 'failed')),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    claimed_by    text,
    claimed_until text,
    error         text,
    received_at   text    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    handled_at    text,
    CHECK ((state IN ('done', 'ignored', 'failed')) = (handled_at IS NOT NULL)),
    CHECK (state <> 'pending' OR lane IS NOT NULL)
) STRICT;
CREATE INDEX telegram_updates_pending ON telegram_updates (lane, update_id) WHERE state = 'pending';
