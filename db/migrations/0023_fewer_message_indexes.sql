DROP INDEX "messages_account_pending_idx";--> statement-breakpoint
DROP INDEX "messages_campaign_idx";