import type { MachineOpcua } from '../contracts/messages/edge-config.js';
import type { MachineState } from '../contracts/messages/machine-event.js';
import type { PlantModel } from '../contracts/messages/plant-model.js';
import { packmlStateMap } from '../contracts/packml.js';
import type { MachineRef } from './tag-pipeline.js';

export interface EdgeMachine {
  ref: MachineRef;
  opcua: MachineOpcua;
  /** Seconds per piece at rated speed: bounds what a counter may count in an elapsed time. Needed with counter tags. */
  idealCycleTimeS?: number;
}

/** A machine's OPC UA settings with each PackML state tag's map filled in: defaults, the site's overrides, the tag's. */
function withPackml(opcua: MachineOpcua, sitePackml: Readonly<Record<string, MachineState>> | undefined): MachineOpcua {
  if (!opcua.tags.some((t) => t.kind === 'state' && t.packml)) return opcua;
  return { ...opcua, tags: opcua.tags.map((t) => (t.kind === 'state' && t.packml ? { ...t, map: { ...packmlStateMap(sitePackml), ...t.map } } : t)) };
}

/** The machines this gateway reads: those with `opcua` settings, optionally of one site only. */
export function edgeMachines(plant: PlantModel, site?: string): EdgeMachine[] {
  return plant.sites
    .filter((s) => !site || s.code === site)
    .flatMap((s) => {
      const packml = plant.downtime?.find((d) => d.site === s.code)?.packml;
      return s.lines.flatMap((l) =>
        l.machines.flatMap((m) =>
          m.opcua ? [{ ref: { site: s.code, line: l.code, machine: m.code }, opcua: withPackml(m.opcua, packml), idealCycleTimeS: m.idealCycleTimeS }] : [],
        ),
      );
    });
}

/** Machines behind the same endpoint with the same security and user share one session. */
export function groupByEndpoint(machines: EdgeMachine[]): EdgeMachine[][] {
  const groups = new Map<string, EdgeMachine[]>();
  for (const m of machines) {
    const key = [m.opcua.endpoint, m.opcua.securityMode, m.opcua.securityPolicy, m.opcua.credentialsRef ?? ''].join('|');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(m);
  }
  return [...groups.values()];
}
