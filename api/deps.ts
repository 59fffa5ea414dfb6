import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { Reconciliations } from '../services/reconciliation/reconcile.js';
import type { SapIntakeDeps } from '../services/sap-intake.js';

export interface ApiDeps {
  db: Db;
  client: Client;
  /** Shared secret of the ERP release webhook; without it the webhook answers 503. */
  webhookSecret?: string;
  /** Reconciliation, wired with the ERP adapter by the process; without it those routes answer 503. */
  reconciliation?: Reconciliations;
  /** SAP's business events (POST /webhooks/sap/events); without it that route answers 503. */
  sapIntake?: SapIntakeDeps;
}
