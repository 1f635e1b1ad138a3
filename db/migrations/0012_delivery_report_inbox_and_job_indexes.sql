CREATE TABLE "delivery_report_inbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivery_report_inbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" bigint,
	"gateway_message_id" text,
	"status" smallint NOT NULL,
	"done_at" timestamp with time zone NOT NULL,
	"error_code" integer,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "api_token_failures_created_idx" ON "api_token_failures" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "messages_awaiting_report_idx" ON "messages" USING btree ("sent_at") WHERE "messages"."status" in (403, 410, 411);--> statement-breakpoint
CREATE INDEX "messages_single_queued_idx" ON "messages" USING btree (greatest("created_at", "scheduled_at")) WHERE "messages"."status" = 409 and "messages"."campaign_id" is null;--> statement-breakpoint
CREATE INDEX "sign_in_attempts_created_idx" ON "sign_in_attempts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "user_sessions_created_idx" ON "user_sessions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "user_sessions_ended_idx" ON "user_sessions" USING btree ("ended_at") WHERE "user_sessions"."ended_at" is not null;