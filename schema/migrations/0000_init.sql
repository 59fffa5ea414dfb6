CREATE TABLE "erp_postings" (
	"workflow_id" text NOT NULL,
	"posting_seq" integer NOT NULL,
	"posting_key" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"request" jsonb NOT NULL,
	"erp_document" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"posted_at" timestamp with time zone,
	CONSTRAINT "erp_postings_workflow_id_posting_seq_pk" PRIMARY KEY("workflow_id","posting_seq")
);
--> statement-breakpoint
CREATE TABLE "bom_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"material" text NOT NULL,
	"position" integer NOT NULL,
	"component" text NOT NULL,
	"quantity_per" numeric(16, 3) NOT NULL,
	"unit" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cost_centers" (
	"site_code" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "cost_centers_site_code_code_pk" PRIMARY KEY("site_code","code")
);
--> statement-breakpoint
CREATE TABLE "lines" (
	"site_code" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"cost_center" text NOT NULL,
	"erp_plant" text NOT NULL,
	"storage_location" text NOT NULL,
	CONSTRAINT "lines_site_code_code_pk" PRIMARY KEY("site_code","code")
);
--> statement-breakpoint
CREATE TABLE "machines" (
	"site_code" text NOT NULL,
	"line_code" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "machines_site_code_code_pk" PRIMARY KEY("site_code","code")
);
--> statement-breakpoint
CREATE TABLE "materials" (
	"code" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"unit" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"timezone" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_orders" (
	"workflow_id" text PRIMARY KEY NOT NULL,
	"site_code" text NOT NULL,
	"erp_order_id" text NOT NULL,
	"line_code" text NOT NULL,
	"material" text NOT NULL,
	"operation" text NOT NULL,
	"planned_quantity" numeric(16, 3) NOT NULL,
	"unit" text NOT NULL,
	"status" text NOT NULL,
	"good_quantity" integer DEFAULT 0 NOT NULL,
	"scrap_quantity" integer DEFAULT 0 NOT NULL,
	"confirmation_document" text,
	"released_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bom_items" ADD CONSTRAINT "bom_items_material_materials_code_fk" FOREIGN KEY ("material") REFERENCES "public"."materials"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bom_items" ADD CONSTRAINT "bom_items_component_materials_code_fk" FOREIGN KEY ("component") REFERENCES "public"."materials"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_centers" ADD CONSTRAINT "cost_centers_site_code_sites_code_fk" FOREIGN KEY ("site_code") REFERENCES "public"."sites"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lines" ADD CONSTRAINT "lines_site_code_sites_code_fk" FOREIGN KEY ("site_code") REFERENCES "public"."sites"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "erp_postings_key" ON "erp_postings" USING btree ("posting_key");--> statement-breakpoint
CREATE UNIQUE INDEX "bom_items_material_position" ON "bom_items" USING btree ("material","position");