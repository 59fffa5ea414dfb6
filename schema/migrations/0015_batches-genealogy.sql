CREATE TABLE "batch_consumptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"posting_key" text NOT NULL,
	"workflow_id" text NOT NULL,
	"site_code" text NOT NULL,
	"erp_order_id" text NOT NULL,
	"line_code" text NOT NULL,
	"item_no" integer NOT NULL,
	"material" text NOT NULL,
	"batch" text NOT NULL,
	"quantity" numeric(16, 3) NOT NULL,
	"unit" text NOT NULL,
	"staged_batch_id" integer,
	"consumed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "order_outputs" (
	"posting_key" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"site_code" text NOT NULL,
	"erp_order_id" text NOT NULL,
	"line_code" text NOT NULL,
	"material" text NOT NULL,
	"batch" text NOT NULL,
	"yield_qty" numeric(16, 3) NOT NULL,
	"unit" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_serials" (
	"material" text NOT NULL,
	"serial" text NOT NULL,
	"site_code" text NOT NULL,
	"erp_order_id" text NOT NULL,
	"position" integer NOT NULL,
	"source" text NOT NULL,
	"posting_key" text,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staged_batches" (
	"id" serial PRIMARY KEY NOT NULL,
	"site_code" text NOT NULL,
	"line_code" text NOT NULL,
	"material" text NOT NULL,
	"batch" text NOT NULL,
	"quantity" numeric(16, 3) NOT NULL,
	"unit" text NOT NULL,
	"source" text NOT NULL,
	"erp_order_id" text,
	"staged_by" text NOT NULL,
	"staged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "serialized" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "batch_consumptions_key_item_batch" ON "batch_consumptions" USING btree ("posting_key","item_no","batch");--> statement-breakpoint
CREATE INDEX "batch_consumptions_batch" ON "batch_consumptions" USING btree ("material","batch");--> statement-breakpoint
CREATE INDEX "batch_consumptions_order" ON "batch_consumptions" USING btree ("site_code","erp_order_id");--> statement-breakpoint
CREATE INDEX "order_outputs_batch" ON "order_outputs" USING btree ("material","batch");--> statement-breakpoint
CREATE INDEX "order_outputs_order" ON "order_outputs" USING btree ("site_code","erp_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_serials_material_serial" ON "order_serials" USING btree ("material","serial");--> statement-breakpoint
CREATE UNIQUE INDEX "order_serials_order_position" ON "order_serials" USING btree ("site_code","erp_order_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "staged_batches_line_batch" ON "staged_batches" USING btree ("site_code","line_code","material","batch");