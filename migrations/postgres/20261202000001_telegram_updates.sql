-- The bot's inbox: every update Telegram delivered (webhook or getUpdates),
-- stored before it is acknowledged, then handled once, in order per chat.
CREATE TABLE telegram_updates
(
    update_id     bigint      PRIMARY KEY,
    kind          text        NOT NULL,
    lane          bigint,
    body          jsonb       NOT NULL,
    state         text        NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'done', 'ignored', 'failed')),
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    claimed_by    text,
    claimed_until timestamptz,
    error         text,
    received_at   timestamptz NOT NULL DEFAULT now(),
    handled_at    timestamptz,
    -- Only a handled update has a handling time, and only an update of a
    -- known kind waits in a lane.
    CHECK ((state IN ('done', 'ignored', 'failed')) = (handled_at IS NOT NULL)),
    CHECK (state <> 'pending' OR lane IS NOT NULL)
);
CREATE INDEX telegram_updates_pending ON telegram_updates (lane, update_id) WHERE state = 'pending';

COMMENT ON TABLE telegram_updates IS 'The bot''s inbox: one row per Telegram update, stored before the webhook answers 200 (or before getUpdates moves its offset), so no acknowledged update is lost and a redelivered one is handled once.';
COMMENT ON COLUMN telegram_updates.update_id IS 'Telegram''s update_id, unique: a redelivery finds its row and does nothing more.';
COMMENT ON COLUMN telegram_updates.kind IS 'The update''s kind as Telegram names its field (message, callback_query, inline_query, pre_checkout_query, …), or unknown.';
COMMENT ON COLUMN telegram_updates.lane IS 'What orders handling: the chat id (or, for updates without a chat, the user id). Updates of one lane are handled one at a time in update_id order; lanes run concurrently. Null for updates that are not handled.';
COMMENT ON COLUMN telegram_updates.body IS 'The update exactly as Telegram sent it.';
COMMENT ON COLUMN telegram_updates.state IS 'pending (not handled yet), done (handled), ignored (a kind the bot does not handle, or malformed), failed (handling kept failing; see error).';
COMMENT ON COLUMN telegram_updates.attempts IS 'How often a dispatcher claimed the update; a claim that outlives its lease (a crashed process) is taken over.';
COMMENT ON COLUMN telegram_updates.claimed_by IS 'The server process handling the update now, if any.';
COMMENT ON COLUMN telegram_updates.claimed_until IS 'When that claim lapses and another process may take the update over.';
COMMENT ON COLUMN telegram_updates.error IS 'Why the last attempt failed (for failed, why handling gave up).';
COMMENT ON COLUMN telegram_updates.received_at IS 'When the update was stored (database clock).';
COMMENT ON COLUMN telegram_updates.handled_at IS 'When it was handled, ignored or given up (database clock).';
