import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { FixPending, ReconciliationScope, ScopeReconciliation } from '../contracts/messages/reconciliation.js';
import type { FixResult, ReconciliationReport } from './schemas/orders.js';

export interface ApiDeps {
  db: Db;
  client: Client;
  /** Shared secret of the ERP release webhook; without it the webhook answers 503. */
  webhookSecret?: string;
  /** Compares an order's shop-floor truth with what the ERP holds (wired with the ERP adapter by the process). */
  reconcile?: (site: string, erpOrderId: string) => Promise<ReconciliationReport>;
  /** Applies a reconciliation's automatic fixes (post the missing, reverse the extra) and reconciles again. */
  fixReconciliation?: (site: string, erpOrderId: string, requestedBy: string) => Promise<FixResult | FixPending>;
  /** Reconciles every order of a line or a period. */
  reconcileScope?: (scope: ReconciliationScope) => Promise<ScopeReconciliation>;
}
