-- Campaign progress counters. Statement-level triggers with transition tables fold a whole
-- batch (a claim of 5,000 messages, a page of delivery reports, a stop) into one upsert per
-- (campaign, status), in the same transaction as the change. Rows are applied in key order so
-- that concurrent statements lock counters in the same order.
CREATE FUNCTION campaign_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_status_counts AS c (campaign_id, status, messages, points)
    SELECT campaign_id, status, count(*), sum(points) FROM new_rows
    WHERE campaign_id IS NOT NULL GROUP BY campaign_id, status ORDER BY campaign_id, status
    ON CONFLICT (campaign_id, status) DO UPDATE
      SET messages = c.messages + excluded.messages, points = c.points + excluded.points;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO campaign_status_counts AS c (campaign_id, status, messages, points)
    SELECT campaign_id, status, sum(n), sum(p) FROM (
      SELECT o.campaign_id, o.status, -1 AS n, -o.points AS p
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE o.campaign_id IS NOT NULL AND o.status <> n.status
      UNION ALL
      SELECT n.campaign_id, n.status, 1, n.points
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      WHERE n.campaign_id IS NOT NULL AND o.status <> n.status
    ) d
    GROUP BY campaign_id, status ORDER BY campaign_id, status
    ON CONFLICT (campaign_id, status) DO UPDATE
      SET messages = c.messages + excluded.messages, points = c.points + excluded.points;
  ELSE
    INSERT INTO campaign_status_counts AS c (campaign_id, status, messages, points)
    SELECT campaign_id, status, -count(*), -sum(points) FROM old_rows
    WHERE campaign_id IS NOT NULL GROUP BY campaign_id, status ORDER BY campaign_id, status
    ON CONFLICT (campaign_id, status) DO UPDATE
      SET messages = c.messages + excluded.messages, points = c.points + excluded.points;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER messages_campaign_counts_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_apply();--> statement-breakpoint
CREATE TRIGGER messages_campaign_counts_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_apply();--> statement-breakpoint
CREATE TRIGGER messages_campaign_counts_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_apply();--> statement-breakpoint
-- Counters for the campaigns that already exist.
INSERT INTO campaign_status_counts (campaign_id, status, messages, points)
SELECT campaign_id, status, count(*), sum(points) FROM messages WHERE campaign_id IS NOT NULL GROUP BY 1, 2;
