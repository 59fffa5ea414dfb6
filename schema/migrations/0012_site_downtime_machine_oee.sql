ALTER TABLE "machines" ADD COLUMN "cost_center" text;--> statement-breakpoint
ALTER TABLE "machines" ADD COLUMN "ideal_cycle_time_ms" integer;--> statement-breakpoint
ALTER TABLE "sites" ADD COLUMN "downtime" jsonb;