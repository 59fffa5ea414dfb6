import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { SimLineOptions } from '../simulators/opcua-line/config.js';
import { seededRandom } from '../simulators/seeded-random.js';
import type { SoakCalendar } from './shift-calendar.js';

/**
 * The soak's plant: one site, three lines of the shapes a plant has. `line-a` two presses side by side (both are
 * counting points), `line-b` one robot, `line-c` a welder and a packer in series (only the packer counts). Every
 * machine is served by the OPC UA line simulator at `endpoint`.
 */
export const SITE = 'soak1';
export const LINES = {
  'line-a': { machines: ['press-a1', 'press-a2'], countingPoints: ['press-a1', 'press-a2'], material: 'BRACKET-A', storage: '0001', costCenter: 'CC4100' },
  'line-b': { machines: ['robot-b1'], countingPoints: ['robot-b1'], material: 'BRACKET-A', storage: '0002', costCenter: 'CC4200' },
  'line-c': { machines: ['weld-c1', 'pack-c1'], countingPoints: ['pack-c1'], material: 'FRAME-C', storage: '0002', costCenter: 'CC4200' },
} as const;
export type LineCode = keyof typeof LINES;
export const LINE_CODES = Object.keys(LINES) as LineCode[];
/** The finished materials' BOMs (components per piece), as the plant file states them and the checks expect them. */
export const BOMS: Record<string, Array<{ component: string; quantityPer: string; unit: string }>> = {
  'BRACKET-A': [{ component: 'SHEET-2MM', quantityPer: '0.25', unit: 'KG' }, { component: 'SCREW-M6', quantityPer: '4', unit: 'PC' }],
  'FRAME-C': [{ component: 'TUBE-20', quantityPer: '1.5', unit: 'M' }, { component: 'SCREW-M6', quantityPer: '2', unit: 'PC' }],
};
/** The ERP plant every line posts to (SAP's WERKS: four characters); downtime is read back by it. */
export const ERP_PLANT = '1010';
export const COUNTING_POINTS: string[] = LINE_CODES.flatMap((l) => [...LINES[l].countingPoints]);

const tags = (code: string) => [
  { name: 'good', nodeId: `ns=1;s=${code}.Good`, kind: 'counter', counter: 'good', dataType: 'UInt32', windowMs: 1000 },
  { name: 'scrap', nodeId: `ns=1;s=${code}.Scrap`, kind: 'counter', counter: 'scrap', dataType: 'UInt32', windowMs: 1000 },
  { name: 'state', nodeId: `ns=1;s=${code}.State`, kind: 'state', debounceMs: 500, map: { RUN: 'running', IDLE: 'idle', STOP: 'stopped' } },
  { name: 'alarm', nodeId: `ns=1;s=${code}.AlarmActive`, kind: 'alarm', code: 'STOP-ALARM', text: 'Machine stopped with an alarm' },
];

/** The soak site's time zone: the calendar's local times are read in it. */
export const SITE_TIME_ZONE = 'Europe/Berlin';

/**
 * The plant file (YAML) with every machine read from `endpoint`; with `calendar` (soak/shift-calendar.ts) the site
 * works to it, without it to the engine's default shifts.
 */
export function soakPlantYaml(endpoint: string, calendar?: SoakCalendar): string {
  return stringify({
    v: 1,
    sites: [
      {
        code: SITE,
        name: 'Soak plant',
        timezone: SITE_TIME_ZONE,
        costCenters: [{ code: 'CC4100', name: 'Stamping' }, { code: 'CC4200', name: 'Assembly' }],
        lines: LINE_CODES.map((code) => ({
          code,
          name: `Soak ${code}`,
          costCenter: LINES[code].costCenter,
          erpPlant: ERP_PLANT,
          storageLocation: LINES[code].storage,
          countingPoints: [...LINES[code].countingPoints],
          machines: LINES[code].machines.map((m) => ({
            code: m,
            name: m,
            // Faster than the simulator's 0.9-1.6 s cycles: the edge's plausibility limit never holds a true count.
            idealCycleTimeS: 0.5,
            opcua: { endpoint, securityMode: 'None', securityPolicy: 'None', tags: tags(m) },
          })),
        })),
      },
    ],
    materials: [
      { code: 'BRACKET-A', description: 'Mounting bracket A', unit: 'PC', bom: BOMS['BRACKET-A'] },
      { code: 'FRAME-C', description: 'Welded frame C', unit: 'PC', bom: BOMS['FRAME-C'] },
      { code: 'SHEET-2MM', description: 'Steel sheet 2 mm', unit: 'KG' },
      { code: 'SCREW-M6', description: 'Screw M6x16', unit: 'PC' },
      { code: 'TUBE-20', description: 'Steel tube 20 mm', unit: 'M' },
    ],
    ...(calendar ? { shiftCalendars: [calendar] } : {}),
  });
}

/** Writes `soakPlantYaml(endpoint, calendar)` to `file`. @throws the file system's error. */
export const writeSoakPlant = (file: string, endpoint: string, calendar?: SoakCalendar) => writeFile(file, soakPlantYaml(endpoint, calendar));

/** The simulated machines: a piece a second or so, some scrap, a stop with its alarm now and then; idle until started. */
export function soakSimOptions(seed: number, certDir: string): SimLineOptions {
  const machines = LINE_CODES.flatMap((l) => LINES[l].machines);
  return {
    port: 0,
    certDir,
    seed,
    running: false,
    machines: machines.map((code, i) => ({ code, cycleMs: 900 + 100 * i, scrapRate: 0.05, stopEvery: 45, stopCycles: 4 })),
  };
}

/**
 * The order book, drawn from the seed: order `n` of a line (numbered from `base`), its quantity and policy. Partial
 * confirmations every 5 to 15 pieces, goods receipt on two orders of three.
 */
export function soakRelease(seed: number, base: number, line: LineCode, n: number): OrderReleased {
  const r = seededRandom(seed * 131 + LINE_CODES.indexOf(line) * 7919 + n);
  const erpOrderId = String(base + LINE_CODES.indexOf(line) * 10_000 + n);
  return {
    v: 1,
    site: SITE,
    erpOrderId,
    material: LINES[line].material,
    quantity: String(20 + Math.floor(r() * 40)),
    unit: 'PC',
    line,
    operation: '0010',
    releasedAt: new Date().toISOString(),
    confirmationPolicy: { partialEvery: 5 + Math.floor(r() * 11), goodsReceipt: n % 3 !== 2, overdeliveryTolerancePct: 10 },
  };
}
