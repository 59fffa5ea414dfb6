import { RestErpAdapter, type RestErpConfig } from '../rest/adapter.js';

/** The simulator answers at its own routes, which are the REST adapter's defaults. */
export type SimErpConfig = Omit<RestErpConfig, 'paths'>;

/** Adapter for the built-in ERP simulator: the generic REST adapter at the simulator's own routes. */
export class SimErpAdapter extends RestErpAdapter {
  override readonly name = 'sim';
  constructor(config: SimErpConfig) {
    super(config);
  }
}
