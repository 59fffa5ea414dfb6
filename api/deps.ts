import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { Reconciliations } from '../services/reconciliation/reconcile.js';
import type { ReportRefusedRelease } from '../services/release-check.js';
import type { SapIntakeDeps } from '../services/sap-intake.js';

export interface ApiDeps {
  db: Db;
  client: Client;
  /** Shared secret of the ERP release webhook; without it the webhook answers 503. */
  webhookSecret?: string;
  /** Reconciliation, wired with the ERP adapter by the process; without it those routes answer 503. */
  reconciliation?: Reconciliations;
  /**
   * Sends a release the webhook refused to the exceptions stream (services/release-check.ts `publishRefusedRelease`),
   * so a person sees it; without it the refusal is only the webhook's 4xx answer.
   */
  reportRefusedRelease?: ReportRefusedRelease;
  /** SAP's business events (POST /webhooks/sap/events); without it that route answers 503. */
  sapIntake?: SapIntakeDeps;
  /** NATS, for the supervisor page's live stream (work in progress, exception notices); without it that stream answers 503. */
  nc?: NatsConnection;
  /** Publishes a parked message again (the exception inbox's `retry`); without it that retry answers 503. */
  republish?: (subject: string, payload: string) => Promise<void>;
}
