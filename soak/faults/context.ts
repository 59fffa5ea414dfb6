import type { NatsConnection } from '@nats-io/transport-node';
import type { OrderReleased } from '../../contracts/messages/order-release.js';
import type { SimLine } from '../../simulators/opcua-line/server.js';
import type { Stack } from '../../stack/index.js';
import type { Supervisor } from '../supervisor.js';
import type { RecentEvents } from './recent-events.js';

/** What the fault injectors act on: the servers, the engine's processes, the ERP (simulator or SAP double), the plant and NATS. */
export interface FaultContext {
  stack: Stack;
  dataDir: string;
  supervisor: Supervisor;
  /** The ERP's root URL: its `/admin/faults` takes the plan (simulators/erp/fault-http.ts, on both ERPs). */
  erpUrl: string;
  sim: SimLine;
  /** The soak's own NATS connection (reconnects forever). */
  nc: NatsConnection;
  recent: RecentEvents;
  /** Releases published so far (duplicates are drawn from them). */
  releases: OrderReleased[];
  log(msg: string): void;
}

/** What one injection did: `skipped` when it could not act (NATS away for a message fault, say), with why. */
export interface FaultOutcome {
  ok: boolean;
  detail?: string;
}
