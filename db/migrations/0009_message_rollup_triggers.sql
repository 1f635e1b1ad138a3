-- message_hourly_counts, kept like campaign_status_counts (0006): statement-level triggers with
-- transition tables fold a whole statement (an API send, a campaign claim of 5,000 messages, a
-- page of delivery reports, a stop) into one upsert per bucket, in the same transaction as the
-- change, applied in key order so that concurrent statements lock buckets in the same order.
-- Buckets are UTC hours (date_trunc with an explicit 'UTC', whatever the session TimeZone).
-- Rows whose counts drop to zero stay (they sum to nothing).
CREATE FUNCTION message_hourly_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO message_hourly_counts AS c (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, date_trunc('hour', created_at, 'UTC'), status, source, campaign_id IS NOT NULL,
           count(*), sum(parts), sum(points)
      FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, hour, status, source, bulk) DO UPDATE
      SET messages = c.messages + excluded.messages, parts = c.parts + excluded.parts, points = c.points + excluded.points;
  ELSIF TG_OP = 'UPDATE' THEN
    -- Only rows whose bucket or sums changed (in practice: the status).
    INSERT INTO message_hourly_counts AS c (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, hour, status, source, bulk, sum(n), sum(p), sum(u) FROM (
      SELECT o.account_id, date_trunc('hour', o.created_at, 'UTC') AS hour, o.status, o.source,
             o.campaign_id IS NOT NULL AS bulk, -1 AS n, -o.parts::bigint AS p, -o.points AS u
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.account_id, o.created_at, o.status, o.source, o.campaign_id IS NULL, o.parts, o.points)
             IS DISTINCT FROM (n.account_id, n.created_at, n.status, n.source, n.campaign_id IS NULL, n.parts, n.points)
      UNION ALL
      SELECT n.account_id, date_trunc('hour', n.created_at, 'UTC'), n.status, n.source,
             n.campaign_id IS NOT NULL, 1, n.parts::bigint, n.points
        FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE (o.account_id, o.created_at, o.status, o.source, o.campaign_id IS NULL, o.parts, o.points)
             IS DISTINCT FROM (n.account_id, n.created_at, n.status, n.source, n.campaign_id IS NULL, n.parts, n.points)
    ) d
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, hour, status, source, bulk) DO UPDATE
      SET messages = c.messages + excluded.messages, parts = c.parts + excluded.parts, points = c.points + excluded.points;
  ELSE
    INSERT INTO message_hourly_counts AS c (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, date_trunc('hour', created_at, 'UTC'), status, source, campaign_id IS NOT NULL,
           -count(*), -sum(parts), -sum(points)
      FROM old_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, hour, status, source, bulk) DO UPDATE
      SET messages = c.messages + excluded.messages, parts = c.parts + excluded.parts, points = c.points + excluded.points;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER messages_hourly_counts_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION message_hourly_counts_apply();--> statement-breakpoint
CREATE TRIGGER messages_hourly_counts_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION message_hourly_counts_apply();--> statement-breakpoint
CREATE TRIGGER messages_hourly_counts_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION message_hourly_counts_apply();--> statement-breakpoint
-- Recomputes the buckets of one account (or all, when null) from messages: after a bulk load
-- in replica mode, which skips the triggers. Holds a SHARE lock on messages until the caller's
-- transaction ends, so no write slips between the scan and the new buckets.
CREATE FUNCTION message_hourly_counts_rebuild(p_account integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE messages IN SHARE MODE;
  IF p_account IS NULL THEN
    DELETE FROM message_hourly_counts;
    INSERT INTO message_hourly_counts (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, date_trunc('hour', created_at, 'UTC'), status, source, campaign_id IS NOT NULL,
           count(*), sum(parts), sum(points)
      FROM messages GROUP BY 1, 2, 3, 4, 5;
  ELSE
    DELETE FROM message_hourly_counts WHERE account_id = p_account;
    INSERT INTO message_hourly_counts (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, date_trunc('hour', created_at, 'UTC'), status, source, campaign_id IS NOT NULL,
           count(*), sum(parts), sum(points)
      FROM messages WHERE account_id = p_account GROUP BY 1, 2, 3, 4, 5;
  END IF;
END;
$$;--> statement-breakpoint
-- Buckets for the messages that already exist.
SELECT message_hourly_counts_rebuild(NULL);
