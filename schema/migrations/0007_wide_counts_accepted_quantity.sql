ALTER TABLE "counter_holds" ALTER COLUMN "delta" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "counter_holds" ALTER COLUMN "limit" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "counter_holds" ALTER COLUMN "elapsed_ms" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "work_orders" ALTER COLUMN "good_quantity" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "work_orders" ALTER COLUMN "scrap_quantity" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "unassigned_production" ALTER COLUMN "good" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "unassigned_production" ALTER COLUMN "scrap" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "counter_holds" ADD COLUMN "accepted_quantity" bigint;