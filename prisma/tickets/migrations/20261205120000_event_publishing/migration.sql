-- Placing committed booking events at the end of the stream (docs/design.md §12) in one round
-- trip: whether any waits, the publisher's turn (an advisory lock held to the commit, so no
-- position is given while a smaller one is still invisible) and the placing. Each statement of
-- a VOLATILE function takes its own snapshot, so the placing sees every position given by the
-- publisher whose turn ended before this one began: what the interactive transaction it
-- replaces (BEGIN, the lock, the placing, COMMIT) guaranteed in four round trips.
CREATE FUNCTION "tickets_publish_events"(batch integer) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    placed integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM "BookingEvent" WHERE "position" IS NULL) THEN
        RETURN 0;
    END IF;
    IF NOT pg_try_advisory_xact_lock(hashtext('tickets:booking-events')) THEN
        RETURN 0;
    END IF;
    UPDATE "BookingEvent" AS event
    SET "position" = stream.last + unpublished.rank
    FROM (
        SELECT "id", row_number() OVER (ORDER BY "occurredAt", "id") AS rank
        FROM "BookingEvent"
        WHERE "position" IS NULL
        ORDER BY "occurredAt", "id"
        LIMIT batch
    ) AS unpublished,
    (SELECT coalesce(max("position"), 0) AS last FROM "BookingEvent") AS stream
    WHERE event."id" = unpublished."id";
    GET DIAGNOSTICS placed = ROW_COUNT;
    RETURN placed;
END
$$;
