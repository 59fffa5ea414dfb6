import type { Db } from '../db/client.js';
import type { ErpAdapter } from '../contracts/erp-port.js';
import { createErpPostingActivities } from './erp-postings.js';
import { createGenealogyActivities } from './genealogy.js';
import { createMasterDataActivities } from './master-data.js';
import { createQualityEventActivities, type PublishJson } from './quality-events.js';
import { createReadModelActivities, type PublishWip } from './read-model.js';
import { createShiftReadModelActivities } from './shift-read-model.js';

export interface ActivityDeps {
  erp: ErpAdapter;
  db: Db;
  /** Dashboards' live WIP on NATS (workers/wiring/wip-publisher.ts); without it the read model is written alone. */
  publishWip?: PublishWip;
  /** Quality alerts and run-rule warnings on NATS (activities/quality-events.ts); without it they are logged as not sent. */
  publishJson?: PublishJson;
}

export function createActivities(deps: ActivityDeps) {
  return { ...createErpPostingActivities(deps), ...createMasterDataActivities(deps), ...createReadModelActivities(deps), ...createShiftReadModelActivities(deps), ...createGenealogyActivities(deps), ...createQualityEventActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
