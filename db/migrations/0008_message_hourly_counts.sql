CREATE TABLE "message_hourly_counts" (
	"account_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"status" smallint NOT NULL,
	"source" "message_source" NOT NULL,
	"bulk" boolean NOT NULL,
	"messages" integer NOT NULL,
	"parts" bigint NOT NULL,
	"points" bigint NOT NULL,
	CONSTRAINT "message_hourly_counts_account_id_hour_status_source_bulk_pk" PRIMARY KEY("account_id","hour","status","source","bulk")
);
--> statement-breakpoint
ALTER TABLE "message_hourly_counts" ADD CONSTRAINT "message_hourly_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;