CREATE TABLE "delivery_daily_counts" (
	"account_id" integer NOT NULL,
	"month" boolean NOT NULL,
	"day" date NOT NULL,
	"campaign_id" uuid,
	"sender_name" text NOT NULL,
	"country" text NOT NULL,
	"network" text,
	"status" smallint NOT NULL,
	"error_code" integer,
	"messages" integer NOT NULL,
	CONSTRAINT "delivery_daily_counts_key" UNIQUE NULLS NOT DISTINCT("account_id","month","day","campaign_id","sender_name","country","network","status","error_code")
);
--> statement-breakpoint
CREATE TABLE "delivery_hour_counts" (
	"account_id" integer NOT NULL,
	"day" date NOT NULL,
	"hour" smallint NOT NULL,
	"outcome" smallint NOT NULL,
	"messages" integer NOT NULL,
	CONSTRAINT "delivery_hour_counts_account_id_day_hour_outcome_pk" PRIMARY KEY("account_id","day","hour","outcome")
);
--> statement-breakpoint
CREATE TABLE "delivery_time_counts" (
	"account_id" integer NOT NULL,
	"month" boolean NOT NULL,
	"day" date NOT NULL,
	"campaign_id" uuid,
	"network" text,
	"delivered" boolean NOT NULL,
	"bucket" smallint NOT NULL,
	"messages" integer NOT NULL,
	CONSTRAINT "delivery_time_counts_key" UNIQUE NULLS NOT DISTINCT("account_id","month","day","campaign_id","network","delivered","bucket")
);
--> statement-breakpoint
ALTER TABLE "delivery_report_inbox" ADD COLUMN "network" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "network" text;--> statement-breakpoint
ALTER TABLE "delivery_daily_counts" ADD CONSTRAINT "delivery_daily_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_hour_counts" ADD CONSTRAINT "delivery_hour_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_time_counts" ADD CONSTRAINT "delivery_time_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_daily_counts_campaign_idx" ON "delivery_daily_counts" USING btree ("campaign_id") WHERE "delivery_daily_counts"."campaign_id" is not null;--> statement-breakpoint
CREATE INDEX "delivery_time_counts_campaign_idx" ON "delivery_time_counts" USING btree ("campaign_id") WHERE "delivery_time_counts"."campaign_id" is not null;--> statement-breakpoint
-- The bucket of a delivery time (lib/insights/delivery-time.ts computes the same): bucket b holds
-- [2^(b/4) - 1, 2^((b+1)/4) - 1) seconds from sent to done; null without both times. The 1e-9 puts a
-- time on a bucket's edge (3 s, 7 s, ...) in the bucket it starts, whatever the rounding of ln().
CREATE FUNCTION delivery_time_bucket(sent_at timestamptz, done_at timestamptz) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN sent_at IS NULL OR done_at IS NULL OR done_at < sent_at THEN NULL
              ELSE least(127, floor(4 * ln(extract(epoch FROM done_at - sent_at)::float8 + 1) / ln(2::float8) + 1e-9))::smallint END
