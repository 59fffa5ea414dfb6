import type { ErpDowntime } from '../contracts/erp-port.js';
import type { ShiftDowntimeResult } from '../contracts/messages/shift.js';

/**
 * How a shift workflow ended the soak (soak/shifts.ts `closeShifts`): `closed` (completed, with what it posted),
 * `open` (still taking events: its shift had not ended when the drain began, or its late grace outlasts the drain;
 * nothing to check yet), `overdue` (should have closed, still running when the drain gave up), or what else Temporal says (`workflow FAILED`, `unreadable: ...`).
 */
export interface ShiftEnd {
  workflowId: string;
  status: string;
  /** The shift's end (ISO), when the workflow could be read. */
  endsAt: string | null;
  /** A closed shift's result (`ShiftSummary.downtime`). */
  downtime?: ShiftDowntimeResult;
}

/** A shift's end with the ERP's documents under each of its downtime keys: `documents[seq - 1]` (`findPostings`). */
export interface ShiftBooks extends ShiftEnd {
  documents: string[][];
}

// The shift workflow names a refused record `downtime #<seq> (...)` in its problems (workflows/shift.ts).
const refusedSeqs = (d: ShiftDowntimeResult) => new Set(d.problems.flatMap((p) => /^downtime #(\d+) /.exec(p)?.[1] ?? []).map(Number));

/**
 * Every violation of "each downtime record a closed shift reports as posted is in the ERP exactly once": per closed
 * shift, its keys `<workflow id>#1` ... `#records` hold one document each, of the plant's downtime list
 * (`ErpAdapter.listDowntime`), except the records the ERP refused (named in the shift's problems), which hold none,
 * and the shift's posted count is the rest. A shift that ended and did not close, or ended otherwise, is a violation
 * too. Pure; one sentence per shift and kind of fault, naming the sequence numbers and documents.
 */
export function checkShiftDowntime(shifts: ShiftBooks[], erpDowntime: ErpDowntime[]): string[] {
  const v: string[] = [];
  const listed = new Set(erpDowntime.map((d) => d.document));
  for (const s of shifts) {
    if (s.status !== 'closed') {
      if (s.status !== 'open') v.push(`shift ${s.workflowId} (ended ${s.endsAt ?? 'unknown'}): ${s.status}, not closed`);
      continue;
    }
    const d = s.downtime;
    if (!d) {
      v.push(`shift ${s.workflowId}: closed without a downtime result`);
      continue;
    }
    const refused = refusedSeqs(d);
    if (d.posted + refused.size !== d.records)
      v.push(`shift ${s.workflowId}: reports ${d.posted} of ${d.records} downtime records posted and ${refused.size} refused${d.problems.length ? ` (${d.problems.join('; ')})` : ''}`);
    const missing: number[] = [];
    const doubled: string[] = [];
    const unlisted: string[] = [];
    const despiteRefusal: string[] = [];
    for (let seq = 1; seq <= d.records; seq++) {
      const docs = s.documents[seq - 1] ?? [];
      if (refused.has(seq)) {
        if (docs.length > 0) despiteRefusal.push(`#${seq} (${docs.join(', ')})`);
        continue;
      }
      if (docs.length === 0) missing.push(seq);
      if (docs.length > 1) doubled.push(`#${seq} (${docs.join(', ')})`);
      unlisted.push(...docs.filter((doc) => !listed.has(doc)).map((doc) => `#${seq} ${doc}`));
    }
    const name = (what: string, items: Array<string | number>) => {
      if (items.length > 0) v.push(`shift ${s.workflowId}: downtime ${items.map((i) => (typeof i === 'number' ? `#${i}` : i)).join(', ')} ${what}`);
    };
    name('posted, the ERP holds no document under its key', missing);
    name('held twice or more in the ERP', doubled);
    name('under its key but not in the ERP\'s downtime list of the plant', unlisted);
    name('refused, yet the ERP holds a document under its key', despiteRefusal);
  }
  return v;
}
