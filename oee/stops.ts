import type { MachineState } from '../contracts/messages/machine-event.js';
import type { DowntimeState } from '../contracts/erp-port.js';
import type { Span } from './intervals.js';

/** A machine's state changes as the shift state holds them: [source time in UTC ms, state], in any order. */
export type Timelines = Readonly<Record<string, ReadonlyArray<readonly [number, MachineState]>>>;

/** One stretch of one non-running state of a machine, as seen from one shift. */
export interface Stop extends Span {
  /** `<machine>@<ISO start>`: the same in every shift the stop reaches, so a reclassification applies to all parts. */
  id: string;
  machine: string;
  state: DowntimeState;
  /** When the stop really began (may lie before the shift: then `startMs` is the shift's start). */
  beganMs: number;
  /** When it really ended; null while it is still open at the end of the window (it may go on into the next shift). */
  endedMs: number | null;
}

/**
 * The stops of each machine within [fromMs, toMs) (the shift's start, and its end or now): every maximal stretch of
 * one non-running state, split at the window's edges, which is how a stop across a shift boundary shows in both
 * shifts. Repeated changes to the same state extend the stretch. A state known before the window counts from its
 * start; time before a machine's first known state is no stop (it is unobserved, oee/figures.ts). Of two changes at
 * the same instant the later-applied one holds (stable sort), as in workflows/downtime.ts. Sorted by machine, then start.
 */
export function stopsOf(timelines: Timelines, fromMs: number, toMs: number): Stop[] {
  const out: Stop[] = [];
  for (const machine of Object.keys(timelines).sort()) {
    const sorted = [...timelines[machine]!].sort((a, b) => a[0] - b[0]);
    // Collapse repeats: each entry is a change to a different state.
    const changes = sorted.filter(([, s], i) => i === 0 || sorted[i - 1]![1] !== s);
    changes.forEach(([t, state], i) => {
      const next = changes[i + 1]?.[0] ?? null;
      // Zero-length entries (two changes at one instant) are no stop.
      if (state === 'running' || (next !== null && next <= t)) return;
      const startMs = Math.max(t, fromMs);
      const endMs = Math.min(next ?? toMs, toMs);
      if (endMs <= startMs) return;
      out.push({ id: `${machine}@${new Date(t).toISOString()}`, machine, state, startMs, endMs, beganMs: t, endedMs: next !== null && next <= toMs ? next : null });
    });
  }
  return out;
}

/** The part of [fromMs, toMs) before the machine's first known state (no one knows what it did); null when none. */
export function unobservedSpan(timeline: ReadonlyArray<readonly [number, MachineState]> | undefined, fromMs: number, toMs: number): Span | null {
  const first = timeline && timeline.length > 0 ? Math.min(...timeline.map(([t]) => t)) : toMs;
  const endMs = Math.min(first, toMs);
  return endMs > fromMs ? { startMs: fromMs, endMs } : null;
}