$$;--> statement-breakpoint
-- What became of a message, for delivery_hour_counts: 0 delivered, 1 not delivered (final), 2
-- awaiting a report, 3 not sent (waiting or stopped). lib/insights/query.ts reads the same.
CREATE FUNCTION delivery_outcome(status smallint) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE WHEN status = 404 THEN 0 WHEN status IN (401, 402, 405, 406, 407, 408) THEN 1 WHEN status IN (403, 410, 411) THEN 2 ELSE 3 END)::smallint
$$;--> statement-breakpoint
-- The deliverability rollups (db/schema.ts), kept like message_hourly_counts (0009, 0013): one
-- statement folds its old rows out and its new rows in, aggregated without a join of old to new
-- (the same cost per row at any size, whatever plan the connection cached first), and keeps only
-- the keys whose counts moved. The account's time zone gives the local day and hour.
CREATE FUNCTION delivery_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    WITH d AS MATERIALIZED (
      SELECT r.account_id, (r.created_at AT TIME ZONE a.time_zone) AS local_at, r.campaign_id, r.sender_name, r.country,
             r.network, r.status, r.error_code,
             CASE WHEN r.status IN (401, 402, 404, 405, 406, 407, 408, 412) THEN delivery_time_bucket(r.sent_at, r.done_at) END AS bucket,
             r.status = 404 AS delivered, delivery_outcome(r.status) AS outcome, r.n
        FROM (SELECT account_id, created_at, campaign_id, sender_name, country, network, status, error_code, sent_at, done_at, 1 AS n FROM new_rows) r JOIN accounts a ON a.id = r.account_id
    ), daily AS (
      INSERT INTO delivery_daily_counts AS c (account_id, month, day, campaign_id, sender_name, country, network, status, error_code, messages)
      SELECT account_id, g.month, CASE WHEN g.month THEN date_trunc('month', local_at)::date ELSE local_at::date END,
             campaign_id, sender_name, country, network, status, error_code, sum(n)
        FROM d CROSS JOIN (VALUES (false), (true)) g(month)
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT (account_id, month, day, campaign_id, sender_name, country, network, status, error_code)
        DO UPDATE SET messages = c.messages + excluded.messages
    ), times AS (
      INSERT INTO delivery_time_counts AS c (account_id, month, day, campaign_id, network, delivered, bucket, messages)
      SELECT account_id, g.month, CASE WHEN g.month THEN date_trunc('month', local_at)::date ELSE local_at::date END,
             campaign_id, network, delivered, bucket, sum(n)
        FROM d CROSS JOIN (VALUES (false), (true)) g(month)
       WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (account_id, month, day, campaign_id, network, delivered, bucket) DO UPDATE SET messages = c.messages + excluded.messages
    )
    INSERT INTO delivery_hour_counts AS c (account_id, day, hour, outcome, messages)
    SELECT account_id, local_at::date, extract(hour FROM local_at)::smallint, outcome, sum(n)
      FROM d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (account_id, day, hour, outcome) DO UPDATE SET messages = c.messages + excluded.messages;
  ELSIF TG_OP = 'UPDATE' THEN
    WITH d AS MATERIALIZED (
      SELECT r.account_id, (r.created_at AT TIME ZONE a.time_zone) AS local_at, r.campaign_id, r.sender_name, r.country,
             r.network, r.status, r.error_code,
             CASE WHEN r.status IN (401, 402, 404, 405, 406, 407, 408, 412) THEN delivery_time_bucket(r.sent_at, r.done_at) END AS bucket,
             r.status = 404 AS delivered, delivery_outcome(r.status) AS outcome, r.n
        FROM (SELECT account_id, created_at, campaign_id, sender_name, country, network, status, error_code, sent_at, done_at, -1 AS n FROM old_rows UNION ALL SELECT account_id, created_at, campaign_id, sender_name, country, network, status, error_code, sent_at, done_at, 1 AS n FROM new_rows) r JOIN accounts a ON a.id = r.account_id
    ), daily AS (
      INSERT INTO delivery_daily_counts AS c (account_id, month, day, campaign_id, sender_name, country, network, status, error_code, messages)
      SELECT account_id, g.month, CASE WHEN g.month THEN date_trunc('month', local_at)::date ELSE local_at::date END,
             campaign_id, sender_name, country, network, status, error_code, sum(n)
        FROM d CROSS JOIN (VALUES (false), (true)) g(month)
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT (account_id, month, day, campaign_id, sender_name, country, network, status, error_code)
        DO UPDATE SET messages = c.messages + excluded.messages
    ), times AS (
      INSERT INTO delivery_time_counts AS c (account_id, month, day, campaign_id, network, delivered, bucket, messages)
      SELECT account_id, g.month, CASE WHEN g.month THEN date_trunc('month', local_at)::date ELSE local_at::date END,
             campaign_id, network, delivered, bucket, sum(n)
        FROM d CROSS JOIN (VALUES (false), (true)) g(month)
       WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (account_id, month, day, campaign_id, network, delivered, bucket) DO UPDATE SET messages = c.messages + excluded.messages
    )
    INSERT INTO delivery_hour_counts AS c (account_id, day, hour, outcome, messages)
    SELECT account_id, local_at::date, extract(hour FROM local_at)::smallint, outcome, sum(n)
      FROM d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (account_id, day, hour, outcome) DO UPDATE SET messages = c.messages + excluded.messages;
  ELSE
    WITH d AS MATERIALIZED (
      SELECT r.account_id, (r.created_at AT TIME ZONE a.time_zone) AS local_at, r.campaign_id, r.sender_name, r.country,
             r.network, r.status, r.error_code,
             CASE WHEN r.status IN (401, 402, 404, 405, 406, 407, 408, 412) THEN delivery_time_bucket(r.sent_at, r.done_at) END AS bucket,
             r.status = 404 AS delivered, delivery_outcome(r.status) AS outcome, r.n
        FROM (SELECT account_id, created_at, campaign_id, sender_name, country, network, status, error_code, sent_at, done_at, -1 AS n FROM old_rows) r JOIN accounts a ON a.id = r.account_id
    ), daily AS (
      INSERT INTO delivery_daily_counts AS c (account_id, month, day, campaign_id, sender_name, country, network, status, error_code, messages)
      SELECT account_id, g.month, CASE WHEN g.month THEN date_trunc('month', local_at)::date ELSE local_at::date END,
             campaign_id, sender_name, country, network, status, error_code, sum(n)
        FROM d CROSS JOIN (VALUES (false), (true)) g(month)
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
      ON CONFLICT (account_id, month, day, campaign_id, sender_name, country, network, status, error_code)
        DO UPDATE SET messages = c.messages + excluded.messages
    ), times AS (
      INSERT INTO delivery_time_counts AS c (account_id, month, day, campaign_id, network, delivered, bucket, messages)
      SELECT account_id, g.month, CASE WHEN g.month THEN date_trunc('month', local_at)::date ELSE local_at::date END,
             campaign_id, network, delivered, bucket, sum(n)
        FROM d CROSS JOIN (VALUES (false), (true)) g(month)
       WHERE bucket IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
      ON CONFLICT (account_id, month, day, campaign_id, network, delivered, bucket) DO UPDATE SET messages = c.messages + excluded.messages
    )
    INSERT INTO delivery_hour_counts AS c (account_id, day, hour, outcome, messages)
    SELECT account_id, local_at::date, extract(hour FROM local_at)::smallint, outcome, sum(n)
      FROM d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (account_id, day, hour, outcome) DO UPDATE SET messages = c.messages + excluded.messages;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER messages_delivery_counts_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();--> statement-breakpoint
