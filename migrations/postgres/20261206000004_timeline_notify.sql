-- Wake the Mini App's live order timelines (GET /api/v1/orders/{id}/events)
-- in every server process when steps of orders are projected: each statement
-- that adds rows to order_timeline notifies channel foodbot_timeline with the
-- ids of the orders it added steps to, comma-separated, at most 100 to a
-- notification. A notification is delivered when the projector's step
-- commits, so a listener that hears it reads the steps it names. Each
-- process listens on one connection and wakes only the streams of the
-- orders named.
CREATE FUNCTION foodbot_notify_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    FOR ids IN
        SELECT string_agg(order_id, ',')
          FROM (SELECT order_id, (row_number() OVER (ORDER BY order_id) - 1) / 100 AS chunk
                  FROM (SELECT DISTINCT order_id FROM added) orders) numbered
         GROUP BY chunk
    LOOP
        PERFORM pg_notify('foodbot_timeline', ids);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER order_timeline_notify AFTER INSERT ON order_timeline
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION foodbot_notify_timeline();
COMMENT ON TRIGGER order_timeline_notify ON order_timeline IS
    'Notifies foodbot_timeline with the ids of the orders whose steps a statement added (live timelines).';
