ALTER TABLE "erp_postings" ADD COLUMN "post_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "erp_postings" ADD COLUMN "post_ended_at" timestamp with time zone;