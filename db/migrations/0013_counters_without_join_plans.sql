-- The counter triggers of 0006 and 0009 without their join of old_rows to new_rows. PL/pgSQL
-- plans a statement once per connection, for the transition tables' sizes at its first call: a
-- connection whose first update touched one row joined every later update's rows with a nested
-- loop, so a 5,000-row update took seconds and an 83,000-row one minutes. Here an update folds
-- its old rows out and its new rows in, each side aggregated on its own (a hash aggregate that
-- costs the same per row at any size), and keeps only the counters whose sums moved: a row whose
-- counted columns did not change adds and takes away the same amounts. INSERT and DELETE were
-- join-free already and stay as they were.
CREATE OR REPLACE FUNCTION campaign_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
      SELECT campaign_id, status, -count(*) AS n, -sum(points) AS p FROM old_rows
      WHERE campaign_id IS NOT NULL GROUP BY campaign_id, status
      UNION ALL
      SELECT campaign_id, status, count(*), sum(points) FROM new_rows
      WHERE campaign_id IS NOT NULL GROUP BY campaign_id, status
    ) d
    GROUP BY campaign_id, status HAVING sum(n) <> 0 OR sum(p) <> 0 ORDER BY campaign_id, status
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
CREATE OR REPLACE FUNCTION message_hourly_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO message_hourly_counts AS c (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, date_trunc('hour', created_at, 'UTC'), status, source, campaign_id IS NOT NULL,
           count(*), sum(parts), sum(points)
      FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, hour, status, source, bulk) DO UPDATE
      SET messages = c.messages + excluded.messages, parts = c.parts + excluded.parts, points = c.points + excluded.points;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO message_hourly_counts AS c (account_id, hour, status, source, bulk, messages, parts, points)
    SELECT account_id, hour, status, source, bulk, sum(n), sum(p), sum(u) FROM (
      SELECT account_id, date_trunc('hour', created_at, 'UTC') AS hour, status, source, campaign_id IS NOT NULL AS bulk,
             -count(*) AS n, -sum(parts) AS p, -sum(points) AS u
        FROM old_rows GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT account_id, date_trunc('hour', created_at, 'UTC'), status, source, campaign_id IS NOT NULL,
             count(*), sum(parts), sum(points)
        FROM new_rows GROUP BY 1, 2, 3, 4, 5
    ) d
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(p) <> 0 OR sum(u) <> 0 ORDER BY 1, 2, 3, 4, 5
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
$$;
