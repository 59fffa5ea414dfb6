CREATE TABLE "unassigned_production" (
	"event_id" text PRIMARY KEY NOT NULL,
	"site_code" text NOT NULL,
	"line_code" text NOT NULL,
	"machine_code" text NOT NULL,
	"source_time" timestamp with time zone NOT NULL,
	"good" integer NOT NULL,
	"scrap" integer NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"assigned_to" text,
	"assigned_by" text,
	"assigned_at" timestamp with time zone,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "unassigned_production_open" ON "unassigned_production" USING btree ("site_code","line_code","status");