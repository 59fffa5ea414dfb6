import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SiteDowntimeConfig } from '../../contracts/messages/downtime-config.js';
import { PlantModel } from '../../contracts/messages/plant-model.js';
import { projectRoot } from '../../stack/paths.js';

/**
 * A site's downtime master data as the plant file writes it (`downtime[0]` of a plant with site plant1, machines
 * press-1 and press-2, cost centers CC4100, CC4200 and CC4900): the contract tests edit it, the oee tests use it parsed.
 */
export const downtimeMasterInput = () => ({
  site: 'plant1',
  categories: [
    {
      code: 'mechanical',
      name: 'Mechanical',
      reasons: [
        { code: 'die-jam', name: 'Die jammed', planned: false, loss: 'breakdown', costCenter: 'CC4900' },
        { code: 'unexplained-fault', name: 'Fault without alarm', planned: false, loss: 'breakdown' },
      ],
    },
    {
      code: 'operational',
      name: 'Operational',
      reasons: [
        { code: 'changeover', name: 'Changeover', planned: false, loss: 'setup', erp: { report: 'none' } },
        { code: 'no-material', name: 'Waiting for material', planned: false, loss: 'idle' },
        { code: 'short-stop', name: 'Stopped by operator', planned: false, loss: 'idle' },
        { code: 'no-signal', name: 'No state known', planned: false, loss: 'idle' },
      ],
    },
    {
      code: 'planned',
      name: 'Planned stops',
      reasons: [{ code: 'cleaning', name: 'Planned cleaning', planned: true, erp: { report: 'notification', notificationType: 'Z1' } }],
    },
  ],
  stateReasons: { idle: 'no-material', stopped: 'short-stop', setup: 'changeover', fault: 'unexplained-fault', unknown: 'no-signal' },
  alarmReasons: [{ alarm: 'E-101', reason: 'die-jam' }, { alarm: 'E-101', machine: 'press-2', reason: 'unexplained-fault' }],
  microStopS: 120,
  packml: { '11': 'fault' },
  idealCycleTimes: [{ machine: 'press-1', material: 'BRACKET-A', seconds: 1.5 }],
});

/** The same, parsed. */
export const downtimeMaster = (): SiteDowntimeConfig => SiteDowntimeConfig.parse(downtimeMasterInput());

/**
 * The demo plant (seed/demo-plant.yaml) with these downtime master data and the cost centers they name (CC4150 for
 * press-1, CC4900 maintenance); `edit` changes the parsed YAML before validation.
 */
export async function demoPlantWithDowntime(edit: (p: { sites: Array<{ costCenters: unknown[]; lines: Array<{ machines: Array<Record<string, unknown>> }> }>; shiftCalendars: Array<{ versions: Array<{ shifts: Array<Record<string, unknown>> }> }> }) => void = () => {}): Promise<PlantModel> {
  const p = parseYaml(await readFile(path.join(projectRoot, 'seed/demo-plant.yaml'), 'utf8'));
  p.sites[0].costCenters.push({ code: 'CC4150', name: 'Press 1' }, { code: 'CC4900', name: 'Maintenance' });
  p.downtime = [downtimeMasterInput()];
  edit(p);
  return PlantModel.parse(p);
}
