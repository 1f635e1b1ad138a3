CREATE TABLE "idempotency_keys" (
	"account_id" integer NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_account_id_key_pk" PRIMARY KEY("account_id","key")
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "gateway_message_id" text;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_message_refund_key" ON "ledger_entries" USING btree ("message_id") WHERE "ledger_entries"."kind" = 'refund' and "ledger_entries"."message_id" is not null;--> statement-breakpoint
CREATE INDEX "messages_campaign_queued_idx" ON "messages" USING btree ("campaign_id","id") WHERE "messages"."status" = 409 and "messages"."campaign_id" is not null;--> statement-breakpoint
CREATE INDEX "messages_gateway_id_idx" ON "messages" USING btree ("gateway_message_id") WHERE "messages"."gateway_message_id" is not null;