import path from 'node:path';
import type { EdgeTag } from '../../contracts/messages/edge-config.js';
import { PlantModel } from '../../contracts/messages/plant-model.js';
import { loadPlantModel } from '../../seed/plant-file.js';
import { projectRoot } from '../../stack/paths.js';

/** A machine's good and scrap counters as the OPC UA line simulator serves them (`ns=1;s=<machine>.Good`). */
export const simCounterTags = (machine: string, dataType: 'UInt16' | 'UInt32'): EdgeTag[] =>
  (['good', 'scrap'] as const).map((counter) => ({
    name: counter,
    nodeId: `ns=1;s=${machine}.${counter === 'good' ? 'Good' : 'Scrap'}`,
    kind: 'counter',
    counter,
    dataType,
    samplingMs: 20,
    windowMs: 200,
  }));

/** A machine's `Temperature` AnalogItem as the simulator serves it, read as the analog tag `temperature` in CEL. */
export const simTemperatureTag = (machine: string): EdgeTag => ({
  name: 'temperature',
  nodeId: `ns=1;s=${machine}.Temperature`,
  kind: 'analog',
  unit: 'CEL',
  samplingMs: 20,
  deadband: { type: 'absolute', value: 0 },
  serverDeadband: true,
  minIntervalMs: 0,
});

export interface SimLineSpec {
  /** The OPC UA simulator's endpoint every machine of the line is read from. */
  endpoint: string;
  line: string;
  name: string;
  /** `temperature`: the machine's temperature is read too (`simTemperatureTag`). */
  machines: Array<{ code: string; name: string; dataType: 'UInt16' | 'UInt32'; temperature?: boolean }>;
  countingPoints: string[];
  /** One piece per cycle (ms); the plant file's idealCycleTimeS says the same, so honest counts are plausible. */
  cycleMs: number;
}

/** The demo plant (without its demo orders) and one more line in its first site, read from the OPC UA line simulator. */
export async function plantWithSimLine(spec: SimLineSpec): Promise<PlantModel> {
  const demo = await loadPlantModel(path.join(projectRoot, 'seed', 'demo-plant.yaml'));
  const site = demo.sites[0]!;
  const machine = (m: SimLineSpec['machines'][number]) => ({
    code: m.code,
    name: m.name,
    idealCycleTimeS: spec.cycleMs / 1_000,
    opcua: { endpoint: spec.endpoint, securityMode: 'None', securityPolicy: 'None', tags: [...simCounterTags(m.code, m.dataType), ...(m.temperature ? [simTemperatureTag(m.code)] : [])] },
  });
  return PlantModel.parse({
    ...demo,
    demoOrders: [],
    sites: [{
      ...site,
      lines: [...site.lines, {
        code: spec.line, name: spec.name, costCenter: 'CC4200', erpPlant: '1010', storageLocation: '0002', countingPoints: spec.countingPoints,
        machines: spec.machines.map(machine),
      }],
    }],
  });
}
