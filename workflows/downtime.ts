import type { DowntimeState } from '../contracts/erp-port.js';
import { fromThousandths } from '../contracts/decimal.js';
import type { MachineState } from '../contracts/messages/machine-event.js';

/** One stretch in which a machine was in one non-running state, clipped to the shift. */
export interface DowntimeInterval {
  machine: string;
  state: DowntimeState;
  startMs: number;
  endMs: number;
}

/**
 * The downtime records of a shift: per machine, every maximal stretch of one non-running state (idle, stopped,
 * setup, fault, unknown) between the shift's start and end. Repeated events of the same state extend a stretch; a
 * change to another non-running state starts a new one, because the state is the record's reason. A state reported
 * before the shift began counts from the shift's start (as `ShiftState.summary` does); the time before a machine's
 * first known state is not observed and is no downtime. A stretch still open at the end stops at the shift's end.
 *
 * Sorted by machine, then start: the index + 1 is the posting sequence, deterministic from the final timelines, so a
 * replay or a retry derives the same keys. Pure and workflow-safe.
 */
export function downtimeIntervals(
  transitions: Readonly<Record<string, ReadonlyArray<readonly [number, MachineState]>>>,
  shiftStartMs: number,
  shiftEndMs: number,
): DowntimeInterval[] {
  const out: DowntimeInterval[] = [];
  for (const machine of Object.keys(transitions).sort()) {
    // Stable sort: of two changes at the same instant the later-applied one holds; the earlier lasts 0 ms.
    const sorted = [...transitions[machine]!].sort((a, b) => a[0] - b[0]);
    let open: DowntimeInterval | undefined;
    sorted.forEach(([t, state], i) => {
      const from = Math.max(t, shiftStartMs);
      const to = Math.min(sorted[i + 1]?.[0] ?? shiftEndMs, shiftEndMs);
      if (to <= from) return;
      if (state === 'running') {
        open = undefined;
        return;
      }
      if (open && open.state === state && open.endMs === from) open.endMs = to;
      else {
        open = { machine, state, startMs: from, endMs: to };
        out.push(open);
      }
    });
  }
  return out;
}

/** Milliseconds as minutes in a decimal string with at most 3 places (thousandths of a minute are 60 ms). */
export function durationMinutes(ms: number): string {
  return fromThousandths(ms / 60);
}
