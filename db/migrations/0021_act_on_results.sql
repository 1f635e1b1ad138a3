CREATE TABLE "number_failures" (
	"account_id" integer NOT NULL,
	"phone" text NOT NULL,
	"failures" integer NOT NULL,
	"error_code" integer,
	"status" smallint NOT NULL,
	"last_message_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"suppressed_at" timestamp with time zone,
	CONSTRAINT "number_failures_account_id_phone_pk" PRIMARY KEY("account_id","phone")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "suppress_after" smallint DEFAULT 3;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "skipped_suppressed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "follows_campaign_id" uuid;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "guard_failure_percent" smallint DEFAULT 20;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "guard_window" smallint DEFAULT 200 NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "guard_recent" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "guard_tripped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "guard_failed" integer;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "guard_reports" integer;--> statement-breakpoint
ALTER TABLE "number_failures" ADD CONSTRAINT "number_failures_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "number_failures_suppressed_idx" ON "number_failures" USING btree ("account_id","suppressed_at" DESC NULLS FIRST,"phone") WHERE "number_failures"."suppressed_at" is not null;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_follows_campaign_id_campaigns_id_fk" FOREIGN KEY ("follows_campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaigns_follows_key" ON "campaigns" USING btree ("follows_campaign_id") WHERE "campaigns"."follows_campaign_id" is not null;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_suppress_after_range" CHECK ("accounts"."suppress_after" between 1 and 20);--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_guard_percent_range" CHECK ("campaigns"."guard_failure_percent" between 1 and 99);--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_guard_window_range" CHECK ("campaigns"."guard_window" between 20 and 10000);