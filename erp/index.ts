import type { ErpAdapter } from './port.js';
import { SimErpAdapter } from './sim/adapter.js';

export type ErpAdapterConfig = { adapter: 'sim'; simUrl: string };

/** Picks the ERP adapter named by configuration; s4hana and rest adapters arrive behind the same port. */
export function createErpAdapter(config: ErpAdapterConfig): ErpAdapter {
  switch (config.adapter) {
    case 'sim':
      return new SimErpAdapter({ baseUrl: config.simUrl });
  }
}
