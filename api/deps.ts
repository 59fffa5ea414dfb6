import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { FixPending, FixResult, Reconciliation, ReconciliationScope, ScopeReconciliation } from '../contracts/messages/reconciliation.js';

export interface ApiDeps {
  db: Db;
  client: Client;
  /** Shared secret of the ERP release webhook; without it the webhook answers 503. */
  webhookSecret?: string;
  /** Reconciliation, wired with the ERP adapter by the process; without it those routes answer 503. */
  reconciliation?: Reconciliations;
}

/** An order's shop floor against the ERP, a line's or a period's, and the fixes the engine can post. */
export interface Reconciliations {
  order(site: string, erpOrderId: string): Promise<Reconciliation>;
  scope(scope: ReconciliationScope): Promise<ScopeReconciliation>;
  /** Applies a reconciliation's automatic fixes (post the missing, reverse the extra) and reconciles again. */
  fix(site: string, erpOrderId: string, requestedBy: string): Promise<FixResult | FixPending>;
}
