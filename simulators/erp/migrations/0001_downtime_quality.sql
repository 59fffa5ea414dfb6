ALTER TABLE "erp_sim"."postings" ALTER COLUMN "erp_order_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "material" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "plant" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "quantity" numeric(16, 3);--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "reported_by" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "line" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "cost_center" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "machine" text;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "duration_min" numeric(12, 3);