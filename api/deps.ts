import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';

export interface ApiDeps {
  db: Db;
  client: Client;
  /** Shared secret of the ERP release webhook; without it the webhook answers 503. */
  webhookSecret?: string;
}
