CREATE TABLE "shift_oee" (
	"site_code" text NOT NULL,
	"line_code" text NOT NULL,
	"shift_date" text NOT NULL,
	"shift_code" text NOT NULL,
	"workflow_id" text NOT NULL,
	"crew" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"good" bigint NOT NULL,
	"scrap" bigint NOT NULL,
	"availability" double precision,
	"performance" double precision,
	"quality" double precision,
	"oee" double precision,
	"summary" jsonb NOT NULL,
	"written_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shift_oee_site_code_line_code_shift_date_shift_code_pk" PRIMARY KEY("site_code","line_code","shift_date","shift_code")
);
--> statement-breakpoint
CREATE INDEX "shift_oee_line_start" ON "shift_oee" USING btree ("site_code","line_code","starts_at");