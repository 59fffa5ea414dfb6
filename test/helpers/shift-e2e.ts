import type { MachineEvent, MachineState } from '../../contracts/messages/machine-event.js';
import { PlantModel } from '../../contracts/messages/plant-model.js';
import { downtimeMasterInput } from './downtime-master.js';
import { plantWithSimLine } from './sim-plant.js';

// The scripted line of test/long/shift-oee-e2e.test.ts: two short shifts from the line's own calendar, what its
// machines report in them (seconds after T1's start), and the plant with the downtime master data that classifies it.

export const SITE = 'plant9';
export const LINE = 'line-9';
/**
 * Two machines side by side, both counting points (the bridge gives a shift the pieces of counting points only); the
 * first has its own cost center, the other is charged to the line's (CC4200).
 */
export const M1 = 'e2e-1';
export const M2 = 'e2e-2';
/** Both machines' ideal cycle time (ms): the plant file's `idealCycleTimeS` 0.5. */
export const CYCLE_MS = 500;
const TIME_ZONE = 'Europe/Berlin';
const SEC = 1_000;
/** T1 lasts 3 minutes with a break in its second; T2 follows for 1 minute. */
export const T1_S = 180;
export const BREAK_S = { from: 60, to: 120 };
export const T2_S = 60;

/** One step of the script: at `s` seconds after T1's start, a machine's state, alarm or pieces. */
export type Step =
  | { s: number; machine: string; state: MachineState }
  | { s: number; machine: string; alarm: string; active: boolean }
  | { s: number; machine: string; good: number; scrap?: number };

/**
 * The script. e2e-1: running from T1's start; 20-40 a fault with E-101 raised at 20.5 (die-jam, reported when it
 * ends); 50-53 a 3-second fault with E-101 (a micro-stop: never reported); 100-130 idle, half of it in the break;
 * 140-150 setup, which the operator makes a planned cleaning; from 170 a fault with no alarm, across T1's end, until
 * 15 s into T2. e2e-2: running from T1's start, idle 10-25. Pieces: e2e-1 120 good and 6 scrap in T1, 80 good in T2;
 * e2e-2 150 good in T1.
 */
export const SCRIPT: Step[] = [
  { s: 0, machine: M1, state: 'running' }, { s: 0, machine: M2, state: 'running' },
  { s: 10, machine: M1, good: 60, scrap: 3 }, { s: 10, machine: M2, state: 'idle' },
  { s: 20, machine: M1, state: 'fault' }, { s: 20.5, machine: M1, alarm: 'E-101', active: true },
  { s: 25, machine: M2, state: 'running' }, { s: 30, machine: M2, good: 150 },
  { s: 39, machine: M1, alarm: 'E-101', active: false }, { s: 40, machine: M1, state: 'running' },
  { s: 50, machine: M1, state: 'fault' }, { s: 50.5, machine: M1, alarm: 'E-101', active: true },
  { s: 52, machine: M1, alarm: 'E-101', active: false }, { s: 53, machine: M1, state: 'running' },
  { s: 100, machine: M1, state: 'idle' }, { s: 130, machine: M1, state: 'running' },
  { s: 140, machine: M1, state: 'setup' }, { s: 150, machine: M1, state: 'running' },
  { s: 160, machine: M1, good: 60, scrap: 3 }, { s: 170, machine: M1, state: 'fault' },
  { s: T1_S + 15, machine: M1, state: 'running' }, { s: T1_S + 30, machine: M1, good: 80 },
];

/** The step's machine event as the edge publishes it, `eventId` unique to the run. */
export function eventOf(step: Step, t1Ms: number, run: string, n: number): MachineEvent {
  const base = { v: 1 as const, eventId: `${run}:${n}`, site: SITE, line: LINE, machine: step.machine, quality: 'good' as const, sourceTime: new Date(t1Ms + step.s * SEC).toISOString() };
  if ('state' in step) return { ...base, tag: 'State', kind: 'state', state: step.state, previous: null };
  if ('alarm' in step) return { ...base, tag: 'AlarmActive', kind: 'alarm', code: step.alarm, active: step.active };
  throw new Error('pieces are two events: use piecesOf');
}

