CREATE TABLE "counter_holds" (
	"event_id" text PRIMARY KEY NOT NULL,
	"site_code" text NOT NULL,
	"line_code" text NOT NULL,
	"machine_code" text NOT NULL,
	"tag" text NOT NULL,
	"counter" text NOT NULL,
	"reason" text NOT NULL,
	"delta" integer NOT NULL,
	"limit" integer,
	"elapsed_ms" integer NOT NULL,
	"raw" double precision NOT NULL,
	"readings" jsonb NOT NULL,
	"source_time" timestamp with time zone NOT NULL,
	"shift" jsonb,
	"counting_point" boolean NOT NULL,
	"workflow_id" text,
	"erp_order_id" text,
	"status" text DEFAULT 'held' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"counted_to" text,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "machine_counts" (
	"site_code" text NOT NULL,
	"machine_code" text NOT NULL,
	"line_code" text NOT NULL,
	"shift_date" text NOT NULL,
	"shift_code" text NOT NULL,
	"good" bigint DEFAULT 0 NOT NULL,
	"scrap" bigint DEFAULT 0 NOT NULL,
	"total" bigint DEFAULT 0 NOT NULL,
	"events" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "machine_counts_site_code_machine_code_shift_date_shift_code_pk" PRIMARY KEY("site_code","machine_code","shift_date","shift_code")
);
--> statement-breakpoint
ALTER TABLE "machines" ADD COLUMN "counting_point" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX "counter_holds_status" ON "counter_holds" USING btree ("site_code","status","line_code");