ALTER TABLE "erp_sim"."postings" ADD COLUMN "posting_date" date;--> statement-breakpoint
ALTER TABLE "erp_sim"."postings" ADD COLUMN "document_date" date;