import type { MachineState } from '../../contracts/messages/machine-event.js';
import type { MachineDeltas, ProductionDeltas } from '../../contracts/messages/outbox-delta.js';
import type { ShiftInput } from '../../contracts/messages/shift.js';

// The scripted week of test/long/shift-week.test.ts: what each line's machines report per shift, and the downtime
// records that script implies, written out stretch by stretch (not through workflows/downtime.ts).

const MIN = 60_000;
export const MACHINES = ['press-1', 'robot-1'] as const;
/** When each of a shift's three outbox rounds is sent (minutes after the shift's start), after every change it carries. */
export const ROUND_AT_MIN = [90, 240, 475] as const;

/** Line n (0-based) is `line-01`...; its press's fault in each shift lasts 5 + n minutes. */
export const lineName = (n: number) => `line-${String(n + 1).padStart(2, '0')}`;
const faultMin = (n: number) => 5 + n;
/** Odd shifts of the week end with the press idle from 10 minutes before the end until 10 minutes into the next shift. */
const endsIdle = (k: number) => k % 2 === 1;
/** Good and scrap of one machine in one round. */
export const roundCounts = (n: number, r: number) => ({ good: 100 + n, scrap: (n + r) % 3 });

/**
 * Round `r` of shift `k` (0-based in the week) on line `n`: counts of both machines and the state changes in it.
 * Round 0 sets the press running 10 minutes in (ending a stop carried over the boundary; the first shift of the week
 * starts both machines at its start) and has its fault; round 1 the robot's 30-minute setup; round 2 the idle stop
 * that runs across the boundary on odd shifts.
 */
export function shiftRound(n: number, k: number, r: number, shift: ShiftInput): MachineDeltas {
  const s = Date.parse(shift.startsAt);
  const at = (min: number, machine: string, state: MachineState) => ({ machine, sourceTime: new Date(s + min * MIN).toISOString(), state });
  const states =
    r === 0
      ? [
          ...(k === 0 ? [at(0, 'press-1', 'running'), at(0, 'robot-1', 'running')] : []),
          at(10, 'press-1', 'running'), at(60, 'press-1', 'fault'), at(60 + faultMin(n), 'press-1', 'running'),
        ]
      : r === 1
        ? [at(200, 'robot-1', 'setup'), at(230, 'robot-1', 'running')]
        : endsIdle(k) ? [at(470, 'press-1', 'idle')] : [];
  const { good, scrap } = roundCounts(n, r);
  const machines = MACHINES.map((machine) => ({
    machine, good, scrap, total: good + scrap, events: good + scrap + states.filter((x) => x.machine === machine).length,
  }));
  return { v: 1, source: 'outbox', fromSeq: r + 1, toSeq: r + 1, machines, states, alarmsRaised: r === 0 ? 1 : 0, duplicatesDropped: 0 };
}

/** The press's pieces of that round toward the line's running order (the same events, routed to the order too). */
export function orderRound(n: number, seq: number, sourceTime: string): ProductionDeltas {
  const { good, scrap } = roundCounts(n, seq % 3);
  return { v: 1, source: 'outbox', fromSeq: seq, toSeq: seq, duplicatesDropped: 0, machines: [{ machine: 'press-1', good, scrap, events: good + scrap, lastSourceTime: sourceTime }] };
}

export interface ExpectedDowntime {
  machine: string;
  state: string;
  startedAt: string;
  endedAt: string;
  durationMin: string;
}

/** The downtime records shift `k` on line `n` must post, in posting order (by machine, then start). */
export function expectedDowntime(n: number, k: number, shift: ShiftInput): ExpectedDowntime[] {
  const s = Date.parse(shift.startsAt);
  const e = Date.parse(shift.endsAt);
  const rec = (machine: string, state: string, fromMs: number, toMs: number): ExpectedDowntime => ({
    machine, state, startedAt: new Date(fromMs).toISOString(), endedAt: new Date(toMs).toISOString(), durationMin: String((toMs - fromMs) / MIN),
  });
  return [
    ...(k > 0 && endsIdle(k - 1) ? [rec('press-1', 'idle', s, s + 10 * MIN)] : []),
    rec('press-1', 'fault', s + 60 * MIN, s + (60 + faultMin(n)) * MIN),
    ...(endsIdle(k) ? [rec('press-1', 'idle', s + 470 * MIN, e)] : []),
    rec('robot-1', 'setup', s + 200 * MIN, s + 230 * MIN),
  ];
}
