import { RestErpAdapter } from '../rest/adapter.js';

export interface SimErpConfig {
  baseUrl: string;
  /** Kept below the activity's start-to-close timeout so attempts never overlap. */
  timeoutMs?: number;
  /** When the simulator was started with a secret, it verifies signatures like any REST ERP. */
  hmacSecret?: string;
}

/** Adapter for the built-in ERP simulator: the generic REST adapter at the simulator's own routes. */
export class SimErpAdapter extends RestErpAdapter {
  override readonly name = 'sim';
  constructor(config: SimErpConfig) {
    super(config);
  }
}
