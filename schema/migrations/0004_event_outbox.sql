CREATE TABLE "outbox" (
	"workflow_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"target" jsonb NOT NULL,
	"delta" jsonb NOT NULL,
	"range_to" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_workflow_id_seq_pk" PRIMARY KEY("workflow_id","seq")
);
--> statement-breakpoint
CREATE TABLE "outbox_heads" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "seen_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "seen_events_seen_at" ON "seen_events" USING btree ("seen_at");