/** A pieces step as its counter events (good, and scrap when there is some). */
export function piecesOf(step: Extract<Step, { good: number }>, t1Ms: number, run: string, n: number): MachineEvent[] {
  const base = { v: 1 as const, site: SITE, line: LINE, machine: step.machine, quality: 'good' as const, sourceTime: new Date(t1Ms + step.s * SEC).toISOString(), kind: 'counter' as const, raw: 0 };
  return [
    { ...base, eventId: `${run}:${n}:good`, tag: 'Good', counter: 'good', delta: step.good },
    ...(step.scrap ? [{ ...base, eventId: `${run}:${n}:scrap`, tag: 'Scrap', counter: 'scrap' as const, delta: step.scrap }] : []),
  ];
}

/** The site's local `HH:MM` and date of an instant. */
const local = (ms: number) => ({
  hhmm: new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms),
  date: new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms),
});

/** T1's date as the calendar names it (its start's local date). */
export const shiftDate = (t1Ms: number) => local(t1Ms).date;

/**
 * The demo plant and a site of its own, plant9 (seeded for the first time, so its calendar may start anywhere), with
 * line-9: machines e2e-1 and e2e-2, read from an OPC UA endpoint no test starts (the script publishes their events
 * instead); a calendar with T1 (its break in the middle minute) and T2 every day at T1's local time; the downtime
 * master data of test/helpers/downtime-master.ts with a 5-second micro-stop threshold, die-jam reported when the
 * stop ends, the planned cleaning as a Z1 notification at the shift's end.
 */
export async function e2ePlant(t1Ms: number): Promise<PlantModel> {
  const plant = await plantWithSimLine({
    endpoint: 'opc.tcp://127.0.0.1:4899', line: LINE, name: 'OEE line 9', countingPoints: [M1, M2], cycleMs: CYCLE_MS,
    machines: [{ code: M1, name: 'Press e2e 1', dataType: 'UInt32' }, { code: M2, name: 'Press e2e 2', dataType: 'UInt32' }],
  });
  const demo = plant.sites[0]!;
  const line = demo.lines.find((l) => l.code === LINE)!;
  const at = (s: number) => local(t1Ms + s * SEC).hhmm;
  const master = { ...downtimeMasterInput(), site: SITE, microStopS: 5, alarmReasons: [{ alarm: 'E-101', reason: 'die-jam' }], idealCycleTimes: [] };
  for (const r of master.categories.flatMap((c) => c.reasons as Array<Record<string, unknown>>))
    if (r.code === 'die-jam') r.erp = { report: 'malfunction', when: 'stop-end' };
  return PlantModel.parse({
    ...plant,
    sites: [
      { ...demo, lines: demo.lines.filter((l) => l !== line) },
      {
        ...demo, code: SITE, name: 'OEE plant 9',
        costCenters: [...demo.costCenters, { code: 'CC4150', name: 'Press e2e 1' }, { code: 'CC4900', name: 'Maintenance' }],
        lines: [{ ...line, machines: line.machines.map((m) => (m.code === M1 ? { ...m, costCenter: 'CC4150' } : m)) }],
      },
    ],
    shiftCalendars: [
      ...(plant.shiftCalendars ?? []),
      {
        site: SITE,
        versions: [{
          validFrom: '1970-01-01T00:00:00Z',
          shifts: [
            { code: 'T1', start: at(0), end: at(T1_S), breaks: [{ start: at(BREAK_S.from), end: at(BREAK_S.to) }] },
            { code: 'T2', start: at(T1_S), end: at(T1_S + T2_S) },
          ],
        }],
      },
    ],
    downtime: [...(plant.downtime ?? []), master],
  });
}
