import { bigserial, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Planner API tokens: only a SHA-256 of each token is stored; the token itself is shown once, at creation. */
export const apiTokens = pgTable('api_tokens', {
  name: text('name').primaryKey(),
  role: text('role').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  /** The places the token's role holds for (api/scope.ts `TokenScopes`); null: every site and line. */
  scopes: jsonb('scopes'),
});

/** Every state-changing API call: who, in which role, did what to which target. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actor: text('actor').notNull(),
  role: text('role').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  details: jsonb('details'),
});

/** Signatures of accepted ERP webhooks, so an exact replay inside the time window is refused. */
export const webhookReceipts = pgTable('webhook_receipts', {
  signature: text('signature').primaryKey(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
