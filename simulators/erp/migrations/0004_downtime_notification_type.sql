ALTER TABLE "erp_sim"."postings" ADD COLUMN "notification_type" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "breakdown" boolean;