import type { MachineState } from '../../contracts/messages/machine-event.js';
import type { AlarmChange } from '../../oee/alarm-at.js';
import { classifyStops, type ClassifyInput } from '../../oee/classify.js';
import { downtimeMaster } from './downtime-master.js';

/** UTC ms of a time on the scenario's day, 2026-03-02 (`07:00` or `07:00:01`). */
export const at = (hhmm: string): number => Date.parse(`2026-03-02T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}Z`);
export const SHIFT_A = { fromMs: at('06:00'), toMs: at('14:00') };
export const SHIFT_B = { fromMs: at('14:00'), toMs: at('22:00') };
/** Shift A's break, 09:00-09:30. */
export const BREAK_A = { startMs: at('09:00'), endMs: at('09:30') };

/**
 * The scripted shift A of line-1 (cost center CC4100): press-1 (own cost center CC4150) and press-2, with the master
 * data of test/helpers/downtime-master.ts (micro-stops under 120 s, E-101 -> die-jam, on press-2 -> unexplained-fault).
 *
 * press-1: running from 05:50; 07:00-07:20 fault, E-101 raised at 07:00:01 (within the 2 s grace): die-jam, CC4900;
 * 08:00-08:01:30 stopped (90 s: micro-stop); 08:50-09:10 idle, half of it in the break; 10:00-10:30 setup, which the
 * operator reclassifies as planned cleaning; 13:30 fault without a mapped alarm (E-999 is not mapped), still open at
 * 14:00 and running again at 14:05 (shift B).
 * press-2: first state at 06:30 (30 min unobserved); 11:00-11:10 fault with E-101 active since 10:59 (press-2's own
 * mapping: unexplained-fault); 12:00-12:01 stopped (micro), E-101 was raised at 11:59 and cleared at 11:59:30.
 */
export const timelines: Record<string, Array<[number, MachineState]>> = {
  'press-1': [
    [at('05:50'), 'running'], [at('07:00'), 'fault'], [at('07:20'), 'running'], [at('08:00'), 'stopped'], [at('08:01:30'), 'running'],
    [at('08:50'), 'idle'], [at('09:10'), 'running'], [at('10:00'), 'setup'], [at('10:30'), 'running'], [at('13:30'), 'fault'], [at('14:05'), 'running'],
  ],
  'press-2': [[at('06:30'), 'running'], [at('11:00'), 'fault'], [at('11:10'), 'running'], [at('12:00'), 'stopped'], [at('12:01'), 'running']],
};

export const alarms: AlarmChange[] = [
  { machine: 'press-1', atMs: at('07:00:01'), code: 'E-101', active: true },
  { machine: 'press-1', atMs: at('07:15'), code: 'E-101', active: false },
  { machine: 'press-1', atMs: at('13:29'), code: 'E-999', active: true },
  { machine: 'press-2', atMs: at('10:59'), code: 'E-101', active: true },
  { machine: 'press-2', atMs: at('11:05'), code: 'E-101', active: false },
  { machine: 'press-2', atMs: at('11:59'), code: 'E-101', active: true },
  { machine: 'press-2', atMs: at('11:59:30'), code: 'E-101', active: false },
];

/** The events a shift has seen by `toMs`: a shift workflow holds only what happened up to then. */
const upTo = (toMs: number) => Object.fromEntries(Object.entries(timelines).map(([m, l]) => [m, l.filter(([t]) => t < toMs)]));

/** Classification input for shift A (or B) as the shift workflow would build it at close. */
export const scenario = (shift = SHIFT_A, extra: Partial<ClassifyInput> = {}): ClassifyInput => ({
  master: downtimeMaster(),
  lineCostCenter: 'CC4100',
  machineCostCenters: { 'press-1': 'CC4150' },
  timelines: upTo(shift.toMs),
  alarms,
  reclassifications: [{ stopId: 'press-1@2026-03-02T10:00:00.000Z', reason: 'cleaning' }],
  plannedDowntime: shift === SHIFT_A ? [BREAK_A] : [],
  ...shift,
  ...extra,
});

export const classifiedScenario = (shift = SHIFT_A) => classifyStops(scenario(shift));
