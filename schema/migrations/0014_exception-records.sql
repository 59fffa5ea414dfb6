CREATE TABLE "exception_notifications" (
	"record_id" bigint NOT NULL,
	"level" integer NOT NULL,
	"target_key" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "exception_notifications_record_id_level_target_key_pk" PRIMARY KEY("record_id","level","target_key")
);
--> statement-breakpoint
CREATE TABLE "exception_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exception_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"cause_key" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"site_code" text NOT NULL,
	"line_code" text,
	"erp_order_id" text,
	"workflow_id" text,
	"stage" text NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"repeat_count" integer DEFAULT 1 NOT NULL,
	"last_occurrence" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"assigned_to" text,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"resolution" jsonb,
	"escalation_level" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "exception_records_open_cause" ON "exception_records" USING btree ("cause_key") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "exception_records_place" ON "exception_records" USING btree ("site_code","line_code","state");