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
 * SAP's configuration with what the plant file says of SAP: its unit mapping (`erpUnits`, docs/erp-s4hana.md) unless
 * the configuration brings its own, the time zone of each ERP plant (its site's `timezone`: SAP's order dates
 * and times are the plant's local ones) and the posting periods when they are not calendar months (`erpPostingPeriods`). Other adapters, or no plant file, unchanged.
 */
export function withPlantUnits(config: ErpAdapterConfig, plant: Pick<PlantModel, 'erpUnits' | 'sites' | 'erpPostingPeriods'> | undefined): ErpAdapterConfig {
  if (config.adapter !== 's4hana' || !plant) return config;
  const plantTimeZones = Object.fromEntries(plant.sites.flatMap((s) => s.lines.map((l) => [l.erpPlant, s.timezone] as const)));
  const periods = config.postingPeriodStarts ?? plant.erpPostingPeriods;
  return { ...config, units: config.units ?? erpUnitMap(plant), plantTimeZones: config.plantTimeZones ?? plantTimeZones, ...(periods ? { postingPeriodStarts: periods } : {}) };
}
