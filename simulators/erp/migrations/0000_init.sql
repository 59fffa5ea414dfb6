CREATE SCHEMA "erp_sim";
--> statement-breakpoint
CREATE TABLE "erp_sim"."postings" (
	"id" serial PRIMARY KEY NOT NULL,
	"document" text NOT NULL,
	"posting_key" text NOT NULL,
	"kind" text NOT NULL,
	"erp_order_id" text NOT NULL,
	"operation" text,
	"yield_qty" numeric(16, 3),
	"scrap_qty" numeric(16, 3),
	"unit" text,
	"is_final" boolean,
	"movement_type" text,
	"items" text,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "postings_document_unique" UNIQUE("document")
);