CREATE TRIGGER messages_delivery_counts_update AFTER UPDATE ON messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();--> statement-breakpoint
CREATE TRIGGER messages_delivery_counts_delete AFTER DELETE ON messages
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION delivery_counts_apply();--> statement-breakpoint
-- Recomputes the rollups of one account (or all, when null) from messages: after a bulk load in
-- replica mode (which skips the triggers) and when the account's time zone changes. Holds a
-- SHARE lock on messages until the caller's transaction ends, so no write slips between the
-- scan and the new rows.
CREATE FUNCTION delivery_counts_rebuild(p_account integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE messages IN SHARE MODE;
  IF p_account IS NULL THEN
    DELETE FROM delivery_daily_counts;
    DELETE FROM delivery_time_counts;
    DELETE FROM delivery_hour_counts;
    INSERT INTO delivery_daily_counts (account_id, month, day, campaign_id, sender_name, country, network, status, error_code, messages)
    SELECT m.account_id, g.month,
           CASE WHEN g.month THEN date_trunc('month', m.created_at AT TIME ZONE a.time_zone)::date ELSE (m.created_at AT TIME ZONE a.time_zone)::date END,
           m.campaign_id, m.sender_name, m.country, m.network, m.status, m.error_code, count(*)
      FROM messages m JOIN accounts a ON a.id = m.account_id CROSS JOIN (VALUES (false), (true)) g(month)  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    INSERT INTO delivery_time_counts (account_id, month, day, campaign_id, network, delivered, bucket, messages)
    SELECT m.account_id, g.month,
           CASE WHEN g.month THEN date_trunc('month', m.created_at AT TIME ZONE a.time_zone)::date ELSE (m.created_at AT TIME ZONE a.time_zone)::date END,
           m.campaign_id, m.network, m.status = 404, delivery_time_bucket(m.sent_at, m.done_at), count(*)
      FROM messages m JOIN accounts a ON a.id = m.account_id CROSS JOIN (VALUES (false), (true)) g(month)
     WHERE m.status IN (401, 402, 404, 405, 406, 407, 408, 412) AND delivery_time_bucket(m.sent_at, m.done_at) IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO delivery_hour_counts (account_id, day, hour, outcome, messages)
    SELECT m.account_id, (m.created_at AT TIME ZONE a.time_zone)::date, extract(hour FROM m.created_at AT TIME ZONE a.time_zone)::smallint, delivery_outcome(m.status), count(*)
      FROM messages m JOIN accounts a ON a.id = m.account_id  GROUP BY 1, 2, 3, 4;
  ELSE
    DELETE FROM delivery_daily_counts WHERE account_id = p_account;
    DELETE FROM delivery_time_counts WHERE account_id = p_account;
    DELETE FROM delivery_hour_counts WHERE account_id = p_account;
    INSERT INTO delivery_daily_counts (account_id, month, day, campaign_id, sender_name, country, network, status, error_code, messages)
    SELECT m.account_id, g.month,
           CASE WHEN g.month THEN date_trunc('month', m.created_at AT TIME ZONE a.time_zone)::date ELSE (m.created_at AT TIME ZONE a.time_zone)::date END,
           m.campaign_id, m.sender_name, m.country, m.network, m.status, m.error_code, count(*)
      FROM messages m JOIN accounts a ON a.id = m.account_id CROSS JOIN (VALUES (false), (true)) g(month) WHERE m.account_id = p_account GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    INSERT INTO delivery_time_counts (account_id, month, day, campaign_id, network, delivered, bucket, messages)
    SELECT m.account_id, g.month,
           CASE WHEN g.month THEN date_trunc('month', m.created_at AT TIME ZONE a.time_zone)::date ELSE (m.created_at AT TIME ZONE a.time_zone)::date END,
           m.campaign_id, m.network, m.status = 404, delivery_time_bucket(m.sent_at, m.done_at), count(*)
      FROM messages m JOIN accounts a ON a.id = m.account_id CROSS JOIN (VALUES (false), (true)) g(month)
     WHERE m.account_id = p_account AND m.status IN (401, 402, 404, 405, 406, 407, 408, 412) AND delivery_time_bucket(m.sent_at, m.done_at) IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO delivery_hour_counts (account_id, day, hour, outcome, messages)
    SELECT m.account_id, (m.created_at AT TIME ZONE a.time_zone)::date, extract(hour FROM m.created_at AT TIME ZONE a.time_zone)::smallint, delivery_outcome(m.status), count(*)
      FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.account_id = p_account GROUP BY 1, 2, 3, 4;
  END IF;
END;
$$;--> statement-breakpoint
SELECT delivery_counts_rebuild(NULL);
