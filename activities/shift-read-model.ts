import { log } from '@temporalio/activity';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ShiftSummary } from '../contracts/messages/shift.js';
import type { Db } from '../db/client.js';
import { shiftOee } from '../schema/index.js';

/** One write of a shift's read model row (workflows/shift-oee-writer.ts). */
export interface ShiftOeeWrite {
  workflowId: string;
  /** `closed`: the shift's result, the row's last write. */
  state: 'running' | 'closed';
  summary: ShiftSummary;
  /** Workflow time of the write, ISO: a write older than the row's is dropped, and nothing overwrites `closed`. */
  writtenAt: string;
}

export function createShiftReadModelActivities(deps: { db: Db }) {
  return {
    /**
     * Upserts the shift's row in `shift_oee`. Idempotent: a replayed or retried write carries the same `writtenAt`,
     * and one that lost a race to a newer write, or came after the closing write, changes nothing.
     */
    async upsertShiftOee(w: ShiftOeeWrite): Promise<void> {
      // The API answers this document as it is: checked against the contract once, here. A summary that fails is a
      // bug to see, not a reason to stall the shift: it is logged and not stored (the API then asks the workflow).
      const doc = ShiftSummary.safeParse(w.summary);
      if (!doc.success) {
        log.warn('shift summary does not match ShiftSummary: not stored', { workflowId: w.workflowId, error: z.prettifyError(doc.error) });
        return;
      }
      const s = doc.data;
      const line = s.oee?.line ?? null;
      const row = {
        workflowId: w.workflowId,
        crew: s.shift.crew ?? null,
        startsAt: new Date(s.shift.startsAt),
        endsAt: new Date(s.shift.endsAt),
        state: w.state,
        good: s.good,
        scrap: s.scrap,
        availability: line?.availability ?? null,
        performance: line?.performance ?? null,
        quality: line?.quality ?? null,
        oee: line?.oee ?? null,
        summary: s,
        writtenAt: new Date(w.writtenAt),
        updatedAt: new Date(),
      };
      await deps.db
        .insert(shiftOee)
        .values({ siteCode: s.shift.site, lineCode: s.shift.line, shiftDate: s.shift.date, shiftCode: s.shift.shiftCode, ...row })
        .onConflictDoUpdate({
          target: [shiftOee.siteCode, shiftOee.lineCode, shiftOee.shiftDate, shiftOee.shiftCode],
          set: row,
          setWhere: sql`${shiftOee.writtenAt} <= excluded.written_at and (${shiftOee.state} <> 'closed' or excluded.state = 'closed')`,
        });
    },
  };
}
