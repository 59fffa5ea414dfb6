import type { ErpAdapter } from '../contracts/erp-port.js';
import { erpUnitMap, type PlantModel } from '../contracts/messages/plant-model.js';
import { RestErpAdapter, type RestErpConfig } from './rest/adapter.js';
import { S4HanaErpAdapter } from './s4hana/adapter.js';
import type { SapConnection } from './s4hana/odata-session.js';
import { SimErpAdapter } from './sim/adapter.js';

export type ErpAdapterConfig =
  | { adapter: 'sim'; simUrl: string; timeoutMs?: number; commitWindowMs?: number }
  | ({ adapter: 's4hana' } & SapConnection)
  | ({ adapter: 'rest' } & RestErpConfig);

/** Picks the ERP adapter named by configuration. */
export function createErpAdapter(config: ErpAdapterConfig): ErpAdapter {
  switch (config.adapter) {
    case 'sim':
      return new SimErpAdapter({ baseUrl: config.simUrl, timeoutMs: config.timeoutMs, commitWindowMs: config.commitWindowMs });
    case 's4hana':
      return new S4HanaErpAdapter(config);
    case 'rest':
      return new RestErpAdapter(config);
  }
}

/**
 * SAP's configuration with the plant file's unit mapping (`erpUnits`, docs/erp-s4hana.md) unless it brings its own;
 * other adapters, or no plant file, unchanged.
 */
export function withPlantUnits(config: ErpAdapterConfig, plant: Pick<PlantModel, 'erpUnits'> | undefined): ErpAdapterConfig {
  return config.adapter === 's4hana' && !config.units && plant ? { ...config, units: erpUnitMap(plant) } : config;
}
