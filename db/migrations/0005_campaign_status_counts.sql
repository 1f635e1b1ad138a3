CREATE TABLE "campaign_status_counts" (
	"campaign_id" uuid NOT NULL,
	"status" smallint NOT NULL,
	"messages" integer NOT NULL,
	"points" bigint NOT NULL,
	CONSTRAINT "campaign_status_counts_campaign_id_status_pk" PRIMARY KEY("campaign_id","status")
);
--> statement-breakpoint
ALTER TABLE "campaign_status_counts" ADD CONSTRAINT "campaign_status_counts_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;