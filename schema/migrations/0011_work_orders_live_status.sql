ALTER TABLE "work_orders" ADD COLUMN "status_doc" jsonb;--> statement-breakpoint
ALTER TABLE "work_orders" ADD COLUMN "as_of" timestamp with time zone;